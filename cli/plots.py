"""Pictures of games for the classroom: payoff matrix, best responses, learning dynamics.

Each ``*_figure`` function takes a game and its verified equilibria and returns a
matplotlib Figure; `save` writes it atomically. matplotlib is imported lazily (the
optional "plot" extra), so the rest of tradegame works without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from games.solvers.equilibrium import Equilibrium
from games.errors import InputError
from games.forms.normal_form import NormalFormGame

#: Largest matrix drawn cell by cell.
MAX_DRAWN = 12
SUFFIXES = (".png", ".svg")
US_COLOR = "#1f4e9c"
CN_COLOR = "#b3261e"
EQ_FILL = "#cdebc5"
EQ_EDGE = "#2e7d32"


def require():
    """matplotlib, or a one-line InputError if it is missing (pyplot is not imported: it
    costs about half a second more, and the command line does not need it)."""
    try:
        import matplotlib
    except ModuleNotFoundError:
        raise InputError(
            "tradegame plot: matplotlib is not installed; install the extra: pip install 'tradegame[plot]'"
        ) from None
    return matplotlib


def pyplot():
    """matplotlib's pyplot, or a one-line InputError if matplotlib is missing.

    The command line draws on the non-interactive Agg backend. A notebook or script that
    imported pyplot first keeps its own backend, so the figures show inline there.
    """
    import sys

    matplotlib = require()
    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def subplots(*args, **kwargs):
    """(figure, axes) as ``pyplot.subplots`` makes them.

    Where pyplot is already loaded (a notebook, a script) it makes them, so the figure shows
    inline there; elsewhere (the command line) the figure is a plain `Figure` on an Agg
    canvas, without importing pyplot or a GUI backend."""
    import sys

    require()
    if "matplotlib.pyplot" in sys.modules:
        return sys.modules["matplotlib.pyplot"].subplots(*args, **kwargs)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=kwargs.pop("figsize", None))
    FigureCanvasAgg(fig)
    return fig, fig.subplots(*args, **kwargs)


def close(fig) -> None:
    """Forget a figure pyplot manages (a plain Figure needs nothing: it is garbage collected)."""
    import sys

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close(fig)


def colormap(name: str):
    import matplotlib

    return matplotlib.colormaps[name]


def _num(v: float) -> str:
    from cli.render import num

    return num(v, 2)


def _pure_cells(equilibria: Sequence[Equilibrium]) -> set[tuple[int, int]]:
    return {tuple(int(np.argmax(p)) for p in eq.profile) for eq in equilibria if eq.is_pure}


def _describe(game: NormalFormGame, eq: Equilibrium) -> str:
    from cli.render import describe_profile, outcome_label

    return outcome_label(game, eq) if eq.is_pure else describe_profile(game, eq)


# ------------------------------------------------------------------ payoff matrix
def matrix_figure(game: NormalFormGame, equilibria: Sequence[Equilibrium]):
    """The payoff matrix: best responses in bold with *, pure equilibria shaded green."""
    from games.solvers.best_response import best_response_mask

    A, B = game.bimatrix()
    m, n = A.shape
    if max(m, n) > MAX_DRAWN:
        raise InputError(f"tradegame plot matrix: a {m}×{n} matrix is too large to draw (at most {MAX_DRAWN} per side)")
    from matplotlib.patches import Rectangle

    br = [best_response_mask(game, 0), best_response_mask(game, 1)]
    cells = _pure_cells(equilibria)
    mixed = [eq for eq in equilibria if not eq.is_pure]
    cw, ch = 2.2, 1.0
    fig_w = 2.6 + cw * n
    fig_h = 1.6 + ch * m + 0.42 * len(mixed)
    fig, ax = subplots(figsize=(max(fig_w, 6.0), fig_h))
    ax.set_xlim(-1.7, cw * n + 0.1)
    ax.set_ylim(-0.42 * (len(mixed) + 1) - 0.15, ch * m + 1.0)
    ax.axis("off")
    ax.set_title(game.title, fontsize=12, loc="left")
    ax.text(cw * n / 2, ch * m + 0.65, game.players[1], ha="center", fontsize=11, color=CN_COLOR, weight="bold")
    ax.text(-1.65, ch * m + 0.25, game.players[0], ha="left", fontsize=11, color=US_COLOR, weight="bold")
    size = 11 if n <= 4 else 8
    for j, label in enumerate(game.strategies[1]):
        ax.text(cw * (j + 0.5), ch * m + 0.25, label, ha="center", va="center", fontsize=size, color=CN_COLOR)
    for i, label in enumerate(game.strategies[0]):
        y = ch * (m - i - 0.5)
        ax.text(-0.1, y, label, ha="right", va="center", fontsize=size, color=US_COLOR)
        for j in range(n):
            eq = (i, j) in cells
            ax.add_patch(Rectangle(
                (cw * j, ch * (m - i - 1)), cw, ch,
                facecolor=EQ_FILL if eq else "white", edgecolor=EQ_EDGE if eq else "#777777",
                linewidth=2.5 if eq else 0.8, zorder=1 if not eq else 2,
            ))
            u = _num(A[i, j]) + ("*" if br[0][i, j] else "")
            v = _num(B[i, j]) + ("*" if br[1][i, j] else "")
            cx = cw * (j + 0.5)
            ax.text(cx - 0.08, y, u + ",", ha="right", va="center", fontsize=size, color=US_COLOR,
                    weight="bold" if br[0][i, j] else "normal", zorder=3)
            ax.text(cx + 0.08, y, v, ha="left", va="center", fontsize=size, color=CN_COLOR,
                    weight="bold" if br[1][i, j] else "normal", zorder=3)
    notes = [f"Payoffs ({game.players[0]}, {game.players[1]}). Bold with * = best response; "
             "green cell = pure Nash equilibrium."]
    notes += [f"Mixed equilibrium: {_describe(game, eq)}" for eq in mixed]
    for k, line in enumerate(notes):
        ax.text(-1.65, -0.3 - 0.42 * k, line, ha="left", va="center", fontsize=8.5, color="#333333")
    return finish(fig)


# ------------------------------------------------------------------ best responses (2×2)
def response_segments(at_zero: float, at_one: float, tol: float = 1e-12):
    """A player's best-response correspondence as segments in (t, s) coordinates.

    ``t`` is the probability that the opponent plays its second strategy; ``s`` the
    probability that the player plays its own second strategy. ``at_zero`` and ``at_one``
    are the player's gain from its second strategy over its first when the opponent plays
    its first (t = 0) or second (t = 1) strategy; the gain is linear in t in between.
    Returns (segments, whole) where whole is True when the player is always indifferent.
    """
    a, b = float(at_zero), float(at_one)
    if abs(a) <= tol and abs(b) <= tol:
        return [], True
    gain = lambda t: (1 - t) * a + t * b  # noqa: E731
    breaks = [0.0, 1.0]
    if (a < -tol < tol < b) or (b < -tol < tol < a):
        breaks.insert(1, a / (a - b))
    segments = []
    for t0, t1 in zip(breaks, breaks[1:]):
        g = gain((t0 + t1) / 2)
        s = 1.0 if g > 0 else 0.0
        segments.append(((t0, s), (t1, s)))
    for t in breaks:
        if abs(gain(t)) <= tol:
            segments.append(((t, 0.0), (t, 1.0)))
    return segments, False


def _two_by_two(game: NormalFormGame, kind: str) -> tuple[np.ndarray, np.ndarray]:
    A, B = game.bimatrix()
    if A.shape != (2, 2):
        raise InputError(
            f"tradegame plot {kind}: expected a 2×2 game, got {A.shape[0]}×{A.shape[1]} "
            "(use --game simultaneous or a 2×2 .nfg)"
        )
    return A, B


def _square_axes(ax, game: NormalFormGame) -> None:
    ax.set_xlim(-0.04, 1.04)
    ax.set_ylim(-0.04, 1.04)
    ax.set_aspect("equal")
    r, c = game.strategies
    ax.set_xlabel(f"p = probability that {game.players[0]} plays {r[1]}", color=US_COLOR)
    ax.set_ylabel(f"q = probability that {game.players[1]} plays {c[1]}", color=CN_COLOR)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
    ax.grid(True, color="#e5e5e5", linewidth=0.6)
    for (x, y), (ri, ci) in {(0, 0): (0, 0), (1, 0): (1, 0), (0, 1): (0, 1), (1, 1): (1, 1)}.items():
        ax.annotate(f"({r[ri]}, {c[ci]})", (x, y), fontsize=7.5, color="#555555",
                    xytext=(10 if x == 0 else -10, 6 if y == 0 else -12), textcoords="offset points",
                    ha="left" if x == 0 else "right")


def _draw_responses(ax, game: NormalFormGame, alpha: float = 1.0, labels: bool = True) -> None:
    A, B = game.bimatrix()
    us_segments, us_whole = response_segments(A[1, 0] - A[0, 0], A[1, 1] - A[0, 1])
    cn_segments, cn_whole = response_segments(B[0, 1] - B[0, 0], B[1, 1] - B[1, 0])
    if us_whole:
        ax.fill_between([0, 1], 0, 1, color=US_COLOR, alpha=0.12 * alpha)
    if cn_whole:
        ax.fill_between([0, 1], 0, 1, color=CN_COLOR, alpha=0.12 * alpha)
    for k, ((t0, s0), (t1, s1)) in enumerate(us_segments):  # US: t = q, s = p → plot (p, q)
        ax.plot([s0, s1], [t0, t1], color=US_COLOR, linewidth=3.2, alpha=alpha, solid_capstyle="round",
                label=f"{game.players[0]}'s best response" if labels and k == 0 else None)
    for k, ((t0, s0), (t1, s1)) in enumerate(cn_segments):  # China: t = p, s = q
        ax.plot([t0, t1], [s0, s1], color=CN_COLOR, linewidth=1.8, alpha=alpha, linestyle="--",
                label=f"{game.players[1]}'s best response" if labels and k == 0 else None)


def _draw_equilibria(ax, game: NormalFormGame, equilibria: Sequence[Equilibrium]) -> None:
    for k, eq in enumerate(equilibria):
        p, q = float(eq.profile[0][1]), float(eq.profile[1][1])
        label = "Nash equilibria" if k == 0 else None
        ax.plot([p], [q], "o", markersize=10, markerfacecolor=EQ_FILL, markeredgecolor=EQ_EDGE,
                markeredgewidth=2.2, zorder=5, label=label)
        if not eq.is_pure:
            right, low = p <= 0.6, q <= 0.85  # keep the label inside the square
            ax.annotate(f"mixed: p = {_num(p)}, q = {_num(q)}", (p, q),
                        xytext=(8 if right else -8, 8 if low else -14), textcoords="offset points",
                        ha="left" if right else "right", fontsize=8.5, color=EQ_EDGE, weight="bold",
                        bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.8))


def best_response_figure(game: NormalFormGame, equilibria: Sequence[Equilibrium]):
    """Both best-response correspondences in the (p, q) square; they cross at the equilibria."""
    _two_by_two(game, "best-response")
    fig, ax = subplots(figsize=(6.4, 6.4))
    _square_axes(ax, game)
    _draw_responses(ax, game)
    _draw_equilibria(ax, game, equilibria)
    ax.set_title(f"Best responses — {game.title}", fontsize=11, loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8.5, frameon=False)
    return finish(fig)


# ------------------------------------------------------------------ learning dynamics
RULES = ("replicator", "fictitious-play")


def dynamics_figure(game: NormalFormGame, equilibria: Sequence[Equilibrium], rule: str, steps: int,
                    resolution: int = 800):
    """Paths of learning dynamics: in the (p, q) square for 2×2 games, over time otherwise.

    ``resolution``: replicator points computed per run time (fewer draw a small picture
    as well, sooner: the report uses 200)."""
    from games.solvers.learning import check_steps

    if rule not in RULES:
        raise InputError(f"option --rule: expected one of {', '.join(RULES)}, got '{rule}'")
    check_steps(steps)
    game.bimatrix()
    if game.shape == (2, 2):
        return _dynamics_square(game, equilibria, rule, steps, resolution)
    return _dynamics_series(game, rule, steps, resolution)


#: starting points (p, q) of the paths in the 2×2 square
STARTS = tuple((p0, q0) for p0 in (0.1, 0.5, 0.9) for q0 in (0.1, 0.5, 0.9))
#: a replicator path still on its way at the end of its run time continues up to this many times longer
EXTEND = 4
#: a path has arrived when it is this close to a corner (a pure profile) of the square
ARRIVED = 0.01


def _paths(game: NormalFormGame, rule: str, steps: int, resolution: int = 800) -> list[np.ndarray]:
    """List of (k, 2) arrays of (p, q) points for a 2×2 game, from several starts."""
    from games.solvers import learning

    paths = []
    if rule == "replicator":
        scaled = learning.scaled_payoffs(game)
        horizon = min(steps / 2, learning.MAX_HORIZON)
        total = min(EXTEND * horizon, learning.MAX_HORIZON)
        points = resolution
        _, xs, ys = learning.replicator_paths(
            scaled, [[1 - p0, p0] for p0, _ in STARTS], [[1 - q0, q0] for _, q0 in STARTS],
            horizon=total, points=int(points * total / horizon),
        )
        for x, y in zip(xs, ys):
            path = np.column_stack([x[:, 1], y[:, 1]])
            paths.append(path[: _arrival(path, points)])
    else:
        for seed, (p0, q0) in enumerate(STARTS):  # prior plays out of 10: start at p, q in {0.1, 0.5, 0.9}
            p10, q10 = round(10 * p0), round(10 * q0)
            rows, cols = learning.fictitious_play_path(game, [(10 - p10, p10), (10 - q10, q10)], steps, seed=seed)
            paths.append(np.column_stack([rows[:, 1], cols[:, 1]]))
    return paths


#: where along a path (share of its length) arrowheads show the direction of play
ARROWS_AT = (0.2, 0.65)


def _arrow_points(path: np.ndarray) -> list[int]:
    """Indices of the path points where arrowheads go: early and late along its length.

    A path that runs towards a saddle (Chicken's mixed equilibrium) and veers away gets
    an arrowhead on each leg, so the picture shows it leaving, not ending there.
    """
    steps = np.hypot(*np.diff(path, axis=0).T) if len(path) > 1 else np.zeros(0)
    total = float(steps.sum())
    if total < 1e-6:
        return []
    run = np.concatenate([[0.0], np.cumsum(steps)])
    out = []
    for share in ARROWS_AT:
        k = int(np.searchsorted(run, share * total))
        k = min(max(k, 0), len(path) - 2)
        while k + 1 < len(path) - 1 and np.hypot(*(path[k + 1] - path[k])) < 1e-9:
            k += 1
        if np.hypot(*(path[k + 1] - path[k])) > 1e-9 and k not in out:
            out.append(k)
    return out


def _arrival(path: np.ndarray, points: int) -> int:
    """How much of a replicator path to draw: its run time, or longer until it reaches a corner.

    Near a saddle (the mixed equilibrium of Chicken or a Stag Hunt) the replicator flow is
    slow, so a path can still be on its way when the run time ends; it is drawn on until it
    arrives at a pure profile (or the extended time runs out, as on a cycle).
    """
    near = np.minimum(path, 1 - path).max(axis=1) < ARRIVED
    if near[min(points, len(path)) - 1]:
        return min(points, len(path))
    later = np.flatnonzero(near[points:])
    return points + int(later[0]) + 1 if len(later) else len(path)


def _dynamics_square(game, equilibria, rule: str, steps: int, resolution: int = 800):
    fig, ax = subplots(figsize=(6.4, 6.4))
    _square_axes(ax, game)
    _draw_responses(ax, game, alpha=0.35)
    colors = colormap("viridis")(np.linspace(0.05, 0.85, 9))
    for k, path in enumerate(_paths(game, rule, steps, resolution)):
        color = colors[k % len(colors)]
        # drawn over the equilibrium markers, so a path that passes a saddle is seen to go on
        ax.plot(path[:, 0], path[:, 1], color=color, linewidth=1.3, zorder=6)
        ax.plot([path[0, 0]], [path[0, 1]], "s", color=color, markersize=4, zorder=6)
        for at in _arrow_points(path):
            ax.annotate("", xy=path[at + 1], xytext=path[at], zorder=7,
                        arrowprops=dict(arrowstyle="-|>", color=color, lw=1.3, mutation_scale=14))
    _draw_equilibria(ax, game, equilibria)
    name = "Replicator dynamics" if rule == "replicator" else f"Fictitious play ({steps} rounds)"
    ax.set_title(f"{name} — {game.title}", fontsize=11, loc="left")
    ax.text(0.0, -0.175, "Squares: where each path starts. Arrowheads: the way play moves, also after a\n"
            "path passes close to an equilibrium and veers away. Faint lines: best responses.",
            transform=ax.transAxes, fontsize=8, color="#444444", va="top")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8.5, frameon=False)
    return finish(fig)


def _dynamics_series(game, rule: str, steps: int, resolution: int = 800):
    from games.solvers import learning

    m, n = game.shape
    if rule == "replicator":
        scaled = learning.scaled_payoffs(game)
        x0 = np.full(m, 1.0 / m)
        y0 = np.full(n, 1.0 / n)
        # nudge off the exact centre so ties do not freeze the path
        x0 = (x0 + np.linspace(0, 0.02, m)) / (1 + 0.01 * m)
        y0 = (y0 + np.linspace(0.02, 0, n)) / (1 + 0.01 * n)
        times, xs, ys = learning.replicator_path(scaled, x0 / x0.sum(), y0 / y0.sum(),
                                                 horizon=min(steps / 2, learning.MAX_HORIZON), points=resolution)
        xlabel = "time"
    else:
        xs, ys = learning.fictitious_play_path(game, [np.ones(m), np.ones(n)], steps)
        times = np.arange(len(xs))
        xlabel = "round"
    fig, axes = subplots(2, 1, figsize=(7.2, 6.4), sharex=True)
    for ax, series, player, labels in ((axes[0], xs, game.players[0], game.strategies[0]),
                                       (axes[1], ys, game.players[1], game.strategies[1])):
        cmap = colormap("viridis")(np.linspace(0, 0.9, series.shape[1]))
        for k in range(series.shape[1]):
            ax.plot(times, series[:, k], color=cmap[k], label=labels[k])
        ax.set_ylabel(f"{player}: share of play")
        ax.set_ylim(-0.03, 1.03)
        ax.legend(fontsize=7.5, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
        ax.grid(True, color="#e5e5e5", linewidth=0.6)
    axes[1].set_xlabel(xlabel)
    name = "Replicator dynamics" if rule == "replicator" else "Fictitious play"
    axes[0].set_title(f"{name} — {game.title}", fontsize=11, loc="left")
    return finish(fig)


# ------------------------------------------------------------------ saving
def check_output(path: Path, force: bool) -> str:
    """The picture format from the file name; refuse a target `cli.outfiles` would not write."""
    from cli.outfiles import check_output as check_target

    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"option --output: expected a file name ending in .png or .svg, got '{path}'")
    check_target(path, force)
    return suffix[1:]


def render_bytes(fig, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes (no timestamps, so output is reproducible)."""
    import io

    _show_control_characters(fig)
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buffer, format=fmt, dpi=130, metadata=metadata, bbox_inches="tight")
    close(fig)
    return buffer.getvalue()


def finish(fig):
    """The figure laid out, every text first shown with control characters as \\xNN."""
    _show_control_characters(fig)
    fig.tight_layout()
    return fig


def _show_control_characters(fig) -> None:
    """Every text of the figure with control characters as \\xNN, as in text output (cli.safe_text).

    Names in a picture come from files too; raw, a NUL or ESC draws as a missing glyph and
    makes matplotlib warn on stderr with the raw character in the message.
    """
    from matplotlib.text import Text

    from cli.safe_text import visible

    for text in fig.findobj(Text):
        raw = text.get_text()
        shown = visible(raw)
        if shown != raw:
            text.set_text(shown)


def write_atomic(path: Path, data: bytes, force: bool) -> None:
    """Write picture bytes safely (cli.outfiles: regular files only, exclusive unless force)."""
    from cli.outfiles import write_output

    check_output(path, force)
    write_output(path, data, force)


# ------------------------------------------------------------------ game trees
def tree_layout(tree) -> tuple[dict, dict]:
    """(x, depth) of every node by path: leaves evenly spaced, parents over their children."""
    from games.forms.tree import Terminal

    xs: dict = {}
    depth: dict = {}
    counter = [0]

    def visit(node, path) -> float:
        depth[path] = len(path)
        if isinstance(node, Terminal):
            xs[path] = float(counter[0])
            counter[0] += 1
            return xs[path]
        kids = [visit(child, path + (k,)) for k, child in enumerate(node.children)]
        xs[path] = sum(kids) / len(kids)
        return xs[path]

    visit(tree.root, ())
    return xs, depth


def tree_figure(tree, behaviour: dict, reach: dict, caption: str = "", answers: bool = True):
    """The game tree: each mover's equilibrium choice in green, the path of play thick.

    ``behaviour`` maps information sets to action probabilities (as in `games.forms.tree`),
    ``reach`` maps node paths to the probability that play reaches them. With
    ``answers=False`` (exercises) every move is drawn alike and nothing is marked.
    """
    from games.forms.tree import Chance, Terminal, information_sets, infoset_key, walk

    xs, depth = tree_layout(tree)
    leaves = sum(1 for _, n in walk(tree.root) if isinstance(n, Terminal))
    levels = max(depth.values()) + 1
    if leaves > 40:
        raise InputError(f"tradegame plot tree: a tree with {leaves} outcomes is too large to draw (at most 40)")
    below = 0.3 + 0.11 * len(tree.players)  # room under the leaves for the payoff boxes
    span = (levels - 1) + 0.6 + below
    fig, ax = subplots(figsize=(max(6.5, 1.75 * leaves + 1), 1.45 * span + 1.0))
    ax.axis("off")
    ys = {p: -d for p, d in depth.items()}
    palette = [US_COLOR, CN_COLOR, "#6a3d9a", "#b15928"]
    for path, node in walk(tree.root):
        x, y = xs[path], ys[path]
        if isinstance(node, Terminal):
            reached = reach.get(path, 0) > 1e-12
            pays = "\n".join(f"{p} {_num(float(v))}" for p, v in zip(tree.players, node.payoffs))
            ax.text(x, y - 0.12, pays, ha="center", va="top", fontsize=8.5,
                    bbox=dict(boxstyle="round,pad=0.3", facecolor=EQ_FILL if reached else "white",
                              edgecolor=EQ_EDGE if reached else "#999999", linewidth=2 if reached else 0.8))
            continue
        if isinstance(node, Chance):
            ax.plot([x], [y], "o", color="#777777", markersize=9, zorder=3)
            ax.text(x, y + 0.14, "Chance", ha="center", va="bottom", fontsize=9, color="#555555")
            probs = [float(q) for q in node.probabilities]
        else:
            color = palette[node.player % len(palette)]
            ax.plot([x], [y], "o", color=color, markersize=10, zorder=3)
            ax.text(x, y + 0.14, tree.players[node.player], ha="center", va="bottom", fontsize=9.5,
                    color=color, weight="bold")
            probs = behaviour.get((node.player, infoset_key(node, path)))
        for k, child in enumerate(node.children):
            cp = path + (k,)
            chosen = probs is not None and float(probs[k]) > 1e-12 and not isinstance(node, Chance)
            on_path = reach.get(cp, 0) > 1e-12
            plain = not answers
            ax.plot([x, xs[cp]], [y, ys[cp]], color=EQ_EDGE if chosen else ("#555555" if plain else "#888888"),
                    linewidth=3.2 if on_path and chosen else (2.0 if chosen else (1.4 if plain else 1.0)), zorder=1,
                    linestyle="-" if chosen or plain or isinstance(node, Chance) else (0, (4, 3)))
            label = node.actions[k]
            if isinstance(node, Chance):
                label += f" ({_num(float(node.probabilities[k]))})"
            elif probs is not None and 1e-12 < float(probs[k]) < 1 - 1e-12:
                label += f" [{_num(float(probs[k]))}]"
            mx, my = (x + xs[cp]) / 2, (y + ys[cp]) / 2
            ax.text(mx, my, label, ha="center", va="center", fontsize=8.5,
                    color=EQ_EDGE if chosen else "#555555", weight="bold" if chosen else "normal",
                    bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.9))
    for h in information_sets(tree):
        if len(h.paths) > 1:
            pts = sorted((xs[p], ys[p]) for p in h.paths)
            ax.plot([pts[0][0], pts[-1][0]], [pts[0][1], pts[-1][1]], linestyle=":", color="#444444", linewidth=1.5)
    ax.set_xlim(-0.8, leaves - 0.2)
    ax.set_ylim(-(levels - 1) - below, 0.6)
    ax.set_title(tree.title, fontsize=11, loc="left")
    note = "Green: each mover's equilibrium choice; thick: the path of play; shaded box: the outcome reached."
    if not answers:
        note = "Payoffs at each outcome; who moves is named at each node."
    ax.text(0.0, -0.02, (caption + "\n" if caption else "") + note, transform=ax.transAxes, fontsize=8, color="#444444", va="top")
    return finish(fig)
