"""Readable explanations of a Decision in Latvian and English (behind :func:`atbalsts.explain`).

Sentences come from the catalogs in ``locales/`` (extracted and compiled with Babel; see
CONTRIBUTING.md); the names of codes (measures, roles, reasons, ...) come from the code lists,
which carry both languages.

:data:`LANGUAGES` is cheap to import; the renderer (and the documents it reads) is imported the
first time :func:`explain` or :func:`translator` is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from atbalsts._explain._languages import LANGUAGES

if TYPE_CHECKING:
    from atbalsts._explain._facts import FactWords, fact_in_words, phrases, say
    from atbalsts._explain._names import PROPER_NAMES, in_sentence, with_aside
    from atbalsts._explain._render import (
        deadline_words,
        explain,
        lateness,
        recipients_in_words,
        translator,
    )

__all__ = [
    "LANGUAGES",
    "PROPER_NAMES",
    "FactWords",
    "deadline_words",
    "explain",
    "fact_in_words",
    "in_sentence",
    "lateness",
    "phrases",
    "recipients_in_words",
    "say",
    "translator",
    "with_aside",
]

_LAZY = {
    "explain": "_render",
    "translator": "_render",
    "deadline_words": "_render",
    "lateness": "_render",
    "recipients_in_words": "_render",
    "PROPER_NAMES": "_names",
    "in_sentence": "_names",
    "with_aside": "_names",
    "FactWords": "_facts",
    "fact_in_words": "_facts",
    "phrases": "_facts",
    "say": "_facts",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is not None:
        from importlib import import_module

        value: object = getattr(import_module(f"atbalsts._explain.{module}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
