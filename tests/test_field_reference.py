"""The field reference vendors read without building the docs: ``schemas/fields.md``, generated
from the models like the schemas beside it, and current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from atbalsts.cli._fields import field_reference
from atbalsts.schema import DOCUMENTS

COMMITTED = Path(__file__).resolve().parents[1] / "schemas" / "fields.md"
REGENERATE = ".venv/bin/atbalsts schema -o schemas"


def test_the_committed_field_reference_is_current() -> None:
    assert COMMITTED.is_file(), f"schemas/fields.md is missing: run `{REGENERATE}`"
    assert COMMITTED.read_text(encoding="utf-8") == field_reference(), (
        f"schemas/fields.md is stale: a model changed. Run `{REGENERATE}` and commit the result."
    )


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_field_of_every_document_has_a_row(name: str) -> None:
    text = field_reference(name)
    assert f"## {name}\n" in text
    model = DOCUMENTS[name]
    section = text.split(f"### {model.__name__}\n", 1)[1].split("\n### ", 1)[0]
    rows = re.findall(r"^\| `([a-z_0-9]+)` \|", section, flags=re.MULTILINE)
    assert rows == list(model.model_fields)


def test_every_link_points_at_a_table_and_every_model_has_one() -> None:
    text = field_reference()
    headings = set(re.findall(r"^#{2,3} (\S+)$", text, flags=re.MULTILINE))
    anchors = {h.lower() for h in headings}
    links = set(re.findall(r"\]\(#([a-z0-9-]+)\)", text))
    assert links <= anchors, sorted(links - anchors)
    named = set(re.findall(r"\[`(\w+)`\]\(#", text))
    assert named <= headings


def test_every_row_has_as_many_cells_as_its_header() -> None:
    cells = 0
    for line in field_reference().splitlines():
        if not line.startswith("|"):
            cells = 0
            continue
        count = len(re.findall(r"(?<!\\)\|", line)) - 1
        if cells == 0:
            cells = count  # the header
        assert count == cells, line


def test_a_nested_model_shows_its_type_default_and_classification() -> None:
    text = field_reference("support-case")
    learner = text.split("### Learner\n", 1)[1].split("\n### ", 1)[0]
    birth = next(line for line in learner.splitlines() if line.startswith("| `birth_date`"))
    assert "date (YYYY-MM-DD)" in birth
    assert "required" in birth
    assert "**personal**" in birth or "**sensitive**" in birth


def test_a_model_in_two_documents_is_described_once() -> None:
    text = field_reference()
    for heading in re.findall(r"^### (\S+)$", text, flags=re.MULTILINE):
        assert text.count(f"\n### {heading}\n") == 1, heading
