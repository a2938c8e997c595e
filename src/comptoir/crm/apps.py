from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "comptoir.crm"
    label = "crm"
    verbose_name = "Contact management"

    def ready(self):
        from comptoir.crm import resources  # noqa: F401  (registers contacts and firms)
