"""Institutions that receive reports and referrals (domain brief §5).

The state child-protection institution is dated: VBTAI until 2023-12-31, the Children's
Protection Centre (BAC) from 2024-01-01 ([S45][S47a]). Both codes stay here so that older records
validate; which one a rule names is a dated parameter of the national policy, not a label here.
"""

from __future__ import annotations

from atbalsts.codes._codelist import Code, CodeList

__all__ = ["INSTITUTIONS"]

_M = frozenset({"municipal"})
_S = frozenset({"state"})

INSTITUTIONS = CodeList.of(
    "institution",
    [
        Code("school", "Izglītības iestāde", "School", tags=frozenset({"school"})),
        Code(
            "municipal_education_board",
            "Pašvaldības izglītības pārvalde",
            "Municipal education board",
            tags=_M,
        ),
        Code(
            "social_service", "Pašvaldības sociālais dienests", "Municipal social service", tags=_M
        ),
        Code("orphans_court", "Bāriņtiesa", "Orphan's court", tags=_M, source="[S48]"),
        Code("municipal_police", "Pašvaldības policija", "Municipal police", tags=_M),
        Code("state_police", "Valsts policija", "State Police", tags=_S),
        Code(
            "childrens_protection_centre",
            "Bērnu aizsardzības centrs",
            "Children's Protection Centre",
            tags=_S,
            source="[S45][S46]; from 2024-01-01",
        ),
        Code(
            "vbtai",
            "Valsts bērnu tiesību aizsardzības inspekcija",
            "State Inspectorate for Protection of Children's Rights (VBTAI)",
            tags=_S,
            source="[S45]; until 2023-12-31",
        ),
        Code(
            "cooperation_group",
            "Bērnu tiesību aizsardzības sadarbības grupa",
            "Child-rights cooperation group",
            tags=_M,
            source="MK 545/2017 [S41]",
        ),
        Code(
            "ikvd",
            "Izglītības kvalitātes valsts dienests",
            "State Education Quality Service (IKVD)",
            tags=_S,
        ),
        Code(
            "pedagogical_medical_commission",
            "Pedagoģiski medicīniskā komisija",
            "Pedagogical-medical commission",
            tags=_M,
            source="[S96]",
        ),
        Code(
            "viis",
            "Valsts izglītības informācijas sistēma",
            "State Education Information System (VIIS)",
            tags=_S,
            source="MK 276/2019 [S50]",
        ),
        Code("specialist", "Speciālists", "A specialist", tags=frozenset({"specialist"})),
    ],
)
