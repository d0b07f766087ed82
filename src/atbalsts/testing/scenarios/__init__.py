"""Scenario files: a case, a date and the decision expected, written in TOML.

A scenario file is named ``*.scenarios.toml``. The national suite (``tests/scenarios/national``)
and municipal plugins use the same format; the pytest plugin :mod:`atbalsts.testing.pytest_plugin`
collects and runs every such file. The format is documented in the reference page "Scenario
files"; in short::

    [defaults]
    as_of = 2025-03-03
    [defaults.case]            # a SupportCase; each scenario's case is deep-merged onto it
    ...

    [[scenario]]
    name = "grade 7, 21 unjustified lessons"
    measures = []              # verdicts asked for besides the plan's (else: suggestions)
    [scenario.case]            # tables merge key by key, arrays replace
    ...
    [scenario.expect]          # every key optional; what is given is checked
    obligations = ["inform_municipal_education_board", "record_in_viis"]
    suggested = []             # eligible measures nobody asked for
    notes = ["no_municipal_policy"]
    fired = ["lv.absence.inform_board"]
    parameters = { "lv.absence.unjustified_lessons_limit" = 20 }

Use it from Python::

    from atbalsts import PolicyRegistry
    from atbalsts.testing.scenarios import check, load_scenarios, run_scenario

    registry = PolicyRegistry.load()
    for scenario in load_scenarios("plugins/atbalsts-bauska/tests/bauska.scenarios.toml"):
        problems = check(run_scenario(registry, scenario), scenario)
        assert not problems, problems

Every loading problem raises :class:`~atbalsts.DocumentError` naming the file, the scenario and the
failing path. The file is validated by pydantic models (:class:`Expect` and the tables it sits
in); :func:`json_schema` is their JSON Schema, committed as ``schemas/scenario-file.schema.json``
for editors (:func:`write_schema` writes it).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

from atbalsts._markers import publish
from atbalsts.testing.scenarios import _format
from atbalsts.testing.scenarios._check import check, policy_set_for, run_scenario
from atbalsts.testing.scenarios._format import (
    Expect,
    ExpectedObligation,
    ExpectedReferral,
    ExpectedVerdict,
)
from atbalsts.testing.scenarios._load import Scenario, deep_merge, load_scenarios

__all__ = [
    "EXPECT_KEYS",
    "SCHEMA_FILE",
    "SCHEMA_ID",
    "SUFFIX",
    "Expect",
    "ExpectedObligation",
    "ExpectedReferral",
    "ExpectedVerdict",
    "Scenario",
    "check",
    "deep_merge",
    "json_schema",
    "load_scenarios",
    "policy_set_for",
    "run_scenario",
    "schema_text",
    "write_schema",
]

#: The file-name ending the pytest plugin collects.
SUFFIX = ".scenarios.toml"

#: Every key allowed in a scenario's ``expect`` table.
EXPECT_KEYS = frozenset(Expect.model_fields)

#: The file name of the scenario file's JSON Schema (under ``schemas/`` in the repository).
SCHEMA_FILE = "scenario-file.schema.json"

#: The ``$id`` of that schema.
SCHEMA_ID = _format.SCHEMA_ID


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, for editors: a TOML file is checked as
    the JSON it converts to, so a TOML date is a string with ``"format": "date"`` there.

    It uses only keywords that draft-4 validators also know (Taplo, behind the Even Better TOML
    editor extension, implements draft 4). It cannot check what spans scenarios (unique names, a
    date here or in ``[defaults]``) nor the case, which is a partial support case until merged;
    :func:`load_scenarios` checks those.
    """
    return _format.json_schema()


def schema_text() -> str:
    """:func:`json_schema` as the stable text committed as ``schemas/scenario-file.schema.json``."""
    return _format.schema_text()


def write_schema(directory: str | PathLike[str]) -> Path:
    """Write :func:`schema_text` to ``directory``/:data:`SCHEMA_FILE`; return the file's path.

    Regenerate the committed copy with
    ``python -c "from atbalsts.testing.scenarios import write_schema; write_schema('schemas')"``.
    """
    path = Path(directory) / SCHEMA_FILE
    path.write_text(schema_text(), encoding="utf-8")
    return path


publish(__name__, globals(), __all__)
