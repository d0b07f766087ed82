"""The batch's quicker paths give what the plain definitions give.

Deriving the facts reads the observations in one pass and skips the counts of what a case does
not hold; the school days a duty is late are counted once per calendar; the note of the duties
carried from the term before is made once per policy of that term; two empty lists are the same
without comparing their items. Each is checked here against the definition it replaces: the
case's own lookups (``SupportCase.observation_on``, ``plan_on``), the calendar's own count, a
note made afresh. Synthetic data only.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from atbalsts.calendar import ExtraDays, SchoolCalendar, shipped_calendar
from atbalsts.engine import PolicyRegistry, derive_facts
from atbalsts.engine._assemble import _carried_note, notes_of
from atbalsts.engine._compact import _same
from atbalsts.model import PlanStatus, SupportCase, SupportPlan
from atbalsts.model.decision import NoteCode
from atbalsts.testing.strategies import support_cases

REGISTRY = PolicyRegistry.load()  # with the municipal plugins: policies that differ
_DEAD = {PlanStatus.REVOKED, PlanStatus.ENTERED_IN_ERROR}


def _latest_first(case: SupportCase, day: date) -> list[SupportPlan]:
    return sorted(
        (p for p in case.plans if p.period.end < day and p.status not in _DEAD),
        key=lambda p: p.period.start,
        reverse=True,
    )


def _without_improvement(case: SupportCase, day: date) -> int:
    """Consecutive earlier plans whose last review saw no improvement, latest first."""
    count = 0
    for plan in _latest_first(case, day):
        last = max(plan.reviews, key=lambda r: r.on, default=None)
        if last is None or last.improved is not False:
            break
        count += 1
    return count


def _check_term_facts(case: SupportCase, day: date) -> None:
    """The facts on ``day`` that come from the observations and plans, against the definitions."""
    calendar = shipped_calendar()
    facts = derive_facts(case, day, calendar)
    term = calendar.term_of(day, case.learner.enrolment.grade).key
    latest = case.observation_on(day)
    in_term = [
        o
        for o in case.observations
        if o.as_of <= day and (o.term.school_year, o.term.semester) == term
    ]
    assert facts.has_observation is (latest is not None)
    assert facts.observed_on == (latest.as_of if latest is not None else None)
    assert facts.term_observations == tuple(sorted(in_term, key=lambda o: o.as_of))
    if len(in_term) == 1:
        incidents = list(in_term[0].behaviour_incidents)
    else:
        incidents = list({i for o in in_term for i in o.behaviour_incidents})
    assert facts.behaviour_incidents == len(incidents)
    assert facts.serious_incidents == sum(1 for i in incidents if i.severity == "serious")
    staff = {x.factor for o in in_term for x in o.staff_observations}
    if latest is not None and latest not in in_term:
        staff |= {x.factor for x in latest.staff_observations}
    assert facts.staff_factors == staff
    assert facts.plan == case.plan_on(day)
    assert facts.plans_without_improvement == _without_improvement(case, day)
    assert facts.failing_subjects == (
        len(latest.achievement.failing_subjects) if latest is not None else 0
    )
    raised = [
        t
        for o in case.observations
        if o.as_of <= day
        for t in o.suspected_threats
        if t.observed_on <= day
    ]
    if not raised:
        assert not facts.suspected_threat
        assert facts.reported_threat_observed_on is None
    elif not (case.referrals or case.actions):  # nothing can have answered them
        assert facts.suspected_threat
        assert facts.threat_observed_on == min(t.observed_on for t in raised)
    if not facts.suspected_threat:
        assert (facts.threat_kinds, facts.threat_observed_on) == (frozenset(), None)


@settings(max_examples=150, deadline=None)
@given(case=support_cases(max_items=4), back=st.integers(0, 400))
def test_the_one_pass_derivation_agrees_with_the_cases_own_lookups(
    case: SupportCase, back: int
) -> None:
    """On the day the case was drawn for, a day before it and the last day of a term before."""
    newest = max((o.as_of for o in case.observations), default=date(2025, 11, 20))
    day = newest - timedelta(days=back)
    term_end = date(day.year, 8, 31) if day.month >= 9 else date(day.year - 1, 12, 31)
    for on in (newest, day, term_end):
        _check_term_facts(case, on)


def _plan(plan_id: str, start: str, end: str, improved: bool) -> dict[str, object]:
    school_year = f"{int(start[:4]) - 1}/{start[:4]}" if start[5:7] < "09" else None
    semester = 2 if school_year else 1
    school_year = school_year or f"{start[:4]}/{int(start[:4]) + 1}"
    return {
        "id": plan_id,
        "learner_id": "L-FAST",
        "term": {"school_year": school_year, "semester": semester},
        "period": {"start": start, "end": end},
        "status": "completed",
        "author_role": "social_pedagogue",
        "measures": [
            {
                "measure": "mentor_support",
                "responsible_role": "learner_mentor",
                "funding": "skola_kopiena",
            }
        ],
        "reviews": [{"on": end, "outcome": "continue", "improved": improved}],
    }


def test_plans_that_start_together_keep_their_order() -> None:
    """The latest first, and plans of the same start in the order the case lists them: the
    count stops at the first plan whose last review saw improvement."""
    learner = {
        "id": "L-FAST",
        "birth_date": "2012-03-04",
        "enrolment": {
            "school_id": "SCH-1",
            "municipality": "nowhere",
            "programme": "general_basic",
            "grade": 7,
        },
    }
    no = _plan("P-NO", "2024-09-02", "2024-12-20", improved=False)
    yes = _plan("P-YES", "2024-09-02", "2024-12-20", improved=True)
    older = _plan("P-OLD", "2024-01-08", "2024-05-31", improved=False)
    day = date(2025, 2, 3)
    cases = (([no, yes, older], 1), ([yes, no, older], 0), ([older, no], 2), ([older, yes], 0))
    for plans, expected in cases:
        case = SupportCase.model_validate({"learner": learner, "plans": plans})
        assert derive_facts(case, day).plans_without_improvement == expected
        assert _without_improvement(case, day) == expected


_CLOSED_WEEK = [ExtraDays(date(2025, 11, 3), date(2025, 11, 7), "a week closed (synthetic)")]
_CLOSED = SchoolCalendar(_CLOSED_WEEK)


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(date(2024, 9, 1), date(2026, 8, 31)),
    days=st.integers(-200, 400),
    grade=st.one_of(st.none(), st.integers(1, 12)),
)
def test_the_school_days_kept_are_the_calendars_own(start: date, days: int, grade: int) -> None:
    """Asked of two calendars in turn (one with a closed week), each keeps its own count: the
    same as a calendar made afresh, which has kept nothing."""
    end = start + timedelta(days=days)
    fresh = {id(shipped_calendar()): SchoolCalendar(), id(_CLOSED): SchoolCalendar(_CLOSED_WEEK)}
    for calendar in (shipped_calendar(), _CLOSED, shipped_calendar(), _CLOSED):
        counted = fresh[id(calendar)].school_days_between(start, end, grade)
        assert calendar.school_days_between(start, end, grade) == counted


def test_a_closed_week_is_counted_on_its_own_calendar_only() -> None:
    """From Friday 31 October to Monday 10 November 2025: the week of 3 November, Saturday
    8 November (a working Saturday that year) and the Monday; without the closed week, two."""
    start, end = date(2025, 10, 31), date(2025, 11, 10)
    assert shipped_calendar().school_days_between(start, end, 5) == 7
    assert _CLOSED.school_days_between(start, end, 5) == 2
    assert shipped_calendar().school_days_between(start, end, 5) == 7


@given(
    a=st.lists(st.integers(0, 2), max_size=2),
    b=st.lists(st.integers(0, 2), max_size=2),
    a_tuple=st.booleans(),
    b_tuple=st.booleans(),
)
def test_lists_and_tuples_are_the_same_when_their_items_are(
    a: list[int], b: list[int], a_tuple: bool, b_tuple: bool
) -> None:
    left = tuple(a) if a_tuple else a
    right = tuple(b) if b_tuple else b
    assert _same(left, right) is (a == b)


def test_an_empty_list_is_not_another_empty_value() -> None:
    for other in (None, {}, "", 0, False):
        assert not _same([], other)
        assert not _same(other, [])


def _over_winter() -> SupportCase:
    """A grade 6 learner who missed 25 lessons with no reason in the last week of 2025."""
    days = [
        {
            "on": (date(2025, 12, 15) + timedelta(days=i)).isoformat(),
            "lessons_scheduled": 6,
            "lessons_missed": 5,
            "justification": "reason_unknown",
        }
        for i in range(5)
    ]
    observation = {
        "term": {"school_year": "2025/2026", "semester": 1},
        "as_of": "2025-12-19",
        "attendance": {"lessons_missed_reason_unknown": 25, "days": days},
    }
    learner = {
        "id": "L-FAST",
        "birth_date": "2013-04-02",
        "enrolment": {
            "school_id": "SCH-1",
            "municipality": "nowhere",
            "programme": "general_basic",
            "grade": 6,
        },
    }
    return SupportCase.model_validate({"learner": learner, "observations": [observation]})


def test_each_policy_of_the_term_before_names_itself_in_the_note() -> None:
    """The note kept per policy of the term before is the note made afresh, and sets with
    different plugins, decided in turn, keep theirs apart."""
    case = _over_winter()
    seen = {}
    for municipality in ("nowhere", "bauska", "nowhere", "bauska"):
        ev = REGISTRY.policy_set(municipality).run(case, date(2026, 1, 6), trace=False)
        assert ev.carried is not None
        (note,) = [n for n in notes_of(ev, []) if n["code"] == NoteCode.DUTIES_CARRIED.value]
        assert note == _carried_note(ev.carried.policy)
        named = ", ".join(f"{p.name} {p.version}" for p in ev.carried.policy.stamp.plugins)
        assert note["detail"] == {"school_year": "2025/2026", "semester": 1, "policy": named}
        seen.setdefault(municipality, note["detail"]["policy"])
        assert seen[municipality] == note["detail"]["policy"]
    assert seen["nowhere"] != seen["bauska"]
