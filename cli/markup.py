"""Markdown as tradegame writes it, turned into HTML: for the web page, worksheets and the report.

tradegame's renderers already write Markdown (``--format markdown``): headings, bullet and
numbered lists, pipe tables, fenced blocks and inline ``**bold**``, ``*emphasis*`` and
`` `code` ``. This module converts exactly that subset into escaped HTML, so the HTML
views show formatted prose and tables instead of terminal text, without a Markdown
dependency. Anything else is kept as an escaped paragraph: text is never lost and never
interpreted as HTML.
"""

from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<![\w*\\])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^(\s*)[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)\d+[.)]\s+(.*)$")
_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def inline(text: str) -> str:
    """One line of Markdown to HTML: escape, then code spans, bold, emphasis."""
    codes: list[str] = []

    def keep(match: re.Match) -> str:
        codes.append(f"<code>{html.escape(match.group(1))}</code>")
        return f"\x00{len(codes) - 1}\x00"

    text = _CODE.sub(keep, text)
    text = html.escape(text, quote=False).replace("\\*", "&#42;")
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _EM.sub(r"<em>\1</em>", text)
    return re.sub("\x00(\\d+)\x00", lambda m: codes[int(m.group(1))], text)


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def to_html(markdown: str, heading_offset: int = 0) -> str:
    """A Markdown document (tradegame's subset) as an HTML fragment.

    ``heading_offset`` pushes headings down (1: ``#`` becomes ``<h2>``), so a fragment
    sits under the page's own headings. Lines indented under a list item continue it.
    """
    lines = markdown.splitlines()
    out: list[str] = []
    para: list[str] = []
    i = 0

    def flush() -> None:
        if para:
            out.append("<p>" + " ".join(inline(p.strip()) for p in para) + "</p>")
            para.clear()

    while i < len(lines):
        line = lines[i]
        if not line.strip():
            flush()
            i += 1
            continue
        if line.lstrip().startswith("```"):
            flush()
            block = []
            i += 1
            while i < len(lines) and not lines[i].lstrip().startswith("```"):
                block.append(lines[i])
                i += 1
            out.append("<pre>" + html.escape("\n".join(block)) + "</pre>")
            i += 1
            continue
        m = _HEADING.match(line)
        if m:
            flush()
            level = min(6, len(m.group(1)) + heading_offset)
            out.append(f"<h{level}>{inline(m.group(2).strip())}</h{level}>")
            i += 1
            continue
        if line.lstrip().startswith("|") and i + 1 < len(lines) and _RULE.match(lines[i + 1].strip()):
            flush()
            head = _cells(line)
            rows = []
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            out.append(_table(head, rows))
            continue
        if _BULLET.match(line) or _NUMBERED.match(line):
            flush()
            i = _list(lines, i, out)
            continue
        para.append(line)
        i += 1
    flush()
    return "\n".join(out)


def _table(head: list[str], rows: list[list[str]]) -> str:
    parts = ["<table><thead><tr>"]
    parts += [f"<th>{inline(c)}</th>" for c in head]
    parts.append("</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _list(lines: list[str], i: int, out: list[str]) -> int:
    """Consume one (possibly nested) list starting at lines[i]; return the next index."""
    tag = "ul" if _BULLET.match(lines[i]) else "ol"
    kind = _BULLET if tag == "ul" else _NUMBERED
    indent = len(kind.match(lines[i]).group(1))
    items: list[list[str]] = []
    nested: list[list[str]] = []
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            # a blank line ends the list unless the next line continues it: an item of the
            # same kind at the same depth, or a line indented under the last item
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            m = kind.match(nxt)
            deeper = bool(nxt.strip()) and len(nxt) - len(nxt.lstrip()) > indent
            if (m and len(m.group(1)) == indent) or deeper:
                i += 1
                continue
            break
        m = kind.match(line)
        lead = len(line) - len(line.lstrip())
        if m and len(m.group(1)) == indent:
            items.append([m.group(2)])
            nested.append([])
        elif lead > indent and items:
            nested_item = _BULLET.match(line) or _NUMBERED.match(line)
            if nested_item or nested[-1]:
                nested[-1].append(line)
            else:
                items[-1].append(line.strip())  # a wrapped line of the item's text
        else:
            break
        i += 1
    out.append(f"<{tag}>")
    for words, sub in zip(items, nested):
        inner = " ".join(inline(w) for w in words)
        if sub:  # an indented block under the item (a nested list): converted on its own
            import textwrap

            inner += to_html(textwrap.dedent("\n".join(sub)))
        out.append(f"<li>{inner}</li>")
    out.append(f"</{tag}>")
    return i
