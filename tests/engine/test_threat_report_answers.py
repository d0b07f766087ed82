"""What answers a suspected threat's report (Art. 73(1) [S44]): the facts and the duty agree.

The fact ``suspected_threat`` (and ``threat_observed_on``) says a suspicion is open exactly when
the decision's report duty for its day is not done. Both take the same reports: a referral made,
or an action ``report_threat`` that names no duty, to the police, the orphan's court or the state
child-rights body in office on the day the report was made (VBTAI until 2023-12-31, the
Children's Protection Centre from 2024-01-01 [S45]), on or after the suspicion's day; or an
action of any code that names that day's report duty by its key (the key a decision gave on
any date: the body the duty names, and so its key, changed on 2024-01-01).

Generated over suspicions on days around 2024-01-01 and reports to every recipient (and to some
that are not one), before and after the change, keyed and not, under several action codes.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from atbalsts.calendar import shipped_calendar
from atbalsts.engine import PolicyRegistry
from atbalsts.engine._derive import derive_facts
from atbalsts.model import Decision, SupportCase, parse_python
from atbalsts.policy import baseline

LEARNER = "L-SYN-ART73"
GRADE = 7
#: Days a suspicion may arise on, and a report be made on: the fortnights either side of the day
#: the Children's Protection Centre replaced VBTAI.
AROUND = [date(2023, 12, 18) + timedelta(days=n) for n in range(26)]  # to 2024-01-12
#: Days a report may be made on a year later, when VBTAI had long ceased to exist.
LATER = [date(2025, 2, 3) + timedelta(days=n) for n in range(12)]  # to 2025-02-14
#: Evaluation dates: before the change, after it, a year after it.
DECIDED_ON = (date(2023, 12, 29), date(2024, 1, 12), date(2025, 2, 14))

#: Who a report may go to: every Art. 73(1) recipient (both codes of the state body), and one
#: institution and one role that are not recipients.
INSTITUTIONS = (
    "vbtai",
    "childrens_protection_centre",
    "state_police",
    "municipal_police",
    "orphans_court",
    "social_service",
)
ACTION_TO: tuple[tuple[str, ...], ...] = (
    (),
    ("vbtai",),
    ("childrens_protection_centre",),
    ("orphans_court",),
    ("social_service",),
    ("parent",),
    ("vbtai", "childrens_protection_centre"),
)
#: The action codes: the duty's own, and two a host may use for the same step.
ACTION_CODES = ("report_threat", "phone_call", "inform_parents")
STATUSES = ("requested", "completed", "rejected", "draft", "cancelled")


@functools.cache
def registry() -> PolicyRegistry:
    return PolicyRegistry.load(entry_points=False)


def _learner() -> dict[str, Any]:
    return {
        "id": LEARNER,
        "birth_date": "2012-02-02",
        "enrolment": {
            "school_id": "school-1",
            "municipality": "ogre",
            "programme": "general_basic",
            "grade": GRADE,
        },
        "living_situation": "with_parents",
    }


def _observation(on: date, days: list[date]) -> dict[str, Any]:
    year, semester = shipped_calendar().term_of(on, GRADE).key
    return {
        "term": {"school_year": year, "semester": semester},
        "as_of": on.isoformat(),
        "suspected_threats": [
            {"kind": "violence", "observed_on": d.isoformat(), "recorded_by": "class_teacher"}
            for d in days
        ],
    }


@functools.cache
def report_key(day: date, decided_on: date) -> str:
    """The key the decision on ``decided_on`` gives the report duty of a suspicion of ``day``
    (the body it names, and so its key, is that of ``decided_on``)."""
    case = parse_python(
        SupportCase,
        {
            "schema_version": "1.0",
            "learner": _learner(),
            "observations": [_observation(day, [day])],
        },
    )
    (duty,) = [
        d for d in registry().evaluate(case, decided_on).obligations if d.action == "report_threat"
    ]
    assert duty.trigger == day
    return duty.key


def _case(
    days: list[date],
    as_of: date,
    referrals: list[tuple[date, str, str]],
    actions: list[tuple[date, str, tuple[str, ...], str | None]],
) -> SupportCase:
    return parse_python(
        SupportCase,
        {
            "schema_version": "1.0",
            "learner": _learner(),
            # one observation of the evaluation date's term: each suspicion's report is a duty
            # of the decision, answered or not, so each can be compared
            "observations": [_observation(as_of, days)],
            "referrals": [
                {
                    "id": f"R-{i}",
                    "learner_id": LEARNER,
                    "referred_by": {"institution": "school", "role": "class_teacher"},
                    "referred_to": {"institution": to},
                    "reason": "Synthetic report.",
                    "created_on": on.isoformat(),
                    "status": status,
                }
                for i, (on, to, status) in enumerate(referrals)
            ],
            "actions": [
                {
                    "id": f"A-{i}",
                    "action": code,
                    "on": on.isoformat(),
                    "role": "class_teacher",
                    "to": list(to),
                    **({"answers": key} if key is not None else {}),
                }
                for i, (on, code, to, key) in enumerate(actions)
            ],
        },
    )


def _reports(decision: Decision) -> dict[date, Any]:
    reports = [d for d in decision.obligations if d.action == "report_threat"]
    by_day = {d.trigger: d for d in reports}
    assert len(by_day) == len(reports)  # one report duty per day a suspicion arose
    return by_day


report_day = st.sampled_from(AROUND + LATER)
referral = st.tuples(report_day, st.sampled_from(INSTITUTIONS), st.sampled_from(STATUSES))
#: What an action names: no duty, the report duty of one suspicion (by the index of the
#: suspicion, with the key a decision gave on the suspicion's own day or on the evaluation date),
#: another duty of that day, or a key of no duty.
naming = st.one_of(
    st.none(),
    st.tuples(st.just("report"), st.integers(0, 3), st.sampled_from(["own_day", "as_of"])),
    st.tuples(st.just("other"), st.integers(0, 3), st.just("")),
    st.just(("garbage", 0, "")),
)
action = st.tuples(report_day, st.sampled_from(ACTION_CODES), st.sampled_from(ACTION_TO), naming)


@given(
    st.sampled_from(DECIDED_ON),
    st.lists(st.sampled_from(AROUND), min_size=1, max_size=4),
    st.lists(referral, max_size=3),
    st.lists(action, max_size=4),
)
def test_the_facts_say_a_suspicion_is_answered_exactly_when_its_report_duty_is_done(
    as_of: date,
    suspicion_days: list[date],
    referrals: list[tuple[date, str, str]],
    named_actions: list[tuple[date, str, tuple[str, ...], Any]],
) -> None:
    days = sorted({d for d in suspicion_days if d <= as_of}) or [min(AROUND)]
    actions: list[tuple[date, str, tuple[str, ...], str | None]] = []
    for on, code, to, names in named_actions:
        key = None
        if names is not None:
            kind, index, when = names
            day = days[index % len(days)]
            if kind == "report":
                key = report_key(day, day if when == "own_day" else as_of)
            elif kind == "other":  # the key of another rule's duty of that day
                key = f"lv.absence.inform_parents@{day.isoformat()}#0badc0de"
            else:
                key = "not-a-duty-key"
        actions.append((on, code, to, key))
    case = _case(days, as_of, referrals, actions)
    duties = _reports(registry().evaluate(case, as_of))
    facts = derive_facts(case, as_of)
    assert sorted(duties) == days == list(facts.threat_days)
    open_days = [d for d in days if duties[d].done_on is None]
    assert facts.suspected_threat == bool(open_days)
    assert facts.threat_observed_on == (open_days[0] if open_days else None)
    # day by day: the facts of that day's suspicion alone say it is open exactly when its duty
    # is not done (each suspicion is answered on its own: by the first report on or after its
    # day, or by an action that names its day's report)
    for day in days:
        alone = _case([day], as_of, referrals, actions)
        assert derive_facts(alone, as_of).suspected_threat == (duties[day].done_on is None), day


# -- the cases the property stands for, by name -------------------------------------------------


def _one(
    day: date,
    as_of: date,
    *,
    referrals: tuple[tuple[date, str, str], ...] = (),
    actions: tuple[tuple[date, str, tuple[str, ...], str | None], ...] = (),
) -> tuple[Any, bool]:
    """The report duty of a suspicion of ``day`` on ``as_of``, and whether the facts say the
    suspicion is open."""
    case = _case([day], as_of, list(referrals), list(actions))
    (duty,) = _reports(registry().evaluate(case, as_of)).values()
    return duty, derive_facts(case, as_of).suspected_threat


def test_a_report_to_vbtai_answers_on_its_days_only() -> None:
    """VBTAI received Art. 73(1) reports until 2023-12-31: a report made to it on 2023-12-20
    answers the suspicion of that day, also in a decision of 2024 whose duty names the
    Children's Protection Centre; one made to it on 2024-01-03 or in 2025 answers nothing, as
    VBTAI no longer existed (the facts said otherwise before: they took VBTAI on any date)."""
    december = date(2023, 12, 20)
    duty, open_ = _one(december, date(2024, 1, 12), referrals=((december, "vbtai", "requested"),))
    assert "childrens_protection_centre" in duty.recipients
    assert (duty.state, open_) == ("done_on_time", False)
    january = date(2024, 1, 3)
    duty, open_ = _one(january, date(2024, 1, 12), referrals=((january, "vbtai", "requested"),))
    assert (duty.state, open_) == ("overdue", True)
    later = date(2025, 2, 5)
    duty, open_ = _one(
        later, date(2025, 2, 14), actions=((later, "report_threat", ("vbtai",), None),)
    )
    assert (duty.state, open_) == ("overdue", True)
    # the Children's Protection Centre did not exist yet in December 2023
    duty, open_ = _one(
        december,
        date(2023, 12, 22),
        referrals=((december, "childrens_protection_centre", "requested"),),
    )
    assert (duty.state, open_) == ("overdue", True)
    duty, open_ = _one(
        later,
        date(2025, 2, 14),
        actions=((later, "report_threat", ("childrens_protection_centre",), None),),
    )
    assert (duty.state, open_) == ("done_on_time", False)


def test_an_action_that_names_the_report_answers_it_whatever_its_code() -> None:
    """Naming a duty's key says the action answered it, whatever its action code, for every duty
    of the engine: the facts count it too (they took only ``report_threat`` before), and only
    for the report it names (a key of another duty of the day answers no suspicion)."""
    day = date(2024, 1, 8)
    as_of = date(2024, 1, 12)
    key = report_key(day, as_of)
    duty, open_ = _one(day, as_of, actions=((day, "phone_call", ("state_police",), key),))
    assert (duty.state, open_) == ("done_on_time", False)
    other = f"lv.absence.inform_parents@{day.isoformat()}#0badc0de"
    duty, open_ = _one(day, as_of, actions=((day, "report_threat", ("state_police",), other),))
    assert (duty.state, open_) == ("overdue", True)


def test_the_december_key_names_the_report_in_january_too() -> None:
    """The report duty of a December 2023 suspicion names VBTAI in December and the Children's
    Protection Centre in January, so its key changed on 1 January: an action that names the key
    a December decision gave answers the duty in January as well, and the facts agree."""
    day = date(2023, 12, 20)
    december, january = report_key(day, day), report_key(day, date(2024, 1, 12))
    assert december != january
    for key in (december, january):
        duty, open_ = _one(
            day, date(2024, 1, 12), actions=((date(2024, 1, 8), "report_threat", (), key),)
        )
        assert (duty.state, open_) == ("done_late", False)
    assert {december, january} == _threat_keys(day)


def _threat_keys(day: date) -> frozenset[str]:
    from atbalsts.engine._duties import threat_report_keys

    return threat_report_keys(day)


def test_the_body_s_dates_are_the_national_parameter_s() -> None:
    """The engine matches a report to the body of its day by
    :data:`atbalsts.policy.baseline.STATE_CHILD_RIGHTS_BODY`; the report rule names the body by
    the parameter ``lv.child_protection.state_institution``. They hold one succession: from each
    value's first day to the day before the next, the body in office is the parameter's value,
    and no other code of the body is."""
    parameter = (
        registry().policy_set().composition.parameters["lv.child_protection.state_institution"]
    )
    values = parameter.values
    assert {v.value for v in values} == baseline.STATE_CHILD_RIGHTS_BODY_CODES
    for value, after in zip(values, [*values[1:], None], strict=True):
        last = after.valid_from - timedelta(days=1) if after else date(2100, 12, 31)
        for day in (value.valid_from, last):
            assert baseline.state_child_rights_body_on(day) == value.value
            assert [
                c for c in baseline.STATE_CHILD_RIGHTS_BODY_CODES if baseline.in_office(c, day)
            ] == [value.value]
        assert baseline.threat_recipients_on(value.valid_from) == {
            *baseline.THREAT_POLICE_AND_COURT,
            value.value,
        }
