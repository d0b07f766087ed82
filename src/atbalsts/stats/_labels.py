"""Latvian and English labels of the statistics: dimensions, metrics, categories and page text.

Codes of the national code lists are labelled from :mod:`atbalsts.codes`; the statuses, funders
and states that have no code list are labelled here. A plugin's local code is labelled as its
plugin declares it (:meth:`atbalsts.stats.Table.label`); a code no list knows is shown as itself.
"""

from __future__ import annotations

from atbalsts.codes import ACTIONS, INSTITUTIONS, MEASURES, RISK_FACTORS, RISK_GROUPS, CodeList
from atbalsts.codes import Lang as Lang

__all__ = ["Lang", "category_label", "dimension_label", "dimension_value_label", "text"]

#: Labels of the grouping dimensions.
DIMENSIONS: dict[str, tuple[str, str]] = {
    "municipality": ("Pašvaldība", "Municipality"),
    "school": ("Izglītības iestāde", "School"),
    "grade": ("Klase", "Grade"),
    "term": ("Semestris", "Term"),
}

#: Labels of the states, statuses and funders that no code list of atbalsts.codes holds.
_OWN: dict[str, dict[str, tuple[str, str]]] = {
    "obligation_state": {
        "open": ("Atvērts", "Open"),
        "due_today": ("Termiņš šodien", "Due today"),
        "overdue": ("Nokavēts", "Overdue"),
        "done_on_time": ("Izpildīts laikā", "Done on time"),
        "done_late": ("Izpildīts ar nokavējumu", "Done late"),
        "not_tracked": ("Netiek uzskaitīts", "Not tracked"),
        "unknown": ("Nezināms", "Unknown"),
    },
    "plan_status": {
        "draft": ("Melnraksts", "Draft"),
        "active": ("Aktīvs", "Active"),
        "on-hold": ("Apturēts", "On hold"),
        "revoked": ("Atsaukts", "Revoked"),
        "completed": ("Pabeigts", "Completed"),
        "entered-in-error": ("Ievadīts kļūdaini", "Entered in error"),
        "unknown": ("Nezināms", "Unknown"),
    },
    "referral_status": {
        "draft": ("Melnraksts", "Draft"),
        "requested": ("Nosūtīts", "Requested"),
        "received": ("Saņemts", "Received"),
        "accepted": ("Pieņemts", "Accepted"),
        "rejected": ("Noraidīts", "Rejected"),
        "ready": ("Gatavs izpildei", "Ready"),
        "cancelled": ("Atcelts", "Cancelled"),
        "in-progress": ("Izpildē", "In progress"),
        "on-hold": ("Apturēts", "On hold"),
        "failed": ("Neizdevās", "Failed"),
        "completed": ("Pabeigts", "Completed"),
        "entered-in-error": ("Ievadīts kļūdaini", "Entered in error"),
    },
    "funder": {
        "pumpurs": ("PuMPuRS", "PuMPuRS"),
        "skola_kopiena": ("Skola-kopienā", "Skola-kopienā"),
        "state": ("Valsts", "State"),
        "municipality": ("Pašvaldība", "Municipality"),
        "school": ("Izglītības iestāde", "School"),
        "other": ("Cits", "Other"),
    },
    "delivery": {
        "delivered": ("Sniegts", "Delivered"),
        "not_delivered": ("Nav sniegts", "Not delivered"),
        "not_tracked": ("Netiek uzskaitīts", "Not tracked"),
    },
}

_CODE_LISTS: dict[str, CodeList] = {
    "risk_group": RISK_GROUPS,
    "risk_factor": RISK_FACTORS,
    "action": ACTIONS,
    "institution": INSTITUTIONS,
    "measure": MEASURES,
}

#: Page and table text.
_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Atbalsta uzraudzības pārskats", "Support monitoring report"),
    "subtitle": (
        "Izglītojamo skaits pēc lēmumiem par priekšlaicīgas mācību pārtraukšanas riska mazināšanu",
        "Numbers of learners from the decisions on reducing the risk of early school leaving",
    ),
    "grouped_by": ("Grupēts pēc", "Grouped by"),
    "no_grouping": ("bez grupēšanas", "no grouping"),
    "total": ("Kopā", "Total"),
    "unknown": ("nav zināms", "not known"),
    "suppressed": ("…", "…"),
    "privacy": ("Privātums", "Privacy"),
    "summary": ("Kopsavilkums", "Summary"),
    "records": ("Ievaddati", "Input"),
    "all_counts": ("Visi rādītāji", "All counts"),
    "chart_findings": (
        "Izglītojamie ar riska konstatējumiem pēc riska grupas",
        "Learners with findings, by risk group",
    ),
    "chart_findings_latest": (
        "Izglītojamie ar riska konstatējumiem pēc riska grupas, {term}",
        "Learners with findings, by risk group, {term}",
    ),
    "chart_trend": (
        "Izglītojamie ar riska konstatējumiem pa semestriem",
        "Learners with findings, by term",
    ),
    "chart_overdue": ("Nokavētie pienākumi", "Overdue duties"),
    "overdue_obligations": (
        "Izglītojamie ar nokavētu pienākumu",
        "Learners with an overdue obligation",
    ),
    "overdue_referrals": (
        "Izglītojamie ar nokavētu nosūtījumu",
        "Learners with an overdue referral",
    ),
    "not_tracked_overdue": (
        "Pienākumu izpilde vēl netiek uzskaitīta, un nosūtījumu dati nav doti, tāpēc nokavējumus "
        "nevar saskaitīt.",
        "Whether duties are done is not tracked yet, and no referral data was given, so overdue "
        "duties cannot be counted.",
    ),
    "obligations_not_tracked": (
        "Lēmumi vēl nesaka, vai pienākumi ir izpildīti: nokavētie pienākumi netiek uzskaitīti.",
        "The decisions do not say yet whether duties are done: overdue obligations are not "
        "counted.",
    ),
    "chart_hidden": (
        "Stabiņa nav, kur skaitlis ir slēpts (…).",
        "A bar is missing where its number is hidden (…).",
    ),
    "chart_gaps": (
        "Punkta nav, kur skaitlis ir slēpts.",
        "A point is missing where its number is hidden.",
    ),
    "chart_rows_cut": (
        "Attēlā parādītas {shown} lielākās no {all} grupām; visas ir tabulā.",
        "The chart shows the {shown} largest of {all} groups; the table has them all.",
    ),
    "chart_lines_cut": (
        "Attēlā parādītas {shown} lielākās no {all} grupām.",
        "The chart shows the {shown} largest of {all} groups.",
    ),
    "learners": ("izglītojamie", "learners"),
    "learners_items": ("izglītojamie (iekavās — ierakstu skaits)", "learners (items)"),
    "unit_note": (
        "Katrā šūnā izglītojamo skaits; iekavās, cik pienākumu, plānu, pasākumu vai nosūtījumu "
        "viņiem ir. Izglītojamais ir skaitīts katrā kategorijā, kas uz viņu attiecas, tāpēc "
        "kategoriju skaitļu summa var būt lielāka par kopskaitu.",
        "Each cell gives the number of learners; in brackets, how many obligations, plans, "
        "measures or referrals they have. A learner is counted in every category that applies "
        "to them, so the categories can add up to more than the total.",
    ),
    "several_groups": (
        "Viens izglītojamais var būt vairākās riska grupās un ar vairākiem riska faktoriem: tad "
        "viņš ir skaitīts katrā no tiem, tāpēc grupu (un faktoru) skaitļu summa var būt lielāka "
        "par izglītojamo ar riska konstatējumiem skaitu.",
        "A learner may be in several risk groups and have several risk factors: they are "
        "counted under each, so the groups (and the factors) can add up to more than the "
        "learners with findings.",
    ),
    "delivery_not_tracked": (
        "Atbalsta pasākumu sniegšana netiek uzskaitīta: kur skaitļi ir parādīti, neviens plāns "
        "nesatur ierakstus par sniegto atbalstu (visi plānotie pasākumi ir „Netiek "
        "uzskaitīts”), tāpēc nulles tabulās par sniegtajiem pasākumiem nozīmē, ka datu nav, "
        "nevis ka atbalsts nav sniegts.",
        "Delivery of measures is not tracked: where numbers are shown, no plan records the "
        "support given (every measure planned is “Not tracked”), so the zeros in the tables of "
        "measures delivered mean no data, not no support given.",
    ),
    "category": ("Kategorija", "Category"),
    "no_cases": (
        "Lietu fails nav dots: plāni, pasākumi un nosūtījumi nav saskaitīti, un izglītības "
        "iestāde un klase nav zināmas.",
        "No cases file was given: plans, measures and referrals are not counted, and school and "
        "grade are not known.",
    ),
    "generated_by": ("Sagatavots ar rīku „atbalsts” {version}.", "Made with atbalsts {version}."),
    "no_data": ("Nav datu.", "No data."),
}

#: Labels of the counts of what was read (:class:`~atbalsts.stats.Records`).
RECORDS: dict[str, tuple[str, str]] = {
    "decisions": ("Saskaitītie lēmumi", "Decisions counted"),
    "invalid": (
        "Nederīgas lietas (par tām lēmums netika pieņemts, tāpēc tās nav tabulās)",
        "Invalid cases (not decided, so in no table)",
    ),
    "errors": (
        "Lietas, par kurām kļūdas dēļ nevarēja pieņemt lēmumu (nav tabulās)",
        "Cases that could not be decided because of an error (in no table)",
    ),
    "other": ("Citi ieraksti (galvene, kopsavilkums)", "Other records (header, summary)"),
    "unreadable": ("Nenolasāmas rindas", "Unreadable lines"),
    "duplicates": (
        "Atkārtoti lēmumi par izglītojamo tajā pašā semestrī (nav skaitīti)",
        "Repeated decisions for a learner in one term (not counted)",
    ),
    "without_case": ("Lēmumi bez lietas", "Decisions without a case"),
    "cases_unreadable": ("Nenolasāmas lietas", "Unreadable cases"),
    "cases_unused": ("Lietas bez lēmuma", "Cases without a decision"),
}


def record_label(name: str, lang: Lang) -> str:
    """The label of a count of :class:`~atbalsts.stats.Records`."""
    lv, en = RECORDS[name]
    return lv if lang == "lv" else en


#: The privacy rule, stated on every output. ``{n}`` is the smallest number of learners shown.
RULE: dict[str, str] = {
    "lv": (
        "Dati ir pseidonimizēti: neviens izglītojamais nav nosaukts. Tāpat kā statistikas "
        "iestādes, slēpjam (…) šūnu, kurā ir no 1 līdz {m} izglītojamajiem (mazāk par {n}), lai "
        "nevienu bērnu nevarētu atpazīt. Slēpta ir arī šūna, kuras skaitli varētu aprēķināt, "
        "atņemot no kopsummas (grupas izglītojamo skaita, kolonnas kopsummas vai citas tās pašas "
        "grupas kopsummas): tad slēptas vēl citas šūnas, cik vajag, lai no pārbaudītajām "
        "sakarībām (kopsummām, vienādām šūnām, vienību summām) nevienu slēptu skaitli nevarētu "
        "sašaurināt līdz mazāk nekā {n} iespējamām vērtībām. Nulles ir parādītas, izņemot mazās "
        "grupās. Nepublicējiet vienu un to pašu izglītojamo skaitļus divos dažādos grupējumos "
        "(piemēram, pēc skolas un pēc skolas un klases): atņemot vienu no otra, slēptos "
        "skaitļus var atklāt."
    ),
    "en": (
        "Counts are pseudonymous: no learner is named. A cell of 1 to {m} learners (fewer than "
        "{n}) is suppressed (…) so that no child can be singled out, as statistical offices do. "
        "A cell whose number could be recovered by subtraction from a total (the group's learners "
        "decided, the column total, or another total of the same group) is suppressed too, with "
        "more cells where needed, so that no hidden count can be narrowed by the relations checked "
        "(totals, equal cells, item sums) to fewer than {n} possible values. Zeros are shown, "
        "outside small groups. Do not publish two groupings of the same learners (by school, "
        "and by school and grade): one subtracted from the other can give hidden numbers away."
    ),
}


def text(key: str, lang: Lang) -> str:
    """The page text ``key`` in ``lang``."""
    lv, en = _TEXT[key]
    return lv if lang == "lv" else en


def rule(min_learners: int, lang: Lang) -> str:
    """The suppression rule in ``lang`` for a threshold of ``min_learners``."""
    return RULE[lang].format(n=min_learners, m=min_learners - 1)


def dimension_label(dimension: str, lang: Lang) -> str:
    """The label of a grouping dimension."""
    lv, en = DIMENSIONS[dimension]
    return lv if lang == "lv" else en


def category_label(kind: str | None, code: str | None, lang: Lang) -> str:
    """The label of ``code`` of the category list ``kind`` (a code list or one of our own)."""
    if code is None:
        return text("total", lang)
    if kind in _CODE_LISTS:
        return _CODE_LISTS[kind].label(code, lang)
    if kind in _OWN and code in _OWN[kind]:
        lv, en = _OWN[kind][code]
        return lv if lang == "lv" else en
    return code


def own_codes(kind: str) -> tuple[str, ...]:
    """The codes of one of our own category lists, in order."""
    return tuple(_OWN[kind])


#: The category lists a plugin may add local codes to, by the name of the code list it adds them
#: to (``atbalsts_register_codes``). The risk groups and the statistics' own lists are closed.
PLUGIN_LISTS: dict[str, str] = {
    "risk_factor": "risk_factors",
    "action": "actions",
    "institution": "institutions",
    "measure": "measures",
}


def list_order(kind: str) -> tuple[str, ...]:
    """The codes of the category list ``kind`` in list order (the national codes of a code
    list, without any plugin's local codes)."""
    if kind in _CODE_LISTS:
        return _CODE_LISTS[kind].codes()
    return tuple(_OWN[kind])


def factor_groups() -> dict[str, str]:
    """The risk group of each national risk factor."""
    return {c: group for c in RISK_FACTORS.codes() if (group := RISK_FACTORS[c].group)}


def dimension_value_label(dimension: str, value: str | None, lang: Lang) -> str:
    """How a group's value of ``dimension`` is shown: a grade or term in words, ids as they are."""
    if value is None:
        return f"({text('unknown', lang)})"
    if dimension == "grade":
        if value == "pre_school":
            return "pirmsskola" if lang == "lv" else "pre-school"
        if value.startswith("vocational_"):
            course = value.removeprefix("vocational_")
            return f"{course}. kurss (prof.)" if lang == "lv" else f"vocational course {course}"
        return f"{value}. klase" if lang == "lv" else f"grade {value}"
    if dimension == "term":
        school_year, _, semester = value.rpartition("/")
        first, _, second = school_year.partition("/")
        short = f"{first}/{second[-2:]}"
        return f"{short}, {semester}. sem." if lang == "lv" else f"{short}, sem. {semester}"
    return value
