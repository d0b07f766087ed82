"""``atbalsts batch --role ROLE``: every decision written as what that role may see of it, as
:func:`atbalsts.batch.evaluate_file` writes it with ``role=``; an unknown role is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from atbalsts import PolicyRegistry
from atbalsts.batch import evaluate_file
from atbalsts.cli import main
from atbalsts.privacy import ViewRole

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: A family finding (economic group, category family) of example 06, with a family fact
#: (``needy_family``) as its evidence: a social pedagogue sees it, a class teacher does not.
FAMILY_FACTOR = "material_circumstances"

#: Example 06 first (the family finding), then two others.
CASES = ("06-parauga", "03-parauga", "01-bauska")


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command's English messages; the default language is Latvian."""
    monkeypatch.setenv("ATBALSTS_LANG", "en")


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    lines = []
    for name in CASES:
        (path,) = sorted(EXAMPLES.glob(f"{name}*.json"))
        lines.append(json.dumps(json.loads(path.read_text(encoding="utf-8"))))
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source


def _batch(source: Path, out: Path, *options: str) -> list[dict[str, Any]]:
    assert main(["batch", str(source), "--jobs", "1", "-o", str(out), *options]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _factors(record: dict[str, Any]) -> set[str]:
    return {finding["factor"] for finding in record.get("findings", [])}


def _facts(node: Any) -> set[str]:
    """Every fact named as evidence anywhere in ``node`` (findings, trace rows)."""
    if isinstance(node, dict):
        found = {node["fact"]} if isinstance(node.get("fact"), str) else set()
        return found.union(*(_facts(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_facts(item) for item in node))
    return set()


def test_a_class_teacher_does_not_get_the_family_finding_a_social_pedagogue_gets(
    cases: Path, tmp_path: Path
) -> None:
    teacher = _batch(cases, tmp_path / "teacher.jsonl", "--role", "class_teacher")
    pedagogue = _batch(cases, tmp_path / "pedagogue.jsonl", "--role", "social_pedagogue")
    for records, role in ((teacher, "class_teacher"), (pedagogue, "social_pedagogue")):
        *decisions, summary = records
        assert [d["line"] for d in decisions] == [1, 2, 3]
        assert all(d["view"]["role"] == role for d in decisions)
        assert not any("rule_table" in d for d in decisions)  # a view is whole: no tables
        assert summary["summary"]["evaluated"] == len(CASES)
    assert FAMILY_FACTOR in _factors(pedagogue[0])
    assert FAMILY_FACTOR not in _factors(teacher[0])
    assert "unjustified_absences" in _factors(teacher[0])  # what the teacher may see stays
    assert "needy_family" in _facts(pedagogue[0])  # the family fact, as evidence
    assert "needy_family" not in _facts(teacher[0])
    assert "unjustified_lessons" in _facts(teacher[0])


def test_the_command_writes_what_the_library_writes_for_the_role(
    cases: Path, tmp_path: Path
) -> None:
    by_command = tmp_path / "command.jsonl"
    by_library = tmp_path / "library.jsonl"
    _batch(cases, by_command, "--role", "social_pedagogue")
    evaluate_file(
        cases, by_library, as_of=None, registry=PolicyRegistry.load(), role="social_pedagogue"
    )
    assert by_command.read_bytes() == by_library.read_bytes()


def test_without_a_role_the_batch_writes_the_hosts_own_record(cases: Path, tmp_path: Path) -> None:
    records = _batch(cases, tmp_path / "host.jsonl")
    assert any("rule_table" in r for r in records)
    decisions = [r for r in records if "learner_id" in r]
    assert len(decisions) == len(CASES)
    assert not any("view" in d for d in decisions)
    assert FAMILY_FACTOR in _factors(decisions[0])


def test_an_unknown_role_is_refused_naming_the_roles(
    cases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    with pytest.raises(SystemExit) as stopped:
        main(["batch", str(cases), "-o", str(out), "--role", "nurse"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "argument --role: invalid choice: 'nurse'" in error
    assert all(repr(role.value) in error for role in ViewRole)
    assert not out.exists()


def test_a_role_and_self_contained_exclude_each_other(
    cases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    with pytest.raises(SystemExit) as stopped:
        main(["batch", str(cases), "-o", str(out), "--self-contained", "--role", "police"])
    assert stopped.value.code == 2
    assert "not allowed with argument --self-contained" in capsys.readouterr().err
    assert not out.exists()


def test_the_help_of_batch_offers_every_role_in_both_languages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shown = {}
    for lang in ("en", "lv"):
        with pytest.raises(SystemExit):
            main(["batch", "--help", "--lang", lang])
        shown[lang] = " ".join(capsys.readouterr().out.split())
    choices = "{" + ",".join(role.value for role in ViewRole) + "}"
    assert all(f"--role {choices}" in text for text in shown.values())
    assert "write each decision as only what this role may see of it" in shown["en"]
    assert "rakstīt katru lēmumu tikai ar to, ko šī loma drīkst no tā redzēt" in shown["lv"]


def test_an_output_written_for_a_role_is_not_resumed(cases: Path, tmp_path: Path) -> None:
    """Its records are views: they may not hold what the summary counts."""
    from atbalsts.batch import evaluate_file
    from atbalsts.errors import AtbalstsError

    out = tmp_path / "teacher.jsonl"
    _batch(cases, out, "--role", "class_teacher")
    before = out.read_bytes()
    with pytest.raises(AtbalstsError, match="--resume and --role do not go together"):
        evaluate_file(cases, out, as_of=None, registry=None, role="class_teacher", resume=True)
    assert out.read_bytes() == before
