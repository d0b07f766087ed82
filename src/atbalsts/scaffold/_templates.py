"""The files of a new policy plugin, as :class:`string.Template` texts.

Placeholders: ``$name`` (policy and entry-point name), ``$module`` (import name), ``$dist``
(distribution name), ``$title``, ``$municipality``, ``$valid_from`` (ISO date), ``$valid_from_py``
(``date(...)`` expression), ``$as_of`` (the scenarios' date), ``$school_year``, ``$semester``,
``$birth_date``, ``$requirement`` (the atbalsts requirement), ``$marker`` (the legal-basis
placeholder the conformance suite flags); ``$title_q`` and ``$description_q`` are quoted string
literals valid in both Python and TOML.
"""

# ruff: noqa: E501 - the templates hold TOML lines (descriptions) that cannot be wrapped

from __future__ import annotations

from string import Template

__all__ = ["FILES"]

PYPROJECT = Template("""\
[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "$dist"
version = "0.1.0"
description = $description_q
readme = "README.md"
requires-python = ">=3.11"
classifiers = [
  "Natural Language :: Latvian",
  "Natural Language :: English",
  "Programming Language :: Python :: 3 :: Only",
  "Topic :: Education",
  "Typing :: Typed",
]
dependencies = ["$requirement"]

[project.optional-dependencies]
test = ["pytest>=8", "hypothesis>=6"]

# The host finds the plugin through this entry point; its name is the policy name.
[project.entry-points.atbalsts]
$name = "$module.plugin"

[tool.hatch.build.targets.wheel]
packages = ["src/$module"]

[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = ["--strict-markers", "--strict-config", "-ra", "--import-mode=importlib"]
filterwarnings = ["error"]

[tool.ruff]
line-length = 100
target-version = "py311"

[tool.mypy]
strict = true
""")

README = Template("""\
# $dist

The atbalsts policy plugin of **$title**
(policy `$name`, municipality `$municipality`, in force from $valid_from).

It adds local rules to the national baseline (`lv`): the national rules keep applying, and this
policy may add rules, replace a national rule that is not mandatory by naming it (`overrides=`),
and move a national parameter only in its stricter direction.

## What to do next

1. **Fill in the legal basis.** Search for `$marker` in `src/$module/rules.py` and
   `src/$module/parameters.toml` and replace each placeholder with the act (the municipality's
   binding rules, *saistošie noteikumi*, or a council decision), the provision and the address of
   the published text. Where no legal source exists, label the basis `methodological_default` (or
   `illustrative`, for examples only) with a note saying what it rests on. The conformance test
   fails until every placeholder is gone.
2. **Write the rules** in `src/$module/rules.py`: one function per rule, a pure function of the
   facts (`atbalsts.policy.FACTS` lists them) and of its parameters. Declare every fact the rule
   reads in `reads=` and every parameter in `params=` (and, for a measure-eligibility rule, every
   measure it may allow or deny in `measures=`); give numbers their own dated parameter in
   `parameters.toml`, and read them with the typed accessors (`p.integer(...)`, `p.number`,
   `p.flag`, `p.text`). Rule ids start with `$name.`; local codes (actions, reasons) start with
   `$name:` and are declared in `src/$module/codes.py`. Import from `atbalsts.policy` (the
   national parameter ids are in `atbalsts.policy.baseline`), `atbalsts.codes` and, for the
   documents, `atbalsts` only: the engine and private modules may change in any release.
3. **Describe the expected decisions** in `tests/$name.scenarios.toml`: a case, a date and what
   the decision must show. The atbalsts pytest plugin runs every `*.scenarios.toml` file.
4. **Install and run the tests.** atbalsts is on no public package index yet, so the plugin's
   environment needs atbalsts first, from a wheel file or from a checkout of atbalsts (in a
   checkout, `python -m build --wheel` writes the wheel into `dist/`). Then install the plugin,
   editable, with its test tools:

   ```
   python -m pip install /path/to/atbalsts-VERSION-py3-none-any.whl   # or: -e /path/to/atbalsts
   python -m pip install -e ".[test]"
   python -m pytest
   ```

   In the environment where `atbalsts new-policy` ran, atbalsts is installed already: skip the
   first line (when it came from a wheel file or a checkout, the command printed which). Where pip
   should find atbalsts by itself, in CI for example, keep the wheel in a directory and add
   `--find-links DIRECTORY` to the second line instead.

   `tests/test_conformance.py` runs the atbalsts conformance checks: namespaced ids, a legal
   basis for every rule and value, the national floor kept, parameters covering every rule's
   period, no protected attribute used as risk evidence, and no crash on generated cases.
5. **Record each change** in `CHANGELOG.md`: the municipality, the date it takes effect and the
   legal source.
""")

CHANGELOG = Template("""\
# Changelog

All notable changes to the $title policy. For each change, record the municipality, the date it
takes effect and its legal source.

## [Unreleased]

### Added

- Policy `$name` for the municipality `$municipality`, in force from $valid_from:
  the class teacher informs the social pedagogue after more than 10 lessons a term missed without
  a justifying reason (`$name.absence.inform_social_pedagogue`).
  Legal source: $marker.
""")

INIT = Template('''\
"""The atbalsts policy plugin of $title (policy ``$name``).

The host finds it through the ``atbalsts`` entry point ``$name = "$module.plugin"``.
"""

from __future__ import annotations

__all__: list[str] = []
''')

PLUGIN = Template('''\
"""The hooks of the $name policy plugin (entry point ``$name``)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from atbalsts.policy import CodeRegistrar, PolicyRegistrar, hookimpl

from $module import codes, rules


@hookimpl
def atbalsts_register_policy(registrar: PolicyRegistrar) -> None:
    """Declare the policy, its rules and its dated parameters."""
    registrar.policy(
        "$name",
        title=$title_q,
        municipality="$municipality",
        valid_from=rules.VALID_FROM,
    )
    registrar.parameters_toml(Path(str(files("$module") / "parameters.toml")))
    registrar.rules(rules.RULES)


@hookimpl
def atbalsts_register_codes(registrar: CodeRegistrar) -> None:
    """Declare the policy's local codes."""
    registrar.add("actions", *codes.ACTIONS)
''')

CODES = Template('''\
"""The local codes of the $name policy, namespaced ``$name:``, with Latvian and English labels."""

from __future__ import annotations

from atbalsts.codes import Code

INFORM_SOCIAL_PEDAGOGUE = "$name:inform_social_pedagogue"

ACTIONS = (
    Code(
        INFORM_SOCIAL_PEDAGOGUE,
        "Informēt sociālo pedagogu par neattaisnotiem kavējumiem",
        "Inform the social pedagogue of unjustified absences",
    ),
)
''')

RULES = Template('''\
"""The rules of the $name policy.

Each rule is a pure function of the facts of a case (``atbalsts.policy.FACTS``) and of the
parameters it declares. It returns the outcome of its kind (here an ``Obligation``) or ``None``.

A plugin imports from ``atbalsts.policy`` (rules, outcomes, facts, parameters, legal bases, and
the national parameter ids in ``atbalsts.policy.baseline``), from ``atbalsts.codes`` and, for the
documents, from ``atbalsts``; never from the engine or a private module.
"""

from __future__ import annotations

from datetime import date

from atbalsts.policy import BasisKind, DecisionKind, Facts, LegalBasis, Obligation, Params, rule

from $module.codes import INFORM_SOCIAL_PEDAGOGUE

#: The day the policy takes effect.
VALID_FROM = $valid_from_py

#: The legal basis of the rules below: REPLACE THE PLACEHOLDER with the act, the provision and the
#: address of the binding rules (saistošie noteikumi) or council decision. Where no legal source
#: exists, use LegalBasis(kind=BasisKind.METHODOLOGICAL_DEFAULT, note="what it rests on").
#: The conformance test fails while the basis contains $marker.
LEGAL_BASIS = LegalBasis(
    kind=BasisKind.LAW,
    act="$marker: the act, e.g. the municipality's binding rules No. ...",
    provision="$marker: the point, e.g. 5. punkts",
    url="https://example.invalid/$marker",
    note="$marker: what the provision says, in one sentence.",
)

LESSONS_LIMIT = "$name.absence.lessons_limit"


@rule(
    "$name.absence.inform_social_pedagogue",
    kind=DecisionKind.OBLIGATION,
    legal_basis=LEGAL_BASIS,
    reads=("unjustified_lessons", "programme"),
    params=(LESSONS_LIMIT,),
    valid_from=VALID_FROM,
)
def inform_social_pedagogue(f: Facts, p: Params) -> Obligation | None:
    """More than the local limit of lessons missed without a justifying reason: the class teacher
    informs the social pedagogue within 3 days."""
    if f.programme != "pre_school" and f.unjustified_lessons > p.integer(LESSONS_LIMIT):
        return Obligation(
            INFORM_SOCIAL_PEDAGOGUE,
            ("class_teacher",),
            ("social_pedagogue",),
            "days",
            days=3,
        )
    return None


RULES = (inform_social_pedagogue,)
''')

PARAMETERS = Template("""\
# Dated parameters of the $name policy.
#
# Each value carries its legal basis: kind = "law" with act, provision and url for a cited source,
# or kind = "methodological_default" with a note where no legal number exists.
# A new value starts on its "from" date and applies until the next value.

[[parameter]]
id = "$name.absence.lessons_limit"
description = "More than this many lessons missed without a justifying reason in a term: the class teacher informs the social pedagogue."
unit = "lessons per term"
description_lv = "Ja semestrī bez attaisnojoša iemesla kavēts vairāk mācību stundu, nekā šis skaits: klases audzinātājs informē sociālo pedagogu."
unit_lv = "mācību stundas semestrī"
type = "integer"

[[parameter.values]]
from = $valid_from
value = 10

[parameter.values.basis]
kind = "law"
act = "$marker: the act that sets the number"
provision = "$marker: the point"
url = "https://example.invalid/$marker"
note = "$marker: what the provision says, in one sentence."

# To make a national parameter stricter (only that direction is allowed), re-declare it with its
# values only, e.g. report to the education board after more than 15 lessons instead of 20:
#
# [[parameter]]
# id = "lv.absence.unjustified_lessons_limit"
#
# [[parameter.values]]
# from = $valid_from
# value = 15
# basis = { kind = "law", act = "...", provision = "...", url = "https://..." }
""")

SCENARIOS = Template("""\
# Scenarios of the $name policy: a case, a date and the decision expected. The atbalsts pytest
# plugin runs every *.scenarios.toml file. Each [[scenario]]'s case is deep-merged onto
# [defaults.case] (tables merge key by key, arrays replace). Synthetic data only.

[defaults]
as_of = $as_of
municipality = "$municipality"

[defaults.case.learner]
id = "L-SCAFFOLD-1"
birth_date = $birth_date
living_situation = "with_parents"

[defaults.case.learner.enrolment]
school_id = "SCH-1"
municipality = "$municipality"
programme = "general_basic"
grade = 7

[[scenario]]
name = "10 unjustified lessons: at the local limit, nobody is informed"
[[scenario.case.observations]]
term = { school_year = "$school_year", semester = $semester }
as_of = $as_of
attendance = { lessons_scheduled = 300, lessons_missed_unjustified = 10 }
[scenario.expect]
complete = true
obligations = []
not_fired = ["$name.absence.inform_social_pedagogue"]

[[scenario]]
name = "11 unjustified lessons: the social pedagogue is informed"
[[scenario.case.observations]]
term = { school_year = "$school_year", semester = $semester }
as_of = $as_of
attendance = { lessons_scheduled = 300, lessons_missed_unjustified = 11 }
[scenario.expect]
complete = true
obligations = ["$name:inform_social_pedagogue"]
fired = ["$name.absence.inform_social_pedagogue"]
not_fired = ["lv.absence.inform_board"]
[[scenario.expect.obligation]]
action = "$name:inform_social_pedagogue"
recipients = ["social_pedagogue"]

[[scenario]]
name = "21 unjustified lessons: the national rules apply as well"
[[scenario.case.observations]]
term = { school_year = "$school_year", semester = $semester }
as_of = $as_of
attendance = { lessons_scheduled = 300, lessons_missed_unjustified = 21 }
[scenario.expect]
complete = true
obligations = [
  "$name:inform_social_pedagogue",
  "inform_municipal_education_board",
  "record_in_viis",
]
fired = ["$name.absence.inform_social_pedagogue", "lv.absence.inform_board"]
""")

TEST_CONFORMANCE = Template('''\
"""The $name policy passes the atbalsts plugin conformance checks."""

from __future__ import annotations

from atbalsts import PolicyRegistry
from atbalsts.testing.conformance import assert_conforms


def test_conforms() -> None:
    """Ids namespaced, legal bases cited, national floor kept, no crash on generated cases."""
    assert_conforms(PolicyRegistry.load(), "$name")
''')

CONFTEST = Template('''\
"""Settings of the $name policy's tests."""

from __future__ import annotations

from hypothesis import settings

# Property tests (@given, with the strategies of atbalsts.testing.strategies) run without a
# deadline per example: a deadline is a timed assertion, which a loaded machine (CI) fails by
# chance, and the first case a test evaluates takes longer (the policy set is built then). A
# failure prints the blob that replays it (@reproduce_failure). Another profile can still be
# chosen for a run: pytest --hypothesis-profile=NAME.
settings.register_profile("$name", deadline=None, print_blob=True)
settings.load_profile("$name")
''')

#: Every file of a new plugin: its path and its text.
FILES: tuple[tuple[str, Template], ...] = (  # the paths are templates too
    ("pyproject.toml", PYPROJECT),
    ("README.md", README),
    ("CHANGELOG.md", CHANGELOG),
    ("src/$module/__init__.py", INIT),
    ("src/$module/py.typed", Template("")),
    ("src/$module/plugin.py", PLUGIN),
    ("src/$module/codes.py", CODES),
    ("src/$module/rules.py", RULES),
    ("src/$module/parameters.toml", PARAMETERS),
    ("tests/$name.scenarios.toml", SCENARIOS),
    ("tests/test_conformance.py", TEST_CONFORMANCE),
    ("tests/conftest.py", CONFTEST),
)
