"""Roles of the people who record, decide, deliver and consent (domain brief §5.1)."""

from __future__ import annotations

from atbalsts.codes._codelist import Code, CodeList

__all__ = ["ROLES"]

_STAFF = frozenset({"school_staff"})
_SUPPORT = frozenset({"school_staff", "support_staff"})
_FAMILY = frozenset({"family"})

ROLES = CodeList.of(
    "role",
    [
        Code(
            "any_staff",
            "Jebkurš izglītības iestādes darbinieks",
            "Any member of staff",
            tags=_STAFF,
        ),
        Code("class_teacher", "Klases audzinātājs", "Class teacher", tags=_STAFF),
        Code("subject_teacher", "Mācību priekšmeta skolotājs", "Subject teacher", tags=_STAFF),
        Code("social_pedagogue", "Sociālais pedagogs", "Social pedagogue", tags=_SUPPORT),
        Code("psychologist", "Psihologs", "Psychologist", tags=_SUPPORT),
        Code("speech_therapist", "Logopēds", "Speech therapist", tags=_SUPPORT),
        Code(
            "special_pedagogue", "Speciālais pedagogs", "Special-education teacher", tags=_SUPPORT
        ),
        Code("teacher_assistant", "Pedagoga palīgs", "Teacher's assistant", tags=_SUPPORT),
        Code("career_counsellor", "Karjeras konsultants", "Career counsellor", tags=_SUPPORT),
        Code("librarian", "Bibliotekārs", "Librarian", tags=_SUPPORT),
        Code("sign_language_interpreter", "Surdotulks", "Sign-language interpreter", tags=_SUPPORT),
        Code("occupational_therapist", "Ergoterapeits", "Occupational therapist", tags=_SUPPORT),
        Code("assistant", "Asistents", "Assistant", tags=_SUPPORT),
        Code(
            "learner_mentor", "Izglītojamo mentors", "Learner mentor", tags=frozenset({"project"})
        ),
        Code(
            "plan_author",
            "Individuālā atbalsta plāna sagatavotājs",
            "Support-plan author",
            tags=_STAFF,
        ),
        Code(
            "school_coordinator",
            "Izglītības iestādes koordinators",
            "School coordinator",
            tags=_STAFF,
        ),
        Code("school_director", "Izglītības iestādes direktors", "School director", tags=_STAFF),
        Code(
            "municipal_coordinator",
            "Pašvaldības koordinators",
            "Municipal coordinator",
            tags=frozenset({"municipality"}),
        ),
        Code(
            "municipal_education_specialist",
            "Pašvaldības izglītības speciālists",
            "Municipal education specialist",
            tags=frozenset({"municipality"}),
        ),
        Code(
            "national_coordinator",
            "Valsts līmeņa koordinators (IKVD)",
            "National coordinator (IKVD)",
            tags=frozenset({"state"}),
        ),
        Code("parent", "Vecāks", "Parent", tags=_FAMILY),
        Code("guardian", "Aizbildnis", "Guardian", tags=_FAMILY),
        Code("foster_family", "Audžuģimene", "Foster family", tags=_FAMILY),
        Code(
            "care_institution_head",
            "Ārpusģimenes aprūpes iestādes vadītājs",
            "Head of the care institution",
            tags=_FAMILY,
        ),
        Code(
            "adult_learner",
            "Pilngadīgs izglītojamais",
            "Adult learner",
            tags=frozenset({"learner"}),
        ),
        Code("learner", "Izglītojamais", "Learner", tags=frozenset({"learner"})),
    ],
)
