"""A demo business file: a French furniture workshop with its address book, catalog and leads.

``load_demo()`` (behind ``comptoir demo``) creates one business file, *Atelier Martin & Fils
(démo)*, owned by ``demo@comptoir.test`` with API access on, and fills its address book:

* 64 firms — SARL, SAS and EURL of the trades a small business deals with (boulangerie,
  menuiserie, cabinet comptable, agence web, imprimerie, garage…), spread over clients,
  prospects, suppliers and partners. Each has a valid SIREN (Luhn check digit) and the
  matching French VAT number, one professional address in a real French town, a main phone
  whose area digit matches the region (01 Île-de-France … 05 South-West) and, mostly, a
  ``contact@`` e-mail address.
* 256 contacts — French first and last names of both genders, with accents. About 85 % work
  for one of the firms (the first one runs it: *Gérante*, *Président*…) and share its type
  and, for most, its address; their e-mail is ``prenom.nom@<firm domain>.fr``, with a mobile
  and sometimes a direct line. The rest are private customers with a personal address,
  e-mail and mobile. A few records carry comments and keywords.

Then, in the same transaction, the other modules' demo loaders fill the rest of the business:

* the catalog (``comptoir.catalog.demo``): 8 categories, 6 brands, 43 products — furniture
  made in the workshop, wood, finishes and hardware resold, laying and other services — with
  EAN-13 barcodes for the goods, and the stock movements of the goods in the default
  warehouse, from which the catalog recomputes the stock;
* the default bank account (``comptoir.cash.demo``), with a valid French IBAN, RIB and BIC;
* 20 leads on demo firms and private customers at every step of the pipeline
  (``comptoir.sales.demo_leads``), managed by the demo user;
* the company's identity on its documents (``comptoir.sales.demo_profile``), with a SIREN and
  a VAT number, so that validated invoices are Factur-X.

Everything drawn is drawn from ``random.Random`` seeded with 2026 (one generator per module,
so that a change to one module's data does not reshuffle the others'), and none of it
depends on the database, so every installation gets the same people, numbers, addresses,
products and leads: documentation, screenshots and API examples can point at them. Only two
things are not fixed: the dates of stock movements and leads are offsets from the day of the
load, so that the pipeline looks current; and the password, which comes from ``secrets``, is
generated once and kept with the business file id in ``DATA_DIR/demo-credentials.json``
(mode 600).

The load is idempotent: once the demo user owns the demo business file, it creates nothing and
returns the stored credentials. If that file is lost (a new data directory), the user's
password is reset to a new one, which is written down again.
"""

import json
import os
import random
import re
import secrets
import time
import unicodedata
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comptoir.cash import demo as cash_demo
from comptoir.catalog import demo as catalog_demo
from comptoir.crm.choices import (
    PHONE_TYPES,
    AddressType,
    Civility,
    ContactItemType,
    PartyType,
)
from comptoir.crm.models import Contact, ContactAddress, ContactItem, Firm
from comptoir.crm.services import luhn_ok, normalize_phone
from comptoir.sales import demo_leads, demo_profile
from comptoir.tenancy.models import BusinessFile, Membership, Role, User
from comptoir.tenancy.services import set_up_business_file

DEMO_EMAIL = "demo@comptoir.test"
DEMO_NAME = "Atelier Martin & Fils (démo)"
CREDENTIALS_FILE = "demo-credentials.json"
SEED = 2026
FIRM_COUNT = 64
CONTACT_COUNT = 256
INDEPENDENT_COUNT = 38  # about 15 % of the contacts work for no firm

# --- Reference data -------------------------------------------------------------------------

# Real postcode and town pairs, with the first digit of landline numbers in that region.
TOWNS = [
    ("75011", "Paris", 1), ("75002", "Paris", 1), ("75015", "Paris", 1),
    ("92100", "Boulogne-Billancourt", 1), ("93100", "Montreuil", 1), ("94300", "Vincennes", 1),
    ("78000", "Versailles", 1), ("95000", "Cergy", 1),
    ("44000", "Nantes", 2), ("35000", "Rennes", 2), ("49000", "Angers", 2), ("29200", "Brest", 2),
    ("14000", "Caen", 2), ("76000", "Rouen", 2), ("37000", "Tours", 2), ("45000", "Orléans", 2),
    ("72000", "Le Mans", 2),
    ("59000", "Lille", 3), ("67000", "Strasbourg", 3), ("57000", "Metz", 3), ("54000", "Nancy", 3),
    ("51100", "Reims", 3), ("21000", "Dijon", 3), ("25000", "Besançon", 3), ("80000", "Amiens", 3),
    ("68100", "Mulhouse", 3),
    ("69001", "Lyon", 4), ("69003", "Lyon", 4), ("13001", "Marseille", 4),
    ("13100", "Aix-en-Provence", 4), ("06000", "Nice", 4), ("38000", "Grenoble", 4),
    ("42000", "Saint-Étienne", 4), ("34000", "Montpellier", 4), ("30000", "Nîmes", 4),
    ("84000", "Avignon", 4), ("74000", "Annecy", 4), ("63000", "Clermont-Ferrand", 4),
    ("31000", "Toulouse", 5), ("33000", "Bordeaux", 5), ("64100", "Bayonne", 5),
    ("87000", "Limoges", 5), ("86000", "Poitiers", 5), ("17000", "La Rochelle", 5),
    ("64000", "Pau", 5),
]

STREET_KINDS = ["rue"] * 6 + ["avenue"] * 2 + ["boulevard", "place", "impasse", "allée", "quai"]
STREET_NAMES = [
    "des Tanneurs", "Jean Jaurès", "Voltaire", "de la République", "Victor Hugo",
    "du Général de Gaulle", "Pasteur", "des Lilas", "de la Gare", "du Moulin", "Gambetta",
    "Carnot", "Émile Zola", "des Écoles", "Saint-Michel", "de Verdun", "Jules Ferry",
    "de la Liberté", "du Commerce", "des Acacias", "Lamartine", "Paul Bert", "Anatole France",
    "du Port", "des Marronniers", "Denis Papin", "des Artisans", "Sadi Carnot", "de Strasbourg",
    "Louis Pasteur", "des Peupliers", "du 8 Mai 1945", "Aristide Briand", "de la Paix",
    "des Vignes", "Montesquieu", "Berthelot", "des Forges",
]
STREET_EXTRAS = [
    "Bâtiment B", "2e étage", "ZA des Portes", "Zone artisanale du Moulin", "BP 42",
    "Résidence Les Tilleuls", "Porte 3", "ZI Nord",
]

MEN = [
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Laurent",
    "Stéphane", "Sébastien", "Julien", "Thomas", "Antoine", "Jérôme", "François", "Frédéric",
    "Olivier", "Éric", "Benoît", "Mathieu", "Guillaume", "Hugo", "Lucas", "Théo", "Maxime",
    "Bruno", "Gérard", "Yannick", "Cédric", "Raphaël", "Loïc", "Jean-Pierre", "Jean-Marc",
    "Didier", "Romain", "Arnaud", "Hervé", "Gaëtan",
]
WOMEN = [
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sophie", "Valérie", "Christine",
    "Sandrine", "Céline", "Aurélie", "Élodie", "Hélène", "Chloé", "Camille", "Léa", "Manon",
    "Émilie", "Julie", "Caroline", "Stéphanie", "Virginie", "Anaïs", "Laëtitia", "Mélanie",
    "Béatrice", "Agnès", "Françoise", "Martine", "Brigitte", "Claire", "Inès", "Margaux",
    "Océane", "Noémie", "Anne-Sophie", "Marie-Claire", "Josiane",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
    "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier",
    "Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Pérez", "Marchand",
    "Dufour", "Blanchard", "Brun", "Barbier", "Le Gall", "Le Goff", "Caron", "Giraud",
    "Deschamps", "Poirier", "Aubert", "Hoarau", "Bouvier", "Renaud", "Colin", "Vidal",
    "Leclerc", "Carpentier", "Bailly", "Hubert", "Lacroix", "Benoît", "Schmitt", "Collet",
]

# Trades, the firm types they are most often to a small business, and how their name is made:
# "name" — after a family name ("Menuiserie Girard"), "place" — after a place ("Imprimerie
# du Centre"), "brand" — after a brand ("Agence web Pixel Nord"), "associes" — "… et Associés".
TRADES = [
    ("Boulangerie", ["client", "supplier"], ["name", "place", "brand"]),
    ("Pâtisserie", ["client", "prospect"], ["name", "brand"]),
    ("Menuiserie", ["client", "supplier"], ["name", "fils", "place"]),
    ("Plomberie", ["client", "prospect"], ["name", "fils"]),
    ("Électricité", ["client", "supplier"], ["name", "fils"]),
    ("Cabinet comptable", ["supplier", "partner"], ["name", "associes"]),
    ("Agence web", ["supplier", "partner", "prospect"], ["brand"]),
    ("Imprimerie", ["supplier", "client"], ["name", "place", "brand"]),
    ("Garage", ["client", "supplier"], ["name", "place"]),
    ("Traiteur", ["client", "prospect"], ["name", "brand"]),
    ("Atelier d'architecture", ["partner", "client"], ["name", "associes"]),
    ("Fromagerie", ["client", "prospect"], ["name", "place"]),
    ("Librairie", ["client", "prospect"], ["place", "brand"]),
    ("Charpente", ["client", "supplier"], ["name", "fils"]),
    ("Transports", ["supplier", "client"], ["name", "fils"]),
    ("Cave", ["client", "prospect"], ["place", "brand"]),
    ("Bistrot", ["client", "prospect"], ["place", "brand"]),
    ("Maçonnerie", ["client", "prospect"], ["name", "fils"]),
    ("Peinture et décoration", ["client", "prospect"], ["name"]),
    ("Cabinet d'avocats", ["partner", "supplier"], ["associes"]),
    ("Conseil informatique", ["supplier", "partner", "prospect"], ["brand"]),
    ("Quincaillerie", ["supplier", "client"], ["place", "name"]),
    ("Ébénisterie", ["client", "supplier"], ["name", "fils"]),
    ("Serrurerie", ["client", "prospect"], ["name", "place"]),
    ("Paysagiste", ["client", "prospect"], ["name", "brand"]),
    ("Fleurs", ["client", "prospect"], ["brand"]),
    ("Nettoyage", ["supplier", "prospect"], ["brand"]),
    ("Chauffage", ["client", "supplier"], ["name", "fils"]),
]
PLACES = [
    "du Centre", "des Halles", "de la Gare", "du Marché", "du Parc", "des Quais", "du Moulin",
    "de la Cathédrale", "du Pont Neuf", "Saint-Jacques", "des Remparts", "du Vieux Port",
]
BRANDS = [
    "Pixel Nord", "Horizon", "Hirondelle", "L'Épi d'Or", "Azur", "Tournesol", "Altitude",
    "Boréal", "Le Cèdre", "Alizé", "Granit", "Opale", "Mistral", "Les Trois Chênes", "Coquelicot",
    "La Belle Époque", "Atlantique", "Octave", "Le Fournil", "Étincelle", "Sirocco", "Lumen",
]
LEGAL_FORMS = ["SARL"] * 5 + ["SAS"] * 4 + ["EURL"] * 2

# Who runs a firm, then who else one deals with there: (title for a man, for a woman, department).
MANAGER_TITLES = {
    "SARL": ("Gérant", "Gérante"),
    "EURL": ("Gérant", "Gérante"),
    "SAS": ("Président", "Présidente"),
}
JOBS = [
    ("Comptable", "Comptable", "Comptabilité"),
    ("Responsable achats", "Responsable achats", "Achats"),
    ("Commercial", "Commerciale", "Ventes"),
    ("Directeur commercial", "Directrice commerciale", "Ventes"),
    ("Assistant de direction", "Assistante de direction", "Direction"),
    ("Responsable administratif", "Responsable administrative", "Administration"),
    ("Secrétaire", "Secrétaire", "Administration"),
    ("Chef d'atelier", "Cheffe d'atelier", "Production"),
    ("Responsable technique", "Responsable technique", "Technique"),
    ("Technicien", "Technicienne", "Technique"),
    ("Conducteur de travaux", "Conductrice de travaux", "Travaux"),
    ("Chargé de communication", "Chargée de communication", "Communication"),
    ("Responsable RH", "Responsable RH", "Ressources humaines"),
    ("Directeur adjoint", "Directrice adjointe", "Direction"),
]
PERSONAL_MAIL_DOMAINS = ["orange.fr", "gmail.com", "free.fr", "laposte.net", "sfr.fr", "yahoo.fr"]
ORIGINS = ["Site web", "Recommandation", "Salon professionnel", "Bouche-à-oreille",
           "Prospection téléphonique", "Réseaux sociaux"]

FIRM_NOTES = [
    ("Client fidèle depuis 2015, paiement à 30 jours fin de mois.", "fidèle"),
    ("Devis envoyé en mars, relancer avant la fin du trimestre.", "relance, devis"),
    ("Livraison uniquement le matin, accès par la cour.", "livraison"),
    ("Conditions négociées : remise de 5 % au-delà de 2 000 € HT.", "remise"),
    ("Rencontré au salon des artisans de Lyon.", "salon"),
    ("Facturation par e-mail uniquement, à l'attention de la comptabilité.", "dématérialisation"),
    ("Fournisseur de secours si le principal est en rupture.", "secours"),
    ("Partenaire pour les chantiers de rénovation.", "rénovation, partenaire"),
]
CONTACT_NOTES = [
    ("Préfère être contacté par e-mail.", "e-mail"),
    ("Rappeler en septembre pour le devis.", "relance"),
    ("Décisionnaire pour les achats de plus de 1 000 €.", "décisionnaire"),
    ("Absent le mercredi.", ""),
    ("Inscrit à la lettre d'information.", "newsletter"),
    ("Très satisfait de la dernière intervention.", "VIP"),
]


# --- Helpers --------------------------------------------------------------------------------

def ascii_fold(text: str) -> str:
    """``Élodie Lefèvre`` → ``Elodie Lefevre``: accents dropped with ``unicodedata``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug(text: str) -> str:
    """A domain label: ``L'Épi d'Or & Fils`` → ``lepi-dor-et-fils``."""
    text = ascii_fold(text).lower().replace("&", " et ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def mailbox(first_name: str, last_name: str) -> str:
    """``Jean-Pierre``, ``Le Gall`` → ``jean-pierre.legall``."""
    def part(text: str) -> str:
        return re.sub(r"[^a-z0-9-]", "", ascii_fold(text).lower())

    return f"{part(first_name)}.{part(last_name)}"


def siren(rng: random.Random) -> str:
    """Eight random digits and the Luhn check digit that makes a valid SIREN."""
    body = str(rng.randint(3, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
    return next(body + str(d) for d in range(10) if luhn_ok(body + str(d)))


def vat_number(siren_number: str) -> str:
    """The French intra-EU VAT number of a SIREN: ``FR``, a 2-digit key, the SIREN."""
    key = (12 + 3 * (int(siren_number) % 97)) % 97
    return f"FR{key:02d}{siren_number}"


def pairs(rng: random.Random, count: int) -> str:
    return " ".join(f"{rng.randint(0, 99):02d}" for _ in range(count))


def landline(rng: random.Random, area: int) -> str:
    """``04 78 12 34 56``: the area digit of the region, then four random pairs."""
    return f"0{area} {rng.randint(10, 99)} {pairs(rng, 3)}"


def mobile(rng: random.Random) -> str:
    return f"0{rng.choice('6667')} {rng.randint(10, 99)} {pairs(rng, 3)}"


def street(rng: random.Random) -> str:
    number = rng.randint(1, 150)
    suffix = " bis" if rng.random() < 0.05 else ""
    return f"{number}{suffix} {rng.choice(STREET_KINDS)} {rng.choice(STREET_NAMES)}"


def _write(stream, message: str) -> None:
    if stream is not None:
        stream.write(message + ("" if message.endswith("\n") else "\n"))


# --- Credentials ----------------------------------------------------------------------------

def credentials_path() -> Path:
    return Path(settings.DATA_DIR) / CREDENTIALS_FILE


def read_credentials() -> dict | None:
    """The stored e-mail, password and business file id, or None if missing or unreadable."""
    try:
        data = json.loads(credentials_path().read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("email") != DEMO_EMAIL:
        return None
    if not isinstance(data.get("password"), str) or not data["password"]:
        return None
    return data


def write_credentials(business_file_id: int, password: str) -> None:
    """Write the credentials readable by their owner only, replacing the file atomically."""
    path = credentials_path()
    tmp = path.with_name(path.name + ".tmp")
    payload = {"business_file_id": business_file_id, "email": DEMO_EMAIL, "password": password}
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(payload, handle, indent=2)
        handle.write("\n")
    os.chmod(tmp, 0o600)  # in case the temporary file already existed with other modes
    os.replace(tmp, path)


# --- Generation -----------------------------------------------------------------------------

def _firm_name(rng: random.Random, trade: str, style: str, used: set) -> tuple[str, str, str]:
    """A unique firm name, its unique domain label and the family name it carries (or "").

    The domain leaves out "& Fils" and "et Associés", as firms' web addresses usually do:
    *Menuiserie Meyer & Fils* is at ``menuiserie-meyer.fr``.
    """
    while True:
        family = distinctive = ""
        if style in ("name", "fils", "associes"):
            family = distinctive = rng.choice(LAST_NAMES)
        elif style == "place":
            distinctive = rng.choice(PLACES)
        else:
            distinctive = rng.choice(BRANDS)
        base = f"{trade} {distinctive}"
        domain = slug(base)
        if style == "fils":
            base += " & Fils"
        elif style == "associes":
            base += " et Associés"
        if base not in used and domain not in used:
            used.update((base, domain))
            return base, domain, family


_PARTICLES = re.compile(r"^(?:(?:des|les|du|de|la|le)\s+|[ld]')+", re.IGNORECASE)


def _accounting_key(distinctive: str, used: set) -> str:
    """``du Vieux Port`` → ``VIEUXPOR``, unique thanks to a digit: the tail of 411…/401… refs."""
    key = slug(_PARTICLES.sub("", distinctive.strip())).replace("-", "").upper()[:8]
    candidate, n = key, 1
    while candidate in used:
        n += 1
        candidate = f"{key[:7]}{n}"
    used.add(candidate)
    return candidate


def _pick_type(rng: random.Random, preferred: list[str]) -> str:
    """Mostly the trade's usual relation, sometimes any of the four."""
    if rng.random() < 0.8:
        return rng.choice(preferred)
    return rng.choice(["client", "client", "prospect", "supplier", "partner"])


def _item(bf, user, owner, type_id: int, value: str) -> ContactItem:
    normalized = normalize_phone(value) if type_id in PHONE_TYPES else ""
    key = "firm" if isinstance(owner, Firm) else "contact"
    return ContactItem(
        business_file=bf, creator=user, type_id=type_id, value=value,
        normalized_phone=normalized, **{key: owner},
    )


def _address(bf, user, owner, address_type: int, street_address: str, street_address2: str,
             zip_code: str, city: str) -> ContactAddress:
    key = "firm" if isinstance(owner, Firm) else "contact"
    return ContactAddress(
        business_file=bf, creator=user, address_type=address_type,
        street_address=street_address, street_address2=street_address2,
        zip_code=zip_code, city=city, country="France", **{key: owner},
    )


def _person(rng: random.Random, used: set, family: str = "") -> tuple[str, str, bool]:
    """A (first name, last name, is a woman) never drawn before in this business file."""
    while True:
        woman = rng.random() < 0.5
        first = rng.choice(WOMEN if woman else MEN)
        last = family or rng.choice(LAST_NAMES)
        if (first, last) not in used:
            used.add((first, last))
            return first, last, woman
        family = ""  # the firm's family name is taken: anyone else will do


def _civility(rng: random.Random, woman: bool) -> int | None:
    roll = rng.random()
    if roll < 0.03:
        return None
    if woman:
        return Civility.MISS if roll < 0.07 else Civility.MRS
    return Civility.MR


def generate(bf: BusinessFile, user: User, rng: random.Random) -> dict:
    """Create the firms and contacts of the demo business file; return how many of each."""
    firms, firm_info = [], []
    used_names: set = set()
    used_sirens: set = set()
    used_refs: set = set()
    for index in range(FIRM_COUNT):
        trade, preferred, styles = TRADES[index % len(TRADES)]
        base, domain, family = _firm_name(rng, trade, rng.choice(styles), used_names)
        form = rng.choice(LEGAL_FORMS)
        name = f"{form} {base}" if rng.random() < 0.4 else f"{base} {form}"
        number = siren(rng)
        while number in used_sirens:
            number = siren(rng)
        used_sirens.add(number)
        firm_type = _pick_type(rng, preferred)
        comment, keywords = rng.choice(FIRM_NOTES) if rng.random() < 0.15 else ("", "")
        ref = _accounting_key(family or base[len(trade):], used_refs)
        firms.append(Firm(
            business_file=bf, creator=user, name=name, firm_type=firm_type, siren=number,
            tva=vat_number(number), comment=comment, keywords=keywords,
            reference=f"F{index + 1:04d}",
            accounting_ref=f"411{ref}" if firm_type == PartyType.CLIENT else "",
            accounting_ref_vendor=f"401{ref}" if firm_type == PartyType.SUPPLIER else "",
        ))
        zip_code, city, area = rng.choice(TOWNS)
        extra = rng.choice(STREET_EXTRAS) if rng.random() < 0.15 else ""
        firm_info.append({
            "domain": domain, "family": family, "form": form,
            "address": (street(rng), extra, zip_code, city),
            "phone": landline(rng, area), "email": rng.random() < 0.85,
        })
    Firm.objects.bulk_create(firms)

    addresses, items = [], []
    for firm, info in zip(firms, firm_info, strict=True):
        addresses.append(_address(bf, user, firm, AddressType.PROFESSIONAL, *info["address"]))
        items.append(_item(bf, user, firm, ContactItemType.MAIN_PRO_PHONE, info["phone"]))
        if info["email"]:
            items.append(_item(bf, user, firm, ContactItemType.PRO_EMAIL,
                               f"contact@{info['domain']}.fr"))

    # Every firm has someone to talk to (its head comes first); the rest are spread at random.
    linked = CONTACT_COUNT - INDEPENDENT_COUNT
    staff = list(range(FIRM_COUNT))
    staff += rng.choices(range(FIRM_COUNT), k=linked - FIRM_COUNT)
    staff.sort()

    contacts, contact_info = [], []
    used_people: set = set()
    previous = None
    for firm_index in staff:
        firm, info = firms[firm_index], firm_info[firm_index]
        manager = firm_index != previous
        previous = firm_index
        first, last, woman = _person(rng, used_people, info["family"] if manager else "")
        if manager:
            title = MANAGER_TITLES[info["form"]][woman]
            department = "Direction"
        else:
            man_title, woman_title, department = rng.choice(JOBS)
            title = woman_title if woman else man_title
        comment, keywords = rng.choice(CONTACT_NOTES) if rng.random() < 0.1 else ("", "")
        contacts.append(Contact(
            business_file=bf, creator=user, firm=firm, first_name=first, last_name=last,
            civility_label_id=_civility(rng, woman), job_title=title,
            job_department=department, contact_type=firm.firm_type,
            contact_origin=rng.choice(ORIGINS) if rng.random() < 0.3 else "",
            comment=comment, keywords=keywords,
        ))
        direct = None
        if rng.random() < 0.35:
            direct = info["phone"][:-5] + pairs(rng, 2)
        contact_info.append({
            "address": info["address"] if rng.random() < 0.8 else None,
            "address_type": AddressType.PROFESSIONAL,
            "email": (ContactItemType.PRO_EMAIL,
                      f"{mailbox(first, last)}@{info['domain']}.fr"),
            "mobile": (ContactItemType.PRO_MOBILE, mobile(rng)),
            "phone": (ContactItemType.PRO_PHONE, direct) if direct else None,
        })

    for _ in range(INDEPENDENT_COUNT):
        first, last, woman = _person(rng, used_people)
        zip_code, city, area = rng.choice(TOWNS)
        comment, keywords = rng.choice(CONTACT_NOTES) if rng.random() < 0.1 else ("", "")
        contacts.append(Contact(
            business_file=bf, creator=user, first_name=first, last_name=last,
            civility_label_id=_civility(rng, woman),
            contact_type=PartyType.PERSO if rng.random() < 0.25 else PartyType.CLIENT,
            contact_origin=rng.choice(ORIGINS) if rng.random() < 0.5 else "",
            comment=comment, keywords=keywords,
        ))
        home = landline(rng, area) if rng.random() < 0.3 else None
        domain = rng.choice(PERSONAL_MAIL_DOMAINS)
        contact_info.append({
            "address": (street(rng), "", zip_code, city) if rng.random() < 0.9 else None,
            "address_type": AddressType.PERSONAL,
            "email": (ContactItemType.PERSONAL_EMAIL, f"{mailbox(first, last)}@{domain}"),
            "mobile": (ContactItemType.PERSONAL_MOBILE, mobile(rng)),
            "phone": (ContactItemType.PERSONAL_PHONE, home) if home else None,
        })
    Contact.objects.bulk_create(contacts)

    for contact, info in zip(contacts, contact_info, strict=True):
        if info["address"]:
            addresses.append(_address(bf, user, contact, info["address_type"], *info["address"]))
        for key in ("email", "mobile", "phone"):
            if info[key]:
                items.append(_item(bf, user, contact, *info[key]))
    ContactAddress.objects.bulk_create(addresses)
    ContactItem.objects.bulk_create(items)
    return {"firms": len(firms), "contacts": len(contacts),
            "addresses": len(addresses), "contact_items": len(items)}


def fill_business(bf: BusinessFile, user: User) -> dict:
    """The rest of the business after the address book: catalog, bank account, leads (these
    come last: they point at firms, contacts and product categories)."""
    today = timezone.localdate()
    counts = catalog_demo.generate(bf, user, random.Random(f"{SEED}:catalog"), today)
    counts |= cash_demo.generate(bf, user)
    counts |= demo_leads.generate(bf, user, random.Random(f"{SEED}:leads"), today)
    counts |= demo_profile.generate(bf, user)
    return counts


# --- Entry point ----------------------------------------------------------------------------

def find_demo_business_file(user: User) -> BusinessFile | None:
    return (
        BusinessFile.objects.filter(
            name=DEMO_NAME, memberships__user=user, memberships__role=Role.OWNER
        )
        .order_by("id")
        .first()
    )


def load_demo(stdout=None) -> dict:
    """Create the demo business file unless it exists; return how to log in to it.

    ``stdout``, when given, receives progress messages. The result is
    ``{"business_file_id", "email", "password", "created"}``.
    """
    started = time.perf_counter()
    stored = read_credentials()
    with transaction.atomic():
        user = User.objects.filter(email=DEMO_EMAIL).first()
        bf = find_demo_business_file(user) if user is not None else None

        if user is None:
            # Keep a stored password if there is one (the database alone was reset).
            password = stored["password"] if stored else secrets.token_urlsafe(12)
            user = User.objects.create_user(
                DEMO_EMAIL, password, first_name="Camille", last_name="Martin"
            )
        elif stored is None:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
            _write(stdout, f"Credentials file missing: new password set for {DEMO_EMAIL}.")
        else:
            password = stored["password"]

        created = bf is None
        if created:
            bf = BusinessFile.objects.create(name=DEMO_NAME, api_enabled=True)
            set_up_business_file(bf)
            Membership.objects.create(user=user, business_file=bf, role=Role.OWNER)
            counts = generate(bf, user, random.Random(SEED))
            counts |= fill_business(bf, user)
            _write(stdout, "Created {firms} firms, {contacts} contacts, {addresses} addresses, "
                           "{contact_items} contact items, {products} products, "
                           "{stock_movements} stock movements, {bank_accounts} bank account "
                           "and {leads} leads".format(**counts)
                   + f" in {time.perf_counter() - started:.2f} s.")
        else:
            _write(stdout, f"Demo business file #{bf.pk} already exists: nothing created.")

    if stored is None or stored.get("business_file_id") != bf.pk or stored["password"] != password:
        write_credentials(bf.pk, password)
    return {"business_file_id": bf.pk, "email": DEMO_EMAIL, "password": password,
            "created": created}
