"""Building a policy set: national floor + one municipal policy + further plugins, checked.

Every check runs when the set is built, never during evaluation:

- rule ids are unique and namespaced by their plugin; only the national plugin marks rules
  mandatory; a rule reads only facts that exist, and no rule judging risk reads a protected one;
- a rule replaces another only by naming it (``overrides``), never a mandatory one, never one of
  another kind, and never together with another rule replacing the same one;
- a plugin moves a national parameter only as the parameter allows (not at all, only stricter,
  or freely), with values of its type and range;
- every parameter a rule reads has a value for every day the rule is in force;
- local codes are namespaced by their plugin and new.

A broken rule is a :class:`~atbalsts.errors.Violation`, a value. :func:`check_declarations` returns
every violation of a set; :func:`compose` raises one exception carrying them all (its
``violations``), so a plugin author sees every problem at once and no caller reads a message.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import attrs

from atbalsts.calendar import ExtraDays
from atbalsts.codes import CODE_LISTS, Code, CodeList
from atbalsts.errors import ParameterCoverageError, PolicyConflict, PolicyError, Violation
from atbalsts.policy._facts import FACT_NAMES, PROTECTED_FACTS, RISK_KINDS
from atbalsts.policy._params import Change, Parameter, ParameterValue, merge_values
from atbalsts.policy._registrar import Declaration, PolicyInfo
from atbalsts.policy._rule import Rule

__all__ = ["Composition", "check_declarations", "compose", "refusal"]


@attrs.frozen
class Composition:
    """The checked content of a policy set."""

    plugins: tuple[PolicyInfo, ...]
    rules: tuple[tuple[Rule, str], ...]  # (rule, plugin name), sorted by rule id
    overridden: dict[str, str]  # replaced rule id -> replacing rule id
    parameters: dict[str, Parameter]  # merged timelines
    codes: dict[str, CodeList]
    extra_days: tuple[ExtraDays, ...] = ()
    """The days the municipal policies of the set declared on top of the school calendar."""


#: The checks whose violations make a ParameterCoverageError (when no violation has two sides).
_COVERAGE = frozenset({"parameter-undeclared", "parameter-coverage"})


def _basis(rule: Rule) -> str:
    return str(rule.legal_basis)


def _floor_first(decls: Iterable[Declaration]) -> list[Declaration]:
    """The national declaration first, then the others by name: the national side of a conflict
    is always the first one met."""
    return sorted(decls, key=lambda d: (not d.info.national, d.info.name))


def _select(
    declarations: Iterable[Declaration],
    municipality: str | None,
    names: Iterable[str] | None,
    found: list[Violation],
) -> list[Declaration]:
    decls = sorted(declarations, key=lambda d: d.info.name)
    if names is not None:
        wanted = set(names)
        return [d for d in decls if d.info.national or d.info.name in wanted]
    chosen = [d for d in decls if d.info.national or d.info.municipality is None]
    local = [
        d for d in decls if d.info.municipality is not None and d.info.municipality == municipality
    ]
    for decl in local[1:]:
        first = local[0].info
        found.append(
            Violation(
                "two-policies",
                decl.info.name,
                decl.info.name,
                f"two policies govern municipality {municipality!r} (distributions "
                f"{first.distribution} and {decl.info.distribution}); install only one",
                subject_kind="policy",
                other=first.name,
                other_plugin=first.name,
                values={
                    "municipality": str(municipality),
                    "distribution": first.distribution,
                    "other_distribution": decl.info.distribution,
                },
            )
        )
    # Every selected plugin stays, so that its own violations are reported too.
    return sorted(chosen + local, key=lambda d: d.info.name)


def _unknown_fact(fact: str) -> str:
    close = difflib.get_close_matches(fact, FACT_NAMES, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"reads unknown fact {fact!r}{hint}; see atbalsts.policy.FACTS"


def _check_rules(
    decls: list[Declaration], found: list[Violation]
) -> tuple[list[tuple[Rule, str]], dict[str, str]]:
    by_id: dict[str, tuple[Rule, str]] = {}
    for decl in _floor_first(decls):
        name = decl.info.name
        for r in decl.rules:
            if r.namespace != name:
                found.append(
                    Violation("rule-namespace", r.id, name, f"must be namespaced '{name}.'")
                )
            for fact in dict.fromkeys(r.reads):
                if fact not in FACT_NAMES:
                    found.append(
                        Violation(
                            "unknown-fact", r.id, name, _unknown_fact(fact), values={"fact": fact}
                        )
                    )
                elif fact in PROTECTED_FACTS and r.kind in RISK_KINDS:
                    found.append(
                        Violation(
                            "protected-fact",
                            r.id,
                            name,
                            f"a {r.kind.value} rule may not read a protected fact (a protected "
                            f"attribute is never evidence of risk)",
                            other=fact,
                            bases=("", _basis(r)),
                        )
                    )
            if r.mandatory and not decl.info.national:
                found.append(
                    Violation(
                        "local-mandatory",
                        r.id,
                        name,
                        "is marked mandatory: only the national policy declares mandatory law",
                    )
                )
            if r.id in by_id:
                other, other_plugin = by_id[r.id]
                found.append(
                    Violation(
                        "duplicate-rule",
                        r.id,
                        name,
                        "two rules with the same id",
                        other=other.id,
                        other_plugin=other_plugin,
                        bases=(_basis(other), _basis(r)),
                    )
                )
                continue  # the first declaration stays
            by_id[r.id] = (r, name)
    overridden: dict[str, str] = {}
    for rid in sorted(by_id):
        r, plugin = by_id[rid]
        if r.overrides is None:
            continue
        target = by_id.get(r.overrides)
        if target is None:
            found.append(
                Violation(
                    "override-missing",
                    r.id,
                    plugin,
                    f"overrides {r.overrides!r}, which is not in the set",
                    values={"overrides": r.overrides},
                )
            )
            continue
        t, t_plugin = target
        values: dict[str, str] = {}
        if t.mandatory:
            reason = "overriding a mandatory national rule is refused"
            check = "mandatory-override"
        elif t.kind is not r.kind:
            reason = (
                f"a rule cannot override one of another kind ({t.kind.value} overridden by "
                f"{r.kind.value})"
            )
            check = "override-kind"
            values = {"kind": r.kind.value, "other_kind": t.kind.value}
        elif t.id in overridden:
            t, t_plugin = by_id[overridden[t.id]]
            reason = f"two rules override {r.overrides!r}"
            check = "double-override"
            values = {"overrides": r.overrides}
        else:
            overridden[t.id] = r.id
            continue
        found.append(
            Violation(
                check,
                r.id,
                plugin,
                reason,
                other=t.id,
                other_plugin=t_plugin,
                bases=(_basis(t), _basis(r)),
                values=values,
            )
        )
    # Every rule stays in the set: a replaced rule is left out only on the dates when its
    # replacement (and the replacement's policy) is in force; see compile_at.
    return [by_id[i] for i in sorted(by_id)], overridden


def _value_periods(values: tuple[ParameterValue, ...]) -> list[tuple[ParameterValue, date | None]]:
    ends: list[date | None] = [v.valid_from for v in values[1:]]
    return list(zip(values, [*ends, None], strict=True))


def _check_floor(base: Parameter, local: Parameter, plugin: str) -> list[Violation]:
    """The violations of the floor by ``local``'s values: one for a fixed parameter, else one per
    local value looser than a national value in force during its period."""

    def violation(
        check: str,
        reason: str,
        bv: ParameterValue,
        lv: ParameterValue,
        sides: tuple[str, str],
        values: Mapping[str, str] | None = None,
    ) -> Violation:
        return Violation(
            check,
            local.id,
            plugin,
            reason,
            subject_kind="parameter",
            other=base.id,
            other_plugin=base.plugin,
            bases=(str(bv.reference), str(lv.reference)),
            sides=sides,
            values=values or {},
        )

    if base.change is Change.FIXED:
        v = local.values[0]
        sides = (
            f"{base.id}@{base.plugin}={base.values[-1].value!r}",
            f"{local.id}@{local.plugin}={v.value!r}",
        )
        reason = "changing a fixed national parameter is refused"
        return [violation("parameter-fixed", reason, base.values[0], v, sides)]
    found = []
    reason = (
        f"moving a floor-protected parameter in the looser direction is refused "
        f"(stricter is {base.stricter})"
    )
    for lv, l_end in _value_periods(local.values):
        for bv, b_end in _value_periods(base.values):
            overlaps = (b_end is None or lv.valid_from < b_end) and (
                l_end is None or bv.valid_from < l_end
            )
            if overlaps and not base.stricter_or_equal(lv.value, bv.value):
                sides = (
                    f"{base.id}@{base.plugin}={bv.value!r} from {bv.valid_from}",
                    f"{local.id}@{local.plugin}={lv.value!r} from {lv.valid_from}",
                )
                stricter = {"stricter": str(base.stricter)}
                found.append(violation("parameter-not-stricter", reason, bv, lv, sides, stricter))
                break  # one violation per local value
    return found


def _merge_parameters(decls: list[Declaration], found: list[Violation]) -> dict[str, Parameter]:
    params: dict[str, Parameter] = {}
    changed_by: dict[str, str] = {}
    for decl in _floor_first(decls):
        name = decl.info.name
        seen: set[str] = set()
        for p in decl.parameters:
            if p.id in seen:
                found.append(
                    Violation(
                        "duplicate-parameter",
                        p.id,
                        name,
                        "is declared twice; declare it once",
                        subject_kind="parameter",
                    )
                )
                continue
            seen.add(p.id)
            base = params.get(p.id)
            if base is None:
                if not p.id.startswith(f"{name}."):
                    found.append(
                        Violation(
                            "parameter-namespace",
                            p.id,
                            name,
                            "is neither in its plugin's namespace nor a parameter it may change",
                            subject_kind="parameter",
                        )
                    )
                # Kept even so, so that the rules reading it are judged on its values.
                params[p.id] = p
                continue
            if p.explicit_policy:
                found.append(
                    Violation(
                        "parameter-policy",
                        p.id,
                        name,
                        "re-declares a national parameter with 'change' or 'stricter': only the "
                        "national declaration says how it may change; give only 'values'",
                        subject_kind="parameter",
                    )
                )
                continue
            if p.id in changed_by:
                found.append(
                    Violation(
                        "parameter-changed-twice",
                        p.id,
                        name,
                        f"two plugins change parameter {p.id!r}",
                        subject_kind="parameter",
                        other=p.id,
                        other_plugin=changed_by[p.id],
                        bases=(str(params[p.id].values[-1].reference), str(p.values[0].reference)),
                        sides=(f"{p.id}@{changed_by[p.id]}", f"{p.id}@{name}"),
                    )
                )
                continue
            expected = type(base.values[0].value)
            wrong = [v for v in p.values if type(v.value) is not expected]
            if wrong:
                found.append(
                    Violation(
                        "parameter-type",
                        p.id,
                        name,
                        f"a value of the wrong type for parameter {p.id!r} "
                        f"(expected {expected.__name__})",
                        subject_kind="parameter",
                        other=base.id,
                        other_plugin=base.plugin,
                        bases=(str(base.values[0].reference), str(wrong[0].reference)),
                        sides=(
                            f"{base.id}@{base.plugin}={base.values[0].value!r}",
                            f"{p.id}@{name}={wrong[0].value!r}",
                        ),
                        values={"expected": expected.__name__},
                    )
                )
                continue
            invalid = [(v, why) for v in p.values if (why := base.problem(v.value)) is not None]
            if invalid:
                found += [
                    Violation(
                        "parameter-value",
                        p.id,
                        name,
                        f"gives the value {v.value!r} (from {v.valid_from}), which {why}",
                        subject_kind="parameter",
                        values={"value": repr(v.value), "valid_from": v.valid_from.isoformat()},
                    )
                    for v, why in invalid
                ]
                continue
            floor = _check_floor(base, p, name)
            if floor:
                found += floor
                continue
            changed_by[p.id] = name
            merged = merge_values(base.values, p.values, decl.info.valid_from, decl.info.valid_to)
            params[p.id] = attrs.evolve(base, values=merged)
    return params


def _check_coverage(
    rules: list[tuple[Rule, str]],
    infos: dict[str, PolicyInfo],
    params: dict[str, Parameter],
    found: list[Violation],
) -> None:
    for r, plugin in rules:
        start = max(r.valid_from, infos[plugin].valid_from)
        for pid in r.params:
            p = params.get(pid)
            if p is None:
                reason = f"reads parameter {pid!r}, not declared"
                found.append(
                    Violation(
                        "parameter-undeclared", r.id, plugin, reason, values={"parameter": pid}
                    )
                )
            elif p.values[0].valid_from > start:
                reason = (
                    f"is in force from {start} but parameter {pid!r} has no value before "
                    f"{p.values[0].valid_from}"
                )
                values = {
                    "parameter": pid,
                    "in_force_from": start.isoformat(),
                    "first_value_from": p.values[0].valid_from.isoformat(),
                }
                found.append(Violation("parameter-coverage", r.id, plugin, reason, values=values))


def _merge_codes(decls: list[Declaration], found: list[Violation]) -> dict[str, CodeList]:
    codes = dict(CODE_LISTS)
    for decl in decls:
        name = decl.info.name
        namespace = "" if decl.info.national else name
        accepted: dict[str, list[Code]] = {}
        for list_name, code in sorted(decl.codes, key=lambda item: item[0]):
            batch = accepted.setdefault(list_name, [])
            if list_name == "risk_factors" and code.group not in codes["risk_groups"]:
                check, reason = "risk-group", "is a local risk factor without a risk group"
            elif code.namespace != namespace:
                check = "code-namespace"
                reason = f"must be namespaced {namespace + ':'!r} (a local {list_name} code)"
            elif code.code in codes[list_name] or any(c.code == code.code for c in batch):
                check, reason = "duplicate-code", f"is already in the {list_name} list"
            else:
                batch.append(code)
                continue
            values = {} if check == "risk-group" else {"list": list_name}
            found.append(
                Violation(check, code.code, name, reason, subject_kind="code", values=values)
            )
        for list_name, items in sorted(accepted.items()):
            codes[list_name] = codes[list_name].extended(items, namespace)
    return codes


def _check_measures(
    rules: list[tuple[Rule, str]], codes: Mapping[str, CodeList], found: list[Violation]
) -> None:
    """Every measure a rule declares it may decide is a code of the set's measures list: a
    decision's trace names them."""
    known = codes["measures"]
    for r, plugin in rules:
        for measure in r.measures or ():
            if measure not in known:
                close = difflib.get_close_matches(measure, list(known.codes()), n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                found.append(
                    Violation(
                        "unknown-measure",
                        r.id,
                        plugin,
                        f"declares unknown measure {measure!r}{hint}; see the measures code list",
                        values={"measure": measure},
                    )
                )


def _build(
    declarations: Iterable[Declaration], municipality: str | None, names: Iterable[str] | None
) -> tuple[Composition, list[Violation]]:
    found: list[Violation] = []
    decls = _select(declarations, municipality, names, found)
    rules, overridden = _check_rules(decls, found)
    params = _merge_parameters(decls, found)
    infos = {d.info.name: d.info for d in decls}
    _check_coverage(rules, infos, params, found)
    codes = _merge_codes(decls, found)
    _check_measures(rules, codes, found)
    composition = Composition(
        plugins=tuple(d.info for d in decls),
        rules=tuple(rules),
        overridden=overridden,
        parameters=params,
        codes=codes,
        extra_days=tuple(day for d in decls if not d.info.national for day in d.extra_days),
    )
    return composition, found


def check_declarations(
    declarations: Iterable[Declaration],
    municipality: str | None = None,
    names: Iterable[str] | None = None,
) -> list[Violation]:
    """Every violation of the rules of composition by the policy set that would be built from
    the same arguments, in the order the checks run; empty when the set can be built."""
    return _build(declarations, municipality, names)[1]


def refusal(violations: Sequence[Violation]) -> PolicyError:
    """The exception that refuses a composition with ``violations`` (at least one), carrying them
    all: a :class:`~atbalsts.errors.PolicyConflict` naming the first violation with two sides if
    there is one, else a :class:`~atbalsts.errors.ParameterCoverageError` if a violation is about
    coverage, else a :class:`~atbalsts.errors.PolicyError`."""
    for v in violations:
        if v.other is not None:
            first, second = v.sides or (v.other, v.subject)
            return PolicyConflict(v.reason, first, second, v.bases, violations)
    if any(v.check in _COVERAGE for v in violations):
        return ParameterCoverageError(violations=violations)
    return PolicyError(violations=violations)


def compose(
    declarations: Iterable[Declaration],
    municipality: str | None = None,
    names: Iterable[str] | None = None,
) -> Composition:
    """Select and check the declarations for ``municipality`` (or the plugins ``names``).

    Raises the :func:`refusal` of every violation found (see :func:`check_declarations`).
    """
    composition, violations = _build(declarations, municipality, names)
    if violations:
        raise refusal(violations)
    return composition
