"""The registry is complete, checked at start-up, documented and tested for every resource."""

import importlib
import pkgutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F

import tests
from comptoir.core.checks import check_resource
from comptoir.core.reference import full_reference
from comptoir.core.registry import Resource, computed, registry
from comptoir.core.testing.api import ResourceAPITestCase
from comptoir.crm.filtersets import FirmFilterSet
from comptoir.crm.models import Contact
from comptoir.crm.serializers import ContactSerializer, FirmSerializer
from comptoir.tenancy.models import BusinessFile

ROOT = Path(__file__).resolve().parents[2]


def _all_test_case_classes():
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        importlib.import_module(module.name)
    found, stack = set(), [ResourceAPITestCase]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            found.add(sub)
            stack.append(sub)
    return found


def test_every_resource_has_a_shared_test_class():
    tested = {cls.resource for cls in _all_test_case_classes() if cls.resource}
    missing = sorted(set(registry.resources) - tested)
    assert not missing, f"resources without a ResourceAPITestCase subclass: {missing}"


def test_registered_resources_pass_the_system_check():
    for resource in registry:
        assert check_resource(resource) == [], resource


def test_system_check_rejects_incomplete_registrations():
    class NoSerializer(Resource):
        model = Contact
        singular, plural = "thing", "things"
        module = "crm"
        summary = "incomplete"
        fields = ("id", "last_name")
        filterset = FirmFilterSet

    ids = {e.id for e in check_resource(NoSerializer())}
    assert "comptoir.E003" in ids

    class WrongModel(NoSerializer):
        serializer = FirmSerializer
        fields = ("last_name", "id", "no_such_column")

    ids = {e.id for e in check_resource(WrongModel())}
    assert {"comptoir.E004", "comptoir.E006"} <= ids

    class IdNotFirst(NoSerializer):
        serializer = ContactSerializer
        fields = ("last_name", "id", computed("upper", F("last_name")))

    assert {e.id for e in check_resource(IdNotFirst())} == {"comptoir.E007"}

    class NotABusinessModel(NoSerializer):
        model = BusinessFile

    ids = {e.id for e in check_resource(NotABusinessModel())}
    assert "comptoir.E002" in ids


def test_django_checks_pass():
    call_command("check", stdout=StringIO())


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_api_reference_is_up_to_date():
    committed = (ROOT / "docs" / "api-reference.md").read_text()
    assert committed == full_reference(), (
        "docs/api-reference.md is stale: run `comptoir apiref > docs/api-reference.md`"
    )
