"""The report in words a municipal coordinator reads: no batch record names or plugins, the
privacy rule whole on the page, a learner in several risk groups said, and measures whose
delivery no plan records said to be not tracked instead of tables of zeros."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from atbalsts.stats import Table, count, write_html
from atbalsts.stats._labels import RECORDS, RULE
from atbalsts.stats._metrics import METRICS

from .helpers import synthetic_batch


def page(table: Table, lang: str) -> str:
    out = io.StringIO()
    write_html(table, out, lang, charts=False)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.fixture(scope="module")
def table() -> Table:
    decisions, cases = synthetic_batch(seed=31, size=300)
    return count(decisions, cases, ("school",))


def test_the_report_says_a_learner_may_be_in_several_risk_groups(table: Table) -> None:
    assert "Viens izglītojamais var būt vairākās riska grupās un ar vairākiem riska faktoriem" in (
        page(table, "lv")
    )
    assert "A learner may be in several risk groups and have several risk factors" in (
        page(table, "en")
    )


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_no_word_of_the_batch_or_its_plugins_on_the_page(table: Table, lang: str) -> None:
    text = re.sub(r"<[^>]+>", " ", page(table, lang))
    jargon = (
        "batch",
        "spraud",
        "plugin",
        "'invalid'",
        "'error'",
        "ieraksts invalid",
        "ieraksts error",
    )
    for word in jargon:
        assert word not in text, word
    words = {label for pair in RECORDS.values() for label in pair}
    words |= {m.lv for m in METRICS} | {m.en for m in METRICS}
    assert not [w for w in words if "batch" in w or "spraud" in w or "plugin" in w]


def test_the_rule_says_on_the_page_what_it_does_not_protect() -> None:
    """The rule pointed at the statistics reference, which a coordinator does not have: it
    says on the page what to keep from doing instead."""
    assert "atsauces aprakst" not in RULE["lv"]
    assert "reference" not in RULE["en"]
    assert "divos dažādos grupējumos" in RULE["lv"]
    assert "two groupings of the same learners" in RULE["en"]


def _decision(learner: str) -> dict[str, Any]:
    return {
        "learner_id": learner,
        "as_of": "2025-03-03",
        "policy": {"municipality": "m"},
        "complete": True,
        "findings": [],
        "obligations": [],
        "referrals": [],
    }


def _case(learner: str, school: str, deliveries: list[dict[str, Any]]) -> dict[str, Any]:
    plan = {
        "term": {"school_year": "2024/2025", "semester": 2},
        "status": "active",
        "measures": [{"measure": "subject_consultation", "funding": "state"}],
        "deliveries": deliveries,
    }
    enrolment = {"municipality": "m", "school_id": school, "programme": "basic", "grade": 5}
    return {"learner": {"id": learner, "enrolment": enrolment}, "plans": [plan], "referrals": []}


@pytest.mark.parametrize("lang", ["lv", "en"])
@pytest.mark.parametrize("small", [0, 2])
def test_measures_whose_delivery_is_not_recorded_are_said_not_tracked(
    lang: str, small: int
) -> None:
    """No plan records a delivery: the tables of measures delivered hold zeros, which the
    report said nothing of. It says delivery is not tracked above them, read from the cells it
    shows alone; once plans record deliveries, it does not. With a small school beside, the
    measures not tracked are hidden with the totals (rule 5: the small school's would follow),
    so nothing shown says it, and neither does the note."""
    note = {
        "lv": "Atbalsta pasākumu sniegšana netiek uzskaitīta",
        "en": "Delivery of measures is not tracked",
    }[lang]
    learners = [(f"L{i}", "A") for i in range(12)] + [(f"S{i}", "B") for i in range(small)]
    decisions = [_decision(x) for x, _ in learners]
    for deliveries, tracked in (([], False), ([{"measure": 0, "sessions": 2}], True)):
        cases = [_case(x, school, deliveries) for x, school in learners]
        table = count(decisions, cases, ("school",))
        total = table.total.cells[("measures_delivery", "delivered")]
        assert total.suppressed is (small > 0)  # the small school's would follow from it
        shown = page(table, lang)
        assert (note in shown) is (not tracked and small == 0)
        for metric in ("measures_delivered_by_kind", "measures_delivered_by_funder"):
            assert f'id="metric-{metric}"' in shown
