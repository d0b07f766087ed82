"""Every error atbalsts raises on purpose carries a ``code`` and read-only ``values`` (one
pattern, :class:`atbalsts.errors.AtbalstsError`), and pickles with them and with everything
else it holds: a worker process of the batch may raise any of them."""

from __future__ import annotations

import errno
import importlib
import pickle
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import atbalsts
from atbalsts.batch import BatchFileError
from atbalsts.errors import (
    AtbalstsError,
    CodedByReason,
    DocumentError,
    FieldError,
    FileError,
    LifecycleError,
    PolicyConflict,
    PolicyError,
    Refusal,
    UnknownNameError,
    Violation,
)
from atbalsts.stats import StatsError


def _every_module() -> None:
    for module in pkgutil.walk_packages(atbalsts.__path__, "atbalsts."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def _subclasses(cls: type[AtbalstsError]) -> Iterator[type[AtbalstsError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _errors_of_atbalsts() -> list[type[AtbalstsError]]:
    """Every subclass of AtbalstsError that atbalsts defines (not a test's), and the root."""
    _every_module()
    found = {c for c in _subclasses(AtbalstsError) if c.__module__.startswith("atbalsts.")}
    return sorted({AtbalstsError, *found}, key=lambda c: f"{c.__module__}.{c.__qualname__}")


ERRORS = _errors_of_atbalsts()

#: How to make an error of a class whose ``__init__`` takes other arguments than the root's
#: (``cls(message, code=..., values=...)``), for it and its subclasses: from the class, a
#: message, a code and values; and whether it takes the code and values (else it has its own).
Make = Callable[[Any, str, str, Mapping[str, str]], AtbalstsError]
REFUSAL = Refusal("lv.guard.x", "lv", "no consent", "Law Art. 1", ("director",), "no_consent")
DENIED = OSError(errno.EACCES, "denied")
OWN_INIT: dict[type[AtbalstsError], tuple[Make, bool]] = {
    FileError: (lambda k, m, c, v: k(m, "write", DENIED, also="b", kept=True), False),
    DocumentError: (lambda k, m, c, v: k(m, [FieldError("a.b", "bad", "kind")]), False),
    UnknownNameError: (lambda k, m, c, v: k("action", m, ("submit",)), False),
    PolicyError: (lambda k, m, c, v: k(violations=[Violation("unknown-fact", "r", "p", m)]), False),
    PolicyConflict: (lambda k, m, c, v: k(m, "a", "b", ("x", "y")), False),
    LifecycleError: (
        lambda k, m, c, v: k(
            "referral", "draft", "send", ("send",), [REFUSAL], m, code=c, values=v
        ),
        True,
    ),
    StatsError: (lambda k, m, c, v: k(m, code=c, values=v, os_error=DENIED), True),
}
#: Classes with an ``__init__`` of their own that takes the root's arguments.
ROOT_INIT = (AtbalstsError, CodedByReason)


def _made(
    cls: type[AtbalstsError], message: str, code: str, values: Mapping[str, str]
) -> tuple[AtbalstsError, bool]:
    for base in cls.__mro__:
        if base in OWN_INIT:
            make, coded = OWN_INIT[base]
            return make(cls, message, code, values), coded
        if base in ROOT_INIT:
            break
    return cls(message, code=code, values=values), True


def _same(value: object) -> object:
    """A value as compared after pickling: an exception (equal only to itself) by its type and
    arguments, a mapping as a dict."""
    if isinstance(value, BaseException):
        return (type(value), value.args)
    if isinstance(value, Mapping):
        return {k: _same(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_same(v) for v in value]
    return value


def test_the_walk_finds_the_errors_of_every_part() -> None:
    names = {c.__qualname__ for c in ERRORS}
    assert {"AtbalstsError", "StatsError", "BatchFileError", "InputError", "KeyFileError"} <= names
    assert {"LifecycleError", "FileError", "DestinationExistsError", "WorkerError"} <= names


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__qualname__)
def test_a_class_with_its_own_init_is_made_here(cls: type[AtbalstsError]) -> None:
    """A new error whose ``__init__`` takes other arguments fails here until it is given a way
    to be made above, so that its pickling is tested."""
    own = "__init__" in vars(cls) and cls not in ROOT_INIT
    assert not own or cls in OWN_INIT, f"add {cls.__qualname__} to OWN_INIT"


CODES = st.from_regex(r"[a-z][a-z0-9_]{0,30}", fullmatch=True)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__qualname__)
@given(message=TEXT.filter(bool), code=CODES, values=st.dictionaries(CODES, TEXT, max_size=4))
def test_an_error_raised_with_a_code_round_trips_through_pickle(
    cls: type[AtbalstsError], message: str, code: str, values: dict[str, str]
) -> None:
    error, coded = _made(cls, message, code, values)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is cls
    assert (str(again), again.args) == (str(error), error.args)
    if coded:
        assert (again.code, dict(again.values)) == (code, values)
    assert (again.code, dict(again.values)) == (error.code, dict(error.values))
    assert _same(vars(again)) == _same(vars(error))
    with pytest.raises(TypeError):
        again.values["more"] = "x"  # type: ignore[index]


def test_a_refused_transition_pickles_with_its_refusals() -> None:
    error = LifecycleError("referral", "draft", "send", ("send",), [REFUSAL])
    again = pickle.loads(pickle.dumps(error))
    assert again.refusals == (REFUSAL,)
    assert (again.code, dict(again.values)) == (
        "refused_by_guard",
        {"document": "referral", "status": "draft", "action": "send"},
    )
    assert again.refusals[0].values == REFUSAL.values


def test_values_are_read_only_and_not_the_callers_dict() -> None:
    given_values = {"path": "a.json"}
    error = AtbalstsError("cannot", code="x", values=given_values)
    given_values["path"] = "changed"
    assert dict(error.values) == {"path": "a.json"}
    with pytest.raises(TypeError):
        error.values["path"] = "b"  # type: ignore[index]
    plain = AtbalstsError("no code")
    assert (plain.code, dict(plain.values)) == (None, {})


@pytest.mark.parametrize("cls", [StatsError, BatchFileError])
def test_reason_is_a_deprecated_alias_of_code(cls: type[StatsError | BatchFileError]) -> None:
    error = cls("words", code="not_utf8", values={"path": "x"})
    with pytest.warns(DeprecationWarning, match=r"\.reason is deprecated: read .*\.code"):
        assert error.reason == "not_utf8"
    with pytest.warns(DeprecationWarning, match=r"\.reason is deprecated"):
        assert cls("words").reason is None
    with pytest.raises(AttributeError):
        error.reason = "other"  # type: ignore[misc]


@pytest.mark.parametrize("cls", [StatsError, BatchFileError])
def test_the_former_argument_reason_still_gives_the_code(
    cls: type[StatsError | BatchFileError],
) -> None:
    """A caller that made these errors with ``reason=`` (before 0.2.0) keeps working, warned."""
    with pytest.warns(DeprecationWarning, match=r"\(reason=\.\.\.\) is deprecated: pass code="):
        error = cls("words", reason="not_utf8", values={"path": "x"})
    assert (error.code, dict(error.values), str(error)) == ("not_utf8", {"path": "x"}, "words")
