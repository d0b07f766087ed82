"""Code lists with Latvian and English labels: risk groups and factors, measures, roles,
institutions, and the reasons and actions that decisions name.

Plugins add local, namespaced codes through the ``atbalsts_register_codes`` hook without editing
these lists (see :meth:`CodeList.extended`).
"""

from __future__ import annotations

from atbalsts._markers import publish as _publish
from atbalsts.codes._codelist import CODE_PATTERN, Code, CodeList, Lang
from atbalsts.codes.institutions import INSTITUTIONS
from atbalsts.codes.measures import MEASURES
from atbalsts.codes.outcomes import ACTIONS, REASONS
from atbalsts.codes.risk import RISK_FACTORS, RISK_GROUPS
from atbalsts.codes.roles import ROLES

__all__ = [
    "ACTIONS",
    "CODE_LISTS",
    "CODE_PATTERN",
    "INSTITUTIONS",
    "MEASURES",
    "REASONS",
    "RISK_FACTORS",
    "RISK_GROUPS",
    "ROLES",
    "Code",
    "CodeList",
    "Lang",
]

#: Every national code list by its name in the plugin contract and the glossary.
CODE_LISTS: dict[str, CodeList] = {
    "risk_groups": RISK_GROUPS,
    "risk_factors": RISK_FACTORS,
    "measures": MEASURES,
    "roles": ROLES,
    "institutions": INSTITUTIONS,
    "reasons": REASONS,
    "actions": ACTIONS,
}

_publish(__name__, globals(), __all__)
