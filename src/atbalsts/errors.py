"""The exceptions atbalsts raises, under one root.

::

    AtbalstsError
    ├── DocumentError (also ValueError)        invalid input: every failing field path is named
    ├── UnknownNameError (also LookupError)    unknown document, code, municipality or plugin
    ├── ScaffoldError                          atbalsts new-policy cannot create the plugin
    ├── LifecycleError                         a transition refused: not allowed from the status,
    │                                          or refused by a guard (its law named)
    ├── ChainError                             an audit event that does not follow the chain file
    │                                          it is appended to
    └── PolicyError                            a policy set cannot be built or evaluated
        ├── PolicyConflict                     composition refused: names both rules and legal bases
        └── ParameterCoverageError             a rule reads a parameter with no value for some dates

Catch :class:`AtbalstsError` to handle everything the library raises on purpose.

Every error carries ``code`` and ``values``, the one way a program (and the command line, in
Latvian) reads what went wrong: never the message, which is English for people and whose wording
may change. ``code`` is a stable code naming the kind of problem, None where the error has none;
``values`` is a read-only mapping of what it is about, as text: paths, option names, line
numbers, days, ids of documents, codes. Never a learner's data nor the value of a personal or
sensitive field: an error may be logged, and the command line prints its values. An error that
holds more has it in attributes of its own (a document's failing fields, a policy set's
violations, the refusals of a transition). Every error pickles with its code, values and other
attributes (a worker process may raise it). The codes are listed where each error is documented:
:class:`LifecycleError` and :class:`Refusal` (:ref:`refusal-codes`), :class:`ChainError`,
:class:`atbalsts.stats.StatsError`, :class:`atbalsts.batch.BatchFileError` and the input errors
of ``atbalsts transition`` (:ref:`the codes <transition-input-codes>`). ``StatsError.reason`` and
``BatchFileError.reason``, the names these two gave their code before, are deprecated aliases of
``code``.

Besides the exceptions, one warning, issued (``warnings.warn``) when plugins are loaded
(it does not stop anything):

::

    UserWarning
    └── UndeclaredMeasuresWarning              a measure-eligibility rule does not declare which
                                               measures it may decide

When a policy set cannot be built, the exception lists every broken rule of composition, not only
the first, as :class:`Violation` values in its ``violations`` attribute: a program reads which
check failed, the rule or parameter at fault and its plugin, the other side and both legal bases
from there, never from the message.

A transition of a plan, a referral or a consent that is refused raises :class:`LifecycleError`:
it names the document's status, the action and the actions allowed from that status, and, when
guards refused it, carries every :class:`Refusal` (the guard, its reason and its legal basis) in
its ``refusals`` attribute. Nothing has changed when it is raised.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal

import attrs

from atbalsts._text import shorten

__all__ = [
    "AtbalstsError",
    "ChainError",
    "CodedByReason",
    "DocumentError",
    "FieldError",
    "FileError",
    "LifecycleError",
    "ParameterCoverageError",
    "PolicyConflict",
    "PolicyError",
    "Refusal",
    "UndeclaredMeasuresWarning",
    "UnknownNameError",
    "Violation",
]


def _frozen(values: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(values))


class AtbalstsError(Exception):
    """Root of every exception raised by atbalsts on purpose.

    ``AtbalstsError(message, code=..., values=...)``: ``code`` names the kind of problem, a
    stable code, and ``values`` what it is about (never a learner's data); ``code`` is None and
    ``values`` empty when not given. ``values`` is read-only.
    """

    #: The kind of problem, a stable code; None for an error without one.
    code: str | None
    #: What the problem is about, as text (read-only; never a learner's data).
    values: Mapping[str, str]

    def __init__(
        self,
        *args: object,
        code: str | None = None,
        values: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(*args)
        self.code = code
        self.values = _frozen(values or {})

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as it is, without calling ``__init__`` again (a subclass's takes other
        arguments than its message): its arguments, code, values and other attributes."""
        state = dict(vars(self))
        frozen = tuple(k for k, v in state.items() if isinstance(v, MappingProxyType))
        for key in frozen:  # a read-only mapping does not pickle: it is sent as a dict
            state[key] = dict(state[key])
        return (_restored, (type(self), self.args, state, frozen))


def _restored(
    cls: type[AtbalstsError],
    args: tuple[object, ...],
    state: dict[str, Any],
    frozen: tuple[str, ...],
) -> AtbalstsError:
    error = cls.__new__(cls, *args)
    error.args = args
    vars(error).update(state)
    for key in frozen:
        setattr(error, key, _frozen(state[key]))
    return error


class CodedByReason(AtbalstsError):
    """Base of the errors whose ``code`` was called ``reason`` before 0.2.0
    (:class:`~atbalsts.stats.StatsError`, :class:`~atbalsts.batch.BatchFileError`): they take
    ``reason=`` still, and answer ``reason``, each with a :class:`DeprecationWarning`.

    .. deprecated:: 0.2.0
       Pass and read ``code``, which every :class:`AtbalstsError` has; ``reason`` will be
       removed.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        values: Mapping[str, str] | None = None,
        reason: str | None = None,
    ) -> None:
        if reason is not None:  # the former name of code
            name = type(self).__name__
            warnings.warn(
                f"{name}(reason=...) is deprecated: pass code=...", DeprecationWarning, stacklevel=3
            )
            code = reason if code is None else code
        super().__init__(message, code=code, values=values)

    @property
    def reason(self) -> str | None:
        """The error's ``code``, by its former name (deprecated: read ``code``)."""
        name = type(self).__name__
        warnings.warn(
            f"{name}.reason is deprecated: read {name}.code", DeprecationWarning, stacklevel=2
        )
        return self.code


class FileError(AtbalstsError):
    """A file could not be read or written: ``path``, ``doing`` (``"read"``, ``"write"``, or
    ``"replace"``: put a written file in its place) and the operating system's error behind it
    (``os_error``, whose ``filename`` says which file failed when there are two), so a caller
    can say it in its own words (the command line does, in Latvian). ``also`` names a second
    file written together with ``path`` (an audit chain); ``kept`` says that what the command
    would have changed was left as it was."""

    def __init__(
        self,
        path: str,
        doing: str,
        os_error: OSError,
        *,
        also: str | None = None,
        kept: bool = False,
    ) -> None:
        self.path = path
        self.doing = doing
        self.os_error = os_error
        self.also = also
        self.kept = kept
        both = f"{path} and {also}" if also is not None else path
        left = " (left as they were)" if kept else ""
        super().__init__(f"cannot {doing} {both}{left}: {os_error.strerror or os_error}")


@attrs.frozen
class FieldError:
    """One failing field: its ``path`` in the document, what is wrong (``message``, English for
    people, whose wording may change), the kind of problem (``kind``, a stable code: pydantic's
    error type, such as ``string_too_long``, or a check of the library's, such as
    ``date_order``) and ``values``, what the problem is about, as text.

    ``values`` is a read-only mapping, the one way a program (and the command line, in Latvian)
    reads the numbers, patterns and names a message says: pydantic's constraint (``max_length``
    and ``min_length``; ``ge``, ``gt``, ``le`` and ``lt``; ``multiple_of``; ``pattern``;
    ``expected``, the values an enumeration allows, comma-separated), where malformed JSON stops
    (``line``, ``column``), and the library's own checks' names and numbers (the fields of a
    ``date_order``, the term of an ``outside_term``, the grades a programme allows ...; listed
    where each check is documented, :doc:`/how-to/validate-documents`). Never the field's value,
    nor what pydantic says of it (the length of a text, the parser's words). Empty where a kind
    has nothing more to say, and for a row made without values: ``FieldError(path, message,
    kind)`` is still how one is made. A row pickles with its values.
    """

    path: str
    message: str
    kind: str
    values: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen, hash=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its values as a dict (a read-only mapping does not pickle), so that a
        :class:`DocumentError` that holds it pickles too."""
        return (FieldError, (self.path, self.message, self.kind, dict(self.values)))


class DocumentError(AtbalstsError, ValueError):
    """A document did not validate. ``errors`` names every failing field path."""

    def __init__(self, document: str, errors: Sequence[FieldError]) -> None:
        self.document = document
        self.errors = tuple(errors)
        lines = "\n".join(f"  {e}" for e in self.errors)
        super().__init__(f"{document} is invalid ({len(self.errors)} error(s)):\n{lines}")

    @property
    def paths(self) -> tuple[str, ...]:
        """The failing field paths, in document order."""
        return tuple(e.path for e in self.errors)


#: A list of known names that an UnknownNameError gives whole: at most this many characters
#: (every national code list, the roles and the institutions together, a plugin's parameters).
_KNOWN_WHOLE = 720
#: Of a longer list, the first names it gives (at most 20, in at most 240 characters), then how
#: many more there are.
_KNOWN_SHOWN = 20
_KNOWN_CHARS = 240


class UnknownNameError(AtbalstsError, LookupError):
    """A name (document, code, municipality, plugin) that atbalsts does not know.

    ``known`` holds the names it knows; the message lists them whole when they are short enough
    (about 700 characters: a code list, the roles), else the first 20 and how many more there
    are (``a, b, … and 12 more``)."""

    def __init__(self, kind: str, name: str, known: Sequence[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        shown = ", ".join(self.known)
        if len(shown) > _KNOWN_WHOLE:
            names: list[str] = []
            for known_name in self.known:
                longer = ", ".join([*names, known_name])
                if names and (len(names) == _KNOWN_SHOWN or len(longer) > _KNOWN_CHARS):
                    break
                names.append(known_name)
            shown = f"{', '.join(names)}, … and {len(self.known) - len(names)} more"
        hint = f"; known: {shown}" if self.known else ""
        # The name is input: shown short, so a 10 MB code never lands whole in a log.
        super().__init__(f"unknown {kind} {shorten(repr(name))}{hint}")


@attrs.frozen
class Violation:
    """One broken rule of composition, as data.

    ``check`` is a stable code, listed below. ``subject`` is the id of what is at fault (a rule, a
    parameter, a local code or a policy: ``subject_kind`` says which) and ``plugin`` the plugin
    that declared it. A violation between two declarations also names the ``other`` side (a rule
    or parameter id, a policy or a fact) and ``other_plugin``, the plugin that declared it, and
    their legal ``bases`` as text, the other side's first (an empty text for a side without one).

    ``reason`` says what is wrong: for two sides, the rule of composition broken ("overriding a
    mandatory national rule is refused"); for one, what follows the subject's name ("reads unknown
    fact ..."). ``sides`` is how :attr:`message` shows the other side and the subject when their
    ids alone would not say enough (a parameter as ``ID@PLUGIN=VALUE from DATE``); None otherwise.

    The checks, each with the exception a violation of it alone raises:

    ``rule-namespace``
        A rule id outside its plugin's namespace (:class:`PolicyError`).
    ``unknown-fact``
        A rule declares that it reads a fact that does not exist, one violation per fact
        (:class:`PolicyError`).
    ``protected-fact``
        A rule that judges risk (``RISK_KINDS`` in :mod:`atbalsts.policy`) reads a protected fact;
        the other side is the fact (:class:`PolicyConflict`).
    ``local-mandatory``
        A rule of a plugin other than the national baseline is marked mandatory
        (:class:`PolicyError`).
    ``duplicate-rule``
        Two rules with one id (:class:`PolicyConflict`).
    ``override-missing``
        A rule overrides a rule that is not in the set (:class:`PolicyError`).
    ``mandatory-override``
        A rule overrides a mandatory national rule (:class:`PolicyConflict`).
    ``override-kind``
        A rule overrides a rule of another decision kind (:class:`PolicyConflict`).
    ``double-override``
        Two rules override the same rule (:class:`PolicyConflict`).
    ``parameter-namespace``
        A new parameter outside its plugin's namespace (:class:`PolicyError`).
    ``duplicate-parameter``
        A plugin declares one parameter twice (:class:`PolicyError`).
    ``parameter-policy``
        A plugin re-declaring a national parameter says how it may change (:class:`PolicyError`).
    ``parameter-changed-twice``
        Two plugins change the same parameter (:class:`PolicyConflict`).
    ``parameter-type``
        A value of another type than the parameter's (:class:`PolicyConflict`).
    ``parameter-value``
        A value outside the range the national declaration allows, one violation per value
        (:class:`PolicyError`).
    ``parameter-fixed``
        A fixed national parameter changed (:class:`PolicyConflict`).
    ``parameter-not-stricter``
        A floor-protected parameter moved in its looser direction, one violation per local value
        (:class:`PolicyConflict`).
    ``parameter-undeclared``
        A rule reads a parameter that no plugin of the set declares
        (:class:`ParameterCoverageError`).
    ``parameter-coverage``
        A rule reads a parameter that has no value on the rule's first day in force
        (:class:`ParameterCoverageError`).
    ``code-namespace``
        A local code outside its plugin's namespace (:class:`PolicyError`).
    ``duplicate-code``
        A code already in its code list (:class:`PolicyError`).
    ``risk-group``
        A local risk factor without a national risk group (:class:`PolicyError`).
    ``unknown-measure``
        A rule declares that it may decide a measure that no code list of the set knows, one
        violation per measure (:class:`PolicyError`).
    ``two-policies``
        Two plugins govern the same municipality (:class:`PolicyConflict`).

    ``values`` holds, as text, what the reason says beyond the fields (never a learner's data), so
    that a program, or the command line in Latvian, can say it in its own words:
    ``unknown-fact``: ``fact``; ``override-missing`` and ``double-override``: ``overrides``;
    ``override-kind``: ``kind`` (the overriding rule's) and ``other_kind``; ``parameter-type``:
    ``expected`` (the type's name); ``parameter-value``: ``value`` (as Python writes it) and
    ``valid_from``; ``parameter-not-stricter``: ``stricter`` (the stricter direction);
    ``parameter-undeclared``: ``parameter``; ``parameter-coverage``: ``parameter``,
    ``in_force_from`` and ``first_value_from``; ``code-namespace`` and ``duplicate-code``:
    ``list`` (the code list); ``unknown-measure``: ``measure``; ``two-policies``:
    ``municipality``, ``distribution`` and ``other_distribution``. Other checks: empty.

    When there are several violations, the exception is a :class:`PolicyConflict` if any of them
    has two sides, else a :class:`ParameterCoverageError` if any is about coverage, else a
    :class:`PolicyError`.
    """

    check: str
    subject: str
    plugin: str
    reason: str
    subject_kind: Literal["rule", "parameter", "code", "policy"] = "rule"
    other: str | None = None
    other_plugin: str | None = None
    bases: tuple[str, ...] = ()
    sides: tuple[str, str] | None = None
    values: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen, hash=False)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its values as a dict (a read-only mapping does not pickle), so that a
        :class:`PolicyError` that holds it pickles too."""
        fields = attrs.astuple(self, recurse=False)[:-1]
        return (Violation, (*fields, dict(self.values)))

    @property
    def message(self) -> str:
        """One sentence: for two sides ``REASON: 'OTHER' [BASIS] and 'SUBJECT' [BASIS]``, for one
        ``KIND 'SUBJECT' of plugin 'PLUGIN' REASON``."""
        if self.other is None:
            return f"{self.subject_kind} {self.subject!r} of plugin {self.plugin!r} {self.reason}"
        first, second = self.sides or (self.other, self.subject)
        bases = self.bases if len(self.bases) == 2 else ("", "")
        return f"{self.reason}: {_side(first, bases[0])} and {_side(second, bases[1])}"

    def __str__(self) -> str:
        return f"[{self.check}] {self.message}"


def _side(name: str, basis: str) -> str:
    return f"{name!r} [{basis}]" if basis else repr(name)


def _describe(violations: tuple[Violation, ...]) -> str:
    if len(violations) == 1:
        return violations[0].message
    lines = "\n".join(f"  - {v.message}" for v in violations)
    return f"the policy set cannot be built ({len(violations)} violations):\n{lines}"


class PolicyError(AtbalstsError):
    """A policy set cannot be built, or (in strict mode) a plugin failed during evaluation.

    ``violations`` holds every broken rule of composition when a set is refused (empty for other
    errors); given violations and no message, the message lists them, one a line.
    """

    def __init__(self, *args: object, violations: Sequence[Violation] = ()) -> None:
        self.violations = tuple(violations)
        if not args and self.violations:
            args = (_describe(self.violations),)
        super().__init__(*args)


class PolicyConflict(PolicyError):
    """Composition refused: two declarations conflict.

    ``first`` and ``second`` name the two rules (or parameters) and ``bases`` their legal bases, so
    the message can be read without opening the code. When the composition broke several rules,
    these name the first conflict, ``violations`` holds them all and the message lists them all.
    """

    def __init__(
        self,
        reason: str,
        first: str,
        second: str,
        bases: Sequence[str],
        violations: Sequence[Violation] = (),
    ) -> None:
        self.reason = reason
        self.first = first
        self.second = second
        self.bases = tuple(bases)
        if violations:
            message = _describe(tuple(violations))
        elif len(self.bases) == 2:
            message = f"{reason}: {first!r} [{self.bases[0]}] and {second!r} [{self.bases[1]}]"
        else:
            message = f"{reason}: {first!r} and {second!r}"
        super().__init__(message, violations=violations)


class ParameterCoverageError(PolicyError):
    """A parameter has no value for part of the period in which a rule that reads it is valid."""


class UndeclaredMeasuresWarning(UserWarning):
    """A plugin's measure-eligibility rules that do not declare the measures they may decide
    (no ``measures=`` in their ``@rule(...)``), issued once each time plugins are loaded
    (:func:`atbalsts.engine.load_plugins`, :meth:`atbalsts.PolicyRegistry.load`), one warning
    per plugin.

    Nothing is refused: such a rule may decide any measure. But it then counts for every
    measure, so a role's view of a decision (:func:`atbalsts.privacy.view_decision`) shows no
    measure's verdict to a role that may not see what the rule reads, and the host learns it
    only from the views. ``plugin`` names the plugin and ``rules`` the ids of those rules,
    sorted. The fix is the plugin's: ``measures=(...)`` naming every measure the rule may allow
    or deny (the conformance suite's check ``measures`` says the same). A host that accepts such
    a plugin as it is can filter the warning (``warnings.filterwarnings("ignore",
    category=UndeclaredMeasuresWarning)``).
    """

    def __init__(self, plugin: str, rules: Sequence[str]) -> None:
        self.plugin = plugin
        self.rules = tuple(sorted(rules))
        named = ", ".join(repr(r) for r in self.rules)
        super().__init__(
            f"plugin {plugin!r}: measure-eligibility rule(s) {named} do not declare the measures "
            f"they may decide: each counts for every measure, so a role that may not see what it "
            f"reads sees no measure's verdict; add measures=(...) to the rule's @rule(...)"
        )


@attrs.frozen
class Refusal:
    """One guard that refused a transition, as data.

    ``guard`` is the guard's id and ``plugin`` the policy that declared it (``lv`` for the national
    floor). ``reason`` says what is missing, in plain words (English) and without the learner's
    data; ``basis`` is the guard's legal basis as text. ``override_roles`` are the roles that may
    override it with a reason (empty: no role may).

    ``code`` names the kind of refusal, a stable code, and ``values`` what it is about (ids of
    documents, role and action codes, days, field paths; never the value of a personal or
    sensitive field), so that a program, or the command line in Latvian, can say it in its own
    words. Every national guard gives one (the codes: :ref:`refusal-codes`); a plugin's
    guard that returns a plain text gives none (``code`` None, ``values`` empty).
    """

    guard: str
    plugin: str
    reason: str
    basis: str
    override_roles: tuple[str, ...] = ()
    code: str | None = None
    values: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen, hash=False)

    def __str__(self) -> str:
        return f"{self.guard} [{self.basis}]: {self.reason}"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its values as a dict (a read-only mapping does not pickle), so that a
        :class:`LifecycleError` that holds it pickles too."""
        fields = (self.guard, self.plugin, self.reason, self.basis, self.override_roles)
        return (Refusal, (*fields, self.code, dict(self.values)))


class ChainError(AtbalstsError):
    """An audit event was not appended to a chain file, and the file was left as it was
    (:func:`atbalsts.workflow.append_event`).

    ``code`` says why, and ``values`` what it is about: ``path``, the chain file, always, and
    ``seq``, the event's number, except for ``chain_end_unreadable`` and ``chain_held``:

    ``not_next_event``
        The event does not follow the file's last event (value ``last``, that event's number):
        its ``seq`` is not one more, or its ``prev`` is not that event's hash. The event was
        made from another event than the chain's last, or without one (``transition()`` called
        without ``previous``).
    ``not_first_event``
        The file has no event (it is missing or empty), and the event is not a first one
        (``seq`` 0, no ``prev``).
    ``already_appended``
        The event is the file's last event already: appended before.
    ``event_not_sealed``
        The event's ``hash`` is not the hash of its content: it was changed after it was made
        (seal it again with :func:`atbalsts.workflow.seal`).
    ``chain_end_unreadable``
        The file's last line is not an audit event, so what follows it cannot be told
        (:func:`atbalsts.workflow.verify_chain` says what is wrong with it), or a blank line
        ends the file (``verify_chain`` counts it as an edit: an event after it would not
        verify), or the file holds only blank lines.
    ``chain_held``
        A :class:`~atbalsts.workflow.LockedChain` of the file was entered in a thread that
        holds it already in another (nothing appended: read and append through the first).
    """


class LifecycleError(AtbalstsError):
    """A transition was refused, and nothing changed.

    ``document`` is the kind of document (``support-plan``, ``referral``, ``consent``), ``status``
    its lifecycle status, ``action`` the action asked for and ``allowed`` the actions allowed from
    that status. When the action is allowed but guards refused it, ``refusals`` holds one
    :class:`Refusal` per guard, each naming its legal basis; otherwise it is empty.

    ``code`` names the kind of refusal, a stable code, and ``values`` what it is about (the
    document's kind, status and action, days, parameter names and field paths; never a field's
    value), as :class:`Refusal` does: ``not_allowed`` (the action is not allowed from the status;
    values ``document``, ``status``, ``action``, ``allowed``, the allowed actions comma-separated)
    and ``refused_by_guard`` (values ``document``, ``status``, ``action``; each refusal has its
    own code) are set when no message is given; the other codes are listed in
    :ref:`refusal-codes`. ``code`` is None for a message without one.
    """

    def __init__(
        self,
        document: str,
        status: str,
        action: str,
        allowed: Sequence[str],
        refusals: Sequence[Refusal] = (),
        message: str | None = None,
        *,
        code: str | None = None,
        values: Mapping[str, str] | None = None,
    ) -> None:
        self.document = document
        self.status = status
        self.action = action
        self.allowed = tuple(allowed)
        self.refusals = tuple(refusals)
        about = {"document": document, "status": status, "action": action}
        shown = ", ".join(self.allowed) or "none"
        if message is None and self.refusals:
            lines = "\n".join(f"  - {r}" for r in self.refusals)
            message = f"{document}: {action!r} from {status!r} refused by a guard:\n{lines}"
            code, values = code or "refused_by_guard", values or about
        elif message is None:
            message = (
                f"{document}: action {shorten(repr(action))} is not allowed from status "
                f"{status!r}; allowed: {shown}"
            )
            code = code or "not_allowed"
            values = values or {**about, "allowed": ",".join(self.allowed)}
        super().__init__(message, code=code, values=values)
