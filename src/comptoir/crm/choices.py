"""Enumerations of contacts and firms, with incwo's ids (incwo-api.md §3.4–3.6)."""

from comptoir.core.choices import Enumeration


class Civility(Enumeration):
    MR = 17, "M.", "Mr"
    MRS = 18, "Mme", "Mrs"
    MISS = 19, "Mlle", "Miss"


class PartyType(Enumeration):
    """``contact_type`` / ``firm_type`` and their secondary ``…_type2``."""

    CLIENT = "client", "Client", "Client"
    PROSPECT = "prospect", "Prospect", "Prospect"
    SUPPLIER = "supplier", "Fournisseur", "Supplier"
    PRESS = "press", "Presse", "Press"
    PARTNER = "partner", "Partenaire", "Partner"
    STAFF = "staff", "Collaborateur", "Staff member"
    PERSO = "perso", "Contact personnel", "Personal contact"
    OTHER = "other", "Autre", "Other"


class AddressType(Enumeration):
    PERSONAL = 20, "Adresse personnelle", "Personal address"
    PROFESSIONAL = 21, "Adresse professionnelle", "Professional address"
    OTHER = 22, "Autre adresse", "Other address"


class ContactItemType(Enumeration):
    MAIN_PRO_PHONE = 471, "Téléphone principal", "Main professional phone"
    PRO_PHONE = 24, "Téléphone professionnel", "Professional phone"
    PERSONAL_PHONE = 23, "Téléphone personnel", "Personal phone"
    PRO_MOBILE = 88, "Mobile professionnel", "Professional cell phone"
    PERSONAL_MOBILE = 554, "Mobile personnel", "Personal cell phone"
    PRO_FAX = 26, "Fax professionnel", "Professional fax"
    PERSONAL_FAX = 25, "Fax personnel", "Personal fax"
    PRO_EMAIL = 27, "E-mail professionnel", "Professional e-mail"
    PERSONAL_EMAIL = 28, "E-mail personnel", "Personal e-mail"
    SKYPE = 430, "Skype", "Skype"
    YAHOO = 431, "Yahoo Messenger", "Yahoo Messenger"
    MSN = 432, "MSN Messenger", "MSN Messenger"
    AIM = 433, "AIM", "AIM"
    ICQ = 457, "ICQ", "ICQ"


PHONE_TYPES = frozenset({471, 24, 23, 88, 554, 26, 25})
EMAIL_TYPES = frozenset({27, 28})


class Language(Enumeration):
    FR = "fr", "Français", "French"
    EN = "en", "Anglais", "English"
    DE = "de", "Allemand", "German"
    ES = "es", "Espagnol", "Spanish"
    IT = "it", "Italien", "Italian"
    NL = "nl", "Néerlandais", "Dutch"
    PT = "pt", "Portugais", "Portuguese"
