"""``atbalsts params``: the parameters in force on a date, each with its value, its legal source,
how a municipality may change it, the national value a municipal one replaces, and the rules that
read it (one parameter can move several rules)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING, Literal, TypedDict

from atbalsts.cli._common import EXIT_OK, Commands, date_type, dump
from atbalsts.cli._i18n import Texts
from atbalsts.cli._policies import load_registry, warn_unknown_municipality
from atbalsts.errors import UnknownNameError

if TYPE_CHECKING:  # imported where used: the engine loads plugins, which takes time
    from atbalsts import PolicyRegistry, PolicySet
    from atbalsts.policy import LegalBasis, ParameterValue

__all__ = ["parameters_in_force", "register"]


class SourceRow(TypedDict):
    """The legal basis of a value (:class:`~atbalsts.policy.LegalBasis`)."""

    kind: str
    act: str | None
    provision: str | None
    url: str | None
    note: str | None


class ReplacedRow(TypedDict):
    """The value a municipal value replaces, as its own plugin declared it."""

    value: bool | int | float | str
    valid_from: str
    plugin: str
    source: SourceRow


class ParameterRow(TypedDict):
    """One parameter in force, as ``params --format json`` prints it."""

    id: str
    description: str
    description_lv: str | None
    unit: str
    unit_lv: str | None
    type: str | None
    minimum: float | None
    maximum: float | None
    change: str
    stricter: str | None
    declared_by: str
    value: bool | int | float | str
    valid_from: str
    plugin: str
    source: SourceRow
    replaces: ReplacedRow | None
    rules: list[str]
    engine: bool


def _source(basis: LegalBasis) -> SourceRow:
    return {
        "kind": basis.kind.value,
        "act": basis.act,
        "provision": basis.provision,
        "url": basis.url,
        "note": basis.note,
    }


def _replaced(v: ParameterValue) -> ReplacedRow:
    return {
        "value": v.value,
        "valid_from": v.valid_from.isoformat(),
        "plugin": v.plugin,
        "source": _source(v.reference),
    }


def parameters_in_force(
    registry: PolicyRegistry, policy_set: PolicySet, day: date
) -> list[ParameterRow]:
    """Every parameter of ``policy_set`` with a value on ``day`` whose declaring policy is in
    force then, by id: the value and who set it, the national value a municipal one replaces, the
    rules in force that read it and whether the engine reads it itself."""
    infos = {info.name: info for info in policy_set.plugins}
    own = {(d.info.name, p.id): p for d in registry.declarations for p in d.parameters}
    compiled = policy_set.at(day)
    readers: dict[str, list[str]] = {}
    for c in compiled.rules:
        for pid in c.rule.params:
            readers.setdefault(pid, []).append(c.rule.id)
    rows: list[ParameterRow] = []
    for pid, parameter in sorted(policy_set.composition.parameters.items()):
        value = parameter.at(day)
        declarer = infos.get(parameter.plugin)
        if value is None or declarer is None or not declarer.in_force(day):
            continue
        replaces = None
        if value.plugin != parameter.plugin:
            declared = own.get((parameter.plugin, pid))
            before = declared.at(day) if declared is not None else None
            replaces = _replaced(before) if before is not None else None
        rows.append(
            {
                "id": pid,
                "description": parameter.description,
                "description_lv": parameter.description_lv or None,
                "unit": parameter.unit,
                "unit_lv": parameter.unit_lv or None,
                "type": parameter.type.value if parameter.type is not None else None,
                "minimum": parameter.minimum,
                "maximum": parameter.maximum,
                "change": parameter.change.value,
                "stricter": parameter.stricter,
                "declared_by": parameter.plugin,
                "value": value.value,
                "valid_from": value.valid_from.isoformat(),
                "plugin": value.plugin,
                "source": _source(value.reference),
                "replaces": replaces,
                "rules": sorted(readers.get(pid, ())),
                "engine": pid in compiled.engine_parameters,
            }
        )
    return rows


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _value(value: bool | int | float | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cite(source: SourceRow, t: Texts) -> str:
    """A source in one line: the act, provision and address, or what kind of basis it is and its
    note."""
    _ = t.gettext
    if source["kind"] in ("law", "programme"):
        parts = [p for p in (source["act"], source["provision"]) if p]
        cited = ", ".join(parts)
        return f"{cited} <{source['url']}>" if source["url"] else cited
    labels = {
        "illustrative": _("illustrative, not law"),
        "methodological_default": _("methodological default, not law"),
    }
    label = labels.get(source["kind"], source["kind"])
    note = source["note"]
    if not note:
        return label
    return note if note.lower().startswith(label.lower()) else f"{label}: {note}"


def _type(name: str | None, t: Texts) -> str:
    """The type of a parameter's values (:class:`~atbalsts.policy.ValueType`) in words."""
    _ = t.gettext
    words = {
        "integer": _("integer"),
        "number": _("number"),
        "flag": _("flag"),
        "text": _("text"),
    }
    return words.get(name, name) if name else ""


def _in(row: ParameterRow, key: Literal["description", "unit"], t: Texts) -> str:
    """The description or unit of ``row`` in the language of ``t``: English where the parameter
    declares no Latvian."""
    latvian = row["description_lv"] if key == "description" else row["unit_lv"]
    return latvian if t.lang == "lv" and latvian else row[key]


def _kind(row: ParameterRow, t: Texts) -> str:
    """Type, range and how a municipality may change it, e.g. ``integer, 0.., stricter only:
    lower``."""
    _ = t.gettext
    parts = [_type(row["type"], t)]
    if row["minimum"] is not None or row["maximum"] is not None:
        parts.append(f"{_number(row['minimum'])}..{_number(row['maximum'])}")
    if row["change"] == "stricter":
        direction = _("lower") if row["stricter"] == "lower" else _("higher")
        parts.append(_("stricter only: {direction}").format(direction=direction))
    elif row["change"] == "free":
        parts.append(_("may be changed freely"))
    else:
        parts.append(_("fixed"))
    return ", ".join(p for p in parts if p)


def _text(rows: list[ParameterRow], where: str, day: date, t: Texts) -> list[str]:
    _ = t.gettext
    lines = [
        t.ngettext(
            "{n} parameter in force on {date} for {where}",
            "{n} parameters in force on {date} for {where}",
            len(rows),
        ).format(n=len(rows), date=day.isoformat(), where=where),
    ]
    for row in rows:
        unit = _in(row, "unit", t)
        lines += [
            "",
            f"{row['id']} = {_value(row['value'])}{' ' if unit else ''}{unit}  ({_kind(row, t)})",
        ]
        description = _in(row, "description", t)
        if description:
            lines.append(f"  {description}")
        lines.append(
            "  "
            + _("from {date}, set by {plugin}: {source}").format(
                date=row["valid_from"], plugin=row["plugin"], source=_cite(row["source"], t)
            )
        )
        replaced = row["replaces"]
        if replaced is not None:
            lines.append(
                "  "
                + _("replaces {value} (from {date}, set by {plugin}: {source})").format(
                    value=_value(replaced["value"]),
                    date=replaced["valid_from"],
                    plugin=replaced["plugin"],
                    source=_cite(replaced["source"], t),
                )
            )
        rules = row["rules"]
        if rules:
            lines.append(
                "  "
                + t.ngettext(
                    "read by {n} rule: {rules}", "read by {n} rules: {rules}", len(rules)
                ).format(n=len(rules), rules=", ".join(rules))
            )
        elif not row["engine"]:
            lines.append("  " + _("read by no rule in force"))
        if row["engine"]:
            lines.append("  " + _("read by the engine itself (follow-ups)"))
    return lines


def _params(args: argparse.Namespace, t: Texts) -> int:
    _ = t.gettext
    registry = load_registry()
    warn_unknown_municipality(registry, args.municipality, t)
    policy_set = registry.policy_set(args.municipality)
    day: date = args.as_of or date.today()
    rows = parameters_in_force(registry, policy_set, day)
    if args.parameters:
        known = sorted(policy_set.composition.parameters)
        for pid in args.parameters:
            if pid not in policy_set.composition.parameters:
                raise UnknownNameError("parameter", pid, known)
        rows = [r for r in rows if r["id"] in args.parameters]
        listed = {r["id"] for r in rows}
        for pid in sorted(set(args.parameters) - listed):
            print(
                _("note: parameter {parameter} has no value in force on {date}").format(
                    parameter=pid, date=day.isoformat()
                ),
                file=sys.stderr,
            )
    if args.format == "json":
        data = {"as_of": day.isoformat(), "municipality": args.municipality, "parameters": rows}
        sys.stdout.write(dump(data))
        return EXIT_OK
    where = args.municipality or _("the national baseline")
    for line in _text(rows, where, day, t):
        print(line)
    return EXIT_OK


def register(commands: Commands) -> None:
    """Add ``params``."""
    _ = commands.texts.gettext
    p = commands.add(
        "params",
        _(
            "list the parameters in force: value, legal source, how a municipality may change "
            "it, and the rules that read it"
        ),
        _params,
        formats=True,
    )
    p.add_argument(
        "parameters",
        nargs="*",
        metavar=_("PARAMETER"),
        help=_("only these parameters, by id (default: every parameter in force)"),
    )
    p.add_argument(
        "--municipality",
        metavar=_("MUNICIPALITY"),
        help=_("include this municipality's policy (default: the national baseline alone)"),
    )
    p.add_argument(
        "--as-of",
        type=date_type(commands.texts),
        metavar=_("DATE"),
        help=_("the parameters in force on this date, YYYY-MM-DD (default: today)"),
    )
