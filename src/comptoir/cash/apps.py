from django.apps import AppConfig


class CashConfig(AppConfig):
    name = "comptoir.cash"
    label = "cash"
    verbose_name = "Cash management"

    def ready(self):
        from comptoir.cash import resources  # noqa: F401  (registers the cash resources)
