"""Bargaining in a two-player model: over the players' levels, or over lotteries of outcomes.

When both players have a level, the terms are the two levels, continuous between each
player's smallest and largest declared level. Otherwise the sides bargain over *lotteries*
of the game's pure outcomes (a jointly randomized agreement): the feasible set is the convex
hull of the outcomes' payoff pairs and its Pareto frontier is a polyline through some of
them. Either way the disagreement point (the one-shot game's equilibrium worst for the sum
of payoffs) and every solution concept (Nash, Kalai–Smorodinsky, Rubinstein, a finite
deadline) are `games.forms.bargaining`'s, on the model's payoffs.

Patience: parameters ``discount_<player>`` (the player's ``key``, else its name in lower
case) if the model has them, else the common ``discount``. Outside options:
``outside_option_<player>`` above the disagreement payoff, if the model has such
parameters, else none.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from games.errors import InputError, clip
from games.model import formula as fm
from games.model.spec import Model


def over_levels(model: Model) -> bool:
    """Do the sides bargain over their levels (both have one), rather than over lotteries?"""
    return all(p.level is not None for p in model.players)


def check_bargainable(model: Model) -> None:
    if len(model.players) != 2:
        raise InputError(f"option --game: bargaining needs a two-player model; '{clip(model.name)}' has {len(model.players)} players")
    if not over_levels(model):
        return
    for terms in model.payoffs:
        for _, e in terms:
            if fm.indicators(e):
                raise InputError("option --game: bargaining needs payoffs written in the levels, not strategy indicators")
    for _, e in model.defines:
        if fm.indicators(e):
            raise InputError("option --game: bargaining needs payoffs written in the levels, not strategy indicators")


def payoffs_at(model: Model, params: Mapping[str, float], x, y) -> tuple[np.ndarray, np.ndarray]:
    """Both players' payoffs at levels x (player 1) and y (player 2), arrays of one shape."""
    env: dict[str, object] = dict(params)
    env[model.players[0].level] = np.asarray(x, dtype=float)
    env[model.players[1].level] = np.asarray(y, dtype=float)
    out = []
    with np.errstate(all="ignore"):
        for dname, e in model.defines:
            env[dname] = fm.calculate(e, env, no_indicator)
        for terms in model.payoffs:
            total = np.zeros(np.shape(x))
            for _, e in terms:
                total = total + fm.calculate(e, env, no_indicator)
            if not np.all(np.isfinite(total)):
                raise InputError(f"{model.source_file}: a payoff is not finite at some levels between the declared ones")
            out.append(total)
    return out[0], out[1]


def no_indicator(player: str, strategy: str):
    """Strategy indicators have no value between levels (check_bargainable refuses them first)."""
    raise InputError(f"bargaining: {player}.{strategy} has no value between the declared levels")


def player_parameter(model: Model, prefix: str, i: int) -> str:
    """The name of player i's own parameter: ``discount_us`` (prefix, then the player's
    ``key``, else its name in lower case)."""
    return f"{prefix}_{model.players[i].parameter_key}"


def _player_param(model: Model, params, prefix: str, i: int, default):
    name = player_parameter(model, prefix, i)
    return float(params[name]) if name in model.parameters else default


def analyse_model(model: Model, params: Mapping[str, float], first: int = 0, rounds: int | None = None, n: int = 201):
    """The bargaining analysis of the model at these parameters (games.forms.bargaining.BargainingAnalysis)."""
    from games.forms import bargaining as bg
    from games.model.evaluate import build_game

    check_bargainable(model)
    p = model.validated(dict(params))
    d, cell = bg.stage_disagreement(build_game(model, p))
    box = tuple((float(min(pl.levels)), float(max(pl.levels))) if pl.levels else (0.0, 0.0) for pl in model.players)
    if over_levels(model) and any(lo == hi for lo, hi in box):
        raise InputError("option --game: bargaining needs each player's levels to span a range")
    if over_levels(model):
        f = bg.frontier_of(lambda X, Y: payoffs_at(model, p, X, Y), box, n)
    else:
        f = lottery_frontier(build_game(model, p))
    common = float(p.get("discount", 0.9))
    deltas = tuple(_player_param(model, p, "discount", i, common) for i in range(2))
    outside = tuple(d[i] + _player_param(model, p, "outside_option", i, 0.0) for i in range(2))
    terms = None
    if cell != (-1, -1) and over_levels(model):
        terms = tuple(float(model.players[i].levels[cell[i]]) for i in range(2))
    elif cell != (-1, -1):  # a lottery: terms are read from the payoffs (see `lottery`)
        terms = (0.0, 0.0)
    return bg.analyse_frontier(f, d, cell, outside, deltas, first, rounds, model.player_names, terms)


def hull_vertices(game) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(u, v, flat profile index) of the corners of the Pareto frontier of the convex hull of
    a two-player game's outcome payoffs, u increasing and v decreasing."""
    A, B = (np.asarray(a, dtype=float).ravel() for a in game.payoffs)
    pts = sorted(set(zip(A.tolist(), B.tolist())), key=lambda q: (-q[0], -q[1]))
    hull: list[tuple[float, float]] = []  # from the largest u towards smaller u, v rising
    for q in pts:
        if hull and q[1] <= hull[-1][1]:
            continue  # dominated by the last vertex (no more v for less u)
        while len(hull) >= 2 and _cross(hull[-2], hull[-1], q) <= 0:
            hull.pop()  # the last vertex lies on or below the segment to q: not a corner of the frontier
        hull.append(q)
    hull.reverse()
    index = {pair: k for k, pair in reversed(list(enumerate(zip(A.tolist(), B.tolist()))))}
    return np.array([h[0] for h in hull]), np.array([h[1] for h in hull]), np.array([index[h] for h in hull])


#: Points per frontier segment between two corners (the solution kernels read a dense polyline).
SEGMENT_POINTS = 400


def lottery_frontier(game):
    """The frontier of lotteries of outcomes as a dense polyline (``x``: position along the
    corners, k + t; ``y``: unused, 0)."""
    from games.forms.bargaining import Frontier

    u, v, _ = hull_vertices(game)
    if len(u) == 1:
        return Frontier(u, v, np.zeros(1), np.zeros(1))
    t = np.linspace(0.0, 1.0, SEGMENT_POINTS, endpoint=False)
    us = np.concatenate([u[k] + t * (u[k + 1] - u[k]) for k in range(len(u) - 1)] + [u[-1:]])
    vs = np.concatenate([v[k] + t * (v[k + 1] - v[k]) for k in range(len(u) - 1)] + [v[-1:]])
    xs = np.concatenate([k + t for k in range(len(u) - 1)] + [np.array([len(u) - 1.0])])
    return Frontier(us, vs, xs, np.zeros(len(us)))


def _cross(a, b, c) -> float:
    """> 0 when b lies outside (above and to the right of) the segment from a to c."""
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def lottery(game, u: float) -> tuple[tuple[str, float], ...]:
    """The agreement at payoff u of the first player as a lottery: ((outcome, probability), ...)."""
    us, _, flats = hull_vertices(game)
    labels = []
    for flat in flats:
        idx = np.unravel_index(int(flat), game.shape)
        labels.append("(" + ", ".join(game.strategies[i][s] for i, s in enumerate(idx)) + ")")
    k = int(np.clip(np.searchsorted(us, u, side="right") - 1, 0, max(len(us) - 2, 0)))
    if len(us) == 1 or us[k + 1] == us[k]:
        return ((labels[k], 1.0),)
    t = float(np.clip((u - us[k]) / (us[k + 1] - us[k]), 0.0, 1.0))
    if t < 1e-9 or t > 1 - 1e-9:  # at a corner: that outcome for sure
        return ((labels[k + 1] if t > 0.5 else labels[k], 1.0),)
    return ((labels[k], 1 - t), (labels[k + 1], t))
