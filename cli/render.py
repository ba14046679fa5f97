"""Render normal-form games, solutions and scenarios as text, Markdown or JSON-ready data."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from games.solvers.equilibrium import Equilibrium
from games.forms.normal_form import NormalFormGame
from games.model.scenarios import Scenario

#: Largest matrix printed cell by cell; bigger games list equilibria only.
MAX_MATRIX = 12


def num(v: float, digits: int = 4, scale: float | None = None) -> str:
    """A compact, stable rendering of a number: 0.4054, -6.5, 3.

    With scale (the game's largest |payoff|), a value too small for `digits` decimals but
    above the solvers' tie level (1e-9 × scale) keeps two significant digits ('3e-09',
    '0.004'), so a game in tiny units does not read as all zeros; below that level it is
    float noise and reads 0."""
    if abs(v) < 10 ** (-digits) / 2:
        if scale is not None and abs(v) > 1e-9 * scale:
            return f"{v:.2g}"
        v = 0.0
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def payoff_scale(game: NormalFormGame) -> float:
    """The game's largest |payoff| (0 for an empty game): what `num` compares tiny values with."""
    return max((max(-lo, hi) for lo, hi in game.payoff_bounds), default=0.0)


def outcome_label(game: NormalFormGame, eq: Equilibrium) -> str:
    """'(Relax, Supply)' for a pure equilibrium, 'mixed' otherwise."""
    if eq.is_pure:
        return "(" + ", ".join(game.strategies[i][int(np.argmax(p))] for i, p in enumerate(eq.profile)) + ")"
    return "mixed"


def describe_profile(game: NormalFormGame, eq: Equilibrium) -> str:
    """'US: Restrict 0.4054, Relax 0.5946; China: ...' listing only the support."""
    parts = []
    for i, p in enumerate(eq.profile):
        support = [f"{game.strategies[i][k]} {num(v)}" for k, v in enumerate(p) if v > 1e-12]
        parts.append(f"{game.players[i]}: " + ", ".join(support))
    return "; ".join(parts)


def _pure_cells(game: NormalFormGame, equilibria: Sequence[Equilibrium]) -> set[tuple[int, ...]]:
    return {
        tuple(int(np.argmax(p)) for p in eq.profile) for eq in equilibria if eq.is_pure
    }


def _best_response_marks(game: NormalFormGame) -> list[np.ndarray]:
    from games.solvers.best_response import best_response_mask

    return [best_response_mask(game, i) for i in range(game.n_players)]


def matrix_rows(game: NormalFormGame, equilibria: Sequence[Equilibrium]) -> list[list[str]]:
    """Header plus one row per row-strategy; cells 'u*, v' with * on best responses."""
    A, B = game.bimatrix()
    marks = _best_response_marks(game)
    eq_cells = _pure_cells(game, equilibria)
    header = [f"{game.players[0]} \\ {game.players[1]}"] + list(game.strategies[1])
    rows = [header]
    scale = payoff_scale(game)
    for i, rlabel in enumerate(game.strategies[0]):
        row = [rlabel]
        for j in range(len(game.strategies[1])):
            a = num(A[i, j], 2, scale) + ("*" if marks[0][i, j] else "")
            b = num(B[i, j], 2, scale) + ("*" if marks[1][i, j] else "")
            cell = f"{a}, {b}"
            row.append(f"[{cell}]" if (i, j) in eq_cells else cell)
        rows.append(row)
    return rows


def text_table(rows: list[list[str]], width: int | None = None) -> str:
    """Rows as aligned columns (first left, others right), fitted to the output width.

    When the table is wider than the output, its last column is wrapped (left-aligned,
    continuation lines under it) or, if that would leave it too narrow, printed under
    each row, indented; a row still too wide is cut with "…".
    """
    from cli import layout

    limit = width or layout.width()
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    lead = sum(widths[:-1]) + 2 * (len(widths) - 1)
    too_wide = len(widths) > 1 and lead + widths[-1] > limit
    if too_wide and limit - lead < 30:
        return _stacked_table(rows, limit)
    wrap_last = too_wide and limit - lead >= 12
    if wrap_last:
        widths[-1] = min(widths[-1], limit - lead)
    lines = []
    for n, r in enumerate(rows):
        cells = [c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(r[:-1], widths[:-1]))]
        if wrap_last:
            parts = layout.wrap_cell(r[-1], widths[-1])
            lines.append("  ".join(cells + [parts[0]]).rstrip())
            lines += [(" " * lead + p).rstrip() for p in parts[1:]]
        else:
            cells.append(r[-1].ljust(widths[-1]) if len(r) == 1 else r[-1].rjust(widths[-1]))
            lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(layout.fit_line(line, limit)[0] if len(line) > limit else line for line in lines)


def _stacked_table(rows: list[list[str]], limit: int) -> str:
    """A table whose last column goes under each row, indented and wrapped; when the other
    columns are still too wide, every column past those that fit goes under the row, one
    line each, named by its header."""
    from cli import layout

    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    if sum(widths[:-1]) + 2 * (len(widths) - 2) > limit and len(widths) > 2:
        keep = 1
        while keep < len(widths) - 1 and sum(widths[: keep + 1]) + 2 * keep <= limit:
            keep += 1
        head = text_table([r[:keep] for r in rows], limit).split("\n")
        out = head[:2]
        for line, r in zip(head[2:], rows[1:]):
            out.append(line)
            for k in range(keep, len(r)):
                out += ["    " + p for p in layout.wrap_cell(f"{rows[0][k]}: {r[k]}", limit - 4)]
        return "\n".join(out)
    head = text_table([r[:-1] for r in rows], limit).split("\n")
    out = [head[0] + f"  ({rows[0][-1]} below)" if len(head[0]) + len(rows[0][-1]) + 10 <= limit else head[0], head[1]]
    for line, r in zip(head[2:], rows[1:]):
        out.append(line)
        out += ["    " + p for p in layout.wrap_cell(r[-1], limit - 4)]
    return "\n".join(out)


def markdown_table(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(c.replace("*", "\\*") for c in r) + " |" for r in rows[1:]]
    return "\n".join(out)


def matrix_block(game: NormalFormGame, equilibria: Sequence[Equilibrium], fmt: str) -> str:
    """The payoff matrix with best responses (*) and equilibrium cells ([ ]) marked."""
    if game.n_players != 2:
        return _pure_profile_list(game, equilibria, fmt)
    if max(game.shape) > MAX_MATRIX:
        return f"(a {game.shape[0]}×{game.shape[1]} matrix is too large to print; equilibria below)"
    rows = matrix_rows(game, equilibria)
    legend = (
        f"Payoffs ({game.players[0]}, {game.players[1]}); * marks a best response, "
        "[ ] a pure equilibrium."
    )
    if fmt == "markdown":
        return legend + "\n\n" + markdown_table(rows)
    return legend + "\n\n" + text_table(rows)


def _pure_profile_list(game: NormalFormGame, equilibria, fmt: str) -> str:
    from games.solvers.best_response import all_profiles

    profiles = int(np.prod(game.shape))
    if profiles > 64:  # counted before any row is built: a large game costs nothing here
        return f"({profiles} pure profiles; too many to print)"
    eq_cells = _pure_cells(game, equilibria)
    scale = payoff_scale(game)
    rows = [["profile"] + list(game.players)]
    for prof in all_profiles(game):
        label = ", ".join(game.strategies[i][s] for i, s in enumerate(prof))
        if prof in eq_cells:
            label = f"[{label}]"
        rows.append([label] + [num(game.payoff(i, prof), 2, scale) for i in range(game.n_players)])
    return markdown_table(rows) if fmt == "markdown" else text_table(rows)


def game_data(game: NormalFormGame) -> dict[str, Any]:
    return {
        "title": game.title,
        "players": list(game.players),
        "strategies": [list(s) for s in game.strategies],
    }


def equilibrium_data(game: NormalFormGame, eq: Equilibrium, explanation: Any) -> dict[str, Any]:
    return {
        "profile": [list(p) for p in eq.profile],
        "payoffs": list(eq.payoffs),
        "pure": eq.is_pure,
        "outcome": outcome_label(game, eq),
        "max_regret": eq.max_regret,
        "explanation": explanation,
    }


def scenario_data(s: Scenario) -> dict[str, Any]:
    data = {
        "name": s.name,
        "title": s.title,
        "summary": s.summary,
        "parameters": dict(s.parameters),
        "overrides": {k: v for k, v in s.overrides},
        "source_file": s.source_file,
        "provenance": {
            name: (prov.to_dict() if (prov := s.value_provenance(name)) is not None else None)
            for name in s.parameters
        },
    }
    if getattr(s, "model", None) is not None:  # a model file's scenario: which model
        data["model"] = {"name": s.model.name, "title": s.model.title, "source_file": s.model.source_file}
    elif getattr(s, "model_values", None):  # the tariff values of --game package, with provenance
        data["package_values"] = {
            name: {"value": v, "provenance": (prov.to_dict() if (prov := s.value_provenance(name)) is not None else None)}
            for name, v in s.model_values.items()
        }
    return data


def provenance_text(s: Scenario, name: str) -> str:
    """Where the scenario's value of a parameter comes from, in one line."""
    prov = s.value_provenance(name)
    return prov.line() if prov is not None else "no provenance given (set by the scenario file)"


def parameters_block(s: Scenario, fmt: str) -> str:
    """Table of every parameter: value (marked if changed), default, range, unit, meaning."""
    from games.trade.parameters import PARAMETERS

    params = PARAMETERS if getattr(s, "model", None) is None else s.model.parameters
    rows = [["parameter", "side", "value", "default", "range", "meaning"]]
    for name, p in params.items():
        value = s.parameters.get(name, p.default)
        mark = "" if value == p.default else " (changed)"
        rows.append([name, p.side, num(value) + mark, num(p.default), f"{num(p.low)}–{num(p.high)}", p.meaning])
    table = markdown_table(rows) if fmt == "markdown" else text_table(rows)
    bullet = "- " if fmt == "markdown" else "  "
    head = "**Where each value comes from**" if fmt == "markdown" else "Where each value comes from:"
    lines = [f"{bullet}{name}: {provenance_text(s, name)}" for name in params]
    extra = dict(getattr(s, "model_values", {}) or {})
    if extra and getattr(s, "model", None) is None:  # tariff values of --game package
        sub = ("**Values of the package form (--game package: tariffs)**" if fmt == "markdown"
               else "Values of the package form (--game package: tariffs):")
        lines += ["", sub, *([""] if fmt == "markdown" else [])]
        lines += [f"{bullet}{name} = {num(v)}: {provenance_text(s, name)}" for name, v in extra.items()]
    return "\n".join([table, "", head, *([""] if fmt == "markdown" else []), *lines])
