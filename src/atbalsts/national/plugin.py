"""The built-in national baseline for Latvia, a plugin on the same hooks as any municipality's."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from atbalsts.national import _bases as b
from atbalsts.national import absence, measures, plans, protection, risk
from atbalsts.policy import PolicyRegistrar, hookimpl

RULES = (*absence.RULES, *protection.RULES, *plans.RULES, *measures.RULES, *risk.RULES)


@hookimpl
def atbalsts_register_policy(registrar: PolicyRegistrar) -> None:
    """Declare the national policy, its rules and its dated parameters."""
    registrar.policy(
        "lv",
        title="Latvija: valsts regulējums / Latvia: national baseline",
        valid_from=b.COVERAGE_FROM,  # MK 89 (01.02.2011), the oldest act encoded
    )
    registrar.parameters_toml(Path(str(files("atbalsts.national") / "parameters.toml")))
    registrar.rules(RULES)
