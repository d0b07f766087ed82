"""Parsing documents at the boundary, with errors that name every failing field path.

Validation is strict (see :class:`~atbalsts.model.Model`): what the published JSON Schema refuses,
these functions refuse, and each error names the field to correct, also for the checks that span
several fields.
"""

from __future__ import annotations

import ast
import difflib
import functools
import json
import re
import types
import typing
from collections.abc import Collection, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import pydantic
from pydantic_core import ErrorDetails

from atbalsts.errors import DocumentError, FieldError

__all__ = [
    "CLOSE",
    "FIELD_NAME",
    "LONG",
    "NOT_A_FIELD_NAME",
    "OWN_KEYS",
    "error_values",
    "field_errors",
    "parse_json",
    "parse_python",
    "shown_key",
]

M = TypeVar("M", bound=pydantic.BaseModel)

#: Longest message kept in a :class:`FieldError` (a message never echoes a large input).
MESSAGE_MAX = 300

#: The form of a field name (every field of the documents has it). A key of the input (an unknown
#: key, a key of a map) is named in an error path only when it has this form and is close to a
#: field name (:func:`shown_key`): another, such as "120101-12345", "Anna Bērziņa" or
#: "anna_berzina", may be a personal code or a name, and is not repeated.
FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}")
#: What stands in an error path for a key of the input that is not named.
NOT_A_FIELD_NAME = "(a key that is not a field name)"
#: How close (difflib's ratio, 0 to 1) a key must be to a field name to be named: a letter left
#: out, doubled or swapped in a name of five letters or more (``as_fo``, ``learnr``), not a
#: word that merely shares some letters with one (``janis`` and ``plans``).
CLOSE = 0.8
#: The length from which a field name is long: a key close to it (:data:`CLOSE`) is named. A key
#: close to a shorter one is named only when it is one slip of the hand from it (a letter left
#: out, doubled, or two neighbours swapped: ``marsk``, ``reson``): a letter changed or added in
#: a short word makes a name as often as a typo (``maris`` and ``marks``, ``signe`` and
#: ``since``, ``mareks`` and ``marks``).
LONG = 8
#: Keys the library writes besides the fields of the documents, named wherever they are sent
#: back: a role's view of a document carries ``view`` (:mod:`atbalsts.privacy`), by which the
#: HTTP service knows a view sent where a whole Decision is needed.
OWN_KEYS = frozenset({"view"})

_BOM = "\ufeff"
# pydantic's words for Python types where a host thinks in JSON.
_MESSAGES = {"tuple_type": "Input should be a valid list (a JSON array)"}


def _path(loc: tuple[int | str, ...], model: type[pydantic.BaseModel] | None = None) -> str:
    """``loc`` as an error names it, each key of the input named or hidden by :func:`shown_key`
    with the fields of the model at its place in ``model`` (when the place is known)."""
    out = ""
    place: Any = model
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-after[", "function-before[")):
            # pydantic's name for a validated union branch, not a field. A union of plain types
            # fails as one error at its field (``atbalsts.model._base.OneOf``), so that a key
            # named "str" is never taken for pydantic's name of a type.
            place = None
            continue
        elif part == _DICT_KEY:
            out += f".{part}" if out else part
            place = None
            continue
        else:
            name = shown_key(part, _names_at(place))
            out += f".{name}" if out else name
        place = _below(place, part)
    return out or "(document)"


# pydantic's step for the key itself of a map entry (``detail.<key>.[key]``), not a field.
_DICT_KEY = "[key]"


def _inner(annotation: Any) -> Any:
    """``annotation`` without ``Annotated`` and without ``None`` in a union of one type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(kinds) != 1:
                return annotation
            annotation = kinds[0]
        else:
            return annotation


def _model(annotation: Any) -> type[pydantic.BaseModel] | None:
    found = _inner(annotation)
    if isinstance(found, type) and issubclass(found, pydantic.BaseModel):
        return found
    return None


@functools.cache
def _fields(model: type[pydantic.BaseModel]) -> Mapping[str, Any]:
    """The fields of ``model`` by the name the input gives them, with their types (read, never
    changed: kept per model)."""
    return {field.alias or name: field.annotation for name, field in model.model_fields.items()}


def _names_at(place: Any) -> tuple[str, ...] | None:
    """The field names at ``place``: a model's fields; None for a map (its keys are input) or
    a place not known."""
    model = _model(place)
    return None if model is None else tuple(_fields(model))


def _below(place: Any, part: int | str) -> Any:
    """The type at step ``part`` below ``place``; None where it is not known."""
    if place is None:
        return None
    model = _model(place)
    if model is not None:
        return _fields(model).get(part) if isinstance(part, str) else None
    found = _inner(place)
    origin, args = typing.get_origin(found), typing.get_args(found)
    if origin in (tuple, list) and isinstance(part, int) and args:
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return args[part] if part < len(args) else None
        return args[0]
    if origin is dict and isinstance(part, str) and len(args) == 2:
        return args[1]
    return None


def _models_in(annotation: Any, found: dict[type[pydantic.BaseModel], None]) -> None:
    """Every model in ``annotation``, itself and the models of its fields, into ``found``."""
    origin = typing.get_origin(annotation)
    if origin is not None:
        for arg in typing.get_args(annotation):
            _models_in(arg, found)
    elif (
        isinstance(annotation, type)
        and issubclass(annotation, pydantic.BaseModel)
        and annotation not in found
    ):
        found[annotation] = None
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)


@functools.cache
def _every_field_name() -> frozenset[str]:
    """The name of every field of every document (and of the models inside them)."""
    # The documents' modules import this one's package: imported when first asked.
    from atbalsts.model.audit import AuditEvent
    from atbalsts.model.case import SupportCase
    from atbalsts.model.decision import Decision
    from atbalsts.model.plan import SupportPlan
    from atbalsts.model.referral import Consent, Referral
    from atbalsts.model.risk import RiskAssessment

    documents = (AuditEvent, Consent, Decision, Referral, RiskAssessment, SupportCase, SupportPlan)
    found: dict[type[pydantic.BaseModel], None] = {}
    for document in documents:
        _models_in(document, found)
    return frozenset(name for model in found for name in _fields(model))


def shown_key(key: str, near: Collection[str] | None = None) -> str:
    """``key`` as an error may name it: itself when it is written as a field name (lower-case
    letters, digits and ``_``, not starting with a digit, at most 64 characters) and is one of
    the field names ``near`` (those at its place), or close to one (a misspelt field: ``learnr``,
    ``enrolmnet``), or is ``view``, which the library writes into a role's view of a document;
    else ``"(a key that is not a field name)"``. Without ``near``, the field names of every
    document are taken.

    An unknown key, or a key of a map, comes from the input and may be a personal code or a
    name, even one written as a field name (``anna_berzina``, ``maris``): only a key the sender
    meant as a field is repeated, so that they can correct it. Close is a ratio of at least 0.8
    as ``difflib.get_close_matches`` measures it, and, to a field name of fewer than 8
    letters, also one slip of the hand: a letter left out, doubled, or two neighbouring letters
    swapped (``marsk`` is named, ``maris`` is not). The errors of the documents name each key
    so, by the fields of the model at its place (:func:`field_errors`), a key of a map (a map
    has no fields) by the field names of every document; a host that names keys in its own
    errors uses this too (the HTTP service names unknown query parameters with it)."""
    if not FIELD_NAME.fullmatch(key):
        return NOT_A_FIELD_NAME
    names = _every_field_name() if near is None else near
    if key in names or key in OWN_KEYS:
        return key
    for name in difflib.get_close_matches(key, names, n=len(names) or 1, cutoff=CLOSE):
        if len(name) >= LONG or _slip(key, name):
            return key
    return NOT_A_FIELD_NAME


def _slip(key: str, name: str) -> bool:
    """Whether ``key`` is ``name`` written with one slip of the hand: a letter left out, a
    letter doubled, or two neighbouring letters swapped."""
    if len(key) == len(name) - 1:  # a letter left out
        return any(key == name[:i] + name[i + 1 :] for i in range(len(name)))
    if len(key) == len(name) + 1:  # a letter doubled
        return any(
            key[i] == key[i + 1] and key[:i] + key[i + 1 :] == name for i in range(len(name))
        )
    if len(key) == len(name):  # two neighbours swapped
        differ = [i for i, (a, b) in enumerate(zip(key, name, strict=True)) if a != b]
        return (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and key[differ[0]] == name[differ[1]]
            and key[differ[1]] == name[differ[0]]
        )
    return False


#: pydantic's context keys that say a field's constraint, and never anything about the input:
#: not ``actual_length`` (the input's length), ``error`` (the parser's words about the input,
#: or a ValueError), ``class_name``, ``field_type`` or ``at`` (the library's own locations).
_CONSTRAINTS = frozenset(
    {
        "max_length",
        "min_length",
        "ge",
        "gt",
        "le",
        "lt",
        "multiple_of",
        "pattern",
        "max_digits",
        "decimal_places",
    }
)

#: One value an ``enum`` or ``literal_error`` context lists, as pydantic quotes it (``repr``).
_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'")
#: Where pydantic's JSON parser says malformed JSON stops.
_AT_LINE = re.compile(r"at line (?P<line>[0-9]+) column (?P<column>[0-9]+)")


def _text(value: object) -> str:
    """A constraint as text: a number as pydantic's message writes it (``0``, not ``0.0``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _expected(listed: str) -> str | None:
    """The values ``'a', 'b' or 'c'`` (pydantic's ``expected`` of an enumeration) as ``a,b,c``;
    None for a list of another form, or of a value holding a comma."""
    quoted = _QUOTED.findall(listed)
    if not quoted:
        return None
    said = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" or {quoted[-1]}"
    if said != listed:
        return None
    values = [ast.literal_eval(q) for q in quoted]
    if any(not isinstance(v, str) or "," in v for v in values):
        return None
    return ",".join(values)


def error_values(err: ErrorDetails) -> dict[str, str]:
    """The :attr:`~atbalsts.errors.FieldError.values` of one of pydantic's errors (an item of
    ``ValidationError.errors()``), as :func:`field_errors` gives them: the constraint
    (``max_length``, ``min_length``, ``ge``, ``gt``, ``le``, ``lt``, ``multiple_of``,
    ``pattern``, ``max_digits``, ``decimal_places``; each as text, a number as pydantic's
    message writes it), the values an enumeration allows (``expected``, comma-separated), where
    malformed JSON stops (``line`` and ``column``) and the values a check of the library gives
    (``values`` in the error's context). Never the input, nor what the context says of it (the
    input's length, the parser's words, a ``ValueError``). For a host that turns the errors of
    its own models into :class:`~atbalsts.errors.FieldError` rows alike (the scenario files
    do)."""
    ctx = err.get("ctx") or {}
    values = {key: _text(ctx[key]) for key in _CONSTRAINTS & ctx.keys()}
    own = ctx.get("values")
    if isinstance(own, Mapping):
        values.update({str(key): str(value) for key, value in own.items()})
    kind = err["type"]
    if kind in ("enum", "literal_error") and isinstance(ctx.get("expected"), str):
        expected = _expected(ctx["expected"])
        if expected is not None:
            values["expected"] = expected
    if kind == "json_invalid":
        where = _AT_LINE.search(str(ctx.get("error", "")))
        if where is not None:
            values.update(line=where["line"], column=where["column"])
    return values


def _short(message: str) -> str:
    return message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"


def field_errors(
    exc: pydantic.ValidationError, model: type[pydantic.BaseModel] | None = None
) -> list[FieldError]:
    """Turn pydantic's errors into :class:`FieldError` rows, one per failing path, each with
    its ``values`` (pydantic's constraint, the values an enumeration allows, where malformed
    JSON stops, the names and numbers of a check of the library; never the input).

    A check that spans several fields (raised by a model validator) is reported at the field it
    names, not at the model that holds it. A key of the input in a path (an unknown key, a key of
    a map) is named only when it is written as a field name and is close to a field name at its
    place (:func:`shown_key`): the fields of the model there, when ``model`` (the model
    validated) is given and the place is a model; else the field names of every document. Any
    other key is said as ``(a key that is not a field name)``: it may be a personal code or a
    name. The row's ``kind`` still says what is wrong (``extra_forbidden`` for an unknown key).
    """
    rows: dict[str, FieldError] = {}
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(err["loc"])
        ctx = err.get("ctx") or {}
        at = ctx.get("at") if isinstance(ctx, dict) else None
        message = _short(_MESSAGES.get(err["type"], err["msg"]).removeprefix("Value error, "))
        values = error_values(err)
        for below in at if isinstance(at, tuple) and at else ((),):
            path = _path(loc + tuple(below), model)
            if path in rows:  # a union reports each branch; keep the first message per path
                continue
            rows[path] = FieldError(path, message, err["type"], values)
    # An invalid only item also makes its list "too short"; report the item, not the echo.
    return [
        row
        for row in rows.values()
        if not (row.kind == "too_short" and any(other.startswith(row.path + "[") for other in rows))
    ]


_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE_SURROGATE = (
    "Text holds a lone surrogate (a \\uD800-\\uDFFF escape without its pair), which is not "
    "Unicode text"
)


def _surrogates(node: Any, at: tuple[int | str, ...] = ()) -> Iterator[tuple[int | str, ...]]:
    """Paths of the strings of parsed JSON that hold a lone surrogate, and of the objects whose
    keys do."""
    if isinstance(node, str):
        if _SURROGATE.search(node):
            yield at
    elif isinstance(node, dict):
        for key, value in node.items():
            if _SURROGATE.search(key):
                yield at  # the object that holds the key, as pydantic names it from Python
            else:
                yield from _surrogates(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _surrogates(value, (*at, i))


def _surrogate_errors(
    data: str | bytes | bytearray, model: type[pydantic.BaseModel]
) -> list[FieldError]:
    """Where JSON text holds a lone surrogate, by field path: pydantic's parser refuses it for the
    whole document, Python's reads it, so the path can be named (only on that error's path)."""
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return []
    return [
        FieldError(path=_path(at, model), message=_LONE_SURROGATE, kind="string_unicode")
        for at in _surrogates(parsed)
    ]


def parse_json(
    model: type[M], data: str | bytes | bytearray | memoryview, *, name: str | None = None
) -> M:
    """Validate JSON text as ``model``; raise :class:`~atbalsts.DocumentError` when invalid.

    ``data`` is text or UTF-8 bytes; anything else is a :class:`TypeError`. A leading UTF-8
    byte-order mark is ignored. Dates are ``YYYY-MM-DD`` strings; nothing is coerced (``"1"`` is
    not an integer, ``"no"`` is not a boolean). A string holding a lone surrogate (a
    ``\\uD800``-``\\uDFFF`` escape without its pair) is not Unicode text and is refused at its
    field, with kind ``string_unicode``.
    """
    if isinstance(data, memoryview):
        data = data.tobytes()
    if isinstance(data, bytes | bytearray):
        if data.startswith(_BOM.encode()):
            data = data[len(_BOM.encode()) :]
    elif isinstance(data, str):
        if data.startswith(_BOM):
            data = data[1:]
    else:
        raise TypeError(
            f"parse_json: data must be JSON text (str) or UTF-8 bytes, not {type(data).__name__}"
        )
    try:
        return model.model_validate_json(data)
    except pydantic.ValidationError as exc:
        errors = field_errors(exc, model)
        if (
            len(errors) == 1
            and errors[0].path == "(document)"
            and ("surrogate" in errors[0].message or "hex escape" in errors[0].message)
        ):
            errors = _surrogate_errors(data, model) or errors
        raise DocumentError(name or model.__name__, errors) from None


def parse_python(model: type[M], data: Mapping[str, Any], *, name: str | None = None) -> M:
    """Validate a mapping (e.g. parsed JSON) as ``model``; raise on invalid input.

    Accepts exactly what the JSON Schema accepts, with Python's own types where JSON has none:
    a date is a ``YYYY-MM-DD`` string or a :class:`datetime.date`, a list a list or a tuple, an
    enumerated value its string or the enum member. Nothing else is coerced.
    """
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise DocumentError(name or model.__name__, field_errors(exc, model)) from None
