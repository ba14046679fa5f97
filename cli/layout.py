"""Text output that fits the terminal: prose wrapped, tables wrapped, drawings truncated.

Width: the ``COLUMNS`` environment variable if set, else the terminal's width when
standard output is a terminal, else 80. Prose lines are wrapped with their indentation
(and a bullet's hanging indent) kept; table rows and tree drawings cannot be wrapped
without breaking their columns, so a table built by `cli.render.text_table` wraps its
last column itself and any other row or drawing line still too wide is cut with "…".
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap

#: width used when standard output is not a terminal and COLUMNS is unset
DEFAULT_WIDTH = 80
#: narrowest width honoured (below it, lines would be mostly indentation)
MIN_WIDTH = 40

_BULLET = re.compile(r"^(\s*)((?:\d+\.|[-*•])\s+)?")
_DRAWING = re.compile(r"[─│├└┌┐┘┬┴┼◀]")
_COLUMNS = re.compile(r"\S {2,}\S")


def width() -> int:
    """The output width: COLUMNS, else the terminal's width, else 80 (never below 40)."""
    env = os.environ.get("COLUMNS", "")
    if env.strip().isdigit():
        return max(MIN_WIDTH, int(env))
    try:
        if sys.stdout.isatty():
            return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    except (AttributeError, ValueError, OSError):
        pass
    return DEFAULT_WIDTH


def is_table_or_drawing(line: str) -> bool:
    """A row of aligned columns or a line of a tree drawing (wrapping would break it)."""
    return bool(_DRAWING.search(line)) or len(_COLUMNS.findall(line.strip())) >= 2


def fit_line(line: str, limit: int) -> list[str]:
    """One line as lines of at most ``limit`` characters."""
    if len(line) <= limit:
        return [line]
    if is_table_or_drawing(line):
        return [line[: limit - 1] + "…"]
    m = _BULLET.match(line)
    indent = m.group(1) or ""
    hanging = indent + " " * len(m.group(2) or "")
    wrapped = textwrap.wrap(
        line.strip(), width=limit, initial_indent=indent, subsequent_indent=hanging,
        break_long_words=True, break_on_hyphens=False,
    )
    return wrapped or [line[:limit]]


def fit(text: str, limit: int | None = None) -> str:
    """Every line of text fitted to ``limit`` columns (default: `width`)."""
    limit = limit or width()
    out: list[str] = []
    for line in text.split("\n"):
        out += fit_line(line.rstrip(), limit)
    return "\n".join(out)


def wrap_cell(text: str, limit: int) -> list[str]:
    """A table cell's text as lines of at most ``limit`` characters."""
    return textwrap.wrap(text, width=max(1, limit), break_on_hyphens=False) or [""]


#: most lines of `explain --brief` (one screen at 80 columns)
BRIEF_LINES = 30
_CAPTION = re.compile(r"^(Game tree\b|Equilibrium \d+ drawn\b|\(the tree has \d+ nodes)")


def brief(text: str, limit: int | None = None, lines: int = BRIEF_LINES) -> str:
    """A one-screen version of a text answer: no drawings, fitted, at most ``lines`` lines.

    Tree drawings (and their captions) are left out; what is still longer than ``lines``
    is cut, with a last line saying how much more the full explanation has.
    """
    src = text.split("\n")
    kept: list[str] = []
    for k, line in enumerate(src):
        nxt = src[k + 1] if k + 1 < len(src) else ""
        if _DRAWING.search(line) or _CAPTION.match(line):
            continue
        if line.strip() and " " not in line.strip() and _DRAWING.search(nxt):
            continue  # the drawing's root label
        if not line.strip() and kept and not kept[-1].strip():
            continue
        kept.append(line)
    out = fit("\n".join(kept).strip("\n"), limit).split("\n")
    if len(out) > lines:
        more = len(out) - (lines - 1)
        out = out[: lines - 1] + [f"… {more} more lines: run without --brief for the full explanation."]
    return "\n".join(out)
