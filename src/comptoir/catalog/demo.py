"""The catalog of the demo business file: what *Atelier Martin & Fils* makes, resells and does.

Called by ``comptoir.crm.demo.load_demo`` inside the transaction that creates the demo
business file (the default warehouse already exists: the business-file set-up made it).
:func:`generate` creates

* 8 product categories (*Mobilier* and its sub-category *Mobilier de bureau*, *Agencement*,
  *Bois et panneaux*, *Finitions*, *Quincaillerie*, *Pose et installation*, *Prestations*);
* 6 brands, custom labels of type ``customer_product_brand`` (the house brand and five
  suppliers');
* 43 products: furniture and fittings made in the workshop, wood, finishes and hardware
  resold, and services (laying, studies, restoration). Prices excl. VAT are Decimal, costs
  below them. Most are at 20 % VAT (607); laying work in dwellings over two years old is at
  10 % (552) and an energy-saving window at 5.5 % (223). Three are priced incl. VAT as the
  shop displays them, and their ``price`` comes from the catalog's rule
  (``services.apply_price_entry``), as for every other product. Goods carry an EAN-13 with a
  valid check digit; two products are disabled (``is_active`` false);
* stock movements of the goods in the default warehouse: one opening stock-in each, then
  deliveries and counter sales out. ``total_stock`` and the per-warehouse rows are not
  written here: the movements are inserted inside ``services.stock_kept_right``, which
  recomputes them from the movements like any other write.

Everything is drawn from the ``random.Random`` given; the dates of the movements are offsets
from ``today``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from comptoir.catalog import services
from comptoir.catalog.choices import LabelType, ProductType, StockDirection
from comptoir.catalog.models import (
    CustomerProduct,
    CustomerProductCategory,
    CustomLabel,
    StockMovement,
)
from comptoir.core.vat import VAT

# (key, name, parent key, comment)
CATEGORIES = [
    ("mobilier", "Mobilier", None, "Meubles en bois massif fabriqués à l'atelier."),
    ("bureau", "Mobilier de bureau", "mobilier", "Bureaux et rangements pour les professionnels."),
    ("agencement", "Agencement", None, "Cuisines, dressings et agencements de commerces."),
    ("bois", "Bois et panneaux", None, "Bois massif et panneaux vendus au détail."),
    ("finitions", "Finitions", None, "Huiles, cires, vernis, lasures et teintes."),
    ("quincaillerie", "Quincaillerie", None, "Ferrures, visserie et accessoires de meubles."),
    ("pose", "Pose et installation", None, "Pose sur chantier par l'équipe de l'atelier."),
    ("prestations", "Prestations", None, "Études, restauration et travaux à la journée."),
]

# (key, long label, short label, GS1 company prefix of its EAN-13 barcodes)
BRANDS = [
    ("martin", "Atelier Martin", "AM", "3770021"),
    ("argonne", "Bois d'Argonne", "BDA", "3760318"),
    ("dauphine", "Ferrures du Dauphiné", "FDD", "3700512"),
    ("oceane", "Océane Finitions", "OCF", "3661847"),
    ("rivet", "Rivet & Cie", "RIV", "3521094"),
    ("clair", "Clair-Obscur", "CLO", "3760752"),
]

# How a product is sold, and the account of the French chart its sales go to.
MADE, RESOLD, SERVICE = "made", "resold", "service"
ACCOUNTS = {MADE: "701000", RESOLD: "707000", SERVICE: "706000"}


@dataclass(frozen=True)
class Item:
    reference: str
    name: str
    description: str
    category: str
    kind: str
    unit: str
    price: str  # excl. VAT; for ``ttc`` items, the price incl. VAT shown in the shop
    cost: str
    brand: str | None = None
    vat_id: int = VAT.STANDARD_20
    ttc: bool = False
    active: bool = True
    weight: str | None = None
    alert: int | None = None


PRODUCTS = [
    # -- made in the workshop -----------------------------------------------------------
    Item("MOB-TAB-001", "Table de salle à manger en chêne massif 180 × 90 cm",
         "Plateau en chêne massif de 40 mm, pieds fuselés, finition huile dure. "
         "Fabriquée dans notre atelier.",
         "mobilier", MADE, "pièce", "1450.00", "620.00", "martin", weight="48"),
    Item("MOB-TAB-002", "Table basse en noyer, plateau huilé",
         "Table basse de 110 × 60 cm en noyer d'Europe, assemblages tenon-mortaise, "
         "finition huile naturelle.",
         "mobilier", MADE, "pièce", "540.00", "215.00", "martin", weight="18"),
    Item("MOB-TAB-003", "Table de ferme en chêne 220 × 100 cm",
         "Grande table de ferme en chêne massif, plateau à clefs, pieds tournés. "
         "Prix affiché TTC en boutique.",
         "mobilier", MADE, "pièce", "2280.00", "760.00", "martin", ttc=True, weight="72"),
    Item("MOB-CHA-001", "Chaise en chêne, assise paillée",
         "Chaise traditionnelle en chêne massif, assise en paille de seigle tressée à la main.",
         "mobilier", MADE, "pièce", "185.00", "72.00", "martin", weight="5.5"),
    Item("MOB-BUF-001", "Buffet bas trois portes en chêne",
         "Buffet de 180 × 45 × 85 cm, trois portes sur charnières invisibles, "
         "étagères réglables.",
         "mobilier", MADE, "pièce", "1280.00", "540.00", "martin", weight="65"),
    Item("MOB-BIB-001", "Bibliothèque en frêne, cinq étagères",
         "Bibliothèque de 100 × 35 × 200 cm en frêne massif, fond en contreplaqué, "
         "fixation murale fournie.",
         "mobilier", MADE, "pièce", "890.00", "360.00", "martin", weight="42"),
    Item("MOB-BAN-001", "Banc d'entrée avec coffre de rangement",
         "Banc en chêne de 120 cm avec coffre à abattant sur compas frein. "
         "Prix affiché TTC en boutique.",
         "mobilier", MADE, "pièce", "499.00", "165.00", "martin", ttc=True, weight="22"),
    Item("MOB-TAB-004", "Tabouret de bar en hêtre (ancien modèle)",
         "Remplacé par le tabouret en chêne : ne plus le proposer.",
         "mobilier", MADE, "pièce", "145.00", "58.00", "martin", active=False, weight="6"),
    Item("MOB-BUR-001", "Bureau droit en hêtre 140 × 70 cm",
         "Bureau en hêtre massif, passe-câbles intégré, tiroir central sur coulisses à "
         "sortie totale.",
         "bureau", MADE, "pièce", "690.00", "270.00", "martin", weight="38"),
    Item("MOB-BUR-002", "Caisson de bureau trois tiroirs sur roulettes",
         "Caisson en hêtre et contreplaqué de bouleau, serrure centralisée, "
         "roulettes freinées.",
         "bureau", MADE, "pièce", "320.00", "118.00", "martin", weight="19"),
    Item("MOB-BUR-003", "Bureau de direction en noyer 180 cm",
         "Plateau en noyer massif, piètement en acier noir ; retour en option sur devis.",
         "bureau", MADE, "pièce", "1690.00", "720.00", "martin", weight="55"),
    Item("AGE-CUI-001", "Caisson bas de cuisine 60 cm plaqué chêne",
         "Caisson de 60 × 58 × 72 cm en panneau plaqué chêne, façade et charnières à "
         "amortisseur comprises.",
         "agencement", MADE, "pièce", "380.00", "150.00", "martin", weight="24"),
    Item("AGE-CUI-002", "Plan de travail en chêne massif, 40 mm",
         "Plan de travail abouté en chêne, profondeur 65 cm, huilé, vendu au mètre linéaire.",
         "agencement", MADE, "ml", "290.00", "118.00", "martin"),
    Item("AGE-DRE-001", "Module de dressing 100 cm, façades laquées blanc",
         "Module de 100 × 60 × 240 cm : penderie, étagères et deux tiroirs, façades laquées "
         "blanc satiné.",
         "agencement", MADE, "pièce", "760.00", "300.00", "martin", weight="70"),
    Item("AGE-ETA-001", "Étagère murale flottante en chêne 120 cm",
         "Étagère de 120 × 25 cm, épaisseur 40 mm, fixations invisibles fournies.",
         "agencement", MADE, "pièce", "95.00", "34.00", "martin", weight="6"),
    Item("AGE-COM-001", "Comptoir d'accueil pour commerce",
         "Comptoir de 200 cm en chêne et panneau laqué, tablette haute, rangements côté "
         "vendeur.",
         "agencement", MADE, "pièce", "2450.00", "1050.00", "martin", weight="120"),
    Item("AGE-TET-001", "Tête de lit avec chevets intégrés",
         "Tête de lit en chêne pour lit de 160 cm, deux chevets suspendus avec tiroir.",
         "agencement", MADE, "pièce", "640.00", "250.00", "martin", weight="35"),
    # -- resold ---------------------------------------------------------------------------
    Item("BOI-CHE-027", "Plateau de chêne brut 27 mm",
         "Chêne de France séché en séchoir, qualité menuiserie, vendu au mètre carré.",
         "bois", RESOLD, "m²", "68.00", "38.00", "argonne"),
    Item("BOI-CTP-018", "Panneau contreplaqué bouleau 18 mm",
         "Contreplaqué de bouleau multiplis, qualité B/BB, découpe sur demande.",
         "bois", RESOLD, "m²", "42.00", "24.00", "argonne"),
    Item("BOI-MDF-019", "Panneau MDF hydrofuge 19 mm",
         "MDF hydrofuge pour cuisines et salles de bains, à peindre ou à plaquer.",
         "bois", RESOLD, "m²", "19.50", "10.80", "argonne"),
    Item("BOI-TAS-027", "Tasseau de sapin raboté 27 × 40 mm",
         "Sapin du Nord raboté quatre faces, vendu au mètre linéaire.",
         "bois", RESOLD, "ml", "2.90", "1.35", "argonne"),
    Item("FIN-HUI-001", "Huile dure pour parquet et mobilier, 1 L",
         "Huile-cire à base d'huiles végétales, aspect mat satiné, environ 24 m² par litre. "
         "Prix affiché TTC en boutique.",
         "finitions", RESOLD, "pièce", "45.90", "19.20", "oceane", ttc=True, alert=6),
    Item("FIN-VER-001", "Vernis polyuréthane mat, 2,5 L",
         "Vernis incolore haute résistance pour escaliers et plans de travail.",
         "finitions", RESOLD, "pièce", "64.00", "31.00", "oceane", alert=4),
    Item("FIN-CIR-001", "Cire d'abeille naturelle, 500 ml",
         "Cire d'abeille et essence de térébenthine pour l'entretien des meubles anciens.",
         "finitions", RESOLD, "pièce", "14.90", "6.10", "oceane", alert=10),
    Item("FIN-LAS-001", "Lasure bois extérieur chêne clair, 2,5 L",
         "Lasure microporeuse, protection huit ans, pour bardages et menuiseries extérieures.",
         "finitions", RESOLD, "pièce", "49.00", "23.50", "oceane", alert=4),
    Item("FIN-TEI-002", "Teinte à bois acajou, 500 ml (arrêtée)",
         "Plus fabriquée par le fournisseur : écouler le stock restant.",
         "finitions", RESOLD, "pièce", "18.50", "8.20", "oceane", active=False),
    Item("QUI-CHA-035", "Charnière invisible 35 mm à amortisseur",
         "Charnière de porte de meuble à fermeture amortie, ouverture 110°, réglage 3D.",
         "quincaillerie", RESOLD, "pièce", "6.80", "2.90", "dauphine", alert=50),
    Item("QUI-COU-450", "Coulisses de tiroir à sortie totale 450 mm (la paire)",
         "Coulisses à billes, charge 45 kg, fermeture amortie.",
         "quincaillerie", RESOLD, "pièce", "24.50", "11.20", "dauphine", alert=10),
    Item("QUI-POI-128", "Poignée en laiton brossé, entraxe 128 mm",
         "Poignée barre en laiton massif, vis de fixation fournies.",
         "quincaillerie", RESOLD, "pièce", "12.90", "5.10", "rivet", alert=20),
    Item("QUI-VIS-440", "Vis inox tête fraisée 4 × 40 mm (boîte de 200)",
         "Vis à bois en inox A2, empreinte Torx, pour l'extérieur.",
         "quincaillerie", RESOLD, "pièce", "16.90", "7.40", "rivet", alert=10),
    Item("QUI-PIE-710", "Pied de table réglable en acier noir, 710 mm",
         "Pied carré de 60 × 60 mm, vérin de réglage, platine de fixation percée.",
         "quincaillerie", RESOLD, "pièce", "39.00", "17.00", "dauphine", alert=8),
    Item("QUI-TAQ-020", "Taquets d'étagère en laiton (sachet de 20)",
         "Taquets à tourillon de 5 mm pour étagères réglables.",
         "quincaillerie", RESOLD, "pièce", "8.90", "3.20", "rivet", alert=10),
    Item("QUI-LED-060", "Réglette LED sous meuble 60 cm",
         "Réglette LED de 8 W en blanc chaud avec détecteur de mouvement, pour le dessous "
         "des meubles hauts.",
         "quincaillerie", RESOLD, "pièce", "42.00", "18.50", "clair", alert=5),
    # -- services -------------------------------------------------------------------------
    Item("POS-MOB-001", "Pose de mobilier et d'agencement",
         "Montage et fixation sur site par un menuisier de l'atelier, à l'heure.",
         "pose", SERVICE, "h", "48.00", "29.00"),
    Item("POS-CUI-001", "Pose de cuisine complète",
         "Pose des caissons, plans de travail, façades et réglettes LED ; hors plomberie et "
         "électricité.",
         "pose", SERVICE, "forfait", "1200.00", "640.00"),
    Item("POS-PAR-001", "Pose de parquet massif en rénovation",
         "Pose collée ou clouée dans un logement achevé depuis plus de deux ans (TVA à 10 %).",
         "pose", SERVICE, "m²", "38.00", "19.00", vat_id=VAT.REDUCED_10),
    Item("POS-REN-001", "Main-d'œuvre de rénovation intérieure",
         "Travaux de menuiserie intérieure dans un logement de plus de deux ans "
         "(TVA à 10 %).",
         "pose", SERVICE, "h", "45.00", "27.00", vat_id=VAT.REDUCED_10),
    Item("POS-FEN-001", "Fourniture et pose de fenêtre bois isolante",
         "Fenêtre en chêne à double vitrage, Uw ≤ 1,3 W/m².K, posée en rénovation "
         "énergétique d'un logement de plus de deux ans (TVA à 5,5 %).",
         "pose", SERVICE, "pièce", "1150.00", "640.00", vat_id=VAT.REDUCED_5_5),
    Item("POS-LIV-001", "Livraison et installation (jusqu'à 30 km)",
         "Livraison par notre camion avec deux personnes, montage et reprise des emballages.",
         "pose", SERVICE, "forfait", "65.00", "30.00"),
    Item("PRE-ETU-001", "Étude et conception d'agencement sur mesure",
         "Relevé, plans et rendu 3D ; déduite de la commande si le devis est signé.",
         "prestations", SERVICE, "forfait", "450.00", "180.00"),
    Item("PRE-MET-001", "Prise de cotes et métré sur site",
         "Déplacement d'un technicien et relevé complet des dimensions.",
         "prestations", SERVICE, "forfait", "120.00", "50.00"),
    Item("PRE-RES-001", "Restauration de meuble ancien",
         "Décapage, recollage, reprise des placages et vernis au tampon, à l'heure.",
         "prestations", SERVICE, "h", "55.00", "30.00"),
    Item("PRE-JOU-001", "Journée de menuisier qualifié en atelier",
         "Travaux sur mesure réalisés à l'atelier, facturés à la journée de huit heures.",
         "prestations", SERVICE, "jour", "390.00", "210.00"),
]

OPENING_DAYS_AGO = 120
OUT_REASONS = [
    ("Vente au comptoir de l'atelier", "VC"),
    ("Livraison client", "BL"),
    ("Chantier", "CH"),
]


def ean13_check_digit(digits12: str) -> str:
    """The check digit of the 12 first digits of an EAN-13 (weights 1, 3, 1, 3… from the left)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits12))
    return str((10 - total % 10) % 10)


def ean13_ok(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == code[12]


def _barcode(rng: random.Random, prefix: str, used: set) -> str:
    while True:
        body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(12 - len(prefix)))
        code = body + ean13_check_digit(body)
        if code not in used:
            used.add(code)
            return code


def _opening_quantity(rng: random.Random, item: Item) -> Decimal:
    if item.unit in ("m²", "ml"):
        if item.kind == RESOLD:  # wood by the square or running metre, to the half
            return Decimal(rng.randrange(60, 240)) / 2
        return Decimal(rng.randint(8, 20))  # worktops made in the workshop
    if item.kind == MADE:
        return Decimal(rng.randint(2, 6))
    if Decimal(item.price) < 20:
        return Decimal(rng.randrange(40, 240, 10))
    return Decimal(rng.randint(8, 30))


def _movements(rng: random.Random, bf, user, product, item: Item, warehouse, today: date,
               counters: dict) -> list[StockMovement]:
    """An opening stock-in, then up to three movements out that leave some stock."""
    def movement(direction, quantity, day, reference, comment):
        return StockMovement(
            business_file=bf, creator=user, customer_product=product, warehouse=warehouse,
            destination_warehouse=warehouse if direction == StockDirection.IN else None,
            origin_warehouse=warehouse if direction == StockDirection.OUT else None,
            direction=direction, quantity=quantity, movement_date=day, reference=reference,
            comment=comment,
        )

    counters["in"] += 1
    opening = _opening_quantity(rng, item)
    origin = "inventaire" if item.kind == RESOLD else "fabrication atelier"
    comment = f"Stock d'ouverture ({origin})"
    result = [movement(StockDirection.IN, opening, today - timedelta(days=OPENING_DAYS_AGO),
                       f"INV-{counters['in']:04d}", comment)]
    left, day = opening, OPENING_DAYS_AGO
    step = Decimal("0.5") if item.unit in ("m²", "ml") and item.kind == RESOLD else Decimal(1)
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        most = int(left / 2 / step)
        if most < 1 or day < 2:
            break
        quantity = rng.randint(1, most) * step
        left -= quantity
        day = rng.randint(1, day - 1)
        reason, prefix = rng.choice(OUT_REASONS)
        counters[prefix] = counters.get(prefix, 0) + 1
        result.append(movement(StockDirection.OUT, quantity, today - timedelta(days=day),
                               f"{prefix}-{counters[prefix]:04d}", reason))
    return result


def generate(bf, user, rng: random.Random, today: date) -> dict:
    """Create the demo catalog in ``bf``; return how many categories, brands, products and
    stock movements were made."""
    categories = {}
    for key, name, parent, comment in CATEGORIES:  # parents come first: saved one by one
        categories[key] = CustomerProductCategory.objects.create(
            business_file=bf, creator=user, name=name, comment=comment,
            parent_category=categories[parent] if parent else None,
        )
    brands = CustomLabel.objects.bulk_create(
        CustomLabel(business_file=bf, creator=user, label_type=LabelType.CUSTOMER_PRODUCT_BRAND,
                    long_label=long_label, short_label=short_label)
        for _, long_label, short_label, _ in BRANDS
    )
    brand_of = {key: brand for (key, *_), brand in zip(BRANDS, brands, strict=True)}
    prefix_of = {key: prefix for key, _, _, prefix in BRANDS}

    products, barcodes = [], set()
    for item in PRODUCTS:
        goods = item.kind != SERVICE
        # Prices go through the catalog's rule, as an API write would.
        prices = {"vat_id": item.vat_id, "enter_prices_in_ttc": item.ttc}
        prices["entered_price_in_ttc" if item.ttc else "price"] = Decimal(item.price)
        prices = services.apply_price_entry(prices)
        price = prices["price"]
        distributor = (price * Decimal("0.8")).quantize(Decimal(1)) if item.kind == MADE else 0
        brand = brand_of[item.brand] if item.brand else None
        products.append(CustomerProduct(
            business_file=bf, creator=user, reference=item.reference, name=item.name,
            description=item.description, is_active=item.active,
            type_of_product_id=ProductType.GOODS if goods else ProductType.SERVICE,
            product_category=categories[item.category], brand=brand,
            price=price, cost=Decimal(item.cost), price_distributor=distributor,
            vat_id=item.vat_id, enter_prices_in_ttc=item.ttc,
            entered_price_in_ttc=prices["entered_price_in_ttc"], unit=item.unit,
            barcode=_barcode(rng, prefix_of[item.brand], barcodes) if goods else "",
            weight_kg=Decimal(item.weight) if item.weight else None, alert_stock=item.alert,
            vendor_reference=(f"{brand.short_label}-{rng.randint(10000, 99999)}"
                              if item.kind == RESOLD else ""),
            is_from_vendor=item.kind == RESOLD, accounting_ref=ACCOUNTS[item.kind],
        ))
    CustomerProduct.objects.bulk_create(products)

    warehouse = services.default_warehouse(bf.pk)
    movements, counters = [], {"in": 0}
    goods = [(p, i) for p, i in zip(products, PRODUCTS, strict=True) if i.kind != SERVICE]
    for product, item in goods:
        movements += _movements(rng, bf, user, product, item, warehouse, today, counters)
    # The stock is the movements': recomputed by the catalog, as after any movement write.
    with services.stock_kept_right(bf.pk, [product.pk for product, _ in goods]):
        StockMovement.objects.bulk_create(movements)
    return {"categories": len(categories), "brands": len(brands), "products": len(products),
            "stock_movements": len(movements)}
