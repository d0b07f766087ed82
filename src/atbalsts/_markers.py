"""The pluggy markers of the ``atbalsts`` project name."""

from __future__ import annotations

import pluggy

__all__ = ["PROJECT", "hookimpl", "hookspec"]

PROJECT = "atbalsts"

#: Decorates a plugin's hook implementations: ``from atbalsts import hookimpl``.
hookimpl = pluggy.HookimplMarker(PROJECT)
#: Decorates the hook specifications in :mod:`atbalsts.hookspecs`.
hookspec = pluggy.HookspecMarker(PROJECT)
