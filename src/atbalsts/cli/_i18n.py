"""The command's language, chosen before the parser is built so that its help is in it too.

The language is the last ``--lang`` on the command line, else the environment variable
``ATBALSTS_LANG``, else Latvian (the command is for school staff; English is there everywhere).
Sentences come from the gettext catalog ``atbalsts_cli`` beside the explanations' ``atbalsts`` in
``atbalsts/_explain/locales`` (the command and the demo have a catalog of their own, with plural
forms); argparse's own words (``usage:``, ``options``, its error messages) are translated through
it too, while the parser is built and run.
"""

from __future__ import annotations

import argparse
import contextlib
import gettext
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib.resources import files

import attrs

from atbalsts._explain import LANGUAGES

__all__ = ["DEFAULT_LANG", "DOMAIN", "ENV_LANG", "Texts", "argparse_in", "choose_language", "texts"]

#: The environment variable that sets the default language of the command.
ENV_LANG = "ATBALSTS_LANG"

#: The language when neither ``--lang`` nor :data:`ENV_LANG` says otherwise.
DEFAULT_LANG = "lv"

#: The gettext domain of the command and the demo.
DOMAIN = "atbalsts_cli"


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it here."""
    return message


#: argparse's own messages (Python 3.11-3.13), so that pybabel puts them in the catalog. argparse
#: looks them up through its module's ``_`` and ``ngettext`` when it uses them.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
)


@attrs.frozen
class Texts:
    """The sentences of one language: ``gettext`` for a sentence, ``ngettext`` for one with a
    number (Latvian has three plural forms)."""

    lang: str
    catalog: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        """``message`` in this language."""
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of ``singular``/``plural`` for the number ``n``, in this language."""
        return self.catalog.ngettext(singular, plural, n)


@cache
def texts(lang: str) -> Texts:
    """The :class:`Texts` of ``lang`` ("lv" or "en"; English is the catalog's source language)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    if lang == "en":
        return Texts(lang, gettext.NullTranslations())
    directory = str(files("atbalsts._explain") / "locales")
    return Texts(lang, gettext.translation(DOMAIN, localedir=directory, languages=[lang]))


class LanguageError(ValueError):
    """:data:`ENV_LANG` names no language the command knows."""


def choose_language(argv: Sequence[str], env: Mapping[str, str]) -> str:
    """The language of a run: the last ``--lang X`` (or ``--lang=X``) before ``--``, else
    :data:`ENV_LANG`, else :data:`DEFAULT_LANG`. An unknown ``--lang`` value is left for the
    parser to refuse (in the default language); an unknown :data:`ENV_LANG` raises
    :class:`LanguageError`."""
    chosen: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            chosen = argv[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    if chosen in LANGUAGES:
        return chosen
    return default_language(env)


def default_language(env: Mapping[str, str]) -> str:
    """:data:`ENV_LANG` if set (it must be a known language), else :data:`DEFAULT_LANG`."""
    value = env.get(ENV_LANG, "").strip()
    if not value:
        return DEFAULT_LANG
    if value not in LANGUAGES:
        raise LanguageError(
            f"{ENV_LANG}={value!r} is not a language of atbalsts: use {' or '.join(LANGUAGES)}"
        )
    return value


@contextlib.contextmanager
def argparse_in(t: Texts) -> Iterator[None]:
    """Inside the block, argparse's own words are in the language of ``t``. argparse reads its
    module's ``_`` and ``ngettext`` each time it uses a message; both are put back afterwards."""
    saved = (getattr(argparse, "_"), getattr(argparse, "ngettext"))  # noqa: B009
    setattr(argparse, "_", t.gettext)  # noqa: B010
    setattr(argparse, "ngettext", t.ngettext)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", saved[0])  # noqa: B010
        setattr(argparse, "ngettext", saved[1])  # noqa: B010
