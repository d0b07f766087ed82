"""The public front door: ``atbalsts.__all__`` is exactly what the package exposes."""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
import re
import subprocess
import sys
import textwrap
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
    and the ``from __future__ import annotations`` feature flag. The package binds a name the
    first time it is used, so every name it serves is used first: whatever it then holds is what
    it exposes."""
    for name in sorted(_served_names()):
        getattr(atbalsts, name)
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


def _served_names() -> set[str]:
    """Every name the package's ``__getattr__`` serves: its table of lazy names and the
    version."""
    sources: dict[str, tuple[str, ...]] = vars(atbalsts)["_SOURCES"]
    return {name for names in sources.values() for name in names} | INCLUDED_DUNDERS


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


def test_type_checkers_see_what_the_package_serves() -> None:
    """The names imported for type checkers (``if TYPE_CHECKING:``) are, module by module, the
    names ``__getattr__`` imports at run time: mypy and IDEs see the objects hosts get."""
    tree = ast.parse(inspect.getsource(atbalsts))
    guarded = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
    ]
    assert len(guarded) == 1
    seen: dict[str, tuple[str, ...]] = {}
    for node in guarded[0].body:
        if isinstance(node, ast.ImportFrom):
            assert node.module is not None
            seen[node.module] = tuple(alias.asname or alias.name for alias in node.names)
    assert seen == vars(atbalsts)["_SOURCES"]


def _fresh(code: str) -> str:
    """What ``code`` prints, run in a new interpreter (nothing of atbalsts imported yet)."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


def test_importing_the_package_imports_nothing_else_of_it() -> None:
    shown = _fresh(
        """
        import sys
        import atbalsts
        print(sorted(m for m in sys.modules if m.split(".")[0] in {"atbalsts", "pydantic"}))
        """
    )
    assert shown == "['atbalsts']"


def test_a_plugin_importing_hookimpl_loads_no_documents_or_engine() -> None:
    shown = _fresh(
        """
        import sys
        from atbalsts import hookimpl
        print(sorted(m for m in sys.modules if m.split(".")[0] in {"atbalsts", "pydantic"}))
        print(hookimpl.project_name)
        """
    )
    assert shown.splitlines() == ["['atbalsts', 'atbalsts._markers']", "atbalsts"]


def test_a_name_is_imported_from_its_module_on_first_use_and_published_there() -> None:
    shown = _fresh(
        """
        import sys
        import atbalsts
        registry = atbalsts.PolicyRegistry
        import atbalsts.engine
        print(registry is atbalsts.engine.PolicyRegistry, registry.__module__)
        print("atbalsts.engine" in sys.modules, "atbalsts._explain._render" in sys.modules)
        print(atbalsts.explain.__module__, "atbalsts._explain._render" in sys.modules)
        print("PolicyRegistry" in vars(atbalsts), "Decision" in vars(atbalsts))
        print(set(atbalsts.__all__) <= set(dir(atbalsts)))
        """
    )
    assert shown.splitlines() == [
        "True atbalsts",
        "True False",
        "atbalsts True",
        "True False",
        "True",
    ]


def test_the_engine_alone_names_the_registry_by_the_front_door() -> None:
    shown = _fresh(
        """
        from atbalsts.engine import PolicyRegistry, PolicySet
        print(PolicyRegistry.__module__, PolicySet.__module__)
        """
    )
    assert shown == "atbalsts atbalsts"


def test_star_import_in_a_new_interpreter_gives_every_name() -> None:
    shown = _fresh(
        """
        import atbalsts
        namespace = {}
        exec("from atbalsts import *", namespace)
        print(sorted(set(namespace) - {"__builtins__"}) == sorted(atbalsts.__all__))
        print(namespace["Decision"] is __import__("atbalsts.model").model.Decision)
        """
    )
    assert shown.splitlines() == ["True", "True"]


# -- the two front doors -----------------------------------------------------------------------

import atbalsts.codes  # noqa: E402
import atbalsts.engine  # noqa: E402
import atbalsts.errors  # noqa: E402
import atbalsts.model  # noqa: E402
import atbalsts.policy  # noqa: E402
import atbalsts.testing  # noqa: E402

NAMESPACES = [
    atbalsts,
    atbalsts.policy,
    atbalsts.engine,
    atbalsts.model,
    atbalsts.codes,
    atbalsts.errors,
    atbalsts.testing,
]

#: What a plugin author must never need from atbalsts.policy: the host's machinery.
HOST_ONLY = {
    "load_plugins",
    "LoadResult",
    "PluginSource",
    "ENV_ALLOW",
    "ENV_BLOCK",
    "Declaration",
    "PolicyRegistry",
    "PolicySet",
    "derive_facts",
}


def test_a_host_needs_one_namespace() -> None:
    assert {"PolicyRegistry", "PolicySet", "explain", "json_schema", "SupportCase"} <= set(
        atbalsts.__all__
    )


def test_the_plugin_contract_has_what_authors_use_and_nothing_host_only() -> None:
    needed = {"hookimpl", "rule", "Facts", "Params", "LegalBasis", "Obligation", "Finding"}
    assert needed <= set(atbalsts.policy.__all__)
    assert HOST_ONLY.isdisjoint(atbalsts.policy.__all__)


@pytest.mark.parametrize("namespace", NAMESPACES, ids=lambda m: m.__name__)
def test_public_names_report_a_public_module(namespace: types.ModuleType) -> None:
    for name in namespace.__all__:
        value = getattr(namespace, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            module = value.__module__
            if module.split(".")[0] != "atbalsts":
                continue
            private = [part for part in module.split(".") if part.startswith("_")]
            assert not private, f"{namespace.__name__}.{name} reports module {module}"


def test_the_rule_decorator_and_its_rules_name_the_contract() -> None:
    assert atbalsts.policy.rule.__module__ == "atbalsts.policy"
    assert "atbalsts.policy.Rule" in repr(atbalsts.policy.Rule)
    assert atbalsts.PolicyRegistry.__module__ == "atbalsts"
    assert atbalsts.explain.__module__ == "atbalsts"


def test_one_class_per_name_across_the_package() -> None:
    seen: dict[str, object] = {}
    for namespace in NAMESPACES:
        for name in namespace.__all__:
            value = getattr(namespace, name)
            if not inspect.isclass(value):
                continue
            other = seen.setdefault(name, value)
            assert other is value, f"two different classes are named {name}"


def test_every_part_of_the_decision_is_exported() -> None:
    """A host that reads a Decision can name the type of every part of it (its findings, notes,
    sources, failure causes) from ``atbalsts.model`` and from the front door."""
    import atbalsts.model.decision as decision

    parts = set(decision.__all__)
    assert {"DecisionFinding", "DecisionNote", "NoteCode", "RuleSource"} <= parts
    assert parts - set(atbalsts.model.__all__) == set()
    assert parts - set(atbalsts.__all__) == set()
    for name in parts:
        assert getattr(atbalsts, name) is getattr(decision, name), name
