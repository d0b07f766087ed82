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
    from atbalsts._explain._render import explain, translator

__all__ = ["LANGUAGES", "explain", "translator"]


def __getattr__(name: str) -> object:
    if name in ("explain", "translator"):
        from atbalsts._explain import _render

        value: object = getattr(_render, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
