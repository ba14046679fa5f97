"""Make text from files harmless to print: control characters become visible escapes.

Names, titles, labels and comments come from `.nfg`, `.efg` and `.toml` files that anyone
may have written. Printed raw, a BEL rings, a carriage return overwrites a line, and an
ESC sequence such as ``\\x1b]0;pwned\\x07`` sets the terminal's window title (or worse).
The CLI therefore passes everything it prints — text, Markdown and DOT output, report
files and error lines — through `visible` once, at the rendering boundary, instead of at
every place a name is used. JSON output needs `json_visible` only for DEL and the C1 range,
since `json.dumps` already escapes C0.
"""

from __future__ import annotations

import re

#: C0 controls, DEL and C1 controls (0x80–0x9f; 0x9b is an 8-bit CSI on some terminals).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same, inside JSON text: only DEL and C1 can be left raw by json.dumps.
_JSON_RAW = re.compile(r"[\x7f-\x9f]")


def _escape(match: re.Match) -> str:
    return f"\\x{ord(match.group()):02x}"


def visible(text: str, keep: str = "\n") -> str:
    """text with every control character except those in `keep` written as ``\\xNN``.

    `keep` is "\\n" for multi-line output, where newlines are the renderer's own layout,
    and "" for a one-line message (an error line stays one line).
    """
    if keep:
        return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)
    return _CONTROL.sub(_escape, text)


def json_visible(text: str) -> str:
    """JSON text with DEL and C1 characters written as ``\\u00NN`` (same value, nothing raw)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
