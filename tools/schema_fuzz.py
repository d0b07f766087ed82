"""Fuzz the library with documents generated from its own published JSON Schemas.

Every document that ``hypothesis-jsonschema`` generates from ``schemas/NAME.schema.json`` is valid
by the schema, so ``parse_python`` and ``parse_json`` must accept it, or refuse it only for a check
listed under "Checks beyond the JSON Schema" in docs/how-to/validate-documents.md. This is the
schema-side half of the equivalence that ``tests/test_schema_equivalence.py`` checks from the
library's side (valid documents mutated toward the schema's edges); it is slower and needs pins
that clash with the test environment, so it is not part of the test command.

Run it in a separate virtual environment (hypothesis-jsonschema 0.23.1 does not work with the
Hypothesis the test suite uses; 6.135.0 does)::

    python3 -m venv /tmp/fuzzvenv
    /tmp/fuzzvenv/bin/pip install "hypothesis==6.135.0" "hypothesis-jsonschema==0.23.1" \\
        jsonschema -e .
    /tmp/fuzzvenv/bin/python tools/schema_fuzz.py                 # every document, 300 each
    /tmp/fuzzvenv/bin/python tools/schema_fuzz.py support-case --examples 2000

It prints, per document, how many generated documents were accepted and how many were refused for
a documented check, and exits with 1 (showing the smallest failing document) when the library
refuses a schema-valid document for any other reason.

Two differences of representation are documented in the same guide and applied here: patterns are
read as ECMA-262 (``$`` only at the end, so no generated string ends in a stray newline), and an
integer is an integer (the generator never writes ``3.0``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from atbalsts import DocumentError
from atbalsts.model import parse_json, parse_python
from atbalsts.schema import DOCUMENTS, json_schema

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "how-to" / "validate-documents.md"


def documented_checks() -> frozenset[str]:
    """The error kinds listed in the guide's table of checks beyond the JSON Schema."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Checks beyond the JSON Schema", 1)[1].split("\n## ", 1)[0]
    return frozenset(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE))


def ecma(node: Any) -> Any:
    """The schema with each pattern's final ``$`` read as ECMA-262 reads it (end of text only)."""
    if isinstance(node, dict):
        out = {key: ecma(value) for key, value in node.items()}
        pattern = out.get("pattern")
        if isinstance(pattern, str) and pattern.endswith("$") and not pattern.endswith(r"\$"):
            out["pattern"] = pattern[:-1] + r"\Z"
        return out
    if isinstance(node, list):
        return [ecma(value) for value in node]
    return node


def fuzz(name: str, examples: int, allowed: frozenset[str]) -> Counter[str]:
    model = DOCUMENTS[name]
    schema = ecma(json_schema(name))
    schema.pop("$id", None)
    seen: Counter[str] = Counter()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        document = data.draw(from_schema(schema))
        results = []
        for parse, arg in (
            (parse_python, document),
            (parse_json, json.dumps(document, ensure_ascii=False)),
        ):
            try:
                parse(model, arg)  # type: ignore[operator]
                results.append(())
            except DocumentError as err:
                results.append(tuple((e.path, e.kind) for e in err.errors))
        from_python, from_json = results
        assert from_python == from_json, f"parse_python {from_python} != parse_json {from_json}"
        beyond = {kind for _, kind in from_python} - allowed
        assert not beyond, f"a schema-valid {name} is refused for {sorted(beyond)}: {from_python}"
        seen["refused for a documented check" if from_python else "accepted"] += 1
        seen.update(f"  {kind}" for _, kind in from_python)

    run()
    return seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("documents", nargs="*", choices=[[], *sorted(DOCUMENTS)], default=[])
    parser.add_argument("--examples", type=int, default=300, help="documents per type")
    args = parser.parse_args(argv)
    allowed = documented_checks()
    failed = False
    for name in args.documents or sorted(DOCUMENTS):
        try:
            seen = fuzz(name, args.examples, allowed)
        except AssertionError as exc:
            print(f"{name}: FAILED: {exc}")
            failed = True
            continue
        print(f"{name}: " + ", ".join(f"{k.strip()}={v}" for k, v in sorted(seen.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
