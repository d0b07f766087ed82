"""The pluggy markers of the ``atbalsts`` project name."""

from __future__ import annotations

import contextlib

import pluggy

__all__ = ["PROJECT", "hookimpl", "hookspec", "publish"]

PROJECT = "atbalsts"

#: Decorates a plugin's hook implementations: ``from atbalsts import hookimpl``.
hookimpl = pluggy.HookimplMarker(PROJECT)
#: Decorates the hook specifications in :mod:`atbalsts.hookspecs`.
hookspec = pluggy.HookspecMarker(PROJECT)


def publish(module: str, namespace: dict[str, object], names: list[str]) -> None:
    """Make the classes and functions re-exported by ``module`` report it as their module.

    Reprs, tracebacks and the docs then show the public path (``atbalsts.policy.Rule``), never
    the private module that defines the name.
    """
    for name in names:
        obj = namespace[name]
        if isinstance(obj, type) or (callable(obj) and hasattr(obj, "__qualname__")):
            owner = getattr(obj, "__module__", "") or ""
            if owner.startswith("atbalsts.") and any(p.startswith("_") for p in owner.split(".")):
                with contextlib.suppress(AttributeError, TypeError):  # e.g. a builtin
                    obj.__module__ = module
