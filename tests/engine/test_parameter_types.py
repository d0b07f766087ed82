"""Parameters have a type and a range: a value outside them is refused when it is loaded."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.errors import PolicyError
from atbalsts.policy import Params, ValueType, load_parameters

BASIS = {"kind": "illustrative", "note": "test"}


def declaration(value: Any, **extra: Any) -> dict[str, Any]:
    spec = {"id": "proba.x.limit", "change": "stricter", "stricter": "lower", **extra}
    spec["values"] = [{"from": "2020-09-01", "value": value, "basis": BASIS}]
    return {"parameter": [spec]}


def test_a_negative_count_is_refused_by_default_naming_the_parameter() -> None:
    with pytest.raises(PolicyError, match=r"'proba\.x\.limit'.*-30.*below the minimum 0"):
        load_parameters(declaration(-30), "proba")


def test_a_declared_range_is_enforced_on_both_sides() -> None:
    load_parameters(declaration(10, min=1, max=40), "proba")
    with pytest.raises(PolicyError, match="below the minimum 1"):
        load_parameters(declaration(0, min=1, max=40), "proba")
    with pytest.raises(PolicyError, match="above the maximum 40"):
        load_parameters(declaration(41, min=1, max=40), "proba")


def test_a_declared_type_is_enforced_and_a_flag_is_not_a_number() -> None:
    with pytest.raises(PolicyError, match="type flag, not integer"):
        load_parameters(declaration(True, type="integer"), "proba")
    (param,) = load_parameters(declaration(3), "proba")
    assert param.type is ValueType.INTEGER
    assert param.minimum == 0


def test_a_re_declaration_of_values_may_not_set_a_range() -> None:
    data = {
        "parameter": [
            {
                "id": "lv.absence.unjustified_lessons_limit",
                "min": 5,
                "values": [{"from": "2020-09-01", "value": 12, "basis": BASIS}],
            }
        ]
    }
    with pytest.raises(PolicyError, match="own declaration"):
        load_parameters(data, "proba")


@given(st.integers(min_value=-10_000, max_value=10_000), st.integers(0, 100), st.integers(0, 100))
def test_a_value_loads_exactly_when_it_lies_in_its_range(value: int, low: int, span: int) -> None:
    high = low + span
    inside = low <= value <= high
    try:
        (param,) = load_parameters(declaration(value, min=low, max=high), "proba")
    except PolicyError:
        assert not inside
    else:
        assert inside
        assert param.problem(value) is None


def test_params_typed_accessors_check_the_type() -> None:
    p = Params({"a.b": 3, "a.c": True, "a.d": "x", "a.e": 1.5})
    assert p.integer("a.b") == 3
    assert p.number("a.b") == 3.0
    assert p.flag("a.c") is True
    assert p.text("a.d") == "x"
    assert p.number("a.e") == 1.5
    with pytest.raises(TypeError, match="flag, not an integer"):
        p.integer("a.c")
    with pytest.raises(TypeError, match="str, not an integer"):
        p.integer("a.d")
    with pytest.raises(KeyError, match="not declared by this rule"):
        p["a.zz"]
    assert dict(p) == {"a.b": 3, "a.c": True, "a.d": "x", "a.e": 1.5}


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("stricterr", "parameter[0].stricterr"),  # a misspelt key of the declaration: named
        ("anna_berzina", "parameter[0].(a key that is not a field name)"),
        ("description_lvv", "parameter[0].description_lvv"),  # a field of no document
    ],
)
def test_an_unknown_key_of_a_declaration_is_named_by_the_declarations_fields(
    key: str, path: str
) -> None:
    from atbalsts.errors import DocumentError

    spec = declaration(3)
    spec["parameter"][0][key] = "x"
    with pytest.raises(DocumentError) as info:
        load_parameters(spec, "proba")
    assert [(e.path, e.kind) for e in info.value.errors] == [(path, "extra_forbidden")]
