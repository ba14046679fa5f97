"""Bargaining over the terms of a two-player model whose players both have a level.

The terms are the two levels, continuous between each player's smallest and largest
declared level; the frontier, the disagreement point (the one-shot game's equilibrium
worst for the sum of payoffs) and every solution concept (Nash, Kalai–Smorodinsky,
Rubinstein, a finite deadline) are `games.bargaining`'s, on the model's payoffs.

Patience: parameters ``discount_<player>`` (lower case) if the model has them, else the
common ``discount``. Outside options: ``outside_option_<player>`` above the disagreement
payoff, if the model has such parameters, else none.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from games.errors import InputError, clip
from games.model import formula as fm
from games.model.spec import Model


def check_bargainable(model: Model) -> None:
    if len(model.players) != 2:
        raise InputError(f"option --game: bargaining needs a two-player model; '{clip(model.name)}' has {len(model.players)} players")
    missing = [p.name for p in model.players if p.level is None]
    if missing:
        raise InputError(
            f"option --game: bargaining is over the players' levels (the terms); player {clip(missing[0])} of "
            f"'{clip(model.name)}' has none (give it level and levels)"
        )
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
            env[dname] = fm.evaluate(e, env, no_indicator)
        for terms in model.payoffs:
            total = np.zeros(np.shape(x))
            for _, e in terms:
                total = total + fm.evaluate(e, env, no_indicator)
            if not np.all(np.isfinite(total)):
                raise InputError(f"{model.source_file}: a payoff is not finite at some levels between the declared ones")
            out.append(total)
    return out[0], out[1]


def no_indicator(player: str, strategy: str):
    """Strategy indicators have no value between levels (check_bargainable refuses them first)."""
    raise InputError(f"bargaining: {player}.{strategy} has no value between the declared levels")


def _player_param(model: Model, params, prefix: str, i: int, default):
    name = f"{prefix}_{model.players[i].name.lower()}"
    return float(params[name]) if name in model.parameters else default


def analyse_model(model: Model, params: Mapping[str, float], first: int = 0, rounds: int | None = None, n: int = 201):
    """The bargaining analysis of the model at these parameters (games.bargaining.BargainingAnalysis)."""
    from games import bargaining as bg
    from games.model.evaluate import normal_form

    check_bargainable(model)
    p = model.validated(dict(params))
    d, cell = bg.stage_disagreement(normal_form(model, p))
    box = tuple((float(min(pl.levels)), float(max(pl.levels))) for pl in model.players)
    if any(lo == hi for lo, hi in box):
        raise InputError("option --game: bargaining needs each player's levels to span a range")
    f = bg.frontier_of(lambda X, Y: payoffs_at(model, p, X, Y), box, n)
    common = float(p.get("discount", 0.9))
    deltas = tuple(_player_param(model, p, "discount", i, common) for i in range(2))
    outside = tuple(d[i] + _player_param(model, p, "outside_option", i, 0.0) for i in range(2))
    terms = None
    if cell != (-1, -1):
        terms = tuple(float(model.players[i].levels[cell[i]]) for i in range(2))
    return bg.analyse_frontier(f, d, cell, outside, deltas, first, rounds, model.player_names, terms)
