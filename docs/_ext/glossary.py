"""A tiny Sphinx extension: the Latvian-English glossary, generated from the code lists.

The directive ``atbalsts-glossary`` renders one section with one table per code list of
:data:`atbalsts.codes.CODE_LISTS` (code, Latvian, English, group where the list has groups,
source). The tables are built from the code at every build, so the glossary cannot drift from the
labels the library shows. In MyST::

    ```{atbalsts-glossary}
    ```

    ```{atbalsts-glossary} measures roles
    ```

With no argument every list is rendered, in the order of ``CODE_LISTS``; with arguments only the
named lists, in the order given. An unknown name is a build error that lists the known ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

import atbalsts.codes
from atbalsts.codes import CODE_LISTS, Code, CodeList

__all__ = ["AtbalstsGlossary", "setup"]

#: What each list is, for the table caption.
CAPTIONS: dict[str, str] = {
    "risk_groups": "Risk groups (riska grupas)",
    "risk_factors": "Risk factors (riska faktori)",
    "measures": "Support measures (atbalsta pasākumi)",
    "roles": "Roles (lomas)",
    "institutions": "Institutions (iestādes)",
    "reasons": "Reasons in decisions (pamatojumi)",
    "actions": "Actions in obligations (darbības)",
}


def _cell(*children: nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    entry += nodes.paragraph("", "", *children)
    return entry


def _text(value: str) -> nodes.entry:
    return _cell(nodes.Text(value or "–"))


def _row(code: Code, columns: list[str], list_name: str) -> nodes.row:
    row = nodes.row(ids=[nodes.make_id(f"code-{list_name}-{code.code}")])
    row += _cell(nodes.literal(code.code, code.code))
    row += _text(code.lv)
    row += _text(code.en)
    if "Group" in columns:
        row += _cell(nodes.literal(code.group, code.group)) if code.group else _text("")
    row += _text(code.source)
    return row


def _list_ref(name: str) -> nodes.Node:
    text = f"CODE_LISTS[{name!r}]"
    return nodes.literal(text, text)


def _table(list_name: str, codes: CodeList) -> nodes.table:
    has_group = any(code.group for code in codes)
    columns = ["Code", "Latvian", "English", *(["Group"] if has_group else []), "Source"]
    widths = [22, 30, 30, *([18] if has_group else []), 14]

    table = nodes.table()
    group = nodes.tgroup(cols=len(columns))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    header = nodes.row()
    for name in columns:
        header += _text(name)
    head += header
    group += head
    body = nodes.tbody()
    for code in codes:
        body += _row(code, columns, list_name)
    group += body
    return table


class AtbalstsGlossary(SphinxDirective):
    """Render the named code lists (default: all) as glossary tables."""

    has_content = False
    required_arguments = 0
    optional_arguments = len(CODE_LISTS)
    option_spec: ClassVar[dict[str, Any]] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        names = self.arguments or list(CODE_LISTS)
        unknown = [name for name in names if name not in CODE_LISTS]
        if unknown:
            raise self.error(
                f"unknown code list(s) {', '.join(unknown)}; known: {', '.join(CODE_LISTS)}"
            )
        # Rebuild this page whenever a code list changes.
        for path in _code_modules():
            self.env.note_dependency(str(path))
        out: list[nodes.Node] = []
        for name in names:
            codes = CODE_LISTS[name]
            section = nodes.section(ids=[nodes.make_id(f"glossary-{name}")])
            section += nodes.title("", CAPTIONS.get(name, name))
            section += nodes.paragraph(
                "", "", nodes.Text(f"{len(codes)} codes; Python: "), _list_ref(name)
            )
            table = _table(name, codes)
            table["classes"] += self.options.get("class", [])
            section += table
            out.append(section)
        return out


def _code_modules() -> list[Path]:
    package = Path(atbalsts.codes.__file__ or "").resolve().parent
    return sorted(package.glob("*.py"))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the ``atbalsts-glossary`` directive."""
    app.add_directive("atbalsts-glossary", AtbalstsGlossary)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
