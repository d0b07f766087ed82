"""``evaluate_lines(show=...)``: each Decision written the host's way, from the document and its
case; invalid lines and errors are written as they are, and a failing ``show`` ends the batch."""

from __future__ import annotations

import io
import json

import pytest

from atbalsts import SupportCase, parse_json
from atbalsts.batch import evaluate_lines
from atbalsts.model import Decision

from .helpers import examples, registry


def test_show_gets_each_decision_with_the_case_it_decides() -> None:
    lines = [*examples(), '{"learner": {}}', ""]
    seen: list[tuple[Decision, SupportCase]] = []

    def show(decision: Decision, case: SupportCase) -> str:
        seen.append((decision, case))
        return json.dumps({"learner": case.learner.id, "as_of": decision.as_of.isoformat()})

    out = io.StringIO()
    stats = evaluate_lines(lines, out, as_of=None, registry=registry(), show=show)
    plain = io.StringIO()
    evaluate_lines(lines, plain, as_of=None, registry=registry())

    cases = [parse_json(SupportCase, line) for line in examples()]
    assert [case for _, case in seen] == cases  # in input order, each with its own case
    assert [d.learner_id for d, _ in seen] == [c.learner.id for c in cases]
    written = out.getvalue().split("\n")[:-1]
    whole = plain.getvalue().split("\n")[:-1]
    assert len(written) == len(whole) == len(examples()) + 1  # the blank line writes nothing
    for (decision, case), text, document in zip(seen, written, whole, strict=False):
        assert json.loads(text) == {"learner": case.learner.id, "as_of": str(decision.as_of)}
        # the document given to show is the one written without it
        assert Decision.model_validate_json(document) == decision
    assert written[-1] == whole[-1]  # an invalid line's record, as it is
    assert "invalid" in json.loads(written[-1])
    assert stats.evaluated == len(examples())
    assert stats.invalid == 1


def test_an_error_in_show_ends_the_batch() -> None:
    def show(decision: Decision, case: SupportCase) -> str:
        raise RuntimeError("the host's view failed")

    out = io.StringIO()
    with pytest.raises(RuntimeError, match="the host's view failed"):
        evaluate_lines(examples(), out, as_of=None, registry=registry(), show=show)
    assert out.getvalue() == ""  # nothing of the failed line, and nothing after it
