"""Dominated strategies and iterated elimination of dominated strategies.

Dominance here is by pure strategies: strategy s of player i is strictly dominated by t if
t pays strictly more against every profile of the others, weakly dominated if it pays at
least as much everywhere and strictly more somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from games.solvers.best_response import _tie_tol
from games.forms.normal_form import NormalFormGame


@dataclass(frozen=True)
class Domination:
    """Strategy `dominated` of `player` is dominated by `by` (strictly or weakly)."""

    player: int
    dominated: int
    by: int
    strict: bool


def _rows(game: NormalFormGame, player: int, alive: list[list[int]]) -> np.ndarray:
    """Player's payoffs with its own strategies on axis 0, restricted to surviving strategies."""
    u = np.moveaxis(game.payoffs[player], player, 0)
    others = [alive[j] for j in range(game.n_players) if j != player]
    u = u[np.ix_(alive[player], *others)] if others else u[alive[player]]
    return u.reshape(len(alive[player]), -1)


def dominations(game: NormalFormGame, alive: list[list[int]] | None = None) -> list[Domination]:
    """Every pure-strategy domination relation among the surviving strategies."""
    alive = alive or [list(range(n)) for n in game.shape]
    found = []
    for i in range(game.n_players):
        tol = _tie_tol(game, i)
        rows = _rows(game, i, alive)
        for a, s in enumerate(alive[i]):
            for b, t in enumerate(alive[i]):
                if a == b:
                    continue
                diff = rows[b] - rows[a]
                if np.all(diff > tol):
                    found.append(Domination(i, s, t, strict=True))
                elif np.all(diff >= -tol) and np.any(diff > tol):
                    found.append(Domination(i, s, t, strict=False))
    return found


def dominant_strategies(game: NormalFormGame, strict: bool = True) -> dict[int, int]:
    """Player -> strategy that dominates every other of its strategies (if one exists)."""
    out = {}
    rels = dominations(game)
    for i, n in enumerate(game.shape):
        for t in range(n):
            beaten = {
                d.dominated for d in rels if d.player == i and d.by == t and (d.strict or not strict)
            }
            if n > 1 and len(beaten) == n - 1:
                out[i] = t
    return out


@dataclass(frozen=True)
class Elimination:
    """Result of iterated elimination: surviving strategies and the steps taken."""

    surviving: tuple[tuple[int, ...], ...]
    steps: tuple[Domination, ...]


def iterated_elimination(game: NormalFormGame, strict: bool = True) -> Elimination:
    """Remove dominated strategies one at a time until none is left.

    Strict elimination is order-independent. Weak elimination is not; this removes, at each
    round, the lowest-indexed dominated strategy of the lowest-indexed player, and the steps
    record the order used.
    """
    alive = [list(range(n)) for n in game.shape]
    steps: list[Domination] = []
    while True:
        rels = [d for d in dominations(game, alive) if d.strict or not strict]
        if not rels:
            break
        d = min(rels, key=lambda r: (r.player, r.dominated, not r.strict, r.by))
        alive[d.player].remove(d.dominated)
        steps.append(d)
    return Elimination(tuple(tuple(a) for a in alive), tuple(steps))
