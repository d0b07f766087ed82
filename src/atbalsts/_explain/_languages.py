"""The languages of the explanations and of the command, known without loading the catalogs or
the documents (the command's parser offers them before it imports anything else)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from atbalsts.codes import Lang

__all__ = ["LANGUAGES"]

LANGUAGES: tuple[Lang, ...] = ("lv", "en")
