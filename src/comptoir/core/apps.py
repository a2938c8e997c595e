from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "comptoir.core"
    label = "core"
    verbose_name = "Comptoir framework"

    def ready(self):
        from comptoir.core import checks, search  # noqa: F401  (system checks, SQL functions)
