"""Role and institution labels inside a sentence.

The code lists write each label as a heading (``Klases audzinātājs``, ``Bāriņtiesa``); inside a
sentence a label that names a kind of body or person is in lower case (``veic klases
audzinātājs``), a proper name keeps its capital (``Valsts policija``). The lifecycle messages of
the command say labels by this rule too (``atbalsts.cli._workflow_words``).
"""

from __future__ import annotations

__all__ = ["PROPER_NAMES", "in_sentence", "with_aside"]

#: The national codes (roles, institutions) whose label is a proper name, written with its
#: capital inside a sentence too.
PROPER_NAMES = frozenset({"state_police", "vbtai", "ikvd", "viis", "childrens_protection_centre"})


def in_sentence(label: str, code: str) -> str:
    """``label`` of ``code`` as written inside a sentence: in lower case, but a proper name
    (:data:`PROPER_NAMES`) and the label of a municipality's own code (``bauska:...``, which may
    begin with a place's name) as the code list writes it."""
    if code in PROPER_NAMES or ":" in code:
        return label
    return label[:1].lower() + label[1:]


def with_aside(text: str, aside: str, sep: str = "; ") -> str:
    """``text (aside)``; when ``text`` ends in a bracket of its own, ``aside`` goes inside it
    after ``sep`` (``… (jebkura iemesla dēļ; mācību darba … riski)``), so that no two
    brackets stand side by side."""
    if text.endswith(")"):
        return f"{text[:-1]}{sep}{aside})"
    return f"{text} ({aside})"
