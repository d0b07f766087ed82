"""What a plugin declares, and the registrars the host hands to its hooks.

Besides rules and parameters, a plugin may declare guards: checks a transition of a support plan,
a referral or a consent must pass (:class:`Guard`, declared with :func:`guard` and registered with
:meth:`PolicyRegistrar.guards`). :mod:`atbalsts.workflow` composes them with the national guards,
which no plugin can remove.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import attrs

from atbalsts._time import EARLIEST, check_interval, in_force
from atbalsts.calendar import ExtraDays
from atbalsts.codes import CODE_LISTS, Code
from atbalsts.errors import PolicyError, UnknownNameError
from atbalsts.model import ApprovalStep, Consent, LegalBasis, Referral, SupportPlan
from atbalsts.policy._params import Parameter, load_parameters
from atbalsts.policy._rule import RULE_ID_PATTERN, Rule

__all__ = [
    "CodeRegistrar",
    "Declaration",
    "Guard",
    "GuardFunction",
    "PolicyInfo",
    "PolicyRegistrar",
    "Reason",
    "Transition",
    "guard",
]

#: The documents a guard judges, by their names in ``atbalsts.DOCUMENTS``.
GuardDocument = Literal["support-plan", "referral", "consent"]


@attrs.frozen
class Transition:
    """What a guard reads: one transition asked for, before anything changes.

    ``before`` is the document as it is and ``after`` as it would be; ``from_status`` and
    ``to_status`` are lifecycle statuses (a plan waiting for approvals is ``submitted``).
    ``consents`` are the consents the host passed with the transition (a case's consents),
    ``chain`` the approval chain in force for a plan on ``on``, and ``state_vocational_school``
    whether the plan's learner is at a state vocational school, whose national chain skips the
    municipal coordinator ([S17]; the learner's ``Enrolment.state_vocational_school``).
    """

    document: GuardDocument
    action: str
    from_status: str
    to_status: str
    before: SupportPlan | Referral | Consent
    after: SupportPlan | Referral | Consent
    actor: str
    role: str
    on: date
    reason: str | None = None
    consents: tuple[Consent, ...] = ()
    chain: tuple[ApprovalStep, ...] = ()
    state_vocational_school: bool = False


def _frozen(values: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(values))


@attrs.frozen
class Reason:
    """Why a guard refuses, as data: what a guard may return instead of a plain text.

    ``text`` is the sentence in English, in plain words without the learner's data (the
    refusal's ``reason``, as a plain text would be). ``code`` names the kind of refusal, stable,
    and ``values`` what it is about (ids of documents, role and action codes, days, field
    paths: never the value of a personal or sensitive field), so that a program, or the command
    line in Latvian, can say it in its own words (the codes: :ref:`refusal-codes`).
    ``str(reason)`` is ``text``.
    """

    text: str
    code: str | None = None
    values: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen, hash=False)

    def __str__(self) -> str:
        return self.text


#: A guard's check: the reason it refuses the transition, in plain words without the learner's
#: data (a text, or a :class:`Reason` that adds a code and its values), or None when it lets it
#: pass.
GuardFunction = Callable[[Transition], str | Reason | None]


@attrs.frozen
class Guard:
    """A check that a transition must pass, with its legal basis.

    ``document`` and ``actions`` say which transitions it judges; it judges them only on days in
    ``[valid_from, valid_to]``. ``override_roles`` are the roles that may override a refusal with
    a reason, recorded in the audit event as an override; empty, no role may.
    """

    id: str
    document: GuardDocument
    actions: tuple[str, ...]
    legal_basis: LegalBasis = attrs.field(validator=attrs.validators.instance_of(LegalBasis))
    function: GuardFunction = attrs.field(eq=False, repr=False)
    title: str = ""
    override_roles: tuple[str, ...] = ()
    valid_from: date = EARLIEST
    valid_to: date | None = None

    def __attrs_post_init__(self) -> None:
        if not re.match(RULE_ID_PATTERN, self.id):
            raise ValueError(f"guard id {self.id!r} must be namespaced, e.g. 'bauska.guard.x'")
        if not self.actions:
            raise ValueError(f"guard {self.id!r} judges no action")
        check_interval(self.valid_from, self.valid_to, f"guard {self.id!r}")

    @property
    def namespace(self) -> str:
        """The namespace of the id (the declaring plugin's name)."""
        return self.id.split(".", 1)[0]

    def judges(self, transition: Transition) -> bool:
        """True when this guard judges ``transition``: its document, one of its actions, a day
        it is in force."""
        return (
            transition.document == self.document
            and transition.action in self.actions
            and in_force(self.valid_from, self.valid_to, transition.on)
        )


def guard(
    id: str,
    *,
    document: GuardDocument,
    actions: Iterable[str],
    legal_basis: LegalBasis,
    title: str = "",
    override_roles: Iterable[str] = (),
    valid_from: date = EARLIEST,
    valid_to: date | None = None,
) -> Callable[[GuardFunction], Guard]:
    """Declare a guard with a decorator::

        @guard("bauska.guard.referral_urgency", document="referral", actions=("send",),
               legal_basis=BAUSKA_RULES, override_roles=("school_director",))
        def urgent_needs_due(t: Transition) -> str | None:
            ...

    The function returns the reason it refuses, or None. The reason is a text in English (the
    command line shows it as written, in every language), or a :class:`Reason`: the same text
    with a ``code`` and its ``values``. A reason with one of the codes of the national guards,
    and the values that code takes, is said in Latvian by the command line as the national
    guards' are (the codes and their values: :ref:`refusal-codes`); with another code it is
    shown as written, and a program can still switch on the code.
    """

    def wrap(function: GuardFunction) -> Guard:
        return Guard(
            id=id,
            document=document,
            actions=tuple(actions),
            legal_basis=legal_basis,
            function=function,
            title=title or (function.__doc__ or "").strip().split("\n")[0],
            override_roles=tuple(override_roles),
            valid_from=valid_from,
            valid_to=valid_to,
        )

    return wrap


_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")

#: Code lists a plugin may extend with local codes. The four risk groups are national and closed.
EXTENSIBLE_LISTS = tuple(name for name in CODE_LISTS if name != "risk_groups")


@attrs.frozen
class PolicyInfo:
    """A policy's metadata.

    ``name`` is also the namespace of its rule ids and local codes. ``municipality`` is the slug
    of the municipality it governs (as in :attr:`Enrolment.municipality`), ``atvk`` its official
    code in the classification of administrative territories where known. ``national`` is set only
    for the built-in national baseline.
    """

    name: str
    title: str
    version: str
    distribution: str
    municipality: str | None = None
    atvk: str | None = None
    valid_from: date = EARLIEST
    valid_to: date | None = None
    national: bool = False

    def in_force(self, day: date) -> bool:
        """True when the policy applies on ``day``."""
        return in_force(self.valid_from, self.valid_to, day)


@attrs.frozen
class Declaration:
    """Everything one plugin declared."""

    info: PolicyInfo
    rules: tuple[Rule, ...]
    parameters: tuple[Parameter, ...]
    codes: tuple[tuple[str, Code], ...]
    guards: tuple[Guard, ...] = ()
    extra_days: tuple[ExtraDays, ...] = ()


class PolicyRegistrar:
    """Handed to ``atbalsts_register_policy``: the plugin declares its policy on it."""

    def __init__(self, plugin: str, distribution: str, version: str, *, national: bool) -> None:
        self._plugin = plugin
        self._distribution = distribution
        self._version = version
        self._national = national
        self.info: PolicyInfo | None = None
        self._rules: list[Rule] = []
        self._parameters: list[Parameter] = []
        self._guards: list[Guard] = []
        self._extra_days: list[ExtraDays] = []

    def policy(
        self,
        name: str,
        *,
        title: str,
        municipality: str | None = None,
        atvk: str | None = None,
        valid_from: date = EARLIEST,
        valid_to: date | None = None,
        version: str | None = None,
    ) -> None:
        """Declare the policy's metadata (once). ``version`` defaults to the distribution's."""
        if self.info is not None:
            raise PolicyError(f"plugin {self._plugin!r} declared its policy twice")
        if not _NAME.match(name):
            raise PolicyError(f"policy name {name!r} must be lower case letters, digits, - or _")
        try:
            check_interval(valid_from, valid_to, f"policy {name!r}")
        except ValueError as exc:
            raise PolicyError(str(exc)) from None
        if municipality is not None and not _NAME.match(municipality):
            raise PolicyError(f"municipality {municipality!r} must be a lower-case slug")
        self.info = PolicyInfo(
            name=name,
            title=title,
            version=version or self._version,
            distribution=self._distribution,
            municipality=municipality,
            atvk=atvk,
            valid_from=valid_from,
            valid_to=valid_to,
            national=self._national,
        )

    def rules(self, rules: Iterable[Rule]) -> None:
        """Declare rules."""
        for item in rules:
            if not isinstance(item, Rule):
                raise PolicyError(f"registrar.rules() got {type(item).__name__}, not a Rule")
            self._rules.append(item)

    def guards(self, guards: Iterable[Guard]) -> None:
        """Declare guards on transitions (:func:`guard`). They add to the national guards and
        never replace one."""
        for item in guards:
            if not isinstance(item, Guard):
                raise PolicyError(f"registrar.guards() got {type(item).__name__}, not a Guard")
            self._guards.append(item)

    def extra_days(self, days: Iterable[ExtraDays]) -> None:
        """Declare the municipality's own days on top of the school calendar: closures (a
        municipal holiday, an emergency closure; ``school_day=False``) and extra school days
        (``school_day=True``), each with its reason and, if not for every grade, its grades.

        The deadlines of this policy's own rules are counted with all of them. A national
        rule's deadline only ever comes sooner for them (the floor): it counts the extra school
        days, never the closures. The national baseline declares none."""
        if self._national:
            raise PolicyError("the national baseline declares no extra days: hosts give them")
        for item in days:
            if not isinstance(item, ExtraDays):
                raise PolicyError(
                    f"registrar.extra_days() got {type(item).__name__}, not an ExtraDays"
                )
            self._extra_days.append(item)

    def parameters(self, parameters: Iterable[Parameter]) -> None:
        """Declare already loaded parameters."""
        self._parameters.extend(parameters)

    def parameters_toml(self, path: Path) -> None:
        """Declare the parameters in a TOML file shipped with the plugin."""
        self._parameters.extend(load_parameters(Path(path), self._name()))

    def _name(self) -> str:
        return self.info.name if self.info else self._plugin

    def declaration(self, codes: Iterable[tuple[str, Code]] = ()) -> Declaration:
        """Everything declared so far, with ``codes`` from the plugin's code registrar.

        Called by the host after the plugin's hooks ran; raises :class:`PolicyError` when no
        policy was declared.
        """
        if self.info is None:
            raise PolicyError("the plugin declared no policy (call registrar.policy(...))")
        return Declaration(
            info=self.info,
            rules=tuple(self._rules),
            parameters=tuple(self._parameters),
            codes=tuple(codes),
            guards=tuple(self._guards),
            extra_days=tuple(self._extra_days),
        )


class CodeRegistrar:
    """Handed to ``atbalsts_register_codes``: the plugin declares local codes on it."""

    def __init__(self) -> None:
        self.codes: list[tuple[str, Code]] = []

    def add(self, code_list: str, *codes: Code) -> None:
        """Add local codes to ``code_list`` (``measures``, ``roles``, ``reasons``, ...)."""
        if code_list not in EXTENSIBLE_LISTS:
            raise UnknownNameError("code list", code_list, EXTENSIBLE_LISTS)
        self.codes.extend((code_list, c) for c in codes)


# The guard contract's public home is atbalsts.workflow until the plugin authors' door re-exports
# it: reprs and the documentation show that path, whichever module is imported first.
for _public in (Guard, Reason, Transition, guard):
    _public.__module__ = "atbalsts.workflow"
