"""Why a policy set cannot be built, in the command's language.

A refused composition raises a :class:`~atbalsts.errors.PolicyError` carrying every broken rule of
composition as a :class:`~atbalsts.errors.Violation`: a stable ``check`` code and the ids it is
about (the subject and its plugin, the other side and its plugin, both legal bases). In English the
command shows the library's message as it is. In Latvian it says each violation by its ``check``,
with those ids filled in from the violation's fields, never taken from the English message; a code
without a sentence here is shown as the library wrote it.

Some checks carry a detail only in the English ``reason`` (which fact, which parameter, which value
...): their Latvian sentence says what is wrong without it and that ``--lang en`` names it. A
parameter's side is read from ``sides`` (``ID@PLUGIN=VALUE from DATE``, as
:class:`~atbalsts.errors.Violation` documents it). A legal basis that cites an act is shown as
cited; a methodological default or an illustration by its kind (its note is in English).
"""

from __future__ import annotations

import gettext
import re

from atbalsts.cli._i18n import Texts
from atbalsts.errors import PolicyError, Violation

__all__ = [
    "VIOLATION_CHECKS",
    "message_lines",
    "rule_kind_names",
    "violation_lines",
    "violation_sentence",
]


def _one_sided(t: Texts) -> dict[str, str]:
    """The sentence of each check about one declaration, with ``{subject}``, ``{plugin}`` and
    ``{prefix}`` (the plugin's namespace) in braces."""
    _ = t.gettext
    return {
        "rule-namespace": _("rule {subject} of plugin {plugin}: its id must begin with {prefix}"),
        "unknown-fact": _(
            "rule {subject} of plugin {plugin} reads a fact that does not exist (which, --lang en "
            "says; the facts are listed in atbalsts.policy.FACTS)"
        ),
        "local-mandatory": _(
            "rule {subject} of plugin {plugin} is marked mandatory: only the national policy "
            "declares mandatory law"
        ),
        "override-missing": _(
            "rule {subject} of plugin {plugin} overrides a rule that is not in the policy set "
            "(which, --lang en says)"
        ),
        "parameter-namespace": _(
            "parameter {subject} of plugin {plugin} is neither in its plugin's namespace "
            "({prefix}) nor a parameter it may change"
        ),
        "duplicate-parameter": _(
            "parameter {subject} of plugin {plugin} is declared twice; declare it once"
        ),
        "parameter-policy": _(
            "parameter {subject} of plugin {plugin} re-declares a national parameter with "
            "'change' or 'stricter': only the national declaration says how it may change; give "
            "only 'values'"
        ),
        "parameter-value": _(
            "parameter {subject} of plugin {plugin} is given a value its declaration does not "
            "allow (which, and why, --lang en says)"
        ),
        "parameter-undeclared": _(
            "rule {subject} of plugin {plugin} reads a parameter that no plugin of the set "
            "declares (which, --lang en says)"
        ),
        "parameter-coverage": _(
            "rule {subject} of plugin {plugin} reads a parameter that has no value on the rule's "
            "first day in force (which, and from when it has one, --lang en says)"
        ),
        "code-namespace": _(
            "local code {subject} of plugin {plugin} is outside its plugin's namespace (it must "
            "begin with {prefix})"
        ),
        "duplicate-code": _("local code {subject} of plugin {plugin} is already in its code list"),
        "risk-group": _("local risk factor {subject} of plugin {plugin} has no risk group"),
        "unknown-measure": _(
            "rule {subject} of plugin {plugin} declares that it may decide a measure no code list "
            "of the set knows (which, --lang en says)"
        ),
    }


def _two_sided(t: Texts) -> dict[str, str]:
    """The sentence of each check between two declarations, with ``{first}`` (the other side)
    and ``{second}`` (the subject), each with its plugin and legal basis, in braces."""
    _ = t.gettext
    return {
        "protected-fact": _(
            "a rule that judges risk may not read a protected fact (a protected attribute is "
            "never evidence of risk): the fact {other} and {second}"
        ),
        "duplicate-rule": _("two rules with the same id: {first} and {second}"),
        "mandatory-override": _(
            "overriding a mandatory national rule is refused: {first} and {second}"
        ),
        "override-kind": _("a rule cannot override a rule of another kind: {first} and {second}"),
        "double-override": _("two rules override the same rule: {first} and {second}"),
        "parameter-changed-twice": _("two plugins change the same parameter: {first} and {second}"),
        "parameter-type": _("a value of another type than the parameter's: {first} and {second}"),
        "parameter-fixed": _(
            "changing a fixed national parameter is refused: {first} and {second}"
        ),
        "parameter-not-stricter": _(
            "a national parameter may move only the stricter way, never the looser: {first} and "
            "{second}"
        ),
        "two-policies": _(
            "two policies govern one municipality, install only one: {first} and {second} (which "
            "municipality, and the distributions, --lang en says)"
        ),
    }


def _detailed(t: Texts) -> dict[str, str]:
    """The sentence of each check whose violation carries what its reason says beyond the fields
    (``Violation.values``), with those values in braces besides the ones above. A violation
    without them (made by another program) is said by the sentence above."""
    _ = t.gettext
    return {
        "unknown-fact": _(
            "rule {subject} of plugin {plugin} reads fact {fact}, which does not exist (the facts "
            "are listed in atbalsts.policy.FACTS)"
        ),
        "override-missing": _(
            "rule {subject} of plugin {plugin} overrides rule {overrides}, which is not in the "
            "policy set"
        ),
        "parameter-value": _(
            "parameter {subject} of plugin {plugin} is given the value {value} from {valid_from}, "
            "which its declaration does not allow (why, --lang en says)"
        ),
        "parameter-undeclared": _(
            "rule {subject} of plugin {plugin} reads parameter {parameter}, which no plugin of "
            "the set declares"
        ),
        "parameter-coverage": _(
            "rule {subject} of plugin {plugin} is in force from {in_force_from}, but parameter "
            "{parameter} has no value before {first_value_from}"
        ),
        "code-namespace": _(
            "local code {subject} of plugin {plugin} in the code list {list} is outside its "
            "plugin's namespace (it must begin with {prefix})"
        ),
        "duplicate-code": _(
            "local code {subject} of plugin {plugin} is already in the code list {list}"
        ),
        "unknown-measure": _(
            "rule {subject} of plugin {plugin} declares that it may decide measure {measure}, "
            "which no code list of the set knows"
        ),
        "override-kind": _(
            "a rule cannot override a rule of another kind ({other_kind} overridden by {kind}): "
            "{first} and {second}"
        ),
        "double-override": _("two rules override rule {overrides}: {first} and {second}"),
        "parameter-type": _(
            "a value of another type than the parameter's ({expected}): {first} and {second}"
        ),
        "parameter-not-stricter": _(
            "a national parameter may move only the stricter way ({stricter}), never the looser: "
            "{first} and {second}"
        ),
        "two-policies": _(
            "two policies govern municipality {municipality} (distributions {distribution} and "
            "{other_distribution}), install only one: {first} and {second}"
        ),
    }


#: The values of ``Violation.values`` shown as ids (quoted, as the subject is); the others (days,
#: a value as Python writes it, a type's name, a rule kind's code) as they are.
_QUOTED_VALUES = frozenset(
    {
        "fact",
        "overrides",
        "parameter",
        "list",
        "measure",
        "municipality",
        "distribution",
        "other_distribution",
    }
)


def rule_kind_names(t: Texts) -> dict[str, str]:
    """The name of each kind of rule (``DecisionKind``) in words of ``t``."""
    _ = t.gettext
    return {
        "risk_finding": _("risk finding"),
        "obligation": _("obligation"),
        "measure_eligibility": _("measure eligibility"),
        "referral": _("referral"),
        "plan_check": _("plan check"),
        "review_schedule": _("review date"),
        "risk_tier": _("risk tier"),
    }


def _shown_values(v: Violation, t: Texts) -> dict[str, str]:
    """``v.values`` as the detailed sentences show them: ids quoted, a direction, a rule kind and
    a parameter's type in words of ``t``, days and values as they are."""
    _ = t.gettext
    words = {
        "stricter": {"lower": _("lower is stricter"), "higher": _("higher is stricter")},
        "expected": {
            "int": _("a whole number"),
            "float": _("a number"),
            "str": _("a text"),
            "bool": _("true or false"),
        },
        "kind": rule_kind_names(t),
        "other_kind": rule_kind_names(t),
    }
    shown = {}
    for key, value in v.values.items():
        if key in words:
            shown[key] = words[key].get(value, value)
        else:
            shown[key] = repr(value) if key in _QUOTED_VALUES else value
    return shown


#: The library's own words: the catalog's source language.
_SOURCE = Texts("en", gettext.NullTranslations())

#: The check codes that have a sentence here.
VIOLATION_CHECKS = frozenset(_one_sided(_SOURCE)) | frozenset(_two_sided(_SOURCE))


def _basis(basis: str, t: Texts) -> str:
    """A legal basis as text: a methodological default or an illustration by its kind (its note
    is in English), a cited act as it is."""
    if basis.startswith("methodological_default: "):
        return t.gettext("methodological default, not law")
    if basis.startswith("illustrative: "):
        return t.gettext("illustrative, not law")
    return basis


#: A parameter's side of a conflict, as ``Violation.sides`` shows it: ``ID@PLUGIN``, then
#: ``=VALUE`` (the value's repr), then `` from DATE``, each of the last two when known.
_PARAMETER_SIDE = re.compile(
    r"(?P<name>[^@]+)@(?P<plugin>[^=]+?)(?:=(?P<value>.+?)(?: from (?P<day>\d{4}-\d{2}-\d{2}))?)?",
    flags=re.DOTALL,
)


def _side(v: Violation, which: int, t: Texts) -> str:
    """One side of a two-sided violation (0: the other side, 1: the subject) with its plugin and
    legal basis."""
    name = v.other if which == 0 else v.subject
    plugin = v.other_plugin if which == 0 else v.plugin
    shown = repr(name)
    found = _PARAMETER_SIDE.fullmatch(v.sides[which]) if v.sides is not None else None
    if found is not None and found["name"] == name:
        args = {"name": repr(name), "plugin": repr(found["plugin"]), "value": found["value"]}
        if found["day"] is not None:
            text = t.gettext("{name} = {value} of plugin {plugin}, from {day}")
            shown = text.format(**args, day=found["day"])
        elif found["value"] is not None:
            shown = t.gettext("{name} = {value} of plugin {plugin}").format(**args)
        else:
            shown = t.gettext("{name} of plugin {plugin}").format(**args)
    elif v.subject_kind != "policy" and plugin is not None:
        shown = t.gettext("{name} of plugin {plugin}").format(name=shown, plugin=repr(plugin))
    basis = v.bases[which] if len(v.bases) == 2 else ""
    return f"{shown} [{_basis(basis, t)}]" if basis else shown


def violation_sentence(v: Violation, t: Texts) -> str:
    """One violation in words of ``t``: by its ``check``, with the ids of its fields; in English,
    or for a check without a sentence here, :attr:`~atbalsts.errors.Violation.message`."""
    if t.lang == "en":
        return v.message
    namespace = ":" if v.check == "code-namespace" else "."
    values = {
        "subject": repr(v.subject),
        "plugin": repr(v.plugin),
        "prefix": repr(f"{v.plugin}{namespace}"),
        "other": repr(v.other),
    }
    sentence = _one_sided(t).get(v.check)
    if sentence is None and v.other is not None:
        sentence = _two_sided(t).get(v.check)
        values |= {"first": _side(v, 0, t), "second": _side(v, 1, t)}
    if sentence is None:
        return v.message
    detailed = _detailed(t).get(v.check) if v.values else None
    if detailed is not None:
        try:
            return detailed.format(**values, **_shown_values(v, t))
        except (KeyError, IndexError, ValueError):
            pass  # values of another shape, or a translation that does not fit: the plain one
    try:
        return sentence.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation that does not fit its values
        return v.message


def message_lines(err: PolicyError, t: Texts) -> list[str]:
    """``err``'s message in words of ``t``, as lines (without ``error:``): one violation as one
    sentence; several under a line that counts them, one a line. In English, or without
    violations, the library's message as it is."""
    if t.lang == "en" or not err.violations:
        return str(err).split("\n")
    said = [violation_sentence(v, t) for v in err.violations]
    if len(said) == 1:
        return said
    head = t.ngettext(
        "the policy set cannot be built ({n} violation):",
        "the policy set cannot be built ({n} violations):",
        len(said),
    ).format(n=len(said))
    return [head, *(f"  - {line}" for line in said)]


def violation_lines(err: PolicyError, t: Texts) -> list[str]:
    """``err`` as the command prints it, in the language of ``t``: ``error:`` and, for several
    violations, a line that counts them, then one line per violation."""
    first, *rest = message_lines(err, t)
    return [t.gettext("error: {message}").format(message=first), *rest]
