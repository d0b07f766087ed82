"""atbalsts example policy plugin for the fictional Parauga novads.

Illustrative early-intervention rules, not law: the plugin of the documentation's tutorial. The
host loads it through the ``atbalsts`` entry point ``parauga``; importing this package registers
nothing.
"""

from __future__ import annotations

__all__: list[str] = []
