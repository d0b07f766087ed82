"""Art. 73(1): each suspected threat is reported, so each day a suspicion arose is a report duty
of its own, answered by the first report on or after that day (a referral to a competent body,
or an action ``report_threat``). Checked against a recomputation from the case alone, over
generated suspicions and reports within one term."""

from __future__ import annotations

import functools
from bisect import bisect_left
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from atbalsts.engine import PolicyRegistry
from atbalsts.engine._derive import derive_facts
from atbalsts.model import SupportCase, parse_python
from atbalsts.policy import Obligation
from atbalsts.privacy import own_duties

#: A term of the shipped calendar (2024/2025, semester 2) and a day inside it to decide on.
TERM = {"school_year": "2024/2025", "semester": 2}
FIRST = date(2025, 3, 3)
AS_OF = date(2025, 4, 30)
SPAN = (AS_OF - FIRST).days
#: Who records a suspicion: each role's report is its own duty.
RECORDERS = ("class_teacher", "social_pedagogue", "psychologist")


@functools.cache
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


def _day(offset: int) -> date:
    return FIRST + timedelta(days=offset)


def _case(
    suspicions: list[tuple[int, str]], referrals: list[int], actions: list[int]
) -> SupportCase:
    threats = [
        {"kind": "violence", "observed_on": _day(d).isoformat(), "recorded_by": who}
        for d, who in suspicions
    ]
    return parse_python(
        SupportCase,
        {
            "schema_version": "1.0",
            "learner": {
                "id": "L-SYN-EPI",
                "birth_date": "2012-02-02",
                "enrolment": {
                    "school_id": "school-1",
                    "municipality": "ogre",
                    "programme": "general_basic",
                    "grade": 7,
                },
                "living_situation": "with_parents",
            },
            "observations": [
                {"term": TERM, "as_of": AS_OF.isoformat(), "suspected_threats": threats}
            ],
            "referrals": [
                {
                    "id": f"R-{i}",
                    "learner_id": "L-SYN-EPI",
                    "referred_by": {"institution": "school", "role": "class_teacher"},
                    "referred_to": {"institution": "state_police"},
                    "reason": "Synthetic report.",
                    "created_on": _day(d).isoformat(),
                    "status": "requested",
                }
                for i, d in enumerate(referrals)
            ],
            "actions": [
                {
                    "id": f"A-{i}",
                    "action": "report_threat",
                    "on": _day(d).isoformat(),
                    "role": "class_teacher",
                    "to": ["orphans_court"],
                }
                for i, d in enumerate(actions)
            ],
        },
    )


suspicions = st.lists(
    st.tuples(st.integers(0, SPAN), st.sampled_from(RECORDERS)), min_size=0, max_size=6
)
report_days = st.lists(st.integers(0, SPAN), max_size=3)


@given(suspicions, report_days, report_days)
def test_each_day_a_suspicion_arose_is_one_report_duty(
    found: list[tuple[int, str]], referrals: list[int], actions: list[int]
) -> None:
    case = _case(found, referrals, actions)
    decision = registry().evaluate(case, AS_OF)
    duties = sorted(
        (d for d in decision.obligations if d.action == "report_threat"), key=lambda d: d.trigger
    )
    days = sorted({_day(d) for d, _ in found})
    assert [d.trigger for d in duties] == days
    reports = sorted(_day(d) for d in [*referrals, *actions])
    for duty in duties:
        assert duty.trigger_source == "threat"
        assert duty.due == duty.trigger  # the same day, whatever day it is
        at = bisect_left(reports, duty.trigger)
        if at == len(reports):
            assert duty.state in ("overdue", "due_today")
        elif reports[at] == duty.trigger:
            assert duty.state == "done_on_time"
        else:
            assert duty.state == "done_late"
    # each role's own duties are the reports of the days it recorded a suspicion on
    for role in RECORDERS:
        own = {d.trigger for d in own_duties(decision, case, role)}  # type: ignore[union-attr]
        assert own == {_day(d) for d, who in found if who == role}


def test_a_duty_owed_per_day_needs_its_day() -> None:
    """``on`` names the day of a duty owed per day; without it, or with a trigger that lists no
    days, the obligation is unfit and its rule fails (never a silent duty on another day)."""
    from atbalsts.engine._fit import unfit

    codes = registry().policy_set("ogre").codes
    base = {"action": "report_threat", "roles": ("any_staff",), "recipients": ("state_police",)}
    assert unfit(Obligation(**base, trigger="threat_days", on=FIRST), Obligation, codes) is None
    missing = unfit(Obligation(**base, trigger="threat_days"), Obligation, codes)
    assert missing is not None
    assert "give the day of this duty in on" in missing
    stray = unfit(Obligation(**base, trigger="observed_on", on=FIRST), Obligation, codes)
    assert stray is not None
    assert "on is given only with a trigger that lists days" in stray


def test_the_facts_list_each_day_once_oldest_first() -> None:
    case = _case([(9, "class_teacher"), (2, "psychologist"), (9, "social_pedagogue")], [], [])
    facts = derive_facts(case, AS_OF)
    assert facts.threat_days == (_day(2), _day(9))
    assert facts.threat_observed_on == _day(2)


def test_an_action_naming_one_days_report_answers_that_day_only() -> None:
    """An action that names a duty's key answers that duty only; the facts count it the same
    way, so the other day's suspicion stays open (and its report due) in the terms after, as
    its duty says (a reviewer found it dropped from the next term's decisions)."""
    case = _case([(0, "class_teacher"), (2, "psychologist")], [], [])
    first = min(
        (d for d in registry().evaluate(case, AS_OF).obligations if d.action == "report_threat"),
        key=lambda d: d.trigger,
    )
    data = case.model_dump(mode="json")
    data["actions"] = [
        {
            "id": "A-1",
            "action": "report_threat",
            "on": _day(3).isoformat(),
            "role": "class_teacher",
            "to": ["state_police"],
            "answers": first.key,
        }
    ]
    keyed = parse_python(SupportCase, data)
    states = {
        d.trigger: d.state
        for d in registry().evaluate(keyed, AS_OF).obligations
        if d.action == "report_threat"
    }
    assert states == {_day(0): "done_late", _day(2): "overdue"}
    autumn = registry().evaluate(keyed, date(2025, 9, 15))
    (still,) = [d for d in autumn.obligations if d.action == "report_threat"]
    assert (still.trigger, still.state) == (_day(2), "overdue")


def test_a_municipal_duty_dated_by_the_earliest_open_suspicion_is_own_to_later_recorders() -> None:
    """The national report is a role's own only for the day it recorded a suspicion on; a
    municipality's duty dated by the earliest open suspicion (``trigger="threat_observed_on"``)
    covers the later suspicions too, so it stays the own duty of whoever recorded one of them."""
    case = _case([(0, "class_teacher"), (2, "psychologist")], [], [])
    decision = registry().evaluate(case, AS_OF)
    national = {d.trigger: d for d in decision.obligations if d.action == "report_threat"}
    assert set(national) == {_day(0), _day(2)}
    local = national[_day(0)].model_copy(
        update={"action": "t:tell_director", "rules": ("t.tell_director",), "key": "t@x#1"}
    )
    both = decision.model_copy(update={"obligations": (*decision.obligations, local)})
    psychologist = {(d.action, d.trigger) for d in own_duties(both, case, "psychologist")}  # type: ignore[union-attr]
    assert psychologist == {("report_threat", _day(2)), ("t:tell_director", _day(0))}
    teacher = {(d.action, d.trigger) for d in own_duties(both, case, "class_teacher")}  # type: ignore[union-attr]
    assert teacher == {("report_threat", _day(0)), ("t:tell_director", _day(0))}


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.sampled_from(["lv.a.b", "x.y_z"]))
def test_a_duty_key_gives_back_its_day(day: date, rule: str) -> None:
    from atbalsts.engine._duties import duty_key, key_day

    assert key_day(duty_key(rule, day, "report_threat", ("state_police",))) == day
    assert key_day("no day here") is None
    assert key_day(f"{rule}@not-a-day#1") is None
