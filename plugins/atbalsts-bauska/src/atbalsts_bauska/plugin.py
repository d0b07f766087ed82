"""The hooks of the Bauska policy plugin (entry point ``bauska``)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from atbalsts.policy import CodeRegistrar, PolicyRegistrar, hookimpl

from . import rules
from .codes import ACTIONS


@hookimpl
def atbalsts_register_policy(registrar: PolicyRegistrar) -> None:
    """Declare the Bauska policy, its rules and its dated parameters."""
    registrar.policy(
        "bauska",
        title="Bauskas novads",
        municipality="bauska",
        atvk=None,  # the official ATVK code is not in the sources used
        valid_from=rules.RULES_FROM,
    )
    registrar.parameters_toml(Path(str(files("atbalsts_bauska") / "parameters.toml")))
    registrar.rules(rules.RULES)


@hookimpl
def atbalsts_register_codes(registrar: CodeRegistrar) -> None:
    """Declare Bauska's local action codes."""
    registrar.add("actions", *ACTIONS)
