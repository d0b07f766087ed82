"""Parauga's local codes. A local code is namespaced with the policy name: ``parauga:...``.

Each code has a Latvian and an English label; the Decision's explanations show them.
"""

from __future__ import annotations

from atbalsts.codes import Code

ATTENDANCE = "parauga:attendance"
SUPPORT_TEAM_MEETING = "parauga:support_team_meeting"
NEEDY_FAMILY_MEALS = "parauga:needy_family_meals"
NO_IMPROVEMENT = "parauga:no_improvement"

#: A local risk factor needs a national risk group.
RISK_FACTORS = (
    Code(
        ATTENDANCE,
        "Zems apmeklējums: kavēti vismaz 10 % mācību stundu (jebkura iemesla dēļ)",
        "Low attendance: 10 % or more of lessons missed (for any reason)",
        group="learning_and_school",
        source="illustrative; ABC threshold [S62][S63]",
    ),
)

ACTIONS = (
    Code(
        SUPPORT_TEAM_MEETING,
        "Sasaukt izglītības iestādes atbalsta komandas sanāksmi",
        "Convene the school support team",
        source="illustrative [S63]",
    ),
)

REASONS = (
    Code(
        NEEDY_FAMILY_MEALS,
        "Trūcīga vai maznodrošināta ģimene: ēdināšanas kompensācija piedāvāta",
        "Needy or low-income family: meal compensation offered",
        source="illustrative; flag [S49]",
    ),
    Code(
        NO_IMPROVEMENT,
        "Divos secīgos atbalsta plānos nav uzlabojumu",
        "No improvement over two consecutive support plans",
        source="illustrative",
    ),
)
