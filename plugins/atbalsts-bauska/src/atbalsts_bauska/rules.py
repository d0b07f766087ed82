"""Bauska's rules on preventing learners' unjustified absences (30.07.2015 No. 1).

Encodes the domain brief's §10.2 A1-A5 (rows 26-28 of its §4). Source ids in [brackets] refer to
the brief's source index (§12): [S7] is the procedure as published by a Bauska school, [S8] the
municipality's page listing the rules.

How the national rules and these combine (the engine's hit policies):

- ``bauska.absence.report_board`` imposes the same action on the same recipient as the mandatory
  ``lv.absence.inform_board``; when both fire the Decision holds one obligation naming both rules,
  with the roles of both and the earlier due date. Bauska's count is never smaller than the
  national one, so Bauska only adds cases (A1, A2, pre-school from age 5), never removes one.
- ``bauska.absence.same_day_contact`` likewise adds the social pedagogue to the roles of the
  mandatory ``lv.absence.inform_parents`` (A5).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from atbalsts import AbsenceEpisode
from atbalsts.policy import (
    BasisKind,
    DecisionKind,
    Facts,
    LegalBasis,
    Obligation,
    Params,
    baseline,
    rule,
)

from .codes import REQUEST_MEDICAL_NOTE

#: The date of the rules. Their date of entry into force is not in the sources; see CHANGELOG.md.
RULES_FROM = date(2015, 7, 30)

ACT = (
    "Bauskas novada 30.07.2015 noteikumi Nr. 1 "
    '"Izglītojamo neattaisnoto mācību kavējumu novēršanas kārtība"'
)
RULES_URL = "http://old.bauskasvg.lv/noteikumi"  # [S8]
SCHOOL_URL = (  # [S7]
    "https://vecsaulespsk.lv/index.php?option=com_content&view=article&id=117:kavejumu-"
    "noversanas-kartiba&catid=14&Itemid=356"
)

# National parameters read (not changed) by these rules.
LIMIT = baseline.UNJUSTIFIED_LESSONS_LIMIT
NOTICE_DAYS = baseline.BOARD_NOTICE_DAYS
# Bauska's own parameters (parameters.toml).
NOTE_MAX_DAYS = "bauska.absence.parent_note_max_days"
DOCUMENT_DAYS = "bauska.absence.document_within_days"
MIN_AGE = "bauska.absence.min_age"


def _basis(note: str, url: str = SCHOOL_URL) -> LegalBasis:
    return LegalBasis(kind=BasisKind.LAW, act=ACT, url=url, note=note)


REPORT_BOARD = _basis(
    "More than 20 hours (lessons) a semester missed with no known or acceptable reason: the "
    "school reports to the municipal education board [S7]. Also counted as unjustified: the "
    "days beyond the third of an episode covered only by a parent's note (a doctor's note is "
    "needed for them; their lessons pro rata, a methodological reading) and an episode whose "
    "document came more than 3 days after the return [S7]. The rules apply from age 5, "
    "pre-school included [S8]. Point numbers not verified."
)
SAME_DAY = _basis(
    "A learner absent with no known reason: the parents are contacted the same day by the class "
    "teacher or the social pedagogue [S7]. Point number not verified."
)
MEDICAL_NOTE = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note=(
        "Bauska's rules let a parent's note justify up to 3 days; a longer absence needs a "
        "doctor's or medical institution's note, handed in within 3 days of the return [S7] "
        "(point numbers not verified). They do not say that the school asks for it: the "
        "reminder, so that the note can still come in time, is ours. It goes to whoever is "
        "informed of the absence: the parents, a child's carer in out-of-family care, or a "
        "learner of full age (and a recorded guardian), as under the national rules."
    ),
)


def _document_due(episode: AbsenceEpisode, f: Facts, p: Params) -> date:
    """Last day the justifying document may be handed in: N days after the return; for an
    episode still running, counted from the evaluation date (the earliest it can be)."""
    return (episode.returned_on or f.as_of) + timedelta(days=p.integer(DOCUMENT_DAYS))


def _needs_medical_note(episode: AbsenceEpisode, p: Params) -> bool:
    """A1: only a parent's note, for more days than a parent's note may cover."""
    return episode.justification == "parent_note" and episode.school_days > p.integer(NOTE_MAX_DAYS)


def _late_document(episode: AbsenceEpisode, p: Params) -> bool:
    """A2: the justifying document came more than N days after the return."""
    handed_in, back = episode.document_submitted_on, episode.returned_on
    if episode.justification == "none" or handed_in is None or back is None:
        return False
    return (handed_in - back).days > p.integer(DOCUMENT_DAYS)


def _lessons_beyond_note(episode: AbsenceEpisode, p: Params) -> int:
    """A1: the lessons of the days a parent's note may not cover, the days beyond the limit.

    The first ``parent_note_max_days`` days stay justified by the note. Per-day lessons are not
    recorded (``AbsenceEpisode`` holds the episode's total), so the lessons of the days beyond are
    the episode's lessons pro rata, rounded down: ``lessons * days_beyond // school_days``. A
    methodological choice, not Bauska's text: rounding down never counts a lesson that may have
    fallen on a justified day, so the estimate does not bring a board notice forward.
    """
    beyond = episode.school_days - p.integer(NOTE_MAX_DAYS)
    if episode.justification != "parent_note" or beyond <= 0:
        return 0
    return episode.lessons * beyond // episode.school_days


def _extra_unjustified(episode: AbsenceEpisode, f: Facts, p: Params) -> int:
    """Lessons of an episode the school recorded as justified that Bauska counts as unjustified.

    Episodes recorded with no justification are already in ``unjustified_lessons``. A2: a
    justifying document handed in late leaves the whole episode unjustified. A1: of a long
    parent-note episode only the days beyond the note's limit count, and only once the time to
    hand in a doctor's note for them has run out.
    """
    if _late_document(episode, p):
        return episode.lessons
    window_closed = episode.returned_on is not None and f.as_of > _document_due(episode, f, p)
    return _lessons_beyond_note(episode, p) if window_closed else 0


@rule(
    "bauska.absence.report_board",
    kind=DecisionKind.OBLIGATION,
    legal_basis=REPORT_BOARD,
    reads=("age", "unjustified_lessons", "absence_episodes", "as_of"),
    params=(LIMIT, NOTICE_DAYS, MIN_AGE, NOTE_MAX_DAYS, DOCUMENT_DAYS),
    valid_from=RULES_FROM,
)
def report_board(f: Facts, p: Params) -> Obligation | None:
    """Over the lesson limit counted the Bauska way: report to the municipal education board.

    The count is the lessons missed without an acceptable reason: the national count plus what
    Bauska's rules add (A1, A2); from age 5, pre-school included.
    """
    if f.age < p.integer(MIN_AGE):
        return None
    limit = p.integer(LIMIT)
    trigger: date | str
    over: int | None
    if f.unjustified_lessons > limit:  # over on the national count alone: dated as nationally
        trigger, over = "unjustified_lessons", limit
    else:
        crossed = _day_over(f, p, limit)
        if crossed is None:
            return None
        trigger, over = crossed, None
    return Obligation(
        "inform_municipal_education_board",
        ("class_teacher",),
        ("municipal_education_board",),
        "days",
        days=p.integer(NOTICE_DAYS),
        days_parameter=NOTICE_DAYS,
        trigger=trigger,
        over=over,
    )


def _day_over(f: Facts, p: Params, limit: int) -> date | None:
    """The day the Bauska count first passed ``limit``, when only what Bauska adds took it over:
    an episode's lessons count from the day after its justifying document was due (A1, A2), so
    the duty is dated by the day the last of those needed came to count, not by the
    observation that recorded the absence."""
    count = f.unjustified_lessons
    for episode in sorted(f.absence_episodes, key=lambda e: _document_due(e, f, p)):
        extra = _extra_unjustified(episode, f, p)
        if extra:
            count += extra
            if count > limit:
                return _document_due(episode, f, p) + timedelta(days=1)
    return None


@rule(
    "bauska.absence.same_day_contact",
    kind=DecisionKind.OBLIGATION,
    legal_basis=SAME_DAY,
    reads=("age", "absent_today_reason_unknown", "out_of_family_care"),
    params=(MIN_AGE, baseline.ADULT_AGE),
    valid_from=RULES_FROM,
)
def same_day_contact(f: Facts, p: Params) -> Obligation | None:
    """Absent with no known reason: the teacher or social pedagogue contacts the parents today.

    The class teacher or the social pedagogue makes the contact within the same school day. A
    learner of full age is contacted under the national rule instead, not the parents.
    """
    minor = p.integer(MIN_AGE) <= f.age < p.integer(baseline.ADULT_AGE)
    if minor and f.absent_today_reason_unknown and not f.out_of_family_care:
        return Obligation(
            "inform_parents", ("class_teacher", "social_pedagogue"), ("parent",), "same_school_day"
        )
    return None


@rule(
    "bauska.absence.request_medical_note",
    kind=DecisionKind.OBLIGATION,
    legal_basis=MEDICAL_NOTE,
    reads=("age", "absence_episodes", "living_situation", "as_of"),
    params=(MIN_AGE, NOTE_MAX_DAYS, DOCUMENT_DAYS, baseline.ADULT_AGE),
    valid_from=RULES_FROM,
)
def request_medical_note(f: Facts, p: Params) -> Iterator[Obligation]:
    """An absence longer than a parent's note may cover: ask for a doctor's note in time.

    Asked while the note can still be handed in: by N days after the return. A learner of full
    age is asked (and a recorded guardian), not the parents.
    """
    if f.age < p.integer(MIN_AGE):
        return
    for episode in f.absence_episodes:
        due = _document_due(episode, f, p)
        if _needs_medical_note(episode, p) and f.as_of <= due:
            yield Obligation(
                REQUEST_MEDICAL_NOTE, ("class_teacher",), _asked(f, p), "date", due=due
            )


def _asked(f: Facts, p: Params) -> tuple[str, ...]:
    """Whom the school asks for a document: from full age the learner (and an appointed
    guardian), else the parents or the child's carer."""
    if f.age >= p.integer(baseline.ADULT_AGE):
        return (
            ("adult_learner", "guardian")
            if f.living_situation == "guardian"
            else ("adult_learner",)
        )
    return (baseline.carer_of(f.living_situation),)


RULES = (report_board, same_day_contact, request_medical_note)
