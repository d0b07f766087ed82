"""What is counted: the metrics, their categories, and the families whose counts add up.

Every metric counts learners: a learner is counted once in a cell however many findings,
obligations, plans, measures or referrals put them there. A metric about things (obligations,
plans, measures, referrals) also counts the things (``items``).
"""

from __future__ import annotations

import attrs

__all__ = ["DIMENSIONS", "FAMILIES", "METRICS", "Family", "Metric"]

#: The dimensions a table can be grouped by, in the order they are shown.
DIMENSIONS: tuple[str, ...] = ("municipality", "school", "grade", "term")


@attrs.frozen
class Metric:
    """One thing counted per group.

    ``categories`` names the category list of its breakdown (``None``: a single count); every
    code of the list is shown, zeros too, whatever was counted (see :func:`~atbalsts.stats.count`
    for the plugins' local codes). ``items``: it also counts things, not only learners.
    ``cases``: it needs the cases file.
    """

    name: str
    lv: str
    en: str
    categories: str | None = None
    items: bool = False
    cases: bool = False

    def label(self, lang: str) -> str:
        """The metric's label in ``lang``."""
        return self.lv if lang == "lv" else self.en


#: Every metric, in the order the outputs show them.
METRICS: tuple[Metric, ...] = (
    Metric("learners_decided", "Izglītojamie, par kuriem pieņemts lēmums", "Learners decided"),
    Metric(
        "incomplete_decisions",
        "Nepilnīgi lēmumi (kādu noteikumu kļūdas dēļ nevarēja piemērot)",
        "Incomplete decisions (a rule could not be applied because of an error)",
    ),
    Metric(
        "learners_with_findings", "Izglītojamie ar riska konstatējumiem", "Learners with findings"
    ),
    Metric(
        "findings_by_risk_group",
        "Izglītojamie ar riska konstatējumiem pēc riska grupas",
        "Learners with findings, by risk group",
        "risk_group",
    ),
    Metric(
        "findings_by_factor",
        "Izglītojamie ar riska konstatējumiem pēc riska faktora",
        "Learners with findings, by risk factor",
        "risk_factor",
    ),
    Metric(
        "obligations_by_action",
        "Pienākumi pēc darbības",
        "Obligations, by action",
        "action",
        items=True,
    ),
    Metric(
        "obligations_by_state",
        "Pienākumi pēc izpildes stāvokļa",
        "Obligations, by state",
        "obligation_state",
        items=True,
    ),
    Metric(
        "referrals_due_by_recipient",
        "Lēmumā noteiktie nosūtījumi pēc saņēmēja",
        "Referrals the decision says are due, by recipient",
        "institution",
        items=True,
    ),
    Metric(
        "referrals_suggested_by_recipient",
        "Lēmumā ieteiktie (neobligātie) nosūtījumi pēc saņēmēja",
        "Referrals the decision only suggests, by recipient",
        "institution",
        items=True,
    ),
    Metric(
        "plans_by_status",
        "Atbalsta plāni semestrī pēc statusa",
        "Support plans of the term, by status",
        "plan_status",
        items=True,
        cases=True,
    ),
    Metric(
        "measures_planned_by_kind",
        "Plānotie atbalsta pasākumi pēc veida",
        "Measures planned, by kind",
        "measure",
        items=True,
        cases=True,
    ),
    Metric(
        "measures_planned_by_funder",
        "Plānotie atbalsta pasākumi pēc finansētāja",
        "Measures planned, by funder",
        "funder",
        items=True,
        cases=True,
    ),
    Metric(
        "measures_delivery",
        "Plānotie atbalsta pasākumi pēc sniegšanas",
        "Measures planned, by delivery",
        "delivery",
        items=True,
        cases=True,
    ),
    Metric(
        "measures_delivered_by_kind",
        "Sniegtie atbalsta pasākumi pēc veida",
        "Measures delivered, by kind",
        "measure",
        items=True,
        cases=True,
    ),
    Metric(
        "measures_delivered_by_funder",
        "Sniegtie atbalsta pasākumi pēc finansētāja",
        "Measures delivered, by funder",
        "funder",
        items=True,
        cases=True,
    ),
    Metric(
        "referrals_by_recipient",
        "Nosūtījumi pēc saņēmēja",
        "Referrals, by recipient",
        "institution",
        items=True,
        cases=True,
    ),
    Metric(
        "referrals_by_status",
        "Nosūtījumi pēc statusa",
        "Referrals, by status",
        "referral_status",
        items=True,
        cases=True,
    ),
    Metric(
        "referrals_overdue",
        "Nokavētie nosūtījumi (termiņš pagājis, saņēmējs vēl nav sācis)",
        "Overdue referrals (due date passed, the recipient has not started)",
        items=True,
        cases=True,
    ),
)

METRIC: dict[str, Metric] = {m.name: m for m in METRICS}


@attrs.frozen
class Family:
    """Breakdowns of one population of things, whose counts are tied together.

    Each part is a metric whose categories split the family's things (every thing is in exactly
    one category of each part), so the items of a part add up to the family's total, and a part
    with one category met holds every learner of the family. ``whole`` is a published cell that
    counts the family's learners (and things, when it counts items), if there is one.
    ``within`` restricts a part to the categories of one risk group (risk factors under a group).
    """

    name: str
    parts: tuple[str, ...]
    whole: tuple[str, str | None] | None = None
    items: bool = True


#: The families: the relations between cells of one group that suppression keeps closed.
FAMILIES: tuple[Family, ...] = (
    Family(
        "findings",
        ("findings_by_risk_group",),
        whole=("learners_with_findings", None),
        items=False,
    ),
    Family("obligations", ("obligations_by_action", "obligations_by_state")),
    Family("referrals_due", ("referrals_due_by_recipient",)),
    Family("referrals_suggested", ("referrals_suggested_by_recipient",)),
    Family("plans", ("plans_by_status",)),
    Family(
        "measures_planned",
        ("measures_planned_by_kind", "measures_planned_by_funder", "measures_delivery"),
    ),
    Family(
        "measures_delivered",
        ("measures_delivered_by_kind", "measures_delivered_by_funder"),
        whole=("measures_delivery", "delivered"),
    ),
    Family("referrals", ("referrals_by_recipient", "referrals_by_status")),
)
