"""Enumerations of the sales module, with incwo's ids where they are known (incwo-api.md §4.6).

incwo's table of lead steps is cut after 461 in every copy we could read: 459, 460 and 461
are incwo's; the closing steps 462 (won), 463 (lost) and 464 (abandoned) are ours. The
importance scale 0–5 is documented by incwo, its labels are ours.
"""

from comptoir.core.choices import Enumeration


class LeadStep(Enumeration):
    """``step_id`` of a lead: where the opportunity stands."""

    PROJECT = 459, "Projet", "Project"
    ANALYSIS = 460, "Analyse", "Analysis"
    PROPOSAL = 461, "Proposition", "Proposal"
    WON = 462, "Gagnée", "Won"
    LOST = 463, "Perdue", "Lost"
    ABANDONED = 464, "Abandonnée", "Abandoned"


#: steps of a lead still in the pipeline (the others close it)
OPEN_STEPS = frozenset({LeadStep.PROJECT, LeadStep.ANALYSIS, LeadStep.PROPOSAL})


class LeadImportance(Enumeration):
    """``importance`` of a lead, 0 to 5."""

    UNRATED = 0, "Non évaluée", "Not rated"
    VERY_LOW = 1, "Très faible", "Very low"
    LOW = 2, "Faible", "Low"
    MEDIUM = 3, "Moyenne", "Medium"
    HIGH = 4, "Haute", "High"
    VERY_HIGH = 5, "Très haute", "Very high"


class ProposalProgress(Enumeration):
    """``progress_id`` of a proposal (incwo's ids, incwo-api.md §4.8)."""

    DRAFT = 555, "Brouillon", "Draft"
    SENT = 556, "Envoyé", "Sent"
    ACCEPTED = 557, "Accepté", "Accepted"
    REFUSED = 558, "Refusé", "Refused"
    POSTPONED = 559, "Reporté", "Postponed"
    FINISHED = 620105, "Terminé", "Finished"


class DeliveryProgress(Enumeration):
    """``progress_id`` of a delivery note (ours: incwo documents none)."""

    DRAFT = 800, "Brouillon", "Draft"
    DELIVERED = 801, "Livré", "Delivered"


class SheetType(Enumeration):
    """``sheet_type`` of a bill sheet (incwo-api.md §4.10); ``*_maybe`` are drafts."""

    INVOICE = "invoice", "Facture", "Invoice"
    CREDIT = "credit", "Avoir", "Credit note"
    INVOICE_MAYBE = "invoice_maybe", "Facture (brouillon)", "Draft invoice"
    CREDIT_MAYBE = "credit_maybe", "Avoir (brouillon)", "Draft credit note"


DRAFT_TYPES = {SheetType.INVOICE_MAYBE: SheetType.INVOICE,
               SheetType.CREDIT_MAYBE: SheetType.CREDIT}


class BillProgress(Enumeration):
    """``progress_id`` (stored) and ``status_id`` (computed) of a bill sheet (ours).

    ``progress_id`` is what happened to the document: draft, validated, sent, cancelled (a
    credit note of its whole amount). ``status_id`` adds what the payments and the calendar
    say, computed in SQL on every read: paid when ``payed_amount`` ≥ ``vat_inc_total``,
    partly paid when something was paid, overdue when ``due_date`` is past, else the progress.
    """

    DRAFT = 700, "Brouillon", "Draft"
    VALIDATED = 701, "Validée", "Validated"
    SENT = 702, "Envoyée", "Sent"
    PARTLY_PAID = 703, "Partiellement payée", "Partly paid"
    PAID = 704, "Payée", "Paid"
    CANCELLED = 705, "Annulée par avoir", "Cancelled by a credit note"
    OVERDUE = 706, "En retard", "Overdue"


class PaymentTerm(Enumeration):
    """``payment_term_id`` of a bill sheet: how ``due_date`` follows ``billing_date``."""

    ON_RECEIPT = 0, "À réception", "On receipt"
    DAYS_30 = 1, "30 jours", "30 days"
    DAYS_30_EOM = 2, "30 jours fin de mois", "30 days end of month"
    DAYS_45_EOM = 3, "45 jours fin de mois", "45 days end of month"
    DAYS_60 = 4, "60 jours", "60 days"


#: payment term -> (days, end of month)
PAYMENT_TERMS = {0: (0, False), 1: (30, False), 2: (30, True), 3: (45, True), 4: (60, False)}


class LineKind(Enumeration):
    """``content_kind`` of a document line."""

    PRICED = "", "Ligne", "Line"
    COMMENT = "comment", "Commentaire", "Comment"
    OPTION = "option", "Option", "Option"
    SUBTOTAL = "total", "Sous-total", "Subtotal"
