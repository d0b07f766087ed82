"""The public engine objects: the registry of loaded policies and the policy set."""

from __future__ import annotations

import contextlib
import difflib
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from importlib.metadata import version

from atbalsts._time import previous_term_end, term_of
from atbalsts.calendar import SchoolCalendar, shipped_calendar
from atbalsts.codes import CodeList
from atbalsts.engine._compiled import CompiledPolicy, compile_at
from atbalsts.engine._compose import Composition, compose
from atbalsts.engine._derive import derive_facts
from atbalsts.engine._duties import FOLLOW_UP_PARAMETERS
from atbalsts.engine._evaluate import Evaluation, decision_json, evaluate_facts, to_decision
from atbalsts.engine._inputcodes import unknown_local_codes
from atbalsts.engine._loading import LoadResult, PluginSource, load_plugins
from atbalsts.errors import DocumentError, PolicyError, UnknownNameError
from atbalsts.model import Decision, SupportCase
from atbalsts.model.decision import DecisionNote, Failure, NoteCode, Value
from atbalsts.policy._facts import Facts
from atbalsts.policy._params import Parameter
from atbalsts.policy._registrar import Declaration, PolicyInfo
from atbalsts.policy._rule import Rule

__all__ = ["PolicyRegistry", "PolicySet"]

_MAX_DATES = 64

#: The policy sets a registry keeps, the least recently used let go first (Latvia has 43
#: municipalities; a set is made again, in milliseconds, when it is asked for after).
SETS_KEPT = 256
_NONE: frozenset[str] = frozenset()


class PolicySet:
    """The checked composition for one municipality: national floor, the municipal policy and any
    further plugins. Compiled once per evaluation date and reused for every learner."""

    def __init__(
        self,
        composition: Composition,
        municipality: str | None,
        failures: Sequence[Failure] = (),
        *,
        declared: Mapping[str, Parameter] | None = None,
        known_municipalities: Iterable[str] = (),
        calendar: SchoolCalendar | None = None,
    ) -> None:
        """``declared``: parameters as their own plugins declared them, before another plugin
        changed their values (a decision then names the value a municipal one replaces).
        ``known_municipalities``: every municipality with a policy loaded, to name the closest
        when ``municipality`` has none. ``calendar``: the school calendar terms and deadlines
        are counted on (default: ``atbalsts.calendar.shipped_calendar()``)."""
        self.composition = composition
        self.municipality = municipality
        self.failures = tuple(failures)
        self._declared = dict(declared or {})
        self._known = tuple(sorted(set(known_municipalities)))
        self._engine_version = version("atbalsts")
        self._compiled: dict[date, CompiledPolicy] = {}
        base = calendar or shipped_calendar()
        extra = composition.extra_days
        self.calendar: SchoolCalendar = base.with_extra(d for d in extra if d.school_day)
        """The school calendar terms, the national rules' deadlines and the follow-ups are
        counted on: the host's, with the extra school days the municipal policies declared (a
        national deadline may come sooner for a municipality's extra school day, never later
        for its closure: the floor)."""
        self.local_calendar: SchoolCalendar = base.with_extra(extra)
        """The calendar the municipal rules' deadlines are counted on: the host's with every
        extra day the municipal policies declared, closures included."""

    @property
    def plugins(self) -> tuple[PolicyInfo, ...]:
        """The policies in the set, by name."""
        return self.composition.plugins

    @property
    def codes(self) -> dict[str, CodeList]:
        """The code lists, national plus the plugins' local codes."""
        return self.composition.codes

    def at(self, as_of: date) -> CompiledPolicy:
        """The set compiled for ``as_of`` (cached)."""
        compiled = self._compiled.get(as_of)
        if compiled is None:
            compiled = compile_at(
                self.composition,
                as_of,
                self._engine_version,
                self.municipality,
                self._declared,
                self.notes_on(as_of),
                FOLLOW_UP_PARAMETERS,
            )
            if len(self._compiled) >= _MAX_DATES:  # bounded: a host may walk many dates
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[as_of] = compiled
        return compiled

    def notes_on(self, as_of: date | None) -> tuple[DecisionNote, ...]:
        """The notes of every decision on ``as_of``: no municipal policy in force for the
        municipality asked for (the national baseline decides alone; ``detail.closest`` names a
        loaded municipality that is near). With ``as_of`` None, the note is there when no loaded
        policy governs the municipality on any date."""
        wanted = self.municipality
        if wanted is None or any(
            info.municipality == wanted and (as_of is None or info.in_force(as_of))
            for info in self.plugins
        ):
            return ()
        detail: dict[str, Value] = {"municipality": wanted}
        close = difflib.get_close_matches(wanted, [m for m in self._known if m != wanted], n=1)
        if close:
            detail["closest"] = close[0]
        return (DecisionNote(code=NoteCode.NO_MUNICIPAL_POLICY, detail=detail),)

    def rules_in_force(self, as_of: date | None = None) -> list[tuple[Rule, str]]:
        """Rules (with their plugin) in force on ``as_of``, or all rules of the set if None."""
        if as_of is None:
            return list(self.composition.rules)
        return [(c.rule, c.plugin) for c in self.at(as_of).rules]

    def run(
        self,
        case: SupportCase,
        as_of: date,
        *,
        trace: bool = True,
        strict: bool = False,
        measures: Iterable[str] = (),
    ) -> Evaluation:
        """Evaluate without building the Decision document (the batch and benchmark path).

        ``measures``: measures to give verdicts on besides those of the plan in force (see
        :meth:`evaluate`).

        When the case has an observation dated in the term before ``as_of``'s, the case is also
        evaluated on that term's last day (31 December or 31 August), without a trace: its
        duties not answered since, due or overdue then, are carried into this evaluation
        (``Evaluation.carried``), and a risk or obligation rule that fails then is a failure of
        this one.

        Raises :class:`~atbalsts.DocumentError` when the case carries a local code that no
        policy of this set declares, or ``measures`` names a measure no code list knows.
        """
        unknown = unknown_local_codes(case, self.codes)
        if unknown:
            raise DocumentError("support case", unknown)
        asked = self._asked(measures)
        calendar = self.calendar
        facts: Facts = derive_facts(case, as_of, calendar)
        # The term before's facts are read now, while the case is fresh in memory, not after
        # today's rules (the case is frozen: no rule changes what they are read from).
        before = self._term_before(case, as_of)
        ev = evaluate_facts(
            self.at(as_of),
            facts,
            self.codes,
            self._failures_on(as_of),
            trace=trace,
            strict=strict,
            asked=asked,
            case=case,
            calendar=calendar,
            local_calendar=self.local_calendar,
        )
        if before is not None:
            carried = self._carried(case, *before, strict)
            ev.carried = carried
            seen = {(f.plugin, f.rule, f.stage) for f in ev.failures}
            on = carried.policy.as_of.isoformat()
            ev.failures.extend(
                f.model_copy(
                    update={"error": f"on {on}, for the duties of the term before: {f.error}"}
                )
                for f in carried.failures
                if (f.plugin, f.rule, f.stage) not in seen
            )
        return ev

    def _term_before(self, case: SupportCase, as_of: date) -> tuple[date, Facts] | None:
        """The last day of the term before ``as_of``'s (by membership: 31 December or
        31 August) and the facts of ``case`` on it; or None when the case has no observation
        dated in that term, and is not evaluated again (see ``_carried``).

        The gate is sound for the duties that arise from a term's facts: absences, incidents
        and staff observations are counted from that term's observations only, so a term
        without one raises none of them; a duty that arises from facts of no term (a suspected
        threat) is raised again on ``as_of`` itself while it is open."""
        end = previous_term_end(as_of)
        if end is None:
            return None
        school_year, semester = term_of(end)
        for o in case.observations:  # asked of every case: a plain loop, the cheaper test first
            if o.term.semester == semester and o.term.school_year == school_year:
                return end, derive_facts(case, end, self.calendar)
        return None

    def _carried(self, case: SupportCase, end: date, facts: Facts, strict: bool) -> Evaluation:
        """The evaluation of ``case`` on ``end``, the last day of the term before, on its
        ``facts`` (``_term_before``), under the policy in force on that day, without a
        trace and with only the rules a duty depends on (the risk findings and the
        obligations). Its duties are carried into the decision on the evaluation date until
        answered (``duty_groups`` of ``atbalsts.engine._combine``)."""
        return evaluate_facts(
            self.at(end),
            facts,
            self.codes,
            trace=False,
            strict=strict,
            case=case,
            calendar=self.calendar,
            local_calendar=self.local_calendar,
            duties_only=True,
        )

    def _asked(self, measures: Iterable[str]) -> frozenset[str]:
        if not measures:
            return _NONE
        asked = frozenset(measures)
        known = self.codes["measures"]
        for measure in sorted(asked):
            if measure not in known:
                raise UnknownNameError("measure", measure, tuple(known.codes()))
        return asked

    def _failures_on(self, as_of: date) -> tuple[Failure, ...]:
        """Load failures, plus the national baseline not covering ``as_of``: a decision on a date
        the floor does not cover is never presented as complete."""
        outside = tuple(
            Failure(
                plugin=info.name,
                stage="evaluate",
                error=f"the national baseline covers dates from {info.valid_from}; "
                f"{as_of} is outside it",
                cause="not_covered",
            )
            for info in self.composition.plugins
            if info.national and not info.in_force(as_of)
        )
        return self.failures + outside

    def evaluate(
        self,
        case: SupportCase,
        as_of: date,
        *,
        strict: bool = False,
        measures: Iterable[str] = (),
    ) -> Decision:
        """The Decision for ``case`` on ``as_of``, trace included.

        The Decision gives verdicts (``measures``) on the measures asked for: those of the support
        plan in force on ``as_of`` and those listed in ``measures`` (measure codes; an unknown one
        raises :class:`~atbalsts.UnknownNameError`). Measures nobody asked for that the rules find
        the learner eligible for are listed apart, as ``suggestions``.

        With ``strict=True`` a failing rule raises :class:`~atbalsts.PolicyError` instead of
        making the Decision incomplete; so does a plugin that failed to load.
        """
        return to_decision(self._checked_run(case, as_of, strict, measures), self.codes)

    def evaluate_json(
        self,
        case: SupportCase,
        as_of: date,
        *,
        strict: bool = False,
        measures: Iterable[str] = (),
    ) -> str:
        """:meth:`evaluate`, as the Decision's JSON: the text ``model_dump_json()`` of that
        Decision gives, byte for byte, written without building the pydantic document (the
        quicker path for a host that stores or sends the JSON)."""
        return decision_json(self._checked_run(case, as_of, strict, measures), self.codes)

    def _checked_run(
        self, case: SupportCase, as_of: date, strict: bool, measures: Iterable[str]
    ) -> Evaluation:
        failures = self._failures_on(as_of)
        if strict and failures:
            first = failures[0]
            raise PolicyError(f"plugin {first.plugin!r} failed to {first.stage}: {first.error}")
        return self.run(case, as_of, strict=strict, measures=measures)


class PolicyRegistry:
    """Every policy loaded: the built-in national baseline, entry-point plugins and in-process
    plugins, with the failures of those that could not load. Build it once per process."""

    def __init__(self, loaded: LoadResult, *, calendar: SchoolCalendar | None = None) -> None:
        """``calendar``: the school calendar of every policy set (default: the shipped one;
        give a :class:`~atbalsts.calendar.SchoolCalendar` with a school's or municipality's
        extra days)."""
        self.declarations: tuple[Declaration, ...] = loaded.declarations
        self.failures: tuple[Failure, ...] = loaded.failures
        self.blocked: tuple[str, ...] = loaded.blocked
        self.calendar: SchoolCalendar = calendar or shipped_calendar()
        """The school calendar terms and deadlines are counted on."""
        #: The sets made, the most recently used last: at most :data:`SETS_KEPT` (a name no
        #: plugin governs makes a set too, and a service is asked for any name).
        self._sets: OrderedDict[tuple[str | None, tuple[str, ...] | None], PolicySet] = (
            OrderedDict()
        )

    @classmethod
    def load(
        cls,
        plugins: Sequence[PluginSource] = (),
        *,
        entry_points: bool = True,
        national: bool = True,
        env: Mapping[str, str] | None = None,
        block: Iterable[str] = (),
        calendar: SchoolCalendar | None = None,
    ) -> PolicyRegistry:
        """Load the national baseline, entry-point plugins (filtered by the environment's allow-
        and block-lists) and ``plugins`` registered in-process. See
        :func:`atbalsts.engine.load_plugins`. ``calendar``: as for the constructor."""
        return cls(
            load_plugins(
                plugins, entry_points=entry_points, national=national, env=env, block=block
            ),
            calendar=calendar,
        )

    @property
    def policies(self) -> tuple[PolicyInfo, ...]:
        """Metadata of every loaded policy, by name."""
        return tuple(d.info for d in self.declarations)

    def municipalities(self) -> tuple[str, ...]:
        """Municipalities that have a policy plugin loaded."""
        return tuple(sorted({p.municipality for p in self.policies if p.municipality}))

    def policy(self, name: str) -> PolicyInfo:
        """The metadata of the policy called ``name``."""
        for info in self.policies:
            if info.name == name:
                return info
        raise UnknownNameError("policy", name, [p.name for p in self.policies])

    def policy_set(
        self, municipality: str | None = None, *, plugins: Iterable[str] | None = None
    ) -> PolicySet:
        """The checked policy set for ``municipality`` (national only when no plugin governs it),
        or, with ``plugins``, the national baseline plus exactly those plugins. Cached.

        Raises :class:`~atbalsts.PolicyConflict` when the composition breaks a rule of
        composition.
        """
        names = tuple(sorted(plugins)) if plugins is not None else None
        key = (municipality, names)
        found = self._sets.get(key)
        if found is not None:
            # asked once per learner: suppress() costs about 0.26 µs a call, a bare try nothing
            try:  # noqa: SIM105
                self._sets.move_to_end(key)
            except KeyError:  # another thread has just let it go
                pass
        else:
            known = {p.name for p in self.policies}
            for name in names or ():
                if name not in known:
                    raise UnknownNameError("policy", name, sorted(known))
            composition = compose(self.declarations, municipality, names)
            found = PolicySet(
                composition,
                municipality,
                self.failures,
                declared=self._declared(composition),
                known_municipalities=self.municipalities(),
                calendar=self.calendar,
            )
            self._sets[key] = found
            while len(self._sets) > SETS_KEPT:
                with contextlib.suppress(KeyError):
                    self._sets.popitem(last=False)
        return found

    def _declared(self, composition: Composition) -> dict[str, Parameter]:
        """The parameters of ``composition`` that another plugin changed, as their own plugin
        declared them."""
        own = {d.info.name: d for d in self.declarations}
        out = {}
        for pid, merged in composition.parameters.items():
            if all(v.plugin == merged.plugin for v in merged.values):
                continue
            decl = own.get(merged.plugin)
            for p in decl.parameters if decl is not None else ():
                if p.id == pid:
                    out[pid] = p
        return out

    def evaluate(
        self,
        case: SupportCase,
        as_of: date,
        *,
        municipality: str | None = None,
        strict: bool = False,
        measures: Iterable[str] = (),
    ) -> Decision:
        """The Decision for ``case`` on ``as_of`` under the policy of ``municipality`` (default:
        the learner's); ``measures`` as for :meth:`PolicySet.evaluate`."""
        chosen = self._set_of(case, municipality)
        return chosen.evaluate(case, as_of, strict=strict, measures=measures)

    def evaluate_json(
        self,
        case: SupportCase,
        as_of: date,
        *,
        municipality: str | None = None,
        strict: bool = False,
        measures: Iterable[str] = (),
    ) -> str:
        """:meth:`evaluate` as the Decision's JSON, written without building the document
        (:meth:`PolicySet.evaluate_json`)."""
        chosen = self._set_of(case, municipality)
        return chosen.evaluate_json(case, as_of, strict=strict, measures=measures)

    def _set_of(self, case: SupportCase, municipality: str | None) -> PolicySet:
        """The policy set of ``municipality``, by default the learner's."""
        return self.policy_set(municipality or case.learner.enrolment.municipality)
