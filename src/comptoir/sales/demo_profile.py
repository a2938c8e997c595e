"""The demo business file's identity, as printed on its documents.

With a SIREN and a VAT number the demo's validated invoices come out as Factur-X PDF/A-3
(``…/bill_sheets/{id}/facturx.xml`` answers), which is what a new user should see first.
The SIREN is made up but passes the Luhn check, and the VAT key matches it.
"""

from comptoir.sales.services import company_profile


def generate(business_file, user) -> dict:
    profile = company_profile(business_file.pk)
    profile.name = "Atelier Martin & Fils"
    profile.legal_form = "SARL"
    profile.share_capital = "20 000 €"
    profile.siren = "812345676"
    profile.tva = "FR19812345676"
    profile.rcs = "RCS Lyon 812 345 676"
    profile.street_address = "12 rue des Tanneurs"
    profile.zip_code = "69001"
    profile.city = "Lyon"
    profile.country = "France"
    profile.email = "contact@atelier-martin.fr"
    profile.phone = "04 78 12 34 56"
    profile.save()
    return {"company_profile": 1}
