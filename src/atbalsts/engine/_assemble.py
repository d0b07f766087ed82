"""Building the pydantic :class:`~atbalsts.model.Decision` from an evaluation.

The combined parts come from :mod:`atbalsts.engine._combine`; this module adds the stamp, the
failures and the trace, with ``model_construct`` (no second validation) as there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atbalsts._time import term_of
from atbalsts.codes import CodeList
from atbalsts.engine import _combine as combine
from atbalsts.engine._evidence import evidence
from atbalsts.engine._run import Evaluation
from atbalsts.model.decision import Decision, DecisionNote, NoteCode, TraceRow
from atbalsts.model.risk import Evidence

__all__ = ["to_decision"]


def _trace(ev: Evaluation) -> list[TraceRow]:
    rows = []
    seen: dict[str, Evidence] = {}  # a fact has one value per evaluation: convert it once

    def fact(name: str, raw: Any) -> Evidence:
        found = seen.get(name)
        if found is None:
            found = seen[name] = evidence(name, raw)
        return found

    for cr, fired, values, error in ev.trace:
        rule = cr.rule
        rows.append(
            TraceRow.model_construct(
                rule=rule.id,
                plugin=cr.plugin,
                kind=rule.kind,
                fired=fired,
                facts=tuple(
                    fact(name, value) for name, value in zip(rule.reads, values, strict=True)
                ),
                parameters=cr.trace_parameters,
                legal_basis=rule.legal_basis,
                overrides=rule.overrides,
                error=error,
            )
        )
    return sorted(rows, key=lambda r: r.rule)


_NO_OBSERVATION = DecisionNote.model_construct(code=NoteCode.NO_OBSERVATION_ON_DATE, detail={})


def _term_note(ev: Evaluation) -> DecisionNote:
    school_year, _ = term_of(ev.facts.as_of)
    return DecisionNote.model_construct(
        code=NoteCode.TERM_BY_CONVENTION, detail={"school_year": school_year}
    )


def _notes(ev: Evaluation, undecided: list[str]) -> tuple[DecisionNote, ...]:
    notes = list(ev.policy.notes)
    if not ev.facts.has_observation:
        notes.append(_NO_OBSERVATION)
    if ev.facts.term_source == "convention":
        notes.append(_term_note(ev))
    notes += [
        DecisionNote.model_construct(code=NoteCode.MEASURE_NOT_DECIDED, detail={"measure": m})
        for m in undecided
    ]
    return tuple(notes)


def to_decision(ev: Evaluation, codes: Mapping[str, CodeList]) -> Decision:
    """The :class:`~atbalsts.model.Decision` document of an evaluation."""
    verdicts = combine.measures(ev)
    asked, suggested, undecided = combine.split_measures(ev, verdicts)
    return Decision.model_construct(
        learner_id=ev.facts.learner_id,
        as_of=ev.policy.as_of,
        policy=ev.policy.stamp,
        complete=ev.complete,
        failures=tuple(sorted(ev.failures, key=lambda f: (f.plugin, f.rule or "", f.stage))),
        notes=_notes(ev, undecided),
        findings=tuple(combine.findings(ev, codes)),
        tier=combine.tier(ev),
        obligations=tuple(combine.obligations(ev)),
        measures=tuple(asked),
        suggestions=tuple(suggested),
        referrals=tuple(combine.referrals(ev)),
        plan_issues=tuple(combine.plan_issues(ev, verdicts)),
        follow_ups=tuple(combine.follow_ups(ev)),
        review_due=combine.review_due(ev),
        trace=tuple(_trace(ev)),
    )
