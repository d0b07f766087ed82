"""Support measures (atbalsta pasākumi): every measure of the domain brief §7.

Tags: ``pumpurs`` / ``skola_kopiena`` / ``national`` name the programme or law that offers the
measure; ``compensation`` marks a cost the municipality or school reimburses, which must not be paid
twice (no double funding, [S24]); ``staff`` marks a measure for staff rather than for one learner;
``specialist`` marks the consultative support of the nine specialists Skola-kopienā names, which it
gives only to learners with an identified social-exclusion or PMP risk or the certificate-only
group (project description [S34]).
"""

from __future__ import annotations

from atbalsts.codes._codelist import Code, CodeList

__all__ = ["MEASURES"]

_P = frozenset({"pumpurs"})
_K = frozenset({"skola_kopiena"})
_PC = frozenset({"pumpurs", "compensation"})
_KS = frozenset({"skola_kopiena", "specialist"})
_PKS = frozenset({"pumpurs", "skola_kopiena", "specialist"})

MEASURES = CodeList.of(
    "measure",
    [
        Code(
            "subject_consultation",
            "Individuālās konsultācijas mācību priekšmetos",
            "Individual subject consultations",
            tags=_P,
            source="[S93][S27]",
        ),
        Code(
            "psychologist_consultation",
            "Psihologa konsultācijas",
            "Consultations with a psychologist",
            tags=_PKS,
            source="[S19]; Skola-kopienā",
        ),
        Code(
            "social_pedagogue_support",
            "Sociālā pedagoga atbalsts",
            "Support from a social pedagogue",
            tags=_PKS,
            source="[S19]; Skola-kopienā",
        ),
        Code(
            "speech_therapist_support",
            "Logopēda atbalsts",
            "Support from a speech therapist",
            tags=_KS,
            source="Skola-kopienā; [S35]",
        ),
        Code(
            "special_pedagogue_support",
            "Speciālā pedagoga atbalsts",
            "Support from a special-education teacher",
            tags=_PKS,
            source="[S19]; Skola-kopienā",
        ),
        Code(
            "teacher_assistant_support",
            "Pedagoga palīga atbalsts",
            "Support from a teacher's assistant",
            tags=_PKS,
            source="[S19]; Skola-kopienā",
        ),
        Code(
            "career_counsellor_support",
            "Karjeras konsultanta atbalsts",
            "Support from a career counsellor",
            tags=_KS,
            source="Skola-kopienā; [S35]",
        ),
        Code(
            "librarian_support",
            "Bibliotekāra atbalsts",
            "Support from a librarian",
            tags=_KS,
            source="Skola-kopienā; [S35]",
        ),
        Code(
            "sign_language_interpreter",
            "Surdotulka atbalsts",
            "Sign-language interpreter",
            tags=_PKS,
            source="[S19]; Skola-kopienā",
        ),
        Code(
            "occupational_therapist_support",
            "Ergoterapeita atbalsts",
            "Support from an occupational therapist",
            tags=_PKS,
            source="[S19]; Skola-kopienā",
        ),
        Code(
            "assistant_support",
            "Asistenta atbalsts",
            "Support from an assistant",
            tags=_P,
            source="[S19]",
        ),
        Code(
            "transport_compensation",
            "Sabiedriskā transporta biļešu kompensācija",
            "Compensation for public-transport tickets",
            tags=_PC,
            source="[S19][S24]",
        ),
        Code(
            "lodging_compensation",
            "Naktsmītnes vai dienesta viesnīcas izmaksu kompensācija",
            "Compensation for accommodation or a dormitory",
            tags=_PC,
            source="[S19][S14]",
        ),
        Code(
            "meals_compensation",
            "Ēdināšanas izmaksu kompensācija (arī launags)",
            "Compensation for meals (or an afternoon snack)",
            tags=_PC,
            source="[S19][S24][S83]",
        ),
        Code(
            "learning_materials",
            "Individuālie mācību līdzekļi",
            "Individual learning materials",
            tags=_PC,
            source="[S19]",
        ),
        Code(
            "personal_items",
            "Personīgās lietošanas priekšmeti, arī apģērbs un apavi",
            "Personal-use items, including clothing and shoes",
            tags=_PC,
            source="[S19][S24]",
        ),
        Code(
            "special_transport",
            "Speciālais transports",
            "Special transport",
            tags=_P,
            source="[S19]",
        ),
        Code(
            "youth_initiative_project",
            "Jaunatnes iniciatīvu projekti",
            "Youth NGO and youth-initiative projects",
            tags=_P,
            source="[S19][S16]",
        ),
        Code(
            "placement_support",
            "Atbalsts prakses laikā (transports, naktsmītne, ēdināšana)",
            "Support during vocational placements (transport, lodging, meals)",
            tags=frozenset({"pumpurs", "compensation", "vocational"}),
            source="[S29][S32]",
        ),
        Code(
            "literacy_support",
            "Pedagoga atbalsts lasītprasmes apguvē",
            "Teacher support for literacy",
            tags=_K,
            source="Skola-kopienā; [S35]",
        ),
        Code(
            "certificate_subject_consultation",
            "Mācību priekšmetu konsultācijas izglītojamajiem, kuri par pamatizglītības apguvi "
            "saņēmuši tikai liecību",
            "Subject consultations for learners who completed grade 9 with a certificate only",
            tags=_K,
            source="Skola-kopienā; [S35]",
        ),
        Code(
            "mentor_support",
            "Izglītojamo mentora atbalsts",
            "Individual learner-mentor support",
            tags=_K,
            source="[S33]",
        ),
        Code(
            "initiative_partnership_project",
            "Iniciatīvu un partnerības projekti",
            "Initiative and partnership projects",
            tags=_K,
            source="Skola-kopienā; [S35]",
        ),
        Code(
            "group_supervision",
            "Grupu supervīzijas",
            "Group supervision",
            tags=frozenset({"skola_kopiena", "staff"}),
            source="[S34]",
        ),
        Code(
            "interagency_training",
            "Mācības par starpresoru sadarbības veicināšanu un pieredzes apmaiņas darbnīcas",
            "Inter-agency training and experience-exchange workshops",
            tags=frozenset({"skola_kopiena", "staff"}),
            source="[S34]",
        ),
        Code(
            "assistant_service",
            "Asistenta pakalpojums izglītības iestādē",
            "Assistant service at school (learners with a disability)",
            tags=frozenset({"national"}),
            source="MK 695/2012 [S97]",
        ),
    ],
)
