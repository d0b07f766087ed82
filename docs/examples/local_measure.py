"""A municipality's own support measure: the example of docs/how-to/add-a-local-measure.md.

The fictional Piemēra novads offers a summer school (``piemera:summer_school``) to learners in
grades 1-6 with a learning and school risk. The plugin declares the measure and the reasons its
rule gives, with Latvian and English labels, and a rule that allows or refuses the measure. A
synthetic learner's draft plan assigns it; the decision is explained in both languages.
tests/test_docs.py runs this file.

The plugin's parts import from the plugin authors' door, ``atbalsts.policy``, and from
``atbalsts.codes``; the host's part from ``atbalsts``, plus ``PluginSource`` from
``atbalsts.engine`` to register the plugin in-process instead of installing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from atbalsts import PolicyRegistry, SupportCase, explain
from atbalsts.codes import Code
from atbalsts.engine import PluginSource
from atbalsts.policy import (
    Allow,
    BasisKind,
    CodeRegistrar,
    DecisionKind,
    Deny,
    Facts,
    LegalBasis,
    Params,
    PolicyRegistrar,
    Verdict,
    hookimpl,
    rule,
)

# --- codes.py: local codes, namespaced with the policy name -------------------------------------
SUMMER_SCHOOL = "piemera:summer_school"
ELIGIBLE = "piemera:summer_school_eligible"
NOT_ELIGIBLE = "piemera:summer_school_not_eligible"

MEASURES = (
    Code(
        SUMMER_SCHOOL,
        "Vasaras skola mācību atbalstam",
        "Summer school for learning support",
        source="Illustrative, not law",
    ),
)
REASONS = (
    Code(
        ELIGIBLE,
        "Vasaras skola: 1.-6. klase ar mācību darba riskiem",
        "Summer school: grades 1-6 with learning and school risks",
    ),
    Code(
        NOT_ELIGIBLE,
        "Vasaras skola tikai 1.-6. klasei ar mācību darba riskiem",
        "Summer school only for grades 1-6 with learning and school risks",
    ),
)


# --- rules.py: a measure-eligibility rule that uses them ----------------------------------------
@rule(
    "piemera.measure.summer_school",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="Illustrative, not law."),
    reads=("grade", "risk_groups", "plan_measures"),
    measures=(SUMMER_SCHOOL,),
)
def summer_school(f: Facts, p: Params) -> Iterator[Verdict]:
    """Summer school for grades 1-6 with a learning and school risk; refused when a plan assigns
    it to anyone else."""
    if f.grade is not None and f.grade <= 6 and "learning_and_school" in f.risk_groups:
        yield Allow(SUMMER_SCHOOL, ELIGIBLE, grade=f.grade)
    elif SUMMER_SCHOOL in f.plan_measures:
        yield Deny(SUMMER_SCHOOL, NOT_ELIGIBLE, grade=f.grade)


# --- plugin.py: the two hooks ---------------------------------------------------------------------
class Piemera:
    """The plugin (an installed one has these two functions in its plugin.py)."""

    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy("piemera", title="Piemēra novads", municipality="piemera")
        registrar.rules([summer_school])

    @hookimpl
    def atbalsts_register_codes(self, registrar: CodeRegistrar) -> None:
        registrar.add("measures", *MEASURES)
        registrar.add("reasons", *REASONS)


# --- a host evaluates a learner whose draft plan assigns the measure -----------------------------
registry = PolicyRegistry.load(
    [PluginSource("piemera", Piemera(), "atbalsts-piemera", "0.1.0")], entry_points=False
)
policy_set = registry.policy_set("piemera")
case = SupportCase.model_validate(
    {
        "learner": {
            "id": "L-DOC-03",
            "birth_date": date(2015, 4, 2),
            "enrolment": {
                "school_id": "SCH-PIEMERA-01",
                "municipality": "piemera",
                "programme": "general_basic",
                "grade": 5,
            },
        },
        "observations": [
            {
                "term": {"school_year": "2025/2026", "semester": 2},
                "as_of": date(2026, 3, 2),
                "achievement": {"failing_subjects": ["matemātika"]},
            }
        ],
        "plans": [
            {
                "id": "P-DOC-03",
                "learner_id": "L-DOC-03",
                "term": {"school_year": "2025/2026", "semester": 2},
                "period": {"start": date(2026, 3, 2), "end": date(2026, 6, 19)},
                "status": "draft",
                "author_role": "class_teacher",
                "measures": [
                    {
                        "measure": SUMMER_SCHOOL,
                        "responsible_role": "class_teacher",
                        "funding": "municipality",
                    }
                ],
            }
        ],
    }
)
decision = policy_set.evaluate(case, date(2026, 3, 2))
for verdict in decision.measures:
    print(verdict.measure, "eligible:", verdict.eligible, [r.reason for r in verdict.reasons])
for lang in ("en", "lv"):
    text = explain(decision, lang, policy_set.codes)
    start = text.index("Support measures" if lang == "en" else "Atbalsta pasākumi")
    print(text[start:].split("\n\n")[0])
