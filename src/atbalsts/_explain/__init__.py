"""Readable explanations of a Decision in Latvian and English (behind :func:`atbalsts.explain`).

Sentences come from the catalogs in ``locales/`` (extracted and compiled with Babel; see
CONTRIBUTING.md); the names of codes (measures, roles, reasons, ...) come from the code lists,
which carry both languages.
"""

from __future__ import annotations

from atbalsts._explain._render import LANGUAGES, explain, translator

__all__ = ["LANGUAGES", "explain", "translator"]
