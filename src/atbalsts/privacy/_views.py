"""Views: a case or a decision as one role may see it, and the JSON Schema of each view."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from atbalsts.codes import RISK_FACTORS
from atbalsts.model import (
    DataCategory,
    Decision,
    ObligationDue,
    Referral,
    ReferralPurpose,
    SupportCase,
)
from atbalsts.model.decision import FollowUp
from atbalsts.privacy._access import (
    MATRIX,
    Grants,
    ViewRole,
    grants_for,
    purpose_grants,
    role_of,
)
from atbalsts.privacy._categories import (
    CLASSES,
    FIELDS,
    GRADED_NEEDS,
    INHERIT,
    META,
    PUBLIC,
    ByRule,
    Dynamic,
    Level,
    Reads,
    factor_category,
    model_classes,
    need,
)
from atbalsts.schema import json_schema

__all__ = [
    "VIEW_DOCUMENTS",
    "own_duties",
    "schema_names",
    "view",
    "view_decision",
    "view_schema",
    "view_schema_text",
    "write_view_schemas",
]

View = dict[str, Any]
Context = frozenset[DataCategory] | None

#: The documents a view is made of, by their names in ``atbalsts.DOCUMENTS``.
VIEW_DOCUMENTS: dict[str, type[BaseModel]] = {"support-case": SupportCase, "decision": Decision}


def _admits(grants: Grants, categories: Iterable[DataCategory], level: Level) -> bool:
    return all(grants.get(c, Level.NONE) >= level for c in categories)


def _leaf_categories(cls: type[BaseModel], name: str, context: Context) -> Context:
    """The categories of a leaf field, or None when nothing classifies it (default deny)."""
    spec = FIELDS.get(f"{cls.__name__}.{name}", CLASSES.get(cls.__name__))
    if spec is None or spec == INHERIT:
        return context
    if spec in (PUBLIC, META):
        return frozenset()
    if isinstance(spec, DataCategory):
        return frozenset({spec})
    return context  # a Dynamic or a ByRule class: its item's categories


def _sees_all(grants: Grants, needs: Mapping[DataCategory, Level]) -> bool:
    """Whether ``grants`` reach every level of ``needs``."""
    return all(grants.get(category, Level.NONE) >= level for category, level in needs.items())


#: The ids of the duties in a decision that arise from a record the viewing role made itself
#: (:func:`_authored`).
Own = frozenset[int]


def _redact(
    obj: BaseModel,
    data: dict[str, Any],
    grants: Grants,
    context: Context,
    reads: Reads,
    own: Own = frozenset(),
) -> tuple[View | None, bool]:
    """The fields of ``obj`` the grants show, and whether any of them is about the learner (a
    list keeps an item only then: public fields alone never make an item appear). A duty in
    ``own`` is shown as far as its own categories go, whatever the grants (:func:`_authored`)."""
    cls = type(obj)
    spec = CLASSES.get(cls.__name__)
    floor = Level.BASIC
    if spec is None:
        return None, False
    if isinstance(spec, Dynamic):
        picked = spec.pick(obj)
        if picked is not None and id(obj) in own:
            grants = {**grants, **{c: max(grants.get(c, Level.NONE), spec.level) for c in picked}}
        if picked is None or not _admits(grants, picked, spec.level):
            return None, False
        context, floor = picked, spec.level
    elif isinstance(spec, ByRule):
        # only when the role may see what its rules read; then shown as its base category
        needs = spec.needs(obj, reads)
        if needs is None or any(grants.get(c, Level.NONE) < at for c, at in needs.items()):
            return None, False
        context = frozenset({spec.base}) if spec.base is not None else frozenset()
    elif isinstance(spec, DataCategory):
        if grants.get(spec, Level.NONE) < Level.BASIC:
            return None, False
        context = frozenset({spec})
    out: View = {}
    about = spec == META or (isinstance(spec, ByRule) and spec.base is None)
    for name, field in cls.model_fields.items():
        value = getattr(obj, name)
        if any(True for _ in _direct_models(field.annotation)):
            shown, relevant = _structure(value, data[name], grants, context, reads, own)
            if shown not in (None, []):
                out[name] = shown
                about = about or relevant
            continue
        override = FIELDS.get(f"{cls.__name__}.{name}")
        if override == "factors":
            kept = [c for c in data[name] if _factor_shown(grants, c)]
            if kept:
                out[name], about = kept, True
            continue
        if override == "graded":
            if data[name] is not None and _sees_all(grants, GRADED_NEEDS):
                out[name], about = data[name], True
            continue
        categories = _leaf_categories(cls, name, context)
        level = max(need(field.json_schema_extra), floor)
        if categories is None or (not categories and level > Level.BASIC):
            continue  # unclassified, or a classified field about no category: no one
        if _admits(grants, categories, level):
            out[name] = data[name]
            about = about or bool(categories)
    return (out or None), about


def _structure(
    value: Any, data: Any, grants: Grants, context: Context, reads: Reads, own: Own
) -> tuple[Any, bool]:
    if isinstance(value, BaseModel):
        return _redact(value, data, grants, context, reads, own)
    if isinstance(value, tuple):
        items = []
        for item, item_data in zip(value, data, strict=True):
            shown, relevant = _redact(item, item_data, grants, context, reads, own)
            if shown is not None and relevant:
                items.append(shown)
        return items, bool(items)
    return None, False


def _factor_shown(grants: Grants, code: str) -> bool:
    category = factor_category(code)
    return category is not None and grants.get(category, Level.NONE) >= Level.FULL


def _grants(
    role: str, referral: Referral | None, case: SupportCase | None, on: date | None
) -> tuple[ViewRole, Grants]:
    chosen = role_of(role)
    consents = case.consents if case is not None else ()
    return chosen, grants_for(chosen, referral, consents, on)


def view(
    case: SupportCase,
    *,
    role: str,
    referral: Referral | None = None,
    on: date | None = None,
) -> View:
    """What ``role`` may see of ``case``, as JSON-ready data.

    A field is shown only when the role may see its category at the level its classification
    needs (:data:`~atbalsts.privacy.MATRIX`); a field nothing classifies is shown to no one, and
    a list or an object with nothing left to show is left out. ``view["view"]`` says for whom the
    view was made. When ``role`` is the recipient of ``referral`` (sent, with a purpose), it also
    sees what the referral's purpose needs of the categories it shares; given ``on``, only while
    the consent it rests on is in force.
    """
    chosen, grants = _grants(role, referral, case, on)
    body = _redact(case, case.model_dump(mode="json"), grants, None, Reads())[0] or {}
    meta: dict[str, str | None] = {"role": chosen.value, "document": "support-case"}
    meta["referral_id"] = referral.id if referral is not None else None
    return {"view": meta, **body}


def view_decision(
    decision: Decision,
    *,
    role: str,
    referral: Referral | None = None,
    case: SupportCase | None = None,
    on: date | None = None,
    reads: Reads | None = None,
) -> View:
    """What ``role`` may see of ``decision``: its findings, evidence and trace redacted as the
    case they come from is (:func:`view`). A trace row is shown only to a role that may see the
    value of every fact it read, so that whether a rule fired never reveals what the role may not
    see. A measure's reason, a measure's verdict (its reasons combined) and a plan issue are
    shown only to a role that may see what the facts their rules read say (at the level the case
    shows each fact's source at); a verdict, what every rule that may decide its measure read,
    whether it fired or not (:meth:`Reads.verdict_rules`), so that whether it is shown never
    tells which rules fired: as ``reads`` says, by default as the decision's trace names
    those facts (:meth:`Reads.of`). A host deciding with the library passes what the rules
    declare they read (:meth:`Reads.declared`) and need not make the trace; for a rule neither
    names, only a role that sees every category of fact in full sees them, which no role of the
    matrix does.

    Given ``case`` (and no ``referral``), a duty that arises from a record ``role`` made there is
    shown as far as the duty goes, whatever the view says of its category: the report of a
    threat the role recorded, the follow-up of a referral it sent. The record itself stays as
    the view shows it."""
    chosen, grants = _grants(role, referral, case, on)
    data = decision.model_dump(mode="json")
    if reads is None:
        reads = Reads.of(decision.trace)
    own = _authored(decision, case, chosen) if referral is None else frozenset()
    body = _redact(decision, data, grants, None, reads, own)[0] or {}
    _name_only_referrals_shown(body, case, chosen, referral, on)
    meta: dict[str, str | None] = {"role": chosen.value, "document": "decision"}
    meta["referral_id"] = referral.id if referral is not None else None
    return {"view": meta, **body}


def _name_only_referrals_shown(
    body: dict[str, Any],
    case: SupportCase | None,
    role: ViewRole,
    referral: Referral | None,
    on: date | None,
) -> None:
    """Keep in each referral due's ``open_referrals`` only the referrals the role's view of
    ``case`` shows (none without the case): an id must not tell a role of a referral it may not
    see (a child-protection referral to the recipient, whose own category a referral due of
    another reason does not carry). A list left empty is left out, as redaction leaves one."""
    items = body.get("referrals")
    if not items or not any(isinstance(i, dict) and i.get("open_referrals") for i in items):
        return
    shown: set[str] = set()
    if case is not None:
        seen = view(case, role=role.value, referral=referral, on=on).get("referrals") or ()
        shown = {r["id"] for r in seen if isinstance(r, dict) and "id" in r}
    for item in items:
        if not isinstance(item, dict) or "open_referrals" not in item:
            continue
        kept = [i for i in item["open_referrals"] if i in shown]
        if kept:
            item["open_referrals"] = kept
        else:
            del item["open_referrals"]


#: The rules that owe a report per day a suspicion arose (their duty is of that day only).
_PER_DAY = frozenset({"lv.child_protection.report_threat"})


def own_duties(decision: Decision, case: SupportCase, role: str) -> list[ObligationDue | FollowUp]:
    """The duties of ``decision`` that arise from a record ``role`` made in ``case`` (the case
    it was decided from): the report of a suspected threat it recorded (a duty triggered by the
    threats, ``trigger_source`` "threat", raised on the day a suspicion it recorded in an
    observation up to the decision's date arose, or, for an action no duty of that day has, the
    latest raised before it: the national rule owes a report per day, and a municipality's rule
    dated by the earliest open suspicion covers the later ones), and the follow-up of a
    referral it sent (``referred_by.role``).

    Such a duty is the role's own: Art. 73(1) of the Children's Rights Protection Law binds the
    member of staff who suspects the threat, and a referral is followed up by whoever sent it.
    The role knows the record already, so the duty tells it little more: that it stands, by
    when, to whom, and what answered it (and, for a threat, the day it arose). ``role`` is any
    role code, one with a view or not (a subject teacher)."""
    threats = [
        t.observed_on
        for obs in case.observations
        if obs.as_of <= decision.as_of
        for t in obs.suspected_threats
        if t.recorded_by == role and t.observed_on <= decision.as_of
    ]
    sent = {r.id for r in case.referrals if r.referred_by.role == role}
    reports = [duty for duty in decision.obligations if duty.trigger_source == "threat"]
    # a municipality's duty dated by the earliest open suspicion covers the later ones; the
    # national report, owed per day, never stands for another day's
    local = [d for d in reports if _PER_DAY.isdisjoint(d.rules)]
    covering: set[int] = set()
    for day in set(threats):
        covering.update(id(d) for d in reports if d.trigger == day)  # the report of its day
        for action in {d.action for d in local}:
            before = [d for d in local if d.action == action and d.trigger <= day]
            if before:
                latest = max(d.trigger for d in before)
                covering.update(id(d) for d in before if d.trigger == latest)
    own: list[ObligationDue | FollowUp] = [d for d in reports if id(d) in covering]
    own += [f for f in decision.follow_ups if f.kind == "referral_unanswered" and f.subject in sent]
    return own


def _authored(decision: Decision, case: SupportCase | None, role: ViewRole) -> Own:
    """The ids of :func:`own_duties` of ``role`` (none without the case): shown as far as the
    duty goes, whatever the view says of its category. Nothing else of the record is opened: the
    threat itself and the referral stay as the role's view shows them."""
    if case is None:
        return frozenset()
    return frozenset(id(duty) for duty in own_duties(decision, case, role.value))


# -- the published schemas -----------------------------------------------------------------------


def _direct_models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The model classes a field holds directly (itself, in a list, or optional)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in get_args(annotation):
        yield from _direct_models(arg)


def _contexts(root: type[BaseModel]) -> dict[str, set[Any]]:
    """For each class that may be shown, the categories (or PUBLIC) its leaves may have."""
    contexts: dict[str, set[Any]] = {}
    seen: set[tuple[str, frozenset[Any]]] = set()

    def walk(cls: type[BaseModel], context: frozenset[Any]) -> None:
        if (cls.__name__, context) in seen:
            return
        seen.add((cls.__name__, context))
        spec = CLASSES.get(cls.__name__)
        if spec is None:
            return
        if isinstance(spec, Dynamic):
            leaves = children = spec.possible
        elif isinstance(spec, ByRule):  # shown as its base category (or META), when at all
            if spec.base is None:
                leaves, children = frozenset({PUBLIC}), context
            else:
                leaves = children = frozenset({spec.base})
        elif spec == INHERIT:
            leaves = children = context
        elif spec in (PUBLIC, META):
            leaves, children = frozenset({PUBLIC}), context
        else:
            leaves = children = frozenset({spec})
        contexts.setdefault(cls.__name__, set()).update(leaves)
        for field in cls.model_fields.values():
            for sub in _direct_models(field.annotation):
                walk(sub, children)

    walk(root, frozenset())
    return contexts


def _visible_fields(root: type[BaseModel], grants: Grants) -> dict[str, set[str]]:
    """For each class reachable from ``root``, the fields some instance may show to ``grants``:
    an upper bound of what :func:`view` emits, with the same rules."""
    contexts = _contexts(root)
    classes = model_classes(root)
    visible: dict[str, set[str]] = {}
    for cls in classes:
        spec = CLASSES.get(cls.__name__)
        floor = spec.level if isinstance(spec, Dynamic) else Level.BASIC
        names: set[str] = set()
        for name, field in cls.model_fields.items():
            if any(True for _ in _direct_models(field.annotation)):
                names.add(name)  # kept while its class shows something (below)
                continue
            override = FIELDS.get(f"{cls.__name__}.{name}")
            level = max(need(field.json_schema_extra), floor)
            if override == "graded":
                if _sees_all(grants, GRADED_NEEDS):
                    names.add(name)
                continue
            if override == "factors":
                possible: set[Any] = {factor_category(code) for code in RISK_FACTORS.codes()}
                level = Level.FULL
            elif override is not None:
                possible = {override}
            else:
                possible = contexts.get(cls.__name__, set())
            for category in possible - {None}:
                if category == PUBLIC:
                    if level == Level.BASIC:
                        names.add(name)
                elif grants.get(DataCategory(category), Level.NONE) >= level:
                    names.add(name)
        visible[cls.__name__] = names if cls.__name__ in contexts else set()
    changed = True
    while changed:  # a structural field stays only when a class it holds shows something
        changed = False
        for cls in classes:
            for name in sorted(visible[cls.__name__]):
                subs = list(_direct_models(cls.model_fields[name].annotation))
                if subs and not any(visible[sub.__name__] for sub in subs):
                    visible[cls.__name__].discard(name)
                    changed = True
    return visible


def schema_names() -> list[str]:
    """The names of the published view schemas: ``DOCUMENT.ROLE`` for each role, and
    ``DOCUMENT.referral-PURPOSE`` for a referral's recipient."""
    names = []
    for document in VIEW_DOCUMENTS:
        names += [f"{document}.{role.value}" for role in ViewRole]
        names += [f"{document}.referral-{purpose.value}" for purpose in ReferralPurpose]
    return names


def _grants_named(name: str) -> tuple[str, Grants]:
    document, _, who = name.partition(".")
    if who.startswith("referral-"):
        purpose = ReferralPurpose(who.removeprefix("referral-"))
        return document, purpose_grants(purpose, frozenset(DataCategory))
    return document, MATRIX[role_of(who)].grants


def view_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of the view called ``name`` (see :func:`schema_names`): the document's
    schema with only the fields the view may show, none of them required."""
    document, grants = _grants_named(name)
    if document not in VIEW_DOCUMENTS:
        raise KeyError(name)
    visible = _visible_fields(VIEW_DOCUMENTS[document], grants)
    schema = copy.deepcopy(json_schema(document))
    root = VIEW_DOCUMENTS[document].__name__
    for def_name, definition in [(root, schema), *schema.get("$defs", {}).items()]:
        if "properties" not in definition:
            continue
        keep = visible.get(def_name, set())
        definition["properties"] = {k: v for k, v in definition["properties"].items() if k in keep}
        definition.pop("required", None)
        for key in ("if", "then", "allOf"):
            definition.pop(key, None)
    schema["properties"]["view"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "role": {"type": "string"},
            "document": {"const": document},
            "referral_id": {"type": ["string", "null"]},
        },
        "required": ["role", "document", "referral_id"],
    }
    schema["required"] = ["view"]
    schema["$id"] = f"https://atbalsts.invalid/schemas/views/{name}.schema.json"
    schema["title"] = f"{root} as seen by {name.partition('.')[2]}"
    _prune_defs(schema)
    return schema


def _prune_defs(schema: dict[str, Any]) -> None:
    defs = schema.get("$defs", {})
    used: set[str] = set()
    todo = [{k: v for k, v in schema.items() if k != "$defs"}]
    while todo:
        node = todo.pop()
        text = json.dumps(node)
        for name in defs:
            if f'"#/$defs/{name}"' in text and name not in used:
                used.add(name)
                todo.append(defs[name])
    schema["$defs"] = {k: v for k, v in defs.items() if k in used}
    if not schema["$defs"]:
        del schema["$defs"]


def view_schema_text(name: str) -> str:
    """The schema of view ``name`` as the stable text committed under ``schemas/views/``."""
    return json.dumps(view_schema(name), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_view_schemas(directory: Path) -> list[Path]:
    """Write every view schema into ``directory`` (``NAME.schema.json``); return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in schema_names():
        path = directory / f"{name}.schema.json"
        path.write_text(view_schema_text(name), encoding="utf-8")
        paths.append(path)
    return paths
