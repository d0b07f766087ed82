"""What leaves the service: each Decision through the view hook, and its explanation made only of
what the view shows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, get_args, get_origin

import pydantic

from atbalsts import explain
from atbalsts.codes import INSTITUTIONS, ROLES, CodeList, Lang
from atbalsts.model import Decision
from atbalsts.server._access import DecisionView, ViewContext

__all__ = ["as_decision", "explain_shown", "shown_data", "shown_json"]

#: At most this many items are left out of a view before it is put in words (a Decision has far
#: fewer items; the bound only keeps a bug from looping).
_MAX_DROPS = 100_000

_FOOTER = {
    "lv": "Parādīts tikai tas, ko drīkst redzēt loma „{role}”; pārējais ir izlaists, tāpēc "
    "„nav” var nozīmēt arī „nav parādīts”.",
    "en": "Only what the role '{role}' may see is shown; the rest is left out, so 'none' may "
    "also mean 'not shown'.",
}


def shown_data(view: DecisionView, decision: Decision, context: ViewContext) -> Any:
    """What ``view`` shows of ``decision``: the Decision itself, or a view's JSON-ready data."""
    shown = view(decision, context)
    return shown if isinstance(shown, Decision) else dict(shown)


def shown_json(
    view: DecisionView, decision: Decision, context: ViewContext, *, trace: bool = True
) -> str:
    """What ``view`` shows of ``decision``, as one line of compact JSON; without the trace
    unless ``trace`` (a view may need the trace to decide what to show, and the caller may not
    have asked for it)."""
    shown = shown_data(view, decision, context)
    if isinstance(shown, Decision):
        if not trace:
            shown = shown.model_copy(update={"trace": ()})
        return shown.model_dump_json()
    if not trace:
        shown.pop("trace", None)
    return json.dumps(shown, ensure_ascii=False, separators=(",", ":"))


def explain_shown(
    shown: Decision | Mapping[str, Any],
    lang: str,
    codes: Mapping[str, CodeList] | None,
    role: str,
) -> str:
    """The explanation of what was shown: of the Decision itself, or of a view, put in words
    through :func:`as_decision` with a last line saying whose view it is."""
    if isinstance(shown, Decision):
        return explain(shown, lang, codes)
    text = explain(as_decision(shown), lang, codes)
    meta = shown.get("view")
    seen_by = str(meta.get("role", role)) if isinstance(meta, Mapping) else role
    footer = _FOOTER["lv" if lang == "lv" else "en"].format(role=_label(seen_by, lang))
    return f"{text}\n{footer}\n"


def _label(role: str, lang: str) -> str:
    language: Lang = "lv" if lang == "lv" else "en"
    for codes in (ROLES, INSTITUTIONS):
        if role in codes:
            return codes.label(role, language)
    return role


# -- a Decision made of a view ----------------------------------------------------------------


def _models(annotation: Any) -> list[type[pydantic.BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models(arg)]


def _fit(cls: type[pydantic.BaseModel], data: Mapping[str, Any]) -> dict[str, Any] | None:
    """``data`` as ``cls`` may hold it: a list the view left out is empty, an item without a
    field it needs is left out; None when ``data`` lacks a field ``cls`` needs."""
    out: dict[str, Any] = {}
    for name, field in cls.model_fields.items():
        many = get_origin(field.annotation) in (tuple, list)
        if name not in data:
            if many:
                out[name] = []
            elif field.is_required():
                return None
            continue
        value = data[name]
        models = _models(field.annotation)
        if len(models) != 1 or value is None:
            out[name] = value
        elif many:
            out[name] = [f for f in (_fit(models[0], item) for item in value) if f is not None]
        else:
            fitted = _fit(models[0], value)
            if fitted is None and field.is_required():
                return None
            if fitted is not None:
                out[name] = fitted
    return out


def _drop(data: dict[str, Any], error: Mapping[str, Any]) -> bool:
    """Leave out the innermost list item (or optional top-level field) ``error`` is about."""
    loc = list(error["loc"])
    indexes = [i for i, part in enumerate(loc) if isinstance(part, int)]
    for last in reversed(indexes):  # the innermost item that is a list item of the data
        node: Any = data
        try:
            for part in loc[:last]:
                node = node[part]
            if isinstance(node, list) and 0 <= loc[last] < len(node):
                del node[loc[last]]
                return True
        except (KeyError, IndexError, TypeError):
            continue
    name = loc[0] if loc else None
    field = Decision.model_fields.get(name) if isinstance(name, str) else None
    if field is not None and name in data and not field.is_required():
        del data[name]
        return True
    return False


def as_decision(shown: Mapping[str, Any]) -> Decision:
    """A Decision made only of what the view ``shown`` holds, to put it in words: the lists the
    view left out are empty, and an item the view shows too little of to be read (a required
    field hidden) is left out. Raises ``ValueError`` when the view does not hold even the
    Decision's own required fields."""
    data = _fit(Decision, {k: v for k, v in shown.items() if k != "view"})
    if data is None:
        raise ValueError("the view does not show the Decision's required fields")
    for _ in range(_MAX_DROPS):
        try:
            return Decision.model_validate_json(json.dumps(data))
        except pydantic.ValidationError as err:
            errors = err.errors(include_url=False, include_input=False, include_context=False)
            if not _drop(data, errors[0]):
                raise ValueError("the view cannot be read as a Decision") from None
    raise ValueError("the view cannot be read as a Decision")
