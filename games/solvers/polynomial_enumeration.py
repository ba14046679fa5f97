"""Every Nash equilibrium of a small N-player game: support enumeration with the
multilinear indifference systems solved by elimination where at most four players mix
(`games.solvers.support_elimination`: one polynomial in one unknown, its real roots, the
other unknowns by back-substitution) and otherwise, or wherever elimination cannot decide
reliably (degenerate profiles), by verified box subdivision.

For each *support profile* (a nonempty set Sᵢ of strategies for every player), an
equilibrium with those supports solves the *indifference system*: each player's
strategies in Sᵢ earn the same against the others' mixtures. With xᵢ the probabilities
of Sᵢ's strategies after the first (the first gets 1 − Σ xᵢ), the system is square —
Σ(|Sᵢ| − 1) equations in as many unknowns — and *multilinear*: each monomial has degree
at most one in every unknown (a player's payoff is linear in each other player's
mixture). Strategies outside Sᵢ must earn no more (inequalities).

A multilinear function on a box takes its largest and smallest values at the box's
corners. So the exact range of every equation, inequality and Jacobian entry over a box
comes from its values at the 2ⁿ corners, and the search is a clean branch and bound:

1. start from the unit box (slightly enlarged, so roots on faces are interior);
2. discard a box where some equation keeps one sign, or some outside strategy is strictly
   better, at every corner (no equilibrium inside);
3. apply Krawczyk's test: with the exact interval Jacobian over the box, either the box
   provably holds exactly one root (Newton from its centre then converges to it) or none
   (discard), or it is undecided and is bisected along its widest side;
4. undecided boxes that reach the minimum width are grouped into clusters; each cluster
   is a singular root, a root on the edge of a smaller support, or a piece of a continuum
   of equilibria (degenerate games). A listed equilibrium in the cluster represents it
   only if it solves this support profile's equations (an equilibrium of a smaller
   support on the cluster's face generically does not: the root next to it is another
   equilibrium); otherwise Gauss–Newton from the cluster's boxes looks for an
   equilibrium in it, walking on to the inequalities when Newton's limit
   violates them (`nearest_equilibrium`), and a cluster still without one is searched
   again with boxes 1/16 as wide (a curve of solutions passing near the region where the
   inequalities hold, without entering it).

The search never re-evaluates the system: each box carries its corner values. Halving a
box averages them (every function is linear along each side), the Jacobian's range comes
from differences across the box and the value at the centre from their mean. Support
profiles with the same number of unknowns have arrays of one shape, so each such group is
searched in one batch. Support profiles where a strategy of Sᵢ is strictly dominated by
another strategy of player i, while the others stay in their supports, are skipped.

Elimination comes first: support profiles where one, two, three (with a two-strategy
player among them, or three strategies each) or four two-strategy players mix are
solved in batches by pattern; the box search below gets only the profiles elimination
hands back (a polynomial identically zero, a multiple root, a singular linear system: in
generic games almost never, in games with ties often) and those it does not cover (five
or more players mixing, four mixing with more than two strategies in a support, three
mixing with a support of four strategies).

2×2×2 games go first to `games.solvers.two_strategy_trio`: the same supports solved by
closed forms in plain Python floats (NumPy's per-call cost dominates on such small
arrays); it hands a near-degenerate game back to everything above
(`TRIO_CLOSED_FORMS = False` sends every game this way).

Every candidate is checked by `games.solvers.equilibrium.verify` against the full game, so an
outside strategy that pays more, or a negative probability, rules a root out. The
result is ``complete`` when every box was decided or belongs to a cluster that holds a
reported equilibrium: then every isolated equilibrium is listed and every continuum is
represented by at least one of its points. Equilibria that lie within the minimum box
width of a continuum could hide in its cluster: the note says when clusters occurred.

Size limit: Σ(|strategies| − 1) ≤ `MAX_UNKNOWNS` (covers 3 players × 3 strategies,
4 × 2, 5 × 2, 6 × 2, 4×3×2, ...); bigger games are refused by the caller.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from games.solvers.best_response import pure_equilibria
from games.solvers.equilibrium import Equilibrium, deduplicate, player_scales, same_profile, sort_key, verify, verify_all
from games.errors import InputError
from games.forms.normal_form import NormalFormGame
from games.solvers.support_elimination import coefficients, polish, scaled_payoffs, solve_profiles, subset_tables
from games.solvers.two_strategy_trio import PROFILES as TRIO_PROFILES, all_equilibria_trio

#: Largest Σ(mᵢ − 1) accepted (3×3×3 is 6, 2×2×2×2 is 4).
MAX_UNKNOWNS = 6
#: Boxes are bisected down to this width (then clustered).
MIN_WIDTH = 2.0**-9
#: Faces of the search box sit this far outside [0, 1].
MARGIN = 1e-7
#: Box budget for a support whose system is underdetermined and where Newton found nothing.
UNDERDETERMINED_BOXES = 2_000
#: Undecided boxes beyond this many are not split into separate clusters.
MAX_CLUSTERED = 1_500
#: Krawczyk's test is tried on boxes no wider than this.
KRAWCZYK_WIDTH = 0.26
#: Box budget for searching again, with smaller boxes, a cluster no equilibrium was found in.
FINER_BOXES = 4_000
#: Systems with at most this many unknowns start from a grid of boxes a quarter wide.
PRESPLIT_UNKNOWNS = 3
#: A listed equilibrium represents a cluster of a support profile only if that profile's
#: equations (payoffs divided by each player's spread) hold there within this.
COVER_RESIDUAL = 1e-9
#: Largest number of live boxes for one support profile before it is given up as undecided.
MAX_BOXES = 10_000
#: 2×2×2 games go first to the closed forms of `games.solvers.two_strategy_trio` (plain
#: Python floats), which hand degenerate games back; False sends every game the general way.
TRIO_CLOSED_FORMS = True

#: The note of a list where every equilibrium is a simple root or proved unique in its box.
SIMPLE_ROOTS_NOTE = ("every equilibrium; each a simple root of a polynomial (elimination) or proved unique "
                     "in its box (Krawczyk's test)")


@dataclass(frozen=True)
class Enumeration:
    """Every equilibrium found, whether the search provably found them all, and why not."""

    equilibria: tuple[Equilibrium, ...]
    complete: bool
    clusters: int  # undecided clusters of boxes (singular roots or continua) met on the way
    continua: int  # clusters wider than a few boxes: continua of equilibria, represented
    supports_tried: int
    note: str


def unknowns(shape) -> int:
    return int(sum(k - 1 for k in shape))


def check_size(game: NormalFormGame) -> None:
    """Refuse a game above the documented size, naming a method that fits."""
    n = unknowns(game.shape)
    if n > MAX_UNKNOWNS:
        raise InputError(
            f"option --method: all equilibria of a {'×'.join(map(str, game.shape))} game are beyond "
            f"support enumeration's limit (Σ(strategies − 1) = {n} > {MAX_UNKNOWNS}); "
            "use --method logit for one equilibrium"
        )


# ------------------------------------------------------------------ one support profile
class IndifferenceSystem:
    """The indifference system of one support profile, evaluated on batches of points."""

    def __init__(self, game: NormalFormGame, supports: tuple[tuple[int, ...], ...]):
        self.game = game
        self.supports = supports
        self.N = game.n_players
        self.sizes = [len(s) for s in supports]
        self.offsets = np.cumsum([0] + [k - 1 for k in self.sizes])
        self.n = int(self.offsets[-1])
        scales = player_scales(game)
        self.U = []  # player i's payoffs: its own axis full, the others' restricted to supports
        for i in range(self.N):
            idx = tuple(slice(None) if j == i else list(supports[j]) for j in range(self.N))
            u = np.asarray(game.payoffs[i], dtype=float)
            for ax, ix in enumerate(idx):
                if not isinstance(ix, slice):
                    u = np.take(u, ix, axis=ax)
            shift = (float(game.payoffs[i].max()) + float(game.payoffs[i].min())) / 2
            self.U.append((u - shift) / (scales[i] if scales[i] > 0 else 1.0))
        self._arranged: dict = {}

    def mixtures(self, X: np.ndarray) -> list[np.ndarray]:
        """Each player's probabilities on its support at each point (rows of X)."""
        out = []
        for j in range(self.N):
            x = X[:, self.offsets[j] : self.offsets[j + 1]]
            out.append(np.concatenate([1.0 - x.sum(axis=1, keepdims=True), x], axis=1))
        return out

    def _contract(self, i: int, sig: list[np.ndarray], keep: int | None = None) -> np.ndarray:
        """Player i's payoff array contracted with every other player's mixture except
        ``keep``: shape (P, mᵢ) or (P, mᵢ, |S_keep|). One matrix product: the outer product
        of the others' mixtures (P × Π|Sⱼ|) times the payoffs arranged to match."""
        key = (i, keep)
        if key not in self._arranged:
            U = self.U[i]
            others = [j for j in range(self.N) if j != i and j != keep]
            order = [i] + ([keep] if keep is not None else []) + others
            lead = U.shape[i] * (U.shape[keep] if keep is not None else 1)
            self._arranged[key] = (np.ascontiguousarray(np.transpose(U, order).reshape(lead, -1).T), others)
        T, others = self._arranged[key]
        P = sig[0].shape[0]
        W = np.ones((P, 1))
        for j in others:
            W = (W[:, :, None] * sig[j][:, None, :]).reshape(P, W.shape[1] * sig[j].shape[1])
        R = W @ T
        m = self.U[i].shape[i]
        return R.reshape(P, m, R.shape[1] // m) if keep is not None else R

    def values(self, X: np.ndarray):
        """(F, G): equations (P × n) and outside-strategy gaps (P × Σ outside), payoff-scaled."""
        sig = self.mixtures(X)
        F, G = [], []
        for i in range(self.N):
            V = self._contract(i, sig)  # P × mᵢ
            s = self.supports[i]
            F.append(V[:, list(s[1:])] - V[:, [s[0]]])
            out = [t for t in range(V.shape[1]) if t not in s]
            if out:
                G.append(V[:, out] - V[:, [s[0]]])
        P = X.shape[0]
        return (np.concatenate(F, axis=1) if F else np.zeros((P, 0)),
                np.concatenate(G, axis=1) if G else np.zeros((P, 0)))

    def jacobian(self, X: np.ndarray) -> np.ndarray:
        """∂F/∂x at each point: P × n × n."""
        sig = self.mixtures(X)
        P = X.shape[0]
        J = np.zeros((P, self.n, self.n))
        for i in range(self.N):
            s = self.supports[i]
            rows = slice(self.offsets[i], self.offsets[i + 1])
            for j in range(self.N):
                if j == i or self.sizes[j] < 2:
                    continue
                W = self._contract(i, sig, keep=j)  # P × mᵢ × |Sⱼ|
                D = W[:, list(s[1:]), :] - W[:, [s[0]], :]  # P × (|Sᵢ|−1) × |Sⱼ|
                J[:, rows, self.offsets[j] : self.offsets[j + 1]] = D[:, :, 1:] - D[:, :, [0]]
        return J

    def profile(self, x: np.ndarray) -> list[np.ndarray]:
        sig = self.mixtures(x[None, :])
        out = []
        for j, k in enumerate(self.game.shape):
            p = np.zeros(k)
            p[list(self.supports[j])] = sig[j][0]
            out.append(p)
        return out


def refine(system: IndifferenceSystem, x: np.ndarray, iters: int = 30) -> np.ndarray:
    """Newton (least squares where singular) from x; returns the last iterate."""
    for _ in range(iters):
        F, _ = system.values(x[None, :])
        if np.max(np.abs(F), initial=0.0) < 1e-15:
            break
        J = system.jacobian(x[None, :])[0]
        step = np.linalg.lstsq(J, -F[0], rcond=None)[0]
        x = x + step
        if np.max(np.abs(step)) < 1e-16:
            break
    return x


def nearest_equilibrium(system: IndifferenceSystem, x: np.ndarray, iters: int = 40) -> np.ndarray:
    """Gauss–Newton on the indifference equations together with the inequalities x
    violates (an outside strategy paying more, a negative probability), from x.

    In a degenerate game the solutions of the equations can form a curve that meets the
    region where the inequalities hold in a single point (an outside strategy tied):
    Newton's method lands somewhere on the curve, and this walks along it to the point."""
    n = system.n
    rows, bounds = [-np.eye(n)], [np.zeros(n)]  # every unknown ≥ 0
    for j in range(system.N):
        a, b = system.offsets[j], system.offsets[j + 1]
        if b > a:  # and the player's first probability, 1 − Σ, too
            row = np.zeros((1, n))
            row[0, a:b] = 1.0
            rows.append(row)
            bounds.append(np.ones(1))
    A, d = np.concatenate(rows), np.concatenate(bounds)
    h = 1e-3
    for _ in range(iters):
        P = x[None, :] + np.concatenate([np.zeros((1, n)), h * np.eye(n)])
        F, G = system.values(P)
        lin = A @ x - d
        hot, out = G[0] > 0, lin > 0
        r = np.concatenate([F[0], G[0][hot], lin[out]])
        if np.max(np.abs(r), initial=0.0) < 1e-15:
            break
        # G is linear along each coordinate, so a forward difference is its exact slope
        JG = ((G[1:] - G[0]) / h).T
        J = np.concatenate([system.jacobian(x[None, :])[0], JG[hot], A[out]])
        step = np.linalg.lstsq(J, -r, rcond=None)[0]
        x = x + step
        if np.max(np.abs(step)) < 1e-16:
            break
    return x


def _equilibrium_near(game: NormalFormGame, system: IndifferenceSystem, x: np.ndarray, lo, hi):
    """A verified equilibrium from Newton's method started at x, or else from walking on to
    the inequalities (`nearest_equilibrium`) when that stays within [lo, hi]; None if neither."""
    x = refine(system, x, iters=60)
    eq = verify(game, system.profile(x))
    if eq is None:
        x = nearest_equilibrium(system, x)
        if np.all(x >= lo - 1e-9) and np.all(x <= hi + 1e-9):
            eq = verify(game, system.profile(x))
    return eq


@dataclass
class _Outcome:
    roots: list  # verified equilibria
    clusters: list  # lists of (lo, hi) undecided boxes
    gave_up: bool
    continuum: bool = False  # the system is underdetermined and a point of its solutions was found


def _underdetermined(game: NormalFormGame, system: IndifferenceSystem, boxes, starts: int = 8) -> list:
    """A point of a continuum of solutions that is an equilibrium: Newton's method (least
    squares) from up to ``starts`` of the boxes the search could not rule out."""
    picks = np.unique(np.linspace(0, len(boxes) - 1, min(starts, len(boxes))).astype(int))
    for k in picks:
        lo, hi = boxes[k]
        eq = _equilibrium_near(game, system, (lo + hi) / 2, lo - 4 * MIN_WIDTH, hi + 4 * MIN_WIDTH)
        if eq is not None:
            return [eq]
    return []


def _bits(k: int) -> np.ndarray:
    """The 2ᵏ corners of a k-dimensional box as 0/1 rows, first coordinate most significant."""
    return np.array(list(itertools.product((0.0, 1.0), repeat=k))).reshape(2**k, k)


def _corner_values(game: NormalFormGame, group: list, lo: float, hi: float) -> np.ndarray:
    """Every equation and outside-strategy gap at the 2ⁿ corners of the box [lo, hi]ⁿ, for a
    group of support profiles with n unknowns each: S × 2ⁿ × (n + g), payoff-scaled as in
    `IndifferenceSystem` (g, the number of outside strategies, is the same for all).

    At each corner every player's mixture is a vector over its strategies (first
    probability 1 − Σ of its unknowns); each player's strategy values at all corners of all
    supports at once are one matrix product with the outer product of the others'."""
    N, shape = game.n_players, game.shape
    S = len(group)
    n = sum(len(x) - 1 for x in group[0])
    coords = lo + (hi - lo) * _bits(n)  # C × n
    C = len(coords)
    scales = player_scales(game)
    mix = [np.zeros((S, C, m)) for m in shape]
    eq_rows, gap_rows = [], []  # per support: (player, strategy, base strategy) of each column
    for s, supports in enumerate(group):
        at, eqs, gaps = 0, [], []
        for j, sup in enumerate(supports):
            k = len(sup)
            mix[j][s, :, list(sup[1:])] = coords[:, at : at + k - 1].T
            mix[j][s, :, sup[0]] = 1.0 - coords[:, at : at + k - 1].sum(axis=1)
            eqs += [(j, t, sup[0]) for t in sup[1:]]
            gaps += [(j, t, sup[0]) for t in range(shape[j]) if t not in sup]
            at += k - 1
        eq_rows.append(eqs)
        gap_rows.append(gaps)
    values = np.zeros((S, C, N, max(shape)))
    for i in range(N):
        u = np.asarray(game.payoffs[i], dtype=float)
        shift = (float(u.max()) + float(u.min())) / 2
        u = (u - shift) / (scales[i] if scales[i] > 0 else 1.0)
        W = np.ones((S, C, 1))
        for j in range(N):
            if j != i:
                W = (W[:, :, :, None] * mix[j][:, :, None, :]).reshape(S, C, -1)
        values[:, :, i, : shape[i]] = W @ np.moveaxis(u, i, -1).reshape(-1, shape[i])
    rows = np.array([e + g for e, g in zip(eq_rows, gap_rows)], dtype=int).reshape(S, -1, 3)
    s_ix = np.arange(S)[:, None]
    V = values[s_ix, :, rows[:, :, 0], rows[:, :, 1]] - values[s_ix, :, rows[:, :, 0], rows[:, :, 2]]
    return V.transpose(0, 2, 1)  # S × n+g × C → S × C × n+g


def _derivatives(V: np.ndarray, width: np.ndarray, n: int) -> np.ndarray:
    """∂F/∂x_a at the corners of each box, n × 2ⁿ⁻¹ × B × n (first index a), from corner
    values stored corners first (2ⁿ × B × (n + g)): exact, since F is linear in x_a, as the
    difference of the corner values across the box over its width."""
    B = V.shape[1]
    W = V[:, :, :n].reshape((2,) * n + (B, n))
    D = np.empty((n, 2 ** (n - 1), B, n))
    for a in range(n):
        before = (slice(None),) * a
        D[a] = (W[before + (1,)] - W[before + (0,)]).reshape(-1, B, n)
    return D / width.T[:, None, :, None]


def _generic_ranks(V: np.ndarray, n: int, samples: int = 2, seed: int = 0) -> np.ndarray:
    """The Jacobian's rank at random points of each start box: its generic rank (with
    probability one). Below the number of unknowns, every solution of the system lies on
    a continuum (a polynomial map's fibres have dimension at least n − generic rank)."""
    rng = np.random.default_rng(seed)
    S = len(V)
    D = _derivatives(V.transpose(1, 0, 2), np.ones((S, n)), n)  # [a, corner, support, equation]
    bits = _bits(n - 1)
    t = rng.uniform(0.05, 0.3, size=(samples, S, n))
    # interpolation weights of ∂F/∂x_a's corners (all coordinates but a) at each point
    others = np.array([[b for b in range(n) if b != a] for a in range(n)], dtype=int).reshape(n, n - 1)
    ta = t[:, :, others]  # samples × S × a × (n − 1)
    w = np.prod(np.where(bits[None, None, None] > 0, ta[:, :, :, None, :], 1.0 - ta[:, :, :, None, :]), axis=4)
    J = np.einsum("psac,acsk->pska", w, D)  # samples × S × equation × a
    s = np.linalg.svd(J, compute_uv=False)
    tol = 1e-9 * np.maximum(1.0, np.abs(J).max(axis=(2, 3)))
    return (s > tol[:, :, None]).sum(axis=2).max(axis=0)


def _weights(t: np.ndarray) -> np.ndarray:
    """Multilinear interpolation weights of the 2ᵏ corners at points t (P × k, in box units)."""
    bits = _bits(t.shape[1])
    return np.prod(np.where(bits[None] > 0, t[:, None, :], 1.0 - t[:, None, :]), axis=2)


def _newton_in_boxes(V, lo, hi, x, n: int, iters: int = 12, least_squares: bool = False) -> np.ndarray:
    """Newton's method for each box's system from x, the system given by its corner values
    (a multilinear function is its corners' interpolant, also outside the box); with
    ``least_squares``, Gauss–Newton steps (for singular systems)."""
    width = hi - lo
    D = _derivatives(V.transpose(1, 0, 2), width, n)
    for _ in range(iters):
        t = (x - lo) / width
        F = np.einsum("pc,pck->pk", _weights(t), V[:, :, :n])
        J = np.empty((len(x), n, n))
        for a in range(n):
            J[:, :, a] = np.einsum("pc,cpk->pk", _weights(np.delete(t, a, axis=1)), D[a])
        with np.errstate(all="ignore"):
            step = np.zeros_like(x)
            if least_squares:
                step = -np.einsum("pij,pj->pi", np.linalg.pinv(J), F)
            else:
                ok = np.abs(np.linalg.det(J)) > 1e-300
                if ok.any():
                    step[ok] = np.linalg.solve(J[ok], -F[ok][:, :, None])[:, :, 0]
            step[~np.all(np.isfinite(step), axis=1)] = 0.0
        x = x + step
        if np.max(np.abs(step)) < 1e-15:
            break
    return x


def _bisect(V, lo, hi, sid, n):
    """Halve each box along its widest side; a multilinear function's values at the new
    corners are the averages of the old ones (it is linear along that side). V holds the
    corner values corners first: 2ⁿ × B × (n + g)."""
    axis = np.argmax(hi - lo, axis=1)
    m = V.shape[-1]
    Vs, los, his, sids = [], [], [], []
    for a in range(n):
        sel = np.flatnonzero(axis == a)
        if not len(sel):
            continue
        W = V[:, sel].reshape((2,) * n + (len(sel), m))
        first, second = (slice(None),) * a + (0,), (slice(None),) * a + (1,)
        mid = (W[first] + W[second]) / 2
        low, high = W, W.copy()
        low[second] = mid  # W is a fresh copy (fancy indexing), so it can take the lower half
        high[first] = mid
        l, h = lo[sel], hi[sel]
        cut = (l[:, a] + h[:, a]) / 2
        l2, h2 = l.copy(), h.copy()
        h[:, a] = cut
        l2[:, a] = cut
        Vs += [low.reshape(-1, len(sel), m), high.reshape(-1, len(sel), m)]
        los += [l, l2]
        his += [h, h2]
        sids += [sid[sel], sid[sel]]
    return np.concatenate(Vs, axis=1), np.concatenate(los), np.concatenate(his), np.concatenate(sids)


@dataclass
class _Search:
    """What the box search left for each support of a group: boxes proved to hold one
    root (with Krawczyk's Newton point), small undecided boxes, and supports given up."""

    proved: list  # (support index, corner values, lo, hi, Krawczyk's Newton point)
    undecided: dict  # support index -> list of (lo, hi)
    gave_up: set


def _box_search(members, V, budgets, boxes=None, min_width: float = MIN_WIDTH, tol: float = 1e-12) -> _Search:
    """Branch and bound over the start boxes of several support profiles at once (with the
    same number n of unknowns, so one array shape): V is S × 2ⁿ × (n + g), the corner
    values; members (S × players × n) marks which unknowns are whose. The start boxes are
    the unit box, slightly enlarged, or ``boxes`` = (lo, hi, support index) with V their
    corner values."""
    S = len(members)
    n = members.shape[2]
    V = np.ascontiguousarray(V.transpose(1, 0, 2))  # corners first: reductions over them are fast
    if boxes is None:
        lo = np.full((S, n), -MARGIN)
        hi = np.full((S, n), 1.0 + 3.7 * MARGIN)
        sid = np.arange(S)
    else:
        lo, hi, sid = boxes
    proved, undecided, gave_up = [], {}, set()
    eye = np.eye(n)
    if boxes is None and n <= PRESPLIT_UNKNOWNS:
        # small systems: start from a grid of boxes narrow enough for Krawczyk's test
        # (fewer rounds of the loop; the boxes wide ones would have ruled out are few)
        for _ in range(2 * n):
            V, lo, hi, sid = _bisect(V, lo, hi, sid, n)
    while len(lo):
        counts = np.bincount(sid, minlength=S)
        over = np.flatnonzero(counts > budgets)
        if len(over):
            drop = np.isin(sid, over)
            for s in over:
                gave_up.add(int(s))
                mine = drop & (sid == s)
                undecided.setdefault(int(s), []).extend(zip(lo[mine], hi[mine]))
            V, lo, hi, sid = V[:, ~drop], lo[~drop], hi[~drop], sid[~drop]
            budgets = budgets.copy()
            budgets[over] = np.iinfo(np.int64).max
            if not len(lo):
                break
        # the implicit first probability of each player must be able to be ≥ 0; no equation
        # may keep one sign, and no outside strategy may pay strictly more, over the box
        alive = np.all(np.einsum("bj,bpj->bp", lo, members[sid]) <= 1.0 + MARGIN, axis=1)
        Vmin, Vmax = V.min(axis=0), V[:, :, :n].max(axis=0)
        alive &= ~(np.any(Vmin[:, :n] > tol, axis=1) | np.any(Vmax < -tol, axis=1))
        alive &= ~np.any(Vmin[:, n:] > tol, axis=1)
        V, lo, hi, sid = V[:, alive], lo[alive], hi[alive], sid[alive]
        if not len(lo):
            break
        # Krawczyk's test rarely decides a wide box: split those straight away
        width = hi - lo
        narrow = width.max(axis=1) <= KRAWCZYK_WIDTH
        decided = np.zeros(len(lo), dtype=bool)
        k = np.flatnonzero(narrow)
        if len(k):
            Vk = V[:, k]
            D = _derivatives(Vk, width[k], n)  # [a, corner, box, equation]
            Jlo = D.min(axis=1).transpose(1, 2, 0)
            Jhi = D.max(axis=1).transpose(1, 2, 0)
            Jc = D.mean(axis=1).transpose(1, 2, 0)
            slack = 1e-11 * (1.0 + np.maximum(np.abs(Jlo), np.abs(Jhi)))  # rounding in the corner values
            Jlo, Jhi = Jlo - slack, Jhi + slack
            Fc = Vk[:, :, :n].mean(axis=0)  # a multilinear function's value at the centre
            c = (lo[k] + hi[k]) / 2
            r = width[k] / 2
            with np.errstate(all="ignore"):
                ok = np.abs(np.linalg.det(Jc)) > 1e-300
                Y = np.zeros_like(Jc)
                if ok.any():
                    Y[ok] = np.linalg.inv(Jc[ok])
                # a near-singular preconditioner would drown the test in rounding
                ok &= np.abs(Y).max(axis=(1, 2)) * np.abs(Jc).max(axis=(1, 2)) < 1e10
                Kc = c - np.einsum("bij,bj->bi", Y, Fc)
                M = np.abs(eye[None] - Y @ ((Jlo + Jhi) / 2)) + np.abs(Y) @ ((Jhi - Jlo) / 2)
                Kr = np.einsum("bij,bj->bi", M, r)
                good = ok & np.all(np.isfinite(Kc), axis=1) & np.all(np.isfinite(Kr), axis=1)
                inside = good & np.all(np.abs(Kc - c) + Kr < r, axis=1)
                # no root only when K(X) misses X by more than rounding (a root on a face stays)
                empty = good & np.any(np.abs(Kc - c) - Kr > r * (1 + 1e-9) + 1e-12, axis=1)
            for b in np.flatnonzero(inside):
                proved.append((int(sid[k[b]]), Vk[:, b], lo[k[b]], hi[k[b]], Kc[b]))
            decided[k] = inside | empty
        V, lo, hi, sid = V[:, ~decided], lo[~decided], hi[~decided], sid[~decided]
        small = (hi - lo).max(axis=1) <= min_width * 1.0001
        for b in np.flatnonzero(small):
            undecided.setdefault(int(sid[b]), []).append((lo[b], hi[b]))
        V, lo, hi, sid = V[:, ~small], lo[~small], hi[~small], sid[~small]
        if not len(lo):
            break
        V, lo, hi, sid = _bisect(V, lo, hi, sid, n)
    return _Search(proved, undecided, gave_up)


def _solve_group(game: NormalFormGame, group: list, max_boxes: int | None = None) -> list[_Outcome]:
    """Every equilibrium with each of the given support profiles (all with the same number
    of unknowns Σ(|Sᵢ| − 1), hence the same number of outside strategies).

    An underdetermined system (generic Jacobian rank below the number of unknowns: ties
    make some indifference automatic) has no isolated solutions, only continua. Its box
    search gets a small budget: when it rules every box out there is no equilibrium with
    that support; otherwise Newton's method (least squares) from the boxes left looks for
    a point of a continuum to represent it."""
    by_size: dict = {}
    for s, supports in enumerate(group):
        by_size.setdefault(tuple(len(x) for x in supports), []).append(s)
    n = sum(len(x) - 1 for x in group[0])
    members = np.zeros((len(group), game.n_players, n), dtype=bool)
    V = _corner_values(game, group, -MARGIN, 1.0 + 3.7 * MARGIN)
    for sizes, rows in by_size.items():
        offsets = np.cumsum([0] + [k - 1 for k in sizes])
        for j in range(game.n_players):
            members[rows, j, offsets[j] : offsets[j + 1]] = True
    outcomes = [_Outcome([], [], False) for _ in group]
    budgets = np.full(len(group), MAX_BOXES if max_boxes is None else max_boxes, dtype=np.int64)
    deficient = set(np.flatnonzero(_generic_ranks(V, n) < n).tolist()) if max_boxes is None else set()
    budgets[list(deficient)] = UNDERDETERMINED_BOXES
    search = np.ones(len(group), dtype=bool)
    if deficient:
        # Gauss–Newton from the uniform mixture and from a random point, on all of them at
        # once: a verified point represents the support's continuum, and no search is needed
        rows = np.array(sorted(deficient))
        lo0, hi0 = np.full((len(rows), n), -MARGIN), np.full((len(rows), n), 1.0 + 3.7 * MARGIN)
        uniform = np.einsum("spn,sp->sn", members[rows], 1.0 / (members[rows].sum(axis=2) + 1.0))
        rng = np.random.default_rng(1)
        for start in (uniform, rng.uniform(0.0, 1.0, size=(len(rows), n)) / 2):
            open_ = search[rows]
            if not open_.any():
                break
            r = rows[open_]
            xs = _newton_in_boxes(V[r], lo0[open_], hi0[open_], start[open_], n, iters=30, least_squares=True)
            for s, x in zip(r, xs):
                eq = verify(game, _profile(game, group[s], x))
                if eq is not None:
                    outcomes[s] = _Outcome([eq], [], False, True)
                    search[s] = False
    rows = np.flatnonzero(search)
    if not len(rows):
        return outcomes
    found = _box_search(members[rows], V[rows], budgets[rows])
    found.proved = [(int(rows[b]),) + tuple(rest) for b, *rest in found.proved]
    found.undecided = {int(rows[b]): boxes for b, boxes in found.undecided.items()}
    found.gave_up = {int(rows[b]) for b in found.gave_up}
    if found.proved:
        sid, Vp, lo, hi, start = (np.array(a) for a in zip(*found.proved))
        roots = _newton_in_boxes(Vp, lo, hi, start, n)
        for s, x in zip(sid, roots):
            eq = verify(game, _profile(game, group[s], x))
            if eq is not None:
                outcomes[s].roots.append(eq)
    for s, boxes in found.undecided.items():
        if s in deficient:
            reps = _underdetermined(game, IndifferenceSystem(game, group[s]), boxes)
            if reps:
                outcomes[s] = _Outcome(outcomes[s].roots + reps, [], False, True)
                continue
        outcomes[s].clusters = [boxes] if s in found.gave_up else _clusters(boxes)
        outcomes[s].gave_up = s in found.gave_up
    return outcomes


def _profile(game: NormalFormGame, supports, x: np.ndarray) -> list[np.ndarray]:
    """The full mixed profile at the point x of a support profile's unknowns."""
    out, at = [], 0
    for sup, m in zip(supports, game.shape):
        p = np.zeros(m)
        rest = x[at : at + len(sup) - 1]
        p[sup[0]] = 1.0 - rest.sum()
        p[list(sup[1:])] = rest
        out.append(p)
        at += len(sup) - 1
    return out


def solve_support(game: NormalFormGame, supports, max_boxes: int | None = None) -> _Outcome:
    """Every equilibrium with the given supports (as subsets), by branch and bound."""
    supports = tuple(tuple(s) for s in supports)
    if all(len(s) == 1 for s in supports):
        eq = verify(game, IndifferenceSystem(game, supports).profile(np.zeros(0)))
        return _Outcome([eq] if eq is not None else [], [], False)
    return _solve_group(game, [supports], max_boxes)[0]


def _clusters(boxes) -> list:
    """Group boxes that touch or overlap (union-find; quadratic, so past
    `MAX_CLUSTERED` boxes they are kept as one group)."""
    k = len(boxes)
    if k > MAX_CLUSTERED:
        return [boxes]
    parent = list(range(k))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    if k:
        L = np.array([b[0] for b in boxes])
        H = np.array([b[1] for b in boxes])
        for a in range(k):
            touch = np.all((L <= H[a] + 1e-12) & (H >= L[a] - 1e-12), axis=1)
            for b in np.flatnonzero(touch[a + 1 :]) + a + 1:
                parent[find(b)] = find(a)
    groups: dict[int, list] = {}
    for a in range(k):
        groups.setdefault(find(a), []).append(boxes[a])
    return list(groups.values())


def _represent(game: NormalFormGame, supports, cluster, found: list[Equilibrium], tries: int = 12):
    """Equilibria inside (or at the edge of) the cluster: those already found that lie in
    it, if any (the cluster is then represented); else Newton's limits from up to
    ``tries`` of its boxes (walking on to the inequalities where Newton's limit fails them)
    until two distinct ones verify — the two ends along its longest
    side first, so a segment of equilibria is reported by points near both ends. Empty if
    none."""
    system = IndifferenceSystem(game, supports)
    L = np.array([b[0] for b in cluster])
    H = np.array([b[1] for b in cluster])
    lo, hi = L.min(axis=0) - MIN_WIDTH, H.max(axis=0) + MIN_WIDTH
    covered = []
    for eq in found:
        prof = eq.profile
        if all(sum(prof[j][s] for s in supports[j]) > 1 - 1e-9 for j in range(system.N)):
            x = np.concatenate([[prof[j][s] for s in supports[j][1:]] for j in range(system.N)] + [np.zeros(0)])
            # it stands for the cluster only if it solves this support's equations: an
            # equilibrium of a smaller support on the cluster's face generically does not,
            # and a root of this support a thousandth away from it is another equilibrium
            if (np.all(x >= lo - 1e-9) and np.all(x <= hi + 1e-9)
                    and np.max(np.abs(system.values(x[None, :])[0]), initial=0.0) <= COVER_RESIDUAL):
                covered.append(eq)
    if covered:
        return covered  # already represented (a singular root, or a continuum's listed end)
    axis = int(np.argmax(hi - lo))
    order = np.argsort(L[:, axis])
    picks = [order[0], order[-1]] + list(order[:: max(1, len(order) // tries)][:tries])
    out = []
    for k in dict.fromkeys(int(p) for p in picks):
        eq = _equilibrium_near(game, system, (L[k] + H[k]) / 2, lo - 3 * MIN_WIDTH, hi + 3 * MIN_WIDTH)
        if eq is not None:
            out.append(eq)
            if len(deduplicate(out)) >= 2:
                break
    return covered + deduplicate(out)


def _represent_finer(game: NormalFormGame, supports, cluster, found: list[Equilibrium]) -> list[Equilibrium] | None:
    """A cluster no equilibrium was found in, searched again with boxes 1/16 as wide: in a
    degenerate game a curve of solutions of the equations can pass near the region where
    the inequalities hold without entering it, and only smaller boxes rule it out. Returns
    the new equilibria that represent what is left (the roots found, isolated or in
    clusters; none when every box was ruled out), or None when some of it still holds no
    equilibrium found."""
    system = IndifferenceSystem(game, supports)
    n = system.n
    lo = np.array([b[0] for b in cluster])
    hi = np.array([b[1] for b in cluster])
    C = _bits(n)
    F, G = system.values((lo[:, None, :] + C[None] * (hi - lo)[:, None, :]).reshape(-1, n))
    V = np.concatenate([F, G], axis=1).reshape(len(lo), len(C), -1)
    members = np.zeros((1, system.N, n), dtype=bool)
    for j in range(system.N):
        members[0, j, system.offsets[j] : system.offsets[j + 1]] = True
    search = _box_search(members, V, np.array([FINER_BOXES]), (lo, hi, np.zeros(len(lo), dtype=int)), MIN_WIDTH / 16)
    if search.gave_up:
        return None
    new = []
    if search.proved:
        _, Vp, plo, phi, start = (np.array(a) for a in zip(*search.proved))
        for x in _newton_in_boxes(Vp, plo, phi, start, n):
            eq = verify(game, system.profile(x))
            if eq is not None:
                new.append(eq)
    for part in _clusters(search.undecided.get(0, [])):
        reps = _represent(game, supports, part, found + new)
        if not reps:
            return None
        new += [r for r in reps if not any(r is f for f in found + new)]
    return new


# ------------------------------------------------------------------ all support profiles
def _inside(eq: Equilibrium, supports) -> bool:
    """True if the equilibrium plays only strategies of the given supports."""
    return all(sum(p[s] for s in sup) > 1 - 1e-9 for p, sup in zip(eq.profile, supports))


@functools.lru_cache(maxsize=16)
def _profile_table(shape: tuple[int, ...]):
    """Every support profile of a game of this shape with at least one player mixing, as
    rows of each player's subset index (`subset_tables` numbering, `itertools.product`
    order); for each player, which choice of the others' supports each row makes (the
    column of `_dominated_table`) and, per choice, which cells of the others' strategies
    it allows."""
    tables = [subset_tables(k) for k in shape]
    P = np.array(list(itertools.product(*[range(len(t[0])) for t in tables])), dtype=np.intp)
    sizes = np.stack([t[4][P[:, j]] for j, t in enumerate(tables)], axis=1)
    P = P[(sizes > 1).any(axis=1)]
    counts = [len(t[0]) for t in tables]
    choices, masks = [], []
    for i in range(len(shape)):
        others = [j for j in range(len(shape)) if j != i]
        choices.append(np.ravel_multi_index(tuple(P[:, j] for j in others), tuple(counts[j] for j in others))
                       if others else np.zeros(len(P), dtype=np.intp))
        mask = np.ones((1, 1), dtype=bool)
        for j in others:
            inside = tables[j][3]
            mask = (mask[:, None, :, None] & inside[None, :, None, :]).reshape(len(mask) * len(inside), -1)
        masks.append(mask)
    return P, choices, masks


def _dominated_table(game: NormalFormGame, i: int, mask: np.ndarray) -> np.ndarray:
    """For each choice of the other players' supports (mask: the cells of their strategies
    each allows, from `_profile_table`): which of player i's strategies are strictly
    dominated by another of its strategies when the others play only inside their
    supports (no equilibrium with those supports uses such a strategy). Returns
    [strategy of i, choice]."""
    u = np.asarray(game.payoffs[i], dtype=float)
    lo, hi = game.payoff_bounds[i]
    tol = 1e-12 * max(1.0, -lo, hi)  # 1e-12 × the largest |payoff|
    v = u.transpose([i] + [j for j in range(u.ndim) if j != i]).reshape(u.shape[i], -1)
    gain = v[None, :, :] - v[:, None, :]  # [a, b, cell]: b's payoff minus a's
    worst = np.where(mask[None, None], gain[:, :, None, :], np.inf).min(axis=3)  # [a, b, choice]
    return (worst > tol).any(axis=1)


def _support_profiles(game: NormalFormGame) -> np.ndarray:
    """Every support profile not ruled out by conditional dominance, pure ones excluded:
    rows of each player's subset index (subsets numbered as `subset_tables`), in the
    order of `itertools.product`."""
    P, choices, masks = _profile_table(tuple(game.shape))
    keep = np.ones(len(P), dtype=bool)
    for i, k in enumerate(game.shape):
        dom = _dominated_table(game, i, masks[i])[:, choices[i]].T  # profile × strategy of i
        keep &= ~(dom & subset_tables(k)[3][P[:, i]]).any(axis=1)
    return P[keep]


def _closed_form_roots(game: NormalFormGame, P: np.ndarray, U: list) -> tuple[dict, set]:
    """Equilibria of the support profiles (rows of P) by elimination
    (`games.solvers.support_elimination`): verified equilibria per row, and the rows handed
    back to the box search."""
    tables = [subset_tables(k) for k in game.shape]
    m = np.stack([t[4][P[:, j]] for j, t in enumerate(tables)], axis=1) - 1
    C = coefficients(U, P)
    solved = solve_profiles(C, m, np.arange(len(P)))
    roots: dict[int, list] = {}
    if not solved.points:
        return roots, solved.fallback
    # each candidate's full mixtures, then a loose regret screen before `verify`
    T = len(solved.points)
    ok = np.ones(T, dtype=bool)
    # each candidate's monomials (1, unknowns…, zero padding) per player
    terms = [np.zeros((T, k)) for k in game.shape]
    for X in terms:
        X[:, 0] = 1.0
    for t, (s, xs, _) in enumerate(solved.points):
        for j, v in xs.items():
            terms[j][t, 1 : 1 + len(v)] = v
    for X in terms:  # far outside the simplex: no equilibrium (and no Newton step)
        ok &= (X[:, 1:] > -0.01).all(axis=1) & (X[:, 1:] < 1.01).all(axis=1)
    rows = np.array([p[0] for p in solved.points], dtype=np.intp)
    rough = np.array([p[2] for p in solved.points]) & ok  # from a resultant: Newton's method first
    if rough.any():
        sub = [X[rough] for X in terms]
        polish(C, m, rows[rough], sub)
        for X, Y in zip(terms, sub):
            X[rough] = Y
    mixes = [np.einsum("tkc,tc->tk", tables[j][1][P[rows, j]], terms[j]) for j in range(game.n_players)]
    for X in mixes:
        ok &= (X >= -1e-7).all(axis=1) & (X <= 1 + 1e-7).all(axis=1)
    for i in range(game.n_players):
        W = np.ones((T, 1))
        for j in range(game.n_players):
            if j != i:
                W = (W[:, :, None] * mixes[j][:, None, :]).reshape(T, -1)
        V = W @ U[i].transpose([j for j in range(game.n_players) if j != i] + [i]).reshape(-1, game.shape[i])
        ok &= V.max(axis=1) - (V * mixes[i]).sum(axis=1) <= 1e-6
    picked = np.flatnonzero(ok).tolist()
    for t, eq in zip(picked, verify_all(game, [[X[t] for X in mixes] for t in picked])):
        if eq is not None:
            roots.setdefault(solved.points[t][0], []).append(eq)
    return roots, solved.fallback


def all_equilibria(game: NormalFormGame) -> Enumeration:
    """Every equilibrium of a game with Σ(mᵢ − 1) ≤ MAX_UNKNOWNS, each verified.

    Isolated equilibria are all found; each continuum is represented by at least one of
    its points (see the module docstring for what ``complete`` guarantees). Support
    profiles where at most three players mix are solved by elimination
    (`games.solvers.support_elimination`); the others, and any the elimination cannot
    decide reliably, by the box search.
    """
    check_size(game)
    if TRIO_CLOSED_FORMS and game.shape == (2, 2, 2):
        trio = all_equilibria_trio(game)
        if trio is not None:  # every support profile solved in closed form (none degenerate)
            return Enumeration(tuple(sorted(deduplicate(trio), key=sort_key)), True, 0, 0, TRIO_PROFILES,
                               SIMPLE_ROOTS_NOTE)
    found: list[Equilibrium] = []
    for prof in pure_equilibria(game):
        eq = verify(game, [np.eye(k)[s] for k, s in zip(game.shape, prof)])
        if eq is not None:
            found.append(eq)
    pending = []  # (supports, cluster) to represent once every support was searched
    underdetermined = 0
    gave_up = False
    P = _support_profiles(game)
    subsets = [subset_tables(k)[0] for k in game.shape]
    order = [tuple(subsets[j][l] for j, l in enumerate(row)) for row in P.tolist()]
    if len(P) and game.n_players <= 10:  # (the contractions name one index letter a player)
        roots, fallback = _closed_form_roots(game, P, scaled_payoffs(game))
    else:
        roots, fallback = {}, set(range(len(P)))
    groups: dict = {}
    for s in sorted(fallback):
        supports = order[s]
        groups.setdefault(sum(len(x) - 1 for x in supports), []).append(supports)
    outcomes = {supports: _Outcome(roots.get(s, []), [], False) for s, supports in enumerate(order)}
    for group in groups.values():
        outcomes.update(zip(group, _solve_group(game, group)))
    for supports in order:  # in the order of the support profiles, smaller supports first
        out = outcomes[supports]
        if out.continuum:
            underdetermined += 1
            if any(same_profile(e, out.roots[0], 1e-7) or _inside(e, supports) for e in found):
                continue  # a listed equilibrium already lies in this support's closure
        found += out.roots
        gave_up |= out.gave_up
        pending += [(supports, c) for c in out.clusters]
    tried = len(order)
    complete = not gave_up
    continua = underdetermined
    for supports, cluster in pending:
        reps = _represent(game, supports, cluster, found)
        if not reps:
            reps = _represent_finer(game, supports, cluster, found)
            if reps is None:
                complete = False
                continue
            found += reps
            continue  # the cluster was a near miss, ruled out or reduced to what reps stand for
        found += [r for r in reps if not any(r is f for f in found)]  # only new points
        L = np.array([b[0] for b in cluster])
        H = np.array([b[1] for b in cluster])
        if np.max(H.max(axis=0) - L.min(axis=0)) > 8 * MIN_WIDTH:
            continua += 1
    equilibria = tuple(sorted(deduplicate(found), key=sort_key))
    if not complete:
        note = ("degenerate game: some regions of the search could not be decided; the list may be "
                "incomplete")
    elif continua:
        where = "one support profile" if continua == 1 else f"{continua} support profiles"
        note = (f"degenerate game: equilibria form continua (in {where}), represented by points "
                "of them; every isolated equilibrium is listed")
    elif pending:
        note = ("every equilibrium; some lie where the box test could not prove a root unique (a singular "
                "root, or one within 1/512 of a face or of another root) and were found there by Newton's method")
    else:
        note = SIMPLE_ROOTS_NOTE
    return Enumeration(equilibria, complete, len(pending), continua, tried, note)
