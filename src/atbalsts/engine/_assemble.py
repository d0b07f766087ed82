"""A decision from an evaluation: as plain data, as JSON, and as the pydantic document.

The combined parts come from :mod:`atbalsts.engine._combine` as plain JSON-ready data; this module
adds the stamp, the notes, the failures and the trace. :func:`decision_json` serialises that data
with pydantic-core's own JSON writer, so it is the text ``Decision.model_dump_json()`` writes, byte
for byte, without building a model per row (a property test checks it on generated cases).
:func:`to_decision` builds the :class:`~atbalsts.model.Decision` document from the same data, for
callers that want the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pydantic_core

from atbalsts._time import term_of
from atbalsts.codes import CodeList
from atbalsts.engine import _combine as combine
from atbalsts.engine._compiled import CompiledPolicy
from atbalsts.engine._construct import MODEL_REFS, construct
from atbalsts.engine._duties import ENGINE_BASES
from atbalsts.engine._evidence import evidence
from atbalsts.engine._identity import ByIdentity
from atbalsts.engine._refs import FULL_REFS, JsonObject, Refs, RuleTable, rule_table
from atbalsts.engine._run import Evaluation
from atbalsts.engine._trace_json import trace_json, trace_row
from atbalsts.model import SCHEMA_VERSION
from atbalsts.model.decision import Decision, DecisionNote, NoteCode

__all__ = [
    "decision_data",
    "decision_json",
    "notes_of",
    "rule_table_of",
    "to_decision",
    "to_json",
    "trace_data",
]


def trace_data(ev: Evaluation, refs: Refs) -> list[JsonObject]:
    """The trace rows of ``ev`` as data, sorted by rule id (the facts' values converted once)."""
    rows = []
    seen: dict[str, JsonObject] = {}  # a fact has one value per evaluation: convert it once

    def fact(name: str, raw: object) -> JsonObject:
        found = seen.get(name)
        if found is None:
            found = seen[name] = evidence(name, raw)
        return found

    for cr, fired, values, error in ev.trace:
        facts = [fact(name, value) for name, value in zip(cr.rule.reads, values, strict=True)]
        rows.append(trace_row(cr, refs, fired, facts, error))
    rows.sort(key=lambda r: r["rule"])
    return rows


def note_data(note: DecisionNote) -> JsonObject:
    """The data of a :class:`~atbalsts.model.decision.DecisionNote`."""
    return {"code": note.code.value, "detail": dict(note.detail)}


_NO_OBSERVATION = note_data(DecisionNote(code=NoteCode.NO_OBSERVATION_ON_DATE))


def notes_of(ev: Evaluation, undecided: list[str]) -> list[JsonObject]:
    notes = [note_data(n) for n in ev.policy.notes]
    if not ev.facts.has_observation:
        notes.append(_NO_OBSERVATION)
    elif not ev.facts.term_observations:  # the latest is of an earlier term
        school_year, semester = term_of(ev.facts.as_of)
        detail = {"school_year": school_year, "semester": semester}
        notes.append({"code": NoteCode.OBSERVATION_OF_EARLIER_TERM.value, "detail": detail})
    if ev.facts.term_source == "convention":
        school_year, _ = term_of(ev.facts.as_of)
        notes.append(
            {"code": NoteCode.TERM_BY_CONVENTION.value, "detail": {"school_year": school_year}}
        )
    notes += [
        {"code": NoteCode.MEASURE_NOT_DECIDED.value, "detail": {"measure": m}} for m in undecided
    ]
    carried = ev.carried
    if carried is not None and any(g.carried for g in combine.duty_groups(ev)):
        notes.append(_CARRIED_NOTES.get(carried.policy, _carried_note))
    return notes


def _carried_note(policy: CompiledPolicy) -> JsonObject:
    """The note of the duties carried from the term that ends on ``policy``'s date, under it."""
    school_year, semester = term_of(policy.as_of)
    plugins = ", ".join(f"{p.name} {p.version}" for p in policy.stamp.plugins)
    detail = {"school_year": school_year, "semester": semester, "policy": plugins}
    return {"code": NoteCode.DUTIES_CARRIED.value, "detail": detail}


#: The note of each compiled policy duties are carried from, made once (shared: never mutated).
_CARRIED_NOTES: ByIdentity[JsonObject] = ByIdentity(256)


def decision_data(
    ev: Evaluation, codes: Mapping[str, CodeList], refs: Refs = FULL_REFS
) -> JsonObject:
    """The Decision of an evaluation as plain data: its fields in order, each value JSON-ready
    (dates as :class:`datetime.date`). With the default ``refs`` it is the Decision document's
    data; a :class:`~atbalsts.engine.TableRefs` names the policy, legal bases and
    parameters by their id in its rule table. The data shares parts with other decisions:
    never mutate it."""
    data = _without_trace(ev, codes, refs)
    data["trace"] = trace_data(ev, refs)
    return data


def _without_trace(ev: Evaluation, codes: Mapping[str, CodeList], refs: Refs) -> JsonObject:
    groups = combine.verdict_groups(ev)
    verdicts = combine.measures(groups, refs)
    asked, suggested, undecided = combine.split_measures(ev, verdicts)
    failures = sorted(ev.failures, key=lambda f: (f.plugin, f.rule or "", f.stage))
    return {
        "schema_version": SCHEMA_VERSION,
        "learner_id": ev.facts.learner_id,
        "as_of": ev.policy.as_of,
        "policy": refs.stamp(ev.policy.stamp),
        "complete": ev.complete,
        "failures": [f.model_dump(mode="json") for f in failures],
        "notes": notes_of(ev, undecided),
        "findings": combine.findings(ev, codes, refs),
        "tier": combine.tier(ev),
        "obligations": combine.obligations(ev, refs),
        "measures": asked,
        "suggestions": suggested,
        "referrals": combine.referrals(ev, refs),
        "plan_issues": combine.plan_issues(ev, groups, refs),
        "follow_ups": combine.follow_ups(ev, refs),
        "review_due": combine.review_due(ev),
        "trace": [],
    }


def to_json(data: Any) -> str:
    """Decision data (:func:`decision_data`, or a batch record) as JSON text: compact, not
    ASCII-escaped, dates in ISO form; exactly as pydantic writes a model's JSON."""
    return pydantic_core.to_json(data).decode()


def decision_json(ev: Evaluation, codes: Mapping[str, CodeList]) -> str:
    """The Decision document's JSON, as ``Decision.model_dump_json()`` writes it, byte for
    byte, built without a pydantic model (the trace from fragments made once per rule)."""
    text = to_json(_without_trace(ev, codes, FULL_REFS))
    if not ev.trace:
        return text
    assert text.endswith('"trace":[]}')
    return text[: -len("[]}")] + trace_json(ev) + "}"


def to_decision(ev: Evaluation, codes: Mapping[str, CodeList]) -> Decision:
    """The :class:`~atbalsts.model.Decision` document of an evaluation: its data built into the
    models without a second validation (the legal bases, parameters and stamp are the models
    the rules and the compiled policy hold). Its ``model_dump_json()`` is
    :func:`decision_json`'s text."""
    return construct(Decision, decision_data(ev, codes, MODEL_REFS))


def rule_table_of(policy: CompiledPolicy, codes: Mapping[str, CodeList]) -> RuleTable:
    """The rule table of ``policy`` with the code lists ``codes``: every legal basis a decision
    under it can hold, the engine's own (the follow-ups') included, and the risk group of each
    risk factor."""
    factors = codes["risk_factors"]
    groups = {code.code: code.group for code in factors if code.group is not None}
    return rule_table(policy, groups, ENGINE_BASES)
