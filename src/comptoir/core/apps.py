from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "comptoir.core"
    label = "core"
    verbose_name = "Comptoir framework"

    def ready(self):
        from django.db.models.signals import post_migrate

        from comptoir.core import checks, search  # noqa: F401  (system checks, SQL functions)
        from comptoir.core.rowcounts import install_after_migrate

        post_migrate.connect(install_after_migrate, sender=self)
