"""The facts rules read: the plugin contract's central type.

Rules read facts by attribute (``f.unjustified_lessons``) and declare what they read, so the trace
can show each fact with its value. Each fact's meaning is on its field (:data:`FACTS` collects them
for the docs); the protected ones (never evidence of risk) are listed in :data:`PROTECTED_FACTS`.
The engine derives the facts of a case (:func:`atbalsts.engine.derive_facts`); a rule only reads.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from atbalsts.model import (
    AbsenceEpisode,
    Classification,
    DecisionKind,
    Learner,
    SupportPlan,
    TermObservation,
)
from atbalsts.model.observation import AttendanceDay

__all__ = ["FACTS", "FACT_NAMES", "PROTECTED_FACTS", "RISK_KINDS", "Facts"]

_DOC = "atbalsts.doc"


def fact(doc: str, **kwargs: Any) -> Any:
    """A fact field with its documentation (read by :data:`FACTS` and the docs)."""
    return attrs.field(metadata={_DOC: doc}, **kwargs)


@attrs.frozen(slots=True, eq=False)
class Facts:
    """The facts about one case on one date. Frozen: a rule cannot change what others read."""

    as_of: date = fact("The evaluation date.")
    learner_id: str = fact("The learner's pseudonymous id.")
    municipality: str = fact("The learner's municipality slug.")
    birth_date: date = fact(
        "Date of birth (for ages on other dates, e.g. when an application was signed).",
    )
    age: int = fact("Age in whole years on the evaluation date.")
    programme: str = fact(
        "Programme kind (pre_school, general_basic, general_secondary, vocational).",
    )
    grade: int | None = fact("Grade 1-12 in general education, else None.")
    vocational_course: int | None = fact("Course 1-4 in vocational education, else None.")
    repeating_year: bool = fact("The learner repeats the year.")
    completed_grade9_certificate_only: bool = fact(
        "Completed grade 9 with a certificate (liecība) only.",
    )
    state_vocational_school: bool = fact("Enrolled in a state vocational school.")
    living_situation: str = fact("with_parents, foster_family, guardian or care_institution.")
    out_of_family_care: bool = fact("Foster family, guardian or care institution.")
    needy_family: bool = fact("Needy or low-income family flag.")
    languages: tuple[str, ...] = fact(
        "Languages the learner speaks. PROTECTED: never evidence of risk.",
    )
    has_observation: bool = fact("An observation dated on or before the evaluation date exists.")
    observed_on: date | None = fact("Date of the latest observation used.")
    unjustified_lessons: int = fact(
        "Lessons missed in the evaluation date's term with no reason or no justifying reason (0 "
        "when the latest observation is of an earlier term). Counted per term because Cabinet "
        "Regulation No. 89 sets its limit per semester (more than 20 lessons a semester [S2][S3]"
        "[S7]); the term is that of the school calendar (atbalsts.calendar), whose "
        "semesters run to 31 December and 31 August with the holidays after them, so a day is "
        "in the same term as by the convention (atbalsts.policy.term_of).",
    )
    unjustified_days: int = fact(
        "Whole days missed in the term with no reason or no justifying reason; per term, like "
        "unjustified_lessons (the pre-school days limit is read per semester too [S4]).",
    )
    lessons_scheduled: int | None = fact("Lessons scheduled in the term so far, if known.")
    absence_rate: float | None = fact(
        "Share (0-1) of scheduled lessons missed for any reason, if known.",
    )
    absent_today_reason_unknown: bool = fact(
        "Absent on the evaluation date with no reason known (only from an observation dated that "
        "day).",
    )
    parental_notes_used: int = fact("Parents' justifying notes used in the term.")
    absence_episodes: tuple[AbsenceEpisode, ...] = fact(
        "Absence episodes recorded in the term (may be empty).",
    )
    failing_subjects: int = fact("Number of subjects recorded as failing.")
    behaviour_incidents: int = fact("Behaviour incidents recorded in the evaluation date's term.")
    serious_incidents: int = fact("Serious behaviour incidents in that term.")
    staff_factors: frozenset[str] = fact(
        "Risk factors observed and recorded by staff in that term (and in the latest observation).",
    )
    suspected_threat: bool = fact(
        "A suspected threat (violence, neglect, offence) is recorded and not yet answered by a "
        "report made on or after the day it arose: a referral to the police, the orphan's court "
        "or the state child-rights body in office on the day the report was made (Children's "
        "Rights Protection Law Art. 73(1) [S44]; atbalsts.policy.baseline.threat_recipients_on), "
        "on the day it was sent (else created), an action report_threat to one of them, or an "
        "action of any code that names that day's report duty by its key. A referral the body "
        "rejected was made: the report is given, whatever the body then decided.",
    )
    threat_kinds: frozenset[str] = fact("The kinds of open threat suspected.")
    threat_observed_on: date | None = fact(
        "The day the earliest open suspicion arose (the report is due then).",
    )
    reported_threat_observed_on: date | None = fact(
        "When no suspicion is open: the day the earliest of the suspicions the last report "
        "answered arose (each suspicion is answered by the first report on or after its day), "
        "if it was recorded in an observation of the evaluation date's term or the report was "
        "made in that term (the report is then a duty done, on time or late); else None.",
    )
    threat_days: tuple[date, ...] = fact(
        "The days the suspicions whose report is a duty of the evaluation date's term arose, "
        "oldest first, each day once: every open suspicion's, and every answered one's that was "
        "recorded in an observation of that term or whose report (the first on or after its "
        "day) was made in that term. Art. 73(1) asks a report of each suspicion: the report rule "
        "owes one per day (trigger threat_days, with the day in on).",
    )
    funded_elsewhere: frozenset[str] = fact(
        "Measures the state or municipality already funds on the date.",
    )
    plan: SupportPlan | None = fact("The support plan in force on the date, if any.")
    plan_measures: frozenset[str] = fact("Measures assigned in that plan.")
    plans_without_improvement: int = fact(
        "Consecutive earlier plans whose last review saw no improvement.",
    )
    mentor_trained: bool | None = fact(
        "Whether the learner mentor the plan assigns (mentor_support) completed the "
        "learner-mentor programme, as the Skola-kopienā project requires: False when any "
        "mentor_support line records that the mentor has not, True when every one records that "
        "the mentor has, None when no line records it or the plan assigns no mentor.",
        default=None,
    )
    risk_groups: frozenset[str] = fact(
        "Risk groups found by the risk-finding rules (for the other kinds).",
        default=frozenset(),
    )
    risk_factors: frozenset[str] = fact(
        "Risk factors found by the risk-finding rules (for the other kinds).",
        default=frozenset(),
    )
    attendance_days: tuple[AttendanceDay, ...] = fact(
        "The attendance day records of the evaluation date's term, from the observation the "
        "absence counts come from, oldest first (empty where the school keeps term totals "
        "only). The engine reads them to find the day a limit was passed.",
        default=(),
    )
    term_observations: tuple[TermObservation, ...] = fact(
        "The observations of the evaluation date's term dated on or before it, oldest first. "
        "Without day records, the engine dates a passed limit by the first of them that shows "
        "it.",
        default=(),
    )
    term_start: date | None = fact(
        "First day of teaching of the evaluation date's term, for the learner's grade (from the "
        "school calendar; by the convention where it has no data: see term_source).",
        default=None,
    )
    term_end: date | None = fact(
        "Last day of teaching of that term, for the learner's grade (semester 2 ends with the "
        "grade's school year).",
        default=None,
    )
    term_source: str = fact(
        "Where the term's dates come from: 'regulation' (the school year's Cabinet regulation, "
        "shipped in atbalsts.calendar) or 'convention' (no data for that year: semester 1 from "
        "1 September to 31 December, semester 2 from 1 January to 31 August).",
        default="convention",
    )

    @property
    def has_risk(self) -> bool:
        """At least one risk finding (set after the risk-finding rules ran)."""
        return bool(self.risk_factors)


#: Every fact a rule may read, with its meaning (from the fields' documentation).
FACTS: dict[str, str] = {f.name: f.metadata[_DOC] for f in attrs.fields(Facts)}

#: Every name a rule may declare in ``reads``: the facts, and ``has_risk`` (derived from
#: ``risk_factors``).
FACT_NAMES: frozenset[str] = frozenset(FACTS) | {"has_risk"}


def _protected_learner_fields() -> frozenset[str]:
    protected = Classification.PROTECTED.value
    return frozenset(
        name
        for name, field in Learner.model_fields.items()
        if isinstance(field.json_schema_extra, dict)
        and field.json_schema_extra.get("x-classification") == protected
    )


#: Facts that are protected attributes (read from the models' field classifications): no rule
#: that finds or grades risk, or refers a learner, may read them (:data:`RISK_KINDS`).
PROTECTED_FACTS: frozenset[str] = frozenset(FACTS) & _protected_learner_fields()

#: The decision kinds that judge a learner's risk: they may not read :data:`PROTECTED_FACTS`.
RISK_KINDS: frozenset[DecisionKind] = frozenset(
    {DecisionKind.RISK_FINDING, DecisionKind.RISK_TIER, DecisionKind.REFERRAL}
)
