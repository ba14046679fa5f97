"""Errors that tradegame distinguishes, so the CLI can map them to exit codes.

`InputError` means the user's input is wrong (exit 2); `SolverError` means a valid
input could not be solved (exit 1). Messages are one line and name the file, field or
option at fault and what was expected.
"""

from __future__ import annotations


class TradegameError(Exception):
    """Base class for every error tradegame raises on purpose."""


class InputError(TradegameError, ValueError):
    """Bad input: unreadable file, unknown parameter, value out of range, malformed game."""


class SolverError(TradegameError, RuntimeError):
    """A well-formed game that the chosen method could not solve."""


def clip(text: object, limit: int = 60) -> str:
    """User text quoted in a message: control characters escaped, at most `limit` characters.

    Keeps every message one readable line, whatever a hostile file or option contains.
    """
    s = str(text)
    short = repr(s[:limit])[1:-1]
    return short + "…" if len(s) > limit else short
