"""Morning work lists: what is overdue, due today and due soon, by responsible role.

For a class teacher, a social pedagogue or a municipal coordinator the question every morning is
"what must I do today, and what is late?". :func:`worklist` answers it for any number of support
cases, one at a time; :func:`run_worklist` writes the answer grouped by role, as text or as the
JSON document :class:`Worklist` (``schemas/worklist.schema.json``)::

    from datetime import date
    from atbalsts.worklist import worklist

    for item in worklist(cases, date(2025, 10, 27), role="class_teacher"):
        print(item.section, item.learner_id, item.duty, item.due)

Each duty comes from a decision (:class:`atbalsts.model.ObligationDue`, with its trigger, due
date and state) or is work overdue beyond the obligations (:class:`atbalsts.model.decision.
FollowUp`); duties already done are left out.
"""

from __future__ import annotations

from atbalsts.worklist._items import (
    ANY_STAFF,
    SECTIONS,
    UPCOMING_DAYS,
    Section,
    WorkItem,
    worklist,
)
from atbalsts.worklist._output import (
    SCHEMA_ID,
    FieldProblem,
    SkippedLine,
    Worklist,
    WorklistCounts,
    WorklistGroup,
    WorklistInputError,
    run_worklist,
    schema_text,
    worklist_schema,
)

__all__ = [
    "ANY_STAFF",
    "SCHEMA_ID",
    "SECTIONS",
    "UPCOMING_DAYS",
    "FieldProblem",
    "Section",
    "SkippedLine",
    "WorkItem",
    "Worklist",
    "WorklistCounts",
    "WorklistGroup",
    "WorklistInputError",
    "run_worklist",
    "schema_text",
    "worklist",
    "worklist_schema",
]

# Reprs, tracebacks and the docs show the public path (atbalsts.worklist.WorkItem), never the
# private module that defines the name.
for _name in __all__:
    _obj = globals()[_name]
    if str(getattr(_obj, "__module__", "")).startswith(f"{__name__}._"):
        _obj.__module__ = __name__
del _name, _obj
