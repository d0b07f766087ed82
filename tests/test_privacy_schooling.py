"""What a role sees of the learner's enrolment (school, programme, grade) is one rule: the access
matrix. A view shows the enrolment only to a role that sees schooling data, and an output made
for a role (``batch --role``) names an invalid enrolment field only where that view could show
it, so the municipal coordinator, who sees no schooling data, gets ``learner.(protected)`` for an
invalid grade. Its counts by grade come from the host's own output, not from its view. The
explanation page states the matrix, with each row's source, as the library holds it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from atbalsts.batch import iter_decisions
from atbalsts.engine import PolicyRegistry
from atbalsts.model import DataCategory, Enrolment, SupportCase, parse_python
from atbalsts.privacy import MATRIX, PROTECTED, Level, ViewRole, masked_path, view

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "01-bauska-grade7-absences.json"
PRIVACY_PAGE = ROOT / "docs" / "explanation" / "privacy.md"


def _case_data() -> dict[str, object]:
    data: dict[str, object] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("role", list(ViewRole), ids=str)
def test_a_path_into_the_enrolment_is_whole_exactly_where_the_view_shows_the_field(
    role: ViewRole,
) -> None:
    shown = view(parse_python(SupportCase, _case_data()), role=role.value)
    enrolment = shown.get("learner", {}).get("enrolment")
    sees_schooling = MATRIX[role].grants.get(DataCategory.SCHOOLING, Level.NONE) >= Level.BASIC
    assert (enrolment is not None) is sees_schooling
    for name in Enrolment.model_fields:
        path = f"learner.enrolment.{name}"
        whole = masked_path(path, role=role.value) == path
        assert whole is (enrolment is not None and name in enrolment), path
        if not whole:
            assert masked_path(path, role=role.value) == f"learner.{PROTECTED}"


def test_the_coordinators_batch_names_an_invalid_grade_as_its_view_would() -> None:
    data = _case_data()
    data["learner"]["enrolment"]["grade"] = 15  # type: ignore[index]
    line = json.dumps(data)
    registry = PolicyRegistry.load()

    def paths(role: str | None) -> list[str]:
        records = [json.loads(r.text) for r in iter_decisions([line], registry=registry, role=role)]
        [record] = [r for r in records if isinstance(r.get("invalid"), list)]
        return [row["path"] for row in record["invalid"]]

    assert paths(None) == ["learner.enrolment.grade"]
    assert paths("class_teacher") == ["learner.enrolment.grade"]
    assert paths("school_director") == ["learner.enrolment.grade"]
    assert paths("municipal_coordinator") == [f"learner.{PROTECTED}"]


_LEVELS = {"basic": Level.BASIC, "personal": Level.PERSONAL, "full": Level.FULL, "–": None}


def _documented_matrix() -> dict[str, tuple[list[str], list[str], str]]:
    """The access matrix of the privacy page: by role, its columns, its cells and its source."""
    lines = PRIVACY_PAGE.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| Role | identity |"))
    columns = [c.strip() for c in lines[header].strip("|").split("|")]
    rows: dict[str, tuple[list[str], list[str], str]] = {}
    for line in lines[header + 2 :]:
        if not line.startswith("| `"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        role = re.fullmatch(r"`(\w+)`", cells[0])
        assert role is not None, line
        rows[role.group(1)] = (columns[1:-1], cells[1:-1], cells[-1])
    return rows


def test_the_privacy_page_states_the_matrix_and_its_sources_as_the_library_holds_them() -> None:
    documented = _documented_matrix()
    assert set(documented) == {role.value for role in ViewRole}
    for role, row in MATRIX.items():
        columns, cells, source = documented[role.value]
        assert {DataCategory(c) for c in columns} == set(DataCategory)
        levels = {DataCategory(c): _LEVELS[cell] for c, cell in zip(columns, cells, strict=True)}
        assert {c: level for c, level in levels.items() if level is not None} == dict(row.grants), (
            role
        )
        assert source == row.source, role
