"""Role and recipient views: what each role may see of a case or a decision.

::

    from atbalsts.privacy import view

    shown = view(case, role="class_teacher")

A view keeps a field only when the role may see the field's category of data
(:class:`~atbalsts.model.DataCategory`) at the level its classification needs (``x-classification``
on the model field: none, ``personal``, ``sensitive`` or ``protected``). The access matrix
(:data:`MATRIX`) says, per role, what it sees of each category and where that comes from; a
referral's recipient also sees what the referral's purpose needs of what it shares
(:data:`PURPOSE_NEEDS`). A field nothing classifies is shown to no one (default deny). A measure's
reason, its verdict and a plan issue are also shown only to a role that may see what the facts
their rules read say (:class:`ByRule`; :class:`Reads`, from the decision's trace or what the
rules declare they read). The JSON
Schema of each view is published under ``schemas/views/``.
"""

from __future__ import annotations

from atbalsts._markers import publish
from atbalsts.privacy._access import (
    MATRIX,
    PURPOSE_NEEDS,
    RECIPIENTS,
    Grants,
    Row,
    ViewRole,
    grants_for,
    purpose_grants,
)
from atbalsts.privacy._categories import (
    CARER_RECIPIENTS,
    CLASSES,
    FACT_CATEGORIES,
    FACT_LEVELS,
    FIELDS,
    LIST_NEEDS,
    UNTRACED,
    ByRule,
    Dynamic,
    Level,
    Needs,
    Reads,
    factor_category,
    model_classes,
)
from atbalsts.privacy._duties import (
    ART73_RECIPIENTS,
    DUTY_RECIPIENTS,
    duty_covers,
    duty_recipients,
)
from atbalsts.privacy._paths import (
    PROTECTED,
    PROTECTED_KIND,
    PROTECTED_MESSAGE,
    masked_each,
    masked_path,
    masked_problems,
)
from atbalsts.privacy._views import (
    VIEW_DOCUMENTS,
    own_duties,
    schema_names,
    view,
    view_decision,
    view_schema,
    view_schema_text,
    write_view_schemas,
)

__all__ = [
    "ART73_RECIPIENTS",
    "CARER_RECIPIENTS",
    "CLASSES",
    "DUTY_RECIPIENTS",
    "FACT_CATEGORIES",
    "FACT_LEVELS",
    "FIELDS",
    "LIST_NEEDS",
    "MATRIX",
    "PROTECTED",
    "PROTECTED_KIND",
    "PROTECTED_MESSAGE",
    "PURPOSE_NEEDS",
    "RECIPIENTS",
    "UNTRACED",
    "VIEW_DOCUMENTS",
    "ByRule",
    "Dynamic",
    "Grants",
    "Level",
    "Needs",
    "Reads",
    "Row",
    "ViewRole",
    "duty_covers",
    "duty_recipients",
    "factor_category",
    "grants_for",
    "masked_each",
    "masked_path",
    "masked_problems",
    "model_classes",
    "own_duties",
    "purpose_grants",
    "schema_names",
    "view",
    "view_decision",
    "view_schema",
    "view_schema_text",
    "write_view_schemas",
]

publish(__name__, globals(), __all__)
