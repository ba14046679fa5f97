"""Best responses and pure-strategy Nash equilibria for games with any number of players."""

from __future__ import annotations

import itertools
from typing import Sequence

import numpy as np

from games.forms.normal_form import NormalFormGame

#: Payoffs closer than this (relative to the scale of the payoffs compared) count as ties.
TIE_TOLERANCE = 1e-9


def _tie_tol(game: NormalFormGame, player: int | None = None) -> float:
    """Tie tolerance: for one player, relative to the spread of its own payoffs (a player's
    ties do not depend on how large the *other* player's payoffs are); without a player,
    relative to the largest payoff in the game."""
    if player is not None:
        u = game.payoffs[player]
        return TIE_TOLERANCE * (float(np.max(u)) - float(np.min(u))) / 2
    scale = max(float(np.max(np.abs(a))) for a in game.payoffs)
    return TIE_TOLERANCE * max(1.0, scale)


def best_response_mask(game: NormalFormGame, player: int) -> np.ndarray:
    """Boolean array over pure profiles: is the player's strategy a best response there?"""
    u = game.payoffs[player]
    best = np.max(u, axis=player, keepdims=True)
    return u >= best - _tie_tol(game, player)


def best_responses(game: NormalFormGame, player: int, others: Sequence[int]) -> tuple[int, ...]:
    """The player's pure best responses to the other players' pure strategies.

    ``others`` lists one strategy index per *other* player, in player order.
    """
    index = list(others)
    index.insert(player, slice(None))
    column = game.payoffs[player][tuple(index)]
    return tuple(int(i) for i in np.flatnonzero(column >= column.max() - _tie_tol(game, player)))


def pure_equilibrium_mask(game: NormalFormGame) -> np.ndarray:
    """A boolean array over pure profiles: True where every player best-responds."""
    mask = np.ones(game.shape, dtype=bool)
    for i in range(game.n_players):
        mask &= best_response_mask(game, i)
    return mask


def pure_equilibria(game: NormalFormGame) -> list[tuple[int, ...]]:
    """All pure profiles (as strategy indices) where every player best-responds."""
    return first_pure_equilibria(game, None)[0]


def first_pure_equilibria(game: NormalFormGame, limit: int | None) -> tuple[list[tuple[int, ...]], int]:
    """The first ``limit`` pure equilibria (all when None), in profile order, and how many
    there are in all — counted on the mask, so a game with millions of tied profiles
    costs one pass rather than a tuple per profile."""
    mask = pure_equilibrium_mask(game)
    total = int(np.count_nonzero(mask))
    flat = np.flatnonzero(mask.ravel(order="C")) if limit is None else _first_true(mask.ravel(order="C"), limit)
    rows = np.unravel_index(flat, game.shape) if flat.size else [np.empty(0, dtype=int)] * game.n_players
    return [tuple(int(r[k]) for r in rows) for k in range(flat.size)], total


def _first_true(flat: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the first ``limit`` True entries, scanning in blocks so a long run of
    True costs only the block it ends in."""
    found: list[np.ndarray] = []
    count, block = 0, 1 << 16
    for start in range(0, flat.size, block):
        hits = np.flatnonzero(flat[start:start + block]) + start
        found.append(hits[: limit - count])
        count += found[-1].size
        if count >= limit:
            break
    return np.concatenate(found) if found else np.empty(0, dtype=np.intp)


def deviation_gains(game: NormalFormGame, profile: Sequence[int]) -> list[tuple[int, float]]:
    """For each player at a pure profile: its best alternative strategy and the gain.

    A negative gain is the margin by which staying beats the best alternative.
    Players with a single strategy get (own strategy, 0.0).
    """
    out = []
    for i in range(game.n_players):
        own = profile[i]
        index = list(profile)
        index[i] = slice(None)
        column = np.asarray(game.payoffs[i][tuple(index)], dtype=float)
        if len(column) == 1:
            out.append((own, 0.0))
            continue
        others = np.delete(np.arange(len(column)), own)
        best = int(others[np.argmax(column[others])])
        out.append((best, float(column[best] - column[own])))
    return out


def all_profiles(game: NormalFormGame):
    """Iterate over every pure profile in lexicographic order."""
    return itertools.product(*(range(n) for n in game.shape))
