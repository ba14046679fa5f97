"""Normal-form (strategic) games: players, labelled strategies, one payoff array each.

A `NormalFormGame` is an immutable value. Payoff arrays are indexed by one strategy per
player, in player order: ``payoffs[i][s_1, ..., s_N]`` is player i's payoff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from math import prod
from typing import Sequence

import numpy as np

from games.errors import InputError, clip

#: Largest number of pure profiles tradegame will build (guards memory on silly input).
MAX_PROFILES = 5_000_000


@dataclass(frozen=True, eq=False)
class NormalFormGame:
    """A finite game in strategic form with named players and strategies."""

    title: str
    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    payoffs: tuple[np.ndarray, ...] = field(repr=False)

    def __post_init__(self) -> None:
        frozen = _validated(self.players, self.strategies, self.payoffs)
        for array in frozen:
            array.setflags(write=False)
        object.__setattr__(self, "payoffs", frozen)

    @cached_property
    def shape(self) -> tuple[int, ...]:
        """Number of strategies of each player (computed once: the game is immutable)."""
        return tuple(len(s) for s in self.strategies)

    @cached_property
    def payoff_bounds(self) -> tuple[tuple[float, float], ...]:
        """Each player's smallest and largest payoff (computed once: the game is immutable)."""
        return tuple((float(a.min()), float(a.max())) for a in self.payoffs)

    @property
    def n_players(self) -> int:
        return len(self.players)

    def bimatrix(self) -> tuple[np.ndarray, np.ndarray]:
        """The (A, B) payoff matrices of a two-player game."""
        if self.n_players != 2:
            raise InputError(f"game '{clip(self.title, 40)}': expected 2 players, got {self.n_players}")
        return self.payoffs[0], self.payoffs[1]

    def payoff(self, player: int, profile: Sequence[int]) -> float:
        """Player's payoff at a pure profile given as strategy indices."""
        return float(self.payoffs[player][tuple(profile)])

    def _repr_html_(self) -> str:
        """The payoff table with best responses marked, for Jupyter (games.explanations.rich_display)."""
        from games.explanations.rich_display import game_html

        return game_html(self)


def from_bimatrix(
    A: np.ndarray | Sequence[Sequence[float]],
    B: np.ndarray | Sequence[Sequence[float]] | None = None,
    *,
    title: str = "Untitled game",
    players: Sequence[str] = ("Row", "Column"),
    row_strategies: Sequence[str] | None = None,
    col_strategies: Sequence[str] | None = None,
) -> NormalFormGame:
    """Build a two-player game from payoff matrices; B defaults to −A (zero-sum)."""
    A = np.asarray(A, dtype=float)
    B = -A if B is None else np.asarray(B, dtype=float)
    if A.ndim != 2:
        raise InputError(f"game '{clip(title, 40)}': payoff matrix must be 2-dimensional, got shape {A.shape}")
    if A.shape != B.shape:
        raise InputError(
            f"game '{clip(title, 40)}': payoff matrices have different shapes {A.shape} and {B.shape}"
        )
    m, n = A.shape
    rows = tuple(row_strategies) if row_strategies else tuple(f"r{i + 1}" for i in range(m))
    cols = tuple(col_strategies) if col_strategies else tuple(f"c{j + 1}" for j in range(n))
    return NormalFormGame(title, tuple(players), (rows, cols), (A, B))


def _validated(players, strategies, payoffs) -> tuple[np.ndarray, ...]:
    """The payoff arrays as float copies (the game's own), after checking the whole game;
    InputError naming what is wrong otherwise."""
    if len(players) < 1:
        raise InputError("game: expected at least one player")
    if len(set(players)) != len(players):
        raise InputError(f"game: player names must be distinct, got {clip(list(players))}")
    if len(strategies) != len(players):
        raise InputError(
            f"game: expected a strategy list for each of {len(players)} players, got {len(strategies)}"
        )
    if len(payoffs) != len(players):
        raise InputError(
            f"game: expected a payoff array for each of {len(players)} players, got {len(payoffs)}"
        )
    shape = tuple(len(s) for s in strategies)
    for name, labels in zip(players, strategies):
        if len(labels) < 1:
            raise InputError(f"game: player '{clip(name, 40)}' has no strategies")
        if len(set(labels)) != len(labels):
            raise InputError(f"game: player '{clip(name, 40)}' has repeated strategy labels {clip(list(labels))}")
    if prod(shape) > MAX_PROFILES:
        raise InputError(
            f"game: {shape} has more than {MAX_PROFILES:,} pure profiles, too large to build"
        )
    arrays = []
    for name, array in zip(players, payoffs):
        arr = np.array(array, dtype=float)
        if arr.shape != shape:
            raise InputError(
                f"game: payoffs of player '{clip(name, 40)}' have shape {arr.shape}, expected {shape}"
            )
        if not np.isfinite(arr).all():
            raise InputError(f"game: payoffs of player '{clip(name, 40)}' contain NaN or infinite values")
        arrays.append(arr)
    return tuple(arrays)
