"""Learning dynamics for two-player games: do players find an equilibrium?

Two classic stories of how play might settle on an equilibrium without anyone solving
the game. *Fictitious play* (Brown 1951): each round, each player best-responds to the
empirical frequency of the other's past moves. *Replicator dynamics* (Taylor & Jonker
1978): a strategy's share grows in proportion to how much better it does than the
average. Fictitious play runs on nashpy; the replicator dynamics are integrated here
(see `replicator_path` for why). Both converge in some games (dominance solvable, coordination games) and cycle
in others (matching pennies under replicator dynamics). These functions return plain
arrays of mixed strategies over time; pictures are drawn by ``cli.plots``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from games.errors import InputError
from games.forms.normal_form import NormalFormGame

MAX_STEPS = 100_000
#: Longest run time of the replicator dynamics.
MAX_HORIZON = 1e4


def check_steps(steps: int) -> int:
    """steps itself, or a one-line InputError naming --steps."""
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise InputError(f"option --steps: expected an integer from 1 to {MAX_STEPS}, got {steps}")
    return steps


def _nashpy_game(game: NormalFormGame):
    import nashpy

    A, B = game.bimatrix()
    return nashpy.Game(np.array(A), np.array(B))


def fictitious_play_path(
    game: NormalFormGame, start_counts: Sequence[Sequence[float]], steps: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Empirical mixed strategies (rows: rounds 0..steps) of both players under fictitious play.

    ``start_counts`` are fictitious prior plays (one non-negative vector per player, not all
    zero), so the path starts at those frequencies. Ties between best responses are broken
    at random by nashpy; ``seed`` fixes them so a picture is reproducible.
    """
    check_steps(steps)
    counts = [np.asarray(c, dtype=float) for c in start_counts]
    if len(counts) != 2 or any(c.shape != (n,) for c, n in zip(counts, game.shape)):
        raise InputError(f"start counts: expected one vector per player of lengths {game.shape}")
    if any(c.min() < 0 or c.sum() <= 0 for c in counts):
        raise InputError("start counts: expected non-negative counts with a positive total")
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        history = list(_nashpy_game(game).fictitious_play(iterations=steps, play_counts=counts))
    finally:
        np.random.set_state(state)
    rows = np.array([h[0] / h[0].sum() for h in history])
    cols = np.array([h[1] / h[1].sum() for h in history])
    return rows, cols


def replicator_path(
    game: NormalFormGame, x0: Sequence[float], y0: Sequence[float], horizon: float = 10.0, points: int = 400
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(times, row strategies, column strategies) of the two-population replicator dynamics.

    dx_i/dt = x_i·((A y)_i − x·A y) and dy_j/dt = y_j·((xᵀB)_j − xᵀB y), from interior
    mixed strategies x0, y0 up to time ``horizon``. Integrated with classical Runge–Kutta
    in log-ratio coordinates z_i = log(x_i / x_0), where the dynamics read
    dz_i/dt = (A y)_i − (A y)_0: the path can never leave the simplex, which is where
    nashpy's ``asymmetric_replicator_dynamics`` (scipy's odeint on x itself) breaks down
    near pure states. tests/test_learning.py checks the two agree where both are reliable.
    """
    times, xs, ys = replicator_paths(game, [x0], [y0], horizon, points)
    return times, xs[0], ys[0]


def replicator_paths(
    game: NormalFormGame,
    x0s: Sequence[Sequence[float]],
    y0s: Sequence[Sequence[float]],
    horizon: float = 10.0,
    points: int = 400,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Several replicator paths at once: (times, xs of shape (k, points, m), ys (k, points, n)).

    The same integration as `replicator_path`, vectorized over the k starting points
    (pairs x0s[i], y0s[i]), so a picture with many paths costs about as much as one.
    """
    x0s = np.atleast_2d(np.asarray(x0s, dtype=float))
    y0s = np.atleast_2d(np.asarray(y0s, dtype=float))
    m, n = game.shape
    if x0s.shape[1:] != (m,) or y0s.shape[1:] != (n,) or len(x0s) != len(y0s) or not len(x0s):
        raise InputError(f"start: expected mixed strategies of lengths {game.shape}")
    for v in (*x0s, *y0s):
        if v.min() <= 0 or abs(v.sum() - 1) > 1e-9:
            raise InputError("start: expected interior probability vectors (positive, summing to 1)")
    if not 0 < horizon <= MAX_HORIZON:
        raise InputError(f"replicator run time: expected a number in (0, {MAX_HORIZON:g}], got {horizon}")
    times = np.linspace(0.0, horizon, check_steps(points))
    A, B = (np.asarray(a, dtype=float) for a in game.bimatrix())
    # payoff advantages over each player's first strategy: (A y)_i − (A y)_0 = ((A − A_0) y)_i,
    # computed with as few numpy calls as possible: the loop below runs tens of thousands of
    # times, and there each call's fixed cost, not the arithmetic, is the time
    # Both players at once: s = [x, y] (each a softmax of its own block of z) and
    # v = s @ G with G = [[0, B − B_0], [(A − A_0)ᵀ, 0]]; the zero blocks add exact zeros.
    G = np.zeros((m + n, m + n))
    G[m:, :m] = (A - A[:1, :]).T  # y @ this = (A y)_i − (A y)_0
    G[:m, m:] = B - B[:, :1]  # x @ this = (xᵀB)_j − (xᵀB)_0
    starts, sizes = np.array([0, m]), np.array([m, n])

    def softmax(z: np.ndarray) -> np.ndarray:
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def velocity(z: np.ndarray) -> np.ndarray:
        e = np.exp(z - np.repeat(np.maximum.reduceat(z, starts, axis=1), sizes, axis=1))
        return (e / np.repeat(np.add.reduceat(e, starts, axis=1), sizes, axis=1)) @ G

    z = np.concatenate([np.log(x0s) - np.log(x0s[:, :1]), np.log(y0s) - np.log(y0s[:, :1])], axis=1)
    substeps = 4
    out = [z]
    for t0, t1 in zip(times, times[1:]):
        h = (t1 - t0) / substeps
        for _ in range(substeps):
            k1 = velocity(z)
            k2 = velocity(z + h / 2 * k1)
            k3 = velocity(z + h / 2 * k2)
            k4 = velocity(z + h * k3)
            z = z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(z)
    zs = np.stack(out, axis=1)  # (k, points, m + n)
    k = len(zs)
    xs = softmax(zs[:, :, :m].reshape(-1, m)).reshape(k, -1, m)
    ys = softmax(zs[:, :, m:].reshape(-1, n)).reshape(k, -1, n)
    return times, xs, ys


def scaled_payoffs(game: NormalFormGame) -> NormalFormGame:
    """The same game with each player's payoffs divided by their range (same equilibria).

    Replicator speed scales with payoff differences; a positive rescaling of one player's
    payoffs changes neither best responses nor equilibria, and lets one horizon suit every game.
    """
    scaled = []
    for a in game.payoffs:
        spread = float(np.max(a) - np.min(a))
        scaled.append(a / spread if spread > 0 else a)
    return NormalFormGame(game.title, game.players, game.strategies, tuple(scaled))
