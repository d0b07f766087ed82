"""The public front door: ``atbalsts.__all__`` is exactly what the package exposes."""

from __future__ import annotations

import importlib.metadata
import inspect
import re
import types

import pytest

import atbalsts

# Dunder names that are part of the public API (``__version__`` is served by ``__getattr__``).
INCLUDED_DUNDERS = {"__version__"}


def ruff_sort_key(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps ``__all__`` in: SCREAMING_CASE, CamelCase, then the rest."""
    if re.fullmatch(r"[A-Z][A-Z0-9_]*", name) and len(name) > 1:
        return (0, name)
    if name[0].isupper():
        return (1, name)
    return (2, name)


def exposed_names() -> set[str]:
    """Public names bound in the package, leaving out its own submodules (``atbalsts.model``...)
    and the ``from __future__ import annotations`` feature flag."""
    names = set()
    for name, value in vars(atbalsts).items():
        if name.startswith("_") and name not in INCLUDED_DUNDERS:
            continue
        if name.startswith("@"):  # pytest's assertion rewriting (we ship a pytest11 plugin)
            continue
        if isinstance(value, types.ModuleType) and value.__name__.startswith("atbalsts."):
            continue
        if type(value).__module__ == "__future__":  # the `annotations` feature flag
            continue
        names.add(name)
    return names | INCLUDED_DUNDERS


def test_all_is_sorted_and_unique() -> None:
    assert len(atbalsts.__all__) == len(set(atbalsts.__all__))
    assert atbalsts.__all__ == sorted(atbalsts.__all__, key=ruff_sort_key)


def test_every_name_in_all_resolves() -> None:
    for name in atbalsts.__all__:
        assert getattr(atbalsts, name) is not None, name
    namespace: dict[str, object] = {}
    exec("from atbalsts import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(atbalsts.__all__)


def test_every_public_class_and_function_of_atbalsts_is_exported() -> None:
    ours = {
        name
        for name in exposed_names()
        if (inspect.isclass(value := getattr(atbalsts, name)) or inspect.isfunction(value))
        and value.__module__.split(".")[0] == "atbalsts"
    }
    assert ours - set(atbalsts.__all__) == set()


def test_all_imports_are_exported() -> None:
    assert set(atbalsts.__all__) == exposed_names()


def test_exported_names_are_public_api() -> None:
    # The names the documentation promises at the front door.
    assert {
        "AtbalstsError",
        "DocumentError",
        "UnknownNameError",
        "SupportCase",
        "Decision",
        "parse_json",
        "parse_python",
        "json_schema",
        "DOCUMENTS",
        "hookimpl",
        "__version__",
    } <= set(atbalsts.__all__)


def test_version_is_the_installed_distribution_version() -> None:
    assert atbalsts.__version__ == importlib.metadata.version("atbalsts")
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?\w+)*", atbalsts.__version__)


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'atbalsts' has no attribute 'nope'"):
        _ = atbalsts.nope
