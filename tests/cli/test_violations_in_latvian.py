"""The command says why a policy set cannot be built in Latvian by default: each
:class:`~atbalsts.errors.Violation` by its check code, with the subject, its plugin, the other side
and both legal bases filled in from the violation's fields, and no English left; `--lang en` prints
the library's message as it was. Every check code has its sentence, and a faulty plugin installed
for every one of them is said so through `atbalsts rules` (and `policies`, `evaluate`)."""

from __future__ import annotations

import gettext
import inspect
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import VALID_CASE
from tests.engine.fixtures import (
    ADULT_AGE,
    BAUSKA_RULES,
    BAUSKA_VALUES,
    FIXTURE_RULES,
    INFORM_BOARD,
    LESSONS_LIMIT,
    RECORD_IN_VIIS,
    FakeEntryPoint,
    FixturePlugin,
    fake_entry_points,
    local_codes,
    parameters,
    registry,
    value,
)

from atbalsts.cli import main
from atbalsts.cli._errors import error_lines
from atbalsts.cli._i18n import Texts, texts
from atbalsts.cli._violations import (
    VIOLATION_CHECKS,
    _two_sided,
    message_lines,
    violation_lines,
    violation_sentence,
)
from atbalsts.codes import Code
from atbalsts.errors import PolicyConflict, PolicyError, Violation
from atbalsts.policy import (
    BasisKind,
    DecisionKind,
    Facts,
    LegalBasis,
    Parameter,
    Params,
    Rule,
    rule,
)

LV = texts("lv")
EN = texts("en")
#: The library's words as the catalog's source.
SOURCE = Texts("en", gettext.NullTranslations())

#: The plugin at fault, and the municipality it governs.
NAME = "bauska"


def _rule(
    rule_id: str,
    *,
    kind: DecisionKind = DecisionKind.OBLIGATION,
    basis: LegalBasis = BAUSKA_RULES,
    **kwargs: Any,
) -> Rule:
    @rule(rule_id, kind=kind, legal_basis=basis, **kwargs)
    def decide(f: Facts, p: Params) -> None:
        return None

    return decide


def _plugin(**kwargs: Any) -> FixturePlugin:
    return FixturePlugin(NAME, municipality=NAME, **kwargs)


def _param(
    pid: str,
    v: object,
    basis: LegalBasis = BAUSKA_VALUES,
    *,
    since: date = date(2024, 1, 1),
    plugin: str = NAME,
    **table: Any,
) -> tuple[Parameter, ...]:
    """A parameter of ``plugin`` with one value, ``v`` from ``since``."""
    return parameters(plugin, {"id": pid, "values": [value(since, v, basis)], **table})


CAMP = Code(f"{NAME}:summer_camp", "Vasaras nometne", "Summer camp")


def _codes(**lists: list[Code]) -> dict[str, tuple[Code, ...]]:
    return {**local_codes(NAME), **{k: tuple(v) for k, v in lists.items()}}


#: For every check code, the plugins that break it, and it alone, in the set of NAME.
FAULTS: dict[str, Callable[[], list[FixturePlugin]]] = {
    "rule-namespace": lambda: [_plugin(rules=[_rule("cesis.absence.x")])],
    "unknown-fact": lambda: [
        _plugin(rules=[_rule(f"{NAME}.absence.typo", reads=("unjustfied_lessons",))])
    ],
    "protected-fact": lambda: [
        _plugin(
            rules=[
                _rule(f"{NAME}.risk.language", kind=DecisionKind.RISK_FINDING, reads=("languages",))
            ]
        )
    ],
    "local-mandatory": lambda: [_plugin(rules=[_rule(f"{NAME}.absence.must", mandatory=True)])],
    "duplicate-rule": lambda: [
        _plugin(rules=[_rule(f"{NAME}.absence.twice"), _rule(f"{NAME}.absence.twice")])
    ],
    "override-missing": lambda: [
        _plugin(rules=[_rule(f"{NAME}.absence.ghost", overrides="lv.absence.no_such_rule")])
    ],
    "mandatory-override": lambda: [
        _plugin(rules=[_rule(f"{NAME}.absence.board", overrides=INFORM_BOARD)])
    ],
    "override-kind": lambda: [
        _plugin(
            rules=[
                _rule(f"{NAME}.risk.viis", kind=DecisionKind.RISK_FINDING, overrides=RECORD_IN_VIIS)
            ]
        )
    ],
    "double-override": lambda: [
        _plugin(
            rules=[
                _rule(f"{NAME}.absence.viis_a", overrides=RECORD_IN_VIIS),
                _rule(f"{NAME}.absence.viis_b", overrides=RECORD_IN_VIIS),
            ]
        )
    ],
    "parameter-namespace": lambda: [_plugin(params=_param("cesis.absence.limit", 3))],
    "duplicate-parameter": lambda: [_plugin(params=2 * _param(f"{NAME}.absence.limit", 3))],
    "parameter-policy": lambda: [_plugin(params=_param(LESSONS_LIMIT, 30, change="free"))],
    "parameter-changed-twice": lambda: [
        _plugin(params=_param(LESSONS_LIMIT, 10)),
        FixturePlugin("extra", params=_param(LESSONS_LIMIT, 15, FIXTURE_RULES, plugin="extra")),
    ],
    "parameter-type": lambda: [_plugin(params=_param(LESSONS_LIMIT, "10"))],
    "parameter-value": lambda: [_plugin(params=_param("lv.absence.board_notice_days", -3))],
    "parameter-fixed": lambda: [_plugin(params=_param(ADULT_AGE, 16))],
    "parameter-not-stricter": lambda: [_plugin(params=_param(LESSONS_LIMIT, 30))],
    "parameter-undeclared": lambda: [
        _plugin(rules=[_rule(f"{NAME}.absence.late", params=(f"{NAME}.absence.missing",))])
    ],
    "parameter-coverage": lambda: [
        _plugin(
            rules=[_rule(f"{NAME}.absence.early", params=(f"{NAME}.absence.limit",))],
            params=_param(f"{NAME}.absence.limit", 5),
        )
    ],
    "code-namespace": lambda: [
        _plugin(codes=_codes(measures=[Code("cesis:summer_camp", "Vasaras nometne", "Camp")]))
    ],
    "duplicate-code": lambda: [_plugin(codes=_codes(measures=[CAMP, CAMP]))],
    "risk-group": lambda: [
        _plugin(codes=_codes(risk_factors=[Code(f"{NAME}:no_group", "Bez grupas", "No group")]))
    ],
    "unknown-measure": lambda: [
        _plugin(
            rules=[
                _rule(
                    f"{NAME}.measures.camp",
                    kind=DecisionKind.MEASURE_ELIGIBILITY,
                    measures=(f"{NAME}:no_such_camp",),
                )
            ]
        )
    ],
    "two-policies": lambda: [_plugin(), FixturePlugin(f"{NAME}-new", municipality=NAME)],
}


def _refused(check: str) -> PolicyError:
    """The error of the set of NAME with the plugins that break ``check``."""
    with pytest.raises(PolicyError) as caught:
        registry(*FAULTS[check]()).policy_set(NAME)
    return caught.value


def _install(monkeypatch: pytest.MonkeyPatch, plugins: list[FixturePlugin]) -> None:
    """Make ``plugins`` the installed ones (entry points), and the command's language its
    default."""
    for variable in ("ATBALSTS_LANG", "ATBALSTS_PLUGINS", "ATBALSTS_BLOCK_PLUGINS"):
        monkeypatch.delenv(variable, raising=False)
    fake_entry_points(monkeypatch, *(FakeEntryPoint(p.name, p) for p in plugins))


#: English words a Latvian sentence may share with the English: "no" and "to" are Latvian too,
#: "id" is the word in both, MK the Cabinet's abbreviation.
SHARED = {"no", "to", "id", "mk"}


def _words(text: str) -> set[str]:
    """The words of ``text``, leaving out what is quoted (ids, values), what is in brackets (legal
    bases, cited as they are) and codes and dates (with ``_``, ``.``, ``-``, ``:`` or digits)."""
    text = re.sub(r"'[^']*'|\[[^\]]*\]", " ", text)
    tokens = re.findall(r"[\w.:-]+", text)
    words = (t.strip(".:") for t in tokens)
    return {w.lower() for w in words if w and not re.search(r"[_.:\d-]", w)}


def english_left(latvian: str, english: str) -> set[str]:
    """The words of ``english`` that ``latvian`` still holds."""
    return (_words(english) - SHARED) & _words(latvian)


def _names(v: Violation) -> list[str]:
    """What a line about ``v`` must name: the subject and its plugin, the other side and its
    plugin, and each legal basis that cites an act."""
    named = [repr(v.subject), repr(v.plugin)]
    if v.other is not None:
        named.append(repr(v.other))
    if v.other_plugin is not None:
        named.append(repr(v.other_plugin))
    named += [b for b in v.bases if b and not b.startswith(("methodological", "illustrative"))]
    # and what its reason says beyond the fields: ids quoted, days, values and codes as they are
    ids = {"fact", "overrides", "parameter", "list", "measure", "municipality", "distribution"}
    for key, shown in v.values.items():
        if key in {"stricter", "expected", "kind", "other_kind"}:  # said in words: apart
            continue
        named.append(repr(shown) if key in ids | {"other_distribution"} else shown)
    return named


#: The checks whose violations carry values (Violation's docstring lists them).
DETAILED = {
    "unknown-fact",
    "override-missing",
    "double-override",
    "override-kind",
    "parameter-type",
    "parameter-value",
    "parameter-not-stricter",
    "parameter-undeclared",
    "parameter-coverage",
    "code-namespace",
    "duplicate-code",
    "unknown-measure",
    "two-policies",
}


@pytest.mark.parametrize("check", sorted(DETAILED))
def test_a_detail_the_reason_says_is_in_the_values_and_said_in_latvian(check: str) -> None:
    """What only the English reason said before (which fact, parameter, value, list...) is in the
    violation's values, and the Latvian line names it instead of sending the reader to English."""
    (v,) = _refused(check).violations
    assert v.values, check
    for detail in v.values.values():
        assert detail in v.reason or check in {"parameter-not-stricter", "code-namespace"}, (
            detail,
            v.reason,
        )
    latvian = violation_sentence(v, LV)
    assert "--lang en" not in latvian or check == "parameter-value"
    for named in _names(v):
        assert named in latvian, (named, latvian)
    if check == "parameter-not-stricter":
        assert "stingrāka ir" in latvian


def test_a_violation_without_values_is_said_by_the_plain_sentence() -> None:
    """A Violation made without values (by another program) still has its Latvian sentence."""
    v = Violation("unknown-fact", "x.rule", "x", "reads unknown fact 'y'")
    assert "--lang en" in violation_sentence(v, LV)
    assert "'x.rule'" in violation_sentence(v, LV)


# -- the sentences --------------------------------------------------------------------------------


def _documented_checks() -> set[str]:
    """The check codes the Violation docstring lists, each as a definition-list term."""
    doc = inspect.getdoc(Violation) or ""
    return set(re.findall(r"^``([a-z-]+)``$", doc, flags=re.MULTILINE))


def test_every_documented_check_has_a_latvian_sentence_and_a_faulty_plugin() -> None:
    documented = _documented_checks()
    assert len(documented) >= 24
    assert documented == VIOLATION_CHECKS
    assert set(FAULTS) == VIOLATION_CHECKS


@pytest.mark.parametrize("check", sorted(FAULTS))
def test_every_violation_is_said_in_latvian_naming_its_sides(check: str) -> None:
    err = _refused(check)
    (v,) = err.violations
    assert v.check == check
    (latvian,) = violation_lines(err, LV)
    assert latvian.startswith("kļūda: ")
    assert latvian != f"kļūda: {v.message}"
    assert not english_left(latvian, v.message), latvian
    for named in _names(v):
        assert named in latvian, (named, latvian)
    # English: what the command printed before, the library's message.
    assert violation_lines(err, EN) == [f"error: {err}"]
    assert violation_lines(err, EN) == error_lines(err, EN)


@pytest.mark.parametrize("check", sorted(FAULTS))
def test_rules_says_every_violation_in_latvian_by_default_and_english_with_lang_en(
    check: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(check)
    _install(monkeypatch, FAULTS[check]())
    assert main(["rules", "--municipality", NAME]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.splitlines() == violation_lines(err, LV)
    assert main(["rules", "--municipality", NAME, "--lang", "en"]) == 2
    assert capsys.readouterr().err == f"error: {err}\n"


def test_a_methodological_basis_is_said_by_its_kind_not_its_english_note() -> None:
    default = LegalBasis(
        kind=BasisKind.METHODOLOGICAL_DEFAULT, note="Chosen by the board as a start."
    )
    plugin = _plugin(rules=[_rule(f"{NAME}.absence.board", basis=default, overrides=INFORM_BOARD)])
    with pytest.raises(PolicyConflict) as caught:
        registry(plugin).policy_set(NAME)
    (latvian,) = violation_lines(caught.value, LV)
    assert "[metodoloģisks pieņēmums, nav tiesību norma]" in latvian
    assert "Chosen" not in latvian
    assert "Chosen by the board" in violation_lines(caught.value, EN)[0]


def test_a_parameter_side_names_its_value_plugin_and_date() -> None:
    (latvian,) = violation_lines(_refused("parameter-not-stricter"), LV)
    assert f"'{LESSONS_LIMIT}' = 20 (spraudnis 'lv', no 2011-02-01) [MK" in latvian
    assert (
        f"'{LESSONS_LIMIT}' = 30 (spraudnis '{NAME}', no 2024-01-01) [{BAUSKA_VALUES}]" in latvian
    )
    (fixed,) = violation_lines(_refused("parameter-fixed"), LV)
    assert f"'{ADULT_AGE}' = 16 (spraudnis '{NAME}') [{BAUSKA_VALUES}]" in fixed
    (twice,) = violation_lines(_refused("parameter-changed-twice"), LV)
    assert f"'{LESSONS_LIMIT}' (spraudnis 'extra')" in twice


# -- several violations ---------------------------------------------------------------------------


def test_several_violations_are_counted_then_said_one_a_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plugin = _plugin(
        rules=[_rule(f"{NAME}.absence.board", overrides=INFORM_BOARD), _rule("cesis.absence.x")],
        params=_param(LESSONS_LIMIT, 30),
    )
    with pytest.raises(PolicyConflict) as caught:
        registry(plugin).policy_set(NAME)
    err = caught.value
    assert len(err.violations) == 3
    _install(monkeypatch, [plugin])
    assert main(["rules", "--municipality", NAME]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "kļūda: regulējuma kopu nevar izveidot (3 pārkāpumi):"
    assert len(lines) == 4
    for line, v in zip(lines[1:], err.violations, strict=True):
        assert line.startswith("  - ")
        assert not english_left(line, v.message), line
        assert repr(v.subject) in line
    assert main(["rules", "--municipality", NAME, "--lang", "en"]) == 2
    english = capsys.readouterr().err
    assert english == f"error: {err}\n"
    assert english.startswith("error: the policy set cannot be built (3 violations):\n  - ")


_ids = st.from_regex(r"[a-z]{1,8}\.[a-z_]{1,12}", fullmatch=True)


@st.composite
def _violations(draw: st.DrawFn) -> Violation:
    two = draw(st.booleans())
    check = draw(st.sampled_from(sorted(VIOLATION_CHECKS | {"no-such-check"})))
    return Violation(
        check,
        draw(_ids),
        draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True)),
        draw(st.text(max_size=40)),
        subject_kind=draw(st.sampled_from(["rule", "parameter", "code"])),
        other=draw(_ids) if two else None,
        other_plugin="lv" if two else None,
        bases=("MK noteikumi Nr. 89, 5. punkts", "Saistošie noteikumi Nr. 7") if two else (),
    )


@given(st.lists(_violations(), min_size=1, max_size=30))
def test_every_violation_has_its_own_line_naming_its_subject(found: list[Violation]) -> None:
    err = PolicyError(violations=found)
    latvian = violation_lines(err, LV)
    english = violation_lines(err, EN)
    assert "\n".join(english) == f"error: {err}"
    if len(found) == 1:
        assert latvian[0].startswith("kļūda: ")
        said = [latvian[0].removeprefix("kļūda: ")]
    else:
        n = len(found)
        form = "pārkāpums" if n % 10 == 1 and n % 100 != 11 else "pārkāpumi"
        assert latvian[0] == f"kļūda: regulējuma kopu nevar izveidot ({n} {form}):"
        said = [line.removeprefix("  - ") for line in latvian[1:]]
    assert len(said) == len(found)
    two_sided = set(_two_sided(SOURCE))
    for line, v in zip(said, found, strict=True):
        if v.check in VIOLATION_CHECKS and (v.other is not None or v.check not in two_sided):
            assert line != v.message
            assert repr(v.subject) in line
            assert repr(v.plugin) in line
        else:
            assert line == v.message


def test_a_check_without_a_sentence_is_shown_as_the_library_wrote_it() -> None:
    v = Violation("some-new-check", "bauska.x", NAME, "is wrong in a new way")
    err = PolicyError(violations=[v])
    assert violation_lines(err, LV) == [f"kļūda: {v.message}"]
    two = Violation("mandatory-override", "bauska.x", NAME, "a reason")  # no other side
    assert message_lines(PolicyError(violations=[two]), LV) == [two.message]


def test_an_error_without_violations_is_shown_as_before() -> None:
    err = PolicyConflict("two policies govern municipality 'broken'", "a", "b", ())
    assert error_lines(err, LV) == [f"kļūda: {err}"]
    assert error_lines(err, EN) == [f"error: {err}"]


# -- the other commands ---------------------------------------------------------------------------


def test_policies_says_why_a_set_cannot_be_built_in_latvian_and_json_keeps_english(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused("mandatory-override")
    _install(monkeypatch, FAULTS["mandatory-override"]())
    assert main(["policies"]) == 0
    lines = capsys.readouterr().out.splitlines()
    (said,) = [line for line in lines if line.startswith(f"{NAME}: ")]
    assert said == f"{NAME}: nevar izveidot: {violation_lines(err, LV)[0].removeprefix('kļūda: ')}"
    assert main(["policies", "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    (said,) = [line for line in lines if line.startswith(f"{NAME}: ")]
    assert said == f"{NAME}: cannot be built: {err}"
    assert main(["policies", "--format", "json"]) == 0
    rows = {p["name"]: p for p in json.loads(capsys.readouterr().out)["policies"]}
    assert rows[NAME]["problem"] == str(err)


def test_evaluate_says_the_violation_in_latvian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused("local-mandatory")
    _install(monkeypatch, FAULTS["local-mandatory"]())
    case = tmp_path / "case.json"
    case.write_text(json.dumps(VALID_CASE), encoding="utf-8")
    assert main(["evaluate", str(case), "--municipality", NAME]) == 2
    assert capsys.readouterr().err.splitlines() == violation_lines(err, LV)
    assert main(["evaluate", str(case), "--municipality", NAME, "--lang", "en"]) == 2
    assert capsys.readouterr().err == f"error: {err}\n"
