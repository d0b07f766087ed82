"""The languages of the explanations and of the command, known without loading the catalogs or
the documents (the command's parser offers them before it imports anything else)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from atbalsts.codes import Lang

__all__ = ["DOMAIN", "LANGUAGES", "LOCALES"]

LANGUAGES: tuple[Lang, ...] = ("lv", "en")
#: The explanations' gettext catalog (the command's own is ``atbalsts_cli``), and where both are.
DOMAIN = "atbalsts"
LOCALES = Path(__file__).parent / "locales"
