"""Finding, loading and registering plugins: explicit, never at import time, failures recorded."""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import EntryPoint, entry_points, version
from typing import Any

import attrs
import pluggy

from atbalsts import hookspecs
from atbalsts._markers import PROJECT
from atbalsts._text import describe
from atbalsts.errors import PolicyError, UndeclaredMeasuresWarning
from atbalsts.model.decision import DecisionKind, Failure
from atbalsts.policy._registrar import CodeRegistrar, Declaration, PolicyRegistrar

__all__ = ["ENV_ALLOW", "ENV_BLOCK", "LoadResult", "PluginSource", "load_plugins"]

#: Comma-separated plugin names: when set, only these entry-point plugins are loaded.
ENV_ALLOW = "ATBALSTS_PLUGINS"
#: Comma-separated plugin names never loaded.
ENV_BLOCK = "ATBALSTS_BLOCK_PLUGINS"
#: The entry-point group plugins are found in.
GROUP = PROJECT
NATIONAL = "lv"
#: Why an entry point named like the national baseline is refused (its distribution filled in).
_IMPOSTOR = (
    "an entry point of {} is named 'lv', the built-in national baseline's name: it is not "
    "loaded, and the baseline decides as always (rename the entry point)"
)
#: The module of the built-in national baseline, loaded by name as datasette and tox load their
#: default plugins: the baseline is a plugin on the public contract, not a part of the engine.
NATIONAL_MODULE = "atbalsts.national.plugin"


@attrs.frozen
class PluginSource:
    """A plugin object (module or instance) to register, with its provenance."""

    name: str
    plugin: object
    distribution: str
    version: str


@attrs.frozen
class LoadResult:
    """The declarations of every plugin that registered, and every failure, by plugin name."""

    declarations: tuple[Declaration, ...]
    failures: tuple[Failure, ...]
    blocked: tuple[str, ...]


def _names(value: str | None) -> frozenset[str]:
    return frozenset(n.strip() for n in (value or "").split(",") if n.strip())


def _error(exc: BaseException) -> str:
    return describe(exc)


def _entry_point_sources(
    allow: frozenset[str] | None, block: frozenset[str], failures: list[Failure]
) -> list[PluginSource]:
    sources = []
    eps: Iterable[EntryPoint] = entry_points(group=GROUP)
    for ep in sorted(eps, key=lambda e: e.name):
        if ep.name in block or (allow is not None and ep.name not in allow):
            continue
        dist = ep.dist.name if ep.dist else ep.value.split(":")[0].split(".")[0]
        dist_version = ep.dist.version if ep.dist else "0"
        if ep.name == NATIONAL:  # never imported: the name is the built-in baseline's
            failures.append(Failure(plugin=ep.name, stage="import", error=_IMPOSTOR.format(dist)))
            continue
        try:
            obj = ep.load()
        except (Exception, SystemExit) as exc:  # a broken plugin must not take the host
            # down, even by calling sys.exit() at import (Ctrl-C and the like still stop it)
            failures.append(Failure(plugin=ep.name, stage="import", error=_error(exc)))
            continue
        sources.append(PluginSource(ep.name, obj, dist, dist_version))
    return sources


def _national_source() -> PluginSource:
    module = importlib.import_module(NATIONAL_MODULE)
    return PluginSource(NATIONAL, module, "atbalsts", version("atbalsts"))


def _call(impl: Any, **kwargs: object) -> None:
    impl.function(*[kwargs[name] for name in impl.argnames])


def load_plugins(
    plugins: Sequence[PluginSource] = (),
    *,
    entry_points: bool = True,
    national: bool = True,
    env: Mapping[str, str] | None = None,
    block: Iterable[str] = (),
) -> LoadResult:
    """Build a plugin manager and collect every plugin's declarations.

    ``plugins`` are registered in-process (tests, embedding hosts). Entry-point plugins are
    loaded when ``entry_points`` is true, filtered by the ``ATBALSTS_PLUGINS`` allow-list and the
    ``ATBALSTS_BLOCK_PLUGINS`` block-list in ``env`` (default: ``os.environ``) and by ``block``;
    names are matched against plugin names, in-process plugins included. The national baseline
    cannot be blocked (``national=False`` leaves it out, for tests of the engine itself).
    A plugin that fails to import or whose hook raises is recorded as a failure, not dropped.
    Plugins are handled in name order; nothing depends on that order.

    Warns :class:`~atbalsts.errors.UndeclaredMeasuresWarning`, once per plugin, when a plugin
    that registered declares measure-eligibility rules without ``measures=``: they load and
    decide, but hide every measure's verdict from a role that may not see what they read.
    """
    env = os.environ if env is None else env
    allow = _names(env.get(ENV_ALLOW)) or None
    # The national floor is not a plugin a host may switch off: blocking it is ignored.
    blocked = (_names(env.get(ENV_BLOCK)) | frozenset(block)) - {NATIONAL}
    failures: list[Failure] = []

    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(hookspecs)
    sources: list[PluginSource] = []
    if national and NATIONAL not in blocked:
        sources.append(_national_source())
    sources.extend(p for p in plugins if p.name not in blocked)
    if entry_points:
        sources.extend(_entry_point_sources(allow, blocked, failures))

    seen: dict[str, PluginSource] = {}
    for source in sources:
        if source.name in seen:
            raise PolicyError(
                f"two plugins are named {source.name!r} ({seen[source.name].distribution} and "
                f"{source.distribution})"
            )
        try:
            manager.register(source.plugin, name=source.name)
        except (Exception, SystemExit) as exc:  # e.g. a hook with the wrong argument names
            failures.append(Failure(plugin=source.name, stage="register", error=_error(exc)))
            continue
        seen[source.name] = source
    for name in sorted(blocked):
        manager.set_blocked(name)

    declarations = []
    for name in sorted(seen):
        source = seen[name]
        declaration = _declare(manager, source, failures)
        if declaration is not None:
            declarations.append(declaration)
    for declaration in declarations:
        _warn_undeclared_measures(declaration)
    return LoadResult(tuple(declarations), tuple(failures), tuple(sorted(blocked)))


def _warn_undeclared_measures(declaration: Declaration) -> None:
    """Warn when ``declaration`` has measure-eligibility rules that declare no measures: the
    host learns it when it loads the plugin, not from views that show no verdict."""
    undeclared = [
        r.id
        for r in declaration.rules
        if r.kind is DecisionKind.MEASURE_ELIGIBILITY and r.measures is None
    ]
    if undeclared:
        warning = UndeclaredMeasuresWarning(declaration.info.name, undeclared)
        warnings.warn(warning, stacklevel=_caller_level())


def _caller_level() -> int:
    """The ``stacklevel`` that names the first frame outside ``atbalsts.engine`` (the host's line
    that called ``load_plugins`` or ``PolicyRegistry.load``), counted from the caller of this."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(
        "atbalsts.engine"
    ):
        frame = frame.f_back
        level += 1
    return level


def _impls(manager: pluggy.PluginManager, hook: str, name: str) -> list[Any]:
    caller = getattr(manager.hook, hook)
    return [i for i in caller.get_hookimpls() if i.plugin_name == name]


def _declare(
    manager: pluggy.PluginManager, source: PluginSource, failures: list[Failure]
) -> Declaration | None:
    registrar = PolicyRegistrar(
        source.name, source.distribution, source.version, national=source.name == NATIONAL
    )
    codes = CodeRegistrar()
    try:
        for impl in _impls(manager, "atbalsts_register_policy", source.name):
            _call(impl, registrar=registrar)
        for impl in _impls(manager, "atbalsts_register_codes", source.name):
            _call(impl, registrar=codes)
        return registrar.declaration(codes.codes)
    except (Exception, SystemExit) as exc:  # isolate: record, keep the others (sys.exit too)
        failures.append(Failure(plugin=source.name, stage="register", error=_error(exc)))
        return None
