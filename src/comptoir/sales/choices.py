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
