"""Facts in words: how a decision's evidence and a rule's facts read to school staff.

A fact is said as the trace holds it (``unjustified_lessons`` 21: "21 unjustified lessons this
semester"; ``staff_factors`` "lack_of_motivation": "staff observed: lack of motivation ..."), in
Latvian or English, from the ``atbalsts`` catalog beside the explanations' other sentences. A fact
with no phrase (a plugin's own) is shown as ``name = value``; a few are not worth saying (the
date and the pseudonym are in the heading).
"""

from __future__ import annotations

import gettext
import json
import math
from collections.abc import Callable, Iterable, Mapping
from functools import cache

import attrs

from atbalsts._explain._languages import DOMAIN, LANGUAGES, LOCALES
from atbalsts._explain._names import in_sentence
from atbalsts.codes import CodeList
from atbalsts.errors import UnknownNameError
from atbalsts.model.decision import Value

__all__ = ["FactWords", "fact_in_words", "phrases", "say"]


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang not in LANGUAGES:
        raise UnknownNameError("language", lang, LANGUAGES)
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=LOCALES, languages=[lang])


@attrs.frozen
class FactWords:
    """Sentences, plurals and code labels in one language, for saying facts."""

    lang: str
    codes: Mapping[str, CodeList]

    def catalog(self) -> gettext.NullTranslations:
        """The sentences' catalog: the explanations' (a subclass may take another)."""
        return _catalog(self.lang)

    def _(self, message: str) -> str:
        return self.catalog().gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.catalog().ngettext(singular, plural, count)

    def label(self, list_name: str, code: str) -> str:
        known = self.codes.get(list_name)
        if known is None or code not in known:
            return code
        return known.label(code, "lv" if self.lang == "lv" else "en")

    def labels(self, list_name: str, codes: Iterable[str]) -> str:
        """The labels of ``codes``, joined by commas, as said inside a sentence (a risk factor
        after "staff observed:"): in lower case but a proper name or a municipality's own
        (:func:`~atbalsts._explain._names.in_sentence`). When a label has a comma of its own,
        each is quoted (one alone too), so that the reader sees where one ends ("„motivācijas
        trūkums, nepatika pret mācībām”, „…”"): lower case took away the capital that showed
        it."""
        said = [in_sentence(self.label(list_name, c), c) for c in codes]
        if any("," in label for label in said):
            quote = _QUOTES.get(self.lang, _QUOTES["en"])
            said = [quote.format(label) for label in said]
        return ", ".join(said)


#: Quotation marks around a label in a list, by language (Latvian „…”, English “…”).
_QUOTES = {"lv": "\u201e{}\u201d", "en": "\u201c{}\u201d"}


# Every sentence is a literal inside a call of words._ or words.n, so that pybabel finds it.

Say = Callable[[Value], str | None]


def _number(value: Value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _count(say: Callable[[int], str], none: str | None = None) -> Say:
    """A count: said with its number, as ``none`` when it is 0 ("no serious incident", not "0
    serious incidents"), or not at all when the value is not a number."""

    def said(value: Value) -> str | None:
        n = _number(value)
        if n == 0 and none is not None:
            return none
        return None if n is None else say(n).format(n=n)

    return said


def _flag(yes: str, no: str) -> Say:
    return lambda value: None if value is None else (yes if value else no)


def _text(template: str, none: str | None = None) -> Say:
    return lambda value: none if value is None or value == "" else template.format(value=value)


def _items(value: Value) -> list[str]:
    return [v for v in str(value or "").split(",") if v]


def _listed(words: FactWords, template: str, list_name: str | None, empty: str) -> Say:
    def said(value: Value) -> str | None:
        items = _items(value)
        if not items:
            return empty
        shown = words.labels(list_name, items) if list_name else ", ".join(items)
        return template.format(value=shown)

    return said


def _named(names: Mapping[str, str]) -> Say:
    return lambda value: None if value is None else names.get(str(value), str(value))


def _records(value: Value) -> int | None:
    """How many records a fact holds that the trace keeps as a JSON list (absence episodes,
    attendance days, observations); None when it is not one."""
    if not value:
        return 0
    try:
        records = json.loads(str(value))
    except ValueError:
        return None
    return len(records) if isinstance(records, list) else None


def _counted(say: Callable[[int], str], none: str) -> Say:
    """A number of records (see :func:`_records`), as :func:`_count` says a count."""

    def said(value: Value) -> str | None:
        n = _records(value)
        if n == 0:
            return none
        return None if n is None else say(n).format(n=n)

    return said


def _threats(words: FactWords) -> Say:
    _ = words._
    names = {
        "violence": _("violence"),
        "neglect": _("neglect"),
        "offence": _("an offence"),
        "other_threat": _("another threat"),
    }

    def said(value: Value) -> str | None:
        kinds = [names.get(k, k) for k in _items(value)]
        return _("suspected: {value}").format(value=", ".join(kinds)) if kinds else None

    return said


def percent(share: float, lang: str) -> str:
    """``share`` (0.0996) as a percentage for a sentence: cut, never rounded, to one decimal, so
    that it is never shown at a threshold it has not reached (9.9, not 10), without a trailing
    zero, with Latvian's decimal comma."""
    tenths = math.floor(share * 1000 + 1e-9)
    text = str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:.1f}"
    return text.replace(".", ",") if lang == "lv" else text


def _rate(words: FactWords) -> Say:
    def said(value: Value) -> str | None:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return words._("the share of lessons missed is not known")
        return words._("share of the scheduled lessons missed: {value}%").format(
            value=percent(value, words.lang)
        )

    return said


def phrases(words: FactWords) -> dict[str, Say]:
    """How each fact is said; a fact missing here is shown as ``name = value``."""
    _, ngettext = words._, words.ngettext
    return {
        "as_of": lambda value: None,  # the date is in the heading
        "learner_id": lambda value: None,  # a pseudonym, in the heading
        "birth_date": lambda value: None,  # the age says it
        "municipality": _text(_("municipality {value}")),
        "age": _count(lambda k: ngettext("aged {n}", "aged {n}", k)),
        "programme": _named(
            {
                "pre_school": _("pre-school education"),
                "general_basic": _("general basic education"),
                "general_secondary": _("general secondary education"),
                "vocational": _("vocational education"),
            }
        ),
        "grade": _text(_("grade {value}")),
        "vocational_course": _text(_("vocational course {value}")),
        "repeating_year": _flag(_("repeats the year"), _("does not repeat the year")),
        "completed_grade9_certificate_only": _flag(
            _("finished grade 9 with a certificate only"),
            _("did not finish grade 9 with a certificate only"),
        ),
        "state_vocational_school": _flag(
            _("at a state vocational school"), _("not at a state vocational school")
        ),
        "living_situation": _named(
            {
                "with_parents": _("lives with the parents"),
                "foster_family": _("lives in a foster family"),
                "guardian": _("lives with a guardian"),
                "care_institution": _("lives in a care institution"),
            }
        ),
        "out_of_family_care": _flag(_("in out-of-family care"), _("not in out-of-family care")),
        "needy_family": _flag(
            _("a needy or low-income family"), _("not a needy or low-income family")
        ),
        "languages": _listed(words, _("speaks {value}"), None, _("no language recorded")),
        "has_observation": _flag(
            _("observed on or before this date"), _("no observation on or before this date")
        ),
        "observed_on": _text(_("latest observation on {value}")),
        "unjustified_lessons": _count(
            lambda k: ngettext(
                "{n} unjustified lesson this semester", "{n} unjustified lessons this semester", k
            ),
            _("no unjustified lesson this semester"),
        ),
        "unjustified_days": _count(
            lambda k: ngettext(
                "{n} unjustified day this semester", "{n} unjustified days this semester", k
            ),
            _("no unjustified day this semester"),
        ),
        "lessons_scheduled": _count(
            lambda k: ngettext(
                "{n} lesson scheduled this semester", "{n} lessons scheduled this semester", k
            ),
            _("no lesson scheduled this semester"),
        ),
        "absence_rate": _rate(words),
        "absent_today_reason_unknown": _flag(
            _("absent today, reason unknown"), _("not absent today without a reason")
        ),
        "parental_notes_used": _count(
            lambda k: ngettext("{n} parent's note used", "{n} parent's notes used", k),
            _("no parent's note used"),
        ),
        "absence_episodes": _counted(
            lambda k: ngettext(
                "{n} absence episode on record this semester",
                "{n} absence episodes on record this semester",
                k,
            ),
            _("no absence episode on record this semester"),
        ),
        "attendance_days": _counted(
            lambda k: ngettext(
                "{n} day of attendance on record this semester",
                "{n} days of attendance on record this semester",
                k,
            ),
            _("no day of attendance on record this semester"),
        ),
        "term_observations": _counted(
            lambda k: ngettext(
                "{n} observation this semester", "{n} observations this semester", k
            ),
            _("no observation this semester"),
        ),
        "term_start": _text(_("teaching this semester began on {value}")),
        "term_end": _text(_("teaching this semester ends on {value}")),
        "term_source": _named(
            {
                "regulation": _("term dates from the school year's Cabinet regulation"),
                "convention": _("term dates by the library's convention"),
            }
        ),
        "failing_subjects": _count(
            lambda k: ngettext(
                "{n} subject with a failing mark", "{n} subjects with a failing mark", k
            ),
            _("no subject with a failing mark"),
        ),
        "behaviour_incidents": _count(
            lambda k: ngettext(
                "{n} behaviour incident this semester",
                "{n} behaviour incidents this semester",
                k,
            ),
            _("no behaviour incident this semester"),
        ),
        "serious_incidents": _count(
            lambda k: ngettext(
                "{n} serious incident this semester", "{n} serious incidents this semester", k
            ),
            _("no serious incident this semester"),
        ),
        "staff_factors": _listed(
            words, _("staff observed: {value}"), "risk_factors", _("staff observed nothing")
        ),
        "suspected_threat": _flag(
            _("a threat to the child is suspected"), _("no threat to the child is suspected")
        ),
        "threat_kinds": _threats(words),
        "threat_observed_on": _text(_("the threat was observed on {value}")),
        "reported_threat_observed_on": _text(
            _("a threat observed on {value} has been reported"), _("no reported threat this term")
        ),
        "threat_days": _listed(
            words,
            _("threats to report this term arose on: {value}"),
            None,
            _("no threat to report this term"),
        ),
        "funded_elsewhere": _listed(
            words,
            _("already funded elsewhere: {value}"),
            "measures",
            _("nothing funded elsewhere"),
        ),
        "plan": _text(_("support plan {value} in force"), _("no support plan in force")),
        "plan_measures": _listed(
            words, _("measures in the plan: {value}"), "measures", _("no measures in the plan")
        ),
        "plans_without_improvement": _count(
            lambda k: ngettext("{n} plan without improvement", "{n} plans without improvement", k),
            _("no plan without improvement"),
        ),
        "mentor_trained": _flag(
            _("the mentor has completed the learner-mentor programme"),
            _("the mentor has not completed the learner-mentor programme"),
        ),
        "risk_groups": _listed(words, _("risk groups: {value}"), "risk_groups", _("no risk group")),
        "risk_factors": _listed(
            words, _("risk factors: {value}"), "risk_factors", _("no risk factor")
        ),
        "has_risk": _flag(_("a risk factor is present"), _("no risk factor is present")),
    }


def fact_in_words(name: str, value: Value, lang: str, codes: Mapping[str, CodeList]) -> str | None:
    """The fact ``name`` with ``value`` (as a decision's trace holds it) as words in ``lang``,
    e.g. ``unjustified_lessons`` 21: "21 unjustified lessons this semester"; None for a fact not
    worth saying (the date, the pseudonym)."""
    return say(phrases(FactWords(lang, codes)), name, value)


def say(table: Mapping[str, Say], name: str, value: Value) -> str | None:
    """A fact in words; one without a phrase by its name, a list of records by their number."""
    said = table.get(name)
    if said is not None:
        return said(value)
    records = _records(value) if isinstance(value, str) and value.startswith("[") else None
    shown = "-" if value is None else value if records is None else f"[{records}]"
    return f"{name} = {shown}"
