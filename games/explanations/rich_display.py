"""Games, solutions and explanations as HTML, for Jupyter notebooks (``_repr_html_``).

Pure string builders: nothing is printed, nothing imported beyond numpy and the standard
library. `NormalFormGame`, `Solution` and `Explanation` call these from their
``_repr_html_`` methods, so a notebook cell ending in a game, a solution or an explanation
shows a formatted table and lists instead of a dataclass repr. Every text is escaped.
"""

from __future__ import annotations

import html
from typing import Any, Sequence

import numpy as np

from games.solvers.best_response import best_response_mask

#: the equilibrium cell's colours (those of the pictures and the classroom page)
EQ_FILL = "#cdebc5"
EQ_EDGE = "#2e7d32"
STYLE = (
    "<style>.tg-matrix{border-collapse:collapse;margin:.3em 0}.tg-matrix th,.tg-matrix td{border:1px solid #c9ced6;"
    "padding:.2em .6em;text-align:center}.tg-matrix th{background:#eef1f5}.tg-u{color:#1f4e9c}.tg-v{color:#b3261e}"
    ".tg-best{font-weight:bold}.tg-eq{background:" + EQ_FILL + ";outline:2px solid " + EQ_EDGE + ";outline-offset:-2px}"
    "</style>"
)


def _e(text: object) -> str:
    return html.escape(str(text))


def number(v: float, digits: int = 4) -> str:
    """A compact number: 0.4054, -6.5, 3 (as the command line prints them)."""
    if abs(v) < 10 ** (-digits) / 2:
        v = 0.0
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pure_cells(equilibria: Sequence) -> set[tuple[int, ...]]:
    """The pure profiles among the equilibria, as strategy indices."""
    return {tuple(int(np.argmax(p)) for p in eq.profile) for eq in equilibria if eq.is_pure}


def matrix_html(game, equilibria: Sequence = (), answers: bool = True, cells: set | None = None,
                classes: tuple[str, ...] = ("tg-matrix", "tg-eq", "tg-best", "tg-u", "tg-v")) -> str:
    """A two-player game's payoff matrix as an HTML table (rows: the first player).

    With ``answers`` each player's best responses are bold and starred and the pure
    equilibria among ``equilibria`` (or the (row, column) pairs in ``cells``) shaded;
    without, the bare payoffs. ``classes`` names the CSS classes used for the table, an
    equilibrium cell, a best response and each player's payoff.
    """
    table_cls, eq_cls, best_cls, u_cls, v_cls = classes
    A, B = game.bimatrix()
    rb = best_response_mask(game, 0) if answers else np.zeros(A.shape, bool)
    cb = best_response_mask(game, 1) if answers else np.zeros(A.shape, bool)
    marked = (set(cells or ()) | pure_cells(equilibria)) if answers else set()
    p0, p1 = game.players
    out = [f'<table class="{table_cls}"><thead><tr><th></th><th class="col" colspan="{A.shape[1]}">{_e(p1)}</th></tr>',
           f'<tr><th class="row">{_e(p0)}</th>']
    out += [f'<th class="col">{_e(s)}</th>' for s in game.strategies[1]]
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(game.strategies[0]):
        out.append(f'<tr><th class="row">{_e(row)}</th>')
        for j in range(A.shape[1]):
            cls = f"cell {eq_cls}" if (i, j) in marked else "cell"
            u = f'<span class="{u_cls}{" " + best_cls if rb[i, j] else ""}">{number(A[i, j], 2)}{"*" if rb[i, j] else ""}</span>'
            v = f'<span class="{v_cls}{" " + best_cls if cb[i, j] else ""}">{number(B[i, j], 2)}{"*" if cb[i, j] else ""}</span>'
            out.append(f'<td class="{cls}">{u}, {v}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def payoff_lists(game) -> str:
    """A game with other than two players: each pure profile's payoffs, one row each."""
    rows = []
    for profile in np.ndindex(*game.shape):
        labels = ", ".join(game.strategies[i][k] for i, k in enumerate(profile))
        pays = ", ".join(number(float(a[profile]), 2) for a in game.payoffs)
        rows.append(f"<tr><td>({_e(labels)})</td><td>{_e(pays)}</td></tr>")
        if len(rows) >= 64:
            rows.append(f"<tr><td colspan=2>… {int(np.prod(game.shape)) - 64} more profiles</td></tr>")
            break
    return (f'<table class="tg-matrix"><thead><tr><th>profile</th><th>payoffs ({_e(", ".join(game.players))})</th>'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def game_html(game) -> str:
    """A normal-form game: title, players and the payoff table with best responses marked."""
    head = f"<strong>{_e(game.title)}</strong> — {_e(', '.join(game.players))}; strategies {_e(' × '.join(map(str, game.shape)))}"
    if game.n_players == 2 and max(game.shape) <= 12:
        body = matrix_html(game) + "<div><small>Payoffs (row, column); bold with * = best response.</small></div>"
    else:
        body = payoff_lists(game)
    return f"{STYLE}<div>{head}</div>{body}"


def profile_text(game, eq) -> str:
    """'(Relax, Supply)' for a pure equilibrium; each player's mix over its support otherwise."""
    if eq.is_pure:
        return "(" + ", ".join(game.strategies[i][int(np.argmax(p))] for i, p in enumerate(eq.profile)) + ")"
    parts = []
    for i, p in enumerate(eq.profile):
        support = [f"{game.strategies[i][k]} {number(v)}" for k, v in enumerate(p) if v > 1e-12]
        parts.append(f"{game.players[i]}: " + ", ".join(support))
    return "; ".join(parts)


def solution_html(solution) -> str:
    """A solution: the matrix with equilibrium cells shaded, and every verified equilibrium."""
    game = solution.game
    scope = "all of them" if solution.complete else (solution.note or "not necessarily all")
    head = (f"<strong>{_e(game.title)}</strong>: {len(solution.equilibria)} equilibria ({_e(scope)}; method "
            f"{_e(solution.method)}; each verified: no player gains more than {solution.tolerance:.0e} by deviating alone)")
    table = ""
    if game.n_players == 2 and max(game.shape) <= 12:
        table = matrix_html(game, solution.equilibria)
    items = []
    for eq in solution.equilibria:
        kind = "pure" if eq.is_pure else "mixed"
        pays = ", ".join(f"{p} {number(v)}" for p, v in zip(game.players, eq.payoffs))
        items.append(f"<li>{kind} <strong>{_e(profile_text(game, eq))}</strong> — payoffs {_e(pays)}</li>")
    return f"{STYLE}<div>{head}</div>{table}<ol>{''.join(items)}</ol>"


def _list(title: str, lines: Sequence[str]) -> str:
    if not lines:
        return ""
    return f"<p><strong>{_e(title)}</strong></p><ul>" + "".join(f"<li>{_e(s)}</li>" for s in lines) + "</ul>"


def explanation_html(expl: Any) -> str:
    """An explanation: overview, why each equilibrium holds, dominance, selection, thresholds."""
    parts = [f"<div><strong>{_e(expl.title)}</strong></div>", _list("In brief", expl.overview)]
    parts.append(_list("Why each equilibrium holds", [" ".join(eq.sentences) for eq in expl.equilibria]))
    parts.append(_list("Dominance", expl.dominance.sentences))
    if expl.selection is not None:
        parts.append(_list("Which equilibrium?", expl.selection.sentences))
    for t in expl.thresholds:
        parts.append(_list(f"Thresholds of {t.label} ({t.method})", t.sentences))
    if expl.starts:
        parts.append(_list("What would make the other outcomes equilibria", [s for p in expl.starts for s in p.sentences]))
    parts.append(_list("Notes", expl.notes))
    return "".join(parts)
