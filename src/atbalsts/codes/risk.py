"""Risk groups and risk factors of early school leaving (PMP).

The four groups are the risk types PuMPuRS used on individual support plans (domain brief §3.1,
[S15][S28]). The factors are the ones named in public PuMPuRS and school sources (§3.2); where a
source gave no group, the grouping is ours and the entry says so.
"""

from __future__ import annotations

from atbalsts.codes._codelist import Code, CodeList

__all__ = ["RISK_FACTORS", "RISK_GROUPS"]

_G1 = "learning_and_school"
_G2 = "economic"
_G3 = "family"
_G4 = "social_environment_and_health"

RISK_GROUPS = CodeList.of(
    "risk group",
    [
        Code(
            _G1,
            "Mācību darba un izglītības iestādes riski",
            "Learning and school risks",
            source="[S15]",
        ),
        Code(_G2, "Ekonomiskie riski", "Economic risks", source="[S15]"),
        Code(_G3, "Ar ģimeni saistītie riski", "Family-related risks", source="[S15]"),
        Code(
            _G4,
            "Sociālās vides un veselības riski",
            "Social environment and health risks",
            source="[S15]",
        ),
    ],
)

_OURS = "; grouping is ours [I]"

RISK_FACTORS = CodeList.of(
    "risk factor",
    [
        Code(
            "learning_difficulty",
            "Grūtības mācību satura apguvē",
            "Difficulty mastering learning content",
            _G1,
            source="[S27][S93]",
        ),
        Code(
            "learning_backlog",
            "Iekavēta mācību satura apguve iepriekšējā izglītības posmā",
            "Learning backlog from an earlier stage",
            _G1,
            source="[S93][S27]",
        ),
        Code(
            "low_achievement",
            "Zemi mācību sasniegumi",
            "Low achievement, failing subjects",
            _G1,
            source="[S27][S90]",
        ),
        Code(
            "repeating_year",
            "Atkārtots mācību gads",
            "Repeating the school year",
            _G1,
            source="[S27][S90]",
        ),
        Code(
            "behaviour_problems",
            "Uzvedības problēmas",
            "Behaviour problems",
            _G1,
            source="[S27][S26]",
        ),
        Code(
            "language_barrier",
            "Valodas barjera",
            "Language barrier in the language of instruction",
            _G1,
            source="[S27][S30]",
        ),
        Code(
            "unjustified_absences",
            "Neattaisnoti mācību kavējumi",
            "Unjustified absences",
            _G1,
            source="[S26][S89]" + _OURS,
        ),
        Code(
            "school_conflict",
            "Konfliktsituācijas skolā ar skolotājiem vai skolasbiedriem",
            "Conflict at school with teachers or peers",
            _G1,
            source="[S26][S89][S30]",
        ),
        Code(
            "lack_of_motivation",
            "Motivācijas trūkums, nepatika pret mācībām",
            "Lack of motivation, dislike of learning",
            _G1,
            source="[S26][S89]" + _OURS,
        ),
        Code(
            "learning_disorder",
            "Mācību traucējumi",
            "Learning disorders",
            _G1,
            source="[S26]" + _OURS,
        ),
        Code(
            "excessive_workload",
            "Pārāk liela slodze skolā",
            "Excessive workload at school",
            _G1,
            source="[S89]" + _OURS,
        ),
        Code(
            "material_circumstances",
            "Materiālie apstākļi, ģimenes sociālie un finanšu apstākļi",
            "Material circumstances of the family",
            _G2,
            source="[S26][S30]",
        ),
        Code(
            "paid_work",
            "Darba uzsākšana, vēlme strādāt algotu darbu",
            "Starting paid work, wish to work",
            _G2,
            source="[S26][S89]" + _OURS,
        ),
        Code(
            "insufficient_parental_involvement",
            "Vecāku nepietiekama iesaiste",
            "Insufficient parental involvement",
            _G3,
            source="[S26]",
        ),
        Code(
            "unfavourable_family_environment",
            "Nelabvēlīga vide ģimenē",
            "Unfavourable family environment",
            _G3,
            source="[S26]",
        ),
        Code("health_problems", "Veselības problēmas", "Health problems", _G4, source="[S26][S89]"),
        Code(
            "pregnancy_or_marriage",
            "Grūtniecība, laulības",
            "Pregnancy or marriage",
            _G4,
            source="[S26][S89]" + _OURS,
        ),
    ],
)
