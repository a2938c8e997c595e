"""Contacts and firms through the shared resource tests, plus their own rules."""

from comptoir.core.testing.api import ResourceAPITestCase


class FirmTestCase(ResourceAPITestCase):
    resource = "firms"
    create_data = [
        {
            "name": "Atelier Martin",
            "firm_type": "client",
            "siren": "732829320",
            "tva": "FR44732829320",
            "contact_addresses": [
                {"address_type": 21, "street_address": "12 rue des Tanneurs",
                 "zip_code": "69001", "city": "Lyon", "country": "France"},
            ],
            "contact_items": [
                {"type_id": 471, "value": "04 78 12 34 56"},
                {"type_id": 27, "value": "contact@atelier-martin.fr"},
            ],
        },
        {"name": "Boulangerie Roux", "firm_type": "prospect", "keywords": "pain, bio"},
        {"name": "Imprimerie du Centre", "firm_type": "supplier", "can_be_parent": True},
    ]
    update_data = {"name": "Atelier Martin & Fils", "comment": "Client depuis 2019"}
    invalid_data = ({"name": "Sans SIREN valide", "siren": "123456789"}, "siren")
    filters = [
        ("q=roux", [1]),
        ("q=04 78 12", [0]),
        ("q=atelier-martin.fr", [0]),
        ("firm_type=supplier", [2]),
        ("q=732829320", [0]),
    ]


class ContactTestCase(ResourceAPITestCase):
    resource = "contacts"
    create_data = [
        {
            "civility_label_id": 18,
            "last_name": "Martin",
            "first_name": "Élodie",
            "job_title": "Gérante",
            "job_department": "Direction",
            "contact_type": "client",
            "contact_addresses": [
                {"address_type": 21, "street_address": "12 rue des Tanneurs",
                 "street_address2": "", "zip_code": "69001", "city": "Lyon", "country": "France"},
            ],
            "contact_items": [
                {"type_id": 27, "value": "elodie.martin@atelier-martin.fr"},
                {"type_id": 88, "value": "06 12 34 56 78"},
            ],
        },
        {"civility_label_id": 17, "last_name": "Roux", "first_name": "Jérôme",
         "contact_type": "prospect"},
        {"last_name": "Dubois & Fils <SARL>", "contact_type": "supplier",
         "comment": "ligne 1\nligne 2"},
    ]
    update_data = {"job_title": "Présidente", "civility_label_id": 18}
    invalid_data = ({"first_name": "Sans nom"}, "last_name")
    filters = [
        ("q=élodie", [0]),
        ("q=0612345678", [0]),
        ("q=06 12 34", [0]),
        ("q=atelier-martin", [0]),
        ("contact_type=prospect", [1]),
        ("q=dubois", [2]),
        ("firm_id=0", [0, 1, 2]),
    ]
