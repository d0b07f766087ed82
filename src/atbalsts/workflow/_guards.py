"""Guards: the national floor, and a municipality's guards added to it.

The national guards are part of the workflow itself, so no plugin and no host setting can remove
one; a plugin adds guards with ``registrar.guards(...)`` (:meth:`atbalsts.policy.PolicyRegistrar.
guards`). A guard refuses with a reason and names its legal basis; some may be overridden by a
role with that authority, with a reason, and the override is recorded in the audit event.

Every national guard refuses with a :class:`~atbalsts.workflow.Reason`: the English
sentence, a code and the values it is about (ids of documents, role and action codes, days,
field paths, data category codes; never the value of a personal or sensitive field), so that the
command line can say it in Latvian. Where a sentence is made of parts (who may act, what a
consent does not cover, which legal duty does not apply), ``values`` names each part by a code
too (``who``, ``gaps``, ``duty``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta

import attrs

from atbalsts._text import describe
from atbalsts._time import in_force
from atbalsts.codes import ROLES
from atbalsts.engine import Declaration, PolicyRegistry
from atbalsts.errors import PolicyError, Refusal
from atbalsts.model import (
    ApprovalStep,
    Consent,
    DataCategory,
    LegalBasis,
    LegalDuty,
    Referral,
    ReferralParty,
    ReferralPurpose,
    SupportPlan,
)
from atbalsts.policy import baseline
from atbalsts.policy._registrar import Guard, Reason, Transition, guard
from atbalsts.privacy import duty_covers, duty_recipients
from atbalsts.workflow import _bases as b
from atbalsts.workflow._lifecycle import pending_step, status_of

__all__ = [
    "GROUP_ROLES",
    "NATIONAL_GUARDS",
    "WHO",
    "GuardSet",
    "approval_chain",
    "beyond_duty",
    "chain_days",
    "chain_on",
    "consent_gaps",
    "national_chain",
]

NATIONAL = "lv"
#: The role codes that name a group of roles, not a role one acts in: ``any_staff``, any member
#: of the school's staff. A document or a duty names it (a plan's ``author_role``, a measure's
#: ``responsible_role``, a referral's party; the same-day threat report), and the guards read it
#: as every school role; a transition given it as the role its actor acts in is refused.
GROUP_ROLES: frozenset[str] = frozenset({"any_staff"})
#: School roles that may act for a school that sends a referral (and the group code that names
#: them all, as a document may write it).
_SCHOOL_ROLES = frozenset(
    c.code for c in ROLES if c.tags & {"school_staff", "support_staff"} or c.code in GROUP_ROLES
)
#: Who takes each approval step (the author step: the plan's author, or the plan author role).
STEP_ROLES: dict[ApprovalStep, frozenset[str]] = {
    ApprovalStep.AUTHOR: frozenset({"plan_author"}),
    ApprovalStep.SCHOOL_DIRECTOR: frozenset({"school_director"}),
    ApprovalStep.MUNICIPAL_COORDINATOR: frozenset({"municipal_coordinator"}),
    ApprovalStep.NATIONAL_COORDINATOR: frozenset({"national_coordinator"}),
}


def _staff(role: str) -> frozenset[str]:
    """The roles a role named in a document stands for: itself, or every school role for
    ``any_staff`` (:data:`GROUP_ROLES`)."""
    return _SCHOOL_ROLES if role in GROUP_ROLES else frozenset({role})


def _plan(t: Transition) -> SupportPlan:
    assert isinstance(t.before, SupportPlan)
    return t.before


def _referral(t: Transition) -> Referral:
    assert isinstance(t.after, Referral)
    return t.after


def _consent(t: Transition) -> Consent:
    assert isinstance(t.before, Consent)
    return t.before


# -- referrals ---------------------------------------------------------------------------------


@guard(
    "lv.guard.referral.consent",
    document="referral",
    actions=("send",),
    legal_basis=b.CONSENT,
    override_roles=("school_director",),
)
def referral_consent(t: Transition) -> Reason | None:
    """Sending a referral that shares personal data needs a consent in force on the sending day
    that covers its purpose, recipient and data, unless a legal duty applies.

    Where a legal duty covers only part of the sharing, a consent must cover the rest: a notice
    to another recipient than the duty names, or an Art. 73 report to another (the state
    child-rights body under a code not in office on the sending day included: ``vbtai`` from
    2024-01-01, ``childrens_protection_centre`` before), is covered by the duty in nothing, so
    the consent must cover all of it; an MK 89 notice to the board that shares more than
    identity and attendance needs a consent covering its purpose, the board and the further
    categories."""
    r = _referral(t)
    recipient = r.referred_to.institution
    if not r.data_categories:
        return None  # an anonymous consultation shares no personal data
    uncovered, duty = _duty(r, t.on)  # judged on the sending day
    if not uncovered:
        return None
    if r.consent_id is None:
        return Reason(f"it names no consent and {duty.text}", "no_consent", duty.values)
    consent = next((c for c in t.consents if c.id == r.consent_id), None)
    if consent is None:
        text = f"the consent {r.consent_id} it names was not given with the transition"
        return Reason(text, "consent_not_given", {"consent": r.consent_id})
    if consent.learner_id != r.learner_id:
        text = f"the consent {consent.id} is about another learner"
        return Reason(text, "consent_other_learner", {"consent": consent.id})
    gaps = consent_gaps(consent, t.on, r.purpose, recipient, uncovered)
    if gaps:
        said = "; ".join(g.text for g in gaps)
        values = {"consent": consent.id, "gaps": ",".join(str(g.code) for g in gaps)}
        for gap in gaps:
            values.update(gap.values)
        return Reason(
            f"the consent {consent.id} does not cover it: {said}; and {duty.text}",
            "consent_gaps",
            {**values, **duty.values},
        )
    return None


def consent_gaps(
    consent: Consent,
    day: date,
    purpose: ReferralPurpose | None,
    recipient: str,
    categories: Sequence[DataCategory],
) -> list[Reason]:
    """What ``consent`` does not cover of a sharing, as :meth:`atbalsts.model.Consent.gaps`
    says it (the same sentences, in its order), each with its code: ``given_after`` and
    ``not_in_force`` (value ``day``), ``no_purpose``, ``purpose`` (value ``purpose``),
    ``recipient`` (value ``recipient``) and ``categories`` (value ``missing``, the data
    categories it leaves out, comma-separated)."""
    gaps: list[Reason] = []
    on = day.isoformat()
    if day < consent.given_on:
        gaps.append(Reason(f"it was given after {on}", "given_after", {"day": on}))
    elif not consent.in_force(day):
        gaps.append(Reason(f"it is not in force on {on}", "not_in_force", {"day": on}))
    if purpose is None:
        gaps.append(Reason("the referral states no purpose", "no_purpose"))
    elif purpose not in consent.purposes:
        text = f"it does not cover the purpose {purpose.value}"
        gaps.append(Reason(text, "purpose", {"purpose": purpose.value}))
    if recipient not in consent.recipients:
        text = f"it does not name the recipient {recipient}"
        gaps.append(Reason(text, "recipient", {"recipient": recipient}))
    missing = [c.value for c in categories if c not in consent.data_categories]
    if missing:
        text = f"it does not cover the data categories {', '.join(missing)}"
        gaps.append(Reason(text, "categories", {"missing": ",".join(missing)}))
    return gaps


def beyond_duty(r: Referral, on: date | None = None) -> tuple[tuple[DataCategory, ...], str]:
    """The data categories of ``r`` its legal duty does not cover on ``on`` (by default the day
    it was made; all of them without a duty: :func:`atbalsts.privacy.duty_covers`), and why, in
    words to follow "and"."""
    extra, why = _duty(r, on)
    return extra, why.text


def _duty(r: Referral, on: date | None = None) -> tuple[tuple[DataCategory, ...], Reason]:
    """:func:`beyond_duty`, the why as a :class:`Reason` whose values say it: ``duty`` is
    ``art73_named`` (no words: the report covers all it shares), ``art73_elsewhere`` or
    ``mk89_elsewhere`` (value ``recipient``), ``art73_out_of_office`` (values ``recipient``, a
    code of the state child-rights body out of office on ``day``, and ``body``, the code in
    office then), ``mk89_more`` (value ``extra``, the categories beyond the notice,
    comma-separated) or ``no_duty``."""
    recipient = r.referred_to.institution
    day = r.made_on if on is None else on
    covered = duty_covers(r, day)
    extra = tuple(c for c in r.data_categories if c not in covered)
    named = r.legal_duty is not None and recipient in duty_recipients(r.legal_duty, day)
    elsewhere = {"recipient": recipient}
    if r.legal_duty is LegalDuty.CHILD_PROTECTION_REPORT:
        # Art. 73(1): the police, the orphan's court or another competent institution only; the
        # state child-rights body under the code in office on the day.
        if named:
            return extra, Reason("", "duty", {"duty": "art73_named"})
        if recipient in baseline.STATE_CHILD_RIGHTS_BODY_CODES:
            body = baseline.state_child_rights_body_on(day)
            return extra, Reason(
                f"the Art. 73 report goes to the police, the orphan's court or a child-rights "
                f"institution; {recipient} was not the state child-rights body on "
                f"{day.isoformat()} ({body} was), so sharing with it needs a consent",
                "duty",
                {"duty": "art73_out_of_office", **elsewhere, "day": day.isoformat(), "body": body},
            )
        return extra, Reason(
            f"the Art. 73 report goes to the police, the orphan's court or a child-rights "
            f"institution, not to {recipient}; sharing with it needs a consent",
            "duty",
            {"duty": "art73_elsewhere", **elsewhere},
        )
    if r.legal_duty is LegalDuty.ABSENCE_NOTICE:
        if not named:
            return extra, Reason(
                f"the MK 89 notice goes to the municipal education board, not to {recipient}; "
                "sharing with it needs a consent",
                "duty",
                {"duty": "mk89_elsewhere", **elsewhere},
            )
        more = sorted(c.value for c in extra)
        return extra, Reason(
            f"the MK 89 notice shares who the learner is and their absences; sharing "
            f"{', '.join(more)} with the board as well needs a consent",
            "duty",
            {"duty": "mk89_more", "extra": ",".join(more)},
        )
    return extra, Reason(
        "no legal duty is stated (Children's Rights Protection Law Art. 73(1) report, "
        "MK 89 notice to the education board)",
        "duty",
        {"duty": "no_duty"},
    )


def required_by_law(r: Referral, on: date | None = None) -> bool:
    """Whether sending ``r`` on ``on`` (by default the day it was made) is what a national legal
    duty requires of the school, and no more: its duty names its recipient on that day and covers
    every data category it shares (the same-day Art. 73 report to the police, the orphan's court
    or the state child-rights body in office that day; the MK 89 notice of identity and absences
    to the education board)."""
    duty = r.legal_duty
    day = r.made_on if on is None else on
    if duty is None or r.referred_to.institution not in duty_recipients(duty, day):
        return False
    return duty_covers(r, day) == frozenset(r.data_categories)


_SENDER_ACTIONS = frozenset({"send", "cancel"})
_RECIPIENT_ACTIONS = frozenset({"receive", "accept", "reject", "start", "complete", "fail"})
_RECIPIENT_ACTIONS |= {"hold", "resume"}
#: Actions either party may take: a record found wrong is wrong for both.
_EITHER_ACTIONS = frozenset({"enter-in-error"})


def _party_roles(party: ReferralParty) -> frozenset[str]:
    """The roles that act for a referral's party: its institution, its role (every school role
    for ``any_staff``), and every school role for a school that names none; for a school, its
    director always (the head of the institution that refers)."""
    roles = {party.institution, *(_staff(party.role) if party.role else [])}
    if party.institution == "school":
        roles |= _SCHOOL_ROLES if not party.role else {"school_director"}
    return frozenset(roles)


def _schools_threat_report(r: Referral, day: date) -> bool:
    """A school's report of a suspected threat to a recipient Art. 73(1) names on ``day``."""
    duty = LegalDuty.CHILD_PROTECTION_REPORT
    return (
        r.legal_duty is duty
        and r.referred_by.institution == "school"
        and r.referred_to.institution in duty_recipients(duty, day)
    )


@guard(
    "lv.guard.referral.parties",
    document="referral",
    actions=tuple(sorted(_SENDER_ACTIONS | _RECIPIENT_ACTIONS | _EITHER_ACTIONS)),
    legal_basis=b.PARTIES,
)
def referral_parties(t: Transition) -> Reason | None:
    """The sender sends and cancels; the recipient receives, accepts or rejects, acts and
    answers; either enters it in error. A school's report of a suspected threat (Art. 73(1),
    ``legal_duty`` ``child_protection_report``) is sent by any member of its staff: the law puts
    the same-day report on whoever learns of the threat, so a report drafted by one who is away
    does not wait for them."""
    r = _referral(t)
    sender, recipient = _party_roles(r.referred_by), _party_roles(r.referred_to)
    who: tuple[str, ...]
    if t.action == "send" and _schools_threat_report(r, t.on):
        roles, who = sender | _SCHOOL_ROLES, ("sender", "staff")
    elif t.action in _SENDER_ACTIONS:
        roles, who = sender, ("sender",)
    elif t.action in _RECIPIENT_ACTIONS:
        roles, who = recipient, ("recipient",)
    else:
        roles, who = sender | recipient, ("sender_or_recipient",)
    if t.role in roles:
        return None
    return _wrong_role(t, who)


#: Who may take an action, as a refusal names them (``values["who"]``: these codes,
#: comma-separated, which the sentence joins with "or"); ``responsible`` names the measure
#: (``values["measure"]``, its position), ``school_director`` is the role's own code. A role a
#: document names is named by its field (``author_role``), never by the field's value.
WHO: dict[str, str] = {
    "sender": "the referral's sender (the institution or role its field referred_by names)",
    "recipient": "the referral's recipient (the institution or role its field referred_to names)",
    "sender_or_recipient": (
        "the referral's sender or recipient (the institution or role its field referred_by or "
        "referred_to names)"
    ),
    "author": "the plan's author (the role its field author_role names, or plan_author)",
    "responsible": (
        "the role responsible for the measure (its field measures[{measure}].responsible_role "
        "names it)"
    ),
    "school_director": "school_director",
    "withdrawers": (
        "the consent's grantor, the learner's legal representative, the learner of full age "
        "(adult_learner), or a member of the school's staff"
    ),
    "staff": "a member of the school's staff",
}


def _wrong_role(t: Transition, who: Sequence[str], **values: str) -> Reason:
    """``wrong_role``: ``t``'s action is taken by ``who`` (codes of :data:`WHO`), not by its
    role."""
    names = " or ".join(WHO[w].format(**values) for w in who)
    return Reason(
        f"{t.action} is taken by {names}, not by the role {t.role}",
        "wrong_role",
        {"action": t.action, "role": t.role, "who": ",".join(who), **values},
    )


# -- plans -------------------------------------------------------------------------------------

#: The field of a plan that names its author, the person (``SupportPlan.author``).
_AUTHOR_FIELD = "author"


def _not_the_author(t: Transition, step: ApprovalStep | None = None) -> Reason | None:
    """``not_the_author``: ``t`` (a submit, or the author's approval ``step``) is taken by
    another person than the author its plan names (``SupportPlan.author``); None when the plan
    names none (its author's role alone decides, as before) or ``t.actor`` is its author.

    The refusal names the action, the step and the field, never the actor's or the author's id
    (a person's id, as a learner's id is never said). Neither guard that gives it names a role
    that may override it, and it is not made overridable on purpose: the submit and the author's
    approval are the author's own word that the plan is theirs and ready [S17][S18]; taken by
    another person they would be a signature in the author's name, which no role's authority
    and no reason can make. A plan another person takes over names that person as its author.
    """
    author = _plan(t).author
    if author is None or t.actor == author:
        return None
    values = {"action": t.action, "field": _AUTHOR_FIELD}
    at = ""
    if step is not None:
        values["step"] = step.value
        at = f" at the step {step.value}"
    return Reason(
        f"{t.action}{at} is taken by the plan's author (the person its field {_AUTHOR_FIELD} "
        "names), not by another person",
        "not_the_author",
        values,
    )


def _approver(t: Transition) -> Reason | None:
    plan = _plan(t)
    step = pending_step(plan, t.chain)
    if step is None:
        return None  # the lifecycle refuses it: no step is waiting
    author = step is ApprovalStep.AUTHOR
    roles = STEP_ROLES[step] | (_staff(plan.author_role) if author else set())
    if t.role in roles:
        # the author's step of a plan that names its author: that person's, in the role
        return _not_the_author(t, step) if author else None
    waits = ("author",) if author else tuple(sorted(roles))
    who = WHO["author"] if author else " or ".join(waits)
    return Reason(
        f"{t.action}: the step {step.value} waits for {who}, not for the role {t.role}",
        "wrong_step_role",
        {"action": t.action, "step": step.value, "role": t.role, "waits_for": ",".join(waits)},
    )


def approval_chain(on: date, *, state_vocational_school: bool = False) -> tuple[ApprovalStep, ...]:
    """The approval chain of the national baseline for a plan approved on ``on``.

    The same chain the national plan checks require (``lv.plan.approval_chain`` and
    ``lv.plan.approval_chain_default``): the author, the school director, the municipal
    coordinator (not for a state vocational school) and, while PuMPuRS ran (until 31.12.2023),
    the national coordinator (IKVD) [S17]. A municipality with a chain of its own passes that
    chain to :func:`transition` instead.
    """
    pumpurs = in_force(baseline.PUMPURS_FROM, baseline.PUMPURS_TO, on)
    return tuple(baseline.approval_steps(state_vocational_school, national_step=pumpurs))


def national_chain(
    document: object, action: str, on: date, *, state_vocational_school: bool = False
) -> tuple[ApprovalStep, ...]:
    """The national steps ``action`` on the plan ``document`` on ``on`` needs, whatever chain
    its municipality uses, and the chain a transition goes by when none is passed: the steps
    each of the days of :func:`chain_days` needs (:func:`chain_on`): the author, the school
    director, the municipal coordinator unless the plan's school is a state vocational school
    and, while PuMPuRS ran, the national coordinator (IKVD) [S17] (``lv.plan.approval_chain``
    and ``lv.plan.approval_chain_default``). Which school it is comes with the transition
    (``Transition.state_vocational_school``), as the national plan checks read it from the
    learner's enrolment.

    The municipal coordinator's approval is asked for when a plan is activated, where its chain
    is gone through; a completion does not ask for it, since no approval can be added to an
    active plan: a plan already active without it (activated before this check, or for a school
    said to be a state vocational one) is completed all the same, without saying again which
    school it is. A chain passed that names the step still asks for it."""
    vocational = state_vocational_school or (
        action == "complete" and isinstance(document, SupportPlan)
    )
    return chain_on(chain_days(document, action, on), state_vocational_school=vocational)


def chain_days(document: object, action: str, on: date) -> tuple[date, ...]:
    """The days whose approval chains a plan's ``action`` on ``on`` is judged by: ``on``, and
    for a completion also the day of the plan's last approval. A plan records no activation day;
    it lies between the two, so a step both days' chains need (PuMPuRS being one interval) was
    needed on it too, and a step only one of them needs may not have been: a plan activated
    before PuMPuRS began, or after it ended, is not asked for the national coordinator's step
    when it is completed."""
    if action != "complete" or not isinstance(document, SupportPlan) or not document.approvals:
        return (on,)
    return (max(a.approved_on for a in document.approvals), on)


def chain_on(
    days: tuple[date, ...], *, state_vocational_school: bool = False
) -> tuple[ApprovalStep, ...]:
    """The steps of the national chain (:func:`approval_chain`) that the chain of every one of
    ``days`` has, in its order."""
    chains = [approval_chain(day, state_vocational_school=state_vocational_school) for day in days]
    return tuple(step for step in chains[0] if all(step in chain for chain in chains[1:]))


def _approvals(t: Transition) -> Reason | None:
    plan = _plan(t)
    dates = {a.step: a.approved_on for a in plan.approvals}
    days = chain_days(plan, t.action, t.on)
    # The coordinator's approval is asked for when a plan is made active, where the chain is
    # gone through; a plan already active (activated before this floor, or for a school said to
    # be a state vocational one) is not held back from completion by it, since no approval can
    # be added to an active plan. The default chain of a completion leaves it out as well.
    floor = national_chain(plan, t.action, t.on, state_vocational_school=t.state_vocational_school)
    # A municipality's chain may add steps to the national ones, never remove one: a chain
    # without them (even an empty one) does not make their approvals unnecessary.
    dropped = [step.value for step in floor if step not in t.chain and step not in dates]
    if dropped:
        on = " and ".join(dict.fromkeys(day.isoformat() for day in days))
        school = ""
        if ApprovalStep.MUNICIPAL_COORDINATOR.value in dropped:
            school = " (the plan's school is not a state vocational school, the transition says)"
        return Reason(
            f"the approvals of {', '.join(dropped)} are missing: the national approval chain on "
            f"{on} needs them{school}, and the chain passed leaves them out",
            "approvals_dropped",
            {
                "steps": ",".join(dropped),
                "days": ",".join(dict.fromkeys(d.isoformat() for d in days)),
            },
        )
    missing = [step.value for step in t.chain if step not in dates]
    if missing:
        text = f"the approvals of {', '.join(missing)} are missing"
        return Reason(text, "approvals_missing", {"steps": ",".join(missing)})
    for order in (t.chain, floor):
        present = [dates[step] for step in order]
        if present != sorted(present):
            return Reason("the approvals are not in the order of the chain", "approvals_order")
    return None


def _review(t: Transition) -> Reason | None:
    if _plan(t).reviews:
        return None
    text = "the plan has no review (each goal's achievement at the term's end)"
    return Reason(text, "no_review")


def _dated(pumpurs: Guard, default: LegalBasis) -> tuple[Guard, Guard]:
    """The guard under PuMPuRS until 31.12.2023, then the same check from 01.01.2024 as a
    methodological default, as the national rules it mirrors."""
    return (
        attrs.evolve(pumpurs, valid_to=b.AFTER_PUMPURS - timedelta(days=1)),
        attrs.evolve(
            pumpurs, id=f"{pumpurs.id}_default", legal_basis=default, valid_from=b.AFTER_PUMPURS
        ),
    )


plan_approver, plan_approver_default = _dated(
    guard(
        "lv.guard.plan.approver",
        document="support-plan",
        actions=("approve", "reject"),
        legal_basis=b.APPROVAL,
    )(_approver),
    b.APPROVAL_DEFAULT,
)
plan_approvals, plan_approvals_default = _dated(
    guard(
        "lv.guard.plan.approvals",
        document="support-plan",
        actions=("activate", "complete"),
        legal_basis=b.APPROVAL,
        title="A plan is active only with every approval its chain requires, in order.",
    )(_approvals),
    b.APPROVAL_DEFAULT,
)
plan_review, plan_review_default = _dated(
    guard(
        "lv.guard.plan.review",
        document="support-plan",
        actions=("complete",),
        legal_basis=b.REVIEW,
        title="A plan is completed only after its review.",
    )(_review),
    b.REVIEW_DEFAULT,
)


_DIRECTOR = "school_director"
#: A plan's actions besides its approvals, and who takes each (basis: b.PLAN_ROLES): its
#: ``author``, the school ``director``, either, or for a delivery the role ``responsible`` for
#: its measure, the author (who keeps the plan's records [S17][S18]) or the director. A draft not
#: yet submitted is revoked by its author too.
_PLAN_TAKERS: dict[str, frozenset[str]] = {
    "submit": frozenset({"author"}),
    "activate": frozenset({"director"}),
    "revoke": frozenset({"director"}),
    "review": frozenset({"author", "director"}),
    "hold": frozenset({"author", "director"}),
    "resume": frozenset({"author", "director"}),
    "complete": frozenset({"author", "director"}),
    "enter-in-error": frozenset({"author", "director"}),
    "deliver": frozenset({"responsible", "author", "director"}),
}


def _plan_takers(t: Transition) -> tuple[frozenset[str], tuple[str, ...], dict[str, str]] | None:
    """The roles that may take ``t`` on its plan, and how a refusal names them (codes of
    :data:`WHO` and their values); None when the delivery names no measure of the plan
    (``lv.guard.plan.delivery`` refuses it)."""
    plan = _plan(t)
    takers = set(_PLAN_TAKERS[t.action])
    if t.action == "revoke" and status_of(plan) == "draft":
        takers.add("author")
    roles: set[str] = set()
    names: list[str] = []
    values: dict[str, str] = {}
    if "responsible" in takers:
        after = t.after
        assert isinstance(after, SupportPlan)
        measure = after.deliveries[-1].measure
        if measure >= len(plan.measures):
            return None
        roles |= _staff(plan.measures[measure].responsible_role)
        names.append("responsible")
        values["measure"] = str(measure)
    if "author" in takers:
        roles |= _staff(plan.author_role) | {"plan_author"}
        names.append("author")
    if "director" in takers:
        roles.add(_DIRECTOR)
        names.append(_DIRECTOR)
    return frozenset(roles), tuple(names), values


@guard(
    "lv.guard.plan.role",
    document="support-plan",
    actions=tuple(sorted(_PLAN_TAKERS)),
    legal_basis=b.PLAN_ROLES,
    title="A plan's action is taken by the role entitled to it.",
)
def plan_role(t: Transition) -> Reason | None:
    """The author submits; the school director activates and revokes (the author too, a draft
    not yet submitted); either reviews, pauses, resumes, completes or enters in error; the role
    responsible for a measure records its delivery. Approvals: ``lv.guard.plan.approver``.

    A plan that names its author (``SupportPlan.author``) is submitted by that person only, in
    the author's role (``not_the_author``, never overridden: see ``_not_the_author``); its other
    actions are taken by the roles above, whoever acts in them."""
    found = _plan_takers(t)
    if found is None:
        return None
    if t.role in found[0]:
        return _not_the_author(t) if t.action == "submit" else None
    return _wrong_role(t, found[1], **found[2])


@guard(
    "lv.guard.plan.delivery",
    document="support-plan",
    actions=("deliver",),
    legal_basis=b.DELIVERY,
)
def plan_delivery(t: Transition) -> Reason | None:
    """Support is given against a measure of the plan, on a day of its period."""
    plan = _plan(t)
    after = t.after
    assert isinstance(after, SupportPlan)
    given = after.deliveries[-1]
    if given.measure >= len(plan.measures):
        n = len(plan.measures)
        text = f"the plan has no measure {given.measure} (it has {n})"
        return Reason(text, "no_measure", {"measure": str(given.measure), "measures": str(n)})
    if t.on not in plan.period:
        on = t.on.isoformat()
        return Reason(f"{on} is outside the plan's period", "outside_period", {"day": on})
    if given.sessions == 0 and given.hours is None:
        return Reason("no sessions and no hours are given", "nothing_given")
    return None


# -- consents ----------------------------------------------------------------------------------


#: The school's staff, as a consent's keeper: its roles and the school itself.
_KEEPERS = _SCHOOL_ROLES | {"school"}
#: Who may withdraw a consent besides its grantor: the data subject (the learner of full age)
#: and the holders of parental responsibility (a parent, a guardian), whoever of them gave it;
#: GDPR Art. 7(3) gives the right to withdraw to the data subject, exercised for a child by those
#: who may consent for it.
_WITHDRAWERS = frozenset({"parent", "guardian", "adult_learner"})


@guard(
    "lv.guard.consent.role",
    document="consent",
    actions=("withdraw", "expire", "enter-in-error"),
    legal_basis=b.CONSENT_ROLES,
    title="A consent's action is taken by its grantor or the school's staff.",
)
def consent_role(t: Transition) -> Reason | None:
    """Its grantor, or the school's staff for them, records a withdrawal; the school's staff
    record an expiry or an entry in error."""
    if t.action == "withdraw":
        roles, who = _KEEPERS | _WITHDRAWERS | {_consent(t).grantor}, "withdrawers"
    else:
        roles, who = _KEEPERS, "staff"
    if t.role in roles:
        return None
    return _wrong_role(t, (who,))


@guard(
    "lv.guard.consent.withdrawal",
    document="consent",
    actions=("withdraw",),
    legal_basis=b.WITHDRAWAL,
)
def consent_withdrawal(t: Transition) -> Reason | None:
    """A withdrawal takes effect from the day it is recorded or later, never backwards, and
    never later than a withdrawal already set: it ends a consent, it does not extend one."""
    after = t.after
    assert isinstance(after, Consent)
    if after.withdrawn_on is None:
        return None
    # between the day it is recorded (or the day already set, if earlier) and the day already set
    set_on = _consent(t).withdrawn_on
    if after.withdrawn_on < (t.on if set_on is None else min(t.on, set_on)):
        text = "a withdrawal cannot take effect before the day it is recorded"
        return Reason(text, "withdrawal_backdated")
    if set_on is not None and after.withdrawn_on > set_on:
        return Reason(
            f"withdrawn_on is already {set_on.isoformat()}; a withdrawal cannot move it later "
            "(that would put the consent back in force)",
            "withdrawal_later",
            {"day": set_on.isoformat()},
        )
    return None


@guard(
    "lv.guard.consent.expiry",
    document="consent",
    actions=("expire",),
    legal_basis=b.CONSENT_PERIOD,
)
def consent_expiry(t: Transition) -> Reason | None:
    """A consent expires only after the last day of its period."""
    if t.on > _consent(t).period.end:
        return None
    end = _consent(t).period.end.isoformat()
    return Reason(f"its period runs to {end}", "period_not_ended", {"end": end})


#: The national guards: always judged, never removed.
NATIONAL_GUARDS: tuple[Guard, ...] = (
    referral_consent,
    referral_parties,
    plan_approver,
    plan_approver_default,
    plan_approvals,
    plan_approvals_default,
    plan_review,
    plan_review_default,
    plan_role,
    plan_delivery,
    consent_role,
    consent_withdrawal,
    consent_expiry,
)


@attrs.frozen
class GuardSet:
    """The guards judging transitions: the national floor plus those a municipality's policies
    declare. Build it with :meth:`national` or :meth:`for_municipality`."""

    guards: tuple[tuple[Guard, str], ...]
    """Each guard with the name of the policy that declared it, by id."""

    def __attrs_post_init__(self) -> None:
        """The national guards are the floor: a set without one of them is refused (``ValueError``
        naming what is missing), however it is built."""
        held = {id(g) for g, _ in self.guards}  # the guards themselves, not their ids
        missing = [g.id for g in NATIONAL_GUARDS if id(g) not in held]
        if missing:
            raise ValueError(
                "a GuardSet must hold every national guard (the floor); missing: "
                + ", ".join(missing)
            )

    @classmethod
    def national(cls) -> GuardSet:
        """The national guards only."""
        return cls(tuple((g, NATIONAL) for g in NATIONAL_GUARDS))

    @classmethod
    def from_declarations(
        cls, declarations: Iterable[Declaration], municipality: str | None
    ) -> GuardSet:
        """The national guards, plus the guards of the policies that apply in ``municipality``:
        those of no municipality and the municipality's own.

        Raises :class:`~atbalsts.errors.PolicyError` naming every guard whose id is outside its
        policy's namespace or repeats another's: a plugin adds guards, it never replaces one.
        """
        found: list[tuple[Guard, str]] = [(g, NATIONAL) for g in NATIONAL_GUARDS]
        problems: list[str] = []
        seen = {g.id for g in NATIONAL_GUARDS}
        for decl in sorted(declarations, key=lambda d: d.info.name):
            info = decl.info
            if info.municipality is not None and info.municipality != municipality:
                continue
            for g in decl.guards:
                if g.namespace != info.name:
                    problems.append(
                        f"guard {g.id!r} of plugin {info.name!r} must be namespaced '{info.name}.'"
                    )
                elif g.id in seen:
                    problems.append(f"guard {g.id!r} of plugin {info.name!r} repeats an id")
                else:
                    seen.add(g.id)
                    found.append((g, info.name))
        if problems:
            raise PolicyError("guards cannot be composed: " + "; ".join(problems))
        return cls(tuple(sorted(found, key=lambda item: item[0].id)))

    @classmethod
    def for_municipality(cls, registry: PolicyRegistry, municipality: str | None) -> GuardSet:
        """The guards for ``municipality`` from a loaded registry."""
        return cls.from_declarations(registry.declarations, municipality)

    def judging(self, transition: Transition) -> Iterator[tuple[Guard, str]]:
        """The guards that judge ``transition``, by id."""
        return ((g, p) for g, p in self.guards if g.judges(transition))

    def refusals(self, transition: Transition) -> list[Refusal]:
        """Every guard that refuses ``transition``, with its reason and basis."""
        out = []
        for g, plugin in self.judging(transition):
            try:
                reason = g.function(transition)
            except Exception as exc:  # a failing guard refuses: it fails closed, with a word
                error = describe(exc, 120)
                reason = Reason(f"the guard failed ({error})", "guard_failed", {"error": error})
            if reason is None:
                continue
            basis = str(g.legal_basis)
            if isinstance(reason, Reason):
                code, values = reason.code, reason.values
                out.append(
                    Refusal(g.id, plugin, reason.text, basis, g.override_roles, code, values)
                )
            else:  # a plugin's plain text: no code
                out.append(Refusal(g.id, plugin, str(reason), basis, g.override_roles))
        return out
