"""Correlated and coarse correlated equilibria of N-player games, by linear programming.

A *correlated equilibrium* (Aumann 1974) is a probability distribution μ over pure
profiles that a mediator draws from, telling each player only its own part. It is an
equilibrium when every player, told to play a, does at least as well by obeying as by
playing any b instead, given what being told a reveals about the others:

    Σ_{s₋ᵢ} μ(a, s₋ᵢ) · [uᵢ(a, s₋ᵢ) − uᵢ(b, s₋ᵢ)] ≥ 0      for every player i and a ≠ b.

These *obedience constraints* are linear in μ, so the set of correlated equilibria is a
polytope (it contains every Nash equilibrium, as the product of its mixtures). A *coarse*
correlated equilibrium (Moulin and Vial 1978) asks less: each player must prefer
committing to the mediator's lottery before seeing its recommendation to playing any fixed
b, Σ_s μ(s)·[uᵢ(s) − uᵢ(b, s₋ᵢ)] ≥ 0. No-regret learning converges to that larger set.

Over each polytope we solve linear programs with SciPy's HiGHS (imported lazily):

- the welfare-maximizing equilibrium (largest sum of payoffs, as the payoffs are given;
  among several, the one whose worst-off player gets most — the traffic light, not a
  permanent green for one side);
- for each player, the equilibrium best for that player (ties broken by welfare).

Every distribution returned is checked: probabilities sum to one and no obedience
constraint is violated by more than player i's tolerance (`games.solvers.equilibrium`'s
``1e-8 ×`` half the spread of its payoffs, the same as for Nash equilibria). For small
games the polytope's vertices are listed too (`correlated_vertices`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import comb

import numpy as np

from games.solvers.equilibrium import player_scales, player_tolerances
from games.errors import InputError, SolverError, clip
from games.forms.normal_form import NormalFormGame

#: Largest number of pure profiles (LP variables) the linear programs accept.
MAX_PROFILES = 200_000
#: Largest number of nonzero entries of the obedience constraints (profiles × Σ (mᵢ − 1)),
#: which is what the linear programs' time follows: 450,000 (a 61×61 game) takes about
#: 5 s on a 2-core machine; 81×81 (1 M) 11 s and 101×101 (2 M) half a minute or more.
MAX_CONSTRAINT_ENTRIES = 500_000
#: Largest number of candidate bases `correlated_vertices` tries before giving up.
MAX_VERTEX_BASES = 20_000
#: Largest number of pure profiles whose polytope `correlated_vertices` enumerates: each
#: candidate basis is an n×n solve, and the constraints are held as a dense matrix.
MAX_VERTEX_PROFILES = 200


@dataclass(frozen=True)
class Obedience:
    """One incentive constraint: ``player`` told ``told`` (None: coarse) prefers it to ``instead``."""

    player: int
    told: int | None
    instead: int


@dataclass(frozen=True)
class CorrelatedEquilibrium:
    """A verified distribution over pure profiles (flattened in C order of ``game.shape``)."""

    distribution: tuple[float, ...]
    shape: tuple[int, ...]
    payoffs: tuple[float, ...]
    coarse: bool
    objective: str  # "welfare", or "best for <player>"
    max_violation: tuple[float, ...]  # per player: the largest gain from disobeying (≤ its tolerance)

    @property
    def welfare(self) -> float:
        return float(sum(self.payoffs))

    def support(self, tol: float = 1e-9) -> tuple[tuple[tuple[int, ...], float], ...]:
        """The profiles drawn with positive probability, most likely first."""
        cells = [
            (tuple(int(v) for v in np.unravel_index(k, self.shape)), p)
            for k, p in enumerate(self.distribution)
            if p > tol
        ]
        return tuple(sorted(cells, key=lambda c: (-c[1], c[0])))

    def as_array(self) -> np.ndarray:
        return np.asarray(self.distribution, dtype=float).reshape(self.shape)


@dataclass(frozen=True)
class CorrelatedSolution:
    """The correlated and coarse correlated equilibria tradegame computes for one game."""

    game: NormalFormGame
    welfare: CorrelatedEquilibrium
    best_for: tuple[CorrelatedEquilibrium, ...]  # one per player
    coarse_welfare: CorrelatedEquilibrium
    coarse_best_for: tuple[CorrelatedEquilibrium, ...]
    n_constraints: int  # obedience constraints of the correlated polytope
    n_coarse_constraints: int
    vertices: tuple[tuple[float, ...], ...] | None  # of the correlated polytope; None if too many
    tolerance: tuple[float, ...]  # per player


# ------------------------------------------------------------------ the constraints
def _check_size(game: NormalFormGame) -> int:
    n = int(np.prod(game.shape))
    shape = '×'.join(map(str, game.shape))
    if n > MAX_PROFILES:
        raise InputError(
            f"option --method: correlated equilibria of a {shape} game need "
            f"{n:,} LP variables (limit {MAX_PROFILES:,}); use --method pure"
        )
    entries = n * sum(m - 1 for m in game.shape)
    if entries > MAX_CONSTRAINT_ENTRIES:
        raise InputError(
            f"option --method: correlated equilibria of a {shape} game need linear programs with "
            f"{entries:,} constraint entries (limit {MAX_CONSTRAINT_ENTRIES:,}, some seconds of work); "
            "use a smaller game (fewer --levels) or --method pure"
        )
    return n


def gain_arrays(game: NormalFormGame, player: int) -> np.ndarray:
    """D[a, b, s] = uᵢ(a, s₋ᵢ) − uᵢ(b, s₋ᵢ) with s₋ᵢ flattened: what switching from a to b loses."""
    u = np.moveaxis(np.asarray(game.payoffs[player], dtype=float), player, 0)
    u = u.reshape(game.shape[player], -1)
    return u[:, None, :] - u[None, :, :]


def obedience_constraints(game: NormalFormGame, coarse: bool = False):
    """(M, labels, scales): rows of a sparse matrix with ``M @ μ ≥ 0`` the obedience constraints.

    Each row is divided by its player's payoff scale, so HiGHS's tolerances mean the same for
    every player; ``scales`` holds that divisor per row.
    """
    from scipy import sparse

    shape = game.shape
    n = int(np.prod(shape))
    index = np.arange(n).reshape(shape)
    rows, cols, vals, labels, scales = [], [], [], [], []
    r = 0
    for i, scale in enumerate(player_scales(game)):
        if shape[i] < 2 or scale == 0:
            continue  # a player with one strategy or constant payoffs never gains by disobeying
        D = gain_arrays(game, i)
        idx = np.moveaxis(index, i, 0).reshape(shape[i], -1)  # flat profile index of (a, s₋ᵢ)
        for b in range(shape[i]):
            tolds = [None] if coarse else [a for a in range(shape[i]) if a != b]
            for a in tolds:
                if a is None:
                    c, v = idx.ravel(), D[:, b, :].ravel()
                else:
                    c, v = idx[a], D[a, b]
                keep = v != 0
                rows.append(np.full(int(keep.sum()), r))
                cols.append(c[keep])
                vals.append(v[keep] / scale)
                labels.append(Obedience(i, a, b))
                scales.append(scale)
                r += 1
    if r == 0:
        return sparse.csr_matrix((0, n)), (), np.zeros(0)
    M = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, n)
    )
    return M, tuple(labels), np.asarray(scales)


def violations(game: NormalFormGame, distribution, coarse: bool = False) -> tuple[float, ...]:
    """Per player, the most it could gain by disobeying some recommendation (0 if nothing).

    For a correlated equilibrium: max over a ≠ b of Σ μ(a, s₋ᵢ)[uᵢ(b, s₋ᵢ) − uᵢ(a, s₋ᵢ)]
    (the gain in unconditional terms: probability of being told a times the conditional gain).
    """
    mu = np.asarray(distribution, dtype=float).ravel()
    out = []
    for i in range(game.n_players):
        D = gain_arrays(game, i)  # [a, b, s₋ᵢ]
        m = np.moveaxis(mu.reshape(game.shape), i, 0).reshape(game.shape[i], -1)  # [a, s₋ᵢ]
        if coarse:
            worst = float(np.max(-np.einsum("abs,as->b", D, m))) if game.shape[i] else 0.0
        else:
            worst = float(np.max(-np.einsum("abs,as->ab", D, m)))
        out.append(max(0.0, worst))
    return tuple(out)


def expected_payoffs(game: NormalFormGame, distribution) -> tuple[float, ...]:
    mu = np.asarray(distribution, dtype=float).reshape(game.shape)
    return tuple(float(np.sum(mu * u)) for u in game.payoffs)


def verify_correlated(
    game: NormalFormGame, distribution, coarse: bool = False, objective: str = ""
) -> CorrelatedEquilibrium | None:
    """The distribution as a verified (coarse) correlated equilibrium, or None.

    It must be a probability distribution over the game's pure profiles (within 1e-9) and
    break no player's obedience constraint by more than that player's tolerance.
    """
    mu = np.asarray(distribution, dtype=float).ravel()
    if mu.shape != (int(np.prod(game.shape)),) or not np.all(np.isfinite(mu)):
        return None
    if np.any(mu < -1e-9) or abs(float(mu.sum()) - 1.0) > 1e-9:
        return None
    mu = np.clip(mu, 0.0, None)
    mu = mu / mu.sum()
    mu[mu < 1e-13] = 0.0
    gaps = violations(game, mu, coarse)
    if any(g > t for g, t in zip(gaps, player_tolerances(game))):
        return None
    return CorrelatedEquilibrium(
        distribution=tuple(float(v) for v in mu),
        shape=game.shape,
        payoffs=expected_payoffs(game, mu),
        coarse=coarse,
        objective=objective,
        max_violation=gaps,
    )


# ------------------------------------------------------------------ the linear programs
def _linprog(c, M, n, extra=None):
    from scipy.optimize import linprog

    A_ub = -M if M.shape[0] else None
    b_ub = np.zeros(M.shape[0]) if M.shape[0] else None
    if extra is not None:  # one more row: extra_row @ μ ≥ extra_rhs
        from scipy import sparse

        row, rhs = extra
        A_ub = sparse.vstack([A_ub, sparse.csr_matrix(-row)]) if A_ub is not None else sparse.csr_matrix(-row)
        b_ub = np.append(b_ub if b_ub is not None else np.zeros(0), -rhs)
    res = linprog(
        c, A_ub=A_ub, b_ub=b_ub, A_eq=np.ones((1, n)), b_eq=[1.0], bounds=(0, None), method="highs",
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    if res.status != 0 or res.x is None:
        raise SolverError(f"correlated equilibrium LP failed: {clip(res.message, 80)}")
    x = np.clip(res.x, 0.0, None)
    return x / x.sum()


def _fairest(M, U: list[np.ndarray], first: np.ndarray, floor: float) -> np.ndarray | None:
    """Among distributions with first @ μ ≥ floor, one maximizing the smallest payoff
    (variables μ and z: maximize z with uᵢ·μ ≥ z for every player)."""
    from scipy import sparse
    from scipy.optimize import linprog

    n = len(first)
    N = len(U)
    rows = [sparse.hstack([-M, sparse.csr_matrix((M.shape[0], 1))])] if M.shape[0] else []
    rows.append(sparse.csr_matrix(np.append(-first, 0.0)[None, :]))
    rows.append(sparse.csr_matrix(np.hstack([-np.vstack(U), np.ones((N, 1))])))
    A_ub = sparse.vstack(rows)
    b_ub = np.concatenate([np.zeros(M.shape[0]), [-floor], np.zeros(N)])
    c = np.zeros(n + 1)
    c[-1] = -1.0
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=np.append(np.ones(n), 0.0)[None, :], b_eq=[1.0],
                  bounds=[(0, None)] * n + [(None, None)], method="highs",
                  options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    if res.status != 0 or res.x is None:
        return None
    x = np.clip(res.x[:n], 0.0, None)
    return x / x.sum()


def _scaled_payoffs(game: NormalFormGame) -> list[np.ndarray]:
    """Each player's payoffs over the flattened profiles."""
    return [np.asarray(u, dtype=float).ravel() for u in game.payoffs]


def _unit(objective: np.ndarray) -> np.ndarray:
    """The objective divided by its largest |coefficient| (the same optimum): HiGHS fails
    ("Status 0: Not Set") or drops coefficients when they are all near 10⁹ or 10⁻⁹."""
    top = float(np.max(np.abs(objective))) if len(objective) else 0.0
    return objective / top if top > 0 else objective


def optimize(
    game: NormalFormGame, weights, coarse: bool = False, objective: str = "", tie_break=None
) -> CorrelatedEquilibrium:
    """The (coarse) correlated equilibrium maximizing Σᵢ weightsᵢ·uᵢ, verified.

    ``tie_break`` (weights too) then picks, among the optimal ones, the one maximizing a
    second objective (a second LP with the first objective held at its optimum);
    ``"fairest"`` picks the one whose smallest payoff is largest.
    """
    n = _check_size(game)
    M, _, _ = obedience_constraints(game, coarse)
    U = _scaled_payoffs(game)
    first = _unit(sum(w * u for w, u in zip(weights, U)))
    mu = _linprog(-first, M, n)
    best = float(first @ mu)
    slack = 1e-11 * max(1.0, float(np.max(np.abs(first))))
    if tie_break == "fairest":
        fair = _fairest(M, U, first, best - slack)
        mu = fair if fair is not None else mu
    elif tie_break is not None:
        second = _unit(sum(w * u for w, u in zip(tie_break, U)))
        try:
            mu = _linprog(-second, M, n, extra=(first, best - slack))
        except SolverError:
            pass  # keep the first optimum
    eq = _cleaned(game, mu, coarse, objective) or verify_correlated(game, mu, coarse, objective)
    if eq is None:
        raise SolverError(
            f"game '{clip(game.title, 40)}': the LP's {'coarse ' if coarse else ''}correlated equilibrium "
            f"breaks an obedience constraint by {max(violations(game, mu, coarse)):.2g}; the game may be badly scaled"
        )
    return eq


def _cleaned(game: NormalFormGame, mu: np.ndarray, coarse: bool, objective: str) -> CorrelatedEquilibrium | None:
    """The LP's answer with solver noise removed, if that is still an equilibrium.

    Probabilities within 1e-9 of a fraction with denominator at most 1000 are snapped to
    it (so 1/3 reads 1/3, not 0.33333333329) and the rest renormalized; the result must
    pass `verify_correlated` like anything else, or None is returned.
    """
    from fractions import Fraction

    snapped = np.array([float(Fraction(float(v)).limit_denominator(1000)) for v in mu])
    snapped = np.where(np.abs(snapped - mu) <= 1e-9, snapped, mu)
    snapped[snapped < 1e-9] = 0.0
    if snapped.sum() <= 0:
        return None
    return verify_correlated(game, snapped / snapped.sum(), coarse, objective)


def correlated_vertices(game: NormalFormGame, coarse: bool = False, limit: int = MAX_VERTEX_BASES):
    """Every vertex of the (coarse) correlated equilibrium polytope, or None if there are
    more than ``limit`` candidate bases to try or more than `MAX_VERTEX_PROFILES` profiles.

    The polytope lives in the simplex over pure profiles: a vertex is a point where
    n − 1 linearly independent constraints (obedience or μ(s) ≥ 0) are tight, besides
    Σ μ = 1. Each candidate is solved and kept when feasible (within 1e-9).
    """
    n = _check_size(game)
    if n > MAX_VERTEX_PROFILES:  # before anything dense: a 101×101 game's matrix took 1.5 GB
        return None
    M, _, _ = obedience_constraints(game, coarse)
    G = np.vstack([M.toarray(), np.eye(n)]) if M.shape[0] else np.eye(n)
    # drop repeated constraint rows (coarse constraints often repeat obedience ones)
    G = np.unique(np.round(G, 12), axis=0)
    G = G[np.any(G != 0, axis=1)]
    k = n - 1
    if k == 0:
        return ((1.0,),)
    if comb(len(G), k) > limit:
        return None
    found: list[np.ndarray] = []
    ones = np.ones((1, n))
    for rows in itertools.combinations(range(len(G)), k):
        S = np.vstack([G[list(rows)], ones])
        if abs(np.linalg.det(S)) < 1e-12:
            continue
        rhs = np.zeros(n)
        rhs[-1] = 1.0
        x = np.linalg.solve(S, rhs)
        if np.all(G @ x >= -1e-9) and not any(np.allclose(x, f, atol=1e-9) for f in found):
            found.append(x)
    found = [np.asarray(c.distribution) if (c := _cleaned(game, x, coarse, "")) is not None else x for x in found]
    return tuple(tuple(float(max(0.0, v)) for v in x) for x in sorted(found, key=lambda x: tuple(-x)))


def correlated_equilibria(game: NormalFormGame, vertex_limit: int = MAX_VERTEX_BASES) -> CorrelatedSolution:
    """Welfare-maximizing and player-best correlated and coarse correlated equilibria, verified.

    Works for any number of players (up to `MAX_PROFILES` pure profiles). Welfare is the sum
    of payoffs as given; best-for-player optima are tie-broken by welfare.
    """
    _check_size(game)
    N = game.n_players
    total = [1.0] * N
    results = {}
    for coarse in (False, True):
        kind = "coarse " if coarse else ""
        welfare = optimize(game, total, coarse, f"{kind}welfare", tie_break="fairest")
        best = tuple(
            optimize(game, [1.0 if j == i else 0.0 for j in range(N)], coarse,
                     f"{kind}best for {game.players[i]}", tie_break=total)
            for i in range(N)
        )
        results[coarse] = (welfare, best)
    M, _, _ = obedience_constraints(game, False)
    Mc, _, _ = obedience_constraints(game, True)
    return CorrelatedSolution(
        game=game,
        welfare=results[False][0],
        best_for=results[False][1],
        coarse_welfare=results[True][0],
        coarse_best_for=results[True][1],
        n_constraints=M.shape[0],
        n_coarse_constraints=Mc.shape[0],
        vertices=correlated_vertices(game, False, vertex_limit),
        tolerance=player_tolerances(game),
    )
