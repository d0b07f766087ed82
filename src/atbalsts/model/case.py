"""The support case: everything about one learner, in one document."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from atbalsts.model._base import (
    Classification,
    Document,
    Identifier,
    InstitutionCode,
    IsoDate,
    MeasureCode,
    Model,
    Name,
    RoleCode,
    Text,
    classified,
    invalid_at,
    items,
)
from atbalsts.model.learner import Learner
from atbalsts.model.observation import TermObservation
from atbalsts.model.plan import SupportPlan
from atbalsts.model.referral import Consent, Referral

__all__ = ["ActionTaken", "FundedSupport", "SupportCase"]


class FundedSupport(Model):
    """Support the state or municipality already funds for this learner (e.g. free lunch)."""

    measure: MeasureCode = Field(description="The measure it corresponds to.")
    funder: Literal["state", "municipality"] = Field(description="Who funds it.")
    until: IsoDate | None = Field(default=None, description="Last day funded, if known.")

    def covers(self, day: date) -> bool:
        """True when the funding still runs on ``day``."""
        return self.until is None or day <= self.until


#: How an action reached its recipient.
ActionChannel = Literal["phone", "in_person", "letter", "email", "e_register", "system", "other"]

#: Most actions in one case: a few years of daily contacts.
_ACTIONS_MAX = 2_000


class ActionTaken(Model):
    """Something staff did for the learner: what, for which duty, by whom, when, to whom, how.

    Actions are the case's history and are never removed: a decision shows each duty an action
    answers as done (on time or late) on the evaluation dates from the action's day on. An action
    answers a duty when ``answers`` is the duty's key (``ObligationDue.key``); one that names no
    key answers a duty with the same action code, triggered on or before the action's day, when
    it reached one of the duty's recipients (or names no recipient).
    """

    id: Identifier = Field(description="Action id in the host system, unique in the case.")
    action: Name = Field(
        min_length=1,
        description="What was done, as an action code, e.g. 'inform_municipal_education_board' "
        "(the duty's action), or a host code of its own.",
    )
    answers: Name | None = Field(
        default=None,
        description="The key of the duty it answers, as the decision gives it (ObligationDue.key: "
        "'rule@YYYY-MM-DD#1a2b3c4d').",
    )
    on: IsoDate = Field(description="Day it was done.")
    role: RoleCode = Field(description="The role in which it was done.")
    by: Identifier | None = Field(default=None, description="Host id of the person.")
    to: tuple[InstitutionCode | RoleCode, ...] = Field(
        default=(), description="Whom it reached: institutions or roles.", **items(50)
    )
    how: (
        Literal["phone", "in_person", "letter", "email", "e_register", "system", "other"] | None
    ) = Field(
        default=None,
        description="How: by phone, in person, by letter, by e-mail, through the school's "
        "e-register, through a state or municipal system (VIIS), or otherwise.",
    )
    reference: Identifier | None = Field(
        default=None, description="A reference: a letter's number, a register entry's id."
    )
    note: Text | None = classified(Classification.SENSITIVE, "Free-text note.", default=None)


class SupportCase(Document):
    """One learner's situation and the support around it.

    Plans, referrals and consents inside a case must name the case's learner, and each has an id
    unique among its kind.
    """

    learner: Learner = Field(description="The learner.")
    observations: tuple[TermObservation, ...] = Field(
        default=(), description="Observations, one or more per term.", **items()
    )
    funded_elsewhere: tuple[FundedSupport, ...] = Field(
        default=(),
        description="Support already funded by the state or municipality.",
        **items(50),
    )
    plans: tuple[SupportPlan, ...] = Field(default=(), description="Support plans.", **items())
    referrals: tuple[Referral, ...] = Field(default=(), description="Referrals.", **items())
    consents: tuple[Consent, ...] = Field(default=(), description="Consents.", **items())
    actions: tuple[ActionTaken, ...] = Field(
        default=(),
        description="What staff did, each with the duty it answers: the case's history.",
        **items(_ACTIONS_MAX),
    )

    @field_validator("actions")
    @classmethod
    def _unique_action_ids(cls, actions: tuple[ActionTaken, ...]) -> tuple[ActionTaken, ...]:
        seen: set[str] = set()
        repeated: list[tuple[int, str]] = []
        for i, action in enumerate(actions):
            if action.id in seen:
                repeated.append((i, "id"))
            seen.add(action.id)
        if repeated:
            raise invalid_at(
                "duplicate_id",
                "repeats the id of an earlier action",
                *repeated,
                values={"field": "actions"},
            )
        return actions

    @field_validator("plans", "referrals", "consents")
    @classmethod
    def _one_learner_unique_ids(
        cls, docs: tuple[SupportPlan | Referral | Consent, ...], info: ValidationInfo
    ) -> tuple[SupportPlan | Referral | Consent, ...]:
        if not docs:  # the usual case: nothing to check
            return docs
        learner = info.data.get("learner")
        if isinstance(learner, Learner):
            others = [(i, "learner_id") for i, d in enumerate(docs) if d.learner_id != learner.id]
            if others:
                raise invalid_at("other_learner", "names another learner than learner.id", *others)
        seen: set[str] = set()
        repeated: list[tuple[int, str]] = []
        for i, doc in enumerate(docs):
            if doc.id in seen:
                repeated.append((i, "id"))
            seen.add(doc.id)
        if repeated:
            raise invalid_at(
                "duplicate_id",
                f"repeats the id of an earlier item of {info.field_name}",
                *repeated,
                values={"field": str(info.field_name)},
            )
        return docs

    def observation_on(self, day: date) -> TermObservation | None:
        """The latest observation dated on or before ``day`` (never one from the future)."""
        best: TermObservation | None = None
        for obs in self.observations:
            if obs.as_of <= day and (best is None or obs.as_of > best.as_of):
                best = obs
        return best

    def plan_on(self, day: date) -> SupportPlan | None:
        """The plan whose period covers ``day`` and that is not revoked or entered in error;
        with several, the one with the latest start."""
        live = [
            p
            for p in self.plans
            if day in p.period and p.status.value not in ("revoked", "entered-in-error")
        ]
        return max(live, key=lambda p: (p.period.start, p.id), default=None)
