"""atbalsts policy plugin for Bauskas novads.

Encodes the Bauska municipal rules of 30.07.2015 No. 1 "Izglītojamo neattaisnoto mācību kavējumu
novēršanas kārtība" on top of the national baseline. The host loads it through the ``atbalsts``
entry point ``bauska``; importing this package registers nothing.
"""

from __future__ import annotations

__all__: list[str] = []
