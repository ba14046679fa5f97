"""Shared test helpers: classic games with their textbook equilibria."""

from __future__ import annotations

import numpy as np
import pytest


def profile_set(equilibria, digits: int = 6):
    """Equilibria as a set of rounded tuples, for order-free comparison."""
    return {tuple(tuple(round(v, digits) + 0.0 for v in p) for p in eq.profile) for eq in equilibria}


def same_profiles(ours, theirs, atol: float = 1e-7) -> bool:
    """One-for-one match of two lists of profiles within atol (no rounding, so no edge flips)."""
    unmatched = [[np.asarray(p, float) for p in prof] for prof in ours]
    for prof in theirs:
        target = [np.asarray(p, float) for p in prof]
        hits = [i for i, u in enumerate(unmatched) if all(a.shape == b.shape and np.allclose(a, b, atol=atol) for a, b in zip(u, target))]
        if len(hits) != 1:
            return False
        unmatched.pop(hits[0])
    return not unmatched


def as_set(pairs, digits: int = 6):
    return {tuple(tuple(round(float(v), digits) + 0.0 for v in p) for p in pair) for pair in pairs}


# (name, A, B, expected extreme equilibria as ((x...), (y...)))
CLASSICS = [
    ("prisoners-dilemma", [[3, 0], [5, 1]], [[3, 5], [0, 1]], [((0, 1), (0, 1))]),
    (
        "chicken",
        [[0, -1], [1, -10]],
        [[0, 1], [-1, -10]],
        [((0, 1), (1, 0)), ((1, 0), (0, 1)), ((0.9, 0.1), (0.9, 0.1))],
    ),
    (
        "stag-hunt",
        [[4, 0], [3, 3]],
        [[4, 3], [0, 3]],
        [((1, 0), (1, 0)), ((0, 1), (0, 1)), ((0.75, 0.25), (0.75, 0.25))],
    ),
    (
        "battle-of-the-sexes",
        [[2, 0], [0, 1]],
        [[1, 0], [0, 2]],
        [((1, 0), (1, 0)), ((0, 1), (0, 1)), ((2 / 3, 1 / 3), (1 / 3, 2 / 3))],
    ),
    ("matching-pennies", [[1, -1], [-1, 1]], [[-1, 1], [1, -1]], [((0.5, 0.5), (0.5, 0.5))]),
    (
        "rock-paper-scissors",
        [[0, -1, 1], [1, 0, -1], [-1, 1, 0]],
        [[0, 1, -1], [-1, 0, 1], [1, -1, 0]],
        [((1 / 3, 1 / 3, 1 / 3), (1 / 3, 1 / 3, 1 / 3))],
    ),
    # degenerate (von Stengel, "Computing equilibria for two-person games", 2002): the
    # equilibria form a segment from ((1,0,0),(1,0)) to ((1,0,0),(2/3,1/3)), plus one
    # isolated mixed equilibrium.
    (
        "degenerate-3x2",
        [[3, 3], [2, 5], [0, 6]],
        [[3, 3], [2, 6], [3, 1]],
        [((1, 0, 0), (1, 0)), ((1, 0, 0), (2 / 3, 1 / 3)), ((0, 1 / 3, 2 / 3), (1 / 3, 2 / 3))],
    ),
    # all payoffs equal: every profile is an equilibrium; extreme ones are the pure profiles
    ("all-ties", [[1, 1], [1, 1]], [[2, 2], [2, 2]], [((1, 0), (1, 0)), ((1, 0), (0, 1)), ((0, 1), (1, 0)), ((0, 1), (0, 1))]),
]


@pytest.fixture
def rng():
    return np.random.default_rng(20251124)
