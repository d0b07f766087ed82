"""The items of a work list: what is overdue, due today or due soon, one case at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from atbalsts._explain import translator
from atbalsts.calendar import SchoolCalendar
from atbalsts.codes import CodeList
from atbalsts.engine import PolicyRegistry, to_decision
from atbalsts.model import Decision, LegalBasis, Model, SupportCase
from atbalsts.model.decision import Deadline, ObligationDue, TriggerSource
from atbalsts.privacy import Reads, ViewRole, own_duties, view_decision

__all__ = [
    "ANY_STAFF",
    "FOLLOW_UP_LABELS",
    "REPEATED",
    "SECTIONS",
    "UPCOMING_DAYS",
    "VIEW_ROLES",
    "Entry",
    "Section",
    "WorkItem",
    "case_entries",
    "case_items",
    "duty_labels",
    "entries_of",
    "for_role",
    "items_of",
    "shown_keys",
    "worklist",
]

#: The sections of a work list, in the order a list shows them.
Section = Literal["overdue", "due_today", "upcoming"]
SECTIONS: tuple[Section, ...] = ("overdue", "due_today", "upcoming")

#: The role code of a duty any member of staff may carry out (the same-day threat report): such
#: an item is on every role's list.
ANY_STAFF = "any_staff"

#: School days ahead a list shows duties due in, unless told otherwise.
UPCOMING_DAYS = 5

#: A code or id as the documents write them (the list only repeats what a decision holds).
Code = Annotated[str, Field(max_length=200)]
_LIST: dict[str, Any] = {"strict": False, "max_length": 50}


class WorkItem(Model):
    """One line of a work list: a duty (obligation) or overdue follow-up of one learner.

    ``section`` says whether it is overdue, due on the list's date, or due in the next school
    days. ``key`` is the duty's stable key (the same on every date the case is evaluated), so a
    host can record an action that answers it (``ActionTaken.answers``).
    """

    section: Section = Field(description="overdue, due_today or upcoming.")
    learner_id: Code = Field(description="The learner's pseudonymous id.")
    school_id: Code = Field(description="The learner's school.")
    municipality: Code = Field(description="The learner's municipality slug.")
    kind: Literal["obligation", "follow_up"] = Field(
        description="An obligation of the decision, or a follow-up (overdue work beyond them)."
    )
    duty: Code = Field(
        description="The obligation's action code, or the follow-up's kind (referral_unanswered, "
        "plan_review_overdue, approval_waiting)."
    )
    label: Code = Field(description="The duty in words, in the list's language.")
    key: Code = Field(description="The duty's stable key.")
    subject: Code | None = Field(default=None, description="A follow-up's referral or plan id.")
    responsible_roles: tuple[Code, ...] = Field(description="Who may carry it out.", **_LIST)
    recipients: tuple[Code, ...] = Field(
        default=(), description="Whom an obligation informs.", **_LIST
    )
    any_recipient: bool = Field(
        default=False, description="Informing any one of the recipients fulfils it."
    )
    trigger: date = Field(description="The day the duty arose (a follow-up: since when it waits).")
    trigger_source: TriggerSource | None = Field(
        default=None, description="Where an obligation's trigger day comes from."
    )
    due: date = Field(description="The due date.")
    school_days_late: int | None = Field(
        default=None, ge=0, description="Overdue: school days after the due date."
    )
    legal_basis: LegalBasis = Field(description="The basis of the duty.")
    deadline: Deadline | None = Field(
        default=None,
        description="How an obligation's due date was set (same_school_day, same_day, "
        "school_days, calendar_days, date); empty for a follow-up.",
    )
    days: int | None = Field(
        default=None, ge=0, description="An obligation's number of days of its deadline, if any."
    )
    deadline_basis: LegalBasis | None = Field(
        default=None,
        description="Where an obligation's number of days comes from, when a parameter sets it: "
        "a methodological default even where the duty itself is law (legal_basis).",
    )


def _same(code: str) -> str:
    return code


#: A work item with the obligation of the decision it repeats (None for a follow-up): the text
#: list says from it what the item does not carry, how the deadline counts days (the lateness
#: of a same-day duty is in calendar days) and the basis of its number of days.
Entry = tuple[WorkItem, ObligationDue | None]


def items_of(
    decision: Decision,
    case: SupportCase,
    calendar: SchoolCalendar,
    *,
    upcoming: int = UPCOMING_DAYS,
    label: Callable[[str], str] = _same,
) -> Iterator[WorkItem]:
    """The items of one decision: duties overdue or due on its date, duties still open that fall
    due in the next ``upcoming`` school days (for the learner's grade), and the follow-ups.
    Duties done are left out. ``label`` names a duty in words (from its action code or
    follow-up kind; by default the code itself)."""
    for item, _obligation in entries_of(decision, case, calendar, upcoming=upcoming, label=label):
        yield item


def entries_of(
    decision: Decision,
    case: SupportCase,
    calendar: SchoolCalendar,
    *,
    upcoming: int = UPCOMING_DAYS,
    label: Callable[[str], str] = _same,
) -> Iterator[Entry]:
    """The items of :func:`items_of`, each with the obligation it repeats (None for a
    follow-up)."""
    as_of = decision.as_of
    enrolment = case.learner.enrolment
    until = calendar.add_school_days(as_of, upcoming, enrolment.grade) if upcoming else as_of
    learner, school, municipality = (
        decision.learner_id,
        enrolment.school_id,
        enrolment.municipality,
    )
    for o in decision.obligations:
        section: Section
        if o.state == "overdue":
            section = "overdue"
        elif o.state == "due_today":
            section = "due_today"
        elif o.state == "open" and o.due <= until:
            section = "upcoming"
        else:
            continue
        yield (
            WorkItem.model_construct(
                section=section,
                learner_id=learner,
                school_id=school,
                municipality=municipality,
                kind="obligation",
                duty=o.action,
                label=label(o.action),
                key=o.key,
                subject=None,
                responsible_roles=o.responsible_roles,
                recipients=o.recipients,
                any_recipient=o.any_recipient,
                trigger=o.trigger,
                trigger_source=o.trigger_source,
                due=o.due,
                school_days_late=o.school_days_late,
                legal_basis=o.legal_basis,
                deadline=o.deadline,
                days=o.days,
                deadline_basis=o.deadline_basis,
            ),
            o,
        )
    for f in decision.follow_ups:
        yield (
            WorkItem.model_construct(
                section="overdue",
                learner_id=learner,
                school_id=school,
                municipality=municipality,
                kind="follow_up",
                duty=f.kind,
                label=label(f.kind),
                key=f.key,
                subject=f.subject,
                responsible_roles=f.responsible_roles,
                recipients=(),
                any_recipient=False,
                trigger=f.since,
                trigger_source=None,
                due=f.due,
                school_days_late=f.school_days_late,
                legal_basis=f.legal_basis,
                deadline=None,
                days=None,
                deadline_basis=None,
            ),
            None,
        )


#: The follow-up kinds in words (English: the messages of the catalog). A referral is followed
#: up when its outcome has not come back by its due date, whatever its status (one the
#: recipient has received or accepted too; the engine's basis of the follow-up says so).
FOLLOW_UP_LABELS = {
    "referral_unanswered": "Referral outcome not received by its due date",
    "plan_review_overdue": "Plan not reviewed at the end of its term",
    "approval_waiting": "Plan waiting for an approval",
}


def duty_labels(codes: Mapping[str, CodeList], lang: str) -> Callable[[str], str]:
    """Names duties in ``lang``: an action by its label in the code list, a follow-up kind by
    the catalog's sentence, anything else by its code."""
    _ = translator(lang)
    actions = codes["actions"]
    language: Literal["lv", "en"] = "lv" if lang == "lv" else "en"

    def label(code: str) -> str:
        if code in FOLLOW_UP_LABELS:
            return _(FOLLOW_UP_LABELS[code])
        return actions.label(code, language) if code in actions else code

    return label


#: The roles with a view (:class:`atbalsts.privacy.ViewRole`): their lists never show more than
#: their view of the decision shows.
VIEW_ROLES = frozenset(r.value for r in ViewRole)

#: The fields of a decision's obligation and follow-up that a work item repeats, by the item's
#: kind: the view of the decision must show each of them for the item to be on a role's list.
REPEATED: Mapping[str, tuple[str, ...]] = {
    "obligation": (
        "key",
        "action",
        "responsible_roles",
        "recipients",
        "any_recipient",
        "trigger",
        "trigger_source",
        "due",
        "legal_basis",
    ),
    "follow_up": ("key", "kind", "subject", "responsible_roles", "since", "due", "legal_basis"),
}
_VIEW_LISTS = {"obligation": "obligations", "follow_up": "follow_ups"}


def for_role(item: WorkItem, role: str | None) -> bool:
    """True when ``item`` is on the list of ``role`` (None: every role): the role may carry it
    out, or any member of staff may and the role has a view (:data:`VIEW_ROLES`). A role without
    a view gets only what it is named for: what it may see of a duty for any member of staff is
    nowhere said; and, on its list, the duties of its own records
    (:func:`atbalsts.privacy.own_duties`: the report of a threat it recorded). (On a role's list
    an item must also be in the role's view: :func:`shown_keys`.)"""
    roles = item.responsible_roles
    if role is None or role in roles:
        return True
    return ANY_STAFF in roles and role in VIEW_ROLES


def shown_keys(decision: Decision, case: SupportCase, role: str) -> frozenset[str]:
    """The keys of the obligations and follow-ups of ``decision`` whose every field a work item
    repeats (:data:`REPEATED`) the view of ``role`` shows (:func:`atbalsts.privacy.
    view_decision`, on the decision's date): the items that may be on the role's list. So a list
    never shows a role a duty, its recipients or a count its view of the same decision hides
    (the report of a suspected threat to a role that does not see child-protection data, a
    duty to inform a foster family to one that does not see family data)."""
    seen = view_decision(decision, role=role, case=case, on=decision.as_of, reads=Reads())
    keys: set[str] = set()
    for kind, fields in REPEATED.items():
        for entry in seen.get(_VIEW_LISTS[kind], ()):
            if all(name in entry for name in fields):
                keys.add(entry["key"])
    return frozenset(keys)


def worklist(
    cases: Iterable[SupportCase],
    as_of: date,
    role: str | None = None,
    school: str | None = None,
    *,
    registry: PolicyRegistry | None = None,
    upcoming: int = UPCOMING_DAYS,
    lang: str | None = None,
) -> Iterator[WorkItem]:
    """The work list on ``as_of``: for each case in ``cases`` (an iterable, read one at a time),
    the duties overdue, due that day, or due in the next ``upcoming`` school days, and the
    overdue follow-ups; done duties are left out. With ``lang`` ("lv" or "en") each item's
    label names the duty in words, else it is the duty's code.

    ``role`` keeps the items that role may carry out (and, for a role with a view, those any
    member of staff may), as far as the role's view of the decision shows them
    (:func:`atbalsts.privacy.view_decision`): a list never shows a role more of a duty than its
    view does. Without ``role``, every item (the host's own list). ``school`` keeps the
    learners of that school (``enrolment.school_id``). Each case is decided under the policy of
    its learner's municipality by ``registry`` (default: the installed policies,
    :meth:`atbalsts.PolicyRegistry.load`). Items come in the order of the cases, each case's
    obligations by due date, then its follow-ups; nothing is kept between cases, so a list of
    any length runs in constant memory.

    Raises what :meth:`atbalsts.PolicyRegistry.policy_set` and :meth:`atbalsts.PolicySet.run`
    raise for a case (a conflict between installed plugins, a local code no policy declares);
    :func:`atbalsts.worklist.run_worklist` records such a case and goes on.
    """
    if upcoming < 0:
        raise ValueError(f"upcoming must be 0 or more school days, got {upcoming}")
    registry = registry or PolicyRegistry.load()
    for case in cases:
        if school is not None and case.learner.enrolment.school_id != school:
            continue
        yield from case_items(case, as_of, registry, role=role, upcoming=upcoming, lang=lang)


def case_items(
    case: SupportCase,
    as_of: date,
    registry: PolicyRegistry,
    *,
    role: str | None = None,
    upcoming: int = UPCOMING_DAYS,
    lang: str | None = None,
) -> Iterator[WorkItem]:
    """The work-list items of one case on ``as_of`` (see :func:`worklist`); with ``lang``
    ("lv" or "en") each item's label is the duty in words, else its code."""
    for item, _obligation in case_entries(
        case, as_of, registry, role=role, upcoming=upcoming, lang=lang
    ):
        yield item


def case_entries(
    case: SupportCase,
    as_of: date,
    registry: PolicyRegistry,
    *,
    role: str | None = None,
    upcoming: int = UPCOMING_DAYS,
    lang: str | None = None,
) -> Iterator[Entry]:
    """The items of :func:`case_items`, each with the obligation it repeats (None for a
    follow-up)."""
    policy_set = registry.policy_set(case.learner.enrolment.municipality)
    decision = to_decision(policy_set.run(case, as_of, trace=False), policy_set.codes)
    label = duty_labels(policy_set.codes, lang) if lang is not None else _same
    shown = shown_keys(decision, case, role) if role in VIEW_ROLES else None
    # a role without a view also gets the duties of its own records (a threat it recorded)
    own = {d.key for d in own_duties(decision, case, role)} if role and shown is None else set()
    entries = entries_of(decision, case, policy_set.calendar, upcoming=upcoming, label=label)
    for item, obligation in entries:
        if (for_role(item, role) or item.key in own) and (shown is None or item.key in shown):
            yield item, obligation
