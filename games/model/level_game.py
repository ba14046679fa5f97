"""A two-level-player model's games on the fast path: payoffs as functions of the levels.

When every player of a model has a level variable (the trade model's openness x and supply
y), a payoff is a function of the levels alone, and the simultaneous and graded games are
that function evaluated on a grid: each player's declared ``levels`` (the simultaneous
game) or n evenly spaced levels between its smallest and largest (the graded game). The
defined quantities and payoff terms are evaluated once by broadcasting, on floats, NumPy
arrays (a sweep's thousands of games at once) or Fractions (exact mode, thresholds).

This is the path the default model's scenarios, sweeps and record take: `games.trade`
builds its games with it, and the generic layers (thresholds, comparisons, sweeps, exact
mode, bargaining, the record) call it with the model a scenario belongs to.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np

from games.errors import InputError
from games.forms.normal_form import NormalFormGame

#: The most levels the graded game may have per player.
MAX_LEVELS = 101


def level_names(model) -> tuple[str, ...]:
    """Each player's level variable (every player must have one)."""
    names = tuple(p.level for p in model.players)
    if any(n is None for n in names):
        raise InputError(f"model '{model.name}': the level path needs every player to have a level")
    return names  # type: ignore[return-value]


def level_terms(model, values: Sequence[object], params: Mapping[str, object]) -> dict[str, dict[str, object]]:
    """Each player's payoff terms (by player name) at the given level values, one per player."""
    from games.model.evaluate import evaluate_point

    _, terms = evaluate_point(model, params, dict(zip(level_names(model), values)))
    return dict(zip(model.player_names, terms))


def level_defined(model, values: Sequence[object], params: Mapping[str, object]) -> dict[str, object]:
    """The model's defined quantities (``[define]``) at the given level values."""
    from games.model.evaluate import evaluate_point

    defined, _ = evaluate_point(model, params, dict(zip(level_names(model), values)))
    return defined


def total(terms):
    """sum(terms): the same additions in the same order (0 + t1 + t2 + ...), done in place
    once the running total is a float array of its final shape (a sweep's large blocks)."""
    out = 0
    for t in terms:
        if (
            isinstance(out, np.ndarray) and out.dtype == np.float64
            and (isinstance(t, float) or getattr(t, "dtype", None) == np.float64)
            and np.broadcast_shapes(out.shape, np.shape(t)) == out.shape
        ):
            np.add(out, t, out=out)
        else:
            out = out + t
    return out


def level_payoffs(model, values: Sequence[object], params: Mapping[str, object]) -> tuple[np.ndarray, ...]:
    """Each player's payoff at the given level values (scalars or broadcastable arrays)."""
    terms = level_terms(model, values, params)
    return tuple(np.asarray(total(row.values()), dtype=float) for row in terms.values())


def exact_level_payoffs(model, values: Sequence[Fraction], params: Mapping[str, Fraction]) -> tuple[Fraction, ...]:
    """Each player's payoff at the given levels, exactly (levels and parameters as Fractions)."""
    return tuple(sum(row.values(), Fraction(0)) for row in level_terms(model, values, params).values())


def graded_levels(n: int, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """n evenly spaced levels from low to high (n checked: 2 to `MAX_LEVELS`)."""
    if not isinstance(n, int) or isinstance(n, bool) or not 2 <= n <= MAX_LEVELS:
        raise InputError(f"option --levels: expected an integer from 2 to {MAX_LEVELS}, got {n}")
    return np.linspace(low, high, n)


def declared_levels(model) -> list[np.ndarray]:
    """Each player's declared levels as a float array (the simultaneous game's grid)."""
    return [np.array([float(v) for v in p.levels]) for p in model.players]


def grid_game(model, params: Mapping[str, float], grids: Sequence[np.ndarray], labels, title: str) -> NormalFormGame:
    """The normal form of the model on one grid of levels per player (two players)."""
    if len(grids) != 2:
        raise InputError(f"model '{model.name}': the level path builds two-player games")
    U, V = level_payoffs(model, (grids[0][:, None], grids[1][None, :]), params)
    return NormalFormGame(title, model.player_names, tuple(tuple(s) for s in labels), (U, V))


def simultaneous_level_game(model, params: Mapping[str, float], title: str | None = None) -> NormalFormGame:
    """The simultaneous game: each player's declared strategies at their declared levels."""
    return grid_game(model, params, declared_levels(model), [p.strategies for p in model.players], title or model.title)


def graded_grids(model, n_levels: int) -> list[np.ndarray]:
    """Each player's graded grid: n evenly spaced levels from its smallest declared level to
    its largest."""
    return [graded_levels(n_levels, float(min(p.levels)), float(max(p.levels))) for p in model.players]


def graded_labels(model, grids) -> tuple[tuple[str, ...], ...]:
    """Each player's graded strategy names ('open 25%'), from the file's ``[wording] graded``;
    grids: one grid per player."""
    from games.model.evaluate import graded_label

    return tuple(tuple(graded_label(model, i, v) for v in grid) for i, grid in enumerate(grids))


def graded_level_game(model, params: Mapping[str, float], n_levels: int = 5, title: str | None = None) -> NormalFormGame:
    """The graded game: each player picks a level on an n-point grid over its declared range."""
    grids = graded_grids(model, n_levels)
    return grid_game(model, params, grids, graded_labels(model, grids), title or f"{model.title} (graded)")


#: The four incentives of a two-player 2×2 game, in this order: the first player's gain from
#: its second strategy over its first when the other plays its first, then its second; the
#: second player's likewise (the trade model's names: the US's gain from relaxing when China
#: restricts, ...).
INCENTIVE_NAMES = ("us_vs_restrict", "us_vs_supply", "cn_vs_restrict", "cn_vs_relax")


def incentives(model, params: Mapping[str, float]) -> dict[str, float]:
    """The four numbers that decide the simultaneous 2×2 game: gains from each player's
    second strategy (``us_vs_restrict``: the first player's gain when the other plays its
    first strategy, and so on; `INCENTIVE_NAMES`)."""
    U, V = simultaneous_level_game(model, params).payoffs
    return dict(zip(INCENTIVE_NAMES, (
        float(U[1, 0] - U[0, 0]), float(U[1, 1] - U[0, 1]), float(V[0, 1] - V[0, 0]), float(V[1, 1] - V[1, 0]),
    )))


def _model_or_default(model):
    if model is not None:
        return model
    from games.model.catalog import default_model

    return default_model()


def simultaneous_game(params: Mapping[str, float] | None = None, title: str | None = None, model=None) -> NormalFormGame:
    """A model's simultaneous game at these parameter values, each checked against its range
    (the default, trade model's 2×2 game unless model is given; the public
    ``games.simultaneous_game``)."""
    from games.model.parameters import validated

    m = _model_or_default(model)
    return simultaneous_level_game(m, validated(dict(params or {}), model=m), title)


def graded_game(
    params: Mapping[str, float] | None = None, n_levels: int = 5, title: str | None = None, model=None
) -> NormalFormGame:
    """A model's graded game at these parameter values: each player picks a level on an
    n-point grid (the default model's unless model is given; the public ``games.graded_game``)."""
    from games.model.parameters import validated

    m = _model_or_default(model)
    return graded_level_game(m, validated(dict(params or {}), model=m), n_levels, title)
