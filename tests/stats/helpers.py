"""Helpers of the statistics tests: an independent recount, quick synthetic batches, real batches
decided by the engine, and an attacker that tries to recover hidden cells.

The recount is a second implementation on purpose: plain dicts, one set of learner ids per cell,
the term computed by hand, nothing imported from ``atbalsts.stats``.
"""

from __future__ import annotations

import functools
import json
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from atbalsts import PolicyRegistry, SupportCase
from atbalsts.codes import RISK_FACTORS
from atbalsts.stats import MIN_LEARNERS, Table, count
from atbalsts.testing.conformance import sample_cases

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

Column = tuple[str, str | None]
Counts = dict[tuple[Any, ...], dict[Column, tuple[int, int]]]
TOTAL = ("<total>",)

WAITING = {"draft", "requested", "received", "ready", "on-hold"}


def term_of(day: date) -> str:
    if day.month >= 9:
        return f"{day.year}/{day.year + 1}/1"
    return f"{day.year - 1}/{day.year}/2"


def _grade(enrolment: Mapping[str, Any]) -> str | None:
    if enrolment["programme"] == "pre_school":
        return "pre_school"
    if enrolment["programme"] == "vocational":
        return f"vocational_{enrolment['vocational_course']}"
    return str(enrolment["grade"])


def recount(
    decisions: Iterable[Mapping[str, Any]],
    cases: Iterable[Mapping[str, Any]] | None = None,
    by: Sequence[str] = ("municipality",),
) -> Counts:
    """Learners and items per group and cell, counted from scratch; the total under ``TOTAL``.

    A learner decided twice in one term counts once (the first decision), as documented. The
    decisions come in the order of the cases (each finds the next case of its learner).
    """
    pending = iter(cases) if cases is not None else None
    ids: dict[tuple[Any, ...], dict[Column, set[str]]] = defaultdict(lambda: defaultdict(set))
    items: dict[tuple[Any, ...], dict[Column, int]] = defaultdict(lambda: defaultdict(int))
    seen: set[tuple[str, str]] = set()
    for d in decisions:
        if "learner_id" not in d:
            continue
        as_of = date.fromisoformat(d["as_of"])
        term = term_of(as_of)
        if (d["learner_id"], term) in seen:
            continue
        seen.add((d["learner_id"], term))
        case = None
        if pending is not None:  # the next case of this learner: decisions follow the cases
            case = next(c for c in pending if c["learner"]["id"] == d["learner_id"])
        enrolment = case["learner"]["enrolment"] if case else None
        values = {
            "municipality": enrolment["municipality"] if enrolment else d["policy"]["municipality"],
            "school": enrolment["school_id"] if enrolment else None,
            "grade": _grade(enrolment) if enrolment else None,
            "term": term,
        }
        key = tuple(values[dim] for dim in by)
        who = f"{d['learner_id']}@{term}"  # a learner in a term, as documented

        def put(
            metric: str, category: str | None, n: int = 0, key: Any = key, who: str = who
        ) -> None:
            for k in (key, TOTAL):
                ids[k][(metric, category)].add(who)
                items[k][(metric, category)] += n

        put("learners_decided", None)
        if not d["complete"]:
            put("incomplete_decisions", None)
        if d["findings"]:
            put("learners_with_findings", None)
        for finding in d["findings"]:
            put("findings_by_risk_group", finding["group"])
            put("findings_by_factor", finding["factor"])
        for obligation in d["obligations"]:
            put("obligations_by_action", obligation["action"], 1)
            put("obligations_by_state", obligation.get("state", "not_tracked"), 1)
        for referral in d["referrals"]:
            suggested = referral.get("suggestion", False)
            put(f"referrals_{'suggested' if suggested else 'due'}_by_recipient", referral["to"], 1)
        if case is None:
            continue
        for plan in case.get("plans", []):
            plan_term = f"{plan['term']['school_year']}/{plan['term']['semester']}"
            if plan_term != term:
                continue
            status = plan.get("status", "draft")
            put("plans_by_status", status, 1)
            if status in ("revoked", "entered-in-error"):
                continue
            for m in plan.get("measures", []):
                put("measures_planned_by_kind", m["measure"], 1)
                put("measures_planned_by_funder", m["funding"], 1)
                delivered = m.get("delivered")
                state = {None: "not_tracked", True: "delivered", False: "not_delivered"}
                put("measures_delivery", state[delivered], 1)
                if delivered:
                    put("measures_delivered_by_kind", m["measure"], 1)
                    put("measures_delivered_by_funder", m["funding"], 1)
        for r in case.get("referrals", []):
            status = r.get("status", "draft")
            if status == "entered-in-error" or date.fromisoformat(r["created_on"]) > as_of:
                continue
            put("referrals_by_recipient", r["referred_to"]["institution"], 1)
            put("referrals_by_status", status, 1)
            due = r.get("due")
            if due is not None and date.fromisoformat(due) < as_of and status in WAITING:
                put("referrals_overdue", None, 1)
    return {k: {c: (len(who), items[k][c]) for c, who in cells.items()} for k, cells in ids.items()}


def shown_cells(table: Table) -> Iterable[tuple[tuple[Any, ...], Column, int | None, int | None]]:
    """Every shown cell: (key or TOTAL, column, learners, items)."""
    for row in (*table.rows, table.total):
        key = row.key if row is not table.total else TOTAL
        for column, cell in row.cells.items():
            if not cell.suppressed:
                yield key, column, cell.learners, cell.items


def assert_matches(table: Table, expected: dict[Any, Any]) -> None:
    """Every shown cell equals the recount, every group of the recount is in the table, and
    every cell the recount finds with 1-4 learners is hidden."""
    keys = {row.key for row in table.rows}
    assert keys == {k for k in expected if k != TOTAL} or not table.by
    for key, column, learners, items in shown_cells(table):
        want = expected.get(key, {}).get(column, (0, 0))
        assert learners == want[0], (key, column)
        if items is not None:
            assert items == want[1], (key, column)
    for row in (*table.rows, table.total):
        key = TOTAL if row is table.total else row.key
        for column, (learners, _) in expected.get(key, {}).items():
            if 0 < learners < MIN_LEARNERS:
                assert row.cells[column].suppressed, (key, column)


# --- quick synthetic batches (no engine) -----------------------------------------------------

_FACTORS = [RISK_FACTORS[c] for c in ("low_achievement", "behaviour_problems", "paid_work")]
_FACTORS += [RISK_FACTORS[c] for c in ("unfavourable_family_environment", "health_problems")]
_DATES = (date(2024, 10, 1), date(2025, 2, 3), date(2025, 9, 15))


def _decision(rng: random.Random, learner: str, municipality: str, as_of: date) -> dict[str, Any]:
    findings = [
        {"factor": f.code, "group": f.group, "rule": "t.r", "evidence": []}
        for f in rng.sample(_FACTORS, rng.choice((0, 0, 1, 1, 2)))
    ]
    obligations = []
    for action in rng.sample(
        ["inform_parents", "record_in_viis", "report_threat"], rng.randint(0, 2)
    ):
        obligation: dict[str, Any] = {"action": action, "due": as_of.isoformat()}
        state = rng.choice([None, None, "open", "overdue", "done_on_time"])
        if state is not None:
            obligation["state"] = state
        obligations.append(obligation)
    referrals = [
        {"to": to} for to in rng.sample(["social_service", "orphans_court"], rng.randint(0, 1))
    ]
    return {
        "schema_version": "1.0",
        "learner_id": learner,
        "as_of": as_of.isoformat(),
        "policy": {"municipality": municipality},
        "complete": rng.random() > 0.1,
        "findings": findings,
        "tier": None,
        "obligations": obligations,
        "referrals": referrals,
    }


def _case(
    rng: random.Random, learner: str, municipality: str, school: str, as_of: date
) -> dict[str, Any]:
    def term(day: date) -> dict[str, Any]:
        year, _, semester = term_of(day).rpartition("/")
        return {"school_year": year, "semester": int(semester)}

    plans = []
    for i in range(rng.choice((0, 0, 1, 1, 2))):
        measures = []
        for _ in range(rng.randint(0, 2)):
            measure: dict[str, Any] = {
                "measure": rng.choice(["subject_consultation", "psychologist_consultation"]),
                "funding": rng.choice(["municipality", "state"]),
            }
            delivered = rng.choice([None, True, False])
            if delivered is not None:
                measure["delivered"] = delivered
            measures.append(measure)
        other_term = as_of - timedelta(days=200)
        plans.append(
            {
                "id": f"plan-{i}",
                "term": term(as_of if rng.random() > 0.2 else other_term),
                "status": rng.choice(["draft", "active", "active", "revoked"]),
                "measures": measures,
            }
        )
    referrals = []
    for i in range(rng.choice((0, 0, 1, 2))):
        created = as_of + timedelta(days=rng.randint(-40, 5))
        referral: dict[str, Any] = {
            "id": f"ref-{i}",
            "referred_to": {"institution": rng.choice(["social_service", "orphans_court"])},
            "status": rng.choice(["requested", "in-progress", "completed", "entered-in-error"]),
            "created_on": created.isoformat(),
        }
        if rng.random() > 0.3:
            referral["due"] = (created + timedelta(days=rng.randint(0, 30))).isoformat()
        referrals.append(referral)
    grade = rng.choice([3, 7, 9])
    return {
        "learner": {
            "id": learner,
            "enrolment": {
                "school_id": school,
                "municipality": municipality,
                "programme": "general_basic",
                "grade": grade,
            },
        },
        "plans": plans,
        "referrals": referrals,
    }


def synthetic_batch(seed: int, size: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``size`` learners' decisions (with a few ``invalid``, ``error`` and other records among
    them) and their cases, in the same order; a case may have no decision (it was invalid)."""
    rng = random.Random(seed)
    decisions: list[dict[str, Any]] = [{"rules": [], "kind": "header"}]
    cases: list[dict[str, Any]] = []
    for i in range(size):
        learner = f"L-{i:05d}"
        municipality = rng.choice(["bauska", "bauska", "ogre"])
        school = f"{municipality}-{rng.randint(1, 3)}"
        as_of = rng.choice(_DATES)
        case = _case(rng, learner, municipality, school, as_of)
        cases.append(case)
        roll = rng.random()
        if roll < 0.03:
            decisions.append({"line": i + 1, "invalid": [{"path": "x", "message": "bad"}]})
        elif roll < 0.05:
            decisions.append({"line": i + 1, "type": "PolicyError", "error": "conflict"})
        elif roll < 0.06:
            continue  # the batch wrote it to an error file: no record here at all
        else:
            decisions.append(_decision(rng, learner, municipality, as_of))
    decisions.append({"summary": {"evaluated": size}})
    return decisions, cases


def batches(
    max_size: int = 80,
) -> st.SearchStrategy[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Hypothesis: synthetic batches of 0 to ``max_size`` learners."""
    return st.builds(synthetic_batch, st.integers(0, 2**32), st.integers(0, max_size))


# --- real batches, decided by the engine -----------------------------------------------------


def decide(
    registry: PolicyRegistry, cases: Iterable[SupportCase], as_of: date
) -> list[dict[str, Any]]:
    """Each case decided on ``as_of``, as the Decision document ``atbalsts batch
    --self-contained`` writes (without its ``line``), parsed. The default batch output is read
    by :func:`batch_output`."""
    return [json.loads(registry.evaluate(case, as_of).model_dump_json()) for case in cases]


@functools.cache
def _registry() -> PolicyRegistry:
    return PolicyRegistry.load()


def batch_output(
    lines: Sequence[str], *, as_of: date | None = None, self_contained: bool = False
) -> list[str]:
    """The lines ``atbalsts batch`` writes for the input ``lines`` (in this process): by default
    with its ``rule_table`` records and decisions that name them by id."""
    from atbalsts.batch import iter_decisions

    records = iter_decisions(
        lines, as_of=as_of, registry=_registry(), self_contained=self_contained
    )
    return [record.text for record in records]


def clustered_cases(
    count: int, as_of: date, municipality: str, schools: int, seed: int = 0, tag: str = ""
) -> list[SupportCase]:
    """``count`` generated cases of ``municipality`` spread over a few schools, with ids unique
    across municipalities (and across calls of different ``tag``)."""
    out = []
    for i, case in enumerate(
        sample_cases(count, as_of=as_of, municipality=municipality, seed=seed)
    ):
        learner = f"{municipality}-{tag}{i:04d}"
        enrolment = case.learner.enrolment.model_copy(
            update={"school_id": f"{municipality.upper()}-{i % schools + 1:02d}"}
        )
        pupil = case.learner.model_copy(update={"id": learner, "enrolment": enrolment})
        update: dict[str, Any] = {"learner": pupil}
        for field in ("plans", "referrals", "consents"):
            update[field] = tuple(
                d.model_copy(update={"learner_id": learner}) for d in getattr(case, field)
            )
        out.append(case.model_copy(update=update))
    return out


def example_cases() -> list[tuple[SupportCase, date]]:
    """The bundled examples, each with the date of its latest observation (as the demo does)."""
    from atbalsts import parse_json

    out = []
    for path in sorted(EXAMPLES.glob("*.json")):
        case = parse_json(SupportCase, path.read_text(encoding="utf-8"), name=path.name)
        as_of = max(o.as_of for o in case.observations)
        out.append((case, as_of))
    return out


def as_json(case: SupportCase) -> dict[str, Any]:
    return json.loads(case.model_dump_json())


# --- an attacker -------------------------------------------------------------------------------

FAMILY_PARTS = (
    ("obligations_by_action", "obligations_by_state"),
    ("plans_by_status",),
    ("measures_planned_by_kind", "measures_planned_by_funder", "measures_delivery"),
    ("measures_delivered_by_kind", "measures_delivered_by_funder"),
    ("referrals_by_recipient", "referrals_by_status"),
    ("referrals_due_by_recipient",),
    ("referrals_suggested_by_recipient",),
)
EQUAL_TO_WHOLE = (
    (("learners_with_findings", None), ("findings_by_risk_group", "findings_by_factor")),
    (None, FAMILY_PARTS[0]),
    (None, FAMILY_PARTS[2]),
    (("measures_delivery", "delivered"), FAMILY_PARTS[3]),
    (None, FAMILY_PARTS[4]),
)


def _equalities(
    columns: list[Column], by_metric: Mapping[str, list[Column]]
) -> list[tuple[Column | None, list[list[Column]]]]:
    """(whole, the cells of each part) of every relation "a part with one category met equals the
    whole", the risk groups split by their factors included."""
    out: list[tuple[Column | None, list[list[Column]]]] = [
        (whole, [list(by_metric.get(part, [])) for part in parts])
        for whole, parts in EQUAL_TO_WHOLE
    ]
    for column in by_metric.get("findings_by_risk_group", []):
        factors = [
            c
            for c in by_metric.get("findings_by_factor", [])
            if c[1] in RISK_FACTORS and RISK_FACTORS[str(c[1])].group == column[1]
        ]
        out.append((column, [factors]))
    return out


def attack(table: Table) -> dict[tuple[int, Column], int]:
    """Learner counts of hidden cells recovered from what the table shows, by the relations a
    reader can use: a column's groups add up to its total; a group's learners decided minus a
    cell; the items of a breakdown add up to those of another breakdown of the same things; a
    breakdown with one category met (the others shown as zero) equals the family's whole.
    Returns what was recovered (row index, ``len(rows)`` for the total)."""
    rows = [*table.rows, table.total]
    known: dict[tuple[int, Column], int] = {}
    known_items: dict[tuple[int, Column], int] = {}
    for r, row in enumerate(rows):
        for column, cell in row.cells.items():
            if not cell.suppressed:
                assert cell.learners is not None
                known[(r, column)] = cell.learners
                if cell.items is not None:
                    known_items[(r, column)] = cell.items
    columns = list(table.columns)
    by_metric: dict[str, list[Column]] = defaultdict(list)
    for column in columns:
        by_metric[column[0]].append(column)
    recovered: dict[tuple[int, Column], int] = {}

    def learn(spot: tuple[int, Column], value: int) -> bool:
        if spot in known:
            return False
        known[spot] = value
        recovered[spot] = value
        return True

    changed = True
    while changed:
        changed = False
        if table.by:
            total = len(rows) - 1
            for column in columns:
                spots = [(r, column) for r in range(len(rows))]
                unknown = [s for s in spots if s not in known]
                if len(unknown) == 1:
                    ((r, _),) = unknown
                    rest = sum(known[(q, column)] for q in range(total) if q != r)
                    value = known[(total, column)] - rest if r != total else rest
                    changed |= learn(unknown[0], value)
        for r in range(len(rows)):
            # Equal to the whole: a breakdown whose other categories are shown as zero.
            for whole, cells_of_parts in _equalities(columns, by_metric):
                members: list[tuple[int, Column]] = []
                if whole is not None and whole in columns:
                    members.append((r, whole))
                for part_cells in cells_of_parts:
                    cells = [(r, c) for c in part_cells]
                    nonzero = [s for s in cells if known.get(s) != 0]
                    if len(nonzero) == 1:
                        members.append(nonzero[0])
                values = {known[s] for s in members if s in known}
                if len(values) == 1:
                    (value,) = values
                    for s in members:
                        changed |= learn(s, value)
            # The items of one breakdown are the items of another: learners of a cell whose
            # items come out as 1 number 1.
            for parts in FAMILY_PARTS:
                sums = []
                for part in parts:
                    cells = [(r, c) for c in by_metric.get(part, [])]
                    if cells and all(s in known_items for s in cells):
                        sums.append(sum(known_items[s] for s in cells))
                if not sums:
                    continue
                for part in parts:
                    cells = [(r, c) for c in by_metric.get(part, [])]
                    unknown = [s for s in cells if s not in known_items]
                    if len(unknown) == 1:
                        value = sums[0] - sum(known_items[s] for s in cells if s in known_items)
                        known_items[unknown[0]] = value
                        if value in (0, 1):  # items 0 or 1: the learners are the same number
                            changed |= learn(unknown[0], value)
    return recovered


def always_shown(table: Table) -> set[Column]:
    """The columns a table of this grouping shows whatever was counted: those of a table that
    counted no learner (for decisions whose stamps name no plugin, as generated here). A reader
    who knows the rule knows them; any other column is there because some learner has its
    category."""
    return set(count([], [] if table.cases else None, table.by).columns)


def told_by_columns(table: Table) -> set[tuple[int, Column]]:
    """The hidden group cells a reader learns to be at least 1 from their column being there at
    all: a column that only a category someone has gets, whose total is hidden, whose other
    groups all show 0 but one hidden cell (that cell holds the whole total, at least 1). In a
    small group it tells that one of its 1 to 4 learners has the category. (Row index, column.)"""
    if not table.by:
        return set()
    rows = [*table.rows, table.total]
    out = set()
    for column in set(table.columns) - always_shown(table):
        if not table.total.cells[column].suppressed:
            continue
        cells = [rows[r].cells[column] for r in range(len(table.rows))]
        hidden = [r for r, cell in enumerate(cells) if cell.suppressed]
        if len(hidden) == 1 and all(c.learners == 0 for c in cells if not c.suppressed):
            out.add((hidden[0], column))
    return out
