"""Leads through the shared resource tests, plus their own rules: weighted value, links."""

from decimal import Decimal

import orjson
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from lxml import etree

from comptoir.core.testing.api import ResourceAPITestCase
from comptoir.core.testing.clients import make_tenant
from comptoir.crm.models import Contact, Firm
from comptoir.sales import services
from comptoir.sales.choices import LeadStep
from comptoir.sales.models import Lead
from tests.catalog import fixtures
from tests.catalog.fixtures import LinkedPayloads


def crm_links(tenant) -> dict:
    firm = Firm.objects.create(business_file=tenant.business_file, name="Brasserie des Halles")
    contact = Contact.objects.create(business_file=tenant.business_file, last_name="Roux",
                                     first_name="Jérôme", firm=firm)
    return {"owner": tenant.owner.pk, "firm": firm.pk, "contact": contact.pk,
            "category": fixtures.category(tenant.id).pk}


class LeadTestCase(LinkedPayloads, ResourceAPITestCase):
    resource = "leads"
    create_data = [
        {
            "topic": "Vaisselle du restaurant", "manager_id": "@owner", "firm_id": "@firm",
            "contact_id": "@contact", "is_engaged": True, "importance": 4, "step_id": 461,
            "product_category_id": "@category", "value": 12000, "value_date": "2025-06-30",
            "confidence_pct": 40, "description": "Renouvellement de 200 couverts",
            "learning_on_customer": "Décide en comité", "learning_on_sales_tools": "Catalogue",
            "learning_on_products": "Grès apprécié",
        },
        {"topic": "Cadeaux d'affaires", "client_name": "Mairie de Lyon", "value": 1000.5,
         "confidence_pct": 33},
        {"topic": "Salon 2026 & <stand>", "step_id": 464, "value": 500, "importance": 1},
    ]
    update_data = {"topic": "Vaisselle du restaurant (signée)", "step_id": 462}
    invalid_data = ({"topic": "Trop sûr", "confidence_pct": 101}, "confidence_pct")
    filters = [
        ("q=restaurant", [0]),
        ("q=brasserie", [0]),
        ("q=mairie", [1]),
        ("step=464", [2]),
        ("step=459,461", [0, 1]),
        ("firm_id=0", [1, 2]),
        ("contact_id=0", [1, 2]),
        ("is_engaged=1", [0]),
        ("manager_id=0", []),
    ]

    @classmethod
    def make_links(cls, tenant):
        return crm_links(tenant)


class LeadRulesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = make_tenant("a")
        cls.other = make_tenant("b")
        cls.links = crm_links(cls.tenant)
        cls.foreign = crm_links(cls.other)

    def setUp(self):
        self.client = self.tenant.owner_client()
        self.bf = self.tenant.id

    def post(self, payload, status=201):
        response = self.client.post(f"/{self.bf}/leads.json", orjson.dumps(payload),
                                    content_type="application/json")
        self.assertEqual(response.status_code, status, response.content)
        return orjson.loads(response.content)

    def test_the_weighted_value_is_rounded_half_up_to_the_cent(self):
        cases = [("12000", 40, "4800.00"), ("1000.50", 33, "330.17"), ("100.50", 1, "1.01"),
                 ("0.01", 49, "0.00"), ("0.01", 50, "0.01"), ("999999999999.99", 100,
                 "999999999999.99"), ("500", 0, "0.00"), ("19.99", 100, "19.99")]
        for value, pct, weighted in cases:
            body = self.post({"topic": "T", "value": value, "confidence_pct": pct})
            self.assertEqual(body["weighted_value"], weighted, (value, pct))
            xml = self.client.get(f"/{self.bf}/leads/{body['id']}.xml").content
            self.assertIn(f"  <weighted_value>{weighted}</weighted_value>\n".encode(), xml)
            lead = Lead.objects.for_business_file(self.bf).annotate(
                w=services.WeightedValue()).get(pk=body["id"])
            self.assertEqual(lead.w, Decimal(weighted))

    def test_the_weighted_value_follows_updates_and_reads_in_one_query(self):
        body = self.post({"topic": "T", "value": "200", "confidence_pct": 10})
        response = self.client.put(f"/{self.bf}/leads/{body['id']}.xml",
                                   "<lead><confidence_pct>75</confidence_pct></lead>",
                                   content_type="application/xml")
        self.assertIn(b"<weighted_value>150.00</weighted_value>", response.content)
        self.client.get(f"/{self.bf}/leads.xml")
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(f"/{self.bf}/leads.xml")
        self.assertEqual(len(queries), 1)
        item = etree.fromstring(response.content).find("lead")
        self.assertEqual(item.findtext("weighted_value"), "150.00")

    def test_the_pipeline_value_sums_the_open_leads(self):
        for value, pct, step in (("1000.50", 33, 459), ("100.50", 1, 460), ("200", 50, 461),
                                 ("5000", 100, 462), ("900", 80, 463), ("10", 10, 464)):
            self.post({"topic": "T", "value": value, "confidence_pct": pct, "step_id": step})
        leads = Lead.objects.for_business_file(self.bf)
        self.assertEqual(services.pipeline_value(leads), Decimal("431.18"))  # 330.17+1.01+100
        self.assertEqual(services.pipeline_value(Lead.objects.for_business_file(self.other.id)),
                         Decimal("0.00"))

    def test_values_out_of_range_are_refused(self):
        for payload, field in (({"confidence_pct": 101}, "confidence_pct"),
                               ({"confidence_pct": -1}, "confidence_pct"),
                               ({"value": "-5"}, "value"),
                               ({"value": "1.005"}, "value"),
                               ({"importance": 6}, "importance"),
                               ({"step_id": 465}, "step_id"),
                               ({"value_date": "31-02-2025"}, "value_date"),
                               ({"topic": " "}, "topic")):
            errors = self.post({"topic": "T", **payload}, status=422)["errors"]
            self.assertTrue(errors[0].startswith(f"{field}: "), errors)

    def test_links_stay_in_the_business_file(self):
        for field, kind, value in (
            ("firm_id", "firm", self.foreign["firm"]),
            ("contact_id", "contact", self.foreign["contact"]),
            ("product_category_id", "customer product category", self.foreign["category"]),
            ("manager_id", "user", self.other.owner.pk),  # not a member of this file
        ):
            errors = self.post({"topic": "T", field: value}, status=422)["errors"]
            self.assertEqual(errors, [f"{field}: no {kind} with id {value} in this business file"])
        # The reader is a member of the business file: a possible manager.
        body = self.post({"topic": "T", "manager_id": self.tenant.reader.pk})
        self.assertEqual(body["manager_id"], self.tenant.reader.pk)

    def test_defaults_of_a_new_lead(self):
        body = self.post({"topic": "Vaisselle", "firm_id": self.links["firm"],
                          "project_id": 12})  # no projects module yet: ignored (W33)
        self.assertEqual((body["manager_id"], body["client_name"], body["firm_name"]),
                         (self.tenant.owner.pk, "Brasserie des Halles", "Brasserie des Halles"))
        self.assertEqual((body["step_id"], body["importance"], body["confidence_pct"],
                          body["value"], body["weighted_value"], body["is_engaged"]),
                         (LeadStep.PROJECT, 0, 0, "0.00", "0.00", False))
        self.assertNotIn("project_id", body)
        body = self.post({"topic": "Tasses", "contact_id": self.links["contact"],
                          "client_name": "", "manager_id": 0})
        self.assertEqual((body["manager_id"], body["client_name"]), (None, "Jérôme Roux"))

    def test_dates_in_the_incwo_format(self):
        response = self.client.post(
            f"/{self.bf}/leads.xml",
            "<lead><topic>Salon</topic><value_date>30-06-2025</value_date><value>1500.0</value>"
            "<firm_id>0</firm_id><is_engaged>1</is_engaged></lead>",
            content_type="application/xml")
        self.assertEqual(response.status_code, 201, response.content)
        for line in (b"  <value_date>30-06-2025</value_date>\n", b"  <value>1500.00</value>\n",
                     b"  <firm_id>0</firm_id>\n", b"  <is_engaged>1</is_engaged>\n"):
            self.assertIn(line, response.content)
