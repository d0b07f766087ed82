"""Whom a report reached on the day it was made: the one test the facts and the duties share.

A report (a referral, or an action that names no duty) reaches a duty's recipient when it went
to that recipient on a day the recipient existed. The state child-rights body is one office under
two codes (:data:`atbalsts.policy.baseline.STATE_CHILD_RIGHTS_BODY`): a report to the code in
office on its day reaches the office, under whichever code the duty names it (the duty names the
body of the evaluation date); a report to a code out of office on its day (``vbtai`` from
2024-01-01) reached no one. The fact ``suspected_threat`` (:mod:`atbalsts.engine._derive`) and
the answers of the duties (:func:`atbalsts.engine._duties.answers`) both ask :func:`reached`, so
they cannot disagree on what a report reached.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from atbalsts.policy import baseline

__all__ = ["reached"]

_BODY = baseline.STATE_CHILD_RIGHTS_BODY_CODES


def reached(to: Collection[str], on: date, wanted: frozenset[str]) -> frozenset[str]:
    """Which of ``wanted`` a report made on ``on`` to ``to`` reached: every one when ``to`` names
    no one; else each that ``to`` names, and, when ``to`` names the state child-rights body in
    office on ``on``, the code ``wanted`` gives that body (a code out of office then reaches
    nothing)."""
    if not to:
        return wanted
    if _BODY.isdisjoint(to):  # the police, the court, a board, a role: no dates to ask
        return wanted.intersection(to)
    found = set()
    for code in to:
        if code not in _BODY:
            if code in wanted:
                found.add(code)
        elif baseline.in_office(code, on):
            found.update(wanted & _BODY)
    return frozenset(found)
