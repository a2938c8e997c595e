from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "comptoir.sales"
    label = "sales"
    verbose_name = "Sales management"

    def ready(self):
        from comptoir.sales import resources  # noqa: F401  (registers the sales resources)
        from comptoir.sales.services import create_company_profile
        from comptoir.tenancy.services import on_business_file_created

        # Every new business file gets its company profile (the seller on the documents).
        on_business_file_created(create_company_profile)
        # WeasyPrint is not warmed up when a worker starts: it costs ~35 MB per worker (plus
        # the pages its import unshares), most workers only serve the API, and a validated
        # invoice is printed once. The first PDF of a worker pays ~1 s of CPU instead.
