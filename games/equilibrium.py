"""Equilibrium values and their verification.

Every equilibrium tradegame reports has passed `verify`: no player can raise its expected
payoff by more than the tolerance by switching to any pure strategy (which suffices, since
a best mixed deviation is always attained at a pure strategy).

Tolerance: ``TOLERANCE * max(1, largest absolute payoff)``, with ``TOLERANCE = 1e-8``.
Scaling by the payoff size keeps the test meaningful for games written in thousands as
well as in fractions. The solvers treat payoff differences below 1e-9 (relative) as ties,
so the verification tolerance sits a factor of ten above that: a profile a solver found
by treating a near-tie as a tie still passes, while anything that is off by more than a
rounding error does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from games.normal_form import NormalFormGame

TOLERANCE = 1e-8


@dataclass(frozen=True)
class Equilibrium:
    """A verified mixed-strategy profile: one probability vector per player."""

    profile: tuple[tuple[float, ...], ...]
    payoffs: tuple[float, ...]
    max_regret: float

    @property
    def is_pure(self) -> bool:
        return all(max(p) > 1 - 1e-12 for p in self.profile)

    def support(self, player: int, tol: float = 1e-12) -> tuple[int, ...]:
        """Indices of the strategies the player plays with positive probability."""
        return tuple(i for i, p in enumerate(self.profile[player]) if p > tol)


def tolerance(game: NormalFormGame) -> float:
    """Absolute tolerance used for this game's deviation checks."""
    scale = max((float(np.max(np.abs(a))) for a in game.payoffs), default=0.0)
    return TOLERANCE * max(1.0, scale)


def strategy_values(game: NormalFormGame, profile: Sequence[np.ndarray], player: int) -> np.ndarray:
    """Expected payoff of each of player's pure strategies against the others' mixtures."""
    values = np.asarray(game.payoffs[player], dtype=float)
    # contract the other players' axes, highest axis first so indices stay valid
    for other in reversed(range(game.n_players)):
        if other == player:
            continue
        values = np.tensordot(values, np.asarray(profile[other], dtype=float), axes=([other], [0]))
    return values


def expected_payoffs(game: NormalFormGame, profile: Sequence[np.ndarray]) -> tuple[float, ...]:
    """Each player's expected payoff at a mixed profile."""
    return tuple(
        float(np.dot(strategy_values(game, profile, i), profile[i])) for i in range(game.n_players)
    )


def regrets(game: NormalFormGame, profile: Sequence[np.ndarray]) -> tuple[float, ...]:
    """For each player: best pure-strategy payoff minus the payoff of its mixture."""
    out = []
    for i in range(game.n_players):
        values = strategy_values(game, profile, i)
        out.append(float(np.max(values) - np.dot(values, profile[i])))
    return tuple(out)


def is_probability_vector(p: np.ndarray, tol: float = 1e-9) -> bool:
    return bool(np.all(p >= -tol) and abs(float(np.sum(p)) - 1.0) <= tol * max(1, len(p)))


def verify(game: NormalFormGame, profile: Sequence[Sequence[float]]) -> Equilibrium | None:
    """Return the profile as a verified `Equilibrium`, or None if it is not one."""
    if len(profile) != game.n_players:
        return None
    clean = []
    for p, n in zip(profile, game.shape):
        p = np.asarray(p, dtype=float)
        if p.shape != (n,) or not is_probability_vector(p):
            return None
        p = np.clip(p, 0.0, None)
        p = p / p.sum()
        p[np.abs(p) < 1e-13] = 0.0
        clean.append(p)
    regret = regrets(game, clean)
    worst = max(regret)
    if worst > tolerance(game):
        return None
    return Equilibrium(
        profile=tuple(tuple(float(v) for v in p) for p in clean),
        payoffs=expected_payoffs(game, clean),
        max_regret=max(0.0, worst),
    )


def same_profile(a: Equilibrium, b: Equilibrium, tol: float = 1e-7) -> bool:
    return all(
        np.allclose(np.asarray(x), np.asarray(y), atol=tol) for x, y in zip(a.profile, b.profile)
    )


def deduplicate(equilibria: Sequence[Equilibrium], tol: float = 1e-7) -> list[Equilibrium]:
    """Drop profiles equal (within tol) to one already kept, preserving order."""
    kept: list[Equilibrium] = []
    for eq in equilibria:
        if not any(same_profile(eq, k, tol) for k in kept):
            kept.append(eq)
    return kept


def sort_key(eq: Equilibrium) -> tuple:
    """Order equilibria: pure first, then lexicographically by descending probabilities."""
    return (not eq.is_pure, tuple(-v for p in eq.profile for v in p))
