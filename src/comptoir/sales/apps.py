from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "comptoir.sales"
    label = "sales"
    verbose_name = "Sales management"

    def ready(self):
        from comptoir.sales import resources  # noqa: F401  (registers the sales resources)
