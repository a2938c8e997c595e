from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "comptoir.sales"
    label = "sales"
    verbose_name = "Sales management"

    def ready(self):
        from comptoir.core.startup import on_worker_start
        from comptoir.sales import resources  # noqa: F401  (registers the sales resources)
        from comptoir.sales.documents.pdf import warm_up
        from comptoir.sales.services import create_company_profile
        from comptoir.tenancy.services import on_business_file_created

        # Every new business file gets its company profile (the seller on the documents).
        on_business_file_created(create_company_profile)
        # Fonts and WeasyPrint objects load once per worker, not in the first PDF request.
        on_worker_start(warm_up)
