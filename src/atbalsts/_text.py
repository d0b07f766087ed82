"""Short, safe text for error messages and logs: never a whole input, never a crash."""

from __future__ import annotations

__all__ = ["describe", "shorten"]


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis and the full length when cut."""
    if len(text) <= limit:
        return text
    return f"{text[: max(limit - 1, 1)]}… ({len(text):,} characters)"


def describe(exc: BaseException, limit: int = 300) -> str:
    """``Type: message``, cut to ``limit``, even when the exception's own ``__str__`` raises."""
    name = type(exc).__name__
    try:
        text = str(exc)
    except BaseException:
        return f"{name} (its message could not be read)"
    return shorten(f"{name}: {text}" if text else name, limit)
