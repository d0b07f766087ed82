"""What a plugin declares, and the registrars the host hands to its hooks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import attrs

from atbalsts._time import EARLIEST, check_interval, in_force
from atbalsts.codes import CODE_LISTS, Code
from atbalsts.errors import PolicyError, UnknownNameError
from atbalsts.policy._params import Parameter, load_parameters
from atbalsts.policy._rule import Rule

__all__ = ["CodeRegistrar", "Declaration", "PolicyInfo", "PolicyRegistrar"]

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
