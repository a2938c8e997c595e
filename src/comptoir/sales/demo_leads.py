"""The leads of the demo business file: the sales pipeline of *Atelier Martin & Fils*.

Called by ``comptoir.crm.demo.load_demo`` inside the transaction that creates the demo
business file, after the address book and the catalog. :func:`generate` creates 20 leads
managed by the demo user: 14 open ones (5 projects, 4 in analysis, 5 proposals) and 6 closed
ones (3 won, 2 lost, 1 abandoned). Each is on a demo firm of the trade its topic fits (the
*Librairie* wants bookshelves) and that firm's head, or on a private customer; it names a
product category of the demo catalog.

Values (excl. VAT) and confidence follow the step: a project is worth little certainty, a
proposal much more, a won lead 100 %, a lost or abandoned one 0 %. Expected signing dates of
open leads are spread over the next six months, those of closed leads over the past three:
they are offsets from ``today``, so the pipeline always looks current. Everything else is
drawn from the ``random.Random`` given. The client name and manager follow the rule of a lead
created through the API (``services.complete_new_lead``).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from comptoir.catalog.models import CustomerProductCategory
from comptoir.crm.choices import PartyType
from comptoir.crm.models import Contact, Firm
from comptoir.sales import services
from comptoir.sales.choices import LeadImportance, LeadStep
from comptoir.sales.models import Lead

PRIVATE = None  # a lead on a private customer rather than a firm

# (trade of the firm or PRIVATE, topic, category name, step, value range in €, description,
#  what was learnt about the customer)
LEADS = [
    ("Boulangerie", "Agencement du magasin et présentoirs à pain", "Agencement",
     LeadStep.PROPOSAL, (16000, 26000),
     "Refonte complète de la boutique : comptoir, présentoirs muraux et étagères à pain.",
     "Ouverture prévue après les congés d'été : délai serré."),
    ("Pâtisserie", "Comptoir de vente et habillage de la vitrine", "Agencement",
     LeadStep.ANALYSIS, (7000, 12000),
     "Habillage en chêne de la vitrine réfrigérée et nouveau comptoir d'encaissement.", ""),
    ("Cabinet comptable", "Mobilier de bureau pour six postes", "Mobilier de bureau",
     LeadStep.PROPOSAL, (6000, 9500),
     "Six bureaux droits avec caissons, une bibliothèque pour les archives.",
     "Compare avec un fournisseur de mobilier en kit ; sensible au fait main."),
    ("Agence web", "Bureaux et rangements de l'open space", "Mobilier de bureau",
     LeadStep.PROJECT, (8000, 15000),
     "Déménagement dans un ancien atelier : bureaux partagés et rangements sur mesure.", ""),
    ("Bistrot", "Tables et bancs de la salle (40 couverts)", "Mobilier",
     LeadStep.ANALYSIS, (9000, 14000),
     "Dix tables en chêne et bancs le long du mur, finition résistante aux taches.", ""),
    ("Librairie", "Bibliothèques murales sur mesure", "Agencement",
     LeadStep.PROPOSAL, (11000, 18000),
     "Rayonnages du sol au plafond sur trois murs, avec échelle sur rail.",
     "La gérante tient à un bois local ; budget validé par la banque."),
    ("Cave", "Casiers à bouteilles et comptoir de dégustation", "Agencement",
     LeadStep.PROJECT, (9000, 16000),
     "Casiers pour 1 200 bouteilles et comptoir de dégustation en chêne brut.", ""),
    ("Fromagerie", "Étals en bois et comptoir de découpe", "Agencement",
     LeadStep.PROJECT, (5000, 9000),
     "Étals inclinés en bois traité contact alimentaire et billot de découpe.", ""),
    ("Atelier d'architecture", "Menuiseries d'un appartement haussmannien", "Pose et installation",
     LeadStep.ANALYSIS, (20000, 35000),
     "Sous-traitance : bibliothèques, placards et parquet en rénovation pour un client "
     "de l'agence.",
     "Partenaire régulier : paie à 45 jours, apporte deux chantiers par an."),
    ("Cabinet d'avocats", "Bureau de direction et bibliothèque en noyer", "Mobilier de bureau",
     LeadStep.PROPOSAL, (5000, 8500),
     "Bureau de direction de 180 cm et bibliothèque assortie pour le bureau de l'associé.", ""),
    ("Garage", "Comptoir d'accueil et banquette de la salle d'attente", "Agencement",
     LeadStep.PROJECT, (4000, 7000),
     "Comptoir d'accueil robuste et banquette pour six personnes.", ""),
    (PRIVATE, "Cuisine sur mesure en chêne", "Agencement", LeadStep.PROPOSAL, (14000, 22000),
     "Cuisine en L avec îlot central, plan de travail en chêne massif, pose comprise.",
     "Couple qui rénove une longère ; décision après visite de l'atelier."),
    (PRIVATE, "Remplacement de six fenêtres (rénovation énergétique)", "Pose et installation",
     LeadStep.ANALYSIS, (6000, 9000),
     "Fenêtres en chêne double vitrage pour une maison de 1930, TVA à 5,5 %.", ""),
    (PRIVATE, "Dressing de la chambre parentale", "Agencement", LeadStep.PROJECT, (3500, 6500),
     "Dressing de 3 m sous rampant, façades laquées blanc.", ""),
    ("Traiteur", "Tables de réception en chêne", "Mobilier", LeadStep.WON, (6000, 10000),
     "Douze tables pliantes en chêne pour les réceptions du traiteur.",
     "Commande signée après essai d'un prototype."),
    (PRIVATE, "Table de ferme et huit chaises paillées", "Mobilier", LeadStep.WON, (3500, 4500),
     "Table de ferme de 220 cm et huit chaises en chêne à assise paillée.", ""),
    ("Fleurs", "Présentoirs et établi de composition", "Agencement", LeadStep.WON, (3000, 5500),
     "Présentoirs en gradins et établi de composition avec rangement des rubans.", ""),
    ("Conseil informatique", "Aménagement de la salle de réunion", "Mobilier de bureau",
     LeadStep.LOST, (4000, 7000),
     "Table de réunion pour douze personnes et crédence technique.",
     "Perdu sur le prix face à un fabricant industriel."),
    (PRIVATE, "Restauration d'une commode Louis-Philippe", "Prestations", LeadStep.LOST,
     (600, 1200), "Reprise du placage en acajou et vernis au tampon.",
     "Le client a préféré un restaurateur plus proche de chez lui."),
    ("Imprimerie", "Rayonnages de l'atelier d'impression", "Agencement", LeadStep.ABANDONED,
     (2500, 5000), "Rayonnages pour les stocks de papier.",
     "Projet reporté sine die : l'imprimerie déménage."),
]

# confidence (%) range and expected signing date (days from today) range by step
CONFIDENCE = {
    LeadStep.PROJECT: (10, 25), LeadStep.ANALYSIS: (30, 50), LeadStep.PROPOSAL: (55, 80),
    LeadStep.WON: (100, 100), LeadStep.LOST: (0, 0), LeadStep.ABANDONED: (0, 0),
}
SIGNING_DAYS = {
    LeadStep.PROJECT: (90, 180), LeadStep.ANALYSIS: (45, 120), LeadStep.PROPOSAL: (10, 60),
    LeadStep.WON: (-45, -5), LeadStep.LOST: (-90, -15), LeadStep.ABANDONED: (-90, -15),
}
SALES_TOOLS = [
    "Visite de l'atelier et échantillons de bois.",
    "Rendu 3D envoyé avec le devis.",
    "Photos de réalisations similaires.",
]


def _rounded(rng: random.Random, low: int, high: int) -> Decimal:
    """A value between ``low`` and ``high``, to the 50 €: a quote's order of magnitude."""
    return Decimal(rng.randrange(low, high + 1, 50))


def generate(bf, user, rng: random.Random, today: date) -> dict:
    """Create the demo leads of ``bf`` (its firms, contacts and categories must exist);
    return how many were made."""
    firms = list(Firm.objects.for_business_file(bf).order_by("id"))
    heads = {}  # the first contact of each firm is its head
    for contact in Contact.objects.for_business_file(bf).exclude(firm=None).order_by("id"):
        heads.setdefault(contact.firm_id, contact)
    private = list(Contact.objects.for_business_file(bf).filter(
        firm=None, contact_type=PartyType.CLIENT).order_by("id"))
    rng.shuffle(private)
    categories = {c.name: c for c in CustomerProductCategory.objects.for_business_file(bf)}

    leads, used = [], set()
    for trade, topic, category, step, (low, high), description, learning in LEADS:
        if trade is PRIVATE:
            firm, contact = None, private.pop()
        else:
            # A client or prospect of the trade if there is one, else any firm of it.
            candidates = [f for f in firms if trade in f.name and f.pk not in used]
            likely = [f for f in candidates
                      if f.firm_type in (PartyType.CLIENT, PartyType.PROSPECT)]
            firm = (likely or candidates)[0]
            used.add(firm.pk)
            contact = heads.get(firm.pk)
        # a firm of type client is already a customer; a private one, now and then
        engaged = firm.firm_type == PartyType.CLIENT if firm else rng.random() < 0.3
        lowest, highest = CONFIDENCE[step]
        sooner, later = SIGNING_DAYS[step]
        attrs = services.complete_new_lead({"firm": firm, "contact": contact}, user.pk)
        leads.append(Lead(
            business_file=bf, creator=user, topic=topic, client_name=attrs["client_name"],
            manager_id=attrs["manager_id"], firm=firm, contact=contact,
            is_engaged=engaged,
            importance=rng.randint(LeadImportance.LOW, LeadImportance.VERY_HIGH),
            step_id=step, product_category=categories[category],
            value=_rounded(rng, low, high),
            value_date=today + timedelta(days=rng.randint(sooner, later)),
            confidence_pct=rng.randrange(lowest, highest + 1, 5),
            description=description, learning_on_customer=learning,
            learning_on_sales_tools=rng.choice(SALES_TOOLS) if rng.random() < 0.4 else "",
        ))
    Lead.objects.bulk_create(leads)
    return {"leads": len(leads)}
