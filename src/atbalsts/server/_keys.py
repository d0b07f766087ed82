"""API keys: hashed at rest, each mapped to a role and a scope.

A key is ``atb_<id>_<secret>``: the id names the key in logs and finds its record; the secret
(32 random bytes, URL-safe base64) is never stored. A key file holds, per key, its id, role,
scope and ``sha256$<salt>$<digest>``, the SHA-256 of a random 16-byte salt followed by the whole
key. A salted fast hash is enough for a 256-bit random secret (nothing to guess); a slow hash
such as scrypt protects low-entropy passwords and would cost tens of milliseconds per request.

The file is TOML or JSON (by its suffix)::

    [[keys]]
    id = "skola-1-register"
    role = "social_pedagogue"
    scope = "school:SKOLA-1"
    hash = "sha256$5f0c…$9a1e…"
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import attrs
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from atbalsts.codes import ROLES
from atbalsts.errors import AtbalstsError
from atbalsts.model import Enrolment, Model, parse_python
from atbalsts.privacy import ViewRole

__all__ = [
    "ENV_KEYS_FILE",
    "KEY_ROLES",
    "ApiKey",
    "KeyFileError",
    "KeyStore",
    "Scope",
    "ScopeKind",
    "hash_key",
    "load_keys",
    "new_key",
]

#: The environment variable naming the key file when none is passed.
ENV_KEYS_FILE = "ATBALSTS_API_KEYS_FILE"

_PREFIX = "atb"
_ID = r"^[a-z0-9][a-z0-9-]{0,62}$"
_HASH = re.compile(r"^sha256\$([0-9a-f]{32})\$([0-9a-f]{64})$")
_SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")
_SCHOOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
_MAX_KEYS = 10_000


class KeyFileError(AtbalstsError):
    """The key file cannot be read or used."""


class ScopeKind(StrEnum):
    """What a key may see: every learner, one municipality's or one school's."""

    NATIONAL = "national"
    MUNICIPALITY = "municipality"
    SCHOOL = "school"


@attrs.frozen
class Scope:
    """A key's scope: ``national``, ``municipality:<slug>`` or ``school:<school id>``."""

    kind: ScopeKind
    value: str | None = None

    @classmethod
    def parse(cls, text: str) -> Scope:
        """Read ``national``, ``municipality:bauska`` or ``school:SKOLA-1``."""
        if text == ScopeKind.NATIONAL:
            return cls(ScopeKind.NATIONAL)
        kind, _, value = text.partition(":")
        if kind == ScopeKind.MUNICIPALITY and _SLUG.fullmatch(value) and len(value) <= 64:
            return cls(ScopeKind.MUNICIPALITY, value)
        if kind == ScopeKind.SCHOOL and _SCHOOL.fullmatch(value) and len(value) <= 64:
            return cls(ScopeKind.SCHOOL, value)
        raise ValueError("a scope is 'national', 'municipality:<slug>' or 'school:<school id>'")

    def covers(self, enrolment: Enrolment) -> bool:
        """True when a learner with ``enrolment`` is inside the scope."""
        if self.kind is ScopeKind.NATIONAL:
            return True
        if self.kind is ScopeKind.MUNICIPALITY:
            return enrolment.municipality == self.value
        return enrolment.school_id == self.value

    def covers_raw(self, school_id: object, municipality: object) -> bool:
        """:meth:`covers` for the values of a document not (yet) validated."""
        if self.kind is ScopeKind.NATIONAL:
            return True
        if self.kind is ScopeKind.MUNICIPALITY:
            return municipality == self.value
        return school_id == self.value

    def __str__(self) -> str:
        return self.kind.value if self.value is None else f"{self.kind.value}:{self.value}"


@attrs.frozen(repr=False)
class ApiKey:
    """One key's record: id, role, scope and the salted hash of the key (never the key)."""

    id: str
    role: str
    scope: Scope
    salt: bytes
    digest: bytes

    def matches(self, key: str) -> bool:
        """True when ``key`` is this key (compared in constant time)."""
        return hmac.compare_digest(_digest(self.salt, key), self.digest)

    def __repr__(self) -> str:  # the hash stays out of reprs and logs
        return f"ApiKey(id={self.id!r}, role={self.role!r}, scope='{self.scope}')"


def _digest(salt: bytes, key: str) -> bytes:
    return hashlib.sha256(salt + key.encode("utf-8", "surrogatepass")).digest()


def hash_key(key: str, salt: bytes | None = None) -> str:
    """The text stored for ``key``: ``sha256$<salt hex>$<digest hex>`` (a new random salt if
    ``salt`` is None)."""
    salt = secrets.token_bytes(16) if salt is None else salt
    return f"sha256${salt.hex()}${_digest(salt, key).hex()}"


def _key_id(key: str) -> str | None:
    prefix, _, rest = key.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != _PREFIX or not secret or not re.fullmatch(_ID, key_id):
        return None
    return key_id


def new_key(key_id: str, role: str, scope: str) -> tuple[str, str]:
    """A new key for ``key_id`` and its TOML entry: ``(key, entry)``. Give the key to its user
    once and store only the entry."""
    entry = {"id": key_id, "role": role, "scope": scope, "hash": hash_key("x")}
    parse_python(_Entry, entry, name="new key")  # refuses bad values, naming the field
    key = f"{_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    text = (
        f'[[keys]]\nid = "{key_id}"\nrole = "{role}"\nscope = "{scope}"\nhash = "{hash_key(key)}"\n'
    )
    return key, text


class KeyStore:
    """The keys a server accepts, by id."""

    def __init__(self, keys: Iterable[ApiKey] = ()) -> None:
        self._keys: dict[str, ApiKey] = {}
        for key in keys:
            if key.id in self._keys:
                raise KeyFileError(f"two keys have the id {key.id!r}")
            self._keys[key.id] = key

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[ApiKey]:
        """The keys' records, by id."""
        return iter(sorted(self._keys.values(), key=lambda key: key.id))

    def ids(self) -> tuple[str, ...]:
        """The ids of the keys, sorted."""
        return tuple(sorted(self._keys))

    def authenticate(self, key: str) -> ApiKey | None:
        """The record of ``key``, or None when it is not a valid key."""
        key_id = _key_id(key)
        record = self._keys.get(key_id) if key_id else None
        if record is None:
            _digest(b"\0" * 16, key)  # about the same time whether or not the id exists
            return None
        return record if record.matches(key) else None


#: The roles a key may have: the role codes, and the roles outside the school that a view is made
#: for (a social service, an orphan's court, the police: they have no role code).
KEY_ROLES: frozenset[str] = frozenset(ROLES.codes()) | {role.value for role in ViewRole}


def _role(value: str) -> str:
    if value not in KEY_ROLES:
        raise PydanticCustomError(
            "unknown_role",
            "not a role code of atbalsts.codes.ROLES nor an atbalsts.privacy.ViewRole",
        )
    return value


def _scope(value: str) -> str:
    try:
        Scope.parse(value)
    except ValueError as err:
        raise PydanticCustomError("scope", str(err)) from None
    return value


def _hash(value: str) -> str:
    if not _HASH.fullmatch(value):
        # the stored value is not shown: it is a secret's hash
        raise PydanticCustomError("key_hash", "not 'sha256$<32 hex salt>$<64 hex digest>'")
    return value


class _Entry(Model):
    id: str = Field(pattern=_ID, description="Names the key in logs; part of the key itself.")
    role: Annotated[str, Field(max_length=64), AfterValidator(_role)]
    scope: Annotated[str, Field(max_length=80), AfterValidator(_scope)]
    hash: Annotated[str, Field(max_length=200), AfterValidator(_hash)]


class _KeyFile(Model):
    keys: list[_Entry] = Field(max_length=_MAX_KEYS)


def _record(entry: _Entry) -> ApiKey:
    found = _HASH.fullmatch(entry.hash)
    assert found is not None  # checked by validation
    return ApiKey(
        id=entry.id,
        role=entry.role,
        scope=Scope.parse(entry.scope),
        salt=bytes.fromhex(found[1]),
        digest=bytes.fromhex(found[2]),
    )


def load_keys(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> KeyStore:
    """The keys of the TOML or JSON file ``path``, or of the file named by the environment
    variable ``ATBALSTS_API_KEYS_FILE``; no keys when neither is given.

    Raises :class:`KeyFileError` when the file cannot be read and
    :class:`~atbalsts.DocumentError` (naming each failing entry's field) when it is invalid.
    """
    env = os.environ if env is None else env
    if path is None:
        path = env.get(ENV_KEYS_FILE) or None
        if path is None:
            return KeyStore()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise KeyFileError(f"cannot read the key file {path}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise KeyFileError(f"cannot read the key file {path}: it is not UTF-8 text") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except ValueError as err:  # both JSONDecodeError and TOMLDecodeError
        kind = "JSON" if path.suffix == ".json" else "TOML"
        raise KeyFileError(f"the key file {path} is not valid {kind}: {err}") from None
    if not isinstance(data, dict):
        raise KeyFileError(f"the key file {path} must hold an object with a 'keys' list")
    parsed = parse_python(_KeyFile, data, name=f"key file {path}")
    return KeyStore(_record(entry) for entry in parsed.keys)
