"""Scenario files: a case, a date and the decision expected, written in TOML.

A scenario file is named ``*.scenarios.toml``. The national suite (``tests/scenarios/national``)
and municipal plugins use the same format; the pytest plugin :mod:`atbalsts.testing.pytest_plugin`
collects and runs every such file. The format is documented in the reference page "Scenario
files"; in short::

    [defaults]
    as_of = 2025-03-03
    [defaults.case]            # a SupportCase; each scenario's case is deep-merged onto it
    ...

    [[scenario]]
    name = "grade 7, 21 unjustified lessons"
    [scenario.case]            # tables merge key by key, arrays replace
    ...
    [scenario.expect]          # every key optional; what is given is checked
    obligations = ["inform_municipal_education_board", "record_in_viis"]
    fired = ["lv.absence.inform_board"]

Use it from Python::

    from atbalsts.engine import PolicyRegistry
    from atbalsts.testing.scenarios import check, load_scenarios, run_scenario

    registry = PolicyRegistry.load()
    for scenario in load_scenarios("tests/scenarios/bauska.scenarios.toml"):
        problems = check(run_scenario(registry, scenario), scenario)
        assert not problems, problems

Every loading problem raises :class:`~atbalsts.DocumentError` naming the file, the scenario and the
failing path.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import Any

import attrs

from atbalsts.engine import PolicyRegistry, PolicySet
from atbalsts.errors import DocumentError, FieldError
from atbalsts.model import Decision, MeasureVerdict, SupportCase, parse_python

__all__ = [
    "EXPECT_KEYS",
    "SUFFIX",
    "Expect",
    "ExpectedObligation",
    "Scenario",
    "check",
    "deep_merge",
    "load_scenarios",
    "policy_set_for",
    "run_scenario",
]

#: The file-name ending the pytest plugin collects.
SUFFIX = ".scenarios.toml"

_TOP_KEYS = frozenset({"defaults", "scenario"})
_DEFAULT_KEYS = frozenset({"as_of", "municipality", "case"})
_SCENARIO_KEYS = frozenset({"name", "as_of", "municipality", "case", "expect", "xfail"})
_SET_KEYS = ("findings", "obligations", "referrals", "plan_issues")
_LIST_KEYS = ("eligible", "ineligible", "fired", "not_fired")
#: Every key allowed in a scenario's ``expect`` table.
EXPECT_KEYS = frozenset({"complete", *_SET_KEYS, *_LIST_KEYS, "obligation"})
_OBLIGATION_KEYS = frozenset({"action", "recipients", "due"})
_MUNICIPALITY = re.compile(r"^[a-z][a-z0-9_-]*$")
_HEADER = re.compile(r"^\s*\[\[\s*scenario\s*\]\]\s*(#.*)?$")


@attrs.frozen
class ExpectedObligation:
    """A detailed check of one obligation (an ``[[scenario.expect.obligation]]`` table).

    Some obligation with this ``action`` must exist whose recipients include every one of
    ``recipients`` and, when ``due`` is given, whose due date is exactly ``due``.
    """

    action: str
    recipients: tuple[str, ...] = ()
    due: date | None = None


@attrs.frozen
class Expect:
    """What a scenario expects of the decision. ``None`` (or an empty tuple for the subset
    checks) means "not checked"."""

    complete: bool = True
    """The decision's ``complete`` flag. True unless the scenario says otherwise: a scenario never
    passes while a plugin or rule fails without saying so."""
    findings: tuple[str, ...] | None = None
    """Exactly these finding factor codes."""
    obligations: tuple[str, ...] | None = None
    """Exactly these obligation actions."""
    referrals: tuple[str, ...] | None = None
    """Exactly these referral recipients (``to``)."""
    plan_issues: tuple[str, ...] | None = None
    """Exactly these plan-issue reasons."""
    eligible: tuple[str, ...] = ()
    """Each of these measures has a verdict with ``eligible = true``."""
    ineligible: tuple[str, ...] = ()
    """Each of these measures has a verdict with ``eligible = false``."""
    fired: tuple[str, ...] = ()
    """Each of these rules fired."""
    not_fired: tuple[str, ...] = ()
    """None of these rules fired."""
    obligation: tuple[ExpectedObligation, ...] = ()
    """Detailed obligation checks."""


@attrs.frozen
class Scenario:
    """One scenario of a file: the merged case, the date, the policy set and the expectations."""

    file: Path
    """The file it was read from."""
    name: str
    """Its name, unique in the file (the pytest item name)."""
    as_of: date
    """The evaluation date."""
    municipality: str | None
    """Evaluate under this municipality's policy set; ``None``: the learner's municipality."""
    case: SupportCase
    """The support case (defaults merged with the scenario's own case)."""
    expect: Expect
    """What the decision must show."""
    line: int | None = None
    """Line of its ``[[scenario]]`` header in the file, when it can be found."""
    xfail: str | None = None
    """Why the scenario is expected to fail (a known bug, with the issue that tracks it); the
    pytest plugin marks it ``xfail(strict=True)``, so it fails again once the bug is fixed."""

    @property
    def policy_municipality(self) -> str:
        """The municipality whose policy set decides: the scenario's, else the learner's."""
        return self.municipality or self.case.learner.enrolment.municipality


# --- loading -------------------------------------------------------------------------------------


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` merged onto ``base``: tables (mappings) merge key by key, recursively; any
    other value, arrays included, replaces the value in ``base``. Neither input is changed."""
    out: dict[str, Any] = dict(base)
    for key, value in override.items():
        old = out.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = deep_merge(old, value)
        else:
            out[key] = value
    return out


class _Problems:
    """Collects the problems of one file, then raises them together."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str, kind: str) -> None:
        self.errors.append(FieldError(path=path, message=message, kind=kind))

    def unknown(self, table: Mapping[str, Any], allowed: Collection[str], path: str) -> None:
        for key in table:
            if key not in allowed:
                self.add(
                    f"{path}.{key}" if path else key,
                    f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}",
                    "unknown_key",
                )

    def raise_if_any(self) -> None:
        if self.errors:
            raise DocumentError(f"scenario file {self.file}", self.errors)


def _date(value: object, path: str, problems: _Problems) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    problems.add(path, f"must be a TOML date such as 2025-03-03, not {value!r}", "date_type")
    return None


def _municipality(value: object, path: str, problems: _Problems) -> str | None:
    if isinstance(value, str) and _MUNICIPALITY.match(value):
        return value
    problems.add(
        path, f"must be a municipality slug such as 'bauska', not {value!r}", "municipality"
    )
    return None


def _strings(value: object, path: str, problems: _Problems) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    problems.add(path, f"must be an array of non-empty strings, not {value!r}", "string_array")
    return None


def _obligation(table: object, path: str, problems: _Problems) -> ExpectedObligation | None:
    if not isinstance(table, dict):
        problems.add(path, "must be a table with at least 'action'", "table_type")
        return None
    problems.unknown(table, _OBLIGATION_KEYS, path)
    action = table.get("action")
    if not isinstance(action, str) or not action:
        problems.add(f"{path}.action", "is required: the obligation's action code", "missing")
        return None
    recipients: tuple[str, ...] | None = ()
    if "recipients" in table:
        recipients = _strings(table["recipients"], f"{path}.recipients", problems)
    due = _date(table["due"], f"{path}.due", problems) if "due" in table else None
    if recipients is None:
        return None
    return ExpectedObligation(action=action, recipients=recipients, due=due)


def _expect(table: object, path: str, problems: _Problems) -> Expect:
    if table is None:
        return Expect()
    if not isinstance(table, dict):
        problems.add(path, "must be a table", "table_type")
        return Expect()
    problems.unknown(table, EXPECT_KEYS, path)
    values: dict[str, Any] = {}
    if "complete" in table:
        if isinstance(table["complete"], bool):
            values["complete"] = table["complete"]
        else:
            problems.add(f"{path}.complete", "must be true or false", "bool_type")
    for key in (*_SET_KEYS, *_LIST_KEYS):
        if key in table:
            found = _strings(table[key], f"{path}.{key}", problems)
            if found is not None:
                values[key] = found
    for a, b in (("eligible", "ineligible"), ("fired", "not_fired")):
        both = sorted(set(values.get(a, ())) & set(values.get(b, ())))
        if both:
            problems.add(path, f"{', '.join(both)} listed in both {a} and {b}", "contradiction")
    if "obligation" in table:
        tables = table["obligation"]
        if not isinstance(tables, list):
            problems.add(f"{path}.obligation", "must be an array of tables", "array_type")
        else:
            checks = [
                _obligation(t, f"{path}.obligation[{i}]", problems) for i, t in enumerate(tables)
            ]
            values["obligation"] = tuple(c for c in checks if c is not None)
    return Expect(**values)


def _header_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if _HEADER.match(line)]


def load_scenarios(path: str | PathLike[str]) -> list[Scenario]:
    """Read and validate the scenarios of one ``*.scenarios.toml`` file.

    Each scenario's case is its ``case`` table deep-merged onto ``defaults.case`` (see
    :func:`deep_merge`) and parsed as a :class:`~atbalsts.SupportCase`.

    Raises :class:`~atbalsts.DocumentError`: for a file that is not TOML, unknown keys (outside the
    case), a missing or duplicate name, a missing ``as_of``, a value of the wrong type (every such
    problem of the file is listed), or a case that does not validate (the error names the file,
    the scenario and each failing field path of the case).
    """
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    problems = _Problems(file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        error = FieldError(path="(file)", message=f"not valid TOML: {exc}", kind="toml")
        raise DocumentError(f"scenario file {file}", [error]) from None
    problems.unknown(data, _TOP_KEYS, "")

    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        problems.add("defaults", "must be a table", "table_type")
        defaults = {}
    problems.unknown(defaults, _DEFAULT_KEYS, "defaults")
    default_as_of = (
        _date(defaults["as_of"], "defaults.as_of", problems) if "as_of" in defaults else None
    )
    default_municipality = (
        _municipality(defaults["municipality"], "defaults.municipality", problems)
        if "municipality" in defaults
        else None
    )
    default_case = defaults.get("case", {})
    if not isinstance(default_case, dict):
        problems.add("defaults.case", "must be a table", "table_type")
        default_case = {}

    tables = data.get("scenario", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        problems.add("scenario", "must be an array of tables: [[scenario]]", "array_type")
        tables = []
    elif not tables:
        problems.add("scenario", "the file holds no [[scenario]]", "missing")
    headers = _header_lines(text)
    lines: list[int | None] = list(headers) if len(headers) == len(tables) else [None] * len(tables)

    pending: list[tuple[str, date, str | None, dict[str, Any], Expect, int | None, str | None]] = []
    seen: dict[str, int] = {}
    for i, table in enumerate(tables):
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.unknown(table, _SCENARIO_KEYS, f"scenario[{i}]")
            problems.add(f"scenario[{i}].name", "is required: a non-empty string", "missing")
            continue
        where = f"scenario[{i}] ({name!r})"
        problems.unknown(table, _SCENARIO_KEYS, where)
        if "::" in name or "\n" in name or name != name.strip():
            problems.add(
                f"{where}.name",
                "must not contain '::' or line breaks, nor start or end with a space",
                "name",
            )
        if name in seen:
            problems.add(
                f"{where}.name", f"duplicate name, already used by scenario[{seen[name]}]", "dup"
            )
        else:
            seen[name] = i
        if "as_of" in table:
            as_of = _date(table["as_of"], f"{where}.as_of", problems)
        elif default_as_of is not None:
            as_of = default_as_of
        else:
            as_of = None
            problems.add(
                f"{where}.as_of",
                "is required here or in [defaults]: the evaluation date",
                "missing",
            )
        municipality = default_municipality
        if "municipality" in table:
            municipality = _municipality(table["municipality"], f"{where}.municipality", problems)
        case = table.get("case", {})
        if not isinstance(case, dict):
            problems.add(f"{where}.case", "must be a table", "table_type")
            continue
        expect = _expect(table.get("expect"), f"{where}.expect", problems)
        xfail = table.get("xfail")
        if xfail is not None and (not isinstance(xfail, str) or not xfail.strip()):
            problems.add(f"{where}.xfail", "must be a non-empty string: why it fails", "xfail")
            xfail = None
        if as_of is not None:
            merged = deep_merge(default_case, case)
            pending.append((name, as_of, municipality, merged, expect, lines[i], xfail))
    problems.raise_if_any()

    return [
        Scenario(
            file=file,
            name=name,
            as_of=as_of,
            municipality=municipality,
            case=parse_python(SupportCase, merged, name=f"{file}: scenario {name!r}: case"),
            expect=expect,
            line=line,
            xfail=xfail,
        )
        for name, as_of, municipality, merged, expect, line, xfail in pending
    ]


# --- running and checking ------------------------------------------------------------------------


def policy_set_for(registry: PolicyRegistry, scenario: Scenario) -> PolicySet:
    """The policy set that decides ``scenario``: that of its municipality, else the learner's."""
    return registry.policy_set(scenario.policy_municipality)


def run_scenario(registry: PolicyRegistry, scenario: Scenario) -> Decision:
    """Evaluate ``scenario`` (``strict=False``: a failing rule makes the decision incomplete)."""
    return policy_set_for(registry, scenario).evaluate(scenario.case, scenario.as_of, strict=False)


def _list(values: Iterable[str]) -> str:
    items = sorted(set(values))
    return "[" + ", ".join(items) + "]"


def _exact(key: str, expected: Iterable[str], actual: Iterable[str]) -> str | None:
    want, got = set(expected), set(actual)
    if want == got:
        return None
    parts = []
    if want - got:
        parts.append(f"missing {_list(want - got)}")
    if got - want:
        parts.append(f"unexpected {_list(got - want)}")
    return f"{key}: expected {_list(want)}, got {_list(got)} ({'; '.join(parts)})"


def _reasons(verdict: MeasureVerdict) -> str:
    return ", ".join(
        f"{r.reason} ({'allow' if r.eligible else 'deny'}, {r.rule})" for r in verdict.reasons
    )


def _verdict_list(verdicts: Mapping[str, MeasureVerdict]) -> str:
    if not verdicts:
        return "no verdicts at all"
    return "verdicts: " + ", ".join(
        f"{m}={'eligible' if v.eligible else 'ineligible'}" for m, v in sorted(verdicts.items())
    )


def _fired_list(fired: Collection[str]) -> str:
    return f"rules that fired: {_list(fired)}" if fired else "no rule fired"


def _obligation_problem(decision: Decision, want: ExpectedObligation) -> str | None:
    candidates = [o for o in decision.obligations if o.action == want.action]
    if not candidates:
        return (
            f"obligation {want.action!r}: expected, but the decision has no such obligation "
            f"(obligations: {_list(o.action for o in decision.obligations)})"
        )
    for ob in candidates:
        if set(want.recipients) <= set(ob.recipients) and (want.due is None or ob.due == want.due):
            return None
    wanted = []
    if want.recipients:
        wanted.append(f"recipients including {_list(want.recipients)}")
    if want.due is not None:
        wanted.append(f"due {want.due.isoformat()}")
    got = "; ".join(
        f"recipients {_list(ob.recipients)}, due {ob.due.isoformat()}" for ob in candidates
    )
    return f"obligation {want.action!r}: expected {' and '.join(wanted)}, got {got}"


def check(
    decision: Decision, scenario: Scenario, *, known_rules: Collection[str] | None = None
) -> list[str]:
    """The ways ``decision`` differs from what ``scenario`` expects, one readable message each
    (empty when everything expected holds). Each message names the expected and the actual value;
    rule messages also list the rules that fired.

    With ``known_rules`` (the rule ids of the policy set), a rule id in ``fired`` or
    ``not_fired`` that names no rule is reported too, so a misspelt id cannot pass silently.
    """
    exp = scenario.expect
    out: list[str] = []
    failed = "; ".join(
        f"{f.plugin}{'/' + f.rule if f.rule else ''} ({f.stage}): {f.error}"
        for f in decision.failures
    )
    if decision.complete is not exp.complete:
        out.append(
            f"complete: expected {str(exp.complete).lower()}, "
            f"got {str(decision.complete).lower()}" + (f" (failed: {failed})" if failed else "")
        )
    actual = {
        "findings": [f.factor for f in decision.findings],
        "obligations": [o.action for o in decision.obligations],
        "referrals": [r.to for r in decision.referrals],
        "plan_issues": [i.reason for i in decision.plan_issues],
    }
    for key in _SET_KEYS:
        expected: tuple[str, ...] | None = getattr(exp, key)
        if expected is not None:
            problem = _exact(key, expected, actual[key])
            if problem:
                out.append(problem)

    verdicts = {v.measure: v for v in decision.measures}
    for measure in exp.eligible:
        verdict = verdicts.get(measure)
        if verdict is None:
            out.append(
                f"eligible: expected {measure!r} eligible, got no verdict on it "
                f"({_verdict_list(verdicts)})"
            )
        elif not verdict.eligible:
            out.append(
                f"eligible: expected {measure!r} eligible, got ineligible "
                f"(reasons: {_reasons(verdict)})"
            )
    for measure in exp.ineligible:
        verdict = verdicts.get(measure)
        if verdict is None:
            out.append(
                f"ineligible: expected {measure!r} ineligible, got no verdict on it "
                f"({_verdict_list(verdicts)})"
            )
        elif verdict.eligible:
            out.append(
                f"ineligible: expected {measure!r} ineligible, got eligible "
                f"(reasons: {_reasons(verdict)})"
            )

    evaluated = {row.rule for row in decision.trace}
    fired = sorted(row.rule for row in decision.trace if row.fired)
    for rule in exp.fired:
        if known_rules is not None and rule not in known_rules:
            out.append(f"fired: {rule!r} is not a rule of the policy set (misspelt?)")
        elif rule not in fired:
            why = (
                "did not fire"
                if rule in evaluated
                else (f"was not in force on {decision.as_of.isoformat()}")
            )
            out.append(f"fired: expected {rule!r} to fire, it {why} ({_fired_list(fired)})")
    for rule in exp.not_fired:
        if known_rules is not None and rule not in known_rules:
            out.append(f"not_fired: {rule!r} is not a rule of the policy set (misspelt?)")
        elif rule in fired:
            out.append(
                f"not_fired: expected {rule!r} not to fire, but it fired ({_fired_list(fired)})"
            )

    for want in exp.obligation:
        problem = _obligation_problem(decision, want)
        if problem:
            out.append(problem)

    return out
