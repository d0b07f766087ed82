"""API keys: hashed at rest, found by id, refused when anything differs; the key file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("fastapi", reason="the server extra (atbalsts[server]) is not installed")

from atbalsts import DocumentError, Enrolment, ProgrammeKind
from atbalsts.server import (
    ENV_KEYS_FILE,
    KEY_ROLES,
    KeyFileError,
    Scope,
    ScopeKind,
    hash_key,
    load_keys,
    new_key,
)
from atbalsts.server.__main__ import main


def _store(tmp_path: Path, *entries: str, suffix: str = ".toml") -> Path:
    path = tmp_path / f"keys{suffix}"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def test_a_new_key_authenticates_and_is_not_stored(tmp_path: Path) -> None:
    key, entry = new_key("skola-1", "social_pedagogue", "school:SKOLA-1")
    assert key.startswith("atb_skola-1_")
    assert key not in entry
    assert key.split("_", 2)[2] not in entry
    store = load_keys(_store(tmp_path, entry))
    record = store.authenticate(key)
    assert record is not None
    assert (record.id, record.role, str(record.scope)) == (
        "skola-1",
        "social_pedagogue",
        "school:SKOLA-1",
    )
    assert "sha256" not in repr(record)


KEY, ENTRY = new_key("k", "school_director", "national")


@given(
    other=st.one_of(
        st.text(max_size=80),
        st.text(max_size=60).map(lambda tail: "atb_k_" + tail),  # the right id, a wrong secret
        st.integers(0, len(KEY) - 1).map(lambda cut: KEY[:cut] + KEY[cut + 1 :]),
    )
)
def test_any_other_key_is_refused(other: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    store = load_keys(_store(tmp_path_factory.mktemp("k"), ENTRY))
    assert store.authenticate(KEY) is not None
    if other != KEY:
        assert store.authenticate(other) is None


def test_keys_from_json_and_from_the_environment(tmp_path: Path) -> None:
    key, _ = new_key("a", "psychologist", "municipality:bauska")
    record = {"id": "a", "role": "psychologist", "scope": "municipality:bauska"}
    record["hash"] = hash_key(key)
    path = _store(tmp_path, json.dumps({"keys": [record]}), suffix=".json")
    assert load_keys(env={ENV_KEYS_FILE: str(path)}).authenticate(key) is not None
    assert len(load_keys(env={})) == 0


def test_invalid_entries_name_the_field_and_never_the_hash(tmp_path: Path) -> None:
    secret_hash = "sha256$" + "ab" * 8 + "$" + "cd" * 31  # one byte short
    entry = (
        f'[[keys]]\nid = "Bad Id"\nrole = "janitor"\nscope = "city:riga"\nhash = "{secret_hash}"'
    )
    with pytest.raises(DocumentError) as info:
        load_keys(_store(tmp_path, entry))
    assert set(info.value.paths) == {"keys[0].id", "keys[0].role", "keys[0].scope", "keys[0].hash"}
    assert secret_hash not in str(info.value)


@pytest.mark.parametrize("role", ["social_service", "orphans_court", "police", "subject_teacher"])
def test_a_key_role_is_a_role_code_or_a_view_role(role: str, tmp_path: Path) -> None:
    key, entry = new_key("outside", role, "municipality:parauga")
    record = load_keys(_store(tmp_path, entry)).authenticate(key)
    assert record is not None
    assert record.role == role
    assert role in KEY_ROLES
    assert "janitor" not in KEY_ROLES


def test_duplicate_ids_and_unreadable_files(tmp_path: Path) -> None:
    _, entry = new_key("same", "psychologist", "national")
    with pytest.raises(KeyFileError, match="two keys have the id 'same'"):
        load_keys(_store(tmp_path, entry, entry))
    with pytest.raises(KeyFileError, match="cannot read"):
        load_keys(tmp_path / "missing.toml")
    with pytest.raises(KeyFileError, match="not valid TOML"):
        load_keys(_store(tmp_path, "[[keys]\n"))


@pytest.mark.parametrize("text", ["school:", "municipality:Bauska", "region:x", "", "national:x"])
def test_a_bad_scope_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="a scope is"):
        Scope.parse(text)


def test_scopes_cover_their_learners() -> None:
    enrolment = Enrolment(
        school_id="S-1", municipality="bauska", programme=ProgrammeKind.GENERAL_BASIC, grade=5
    )
    assert Scope.parse("national").covers(enrolment)
    assert Scope.parse("municipality:bauska").covers(enrolment)
    assert not Scope.parse("municipality:ogre").covers(enrolment)
    assert Scope.parse("school:S-1").covers(enrolment)
    assert not Scope.parse("school:S-2").covers(enrolment)
    assert Scope.parse("school:S-1").kind is ScopeKind.SCHOOL


def test_new_key_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["new-key", "--id", "x", "--role", "psychologist", "--scope", "national"]) == 0
    captured = capsys.readouterr()
    key = captured.err.rsplit(" ", 1)[1].strip()
    assert load_keys(_store(tmp_path, captured.out)).authenticate(key) is not None
    assert main(["new-key", "--id", "x", "--role", "nobody", "--scope", "national"]) == 2
    assert "role" in capsys.readouterr().err
