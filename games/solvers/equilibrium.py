"""Equilibrium values and their verification.

Every equilibrium tradegame reports has passed `verify`: no player can raise its expected
payoff by more than the tolerance by switching to any pure strategy (which suffices, since
a best mixed deviation is always attained at a pure strategy).

Tolerance, per player: ``TOLERANCE * scale_i`` with ``TOLERANCE = 1e-8`` and ``scale_i``
half the spread of player i's payoffs (max − min) / 2. Equilibria do not change when one
player's payoffs are shifted or rescaled, so the test must not either: a player whose
payoffs run from 0 to 2 is held to 1e-8, even when the other player's run to a billion
(a tolerance scaled by the largest payoff in the game would let that player leave a
whole unit on the table). Regrets are computed on payoffs shifted to their midpoint, so
rounding stays relative to the spread too. A player whose payoffs are all equal has
tolerance 0 and regret exactly 0. Every per-player tolerance is at most
``tolerance(game) = TOLERANCE * max(1, largest absolute payoff)``, the single number
reports quote. The solvers treat payoff differences below 1e-9 of a player's spread as
ties, so the verification tolerance sits a factor of five above that: a profile a solver
found by treating a near-tie as a tie still passes, while anything that is off by more
than a rounding error does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from games.forms.normal_form import NormalFormGame

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
    """One absolute tolerance for the game: an upper bound on every player's (see module doc)."""
    scale = max((max(-lo, hi) for lo, hi in game.payoff_bounds), default=0.0)
    return TOLERANCE * max(1.0, scale)


def player_scales(game: NormalFormGame) -> tuple[float, ...]:
    """Half the spread (max − min) of each player's payoffs: what is at stake for that player."""
    return tuple((hi - lo) / 2 for lo, hi in game.payoff_bounds)


def player_tolerances(game: NormalFormGame) -> tuple[float, ...]:
    """The regret each player is allowed in `verify`: TOLERANCE × its payoff scale."""
    return tuple(TOLERANCE * s for s in player_scales(game))


#: From this many payoffs on, `strategy_values` at a pure profile slices instead of
#: contracting (the same numbers: a one-hot average adds only zeros); below it the
#: contraction is cheaper than the test.
PURE_SLICE_FROM = 4096


def strategy_values(
    game: NormalFormGame, profile: Sequence[np.ndarray], player: int, shift: float = 0.0
) -> np.ndarray:
    """Expected payoff of each of player's pure strategies against the others' mixtures.

    ``shift`` is subtracted from every payoff before averaging (the result is the values
    minus ``shift``, with less rounding when payoffs are large next to their spread).
    """
    pure = _pure_indices(profile) if game.payoffs[player].size > PURE_SLICE_FROM else None
    if pure is not None:  # a large game at a pure profile: the values are one slice
        index = list(pure)
        index[player] = slice(None)
        return np.asarray(game.payoffs[player][tuple(index)], dtype=float) - shift
    values = np.asarray(game.payoffs[player], dtype=float) - shift
    # contract the other players' axes, highest axis first so indices stay valid
    for other in reversed(range(game.n_players)):
        if other == player:
            continue
        values = _contract_axis(values, np.asarray(profile[other], dtype=float), other)
    return values


def _pure_indices(profile: Sequence[np.ndarray]) -> tuple[int, ...] | None:
    """The strategy indices when every mixture puts all its weight on one strategy, else None.

    Only the other players' mixtures matter to `strategy_values`, but a profile is pure or
    not as a whole in every caller, so it is tested as a whole."""
    out = []
    for p in profile:
        p = np.asarray(p)
        k = int(np.argmax(p))
        if p[k] != 1.0 or np.count_nonzero(p) != 1:
            return None
        out.append(k)
    return tuple(out)


def _contract_axis(values: np.ndarray, p: np.ndarray, axis: int) -> np.ndarray:
    """``np.tensordot(values, p, axes=([axis], [0]))`` for a vector p, by the very same
    operations (the axis moved last, one `np.dot` with p as a column), so the result is
    bit for bit the same, without tensordot's argument handling (most of its cost on the
    small arrays of a verification)."""
    shape = values.shape
    if p.ndim != 1 or p.shape[0] != shape[axis]:
        return np.tensordot(values, p, axes=([axis], [0]))
    order = [k for k in range(values.ndim) if k != axis] + [axis]
    kept = [shape[k] for k in order[:-1]]
    flat = values.transpose(order).reshape(math.prod(kept), shape[axis])
    return np.dot(flat, p.reshape(shape[axis], 1)).reshape(kept)


def expected_payoffs(game: NormalFormGame, profile: Sequence[np.ndarray]) -> tuple[float, ...]:
    """Each player's expected payoff at a mixed profile."""
    return tuple(
        float(np.dot(strategy_values(game, profile, i), profile[i])) for i in range(game.n_players)
    )


def regrets(game: NormalFormGame, profile: Sequence[np.ndarray]) -> tuple[float, ...]:
    """For each player: best pure-strategy payoff minus the payoff of its mixture.

    Computed on each player's payoffs shifted to their midpoint, so rounding stays relative
    to the player's spread (what `player_tolerances` measures against).
    """
    out = []
    for i, (lo, hi) in enumerate(game.payoff_bounds):
        values = strategy_values(game, profile, i, shift=(hi + lo) / 2)
        out.append(float(np.max(values) - np.dot(values, profile[i])))
    return tuple(out)


def is_probability_vector(p: np.ndarray, tol: float = 1e-9) -> bool:
    if isinstance(p, np.ndarray) and p.ndim == 1 and p.dtype == np.float64 and len(p):
        # the same test by cheaper calls (min is NaN, and fails, exactly when a NaN would)
        return bool(p.min() >= -tol) and abs(float(p.sum()) - 1.0) <= tol * max(1, len(p))
    return bool(np.all(p >= -tol) and abs(float(np.sum(p)) - 1.0) <= tol * max(1, len(p)))


def verify(game: NormalFormGame, profile: Sequence[Sequence[float]]) -> Equilibrium | None:
    """Return the profile as a verified `Equilibrium`, or None if it is not one.

    Each player's regret must be within its own tolerance (`player_tolerances`).
    """
    return verify_all(game, [profile])[0]


def verify_all(game: NormalFormGame, profiles: Sequence[Sequence[Sequence[float]]]) -> list[Equilibrium | None]:
    """`verify` for each of several profiles of one game, sharing the per-game work.

    The payoffs' midpoints, spreads and tolerances are computed once for the game rather
    than once per profile; two-player games take their strategy values from two small
    matrix-vector products. The test is `verify`'s, unchanged.
    """
    if game.n_players == 2:
        return _verify_bimatrix(game, profiles)
    if game.n_players >= 3 and game.payoffs[0].size <= PURE_SLICE_FROM:
        return _verify_small(game, profiles)
    return [_verify_one(game, profile) for profile in profiles]


def _cleaned(profile: Sequence[Sequence[float]], shape: tuple[int, ...]) -> list[np.ndarray] | None:
    """Each player's mixture as a float array, clipped at 0 and renormalized (tiny entries
    set to 0); None unless every one is a probability vector of the right length."""
    if len(profile) != len(shape):
        return None
    clean = []
    for p, n in zip(profile, shape):
        p = np.asarray(p, dtype=float)
        if p.shape != (n,) or not is_probability_vector(p):
            return None
        # = np.clip(p, 0.0, None), normalized, |entries| below 1e-13 zeroed: the same
        # numbers (p has no NaN here), by cheaper calls
        p = np.maximum(p, 0.0)
        p = p / p.sum()
        p[p < 1e-13] = 0.0
        clean.append(p)
    return clean


def _verify_one(game: NormalFormGame, profile: Sequence[Sequence[float]]) -> Equilibrium | None:
    clean = _cleaned(profile, game.shape)
    if clean is None:
        return None
    regret = regrets(game, clean)
    if any(r > tol for r, tol in zip(regret, player_tolerances(game))):
        return None
    return Equilibrium(
        profile=tuple(tuple(float(v) for v in p) for p in clean),
        payoffs=expected_payoffs(game, clean),
        max_regret=max(0.0, max(regret)),
    )


def _contraction_plan(game: NormalFormGame, player: int) -> list[tuple]:
    """The steps of `strategy_values` for one player (the other players' axes contracted,
    highest first, as `_contract_axis` does): per step the other player, the axis order,
    the kept shape, its product and the contracted length."""
    shape = list(game.shape)
    steps = []
    for other in reversed(range(game.n_players)):
        if other == player:
            continue
        axis = other
        order = [k for k in range(len(shape)) if k != axis] + [axis]
        kept = [shape[k] for k in order[:-1]]
        steps.append((other, order, kept, math.prod(kept), shape[axis]))
        shape = kept
    return steps


def _verify_small(game: NormalFormGame, profiles) -> list[Equilibrium | None]:
    """`_verify_one` for each profile of a game with three or more players and at most
    `PURE_SLICE_FROM` payoffs per player, by the very same NumPy calls on the same arrays
    (so the same numbers bit for bit: the BLAS kernels `np.dot` picks depend only on the
    operands' shapes and layouts, which are unchanged), with what does not depend on the
    profile done once: the shifted payoffs and their first contraction's matrix."""
    n = game.n_players
    tols = player_tolerances(game)
    plans = []
    for i, (lo, hi) in enumerate(game.payoff_bounds):
        steps = _contraction_plan(game, i)
        u = np.asarray(game.payoffs[i], dtype=float)
        _, order, _, rows, k = steps[0]
        first = [(u - shift).transpose(order).reshape(rows, k) for shift in ((hi + lo) / 2, 0.0)]
        plans.append((steps, first))

    def values(i: int, which: int, clean: list[np.ndarray]) -> np.ndarray:
        steps, first = plans[i]
        flat = first[which]
        for step, (other, order, kept, rows, k) in enumerate(steps):
            if step:
                flat = v.transpose(order).reshape(rows, k)
            v = np.dot(flat, clean[other].reshape(k, 1)).reshape(kept)
        return v

    out: list[Equilibrium | None] = []
    for profile in profiles:
        clean = _cleaned(profile, game.shape)
        if clean is None:
            out.append(None)
            continue
        regret = []
        for i in range(n):
            v = values(i, 0, clean)
            regret.append(float(np.max(v) - np.dot(v, clean[i])))
        if any(r > tol for r, tol in zip(regret, tols)):
            out.append(None)
            continue
        out.append(Equilibrium(
            profile=tuple(tuple(float(v) for v in p) for p in clean),
            payoffs=tuple(float(np.dot(values(i, 1, clean), clean[i])) for i in range(n)),
            max_regret=max(0.0, max(regret)),
        ))
    return out


def _verify_bimatrix(game: NormalFormGame, profiles) -> list[Equilibrium | None]:
    """`_verify_one` for a two-player game: the profiles checked and cleaned together (one
    array per player), regrets computed on payoffs shifted to their midpoints (as
    `regrets`), payoffs on the unshifted matrices (as `expected_payoffs`)."""
    A, B = game.payoffs
    m, n = A.shape
    out: list[Equilibrium | None] = [None] * len(profiles)
    xs, ys, where = [], [], []
    for k, profile in enumerate(profiles):
        if len(profile) != 2:
            continue
        x, y = np.asarray(profile[0], dtype=float), np.asarray(profile[1], dtype=float)
        if x.shape == (m,) and y.shape == (n,):
            xs.append(x)
            ys.append(y)
            where.append(k)
    if not where:
        return out
    X, ok_x = _cleaned_rows(np.array(xs))
    Y, ok_y = _cleaned_rows(np.array(ys))
    (lo_a, hi_a), (lo_b, hi_b) = game.payoff_bounds
    tol_a, tol_b = TOLERANCE * (hi_a - lo_a) / 2, TOLERANCE * (hi_b - lo_b) / 2
    As, Bs = A - (hi_a + lo_a) / 2, B - (hi_b + lo_b) / 2
    # regrets profile by profile (matrix-vector products): a profile's numbers do not
    # depend on which other profiles are verified with it
    for k, x, y, ok in zip(where, X, Y, (ok_x & ok_y).tolist()):
        if not ok:
            continue
        row, col = As @ y, x @ Bs
        r_row = float(row.max() - row @ x)
        r_col = float(col.max() - col @ y)
        if r_row > tol_a or r_col > tol_b:
            continue
        out[k] = Equilibrium(
            profile=(tuple(x.tolist()), tuple(y.tolist())),
            payoffs=(float((A @ y) @ x), float((x @ B) @ y)),
            max_regret=max(0.0, r_row, r_col),
        )
    return out


def _cleaned_rows(P: np.ndarray, tol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """`_cleaned` for many mixtures of one player at once (rows of P): the cleaned rows and
    which of them are probability vectors (`is_probability_vector`, row by row)."""
    ok = (P >= -tol).all(axis=1) & (np.abs(P.sum(axis=1) - 1.0) <= tol * max(1, P.shape[1]))
    P = np.clip(P, 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        P = P / P.sum(axis=1, keepdims=True)
    P[np.abs(P) < 1e-13] = 0.0
    return P, ok


def same_profile(a: Equilibrium, b: Equilibrium, tol: float = 1e-7) -> bool:
    """Whether the profiles agree entry by entry: |a − b| ≤ tol + 1e-5·|b| (NumPy's
    `allclose` rule, in plain Python: the profiles are tuples of floats)."""
    return all(
        abs(u - v) <= tol + 1e-5 * abs(v)
        for x, y in zip(a.profile, b.profile)
        for u, v in zip(x, y)
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
