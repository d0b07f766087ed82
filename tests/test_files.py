"""Files written whole or not at all (atbalsts._files.Replacement)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from atbalsts._files import Replacement


def test_the_target_changes_only_on_commit(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with Replacement(target) as new:
        new.text().write("new\n")
        assert target.read_text(encoding="utf-8") == "old"
        new.commit()
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert Replacement.leftovers(target, ".part") == []


def test_an_error_or_no_commit_leaves_the_target_and_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def fail_halfway() -> None:
        with Replacement(target) as new:
            new.text().write("half")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail_halfway()
    with Replacement(target, mode=0o644) as forgotten:
        forgotten.binary().write(b"never committed")
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_a_file_kept_open_is_written_in_its_new_place(tmp_path: Path) -> None:
    target = tmp_path / "errors.jsonl"
    new = Replacement(target, mode=0o640)
    out = new.text()
    new.commit(keep_open=True)
    out.write("line\n")
    out.close()
    assert target.read_text(encoding="utf-8") == "line\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_one_file_is_opened_one_way(tmp_path: Path) -> None:
    with Replacement(tmp_path / "x") as new:
        new.text()
        with pytest.raises(ValueError, match="open as 'w'"):
            new.binary()


def test_leftovers_are_found_by_suffix_oldest_first(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    made = [Replacement(target, suffix=".pending") for _ in range(3)]
    for age, new in zip((30, 10, 20), made, strict=True):
        new.close()
        os.utime(new.path, ns=(age * 10**9, age * 10**9))
    Replacement(target).close()  # another suffix
    (tmp_path / f".{target.name}.link.pending").symlink_to(tmp_path / "nowhere")
    found = Replacement.leftovers(target, ".pending")
    assert found == [made[1].path, made[2].path, made[0].path]


def test_leftovers_of_a_name_with_glob_characters_are_found(tmp_path: Path) -> None:
    target = tmp_path / "plan[1]*.json"
    new = Replacement(target, suffix=".pending")
    new.close()
    assert Replacement.leftovers(target, ".pending") == [new.path]


def test_a_batch_output_is_on_the_disk_before_it_is_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`atbalsts batch -o` and `--errors` fsync each file before the rename and the directory
    after it: after a power cut the output is the old one or the new one, whole."""
    import json
    from datetime import date

    from atbalsts.batch import evaluate_file
    from atbalsts.engine import PolicyRegistry

    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    example = sorted(Path("examples").glob("*.json"))[0]
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(json.loads(example.read_text(encoding="utf-8"))) + "\n{}\n")
    out, bad = tmp_path / "out.jsonl", tmp_path / "bad.jsonl"
    evaluate_file(source, out, as_of=date(2025, 11, 3), registry=PolicyRegistry.load(), errors=bad)
    files = [Path(p).name for p in synced if Path(p).parent == tmp_path]
    assert any(name.startswith(".out.jsonl.") for name in files)  # the file, before its rename
    assert any(name.startswith(".bad.jsonl.") for name in files)
    assert str(tmp_path) in synced  # the directory, after the rename
    assert out.read_text(encoding="utf-8").count("\n") == 3  # table, decision, summary


def test_a_file_that_cannot_be_made_is_named_not_its_temporary(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.jsonl"
    with pytest.raises(OSError, match="No such file") as caught:
        Replacement(target)
    assert caught.value.filename == str(target)


def test_a_full_disk_names_the_batch_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails with no file name of its own (the disk is full) names the output."""
    import errno
    import json
    from datetime import date

    from atbalsts.batch import evaluate_file
    from atbalsts.engine import PolicyRegistry

    def full(self: Replacement) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Replacement, "text", full)
    example = sorted(Path("examples").glob("*.json"))[0]
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(json.loads(example.read_text(encoding="utf-8"))) + "\n")
    out = tmp_path / "out.jsonl"
    registry = PolicyRegistry.load()
    with pytest.raises(OSError, match="No space") as caught:
        evaluate_file(source, out, as_of=date(2025, 11, 3), registry=registry)
    assert caught.value.filename == str(out)
    # with an error file beside it, either may have failed: neither is named for the other
    with pytest.raises(OSError, match="No space") as caught:
        evaluate_file(
            source, out, as_of=date(2025, 11, 3), registry=registry, errors=tmp_path / "bad"
        )
    assert caught.value.filename is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.jsonl"]
