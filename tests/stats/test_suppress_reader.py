"""What an outside tester recovered from published tables, with a linear-programming reader: each
case here gave a hidden count away, exactly or to fewer than 5 values, before rule 5 used the
relations the attacker of test_disclosure now reads too.

- A group that shows any cell (zeros included) holds 5 or more learners, since a group of 1 to 4
  shows nothing (rule 1); and one that shows nothing holds 1 to 4.
- The things of a hidden cell count as much as its learners: a breakdown left with one hidden
  cell by rule 5, beside another breakdown of the same things shown whole, gives its things.
- Things counted among others' (a measure delivered is one planned of its kind and funder; an
  overdue referral is one waiting) bound each other.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from atbalsts.stats import Table, count

from .helpers import synthetic_batch
from .test_disclosure import _schools, narrowed, ranges

DECIDED = ("learners_decided", None)


def _at_least(table: Table) -> dict[tuple[str, int, Any], tuple[int, int]]:
    """What the attacker narrows, but for the known gap (a small group's zero under a column
    total of 0)."""
    return {k: b for k, b in narrowed(table).items() if b != (0, 0)}


def test_a_group_that_shows_its_zeros_holds_five_or_more() -> None:
    """The tester's schools of 60, 40, 30, 5 and 1 learners: D (5) shows zeros and E (1)
    nothing. With A, B and C shown, D and E made 136 - 130 = 6 learners decided together: D at
    least 5 and E at least 1 gave D 5 and E 1 exactly, and then 113 - 107 = 6 learners with
    findings gave that all of them had findings. Now C's is hidden too."""
    table = _schools(
        {"A": (60, 50), "B": (40, 30), "C": (30, 27), "D": (5, 5), "E": (1, 1)}, "findings"
    )
    d, e = 3, 4
    assert table.cell(("D",), *DECIDED).suppressed
    assert table.cell(("E",), *DECIDED).suppressed
    assert not all(cell.suppressed for cell in table.rows[d].cells.values())
    low, high = ranges(table)[(d, DECIDED)]
    assert low == 5
    assert high >= 9
    assert ranges(table)[(e, DECIDED)] == (1, 4)
    assert _at_least(table) == {}


def test_hidden_cells_sharing_a_remainder_are_each_at_least_one() -> None:
    """Incomplete decisions: 21 in all, 15 shown (A and B), 6 left to C, D, F (groups of 5 or
    more, each hidden cell at least 1 as zeros are shown there) and E (2 learners): each of C,
    D and F would be 1 to 4. D's learners decided is hidden beside E's, so only that D shows
    its zeros tells it holds 5 or more."""
    spec = {"A": (40, 10), "B": (20, 5), "C": (12, 2), "F": (10, 2), "D": (6, 1), "E": (2, 1)}
    table = _schools(spec, "incomplete")
    incomplete = ("incomplete_decisions", None)
    keys = [row.key for row in table.rows]
    for school in "CDF":
        low, high = ranges(table)[(keys.index((school,)), incomplete)]
        assert high - low + 1 >= 5, (school, low, high)
    assert _at_least(table) == {}


def _spread(seed: int, size: int, schools: int) -> tuple[list[Any], list[Any]]:
    decisions, cases = synthetic_batch(seed, size)
    if schools:
        pick = random.Random(seed)
        for case in cases:
            case["learner"]["enrolment"]["school_id"] = f"S{pick.randrange(schools)}"
    return decisions, cases


@pytest.mark.parametrize(
    ("seed", "size", "by", "schools", "before"),
    [
        # the delivered measures' things in all (19), from the delivery of every measure
        # planned shown whole and the other two deliveries shown
        (24, 120, ("school",), 10, "measures_delivery/delivered: 19 things"),
        # a group's measures planned by a funder (9 things), from the kinds shown whole
        (35, 80, ("municipality", "term"), 0, "measures_planned_by_funder: 9 things"),
        # learners decided of groups that show zeros (5 or more each): 5 to 7
        (28, 60, ("school",), 6, "learners decided: 5 to 7"),
        # hidden cells of groups of 5 or more, each at least 1, sharing a remainder: 1 to 4
        (26, 40, ("school",), 5, "a risk factor: 1 to 4 learners"),
        # a group beside two that show nothing (1 to 4 each): 7 to 10
        (31, 60, ("school",), 6, "learners decided: 7 to 10"),
        # measures delivered of a kind, at most those planned of it: 1 to 4 things
        (26, 60, ("school",), 6, "measures_delivered_by_kind: 1 to 4 things"),
    ],
)
def test_what_the_outside_reader_recovered_stays_hidden(
    seed: int, size: int, by: tuple[str, ...], schools: int, before: str
) -> None:
    """Generated batches on which the attacker recovered ``before`` (and more) from the tables
    published before rule 5 read these relations."""
    table = count(*_spread(seed, size, schools), by)
    assert _at_least(table) == {}
