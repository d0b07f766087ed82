"""Building a policy set: national floor + one municipal policy + further plugins, checked.

Every check runs when the set is built, never during evaluation:

- rule ids are unique and namespaced by their plugin; only the national plugin marks rules
  mandatory;
- a rule replaces another only by naming it (``overrides``), never a mandatory one, and never
  together with another rule replacing the same one;
- a plugin moves a national parameter only as the parameter allows (not at all, only stricter,
  or freely);
- every parameter a rule reads has a value for every day the rule is in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs

from atbalsts.codes import CODE_LISTS, Code, CodeList
from atbalsts.errors import ParameterCoverageError, PolicyConflict, PolicyError
from atbalsts.policy._facts import FACT_NAMES
from atbalsts.policy._params import Change, Parameter, ParameterValue, merge_values
from atbalsts.policy._registrar import Declaration, PolicyInfo
from atbalsts.policy._rule import Rule

__all__ = ["Composition", "compose"]


@attrs.frozen
class Composition:
    """The checked content of a policy set."""

    plugins: tuple[PolicyInfo, ...]
    rules: tuple[tuple[Rule, str], ...]  # (rule, plugin name), sorted by rule id
    overridden: dict[str, str]  # replaced rule id -> replacing rule id
    parameters: dict[str, Parameter]  # merged timelines
    codes: dict[str, CodeList]


def _basis(rule: Rule) -> str:
    return str(rule.legal_basis)


def _select(
    declarations: Iterable[Declaration], municipality: str | None, names: Iterable[str] | None
) -> list[Declaration]:
    decls = sorted(declarations, key=lambda d: d.info.name)
    if names is not None:
        wanted = set(names)
        return [d for d in decls if d.info.national or d.info.name in wanted]
    chosen = [d for d in decls if d.info.national or d.info.municipality is None]
    local = [
        d for d in decls if d.info.municipality is not None and d.info.municipality == municipality
    ]
    if len(local) > 1:
        a, b = local[0].info, local[1].info
        raise PolicyConflict(
            f"two policies govern municipality {municipality!r} (distributions "
            f"{a.distribution} and {b.distribution}); install only one",
            a.name,
            b.name,
            (),
        )
    return sorted(chosen + local, key=lambda d: d.info.name)


def _check_rules(decls: list[Declaration]) -> tuple[list[tuple[Rule, str]], dict[str, str]]:
    by_id: dict[str, tuple[Rule, str]] = {}
    for decl in decls:
        for r in decl.rules:
            if r.namespace != decl.info.name:
                raise PolicyError(
                    f"rule {r.id!r} of plugin {decl.info.name!r} must be namespaced "
                    f"'{decl.info.name}.'"
                )
            unknown = sorted(set(r.reads) - FACT_NAMES)
            if unknown:
                raise PolicyError(
                    f"rule {r.id!r} of plugin {decl.info.name!r} reads unknown fact(s) "
                    f"{', '.join(unknown)}; see atbalsts.policy.FACTS"
                )
            if r.mandatory and not decl.info.national:
                raise PolicyError(f"rule {r.id!r}: only the national policy declares mandatory law")
            if r.id in by_id:
                other = by_id[r.id][0]
                raise PolicyConflict(
                    "two rules with the same id", other.id, r.id, (_basis(other), _basis(r))
                )
            by_id[r.id] = (r, decl.info.name)
    overridden: dict[str, str] = {}
    for rid in sorted(by_id):
        r = by_id[rid][0]
        if r.overrides is None:
            continue
        target = by_id.get(r.overrides)
        if target is None:
            raise PolicyError(f"rule {r.id!r} overrides {r.overrides!r}, which is not in the set")
        t = target[0]
        if t.mandatory:
            raise PolicyConflict(
                "overriding a mandatory national rule is refused",
                t.id,
                r.id,
                (_basis(t), _basis(r)),
            )
        if t.kind is not r.kind:
            raise PolicyError(f"rule {r.id!r} ({r.kind}) cannot override {t.id!r} ({t.kind})")
        if t.id in overridden:
            first = by_id[overridden[t.id]][0]
            raise PolicyConflict(
                f"two rules override {t.id!r}", first.id, r.id, (_basis(first), _basis(r))
            )
        overridden[t.id] = r.id
    # Every rule stays in the set: a replaced rule is left out only on the dates when its
    # replacement (and the replacement's policy) is in force; see compile_at.
    return [by_id[i] for i in sorted(by_id)], overridden


def _value_periods(values: tuple[ParameterValue, ...]) -> list[tuple[ParameterValue, date | None]]:
    ends: list[date | None] = [v.valid_from for v in values[1:]]
    return list(zip(values, [*ends, None], strict=True))


def _check_floor(base: Parameter, local: Parameter) -> None:
    if base.change is Change.FIXED:
        v = local.values[0]
        raise PolicyConflict(
            "changing a fixed national parameter is refused",
            f"{base.id}@{base.plugin}={base.values[-1].value!r}",
            f"{local.id}@{local.plugin}={v.value!r}",
            (str(base.values[0].reference), str(v.reference)),
        )
    for lv, l_end in _value_periods(local.values):
        for bv, b_end in _value_periods(base.values):
            overlaps = (b_end is None or lv.valid_from < b_end) and (
                l_end is None or bv.valid_from < l_end
            )
            if overlaps and not base.stricter_or_equal(lv.value, bv.value):
                raise PolicyConflict(
                    f"moving a floor-protected parameter in the looser direction is refused "
                    f"(stricter is {base.stricter})",
                    f"{base.id}@{base.plugin}={bv.value!r} from {bv.valid_from}",
                    f"{local.id}@{local.plugin}={lv.value!r} from {lv.valid_from}",
                    (str(bv.reference), str(lv.reference)),
                )


def _merge_parameters(decls: list[Declaration]) -> dict[str, Parameter]:
    params: dict[str, Parameter] = {}
    changed_by: dict[str, str] = {}
    for decl in sorted(decls, key=lambda d: (not d.info.national, d.info.name)):
        for p in decl.parameters:
            base = params.get(p.id)
            if base is None:
                if p.id.split(".", 1)[0] != decl.info.name:
                    raise PolicyError(
                        f"parameter {p.id!r} of plugin {decl.info.name!r} is neither in its "
                        f"namespace nor a parameter it may change"
                    )
                params[p.id] = p
                continue
            if p.explicit_policy:
                raise PolicyError(
                    f"plugin {decl.info.name!r} re-declares national parameter {p.id!r} with "
                    f"'change' or 'stricter': only the national declaration says how it may "
                    f"change; give only 'values'"
                )
            if p.id in changed_by:
                raise PolicyConflict(
                    f"two plugins change parameter {p.id!r}",
                    f"{p.id}@{changed_by[p.id]}",
                    f"{p.id}@{decl.info.name}",
                    (str(params[p.id].values[-1].reference), str(p.values[0].reference)),
                )
            expected = type(base.values[0].value)
            wrong = [v for v in p.values if type(v.value) is not expected]
            if wrong:
                raise PolicyConflict(
                    f"a value of the wrong type for parameter {p.id!r} "
                    f"(expected {expected.__name__})",
                    f"{base.id}@{base.plugin}={base.values[0].value!r}",
                    f"{p.id}@{decl.info.name}={wrong[0].value!r}",
                    (str(base.values[0].reference), str(wrong[0].reference)),
                )
            _check_floor(base, p)
            changed_by[p.id] = decl.info.name
            merged = merge_values(base.values, p.values, decl.info.valid_from, decl.info.valid_to)
            params[p.id] = attrs.evolve(base, values=merged)
    return params


def _check_coverage(
    rules: list[tuple[Rule, str]], infos: dict[str, PolicyInfo], params: dict[str, Parameter]
) -> None:
    for r, plugin in rules:
        start = max(r.valid_from, infos[plugin].valid_from)
        for pid in r.params:
            p = params.get(pid)
            if p is None:
                raise ParameterCoverageError(f"rule {r.id!r} reads parameter {pid!r}, not declared")
            if p.values[0].valid_from > start:
                raise ParameterCoverageError(
                    f"rule {r.id!r} is in force from {start} but parameter {pid!r} has no value "
                    f"before {p.values[0].valid_from}"
                )


def _merge_codes(decls: list[Declaration]) -> dict[str, CodeList]:
    codes = dict(CODE_LISTS)
    for decl in decls:
        grouped: dict[str, list[Code]] = {}
        for list_name, code in decl.codes:
            grouped.setdefault(list_name, []).append(code)
        for list_name, items in sorted(grouped.items()):
            namespace = "" if decl.info.national else decl.info.name
            if list_name == "risk_factors":
                for item in items:
                    if item.group not in codes["risk_groups"]:
                        raise PolicyError(f"local risk factor {item.code!r} needs a risk group")
            try:
                codes[list_name] = codes[list_name].extended(items, namespace)
            except ValueError as exc:
                raise PolicyError(f"plugin {decl.info.name!r}: {exc}") from None
    return codes


def compose(
    declarations: Iterable[Declaration],
    municipality: str | None = None,
    names: Iterable[str] | None = None,
) -> Composition:
    """Select and check the declarations for ``municipality`` (or the plugins ``names``)."""
    decls = _select(declarations, municipality, names)
    rules, overridden = _check_rules(decls)
    params = _merge_parameters(decls)
    infos = {d.info.name: d.info for d in decls}
    _check_coverage(rules, infos, params)
    return Composition(
        plugins=tuple(d.info for d in decls),
        rules=tuple(rules),
        overridden=overridden,
        parameters=params,
        codes=_merge_codes(decls),
    )
