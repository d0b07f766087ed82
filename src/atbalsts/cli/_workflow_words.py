"""The words ``atbalsts transition`` and ``atbalsts audit`` share: a document's kind, a list
the library writes comma-separated, and the library's own words as the catalog's source."""

from __future__ import annotations

import gettext

from atbalsts.cli._i18n import Texts

__all__ = ["SOURCE", "document_kind", "items"]


#: The library's own words: the catalog's source language, what each sentence is looked up by.
SOURCE = gettext.NullTranslations()


def items(text: str) -> list[str]:
    """A comma-separated value as its items."""
    return [item for item in text.split(",") if item]


def document_kind(kind: str, t: Texts) -> str:
    """A document's kind (``support-plan``, ``referral``, ``consent``) in words of ``t``."""
    _ = t.gettext
    kinds = {"support-plan": _("support-plan"), "referral": _("referral"), "consent": _("consent")}
    return kinds.get(kind, kind)
