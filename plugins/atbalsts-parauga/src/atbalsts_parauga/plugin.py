"""The hooks of the Parauga policy plugin (entry point ``parauga``).

A plugin declares what it brings on the registrars the host hands it; it decides nothing itself.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from atbalsts.policy import CodeRegistrar, PolicyRegistrar, hookimpl

from . import rules
from .codes import ACTIONS, REASONS, RISK_FACTORS


@hookimpl
def atbalsts_register_policy(registrar: PolicyRegistrar) -> None:
    """Declare the policy (its name is the namespace of its rules and codes), then its dated
    parameters and its rules."""
    registrar.policy(
        "parauga",
        title="Parauga novads (izdomāts)",
        municipality="parauga",  # the learners' Enrolment.municipality this policy governs
        valid_from=rules.POLICY_FROM,
    )
    registrar.parameters_toml(Path(str(files("atbalsts_parauga") / "parameters.toml")))
    registrar.rules(rules.RULES)


@hookimpl
def atbalsts_register_codes(registrar: CodeRegistrar) -> None:
    """Declare the local risk factor, action and reasons the rules use."""
    registrar.add("risk_factors", *RISK_FACTORS)
    registrar.add("actions", *ACTIONS)
    registrar.add("reasons", *REASONS)
