"""Code-list machinery: a code with Latvian and English labels, and an extensible list."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

import attrs

from atbalsts.errors import UnknownNameError

__all__ = ["CODE_PATTERN", "Code", "CodeList", "Lang"]

Lang = Literal["lv", "en"]

#: A national code is lower snake case (``mentor_support``); a local code added by a plugin is
#: prefixed with the plugin's namespace and a colon (``bauska:summer_camp``).
CODE_PATTERN = r"^(?:[a-z][a-z0-9_-]*:)?[a-z][a-z0-9_]*$"
_CODE_RE = re.compile(CODE_PATTERN)


@attrs.frozen
class Code:
    """One entry of a code list.

    ``group`` links a code to a code of another list (a risk factor's risk group). ``tags`` carry
    facts the rules read (``compensation``, programme names). ``source`` says where the entry
    comes from, in the words of the domain brief (``[S33]``) or a plugin's own reference.
    """

    code: str
    lv: str
    en: str
    group: str | None = None
    tags: frozenset[str] = frozenset()
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if not _CODE_RE.match(self.code):
            raise ValueError(f"code {self.code!r} does not match {CODE_PATTERN}")

    @property
    def namespace(self) -> str:
        """The plugin namespace of a local code, or ``""`` for a national code."""
        head, sep, _ = self.code.partition(":")
        return head if sep else ""

    def label(self, lang: Lang) -> str:
        """The label in ``lang`` ("lv" or "en")."""
        return self.lv if lang == "lv" else self.en


@attrs.frozen
class CodeList:
    """An ordered, immutable list of codes. :meth:`extended` returns a new list with local codes."""

    name: str
    _codes: Mapping[str, Code] = attrs.field(alias="codes")

    @classmethod
    def of(cls, name: str, codes: Iterable[Code]) -> CodeList:
        """Build a list, refusing duplicate codes."""
        table: dict[str, Code] = {}
        for code in codes:
            if code.code in table:
                raise ValueError(f"code list {name!r}: duplicate code {code.code!r}")
            table[code.code] = code
        return cls(name, codes=table)

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    def __iter__(self) -> Iterator[Code]:
        return iter(self._codes.values())

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, code: str) -> Code:
        try:
            return self._codes[code]
        except KeyError:
            raise UnknownNameError(f"{self.name} code", code, tuple(self._codes)) from None

    def codes(self) -> tuple[str, ...]:
        """Every code, in list order."""
        return tuple(self._codes)

    def tagged(self, tag: str) -> frozenset[str]:
        """The codes that carry ``tag``."""
        return frozenset(c.code for c in self._codes.values() if tag in c.tags)

    def label(self, code: str, lang: Lang) -> str:
        """The label of ``code`` in ``lang``; an unknown code is shown as itself."""
        entry = self._codes.get(code)
        return entry.label(lang) if entry else code

    def extended(self, codes: Iterable[Code], namespace: str) -> CodeList:
        """A new list with a plugin's local codes; each must be in ``namespace`` and be new."""
        table = dict(self._codes)
        for code in codes:
            if code.namespace != namespace:
                raise ValueError(
                    f"local {self.name} code {code.code!r} must be namespaced {namespace + ':'!r}"
                )
            if code.code in table:
                raise ValueError(f"{self.name} code {code.code!r} is declared twice")
            table[code.code] = code
        return CodeList(self.name, codes=table)
