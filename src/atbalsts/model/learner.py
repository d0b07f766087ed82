"""The learner and their enrolment."""

from __future__ import annotations

import functools
import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import AfterValidator, ConfigDict, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from atbalsts.model._base import (
    ID_MAX,
    Classification,
    Identifier,
    IsoDate,
    Model,
    classified,
    invalid_at,
    items,
    lax_enum,
)

__all__ = ["Enrolment", "Learner", "LivingSituation", "ProgrammeKind", "age_on"]


class ProgrammeKind(StrEnum):
    """The kind of education programme the learner is enrolled in."""

    PRE_SCHOOL = "pre_school"
    GENERAL_BASIC = "general_basic"
    GENERAL_SECONDARY = "general_secondary"
    VOCATIONAL = "vocational"


class LivingSituation(StrEnum):
    """Where the learner lives; the last three are out-of-family care (ārpusģimenes aprūpe)."""

    WITH_PARENTS = "with_parents"
    FOSTER_FAMILY = "foster_family"
    GUARDIAN = "guardian"
    CARE_INSTITUTION = "care_institution"

    @property
    def out_of_family_care(self) -> bool:
        """True for foster family, guardian and care institution."""
        return self is not LivingSituation.WITH_PARENTS


_GRADES = {
    ProgrammeKind.GENERAL_BASIC: range(1, 10),
    ProgrammeKind.GENERAL_SECONDARY: range(10, 13),
}


def _programme_is(kind: ProgrammeKind, then: dict[str, Any]) -> dict[str, Any]:
    return {
        "if": {"properties": {"programme": {"const": kind.value}}, "required": ["programme"]},
        "then": then,
    }


_EMPTY = {"type": "null"}

#: The grade-fits-programme check, as JSON Schema (the model validator below says the same).
_GRADE_FITS_PROGRAMME: dict[str, Any] = {
    "allOf": [
        _programme_is(
            ProgrammeKind.VOCATIONAL,
            {
                "properties": {"grade": _EMPTY, "vocational_course": {"type": "integer"}},
                "required": ["vocational_course"],
            },
        ),
        _programme_is(
            ProgrammeKind.PRE_SCHOOL,
            {"properties": {"grade": _EMPTY, "vocational_course": _EMPTY}},
        ),
        *(
            _programme_is(
                kind,
                {
                    "properties": {
                        "grade": {
                            "type": "integer",
                            "minimum": grades.start,
                            "maximum": grades.stop - 1,
                        },
                        "vocational_course": _EMPTY,
                    },
                    "required": ["grade"],
                },
            )
            for kind, grades in _GRADES.items()
        ),
    ]
}


class Enrolment(Model):
    """Where and in what the learner is enrolled."""

    model_config = ConfigDict(json_schema_extra=_GRADE_FITS_PROGRAMME)

    school_id: Identifier = Field(description="The school's identifier in the host system.")
    municipality: str = Field(
        min_length=1,
        max_length=ID_MAX,
        pattern=r"^[a-z][a-z0-9_-]*$",
        description="Municipality slug (e.g. 'bauska'); selects the municipal policy plugin.",
    )
    programme: ProgrammeKind = Field(description="Programme kind.", **lax_enum)
    grade: int | None = Field(
        default=None, ge=1, le=12, description="Grade 1-12 in general education."
    )
    vocational_course: int | None = Field(
        default=None, ge=1, le=4, description="Course 1-4 in vocational education."
    )
    repeating_year: bool = Field(default=False, description="The learner repeats the year.")
    completed_grade9_certificate_only: bool = Field(
        default=False,
        description="Completed grade 9 with a certificate (liecība) only, not a basic-education "
        "certificate.",
    )
    state_vocational_school: bool = Field(
        default=False,
        description="The school is a state vocational school (support plans skip the "
        "municipality in their approval chain).",
    )

    @model_validator(mode="after")
    def _grade_fits_programme(self) -> Self:
        kind = self.programme
        problem: tuple[str, str] | None = None
        grades: dict[str, str] = {}
        if kind is ProgrammeKind.VOCATIONAL:
            if self.vocational_course is None:
                problem = ("vocational_course", "required for a vocational programme")
            elif self.grade is not None:
                problem = ("grade", "must be empty for a vocational programme")
        elif kind is ProgrammeKind.PRE_SCHOOL:
            if self.grade is not None:
                problem = ("grade", "must be empty in pre-school")
            elif self.vocational_course is not None:
                problem = ("vocational_course", "must be empty in pre-school")
        else:
            allowed = _GRADES[kind]
            if self.grade is None or self.grade not in allowed:
                grades = {"low": str(allowed.start), "high": str(allowed.stop - 1)}
                problem = ("grade", f"must be {grades['low']}-{grades['high']} for {kind.value}")
            elif self.vocational_course is not None:
                problem = ("vocational_course", "must be empty in general education")
        if problem is not None:
            field, says = problem
            values = {"field": field, "programme": kind.value, **grades}
            raise invalid_at("grade_programme", f"{field} {says}", field, values=values)
        return self


_PERSON_CODE = r"^[0-9]{6}-?[0-9]{5}$"


@functools.cache
def _stdnum() -> tuple[Any, type[Exception], type[Exception]]:
    """python-stdnum's Latvian code module, its error and its error of a wrong check digit,
    imported on the first personal code (python-stdnum loads ssl and urllib at import)."""
    from stdnum.exceptions import InvalidChecksum, ValidationError
    from stdnum.lv import pvn

    return pvn, ValidationError, InvalidChecksum


_PERSON_CODE_RE = re.compile(_PERSON_CODE)


def _person_code(value: str) -> str:
    pvn, StdnumError, InvalidChecksum = _stdnum()
    if not _PERSON_CODE_RE.fullmatch(value):
        raise PydanticCustomError(
            "personal_code",
            "not a valid Latvian personal code (11 digits, optionally a hyphen after the 6th)",
            {"values": {"reason": "form"}},
        )
    try:
        compact: str = pvn.validate(value)
    except StdnumError as exc:
        reason = "check_digit" if isinstance(exc, InvalidChecksum) else "invalid"
        raise PydanticCustomError(
            "personal_code",
            "not a valid Latvian personal code ({why})",
            {"why": str(exc), "values": {"reason": reason}},
        ) from None
    if compact[0] not in "0123":
        raise PydanticCustomError(
            "personal_code",
            "a company registration number, not a personal code",
            {"values": {"reason": "company"}},
        )
    return compact


# The pattern is published in the schema; the check digit and the date are checked here only.
PersonalCode = Annotated[
    str,
    AfterValidator(_person_code),
    WithJsonSchema({"type": "string", "pattern": _PERSON_CODE}),
]

#: A BCP 47 language tag (e.g. ``lv``, ``ltg``, ``en-GB``).
LanguageTag = Annotated[
    str, Field(max_length=35, pattern=r"^([A-Za-z]{2,8}|[xXiI])(-[A-Za-z0-9]{1,8})*$")
]


class Learner(Model):
    """A learner, identified by a pseudonymous id chosen by the host."""

    id: Identifier = Field(description="Pseudonymous learner id; never the personal code.")
    personal_code: PersonalCode | None = classified(
        Classification.PERSONAL,
        "Latvian personal code (personas kods), validated with python-stdnum. Optional and "
        "never required: prefer the pseudonymous id.",
        default=None,
    )
    birth_date: IsoDate = classified(Classification.PERSONAL, "Date of birth.")
    enrolment: Enrolment = Field(description="Current enrolment.")
    living_situation: LivingSituation = Field(
        default=LivingSituation.WITH_PARENTS,
        description="With parents or out-of-family care.",
        **lax_enum,
    )
    needy_or_low_income_family: bool = classified(
        Classification.SENSITIVE,
        "The family is recognised as needy or low-income (trūcīga / maznodrošināta).",
        default=False,
    )
    languages: tuple[LanguageTag, ...] = classified(
        Classification.PROTECTED,
        "Languages the learner speaks (BCP 47 tags). A protected attribute: never risk evidence.",
        default=(),
        **items(20),
    )

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day``."""
        return age_on(self.birth_date, day)


def age_on(birth: date, day: date) -> int:
    """Age in whole years on ``day`` of someone born on ``birth``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
