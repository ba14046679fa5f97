"""Every Nash equilibrium of a small N-player game: support enumeration with the
multilinear indifference systems solved by verified box subdivision.

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
   of equilibria (degenerate games); Gauss–Newton from the cluster's boxes looks for an
   equilibrium in it to represent it.

Every candidate is checked by `games.equilibrium.verify` against the full game, so an
outside strategy that pays more, or a negative probability, rules a root out. The
result is ``complete`` when every box was decided or belongs to a cluster that holds a
reported equilibrium: then every isolated equilibrium is listed and every continuum is
represented by at least one of its points. Equilibria that lie within the minimum box
width of a continuum could hide in its cluster: the note says when clusters occurred.

Size limit: Σ(|strategies| − 1) ≤ `MAX_UNKNOWNS` (covers 3 players × 3 strategies,
4 × 2, 5 × 2, 6 × 2, 4×3×2, ...); bigger games are refused by the caller.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from games.best_response import pure_equilibria
from games.equilibrium import Equilibrium, deduplicate, player_scales, same_profile, sort_key, verify
from games.errors import InputError, clip
from games.normal_form import NormalFormGame

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
#: Largest number of live boxes for one support profile before it is given up as undecided.
MAX_BOXES = 10_000


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


def _corners(n: int) -> np.ndarray:
    return np.array(list(itertools.product((0.0, 1.0), repeat=n)))


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


@dataclass
class _Outcome:
    roots: list  # verified equilibria
    clusters: list  # lists of (lo, hi) undecided boxes
    gave_up: bool
    continuum: bool = False  # the system is underdetermined and a point of its solutions was found


def generic_rank(system: IndifferenceSystem, samples: int = 2, seed: int = 0) -> int:
    """The Jacobian's rank at random points of the domain: its generic rank (with
    probability one). Below the number of unknowns, every solution of the system lies on
    a continuum (a polynomial map's fibres have dimension at least n − generic rank)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.05, 0.3, size=(samples, system.n))
    J = system.jacobian(X)
    return int(np.max(np.linalg.matrix_rank(J, tol=1e-9 * max(1.0, float(np.max(np.abs(J)))))))


def _underdetermined(game: NormalFormGame, system: IndifferenceSystem, starts: int = 8) -> list:
    """Equilibria on a continuum of solutions: Newton (least squares) from random starts."""
    rng = np.random.default_rng(1)
    for _ in range(starts):
        x = refine(system, rng.uniform(0.0, 1.0, size=system.n) / max(1, max(system.sizes) - 1), iters=40)
        eq = verify(game, system.profile(x))
        if eq is not None:
            return [eq]
    return []


def solve_support(game: NormalFormGame, supports, tol: float = 1e-12, max_boxes: int | None = None) -> _Outcome:
    """Every equilibrium with the given supports (as subsets), by branch and bound.

    An underdetermined system (generic Jacobian rank below the number of unknowns: ties
    make some indifference automatic) has no isolated solutions; a point found on it by
    Newton's method represents it. When Newton finds none, the box search runs with a
    small budget of boxes to show that no solution is there."""
    system = IndifferenceSystem(game, supports)
    n = system.n
    if n == 0:
        eq = verify(game, system.profile(np.zeros(0)))
        return _Outcome([eq] if eq is not None else [], [], False)
    if max_boxes is None and generic_rank(system) < n:
        reps = _underdetermined(game, system)
        if reps:
            return _Outcome(reps, [], False, True)
        max_boxes = UNDERDETERMINED_BOXES
    max_boxes = MAX_BOXES if max_boxes is None else max_boxes
    C = _corners(n)
    # slightly lopsided, so bisection planes miss simple fractions such as 1/2 (roots
    # there would sit on the faces of two boxes)
    lo = np.full((1, n), -MARGIN)
    hi = np.full((1, n), 1.0 + 3.7 * MARGIN)
    roots, undecided = [], []
    eye = np.eye(n)
    while len(lo):
        if len(lo) > max_boxes:
            return _Outcome(roots, [list(zip(lo, hi))], True)
        # the implicit first probability of each player must be able to be ≥ 0
        keep = np.ones(len(lo), dtype=bool)
        for j in range(system.N):
            a, b = system.offsets[j], system.offsets[j + 1]
            if b > a:
                keep &= lo[:, a:b].sum(axis=1) <= 1.0 + MARGIN
        lo, hi = lo[keep], hi[keep]
        if not len(lo):
            break
        B = len(lo)
        pts = (lo[:, None, :] + C[None, :, :] * (hi - lo)[:, None, :]).reshape(-1, n)
        F, G = system.values(pts)
        F = F.reshape(B, len(C), n)
        G = G.reshape(B, len(C), -1)
        alive = ~(np.any(F.min(axis=1) > tol, axis=1) | np.any(F.max(axis=1) < -tol, axis=1))
        if G.shape[2]:
            alive &= ~np.any(G.min(axis=1) > tol, axis=1)
        lo, hi = lo[alive], hi[alive]
        if not len(lo):
            break
        # Krawczyk's test rarely decides a wide box: split those straight away
        narrow = (hi - lo).max(axis=1) <= KRAWCZYK_WIDTH
        wide_lo, wide_hi = lo[~narrow], hi[~narrow]
        lo, hi = lo[narrow], hi[narrow]
        B = len(lo)
        pts = (lo[:, None, :] + C[None, :, :] * (hi - lo)[:, None, :]).reshape(-1, n)
        Jv = system.jacobian(pts).reshape(B, len(C), n, n)
        Jlo, Jhi = Jv.min(axis=1), Jv.max(axis=1)
        c = (lo + hi) / 2
        r = (hi - lo) / 2
        Fc, _ = system.values(c)
        Jc = system.jacobian(c)
        split = np.ones(B, dtype=bool)
        with np.errstate(all="ignore"):
            ok = np.abs(np.linalg.det(Jc)) > 1e-300
            Y = np.zeros_like(Jc)
            Y[ok] = np.linalg.pinv(Jc[ok])
            Kc = c - np.einsum("bij,bj->bi", Y, Fc)
            M = np.abs(eye[None] - Y @ ((Jlo + Jhi) / 2)) + np.abs(Y) @ ((Jhi - Jlo) / 2)
            Kr = np.einsum("bij,bj->bi", M, r)
            good = ok & np.all(np.isfinite(Kc), axis=1) & np.all(np.isfinite(Kr), axis=1)
            inside = good & np.all(np.abs(Kc - c) + Kr < r, axis=1)
            # no root only when K(X) misses X by more than rounding (a root on a face stays)
            empty = good & np.any(np.abs(Kc - c) - Kr > r * (1 + 1e-9) + 1e-12, axis=1)
        for b in np.flatnonzero(inside):
            x = refine(system, Kc[b])
            eq = verify(game, system.profile(x))
            if eq is not None:
                roots.append(eq)
        split &= ~inside & ~empty
        lo, hi = np.concatenate([wide_lo, lo[split]]), np.concatenate([wide_hi, hi[split]])
        width = hi - lo
        small = width.max(axis=1) <= MIN_WIDTH * 1.0001 if len(lo) else np.zeros(0, dtype=bool)
        undecided += list(zip(lo[small], hi[small]))
        lo, hi = lo[~small], hi[~small]
        if not len(lo):
            break
        # bisect along the widest side
        axis = np.argmax(hi - lo, axis=1)
        mid = (lo[np.arange(len(lo)), axis] + hi[np.arange(len(lo)), axis]) / 2
        lo2, hi2 = lo.copy(), hi.copy()
        hi[np.arange(len(lo)), axis] = mid
        lo2[np.arange(len(lo)), axis] = mid
        lo, hi = np.concatenate([lo, lo2]), np.concatenate([hi, hi2])
    return _Outcome(roots, _clusters(undecided), False)


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
    ``tries`` of its boxes until two distinct ones verify — the two ends along its longest
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
            if np.all(x >= lo - 1e-9) and np.all(x <= hi + 1e-9):
                covered.append(eq)
    if covered:
        return covered  # already represented (a singular root, or a continuum's listed end)
    axis = int(np.argmax(hi - lo))
    order = np.argsort(L[:, axis])
    picks = [order[0], order[-1]] + list(order[:: max(1, len(order) // tries)][:tries])
    out = []
    for k in dict.fromkeys(int(p) for p in picks):
        x = refine(system, (L[k] + H[k]) / 2, iters=60)
        eq = verify(game, system.profile(x))
        if eq is not None:
            out.append(eq)
            if len(deduplicate(out)) >= 2:
                break
    return covered + deduplicate(out)


# ------------------------------------------------------------------ all support profiles
def _nonempty_subsets(k: int):
    for size in range(1, k + 1):
        yield from itertools.combinations(range(k), size)


def _dominated_inside(game: NormalFormGame, supports, i: int) -> bool:
    """True if some strategy of Sᵢ is strictly dominated by another strategy of player i
    when the others are confined to their supports (then no equilibrium has support S)."""
    u = np.asarray(game.payoffs[i], dtype=float)
    for j, s in enumerate(supports):
        if j != i:
            u = np.take(u, list(s), axis=j)
    u = np.moveaxis(u, i, 0).reshape(u.shape[i], -1)
    tol = 1e-12 * max(1.0, float(np.max(np.abs(u))))
    for a in supports[i]:
        if np.any(np.all(u > u[a] + tol, axis=1)):
            return True
    return False


def _inside(eq: Equilibrium, supports) -> bool:
    """True if the equilibrium plays only strategies of the given supports."""
    return all(sum(p[s] for s in sup) > 1 - 1e-9 for p, sup in zip(eq.profile, supports))


def all_equilibria(game: NormalFormGame) -> Enumeration:
    """Every equilibrium of a game with Σ(mᵢ − 1) ≤ MAX_UNKNOWNS, each verified.

    Isolated equilibria are all found; each continuum is represented by at least one of
    its points (see the module docstring for what ``complete`` guarantees).
    """
    check_size(game)
    found: list[Equilibrium] = []
    for prof in pure_equilibria(game):
        eq = verify(game, [np.eye(k)[s] for k, s in zip(game.shape, prof)])
        if eq is not None:
            found.append(eq)
    pending = []  # (supports, cluster) to represent once every support was searched
    underdetermined = 0
    gave_up = False
    tried = 0
    for supports in itertools.product(*[list(_nonempty_subsets(k)) for k in game.shape]):
        if all(len(s) == 1 for s in supports):
            continue  # pure profiles: done above
        if any(_dominated_inside(game, supports, i) for i in range(game.n_players)):
            continue
        tried += 1
        out = solve_support(game, supports)
        if out.continuum:
            underdetermined += 1
            if any(same_profile(e, out.roots[0], 1e-7) or _inside(e, supports) for e in found):
                continue  # a listed equilibrium already lies in this support's closure
        found += out.roots
        gave_up |= out.gave_up
        pending += [(supports, c) for c in out.clusters]
    complete = not gave_up
    continua = underdetermined
    for supports, cluster in pending:
        reps = _represent(game, supports, cluster, found)
        if not reps:
            complete = False
            continue
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
        note = "every equilibrium; some are singular roots, confirmed by Newton's method from nearby"
    else:
        note = "every equilibrium; each is the unique root in a box, proved by Krawczyk's test"
    return Enumeration(equilibria, complete, len(pending), continua, tried, note)
