from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "comptoir.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from comptoir.catalog import resources  # noqa: F401  (registers the catalog resources)
