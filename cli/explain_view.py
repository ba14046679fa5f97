"""Render explanations (games.explanations.explanation) and comparisons (games.explanations.comparison) as text or Markdown.

Text is meant to be read aloud: short sections, one idea per line, wrapped for a terminal.
"""

from __future__ import annotations

import textwrap
from typing import Iterable

from games.explanations.comparison import _val as _value



def _width() -> int:
    """The output width (`cli.layout.width`: COLUMNS, the terminal's, or 80)."""
    from cli.layout import width

    return width()


def _heading(title: str, fmt: str, level: int = 2) -> str:
    if fmt == "markdown":
        return f"{'#' * level} {title}"
    return title if level > 2 else f"{title}\n{'=' * len(title)}"


def _bullets(lines: Iterable[str], fmt: str, indent: str = "") -> list[str]:
    out = []
    for line in lines:
        if fmt == "markdown":
            out.append(f"{indent}- {line}")
        else:
            out.append(textwrap.fill(line, _width(), initial_indent=indent + "- ", subsequent_indent=indent + "  ", break_on_hyphens=False))
    return out


def _para(lines: Iterable[str], fmt: str) -> list[str]:
    if fmt == "markdown":
        return [" ".join(lines)]
    return [textwrap.fill(" ".join(lines), _width(), break_on_hyphens=False)]


def _check(fmt: str) -> None:
    if fmt not in ("text", "markdown"):
        from games.errors import InputError

        raise InputError(f"option --format: expected text or markdown for this view, got '{fmt}'")


def render_explanation(explanation, fmt: str = "text") -> str:
    """The full explanation: overview, every outcome, each equilibrium, structure, thresholds.

    ``fmt`` is "text" or "markdown"; "json" gives the structured data as JSON text.
    """
    if fmt == "json":
        import json

        return json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False)
    _check(fmt)
    e = explanation
    out: list[str] = [_heading("Explanation", fmt), ""]
    out += _para(e.overview, fmt)
    others = [o for o in e.outcomes if not o.is_equilibrium]
    if others:  # the equilibria are explained in the next section, once
        out += ["", _heading("Why the other outcomes are not equilibria", fmt, 3)]
        out += _bullets((o.sentence for o in others), fmt)
    out += ["", _heading("Why each equilibrium holds", fmt, 3)]
    for k, eq in enumerate(e.equilibria, 1):
        lead = "" if eq.pure else "The mixed equilibrium: "
        out += _bullets([f"{k}. {lead}" + " ".join(eq.sentences)], fmt)
    out += ["", _heading("Dominance", fmt, 3)]
    out += _bullets(e.dominance.sentences, fmt)
    if e.selection is not None:
        out += ["", _heading("Which equilibrium?", fmt, 3)]
        out += _bullets(e.selection.sentences, fmt)
    if e.classification is not None:
        c = e.classification
        out += ["", _heading("Type of game", fmt, 3)]
        lines = [f"{c.name}: {c.description}."]
        if not c.symmetric and c.strict:
            lines.append(
                f"{e.players[0]}'s payoffs follow the {c.row_pattern} pattern, {e.players[1]}'s the {c.column_pattern} pattern."
            )
        roles = c.cooperative_strategies
        lines.append(
            "Ordinal ranks (4 = best), oriented as in the Robinson–Goforth table: "
            f"{e.players[0]} {list(map(list, c.ranks[0]))}, {e.players[1]} (transposed) {list(map(list, c.ranks[1]))}; "
            f"first strategies there: {e.strategies[0][roles[0]]} and {e.strategies[1][roles[1]]}."
        )
        out += _bullets(lines, fmt)
    out += threshold_section(e, fmt)
    if e.notes:
        out += ["", _heading("Notes", fmt, 3)]
        out += _bullets(e.notes, fmt)
    return "\n".join(out).rstrip() + "\n"


def threshold_section(explanation, fmt: str = "text") -> list[str]:
    """The thresholds part of the explanation alone (lines; empty when there are none):
    where each equilibrium holds, and what would make the other outcomes equilibria."""
    e = explanation
    out: list[str] = []
    if e.thresholds:
        out += ["", _heading("Thresholds: what would change the outcome", fmt, 3)]
        out += _para(["Each parameter moved alone, the others held at their current values."], fmt)
        for t in e.thresholds:
            title = t.label[:1].upper() + t.label[1:]
            verb, lines = _threshold_lines(title, t.sentences, {th.parameter for th in t.thresholds})
            head = f"{title} {verb} while ({t.method})" if verb else f"{title} ({t.method})"
            out += ["", _heading(head, fmt, 4) if fmt == "markdown" else f"{head}:"]
            out += _bullets(lines, fmt)
    if e.starts:
        out += ["", _heading("What would make the other outcomes equilibria", fmt, 3)]
        for s in e.starts:
            out += _bullets(s.sentences, fmt)
    return out


def _threshold_lines(title: str, sentences, names=frozenset()) -> tuple[str, list[str]]:
    """Drop the equilibrium's name repeated at the head of each threshold sentence.

    "The deal (Relax, Supply) holds while X stays below 8.1 …" becomes "X stays below 8.1 …"
    under the heading "The deal (Relax, Supply) holds while"; the whole-range sentence keeps
    its verb ("It holds over …"). Returns ("", sentences) unchanged if they do not all fit.
    """
    for verb in ("holds", "exists"):
        lead = f"{title} {verb} "
        if sentences and all(s.startswith(lead) for s in sentences):
            out = []
            for s in sentences:
                rest = s[len(lead):]
                if rest.startswith("while "):
                    rest = rest[len("while "):]
                    bare = rest.split(" ", 1)[0] in names  # a parameter's own name: 't', not 'T'
                    out.append(rest if bare else rest[:1].upper() + rest[1:])
                else:
                    out.append(f"It {verb} {rest}")
            return verb, out
    return "", list(sentences)


def render_comparison(comparison, fmt: str = "text") -> str:
    """The story of what changed between two scenarios and which changes were decisive."""
    _check(fmt)
    c = comparison
    out = [_heading(f"From {c.a['name']} to {c.b['name']}", fmt, 1 if fmt == "markdown" else 2), ""]
    out += _para([f"{c.a['title']} → {c.b['title']}. Game: {c.form}"
                  + (f" ({c.levels} levels)" if c.form == "graded" else "") + "."], fmt)
    out += ["", _heading("What changed", fmt, 3)]
    out += _bullets(
        (f"{ch.name}: {_value(ch.a)} → {_value(ch.b)}" + (f" ({ch.label})" if ch.label != ch.name else "")
         for ch in c.changes), fmt
    ) or ["(no parameter differs)"]
    out += ["", _heading("Equilibria", fmt, 3)]
    for name, eqs, cls in ((c.a["name"], c.equilibria_a, c.class_a), (c.b["name"], c.equilibria_b, c.class_b)):
        kind = f" — {cls}" if cls else ""
        out += _bullets([f"{name}{kind}: " + "; ".join(eqs)], fmt)
    out += ["", _heading("Why the outcome moved", fmt, 3)]
    if not c.flips:
        out += _bullets(["No pure outcome changed status."], fmt)
    for f in c.flips:
        out += [""] if fmt == "text" else []
        out += _bullets(f.sentences, fmt)
    if c.kept:
        out += ["", _heading("What stayed", fmt, 3)]
        out += _bullets((f"{k[:1].upper() + k[1:]} is an equilibrium in both." for k in c.kept), fmt)
    return "\n".join(out).rstrip() + "\n"
