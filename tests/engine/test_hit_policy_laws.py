"""The hit-policy laws, for any generated case (:mod:`atbalsts.testing.strategies`) and any
registration order:

- a municipal value of a floor-protected parameter, moved in its stricter direction, never
  removes an obligation the national value produces, nor makes one due later;
- measure eligibility is deny-wins, with every reason kept and the denials first, whatever order
  the plugins and their rules were registered in (plugin names sort before and after ``lv``);
  every measure asked for gets a verdict, never a suggestion, and a refused measure nobody asked
  for is never suggested;
- the whole Decision, trace and stamp included, does not depend on that order.

A decision that is not complete would make these laws hold for nothing (a baseline that failed
to load has no obligations to remove), so every decision here must be complete.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, Literal

from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.strategies import DataObject, SearchStrategy

from atbalsts.codes import MEASURES
from atbalsts.engine import derive_facts
from atbalsts.model import Decision, SupportCase
from atbalsts.policy import (
    Allow,
    DecisionKind,
    Deny,
    Facts,
    Obligation,
    Outcome,
    Params,
    Refer,
    ReviewBy,
    Rule,
    Tier,
    baseline,
    rule,
)
from atbalsts.testing import strategies as ats

from .fixtures import (
    AS_OF,
    BAUSKA_VALUES,
    INFORM_BOARD,
    FixturePlugin,
    law,
    make_case,
    parameters,
    registry,
    trace_row,
    value,
)

LIMIT = baseline.UNJUSTIFIED_LESSONS_LIMIT
#: The national value of LIMIT (MK 89: more than 20 lessons); lower is stricter.
NATIONAL_LIMIT = 20
BOARD = ("inform_municipal_education_board", ("municipal_education_board",))

#: Evaluation dates: while the national absence rules are in force, within the kit's range.
ON = st.dates(baseline.MK89_FROM, ats.MAX_DATE)

#: Plugin names that sort before and after the national baseline's name, ``lv``.
NAMES = ("aa", "kb", "lu", "lw", "ma", "zz")


def dated_cases() -> SearchStrategy[tuple[SupportCase, date]]:
    """A generated case and the date it is held on (and evaluated on)."""
    return ON.flatmap(lambda on: st.tuples(ats.support_cases(as_of=on), st.just(on)))


def complete(decision: Decision) -> Decision:
    assert decision.complete, [(f.plugin, f.rule, f.stage, f.error) for f in decision.failures]
    return decision


def parameter_value(decision: Decision, rule_id: str, parameter: str) -> Any:
    """The value of ``parameter`` that ``rule_id`` read, from the decision's trace."""
    (read,) = [p for p in trace_row(decision, rule_id).parameters if p.id == parameter]
    return read.value


# --- a stricter municipal value never removes a national obligation ------------------------------

#: A municipal timeline of the lessons limit: 1-3 dated values, each no looser than the national.
TIMELINES = st.lists(
    st.tuples(ON, st.integers(0, NATIONAL_LIMIT)),
    min_size=1,
    max_size=3,
    unique_by=lambda v: v[0],
).map(sorted)


@given(dated=dated_cases(), timeline=TIMELINES, until=st.none() | ON)
@example(dated=(make_case(unjustified_lessons=15), AS_OF), timeline=[(AS_OF, 10)], until=None)
@example(dated=(make_case(unjustified_lessons=25), AS_OF), timeline=[(AS_OF, 0)], until=None)
def test_a_stricter_municipal_limit_never_removes_a_national_obligation(
    dated: tuple[SupportCase, date], timeline: list[tuple[date, int]], until: date | None
) -> None:
    case, on = dated
    municipality = case.learner.enrolment.municipality
    values = [value(since, v, BAUSKA_VALUES) for since, v in timeline]
    town = FixturePlugin(
        "town",
        municipality=municipality,
        params=parameters("town", {"id": LIMIT, "values": values}),
        valid_to=until,
    )
    reg = registry(town)
    national = complete(reg.policy_set(plugins=()).evaluate(case, on))
    local = complete(reg.evaluate(case, on))
    in_force = until is None or on <= until
    assert ("town" in [p.name for p in local.policy.plugins]) is in_force

    # Carried duties too: the same notice may be listed twice, carried from the term before and
    # raised in this one; each national one has a local one as early, from the same rules.
    due_locally: dict[tuple[str, tuple[str, ...]], list[Any]] = {}
    for o in local.obligations:
        due_locally.setdefault((o.action, tuple(o.recipients)), []).append(o)
    for due in national.obligations:
        kept = due_locally.get((due.action, tuple(due.recipients)), [])
        assert kept, f"{due.action} to {due.recipients} removed by a stricter value"
        assert any(k.due <= due.due and set(due.rules) <= set(k.rules) for k in kept), (
            f"{due.action} due later under a stricter value"
        )

    # The value applied is the municipal one where it is in force, never looser, and it decides.
    limit = parameter_value(local, INFORM_BOARD, LIMIT)
    assert parameter_value(national, INFORM_BOARD, LIMIT) == NATIONAL_LIMIT
    assert isinstance(limit, int)
    assert limit <= NATIONAL_LIMIT
    facts = derive_facts(case, on)
    if facts.programme != "pre_school" and facts.unjustified_lessons > limit:
        assert BOARD in due_locally


# --- deny wins, and the order of registration decides nothing ----------------------------------

#: What one fixture rule returns: a measure verdict, an obligation, a referral, a tier or a review.
OUTCOMES = st.one_of(
    st.tuples(st.just("allow"), ats.codes(MEASURES)),
    st.tuples(st.just("deny"), ats.codes(MEASURES)),
    st.tuples(st.just("days"), st.integers(0, 10)),
    st.tuples(st.just("same_school_day"), st.just(0)),
    st.tuples(st.just("refer"), st.sampled_from(("same_day", "urgent", "routine"))),
    st.tuples(st.just("tier"), st.integers(1, 3)),
    st.tuples(st.just("review"), st.integers(0, 60)),
)
VERDICTS = st.tuples(st.sampled_from(("allow", "deny")), ats.codes(MEASURES))
VERDICT = ("allow", "deny")

#: A policy set's plugins: name -> what each of its rules returns (1-3 rules).
Spec = dict[str, list[tuple[str, Any]]]


def specs(outcomes: SearchStrategy[tuple[str, Any]]) -> SearchStrategy[Spec]:
    return st.dictionaries(
        st.sampled_from(NAMES), st.lists(outcomes, min_size=1, max_size=3), min_size=1
    )


def outcome(name: str, what: str, arg: Any) -> Outcome:
    """The outcome a rule of plugin ``name`` returns. Obligations and referrals from different
    plugins share their keys (a national action, one institution), so they are merged."""
    if what == "allow":
        return Allow(arg, f"{name}:ok")
    if what == "deny":
        return Deny(arg, f"{name}:no_budget")
    if what in ("days", "same_school_day"):
        deadline: Literal["days", "same_school_day"] = (
            "days" if what == "days" else "same_school_day"
        )
        return Obligation("inform_parents", ("class_teacher",), ("parent",), deadline, days=arg)
    if what == "refer":
        return Refer("cooperation_group", f"{name}:risk", arg)
    if what == "tier":
        return Tier(arg)
    return ReviewBy(date.fromordinal(AS_OF.toordinal() + arg))


KINDS = {
    "allow": DecisionKind.MEASURE_ELIGIBILITY,
    "deny": DecisionKind.MEASURE_ELIGIBILITY,
    "days": DecisionKind.OBLIGATION,
    "same_school_day": DecisionKind.OBLIGATION,
    "refer": DecisionKind.REFERRAL,
    "tier": DecisionKind.RISK_TIER,
    "review": DecisionKind.REVIEW_SCHEDULE,
}


def returning(rule_id: str, what: str, arg: Any) -> Rule:
    """A rule of the plugin named by ``rule_id``'s namespace, always returning one outcome, on a
    legal basis of its own (so a tie broken by order would show in the decision)."""
    name = rule_id.split(".")[0]
    measures = (arg,) if what in ("allow", "deny") else None  # a verdict's rule declares it

    @rule(
        rule_id,
        kind=KINDS[what],
        legal_basis=law(f"Testa noteikumi {name}", rule_id),
        measures=measures,
    )
    def always(f: Facts, p: Params) -> Iterator[Outcome]:
        yield outcome(name, what, arg)

    return always


def rules_of(name: str, returns: Sequence[tuple[str, Any]]) -> list[Rule]:
    return [returning(f"{name}.law.r{i}", what, arg) for i, (what, arg) in enumerate(returns)]


def decide(
    spec: Spec, case: SupportCase, on: date, data: DataObject, measures: Sequence[str] = ()
) -> Decision:
    """The decision of the national baseline plus ``spec``'s plugins, registered in an order
    drawn from ``data``, each with its rules in an order drawn from ``data``, with verdicts asked
    on ``measures``."""
    order = data.draw(st.permutations(sorted(spec)), label="plugin order")
    plugins = [
        FixturePlugin(
            name, rules=data.draw(st.permutations(rules_of(name, spec[name])), label=name)
        )
        for name in order
    ]
    policy_set = registry(*plugins).policy_set(plugins=order)
    return complete(policy_set.evaluate(case, on, measures=measures))


def measures_of(spec: Spec) -> list[str]:
    """The measures the rules of ``spec`` judge, sorted."""
    return sorted({arg for returns in spec.values() for what, arg in returns if what in VERDICT})


@given(dated=dated_cases(), spec=specs(VERDICTS), data=st.data())
def test_deny_wins_whatever_the_registration_order(
    dated: tuple[SupportCase, date], spec: Spec, data: DataObject
) -> None:
    case, on = dated
    asked = measures_of(spec)
    decision = decide(spec, case, on, data, asked)
    verdicts = {v.measure: v for v in decision.measures}
    # a verdict on every measure asked for (every one is judged here), none of them suggested
    assert set(asked) <= set(verdicts)
    assert set(asked).isdisjoint(v.measure for v in decision.suggestions)

    for verdict in decision.measures + decision.suggestions:  # the baseline's included
        flags = [reason.eligible for reason in verdict.reasons]
        assert verdict.eligible is all(flags), verdict.measure
        assert flags == sorted(flags), f"{verdict.measure}: denials first"
    assert all(v.eligible for v in decision.suggestions), "a refused measure is never suggested"

    for name, returns in spec.items():
        for i, (what, measure) in enumerate(returns):
            verdict = verdicts[measure]
            reason = f"{name}:ok" if what == "allow" else f"{name}:no_budget"
            assert (f"{name}.law.r{i}", what == "allow", reason) in [
                (r.rule, r.eligible, r.reason) for r in verdict.reasons
            ]
            if what == "deny":
                assert verdict.eligible is False, f"{measure}: a denial lost"


@given(dated=dated_cases(), spec=specs(OUTCOMES), data=st.data())
def test_the_decision_does_not_depend_on_the_registration_order(
    dated: tuple[SupportCase, date], spec: Spec, data: DataObject
) -> None:
    case, on = dated
    first = decide(spec, case, on, data)
    again = decide(spec, case, on, data)
    assert again.model_dump_json() == first.model_dump_json()
