"""Bank accounts through the shared resource tests, plus their rules seen from the API."""

import orjson
from django.test import TestCase

from comptoir.cash.models import BankAccount
from comptoir.core.testing.api import ResourceAPITestCase
from comptoir.core.testing.clients import make_tenant, to_xml

# Valid French IBANs (check digits and RIB keys computed, not copied from a real account).
BNP_IBAN = "FR7630004008280001098765416"
POSTE_IBAN = "FR1420041010050500013M02606"
SG_IBAN = "FR7630003012340005012345665"


class BankAccountTestCase(ResourceAPITestCase):
    resource = "bank_accounts"
    create_data = [
        {
            "name": "Compte courant",
            "bank_name": "BNP Paribas",
            "bank_code": "30004",
            "bank_desk": "00828",
            "bank_account": "00010987654",
            "bank_key": "16",
            "bank_iban": BNP_IBAN,
            "bank_bic": "BNPAFRPPXXX",
            "bank_dom": "Lyon Bellecour",
            "street_address": "4 place Bellecour",
            "zip_code": "69002",
            "city": "Lyon",
            "country": "France",
        },
        {"name": "Compte postal", "bank_name": "La Banque Postale", "bank_iban": POSTE_IBAN,
         "bank_bic": "PSSTFRPPLYO", "is_default": True,
         "comment": "Pour les chèques & virements <urgents>"},
        {"name": "Épargne", "bank_name": "Société Générale", "bank_iban": SG_IBAN,
         "bank_bic": "SOGEFRPP", "street_address2": "Bâtiment B"},
    ]
    update_data = {"name": "Compte courant principal", "bank_dom": "Lyon Part-Dieu",
                   "is_default": True}
    invalid_data = ({"name": "IBAN mal recopié", "bank_iban": "FR7630004008280001098765417"},
                    "bank_iban")
    filters = [
        ("q=postale", [1]),
        ("q=epargne", [2]),
        ("q=FR76 3000 3012", [2]),
        ("q=0500013M", [1]),
        ("is_default=1", [1]),
        ("is_default=0", [0, 2]),
        ("q=compte&is_default=false", [0]),
    ]


class BankAccountRulesTestCase(TestCase):
    """What a client sees of the services: normalised numbers, RIB filled, one default."""

    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("cash-a")
        cls.other = make_tenant("cash-b")

    def setUp(self):
        self.client = self.tenant.owner_client()

    def post(self, data, tenant=None, fmt="json"):
        tenant = tenant or self.tenant
        url = f"/{tenant.id}/bank_accounts.{fmt}"
        client = tenant.owner_client()
        if fmt == "xml":
            return client.post(url, to_xml("bank_accounts", data),
                               content_type="application/xml")
        return client.post(url, orjson.dumps(data), content_type="application/json")

    def put(self, pk, data):
        return self.client.put(f"/{self.tenant.id}/bank_accounts/{pk}.json", orjson.dumps(data),
                               content_type="application/json")

    def created(self, data, tenant=None):
        response = self.post(data, tenant)
        self.assertEqual(response.status_code, 201, response.content)
        return orjson.loads(response.content)

    def errors(self, response):
        self.assertEqual(response.status_code, 422, response.content)
        return orjson.loads(response.content)["errors"]

    def defaults(self, tenant):
        return list(BankAccount.objects.for_business_file(tenant.id)
                    .filter(is_default=True).values_list("id", flat=True))

    def test_only_name_is_required(self):
        body = self.created({"name": "Caisse"})
        self.assertEqual(body["bank_iban"], "")
        self.assertEqual(body["country"], "France")
        self.assertFalse(body["is_default"])
        self.assertEqual(self.errors(self.post({"bank_name": "BNP"})),
                         ["name: this field is required"])
        self.assertEqual(self.errors(self.post({"name": "  "})),
                         ["name: this field may not be blank"])

    def test_iban_and_bic_are_normalised_and_the_rib_filled(self):
        response = self.post({"name": "Compte", "bank_iban": "fr76 3000 6000 0112 3456 7890 189",
                              "bank_bic": "bnpa fr pp"}, fmt="xml")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertIn(b"  <bank_iban>FR7630006000011234567890189</bank_iban>\n",
                      response.content)
        pk = int(response.content.decode().splitlines()[2][6:-5])
        body = orjson.loads(self.client.get(f"/{self.tenant.id}/bank_accounts/{pk}.json").content)
        self.assertEqual(body["bank_bic"], "BNPAFRPP")
        self.assertEqual((body["bank_code"], body["bank_desk"], body["bank_account"],
                          body["bank_key"]), ("30006", "00001", "12345678901", "89"))

    def test_bad_numbers_are_422_on_their_field(self):
        cases = [
            ({"bank_iban": "FR7630006000011234567890188"}, "bank_iban: not a valid IBAN"),
            ({"bank_iban": "FR76300060000112345678901"}, "bank_iban: an IBAN of FR has 27"),
            ({"bank_iban": "ZZ7630006000011234567890189"}, "bank_iban: ZZ is not a country"),
            ({"bank_bic": "BNPA"}, "bank_bic: a BIC is 8 or 11"),
            ({"bank_code": "30006", "bank_desk": "00001", "bank_account": "12345678901",
              "bank_key": "88"}, "bank_key: the RIB key does not match"),
            ({"bank_iban": BNP_IBAN, "bank_code": "30006"},
             "bank_code: does not match the IBAN, which says 30004"),
        ]
        for data, expected in cases:
            errors = self.errors(self.post({"name": "Compte", **data}))
            self.assertTrue(any(e.startswith(expected) for e in errors), (data, errors))
        self.assertFalse(BankAccount.objects.for_business_file(self.tenant.id).exists())

    def test_a_new_french_iban_brings_its_rib_and_keeps_nothing_of_the_old_one(self):
        account = self.created({"name": "Compte", "bank_iban": BNP_IBAN})
        self.assertEqual(account["bank_code"], "30004")
        response = self.put(account["id"], {"bank_iban": SG_IBAN})
        self.assertEqual(response.status_code, 200, response.content)
        body = orjson.loads(response.content)
        self.assertEqual((body["bank_code"], body["bank_desk"], body["bank_account"],
                          body["bank_key"]), ("30003", "01234", "00050123456", "65"))
        # A foreign IBAN drops the parts that only mirrored the French one.
        body = orjson.loads(self.put(account["id"], {"bank_iban": "DE89370400440532013000"})
                            .content)
        self.assertEqual([body[n] for n in ("bank_code", "bank_desk", "bank_account",
                                            "bank_key")], ["", "", "", ""])
        # Sending a wrong key alone is checked against the stored IBAN.
        self.assertEqual(self.put(account["id"], {"bank_iban": SG_IBAN}).status_code, 200)
        self.assertEqual(self.errors(self.put(account["id"], {"bank_key": "12"})),
                         ["bank_key: does not match the IBAN, which says 65"])

    def test_one_default_per_business_file(self):
        first = self.created({"name": "Premier", "is_default": True})
        foreign = self.created({"name": "Ailleurs", "is_default": True}, self.other)
        second = self.created({"name": "Second", "is_default": True})
        self.assertEqual(self.defaults(self.tenant), [second["id"]])
        after = orjson.loads(
            self.client.get(f"/{self.tenant.id}/bank_accounts/{first['id']}.json").content
        )
        self.assertFalse(after["is_default"])
        self.assertGreaterEqual(after["updated_at"], first["updated_at"])
        response = self.put(first["id"], {"is_default": True})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.defaults(self.tenant), [first["id"]])
        self.assertEqual(self.defaults(self.other), [foreign["id"]])
        self.assertEqual(self.put(first["id"], {"is_default": False}).status_code, 200)
        self.assertEqual(self.defaults(self.tenant), [])
