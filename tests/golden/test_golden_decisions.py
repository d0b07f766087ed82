"""Decisions pinned byte for byte: every bundled example, trace on, as JSON.

The golden files were produced by the engine before its evaluation module was split into running,
combining and assembling; a refactoring of the engine must leave every one of them unchanged. Two
registries are pinned: the installed plugins (what ``atbalsts evaluate`` shows) and the national
baseline plus :class:`GoldenPlugin`, whose rules hit every decision kind's hit policy and every
kind of rule failure.

When a deliberate change alters decisions (a national rule, a legal basis, a message), regenerate
and review the diff::

    ATBALSTS_UPDATE_GOLDEN=1 .venv/bin/pytest -q -p no:cacheprovider tests/golden
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from atbalsts import hookimpl
from atbalsts.codes import Code
from atbalsts.engine import PluginSource, PolicyRegistry
from atbalsts.errors import UndeclaredMeasuresWarning
from atbalsts.model import Decision, SupportCase
from atbalsts.policy import (
    Allow,
    BasisKind,
    CodeRegistrar,
    DecisionKind,
    Deny,
    Facts,
    Finding,
    Issue,
    LegalBasis,
    Obligation,
    Params,
    PolicyRegistrar,
    Refer,
    ReviewBy,
    Rule,
    Tier,
    rule,
)
from atbalsts.policy.baseline import BOARD_NOTICE_DAYS, UNJUSTIFIED_LESSONS_LIMIT

HERE = Path(__file__).parent
EXAMPLES = sorted((HERE.parent.parent / "examples").glob("*.json"))
UPDATE = os.environ.get("ATBALSTS_UPDATE_GOLDEN") == "1"
#: Versions are stamped on every decision; a release must not break the pins.
VERSION = "<version>"

GOLDEN = LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="Golden-file test policy, not law.")
K = DecisionKind


def _rule(rule_id: str, kind: DecisionKind, **kwargs: Any) -> Callable[[Any], Rule]:
    return rule(rule_id, kind=kind, legal_basis=GOLDEN, **kwargs)


@_rule("golden.risk.motivation", K.RISK_FINDING, reads=("unjustified_lessons",))
def motivation(f: Facts, p: Params) -> Finding | None:
    if f.unjustified_lessons > 0:
        return Finding("lack_of_motivation", ("unjustified_lessons", "failing_subjects"))
    return None


@_rule("golden.risk.absences", K.RISK_FINDING, reads=("unjustified_lessons", "absence_episodes"))
def absences(f: Facts, p: Params) -> Finding | None:
    """The national factor found again, with a value of its own: one finding, two sources."""
    if f.unjustified_lessons > 0:
        counted = f.unjustified_lessons + len(f.absence_episodes)
        return Finding("unjustified_absences", ("unjustified_lessons",), {"golden_count": counted})
    return None


@_rule("golden.risk.boom", K.RISK_FINDING)
def risk_boom(f: Facts, p: Params) -> Finding:
    raise ValueError("golden failure")


@_rule("golden.risk.generator", K.RISK_FINDING)
def risk_generator(f: Facts, p: Params) -> Iterator[Finding]:
    yield Finding("lack_of_motivation")
    raise KeyError("half way")


@_rule(
    "golden.tier.groups",
    K.RISK_TIER,
    reads=("risk_groups", "risk_factors", "absence_rate", "vocational_course", "observed_on"),
)
def tier_groups(f: Facts, p: Params) -> Tier:
    return Tier(min(3, 1 + len(f.risk_groups)))


@_rule("golden.tier.two", K.RISK_TIER)
def tier_two(f: Facts, p: Params) -> Tier:
    return Tier(2)


@_rule(
    "golden.absence.days", K.OBLIGATION, params=(BOARD_NOTICE_DAYS,), valid_from=date(2011, 2, 1)
)
def notify_days(f: Facts, p: Params) -> Obligation:
    days = p.integer(BOARD_NOTICE_DAYS)
    roles = ("class_teacher",)
    return Obligation(
        "golden:notify", roles, ("parent",), "days", days, None, False, BOARD_NOTICE_DAYS
    )


@_rule("golden.absence.same_day", K.OBLIGATION, reads=("absent_today_reason_unknown",))
def notify_same_day(f: Facts, p: Params) -> list[Obligation]:
    return [
        Obligation("golden:notify", ("social_pedagogue",), ("parent",), "same_day"),
        Obligation(
            "golden:notify",
            ("class_teacher",),
            ("orphans_court", "state_police"),
            "date",
            due=date(2026, 1, 5),
            any_recipient=True,
        ),
    ]


@_rule(
    "golden.absence.board",
    K.OBLIGATION,
    reads=("unjustified_lessons",),
    params=(UNJUSTIFIED_LESSONS_LIMIT,),
    valid_from=date(2011, 2, 1),
)
def board(f: Facts, p: Params) -> Obligation | None:
    """The national board notice again, sooner: one obligation, both sources, the national basis."""
    limit = p.integer(UNJUSTIFIED_LESSONS_LIMIT)
    if f.unjustified_lessons > limit:
        return Obligation(
            "inform_municipal_education_board",
            ("social_pedagogue",),
            ("municipal_education_board",),
            "days",
            days=3,
            detail={"over_by": f.unjustified_lessons - limit},
        )
    return None


@_rule("golden.absence.malformed", K.OBLIGATION)
def malformed(f: Facts, p: Params) -> Obligation:
    return Obligation("golden:notify", "class_teacher")  # type: ignore[arg-type]


@_rule("golden.absence.wrong_type", K.OBLIGATION)
def wrong_type(f: Facts, p: Params) -> Any:
    return Refer("social_service", "golden:reason")


@_rule("golden.referral.routine", K.REFERRAL)
def refer_routine(f: Facts, p: Params) -> Refer:
    return Refer("social_service", "golden:reason", "routine", date(2026, 6, 1))


@_rule("golden.referral.urgent", K.REFERRAL, reads=("risk_groups",))
def refer_urgent(f: Facts, p: Params) -> Refer | None:
    if f.risk_groups:
        return Refer("social_service", "golden:urgent", "urgent", date(2026, 5, 1))
    return None


@_rule("golden.referral.unknown", K.REFERRAL)
def refer_unknown(f: Facts, p: Params) -> Refer:
    return Refer("nowhere", "golden:reason")


@_rule("golden.measure.verdicts", K.MEASURE_ELIGIBILITY, reads=("age",))
def verdicts(f: Facts, p: Params) -> list[Any]:
    return [
        Deny("mentor_support", "golden:no_budget", budget=0, age=f.age),
        Allow("mentor_support", "golden:ok"),
        Allow("transport_compensation", "golden:ok", note="x"),
        Deny("meals_compensation", "golden:no_staff"),
    ]


@_rule("golden.plan.check", K.PLAN_CHECK, reads=("plan", "plan_measures", "absence_episodes"))
def plan_check(f: Facts, p: Params) -> Issue | None:
    if f.plan is None:
        return None
    return Issue.of("golden:check", "measures", count=len(f.plan_measures), flag=True)


@_rule("golden.review.early", K.REVIEW_SCHEDULE)
def review_early(f: Facts, p: Params) -> ReviewBy:
    return ReviewBy(date(2026, 4, 1))


@_rule("golden.review.late", K.REVIEW_SCHEDULE)
def review_late(f: Facts, p: Params) -> ReviewBy:
    return ReviewBy(date(2026, 5, 29))


GOLDEN_RULES: tuple[Rule, ...] = (
    motivation,
    absences,
    board,
    risk_boom,
    risk_generator,
    tier_groups,
    tier_two,
    notify_days,
    notify_same_day,
    malformed,
    wrong_type,
    refer_routine,
    refer_urgent,
    refer_unknown,
    verdicts,
    plan_check,
    review_early,
    review_late,
)


class GoldenPlugin:
    """A plugin for every municipality whose rules exercise every hit policy and failure."""

    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy("golden", title="Golden-file test policy")
        registrar.rules(GOLDEN_RULES)

    @hookimpl
    def atbalsts_register_codes(self, registrar: CodeRegistrar) -> None:
        reasons = ("check", "no_budget", "no_staff", "ok", "reason", "urgent")
        registrar.add("reasons", *(Code(f"golden:{r}", f"Tests {r}", f"Test {r}") for r in reasons))
        registrar.add("actions", Code("golden:notify", "Paziņot", "Notify"))


def _golden() -> PolicyRegistry:
    """The baseline and the golden plugin, whose verdict rule declares no measures (as rules did
    before they could, pinned as they decided then): loading it warns, and decides the same."""
    with pytest.warns(UndeclaredMeasuresWarning, match=r"'golden\.measure\.verdicts'"):
        return PolicyRegistry.load(
            [PluginSource("golden", GoldenPlugin(), "atbalsts-golden", "1.0")], entry_points=False
        )


REGISTRIES = {
    "installed": lambda: PolicyRegistry.load(env={}),
    "golden": _golden,
}


def _cases() -> list[tuple[str, str, Path, date]]:
    out = []
    for path in EXAMPLES:
        case = SupportCase.model_validate_json(path.read_text(encoding="utf-8"))
        for day in sorted({o.as_of for o in case.observations}):
            for name in REGISTRIES:
                out.append((name, path.stem, path, day))
    return out


CASES = _cases()
_LOADED: dict[str, PolicyRegistry] = {}


def _registry(name: str) -> PolicyRegistry:
    if name not in _LOADED:
        _LOADED[name] = REGISTRIES[name]()
    return _LOADED[name]


def _document(decision: Decision) -> str:
    plugins = tuple(p.model_copy(update={"version": VERSION}) for p in decision.policy.plugins)
    policy = decision.policy.model_copy(update={"engine_version": VERSION, "plugins": plugins})
    return decision.model_copy(update={"policy": policy}).model_dump_json(indent=2) + "\n"


def test_every_example_is_pinned() -> None:
    assert len(EXAMPLES) >= 9
    expected = {f"{n}/{stem}@{day}.json" for n, stem, _, day in CASES}
    stored = {f"{p.parent.name}/{p.name}" for p in HERE.glob("*/*.json")}
    assert stored == expected or UPDATE


@pytest.mark.parametrize(
    ("registry", "path", "day"),
    [(n, p, d) for n, _, p, d in CASES],
    ids=[f"{n}/{s}@{d}" for n, s, _, d in CASES],
)
def test_decision_is_byte_identical_to_its_golden_file(
    registry: str, path: Path, day: date
) -> None:
    case = SupportCase.model_validate_json(path.read_text(encoding="utf-8"))
    reg = _registry(registry)
    decision = reg.evaluate(case, day)
    text = _document(decision)
    golden = HERE / registry / f"{path.stem}@{day}.json"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: see this module's docstring"
    assert text == golden.read_text(encoding="utf-8"), (
        f"{golden.name} changed: if deliberate, regenerate (see this module's docstring)"
    )
    # the same evaluation without the document, built again, gives the same bytes
    assert _document(reg.evaluate(case, day)) == text
