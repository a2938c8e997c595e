"""IBAN, BIC and RIB checks, and the one default bank account per business file."""

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from comptoir.cash import services
from comptoir.cash.models import BankAccount
from comptoir.cash.serializers import BankAccountSerializer
from comptoir.cash.services import BankDetailsError, clean_bic, clean_iban, rib_key, settle_rib
from comptoir.core.registry import registry
from comptoir.tenancy.models import BusinessFile
from tests.core.test_numbering import run_in_threads, threaded_db  # noqa: F401  (fixture)

VALID_IBANS = [
    "FR7630006000011234567890189",
    "FR1420041010050500013M02606",
    "DE89370400440532013000",
    "BE68539007547034",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "NL91ABNA0417164300",
    "LU280019400644750000",
    "CH9300762011623852957",
    "GB29NWBK60161331926819",
    "MC5811222000010123456789030",
]


def with_check_digits(country, bban):
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def french_iban(bank, desk, account, country="FR"):
    return with_check_digits(country, bank + desk + account + rib_key(bank, desk, account))


@pytest.mark.parametrize("iban", VALID_IBANS)
def test_registry_examples_are_valid(iban):
    assert clean_iban(iban) == iban


def test_iban_is_compacted_and_upper_cased():
    assert clean_iban(" fr76 3000 6000 0112 3456 7890 189 ") == "FR7630006000011234567890189"
    assert clean_iban("GB29-NWBK-6016-1331-9268-19") == "GB29NWBK60161331926819"
    assert clean_iban("") == ""
    assert clean_iban("   ") == ""


@pytest.mark.parametrize(("iban", "message"), [
    ("FR7630006000011234567890188", "check digits"),
    ("FR7630006000011234567890198", "check digits"),  # two digits swapped
    ("DE89370400440532013001", "check digits"),
    ("FR763000600001123456789018", "has 27 characters, not 26"),
    ("DE8937040044053201300000", "has 22 characters, not 24"),
    ("BE6853900754703", "has 16 characters"),
    ("XX7630006000011234567890189", "XX is not a country"),
    ("7630006000011234567890189", "a country code"),
    ("FRAB30006000011234567890189", "a country code"),
    ("FR76 3000 6000 0112 3456 7890 18€", "a country code"),
    (with_check_digits("FR", "300060000112345678901AB"), "holds a RIB"),
])
def test_bad_ibans_are_refused(iban, message):
    with pytest.raises(ValueError, match=message):
        clean_iban(iban)


@pytest.mark.parametrize(("value", "expected"), [
    ("BNPAFRPP", "BNPAFRPP"),
    ("BNPAFRPPXXX", "BNPAFRPPXXX"),
    ("psst fr pp lyo", "PSSTFRPPLYO"),
    ("DEUTDEFF500", "DEUTDEFF500"),
    ("AGRIFRPP882", "AGRIFRPP882"),
    ("", ""),
])
def test_valid_bics(value, expected):
    assert clean_bic(value) == expected


@pytest.mark.parametrize("value", [
    "BNPAFRP", "BNPAFRPPXX", "BNPAFRPPXXXX", "BNP1FRPP", "BNPAF1PP", "BNPAFRPP-X_", "B",
])
def test_bad_bics_are_refused(value):
    with pytest.raises(ValueError, match="a BIC is 8 or 11 characters"):
        clean_bic(value)


def test_rib_key():
    assert rib_key("30006", "00001", "12345678901") == "89"
    assert rib_key("20041", "01005", "0500013M026") == "06"  # M counts as 4
    assert rib_key("11222", "00001", "01234567890") == "30"


@given(bank=st.from_regex(r"\A[0-9]{5}\Z"), desk=st.from_regex(r"\A[0-9]{5}\Z"),
       account=st.from_regex(r"\A[0-9A-Z]{11}\Z"), country=st.sampled_from(["FR", "MC"]))
def test_any_rib_makes_an_iban_that_gives_it_back(bank, desk, account, country):
    iban = french_iban(bank, desk, account, country)
    assert clean_iban(iban) == iban
    assert settle_rib({"bank_iban": iban}) == {
        "bank_code": bank, "bank_desk": desk, "bank_account": account,
        "bank_key": rib_key(bank, desk, account),
    }
    with pytest.raises(ValueError, match="check digits"):
        clean_iban(iban[:-1] + str((int(iban[-1]) + 1) % 10))


def test_a_french_iban_fills_the_empty_rib_parts():
    parts = settle_rib({"bank_iban": "FR7630006000011234567890189", "bank_code": "",
                        "bank_key": "89"})
    assert parts == {"bank_code": "30006", "bank_desk": "00001",
                     "bank_account": "12345678901", "bank_key": "89"}


def test_rib_parts_must_agree_with_a_french_iban():
    with pytest.raises(BankDetailsError) as raised:
        settle_rib({"bank_iban": "FR7630006000011234567890189", "bank_account": "12345678900"})
    assert raised.value.field == "bank_account"


def test_a_french_iban_with_a_wrong_rib_key_is_refused():
    # Valid mod 97, but the RIB inside has key 88 instead of 89.
    iban = with_check_digits("FR", "30006000011234567890188")
    assert clean_iban(iban) == iban
    with pytest.raises(BankDetailsError) as raised:
        settle_rib({"bank_iban": iban})
    assert raised.value.field == "bank_iban"


def test_rib_parts_alone_are_checked_by_their_key():
    good = {"bank_code": "30006", "bank_desk": "00001", "bank_account": "1234 5678 901",
            "bank_key": "89"}
    assert settle_rib(good)["bank_account"] == "12345678901"
    with pytest.raises(BankDetailsError) as raised:
        settle_rib({**good, "bank_key": "98"})
    assert raised.value.field == "bank_key"
    # Incomplete, or not shaped like a French RIB (a Spanish CCC): stored as given.
    assert settle_rib({"bank_code": "30006", "bank_key": "12"})["bank_key"] == "12"
    spanish = {"bank_code": "2100", "bank_desk": "0418", "bank_account": "0200051332",
               "bank_key": "45"}
    assert settle_rib({**spanish, "bank_iban": "ES9121000418450200051332"}) == spanish


def test_a_foreign_iban_keeps_typed_rib_parts():
    stored = SimpleNamespace(bank_iban="", bank_code="2100", bank_desk="0418",
                             bank_account="0200051332", bank_key="45")
    assert settle_rib({"bank_iban": "ES9121000418450200051332"}, stored)["bank_code"] == "2100"


@pytest.fixture
def files(db):
    return (BusinessFile.objects.create(name="A"), BusinessFile.objects.create(name="B"))


def account(bf, name, is_default=False):
    return BankAccount.objects.create(business_file=bf, name=name, is_default=is_default)


def test_clear_other_defaults_keeps_one_and_leaves_other_files_alone(files):
    a, b = files
    old = account(a, "Ancien", is_default=True)
    foreign = account(b, "Autre dossier", is_default=True)
    new = account(a, "Nouveau")
    with transaction.atomic():
        assert services.clear_other_defaults(a, keep=new) == 1
        new.is_default = True
        new.save()
    assert services.default_account(a) == new
    assert services.default_account(b) == foreign
    old.refresh_from_db()
    assert not old.is_default
    with transaction.atomic():
        assert services.clear_other_defaults(a.pk, keep=new) == 0
        assert services.clear_other_defaults(a) == 1
    assert services.default_account(a) is None


def test_clear_other_defaults_needs_the_callers_transaction(files):
    with pytest.raises(transaction.TransactionManagementError):
        services.clear_other_defaults(files[0])


def test_the_database_refuses_two_defaults_in_one_file(files):
    a, b = files
    account(a, "Premier", is_default=True)
    account(b, "Ailleurs", is_default=True)
    account(a, "Pas par défaut")
    account(a, "Pas par défaut non plus")
    with pytest.raises(IntegrityError), transaction.atomic():
        account(a, "Second", is_default=True)


@pytest.mark.usefixtures("threaded_db")
def test_accounts_made_default_at_the_same_time_leave_exactly_one():
    bf = BusinessFile.objects.create(name="Concurrence")
    accounts = [account(bf, f"Compte {i}") for i in range(8)]
    context = {"resource": registry["bank_accounts"], "business_file": bf.pk, "user_id": None}

    def work(i):
        serializer = BankAccountSerializer(accounts[i], data={"is_default": True}, partial=True,
                                           context=context)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save()

    for _ in range(3):
        run_in_threads(len(accounts), work)
        defaults = BankAccount.objects.for_business_file(bf).filter(is_default=True)
        assert defaults.count() == 1
