"""A national limit made stricter from a date: the example of
docs/how-to/change-a-threshold-from-a-date.md.

The fictional Piemēra novads (policy from 2025-09-01) informs the education board after more than
15 unjustified lessons from 2025-09-01, and after more than 12 from 2026-09-01, instead of the
national 20. A learner with 16 such lessons is evaluated on four dates; the trace shows the value
in force and who set it. tests/test_docs.py runs this file.

A rule of the plugin that read the national limit would name it
``baseline.UNJUSTIFIED_LESSONS_LIMIT`` (``from atbalsts.policy import baseline``) and read it with
``p.integer(...)``.
"""

from __future__ import annotations

import tomllib
from datetime import date

from atbalsts import PolicyRegistry, SupportCase
from atbalsts.engine import PluginSource
from atbalsts.policy import PolicyRegistrar, baseline, hookimpl, load_parameters

PARAMETERS_TOML = """
# --- parameters.toml of the plugin (excerpt) ---
[[parameter]]
id = "lv.absence.unjustified_lessons_limit"

[[parameter.values]]
from = 2025-09-01
value = 15
basis = { kind = "illustrative", note = "Illustrative, not law: Piemēra novads is fictional." }

[[parameter.values]]
from = 2026-09-01
value = 12
basis = { kind = "illustrative", note = "Illustrative, not law: Piemēra novads is fictional." }
# --- end of excerpt ---
"""


class Piemera:
    """The plugin: a policy for Piemēra novads with the parameters above, and no rules."""

    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy(
            "piemera", title="Piemēra novads", municipality="piemera", valid_from=date(2025, 9, 1)
        )
        registrar.parameters(load_parameters(tomllib.loads(PARAMETERS_TOML), "piemera"))


def case(as_of: date) -> SupportCase:
    """A synthetic learner with 16 lessons missed without a justifying reason this term."""
    year = as_of.year if as_of.month >= 9 else as_of.year - 1
    semester = 1 if as_of.month >= 9 else 2
    return SupportCase.model_validate(
        {
            "learner": {
                "id": "L-DOC-02",
                "birth_date": date(year - 12, 5, 14),
                "enrolment": {
                    "school_id": "SCH-PIEMERA-01",
                    "municipality": "piemera",
                    "programme": "general_basic",
                    "grade": 7,
                },
            },
            "observations": [
                {
                    "term": {"school_year": f"{year}/{year + 1}", "semester": semester},
                    "as_of": as_of,
                    "attendance": {"lessons_missed_unjustified": 16},
                }
            ],
        }
    )


registry = PolicyRegistry.load(
    [PluginSource("piemera", Piemera(), "atbalsts-piemera", "0.1.0")], entry_points=False
)
policy_set = registry.policy_set("piemera")
for day in (date(2025, 5, 5), date(2025, 10, 6), date(2026, 5, 4), date(2026, 10, 5)):
    decision = policy_set.evaluate(case(day), day)
    row = next(r for r in decision.trace if r.rule == "lv.absence.inform_board")
    limit = next(p for p in row.parameters if p.id == baseline.UNJUSTIFIED_LESSONS_LIMIT)
    informed = "board informed" if row.fired else "nothing"
    print(f"{day}: limit {limit.value} (set by {limit.plugin} from {limit.valid_from}): {informed}")
