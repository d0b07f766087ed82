"""What went wrong, in the command's language: a document's failing fields, an operating-system
error, a name atbalsts does not know, and any error by its code (:mod:`atbalsts.cli._coded`).

The library says these in English (a :class:`~atbalsts.errors.FieldError` carries pydantic's
message, an :class:`OSError` the system's). In English the command shows them as they are; in
Latvian it says each field error by its ``kind`` (a stable code), taking the numbers, patterns,
allowed values and field names it needs from the error's ``values``, never from the English
message (whose wording pydantic may change), and each common system error by its ``errno``. A
kind the catalog has no sentence for, or a row without the values its sentence needs, is shown as
the library wrote it. Where a check of the library has several fixed sentences of one kind (a
``lessons_exceed_scheduled`` of a day or of a term), the sentence is known by its words: they
are the library's own, and say nothing beyond the kind. Nothing here ever shows the value of a
field: neither the English messages (pydantic's input is left out of them) nor the values (the
limits, patterns, allowed codes and field names) hold it.
"""

from __future__ import annotations

import errno
import re
import unicodedata
from collections.abc import Mapping

from atbalsts._text import shorten
from atbalsts.cli._coded import coded_message
from atbalsts.cli._i18n import Texts
from atbalsts.cli._violations import violation_lines
from atbalsts.errors import (
    AtbalstsError,
    DocumentError,
    FieldError,
    FileError,
    PolicyError,
    UnknownNameError,
)

__all__ = ["error_lines", "field_message", "os_reason", "path_words"]


def error_lines(err: AtbalstsError, t: Texts) -> list[str]:
    """``err`` as the command prints it: for a document, a line that names it, then one line per
    failing field path; any other error on one line, by its code where the catalog has a
    sentence for it (:func:`~atbalsts.cli._coded.coded_message`)."""
    _ = t.gettext
    if isinstance(err, DocumentError):
        head = _("error: {document} is invalid").format(document=document_name(err.document, t))
        return [
            head,
            *(f"  {path_words(row.path, t)}: {field_message(row, t)}" for row in err.errors),
        ]
    if isinstance(err, UnknownNameError):
        return [_("error: {message}").format(message=unknown_name(err, t))]
    if isinstance(err, FileError):
        return [_("error: {message}").format(message=file_message(err, t))]
    if isinstance(err, PolicyError) and err.violations:
        return violation_lines(err, t)
    return [_("error: {message}").format(message=coded_message(err, t))]


def path_words(path: str, t: Texts) -> str:
    """A field path in the language of ``t``: a key not named (``NOT_A_FIELD_NAME``) and a
    field a role may not see (``PROTECTED``, where a role's list masks a path) in its words;
    the path's field names are the documents' and stay as they are."""
    from atbalsts.model import NOT_A_FIELD_NAME  # the models load only when there is an error
    from atbalsts.privacy import PROTECTED

    if NOT_A_FIELD_NAME in path:
        path = path.replace(NOT_A_FIELD_NAME, t.gettext("(a key that is not a field name)"))
    if PROTECTED in path:
        path = path.replace(PROTECTED, t.gettext("(protected)"))
    return path


def document_name(name: str, t: Texts) -> str:
    """The name of an invalid document in the language of ``t``: a document the library names
    by its kind (the audit event a transition would record) in words of ``t``, a file's name as
    it is."""
    kinds = {"audit event": t.gettext("audit event"), "support case": t.gettext("support case")}
    return kinds.get(name, name)


def file_message(err: FileError, t: Texts) -> str:
    """``err`` without ``error:``, in the language of ``t`` (the reason by its ``errno``)."""
    if t.lang == "en":
        return str(err)
    _ = t.gettext
    reason = os_reason(err.os_error, t)
    if err.doing == "read":
        return _("cannot read {path}: {reason}").format(path=err.path, reason=reason)
    if err.doing == "replace":
        return _("cannot put {path} in place: {reason}").format(path=err.path, reason=reason)
    if err.kept and err.also is not None:
        return _("cannot write {path} and {also} (left as they were): {reason}").format(
            path=err.path, also=err.also, reason=reason
        )
    if err.kept:
        return _("cannot write {path} (left as they were): {reason}").format(
            path=err.path, reason=reason
        )
    return _("cannot write {path}: {reason}").format(path=err.path, reason=reason)


# -- operating-system errors ----------------------------------------------------------------------


def os_reason(exc: OSError, t: Texts) -> str:
    """Why ``exc`` happened, in the language of ``t``: the common errors by their ``errno``, any
    other as the system says it."""
    system = exc.strerror or str(exc)
    if t.lang == "en":
        return system
    _ = t.gettext
    reasons = {
        errno.ENOENT: _("no such file or directory"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("operation not permitted"),
        errno.EISDIR: _("it is a directory, not a file"),
        errno.ENOTDIR: _("a part of the path is not a directory"),
        errno.EEXIST: _("it already exists"),
        errno.ENOSPC: _("no space left on the device"),
        errno.EROFS: _("the file system is read-only"),
        errno.ENAMETOOLONG: _("the name is too long"),
        errno.ELOOP: _("too many levels of symbolic links"),
        errno.EMFILE: _("too many open files"),
        errno.ENFILE: _("too many open files"),
        errno.EIO: _("input/output error"),
        errno.EFBIG: _("the file is too large"),
        errno.EBUSY: _("the device or resource is busy"),
    }
    quota = getattr(errno, "EDQUOT", None)  # not on every system
    if quota is not None:
        reasons[quota] = _("disk quota exceeded")
    return reasons.get(exc.errno, system) if exc.errno is not None else system


# -- names atbalsts does not know ----------------------------------------------------------------

#: How UnknownNameError ends its message when it lists only some of the known names.
_MORE = re.compile(r", … and (?P<n>[0-9]+) more$")


def unknown_name(err: UnknownNameError, t: Texts) -> str:
    """``err`` without the words ``error:``, in the language of ``t``. Its message is taken apart
    (the name as it shows it, cut short, then the known names it lists); a kind of name or a
    message of another form is shown as the library wrote it."""
    message = str(err)
    if t.lang == "en":
        return message
    name = shorten(repr(err.name))
    head = f"unknown {err.kind} {name}"
    said = _unknown(err.kind, t)
    if said is None or not message.startswith(head):
        return message
    rest = message[len(head) :]
    shown_name = _short_name(err.name, t)
    text = said.format(name=shown_name)
    if not rest:
        return text
    if not rest.startswith("; known: "):
        return message
    known = rest.removeprefix("; known: ")
    more = ""
    cut = _MORE.search(known)
    if cut is not None:
        n = int(cut["n"])
        more = t.ngettext(", … and {n} more", ", … and {n} more", n).format(n=n)
        known = known[: cut.start()]
    if err.kind in _ROLE_KINDS:
        known = ", ".join(_with_label(code, t) for code in known.split(", "))
    said = t.gettext("{message}; known: {names}").format(message=text, names=known + more)
    meant = _meant_by_label(err, t) if err.kind == "role" else None
    if meant is not None:
        said += t.gettext("; did you mean {code} ({label})?").format(code=meant[0], label=meant[1])
    return said


#: The kinds of unknown name whose known names are role codes (an institution acts in a role
#: too): listed in Latvian each with its label, the code being what is typed and the label what
#: staff know the role by.
_ROLE_KINDS = frozenset({"role", "role code", "view role"})


def _unbracketed(label: str) -> str:
    """``label`` to be said inside brackets: its own brackets as a comma clause ("Valsts līmeņa
    koordinators (IKVD)": "Valsts līmeņa koordinators, IKVD"), not a bracket inside another."""
    return re.sub(r"\s*\(([^()]*)\)", r", \1", label)


def _role_label(code: str, t: Texts) -> str | None:
    """The label of the role (or institution) ``code`` in ``t``'s language as written inside a
    sentence and inside brackets; None for a code neither list has."""
    from atbalsts._explain import in_sentence
    from atbalsts.codes import INSTITUTIONS, ROLES, Lang

    lang: Lang = "lv" if t.lang == "lv" else "en"
    for names in (ROLES, INSTITUTIONS):
        if code in names:
            return _unbracketed(in_sentence(names.label(code, lang), code))
    return None


def _with_label(code: str, t: Texts) -> str:
    """A known role ``code`` with its label after it, ``class_teacher (klases audzinātājs)``;
    a code without a label as it is."""
    label = _role_label(code, t)
    return code if label is None else f"{code} ({label})"


def _plain(text: str) -> str:
    """``text`` as it may be typed without Latvian letters: lower case, ``_`` and ``-`` as
    spaces, the diacritics off (``Klases audzinātājs``, ``klases_audzinatajs``: the same)."""
    spaced = re.sub(r"[\s_-]+", " ", text.strip().lower())
    return "".join(c for c in unicodedata.normalize("NFKD", spaced) if not unicodedata.combining(c))


def _meant_by_label(err: UnknownNameError, t: Texts) -> tuple[str, str] | None:
    """The known role (or institution) whose label in ``t``'s language ``err.name`` is, as staff
    type it (:func:`_plain`), with the label as written inside a sentence; None when none is."""
    from atbalsts._explain import in_sentence
    from atbalsts.codes import INSTITUTIONS, ROLES, Lang

    typed = _plain(err.name[:100])
    lang: Lang = "lv" if t.lang == "lv" else "en"
    for code in err.known:
        for names in (ROLES, INSTITUTIONS):
            if code in names and _plain(names.label(code, lang)) == typed:
                return code, _unbracketed(in_sentence(names.label(code, lang), code))
    return None


def _short_name(name: str, t: Texts, limit: int = 60) -> str:
    """``repr(name)`` cut as :func:`atbalsts._text.shorten` cuts it, its count in words of
    ``t``: a name is input, and may be of any length."""
    text = repr(name)
    if len(text) <= limit:
        return text
    return t.ngettext("{text}… ({n} character)", "{text}… ({n} characters)", len(text)).format(
        text=text[: limit - 1], n=len(text)
    )


def _unknown(kind: str, t: Texts) -> str | None:
    """The sentence for an unknown name of ``kind``, with ``{name}`` in it; None for a kind the
    catalog does not know."""
    _ = t.gettext
    sentences = {
        "document": _("unknown document {name}"),
        "action": _("unknown action {name}"),
        "parameter": _("unknown parameter {name}"),
        "policy": _("unknown policy {name}"),
        "measure": _("unknown measure {name}"),
        "role": _("unknown role {name}"),
        "view role": _("unknown view role {name}"),
        "format": _("unknown format {name}"),
        "language": _("unknown language {name}"),
        "code list": _("unknown code list {name}"),
        "deadline unit": _("unknown deadline unit {name}"),
        "risk factor code": _("unknown risk factor code {name}"),
        "risk group code": _("unknown risk group code {name}"),
        "measure code": _("unknown measure code {name}"),
        "role code": _("unknown role code {name}"),
        "institution code": _("unknown institution code {name}"),
        "action code": _("unknown action code {name}"),
        "reason code": _("unknown reason code {name}"),
    }
    return sentences.get(kind)


# -- the fields of a document --------------------------------------------------------------------


def field_message(row: FieldError, t: Texts) -> str:
    """What is wrong with one field, in the language of ``t``. In English, the library's
    message; in Latvian, the sentence of its kind said with its values, else the library's
    message."""
    if t.lang == "en":
        return row.message
    said = _field_lv(row, t)
    return row.message if said is None else said


def _allowed(values: Mapping[str, str], t: Texts) -> str | None:
    """``expected`` (the values allowed, comma-separated) in words of ``t``."""
    expected = values.get("expected")
    if not expected:
        return None
    quoted = [f"'{value}'" for value in expected.split(",")]
    if len(quoted) == 1:
        return t.gettext("must be {value}").format(value=quoted[0])
    return t.gettext("must be one of: {values}").format(values=", ".join(quoted))


def _number(kind: str, values: Mapping[str, str], t: Texts) -> str | None:
    """A number's bound (``greater_than_equal`` ...) in words of ``t``."""
    _ = t.gettext
    sentences = {
        "greater_than_equal": ("ge", _("must be at least {n}")),
        "greater_than": ("gt", _("must be greater than {n}")),
        "less_than_equal": ("le", _("must be at most {n}")),
        "less_than": ("lt", _("must be less than {n}")),
    }
    key, said = sentences[kind]
    return said.format(n=values[key]) if key in values else None


def _length(kind: str, values: Mapping[str, str], t: Texts) -> str | None:
    """A text's or a list's length (``string_too_long`` ...) in words of ``t``."""
    key = "max_length" if kind in ("string_too_long", "too_long") else "min_length"
    if not values.get(key, "").isdigit():
        return None
    n = int(values[key])
    if kind == "string_too_long":
        said = t.ngettext("too long: at most {n} character", "too long: at most {n} characters", n)
    elif kind == "string_too_short" and n == 1:
        said = t.gettext("must not be empty")
    elif kind == "string_too_short":
        said = t.ngettext(
            "too short: at least {n} character", "too short: at least {n} characters", n
        )
    elif kind == "too_long":
        said = t.ngettext("too many items: at most {n}", "too many items: at most {n}", n)
    elif n == 1:
        said = t.gettext("the list must not be empty")
    else:
        said = t.ngettext("too few items: at least {n}", "too few items: at least {n}", n)
    return said.format(n=n)


def _code(values: Mapping[str, str], t: Texts) -> str | None:
    """An ``unknown_code`` of the code list ``list`` in words of ``t``."""
    _ = t.gettext
    sentences = {
        "risk_factors": _(
            "unknown risk factor code; use a national code or a local 'namespace:code' declared "
            "by a plugin"
        ),
        "measures": _(
            "unknown measure code; use a national code or a local 'namespace:code' declared by a "
            "plugin"
        ),
        "roles": _(
            "unknown role code; use a national code or a local 'namespace:code' declared by a "
            "plugin"
        ),
        "institutions": _(
            "unknown institution code; use a national code or a local 'namespace:code' declared "
            "by a plugin"
        ),
    }
    return sentences.get(values.get("list", ""))


def _local_code(values: Mapping[str, str], t: Texts) -> str | None:
    """An ``unknown_local_code`` of the code list ``list`` and namespace ``namespace`` in words
    of ``t``."""
    _ = t.gettext
    sentences = {
        "risk_factors": _(
            "a local risk factor code of the namespace '{namespace}' that no policy in this set "
            "declares: is its plugin installed, and does it govern this learner's municipality?"
        ),
        "measures": _(
            "a local measure code of the namespace '{namespace}' that no policy in this set "
            "declares: is its plugin installed, and does it govern this learner's municipality?"
        ),
        "roles": _(
            "a local role code of the namespace '{namespace}' that no policy in this set "
            "declares: is its plugin installed, and does it govern this learner's municipality?"
        ),
        "institutions": _(
            "a local institution code of the namespace '{namespace}' that no policy in this set "
            "declares: is its plugin installed, and does it govern this learner's municipality?"
        ),
    }
    if "namespace" not in values:
        return _unnamed_local_code(values, t)
    sentence = sentences.get(values.get("list", ""))
    return None if sentence is None else sentence.format(namespace=values["namespace"])


def _unnamed_local_code(values: Mapping[str, str], t: Texts) -> str | None:
    """An ``unknown_local_code`` whose namespace no policy of the set has (not named: it is
    only what the sender wrote)."""
    _ = t.gettext
    sentences = {
        "risk_factors": _(
            "a local risk factor code of a namespace that no policy in this set has: is its "
            "plugin installed, and does it govern this learner's municipality?"
        ),
        "measures": _(
            "a local measure code of a namespace that no policy in this set has: is its "
            "plugin installed, and does it govern this learner's municipality?"
        ),
        "roles": _(
            "a local role code of a namespace that no policy in this set has: is its plugin "
            "installed, and does it govern this learner's municipality?"
        ),
        "institutions": _(
            "a local institution code of a namespace that no policy in this set has: is its "
            "plugin installed, and does it govern this learner's municipality?"
        ),
    }
    return sentences.get(values.get("list", ""))


def _one_of(message: str, t: Texts) -> str | None:
    """A ``value_type`` message (a union of types, :class:`atbalsts.model._base.OneOf`)."""
    _ = t.gettext
    sentences = {
        "Input should be a boolean, a number, a string or null": _(
            "must be true or false, a number, a text or null"
        ),
        "Input should be a boolean, a number, a text of at most 4000 characters, a list of at "
        "most 50 codes of at most 64 characters each, or null": _(
            "must be true or false, a number, a text of at most 4000 characters, a list of at "
            "most 50 codes of at most 64 characters each, or null"
        ),
    }
    return sentences.get(message)


def _json(values: Mapping[str, str], t: Texts) -> str:
    """A ``json_invalid`` error: where the text stops being JSON, without the parser's words."""
    if "line" not in values or "column" not in values:
        return t.gettext("not valid JSON")
    return t.gettext("not valid JSON (line {line}, column {column})").format(
        line=values["line"], column=values["column"]
    )


def _personal_code(values: Mapping[str, str], t: Texts) -> str | None:
    """A ``personal_code`` error by its ``reason``."""
    _ = t.gettext
    reasons = {
        "company": _("a company registration number, not a personal code"),
        "check_digit": _("not a valid Latvian personal code (the check digit is wrong)"),
        "form": _(
            "not a valid Latvian personal code (11 digits, optionally a hyphen after the 6th)"
        ),
        "invalid": _("not a valid Latvian personal code"),
    }
    return reasons.get(values.get("reason", ""))


def _grade(message: str, values: Mapping[str, str], t: Texts) -> str | None:
    """A ``grade_programme`` error: the grade or course does not fit the programme."""
    _ = t.gettext
    if message == "vocational_course required for a vocational programme":
        return _("vocational_course is required for a vocational programme")
    field, programme = values.get("field"), values.get("programme")
    if field is None or programme is None:
        return None
    if "low" in values and "high" in values:
        return _("grade must be {low}-{high} for {programme}").format(
            low=values["low"], high=values["high"], programme=programme
        )
    if programme == "vocational":
        return _("{field} must be empty for a vocational programme").format(field=field)
    if programme == "pre_school":
        return _("{field} must be empty in pre-school").format(field=field)
    return _("{field} must be empty in general education").format(field=field)


def _term(values: Mapping[str, str], t: Texts) -> str | None:
    """An ``outside_term`` error: a date (``field``) outside its observation's ``term``."""
    _ = t.gettext
    term, field = values.get("term"), values.get("field")
    if term is None:
        return None
    if field == "as_of":
        return _(
            "as_of is not a day of the term {term} (semester 1 runs 1 September-31 December, "
            "semester 2 1 January-31 August)"
        ).format(term=term)
    if field == "on":
        return _("a day record must be a day of the term {term} on or before as_of").format(
            term=term
        )
    return None


def _repeated(values: Mapping[str, str], t: Texts) -> str | None:
    """A ``duplicate_id`` error: an id (or a day) an earlier item of the list ``field`` has."""
    _ = t.gettext
    field = values.get("field")
    if field is None:
        return None
    if field == "actions":
        return _("repeats the id of an earlier action")
    if field == "days":
        return _("repeats the day of an earlier day record")
    return _("repeats the id of an earlier item of {field}").format(field=field)


def _basis(values: Mapping[str, str], t: Texts) -> str | None:
    """A ``legal_basis_incomplete`` error: what a legal basis of its ``kind`` ``needs``."""
    _ = t.gettext
    kind, needs = values.get("kind"), values.get("needs")
    if kind is None:
        return None
    if needs == "act,url":
        return _("a legal basis of kind {kind} needs both act and url").format(kind=kind)
    if needs == "note":
        return _("a legal basis of kind {kind} needs a note saying what it rests on").format(
            kind=kind
        )
    return None


def _field_lv(row: FieldError, t: Texts) -> str | None:
    """The sentence of ``row`` by its kind, in the language of ``t``; None where the catalog
    has no sentence for it, or the row lacks the values it needs (the caller shows the
    library's message)."""
    _ = t.gettext
    kind, message, values = row.kind, row.message, row.values
    match kind:
        case "missing":
            if message == "a withdrawn consent needs withdrawn_on":
                return _("a withdrawn consent needs withdrawn_on")
            return _("required, but missing")
        case "extra_forbidden":
            return _("not a field of this document (check the name)")
        case "string_type":
            return _("must be a text (a JSON string)")
        case "int_type":
            return _("must be a whole number, written without a fraction")
        case "float_type":
            return _("must be a number")
        case "bool_type":
            return _("must be true or false")
        case "tuple_type" | "list_type":
            return _("must be a list (a JSON array)")
        case "model_type" | "dict_type" | "model_attributes_type":
            return _("must be an object (a JSON object)")
        case "date_type":
            return _("must be a date, written YYYY-MM-DD")
        case "date_parsing" | "date_from_datetime_parsing" | "date_from_datetime_inexact":
            return _("not a date that exists, written YYYY-MM-DD")
        case "datetime_type" | "datetime_parsing" | "datetime_from_date_parsing":
            return _("must be a date and time with its offset, e.g. 2025-03-03T10:15:00+02:00")
        case "finite_number":
            return _("must be a finite number")
        case "string_too_long" | "string_too_short" | "too_long" | "too_short":
            return _length(kind, values, t)
        case "string_pattern_mismatch":
            if "pattern" not in values:
                return None
            return _("not written as allowed (the pattern {pattern})").format(
                pattern=f"'{values['pattern']}'"
            )
        case "enum" | "literal_error":
            return _allowed(values, t)
        case "greater_than_equal" | "greater_than" | "less_than_equal" | "less_than":
            return _number(kind, values, t)
        case "json_invalid":
            return _json(values, t)
        case "string_unicode":
            return _(
                "the text holds a lone surrogate (a \\uD800-\\uDFFF escape without its pair), "
                "which is not Unicode text"
            )
        case "value_type":
            return _one_of(message, t)
        case "unknown_code":
            return _code(values, t)
        case "unknown_local_code":
            return _local_code(values, t)
        case "personal_code":
            return _personal_code(values, t)
        case "grade_programme":
            return _grade(message, values, t)
        case "date_order":
            if "later" not in values or "earlier" not in values:
                return None
            return _("{later} must not be before {earlier}").format(
                later=values["later"], earlier=values["earlier"]
            )
        case "lessons_exceed_scheduled":
            if message == "lessons_missed exceeds lessons_scheduled":
                return _("lessons_missed exceeds lessons_scheduled")
            if message == (
                "the lessons missed (with and without a justifying reason, and with no known "
                "reason) exceed lessons_scheduled"
            ):
                return _(
                    "the lessons missed (with and without a justifying reason, and with no known "
                    "reason) exceed lessons_scheduled"
                )
            return None
        case "outside_term":
            return _term(values, t)
        case "other_learner":
            return _("names another learner than learner.id")
        case "duplicate_id":
            return _repeated(values, t)
        case "school_year_not_consecutive":
            return _("school_year must name two consecutive years, e.g. '2024/2025'")
        case "legal_basis_incomplete":
            return _basis(values, t)
        case "duplicate":
            return _("declared twice") if message == "parameter declared twice" else None
    return None
