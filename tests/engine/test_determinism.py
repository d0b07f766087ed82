"""Determinism: the same case, date and policy give byte-identical Decision JSON, whatever order
plugins (and their rules) were registered in; the stamp's content hash follows the content."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from types import ModuleType

from hypothesis import given, settings
from hypothesis import strategies as st

from atbalsts.codes import MEASURES
from atbalsts.model import SupportCase
from atbalsts.policy import (
    Allow,
    DecisionKind,
    Deny,
    Facts,
    Finding,
    Issue,
    Obligation,
    Params,
    Refer,
    ReviewBy,
    Rule,
    Tier,
    Verdict,
    rule,
)

from .fixtures import (
    AS_OF,
    BAUSKA_RULES,
    BAUSKA_VALUES,
    CESIS_RULES,
    FIXTURE_RULES,
    LESSONS_LIMIT,
    RECORD_IN_VIIS,
    FixturePlugin,
    make_case,
    parameters,
    registry,
    value,
)

ats: ModuleType | None
try:
    from atbalsts.testing import strategies as ats
except ImportError:  # pragma: no cover - the public strategies are optional here
    ats = None


# --- fixture plugins that overlap on every decision kind ---


@rule(
    "bauska.absence.viis",
    kind=DecisionKind.OBLIGATION,
    legal_basis=BAUSKA_RULES,
    reads=("unjustified_lessons",),
    params=(LESSONS_LIMIT,),
    valid_from=date(2020, 1, 1),
    overrides=RECORD_IN_VIIS,
)
def bauska_viis(f: Facts, p: Params) -> Obligation | None:
    if f.unjustified_lessons > p[LESSONS_LIMIT]:
        return Obligation("record_in_viis", ("school_director",), ("viis",), "days", days=1)
    return None


@rule(
    "bauska.absence.board",
    kind=DecisionKind.OBLIGATION,
    legal_basis=BAUSKA_RULES,
    reads=("unjustified_lessons",),
)
def bauska_board(f: Facts, p: Params) -> Obligation | None:
    if f.unjustified_lessons > 3:
        return Obligation(
            "inform_municipal_education_board",
            ("school_director",),
            ("municipal_education_board",),
            "days",
            days=5,
        )
    return None


@rule("extra.risk.any", kind=DecisionKind.RISK_FINDING, legal_basis=FIXTURE_RULES)
def extra_finding(f: Facts, p: Params) -> Iterator[Finding]:
    yield Finding("lack_of_motivation", ("staff_factors",))
    if f.unjustified_lessons:
        yield Finding("unjustified_absences", ("unjustified_lessons",))


@rule(
    "extra.measure.every",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=FIXTURE_RULES,
    reads=("plan_measures",),
    measures=tuple(MEASURES.codes()),  # a plan may name any national measure
)
def extra_verdicts(f: Facts, p: Params) -> Iterator[Verdict]:
    for measure in sorted(f.plan_measures):
        yield Allow(measure, "extra:allowed", planned=measure)
    yield Deny("librarian_support", "extra:no_budget")
    yield Allow("librarian_support", "extra:allowed")


@rule(
    "extra.referral.group",
    kind=DecisionKind.REFERRAL,
    legal_basis=FIXTURE_RULES,
    reads=("risk_groups",),
)
def extra_referral(f: Facts, p: Params) -> Refer | None:
    if f.risk_groups:
        return Refer("cooperation_group", "extra:risk", "routine")
    return None


@rule("extra.tier.one", kind=DecisionKind.RISK_TIER, legal_basis=FIXTURE_RULES)
def extra_tier(f: Facts, p: Params) -> Tier:
    return Tier(1)


@rule("more.tier.by_groups", kind=DecisionKind.RISK_TIER, legal_basis=CESIS_RULES)
def more_tier(f: Facts, p: Params) -> Tier:
    return Tier(min(3, 1 + len(f.risk_groups)))


@rule(
    "more.referral.group",
    kind=DecisionKind.REFERRAL,
    legal_basis=CESIS_RULES,
    reads=("unjustified_lessons",),
)
def more_referral(f: Facts, p: Params) -> Refer:
    if f.unjustified_lessons > 5:
        return Refer("cooperation_group", "more:absence", "urgent", due=f.as_of)
    return Refer("cooperation_group", "more:absence", "routine", due=f.as_of)


@rule("more.review.soon", kind=DecisionKind.REVIEW_SCHEDULE, legal_basis=CESIS_RULES)
def more_review(f: Facts, p: Params) -> ReviewBy | None:
    return ReviewBy(f.plan.period.end) if f.plan is not None else None


@rule("more.plan.issue", kind=DecisionKind.PLAN_CHECK, legal_basis=CESIS_RULES)
def more_issue(f: Facts, p: Params) -> Iterator[Issue]:
    if f.plan is not None:
        yield Issue.of("more:check", "goals", count=len(f.plan.goals))
        yield Issue.of("more:check", "goals", count=-1)


@rule("more.absence.broken", kind=DecisionKind.OBLIGATION, legal_basis=CESIS_RULES)
def more_broken(f: Facts, p: Params) -> Obligation:
    raise RuntimeError("always fails")


EXTRA_RULES: tuple[Rule, ...] = (extra_finding, extra_verdicts, extra_referral, extra_tier)


def plugins(extra_rules: tuple[Rule, ...] = EXTRA_RULES, limit: int = 10) -> list[FixturePlugin]:
    bauska_params = parameters(
        "bauska", {"id": LESSONS_LIMIT, "values": [value(date(2020, 1, 1), limit, BAUSKA_VALUES)]}
    )
    return [
        FixturePlugin(
            "bauska",
            municipality="bauska",
            rules=[bauska_viis, bauska_board],
            params=bauska_params,
        ),
        FixturePlugin("extra", rules=extra_rules),
        FixturePlugin(
            "more", rules=[more_tier, more_referral, more_review, more_issue, more_broken]
        ),
        FixturePlugin("broken-a", fail=RuntimeError("cannot register")),
        FixturePlugin("broken-b", declare=False),
    ]


BASELINE = registry(*plugins())


def busy_case() -> SupportCase:
    return make_case(
        unjustified_lessons=12,
        absent_today=True,
        plan_measures=("subject_consultation", "librarian_support", "mentor_support"),
    )


# --- byte-identical decisions ---


def test_the_same_input_gives_byte_identical_json() -> None:
    case = busy_case()
    first = BASELINE.evaluate(case, AS_OF).model_dump_json()
    second = BASELINE.evaluate(case, AS_OF).model_dump_json()
    assert first == second
    # the fixture plugins really take part: every kind of outcome is there
    decision = BASELINE.evaluate(case, AS_OF)
    assert decision.tier is not None
    assert decision.review_due is not None
    assert decision.referrals
    assert decision.plan_issues
    assert [(f.plugin, f.rule, f.stage) for f in decision.failures] == [
        ("broken-a", None, "register"),
        ("broken-b", None, "register"),
        ("more", "more.absence.broken", "evaluate"),
    ]
    assert not decision.complete


def test_a_new_registry_gives_the_same_json_and_hash() -> None:
    case = busy_case()
    again = registry(*plugins())
    old = BASELINE.evaluate(case, AS_OF)
    new = again.evaluate(case, AS_OF)
    assert new.model_dump_json() == old.model_dump_json()
    assert new.policy.content_hash == old.policy.content_hash
    assert (
        again.policy_set("bauska").at(AS_OF).stamp == BASELINE.policy_set("bauska").at(AS_OF).stamp
    )


def test_the_content_hash_follows_parameter_values() -> None:
    ten = registry(*plugins(limit=10)).policy_set("bauska").at(AS_OF).stamp.content_hash
    twelve = registry(*plugins(limit=12)).policy_set("bauska").at(AS_OF).stamp.content_hash
    ten_again = registry(*plugins(limit=10)).policy_set("bauska").at(AS_OF).stamp.content_hash
    assert ten != twelve
    assert ten == ten_again


def test_the_content_hash_follows_the_rules_in_force() -> None:
    reg = registry(*plugins())
    national_only = reg.policy_set("ogre").at(AS_OF).stamp.content_hash
    bauska = reg.policy_set("bauska").at(AS_OF).stamp.content_hash
    fewer = registry(*plugins(extra_rules=EXTRA_RULES[:-1])).policy_set("bauska").at(AS_OF)
    assert national_only != bauska
    assert fewer.stamp.content_hash != bauska


# --- order independence ---


def _cases() -> st.SearchStrategy[tuple[date, SupportCase]]:
    days = st.dates(date(2024, 7, 1), date(2025, 12, 31))
    if ats is not None:
        return days.flatmap(
            lambda day: st.tuples(
                st.just(day), ats.support_cases(municipality="bauska", as_of=day, max_items=2)
            )
        )
    return st.tuples(
        st.just(AS_OF),
        st.builds(
            make_case,
            unjustified_lessons=st.integers(0, 40),
            absent_today=st.booleans(),
            plan_measures=st.lists(
                st.sampled_from(["subject_consultation", "librarian_support", "mentor_support"]),
                unique=True,
            ),
        ),
    )


@settings(max_examples=25)
@given(
    order=st.permutations(range(len(plugins()))),
    rule_order=st.permutations(EXTRA_RULES),
    dated_case=_cases(),
)
def test_registration_order_decides_nothing(
    order: list[int], rule_order: list[Rule], dated_case: tuple[date, SupportCase]
) -> None:
    day, case = dated_case
    expected = BASELINE.evaluate(case, day).model_dump_json()

    shuffled = plugins(extra_rules=tuple(rule_order))
    reg = registry(*[shuffled[i] for i in order])

    assert reg.evaluate(case, day).model_dump_json() == expected
