"""Risk: legal bases, findings and assessments."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from atbalsts.model._base import Document, Identifier, Model, RiskFactorCode

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


class LegalBasis(Model):
    """Where a rule or a parameter value comes from.

    A ``law`` or ``programme`` basis names the act and the provision and gives the address of the
    official or published source. A ``methodological_default`` or ``illustrative`` basis says so
    plainly in ``note`` and needs no address.
    """

    kind: BasisKind = Field(description="Law, programme, methodological default or illustrative.")
    act: str | None = Field(default=None, description="The act, e.g. 'MK noteikumi Nr. 89'.")
    provision: str | None = Field(default=None, description="Article or point, e.g. 'p. 5'.")
    url: str | None = Field(
        default=None, pattern=r"^https?://\S+$", description="Address of the source."
    )
    note: str | None = Field(default=None, description="What the basis says, or why none.")

    @model_validator(mode="after")
    def _cited_or_labelled(self) -> Self:
        if self.kind in (BasisKind.LAW, BasisKind.PROGRAMME):
            if not self.act or not self.url:
                raise ValueError(f"a {self.kind.value} basis needs both act and url")
        elif not self.note:
            raise ValueError(f"a {self.kind.value} basis needs a note saying what it rests on")
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

    fact: str = Field(description="Name of the fact, e.g. 'unjustified_lessons'.")
    value: bool | int | float | str | None = Field(description="Its value.")


class RiskFinding(Model):
    """A risk factor found present, with its evidence and the rule that found it."""

    factor: RiskFactorCode = Field(description="The risk factor.")
    group: RiskGroup = Field(description="Its national risk group.")
    evidence: tuple[Evidence, ...] = Field(default=(), description="Facts that show it.")
    rule: str = Field(description="Id of the producing rule.")
    legal_basis: LegalBasis = Field(description="The producing rule's legal basis.")


class RiskAssessment(Document):
    """The risk findings for one learner as of a date, with an optional tier."""

    learner_id: Identifier = Field(description="The learner's pseudonymous id.")
    as_of: date = Field(description="The assessment date.")
    findings: tuple[RiskFinding, ...] = Field(default=(), description="Findings.")
    tier: int | None = Field(
        default=None, ge=1, le=3, description="Risk tier 1-3 where a local policy defines one."
    )

    @property
    def groups(self) -> frozenset[RiskGroup]:
        """The risk groups with at least one finding."""
        return frozenset(f.group for f in self.findings)
