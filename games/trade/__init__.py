"""The US–China chip / rare-earth model: payoffs from named parameters, and its games.

x ∈ [0, 1] is US chip openness (0 = full export controls), y ∈ [0, 1] is China's
rare-earth supply (0 = licences withheld). Each side can tie what it gives to what it
gets: with China's ``re_linkage`` share of licences conditional on US openness, the rare
earths the US actually receives are ``y·(1 − re_linkage·(1 − x))``; with the US's
``chip_linkage``, the chips China receives are ``x·(1 − chip_linkage·(1 − y))``.

    U_US = chips·chip_sales − x·chips·security_risk − x·hawk_cost
           − (1 − rare_earths)·re_dependence
           + x·y·deal_value_us − (1 − x)(1 − y)·escalation_cost_us
    U_CN = chips·(chip_value − self_reliance) + rare_earths·re_revenue
           + (1 − y)·leverage − (1 − y)²·diversification
           + x·y·deal_value_cn − (1 − x)(1 − y)·escalation_cost_cn

Two terms are convex on purpose: security risk grows faster than openness (the first
tranche of chips is the least advanced), and withholding a little rare earth pushes buyers
to diversify less than withholding a lot. At x, y ∈ {0, 1} they reduce to the plain
terms, so the 2×2 game is unchanged; in the graded game they make each side's payoff
concave in its own level, so intermediate levels can be best responses.

Each payoff is affine in every single parameter (holding the others fixed), which is what
lets the explanation compute exact thresholds.

The model lives in the file examples/models/trade.toml (shipped as
games/_models/trade.toml): players and moves, parameters, formulas, the graded game's
labels (``[wording]``) and its own forms (``[forms.*]``). `payoff_terms` and `flows`
evaluate its named terms and defined quantities; the functions below build its games
on the generic level path (`games.model.level_game`) the sweeps and the record use. They
are the trade model's names for generic code: nothing outside this package imports it.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from games.forms.normal_form import NormalFormGame
from games.model import level_game
from games.model.level_game import MAX_LEVELS
from games.trade.parameters import validated

__all__ = ["MAX_LEVELS", "model_file", "graded_labels", "flows", "payoff_terms", "payoffs", "scenario_title",
           "simultaneous_game", "levels", "graded_game", "incentives"]


def model_file():
    """The trade model's file (examples/models/trade.toml), read once: its formulas are the
    payoffs below. It is the catalog's default model."""
    from games.model.catalog import default_model

    return default_model()


def __getattr__(name: str):
    """``PLAYERS`` (US, China), ``US_MOVES`` and ``CN_MOVES``: the file's players and strategies."""
    if name == "PLAYERS":
        return model_file().player_names
    if name == "US_MOVES":
        return model_file().players[0].strategies
    if name == "CN_MOVES":
        return model_file().players[1].strategies
    raise AttributeError(f"module 'games.trade' has no attribute {name!r}")


def graded_labels(grid) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each side's strategy names in the graded game ('open 25%', 'supply 25%'), from the
    file's ``[wording] graded``."""
    return level_game.graded_labels(model_file(), [grid, grid])  # type: ignore[return-value]


def flows(x, y, p: Mapping[str, float]):
    """(chips China receives, rare earths the US receives) at openness x and supply y."""
    defined = level_game.level_defined(model_file(), (x, y), p)
    return defined["chips"], defined["rare_earths"]


def payoff_terms(x, y, p: Mapping[str, float]) -> dict[str, dict[str, object]]:
    """Each player's payoff broken into named terms (for explanations and teaching).

    The terms are the model file's ``[payoffs.US]`` and ``[payoffs.China]``, evaluated at
    (x, y): floats, NumPy arrays (sweeps) or, when given Fractions, exact fractions.
    """
    return level_game.level_terms(model_file(), (x, y), p)


def payoffs(x, y, p: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """(U_US, U_CN) at openness x and supply y (scalars or broadcastable arrays)."""
    return level_game.level_payoffs(model_file(), (x, y), p)  # type: ignore[return-value]


def scenario_title(scenario: str) -> str:
    """A game's title for one of the trade model's scenarios: 'US–China trade — baseline'."""
    return f"{model_file().title} — {scenario}"


def simultaneous_game(params: Mapping[str, float] | None = None, title: str | None = None) -> NormalFormGame:
    """The 2×2 game: US Restrict/Relax (x = 0/1) against China Restrict/Supply (y = 0/1)."""
    return level_game.simultaneous_game(params, title, model_file())


def levels(n: int) -> np.ndarray:
    """n evenly spaced openness levels from 0 to 1."""
    return level_game.graded_levels(n)


def graded_game(
    params: Mapping[str, float] | None = None, n_levels: int = 5, title: str | None = None
) -> NormalFormGame:
    """The graded game: each side picks a level in [0, 1] on an n-point grid."""
    return level_game.graded_game(params, n_levels, title, model_file())


def incentives(p: Mapping[str, float]) -> dict[str, float]:
    """Gains from opening in the 2×2 game: the four numbers that decide its equilibria.

    ``us_vs_restrict``: US payoff of Relax minus Restrict when China restricts, and so on.
    """
    return level_game.incentives(model_file(), validated(dict(p)))
