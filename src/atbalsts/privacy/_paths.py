"""The path of an invalid field as a role may see it.

A path names no value, but it can tell what a record holds: ``observations[0].suspected_threats
[0].observed_on`` says that a threat to the learner is recorded. So an output made for a role
(``batch --role``, the service with a role's view) names a field only as far as the role's view
could show it, and cuts the path at the last container it may see: ``observations[0].
(protected)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

from pydantic import BaseModel

from atbalsts.model import DataCategory, SupportCase
from atbalsts.privacy._access import MATRIX, Grants, role_of
from atbalsts.privacy._categories import (
    _GROUPS,
    CLASSES,
    FIELDS,
    GRADED_NEEDS,
    INHERIT,
    META,
    PUBLIC,
    ByRule,
    Dynamic,
    Level,
    need,
)
from atbalsts.privacy._views import _admits, _direct_models

__all__ = [
    "PROTECTED",
    "PROTECTED_KIND",
    "PROTECTED_MESSAGE",
    "masked_each",
    "masked_path",
    "masked_problems",
]

T = TypeVar("T")

#: What stands in a masked path for the part the role may not see.
PROTECTED = "(protected)"
#: The message of a masked path's problem: the message of the field itself would name it (an
#: invalid threat kind's message lists the kinds of threat).
PROTECTED_MESSAGE = "a field this role may not see is invalid; the host's own output names it"
#: The ``kind`` of a masked path's problem (a batch's invalid row, a work list's skipped field):
#: the field's own kind and values could say what its cut path no longer says.
PROTECTED_KIND = "protected"

#: Paths that name no field (the document as a whole).
_WHOLE = frozenset({"(document)", ""})
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

Context = frozenset[DataCategory]


def _steps(path: str) -> list[str | int] | None:
    """The steps of ``path`` (field names and list indices), or None when it is not a path."""
    steps: list[str | int] = []
    at = 0
    for match in _STEP.finditer(path):
        between = path[at : match.start()]
        if between not in ("", ".") or (between == "." and not steps):
            return None
        name, index = match.groups()
        steps.append(int(index) if index is not None else name)
        at = match.end()
    if at != len(path) or not steps:
        return None
    return steps


def _into(grants: Grants, sub: type[BaseModel], context: Context) -> tuple[Context, Level] | None:
    """The context and floor of an object of class ``sub`` the role may see, or None."""
    spec = CLASSES.get(sub.__name__)
    if spec is None or isinstance(spec, ByRule):  # unclassified, or shown by what rules read
        return None
    if spec in (PUBLIC, META, INHERIT):
        return context, Level.BASIC
    if isinstance(spec, Dynamic):  # its category depends on values an invalid line may lack
        possible = frozenset(DataCategory(c) for c in spec.possible if c != PUBLIC)
        return (possible, spec.level) if _admits(grants, possible, spec.level) else None
    category = DataCategory(spec)
    if not _admits(grants, {category}, Level.BASIC):
        return None
    return frozenset({category}), Level.BASIC


def _leaf(grants: Grants, cls: type[BaseModel], name: str, context: Context, floor: Level) -> bool:
    """Whether the role may see the leaf field ``name`` of ``cls`` (as a view would show it)."""
    field = cls.model_fields[name]
    level = max(need(field.json_schema_extra), floor)
    override = FIELDS.get(f"{cls.__name__}.{name}")
    if override == "factors":
        return _admits(grants, set(_GROUPS.values()), Level.FULL)
    if override == "graded":
        return all(grants.get(c, Level.NONE) >= at for c, at in GRADED_NEEDS.items())
    spec = override if override is not None else CLASSES.get(cls.__name__)
    if spec is None:
        return False
    categories: Context
    if spec in (PUBLIC, META):
        categories = frozenset()
    elif isinstance(spec, DataCategory):
        categories = frozenset({spec})
    else:  # INHERIT, a Dynamic or a ByRule: the categories of the object that holds it
        categories = context
    if not categories and level > Level.BASIC:
        return False
    return _admits(grants, categories, level)


def _visible(grants: Grants, steps: list[str | int], root: type[BaseModel]) -> int:
    """How many of ``steps`` the role may see, from the first."""
    cls: type[BaseModel] | None = root
    context: Context = frozenset()
    floor = Level.BASIC
    leaf = False  # the last name was a leaf field: only list indices may follow
    for i, step in enumerate(steps):
        if isinstance(step, int):
            continue  # an item of the list just named: shown as far as its class is
        if cls is None or leaf or step not in cls.model_fields:
            return i  # a field the model does not know (or below a leaf): default deny
        subs = list(_direct_models(cls.model_fields[step].annotation))
        if not subs:
            if not _leaf(grants, cls, step, context, floor):
                return i
            leaf = True
            continue
        entered = [_into(grants, sub, context) for sub in subs]
        if any(e is None for e in entered) or len(subs) > 1:
            return i
        context, floor = entered[0]  # type: ignore[misc]
        cls = subs[0]
    return len(steps)


def _render(steps: list[str | int]) -> str:
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def masked_path(path: str, *, role: str, document: type[BaseModel] = SupportCase) -> str:
    """``path`` (a field of a ``document``, as :class:`~atbalsts.errors.DocumentError` names it)
    as ``role`` may see it: whole when the role's view could show the field, else cut at the
    last container the view could show, followed by :data:`PROTECTED`
    (``observations[0].(protected)`` for a suspected threat's date, to a role that does not see
    child-protection data). A container whose category depends on its values (a staff
    observation, a note, a referral) counts as every category it may have; a field the model
    does not know is cut (default deny). Raises :class:`~atbalsts.errors.UnknownNameError` for
    a role without a view."""
    if path in _WHOLE:
        return path
    grants = MATRIX[role_of(role)].grants
    steps = _steps(path)
    if steps is None:
        return PROTECTED
    shown = _visible(grants, steps, document)
    if shown == len(steps):
        return path
    kept = _render(steps[:shown])
    return f"{kept}.{PROTECTED}" if kept else PROTECTED


def masked_problems(
    problems: Iterable[tuple[str, str]], *, role: str, document: type[BaseModel] = SupportCase
) -> list[tuple[str, str]]:
    """The ``(path, message)`` pairs of an invalid document as ``role`` may see them: each path
    masked (:func:`masked_path`), a masked one with :data:`PROTECTED_MESSAGE` instead of its
    own message, and each masked path once (how many fields below it are invalid is not said)."""
    return [
        (shown, PROTECTED_MESSAGE if message is None else message)
        for shown, message in masked_each(problems, role=role, document=document)
    ]


def masked_each(
    problems: Iterable[tuple[str, T]], *, role: str, document: type[BaseModel] = SupportCase
) -> list[tuple[str, T | None]]:
    """The ``(path, problem)`` pairs of an invalid document as ``role`` may see them: the
    problem itself when its path is whole, None with the cut path when :func:`masked_path` cut
    it (its message, kind or values could say what the cut hides), each cut path once. The one
    rule :func:`masked_problems`, a batch's invalid rows and a work list's skipped fields
    follow."""
    out: list[tuple[str, T | None]] = []
    seen: set[str] = set()
    for path, problem in problems:
        shown = masked_path(path, role=role, document=document)
        if shown == path:
            out.append((path, problem))
        elif shown not in seen:
            seen.add(shown)
            out.append((shown, None))
    return out
