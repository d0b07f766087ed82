"""Risk: legal bases, findings and assessments."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import ConfigDict, Field, model_validator

from atbalsts.model._base import (
    ITEMS_MAX,
    URL_PATTERN,
    Classification,
    Document,
    Identifier,
    IsoDate,
    Model,
    Name,
    OneOf,
    RiskFactorCode,
    Text,
    classified,
    invalid_at,
    items,
    lax_enum,
)

__all__ = ["BasisKind", "Evidence", "LegalBasis", "RiskAssessment", "RiskFinding", "RiskGroup"]


class RiskGroup(StrEnum):
    """The four national risk groups (PuMPuRS risk types, [S15])."""

    LEARNING_AND_SCHOOL = "learning_and_school"
    ECONOMIC = "economic"
    FAMILY = "family"
    SOCIAL_ENVIRONMENT_AND_HEALTH = "social_environment_and_health"


class BasisKind(StrEnum):
    """What kind of source stands behind a rule or a number."""

    LAW = "law"
    """A legal act: law, Cabinet regulation, municipal binding rules."""
    PROGRAMME = "programme"
    """A national programme's rules or published practice (PuMPuRS, Skola-kopienā)."""
    METHODOLOGICAL_DEFAULT = "methodological_default"
    """No legal number exists: a default chosen by method, said plainly."""
    ILLUSTRATIVE = "illustrative"
    """An illustration for examples and tests. Not law."""


_CITED = ("law", "programme")
_LABELLED = ("methodological_default", "illustrative")

#: The cited-or-labelled check, as JSON Schema (the model validator below says the same).
_CITED_OR_LABELLED: dict[str, Any] = {
    "allOf": [
        {
            "if": {"properties": {"kind": {"enum": list(_CITED)}}, "required": ["kind"]},
            "then": {
                "properties": {
                    "act": {"type": "string", "minLength": 1},
                    "url": {"type": "string", "minLength": 1},
                },
                "required": ["act", "url"],
            },
        },
        {
            "if": {"properties": {"kind": {"enum": list(_LABELLED)}}, "required": ["kind"]},
            "then": {
                "properties": {"note": {"type": "string", "minLength": 1}},
                "required": ["note"],
            },
        },
    ]
}


class LegalBasis(Model):
    """Where a rule or a parameter value comes from.

    A ``law`` or ``programme`` basis names the act and the provision and gives the address of the
    official or published source. A ``methodological_default`` or ``illustrative`` basis says so
    plainly in ``note`` and needs no address.
    """

    model_config = ConfigDict(json_schema_extra=_CITED_OR_LABELLED)

    kind: BasisKind = Field(
        description="Law, programme, methodological default or illustrative.", **lax_enum
    )
    act: Name | None = Field(default=None, description="The act, e.g. 'MK noteikumi Nr. 89'.")
    provision: Name | None = Field(default=None, description="Article or point, e.g. 'p. 5'.")
    url: str | None = Field(
        default=None,
        max_length=2000,
        pattern=URL_PATTERN,
        description="Address of the source.",
    )
    note: Text | None = Field(default=None, description="What the basis says, or why none.")

    @model_validator(mode="after")
    def _cited_or_labelled(self) -> Self:
        if self.kind in (BasisKind.LAW, BasisKind.PROGRAMME):
            missing = [name for name in ("act", "url") if not getattr(self, name)]
            if missing:
                raise invalid_at(
                    "legal_basis_incomplete",
                    f"a {self.kind.value} basis needs both act and url",
                    *missing,
                    values={"kind": self.kind.value, "needs": "act,url"},
                )
        elif not self.note:
            raise invalid_at(
                "legal_basis_incomplete",
                f"a {self.kind.value} basis needs a note saying what it rests on",
                "note",
                values={"kind": self.kind.value, "needs": "note"},
            )
        return self

    @property
    def cited(self) -> bool:
        """True when the basis cites a source (law or programme)."""
        return self.kind in (BasisKind.LAW, BasisKind.PROGRAMME)

    def __str__(self) -> str:
        if self.cited:
            provision = f", {self.provision}" if self.provision else ""
            return f"{self.act}{provision}"
        return f"{self.kind.value}: {self.note}"


class Evidence(Model):
    """A fact a rule read, with its value."""

    fact: Name = Field(description="Name of the fact, e.g. 'unjustified_lessons'.")
    value: Annotated[
        bool | int | float | str | None, OneOf("a boolean, a number, a string or null")
    ] = classified(
        Classification.SENSITIVE,
        "Its value: a fact about the learner (age, family, health, absences ...).",
    )


class RiskFinding(Model):
    """A risk factor found present, with its evidence and the rule that found it."""

    factor: RiskFactorCode = classified(
        Classification.SENSITIVE, "The risk factor (it may reveal health or family facts)."
    )
    group: RiskGroup = Field(description="Its national risk group.", **lax_enum)
    evidence: tuple[Evidence, ...] = Field(
        default=(), description="Facts that show it.", **items(50)
    )
    rule: Name = Field(description="Id of the producing rule.")
    legal_basis: LegalBasis = Field(description="The producing rule's legal basis.")


class RiskAssessment(Document):
    """The risk findings for one learner as of a date, with an optional tier."""

    learner_id: Identifier = Field(description="The learner's pseudonymous id.")
    as_of: IsoDate = Field(description="The assessment date.")
    findings: tuple[RiskFinding, ...] = Field(
        default=(), description="Findings.", **items(ITEMS_MAX)
    )
    tier: int | None = classified(
        Classification.SENSITIVE,
        "Risk tier 1-3 where a local policy defines one.",
        default=None,
        ge=1,
        le=3,
    )

    @property
    def groups(self) -> frozenset[RiskGroup]:
        """The risk groups with at least one finding."""
        return frozenset(f.group for f in self.findings)
