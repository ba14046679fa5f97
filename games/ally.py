"""The trade game with a third player: an ally that makes chip-making tools (the Netherlands, Japan).

The ally either *aligns* with US export controls (it sells China only what the US lets
through) or *sells* its tools to China regardless. Selling undoes part of the US controls:
a share ``tool_leak`` of the chip access the US denies comes back to China through the
tools, which costs the US ``security_risk`` per unit and is worth ``chip_value`` per unit to
China (tools serve self-reliance, so the self-reliance discount does not apply). With s = 1
if the ally sells and 0 if it aligns, and ``chips`` as in the two-player model:

    leak   = tool_leak · s · (1 − chips)
    U_US   = U_US(two-player) − leak · security_risk
    U_CN   = U_CN(two-player) + leak · chip_value
    U_ally = ally_tool_sales · (s + (1 − s) · chips)          tools it actually sells
             + (1 − s) · ally_alignment_value                  security ties, no US pressure
             − (1 − s) · (1 − y) · ally_retaliation            China's rare-earth squeeze

When the ally aligns, US and China get exactly the two-player payoffs. Each payoff is
affine in every parameter, as in the two-player model.

Why it matters: US controls work through chokepoints (Farrell & Newman's "weaponized
interdependence", 2019), and the chokepoint in chip-making tools is shared with allies.
`pivotal` says whether the ally's choice changes what the US and China do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from games.normal_form import NormalFormGame
from games.parameters import validated

PLAYERS = ("US", "China", "Ally")
ALLY_MOVES = ("Align", "Sell")


def payoff_terms(x, y, s, p: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """Each player's payoff split into named terms at openness x, supply y, ally selling s."""
    from games import trade

    base = trade.payoff_terms(x, y, p)
    chips, _ = trade.flows(x, y, p)
    leak = p["tool_leak"] * s * (1 - chips)
    us = dict(base["US"])
    us["tool leak (security)"] = -leak * p["security_risk"]
    cn = dict(base["China"])
    cn["tools from the ally"] = leak * p["chip_value"]
    ally = {
        "tool sales": p["ally_tool_sales"] * (s + (1 - s) * chips),
        "alignment value": (1 - s) * p["ally_alignment_value"],
        "Chinese retaliation": -(1 - s) * (1 - y) * p["ally_retaliation"],
    }
    return {"US": us, "China": cn, "Ally": ally}


def payoffs(x, y, s, p: Mapping[str, float]) -> tuple[float, float, float]:
    terms = payoff_terms(x, y, s, p)
    return tuple(float(sum(terms[name].values())) for name in PLAYERS)  # type: ignore[return-value]


def ally_game(params: Mapping[str, float] | None = None,
              title: str = "US–China trade with a tool-making ally") -> NormalFormGame:
    """The 2×2×2 game: US Restrict/Relax × China Restrict/Supply × Ally Align/Sell."""
    from games.trade import CN_MOVES, US_MOVES

    p = validated(dict(params or {}))
    arrays = [np.zeros((2, 2, 2)) for _ in PLAYERS]
    for i, j, k in np.ndindex(2, 2, 2):
        for n, v in enumerate(payoffs(float(i), float(j), float(k), p)):
            arrays[n][i, j, k] = v
    return NormalFormGame(title, PLAYERS, (US_MOVES, CN_MOVES, ALLY_MOVES), tuple(arrays))


def solve_ally_game(game: NormalFormGame):
    """Every equilibrium (pure and mixed) of the 2×2×2 game, verified; see games.three_player."""
    from games.three_player import solve_2x2x2

    return solve_2x2x2(game)


@dataclass(frozen=True)
class Pivotality:
    """How the ally's choice changes the US–China game.

    ``pure_if_align`` / ``pure_if_sell``: pure equilibria of the US–China game with the ally's
    move fixed, as (US move, China move) labels; ``us_gain_from_restricting``: for each ally
    move and China move, the US's payoff of Restrict minus Relax; ``pivotal``: the two sets
    of pure equilibria differ.
    """

    pure_if_align: tuple[tuple[str, str], ...]
    pure_if_sell: tuple[tuple[str, str], ...]
    us_gain_from_restricting: dict[str, dict[str, float]]
    pivotal: bool


def sub_game(game: NormalFormGame, ally_move: int) -> NormalFormGame:
    """The US–China bimatrix game with the ally's move fixed."""
    return NormalFormGame(
        f"{game.title}, ally plays {game.strategies[2][ally_move]}",
        game.players[:2],
        game.strategies[:2],
        (game.payoffs[0][:, :, ally_move], game.payoffs[1][:, :, ally_move]),
    )


def pivotality(game: NormalFormGame) -> Pivotality:
    from games.best_response import pure_equilibria

    def labels(sub):
        return tuple((sub.strategies[0][i], sub.strategies[1][j]) for i, j in pure_equilibria(sub))

    align, sell = labels(sub_game(game, 0)), labels(sub_game(game, 1))
    U = game.payoffs[0]
    gain = {
        game.strategies[2][k]: {game.strategies[1][j]: float(U[0, j, k] - U[1, j, k]) for j in range(2)}
        for k in range(2)
    }
    return Pivotality(align, sell, gain, set(align) != set(sell))
