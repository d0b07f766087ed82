"""The words ``atbalsts transition`` and ``atbalsts audit`` share: a document's kind, the roles,
actions, statuses and approval steps of a lifecycle, a list the library writes comma-separated,
and the library's own words as the catalog's source.

In Latvian a role, an action, a status or a step is said in words, its code after it
(``klases audzinātājs (class_teacher)``, ``„iesniegt” (submit)``): the words as staff know them,
the code as a program and the documents write it. A role is said by the label of the code lists
(a role, or the institution that acts), an action or a status by the catalog, one message per
code. In English each is its code, as the library's sentences say it; so is a code without a
word here (a municipality's own role, a code of an edited chain).
"""

from __future__ import annotations

import gettext
from typing import Literal

from atbalsts._explain import in_sentence, with_aside
from atbalsts.cli._i18n import Texts

__all__ = [
    "SOURCE",
    "Case",
    "action_word",
    "document_kind",
    "items",
    "role_word",
    "status_word",
    "step_word",
]


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


def _actions(t: Texts) -> dict[str, str]:
    """The word of each action of the lifecycles (``atbalsts.workflow.PLAN``, ``REFERRAL``,
    ``CONSENT``): its code is the message, a verb a person does."""
    _ = t.gettext
    return {
        "submit": _("submit"),
        "approve": _("approve"),
        "reject": _("reject"),
        "activate": _("activate"),
        "deliver": _("deliver"),
        "review": _("review"),
        "hold": _("hold"),
        "resume": _("resume"),
        "complete": _("complete"),
        "revoke": _("revoke"),
        "enter-in-error": _("enter-in-error"),
        "send": _("send"),
        "receive": _("receive"),
        "accept": _("accept"),
        "start": _("start"),
        "fail": _("fail"),
        "cancel": _("cancel"),
        "withdraw": _("withdraw"),
        "expire": _("expire"),
    }


def _statuses(t: Texts) -> dict[str, str]:
    """The word of each status of the lifecycles: its code is the message, what the document
    is (a plan, a referral or a consent)."""
    _ = t.gettext
    return {
        "draft": _("draft"),
        "submitted": _("submitted"),
        "active": _("active"),
        "on-hold": _("on-hold"),
        "completed": _("completed"),
        "revoked": _("revoked"),
        "unknown": _("unknown"),
        "entered-in-error": _("entered-in-error"),
        "requested": _("requested"),
        "received": _("received"),
        "accepted": _("accepted"),
        "ready": _("ready"),
        "in-progress": _("in-progress"),
        "rejected": _("rejected"),
        "cancelled": _("cancelled"),
        "failed": _("failed"),
        "withdrawn": _("withdrawn"),
        "expired": _("expired"),
    }


def _with_code(word: str | None, code: str, t: Texts) -> str:
    """``word (code)`` in Latvian; the code alone in English or without a word. A word that
    ends in a bracket of its own takes the code after a comma inside it, so that no two stand
    side by side: ``valsts līmeņa koordinators (IKVD, national_coordinator)``."""
    if t.lang == "en" or not word or word == code:
        return code
    return with_aside(word, code, ", ")


def action_word(code: str, t: Texts) -> str:
    """An action of a lifecycle in words of ``t``, quoted (a verb's infinitive read bare inside
    a sentence reads as part of it: „sākt īstenot”), its code after it."""
    word = _actions(t).get(code)
    if t.lang != "en" and word and word != code:
        word = f"„{word}”"
    return _with_code(word, code, t)


def status_word(code: str, t: Texts) -> str:
    """A status of a lifecycle in words of ``t``, its code after it."""
    return _with_code(_statuses(t).get(code), code, t)


def role_word(code: str, t: Texts) -> str:
    """A role in words of ``t``, its code after it: the label of the code lists' role, or of the
    institution that acts in it (a referral's recipient), as written inside a sentence."""
    if t.lang == "en":
        return code
    from atbalsts.codes import CODE_LISTS

    for names in (CODE_LISTS["roles"], CODE_LISTS["institutions"]):
        if code in names:
            return _with_code(in_sentence(names.label(code, "lv"), code), code, t)
    return code


#: Who takes each approval step, in the Latvian cases a sentence about an approval needs besides
#: the nominative of the code lists: the genitive (whose approval: „plāna autora
#: apstiprinājums”) and the dative (to whom it falls: „jāapstiprina pašvaldības
#: koordinatoram”).
_STEP_CASES_LV: dict[str, dict[str, str]] = {
    "author": {"genitive": "plāna autora", "dative": "plāna autoram"},
    "school_director": {
        "genitive": "izglītības iestādes direktora",
        "dative": "izglītības iestādes direktoram",
    },
    "municipal_coordinator": {
        "genitive": "pašvaldības koordinatora",
        "dative": "pašvaldības koordinatoram",
    },
    "national_coordinator": {
        "genitive": "valsts līmeņa koordinatora (IKVD)",
        "dative": "valsts līmeņa koordinatoram (IKVD)",
    },
}

#: The grammatical case a step is said in (:func:`step_word`).
Case = Literal["nominative", "genitive", "dative"]


def step_word(step: str, t: Texts, case: Case = "nominative") -> str:
    """An approval step in words of ``t``, its code after it: the role that takes it (the
    author's step: the plan's author), as staff know it, in ``case`` (Latvian declines it:
    :data:`_STEP_CASES_LV`), and the code, as a program and the documents write it. In
    English, the code alone, as the library's sentence says it."""
    if t.lang != "en" and case != "nominative" and step in _STEP_CASES_LV:
        return _with_code(_STEP_CASES_LV[step][case], step, t)
    if step == "author":
        return _with_code(t.gettext("the plan's author"), step, t)
    return role_word(step, t)
