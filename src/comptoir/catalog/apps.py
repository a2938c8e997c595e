from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "comptoir.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from comptoir.catalog import resources  # noqa: F401  (registers the catalog resources)
        from comptoir.catalog.services import create_default_warehouse
        from comptoir.tenancy.services import on_business_file_created

        # Every new business file gets its default warehouse (idempotent registration).
        on_business_file_created(create_default_warehouse)
