"""Help text shown exactly as written: no markup, and examples kept whole.

The app's help is rendered without Rich markup (``rich_markup_mode=None``), so text such
as ``uniform:A:B`` or ``[default]`` is printed as written rather than read as an emoji
code or a style. Plain help rewraps paragraphs to the terminal width, which would break
an example command in the middle; example paragraphs (lines starting with
``tradegame``) are therefore marked to be kept as they are (click's ``\\b``) and a long
example is split with shell line continuations, so it still runs when pasted.
"""

from __future__ import annotations

import inspect

#: widest example line, leaving room for click's indent and a trailing " \\"
EXAMPLE_WIDTH = 72
#: marks a paragraph that click must not rewrap
NO_REWRAP = "\b"


def _split_example(line: str, width: int = EXAMPLE_WIDTH) -> list[str]:
    """One example command as lines of at most ``width`` characters joined by ``\\``."""
    if len(line) <= width:
        return [line]
    indent = line[: len(line) - len(line.lstrip())]
    tokens = line.split()
    words: list[str] = []
    for token in tokens:  # an option stays on one line with its value: "-o fp.png"
        if words and words[-1].startswith("-") and " " not in words[-1] and not token.startswith("-"):
            words[-1] += " " + token
        else:
            words.append(token)
    out: list[str] = []
    current = indent
    for word in words:
        candidate = f"{current} {word}" if current.strip() else current + word
        if len(candidate) > width and current.strip():
            out.append(current + " \\")
            current = indent + "    " + word
        else:
            current = candidate
    out.append(current)
    return out


def plain_help(doc: str | None) -> str | None:
    """The help text with each example paragraph kept whole (and split with ``\\`` if long)."""
    if not doc:
        return doc
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    out = []
    for para in paragraphs:
        lines = para.splitlines()
        if lines and all(line.strip().startswith("tradegame") for line in lines):
            kept = [NO_REWRAP]
            for line in lines:
                kept += _split_example(line)
            out.append("\n".join(kept))
        else:
            out.append(para)
    return "\n\n".join(out)


def keep_examples(app) -> None:
    """Apply `plain_help` to the app's own help and to every registered command's."""
    app.info.help = plain_help(app.info.help)
    for info in app.registered_commands:
        doc = info.help if info.help is not None else inspect.getdoc(info.callback)
        info.help = plain_help(doc)
