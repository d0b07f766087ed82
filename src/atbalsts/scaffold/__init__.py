"""Scaffolding a new policy plugin: ``atbalsts new-policy NAME``.

::

    from pathlib import Path

    from atbalsts.scaffold import new_policy

    root = new_policy("bauska", Path("plugins"))   # plugins/atbalsts-bauska/

The plugin is a distribution ``atbalsts-NAME`` with the module ``atbalsts_NAME`` (a ``-`` in the
name becomes ``_``), one sample rule with its own dated parameter and a local action code, a
scenario file, and a test that runs the conformance checks (:mod:`atbalsts.testing.conformance`).
Every legal basis it writes is a placeholder containing
:data:`~atbalsts.testing.conformance.PLACEHOLDER`, which the conformance checks flag until the
author fills it in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from datetime import date, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from string import Template

from atbalsts._time import school_year_start, term_of
from atbalsts.errors import AtbalstsError
from atbalsts.scaffold._templates import FILES
from atbalsts.testing.conformance import PLACEHOLDER

__all__ = [
    "DestinationExistsError",
    "PolicyNameError",
    "ScaffoldError",
    "module_name",
    "new_policy",
]

_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_MUNICIPALITY = re.compile(r"^[a-z][a-z0-9_-]*$")
_MAX_NAME = 40
_RESERVED = frozenset({"lv"})  # the national baseline's name


class ScaffoldError(AtbalstsError):
    """A plugin cannot be scaffolded."""


class PolicyNameError(ScaffoldError, ValueError):
    """The policy name (or municipality slug, or title) cannot be used."""


class DestinationExistsError(ScaffoldError, FileExistsError):
    """The plugin's directory exists already; nothing was written."""


def _check_name(name: str) -> None:
    if name in _RESERVED:
        raise PolicyNameError(
            f"policy name {name!r} is reserved for the national baseline; name the policy after "
            f"the municipality, e.g. 'bauska'"
        )
    if not _NAME.match(name) or len(name) > _MAX_NAME:
        raise PolicyNameError(
            f"policy name {name!r} cannot be used: use lower-case letters and digits, words "
            f"joined by single '-', starting with a letter, at most {_MAX_NAME} characters "
            f"(e.g. 'bauska' or 'rigas-valstspilseta')"
        )


def module_name(name: str) -> str:
    """The import name of the plugin ``name``: ``atbalsts_`` and the name with ``-`` as ``_``."""
    return "atbalsts_" + name.replace("-", "_")


def _values(name: str, municipality: str, title: str, valid_from: date) -> dict[str, str]:
    as_of = valid_from + timedelta(days=88)
    first_year = school_year_start(as_of).year
    school_year, semester = term_of(as_of)
    try:
        requirement = "atbalsts>={}.{}".format(*version("atbalsts").split(".")[:2])
    except (PackageNotFoundError, TypeError):  # pragma: no cover - atbalsts is always installed
        requirement = "atbalsts"
    return {
        "name": name,
        "module": module_name(name),
        "dist": f"atbalsts-{name}",
        "title": title,
        "title_q": json.dumps(title, ensure_ascii=False),
        "description_q": json.dumps(f"atbalsts policy plugin: {title}", ensure_ascii=False),
        "municipality": municipality,
        "valid_from": valid_from.isoformat(),
        "valid_from_py": f"date({valid_from.year}, {valid_from.month}, {valid_from.day})",
        "as_of": as_of.isoformat(),
        "school_year": school_year,
        "semester": str(semester),
        "birth_date": date(first_year - 13, 5, 14).isoformat(),  # grade 7: 13 during the year
        "requirement": requirement,
        "marker": PLACEHOLDER,
    }


def new_policy(
    name: str,
    destination: Path,
    *,
    municipality: str | None = None,
    title: str | None = None,
    valid_from: date | None = None,
) -> Path:
    """Write a new policy plugin into ``destination/atbalsts-NAME/`` and return that directory.

    ``municipality`` is the slug of the municipality it governs (default: ``name``); ``title``
    its display title; ``valid_from`` the day the policy takes effect (default: 1 September of
    the current school year). ``destination`` is created if missing.

    Raises :class:`PolicyNameError` for a name that is not lower-case letters and digits joined by
    single ``-`` (or is ``lv``), and :class:`DestinationExistsError` when the plugin's directory
    exists already. Nothing is written unless every file is: the plugin is assembled in a
    temporary directory next to its destination, then moved into place.
    """
    _check_name(name)
    municipality = name if municipality is None else municipality
    if not _MUNICIPALITY.match(municipality):
        raise PolicyNameError(
            f"municipality {municipality!r} must be a lower-case slug such as 'bauska' (as in the "
            f"learners' enrolment)"
        )
    title = (title or f"{name.replace('-', ' ').title()}: municipal support policy").strip()
    if not title or "\n" in title or "\r" in title:
        raise PolicyNameError("the title must be one non-empty line")
    if valid_from is None:
        valid_from = school_year_start(date.today())
    destination = Path(destination)
    root = destination / f"atbalsts-{name}"
    if root.exists() or root.is_symlink():
        raise DestinationExistsError(f"{root} exists already; nothing was written")
    destination.mkdir(parents=True, exist_ok=True)
    values = _values(name, municipality, title, valid_from)
    staging = destination / f".atbalsts-{name}-{uuid.uuid4().hex[:12]}.partial"
    staging.mkdir()  # the usual permissions (mkdtemp would make it private)
    try:
        for path, template in FILES:
            target = staging / Template(path).substitute(values)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(template.substitute(values), encoding="utf-8")
        if root.exists() or root.is_symlink():  # appeared meanwhile: never overwrite it
            raise DestinationExistsError(f"{root} exists already; nothing was written")
        os.rename(staging, root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return root
