"""atbalsts: early-school-leaving risk, individual support plans and referrals for Latvian schools.

The public front door. Documents live in :mod:`atbalsts.model`, code lists in :mod:`atbalsts.codes`,
test helpers for plugin authors in :mod:`atbalsts.testing`.
"""

from __future__ import annotations

from atbalsts._markers import hookimpl
from atbalsts.errors import (
    AtbalstsError,
    DocumentError,
    FieldError,
    ParameterCoverageError,
    PolicyConflict,
    PolicyError,
    UnknownNameError,
)
from atbalsts.model import Decision, SupportCase, parse_json, parse_python
from atbalsts.schema import DOCUMENTS, json_schema

__all__ = [
    "DOCUMENTS",
    "AtbalstsError",
    "Decision",
    "DocumentError",
    "FieldError",
    "ParameterCoverageError",
    "PolicyConflict",
    "PolicyError",
    "SupportCase",
    "UnknownNameError",
    "__version__",
    "hookimpl",
    "json_schema",
    "parse_json",
    "parse_python",
]


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version

        return version("atbalsts")
    raise AttributeError(f"module 'atbalsts' has no attribute {name!r}")
