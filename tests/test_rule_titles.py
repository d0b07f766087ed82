"""Every rule title is one whole sentence: what ``atbalsts rules``, the docs and explanations show.

A title is given to ``@rule(title=...)`` or, by default, is the first line of the rule function's
docstring. A docstring whose first sentence runs on to the next line gives a title cut
mid-sentence ("... the director, (except state vocational"), so a title taken from the docstring
must be the whole first paragraph: a one-line summary, then a blank line, then the rest (PEP 257).

The rules checked are those of every policy installed in this environment (the national baseline
and the plugins found through the ``atbalsts`` entry points), as ``atbalsts rules`` lists them.
"""

from __future__ import annotations

import inspect

import pytest

from atbalsts import PolicyRegistry
from atbalsts.policy import Rule

MAX_LENGTH = 120

#: Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "No.", "Nr.", "Art.", "p.", "pp.", "cf.", "vs.")

RULES: list[tuple[str, Rule]] = sorted(
    (
        (declaration.info.name, r)
        for declaration in PolicyRegistry.load().declarations
        for r in declaration.rules
    ),
    key=lambda item: item[1].id,
)


def _first_paragraph(rule: Rule) -> list[str]:
    """The lines of the first paragraph of the rule function's docstring."""
    doc = inspect.cleandoc(rule.function.__doc__ or "")
    return doc.split("\n\n", 1)[0].splitlines()


def test_the_installed_policies_have_rules() -> None:
    plugins = {plugin for plugin, _ in RULES}
    assert "lv" in plugins
    assert len(RULES) >= 20


@pytest.mark.parametrize(("plugin", "rule"), RULES, ids=[r.id for _, r in RULES])
def test_title_is_one_whole_sentence(plugin: str, rule: Rule) -> None:
    title = rule.title
    where = f"rule {rule.id!r} (policy {plugin!r})"
    assert title, f"{where} has no title"
    assert title == title.strip(), f"{where}: title has leading or trailing space"
    assert "\n" not in title, f"{where}: title is not one line"
    assert len(title) <= MAX_LENGTH, f"{where}: title has {len(title)} characters (> {MAX_LENGTH})"
    assert title[0].isupper() or title[0].isdigit(), f"{where}: title starts in lower case"
    assert title.endswith("."), f"{where}: title does not end with a full stop"
    assert not title.endswith(".."), f"{where}: title ends with an ellipsis"
    assert title.split()[-1] not in ABBREVIATIONS, f"{where}: title ends with an abbreviation"
    for opening, closing in ("()", "[]"):
        assert title.count(opening) == title.count(closing), f"{where}: unbalanced {opening}"
    assert title.count('"') % 2 == 0, f"{where}: unbalanced quotation marks"


@pytest.mark.parametrize(("plugin", "rule"), RULES, ids=[r.id for _, r in RULES])
def test_title_from_the_docstring_is_not_cut(plugin: str, rule: Rule) -> None:
    paragraph = _first_paragraph(rule)
    if not paragraph or rule.title != paragraph[0].strip():
        pytest.skip("the title is given to @rule, not taken from the docstring")
    assert len(paragraph) == 1, (
        f"rule {rule.id!r} (policy {plugin!r}): the title is the docstring's first line, but its "
        f"first paragraph runs on for {len(paragraph)} lines; end the summary on the first line "
        "and leave a blank line after it"
    )
