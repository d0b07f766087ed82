"""Fact values as the JSON-ready data of :class:`~atbalsts.model.risk.Evidence` rows."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pydantic import BaseModel

from atbalsts.model import SupportPlan

__all__ = ["evidence", "json_value"]

_EVIDENCE: dict[tuple[str, type, Any], dict[str, Any]] = {}
_EVIDENCE_MAX = 50_000


def json_value(value: Any) -> bool | int | float | str | None:
    """A fact's value as a JSON scalar: dates in ISO form, a plan by its id, collections joined."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, SupportPlan):
        return value.id
    if isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
        return json.dumps([v.model_dump(mode="json") for v in value], sort_keys=True)
    if isinstance(value, frozenset | set | tuple | list):
        return ",".join(sorted(str(v) for v in value))
    return str(value)


def evidence(name: str, raw: Any) -> dict[str, Any]:
    """The data of an Evidence row; rows repeat across learners (small ints, flags), so they
    are shared: never mutate one."""
    value = json_value(raw)
    key = (name, type(value), value)
    found = _EVIDENCE.get(key)
    if found is None:
        if len(_EVIDENCE) >= _EVIDENCE_MAX:
            _EVIDENCE.clear()
        found = _EVIDENCE[key] = {"fact": name, "value": value}
    return found
