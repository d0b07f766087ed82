"""The programme periods the national rules are dated by (domain brief §0, §2)."""

from __future__ import annotations

from datetime import date

#: PuMPuRS ran from March 2017 to the end of 2023 [S14][S22].
PUMPURS_FROM = date(2017, 3, 1)
PUMPURS_TO = date(2023, 12, 31)
#: Skola-kopienā's eligible costs run from 01.07.2024 to 31.08.2029 [S36].
SK_FROM = date(2024, 7, 1)
SK_TO = date(2029, 8, 31)
#: Learner-mentor support is available from January 2026 [S33].
MENTOR_FROM = date(2026, 1, 1)
