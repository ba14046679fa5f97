"""The logit quantal response path for games with any number of players.

The N-player version of `games.solvers.qre` (McKelvey and Palfrey 1995; Turocy 2005): with
precision λ each player i mixes its strategies in proportion to exp(λ · expected payoff)
against the others' mixtures. At λ = 0 everyone mixes uniformly; the principal branch of
solutions runs continuously from there and, as λ → ∞, ends at a Nash equilibrium —
for generic games always (the branch cannot turn back to λ = 0 or end), which makes this
a method that *always finds one equilibrium*, whatever the number of players.

Unknowns are the log-probabilities vᵢ of every player and λ; the equations

    vᵢ[s] − vᵢ[0] − λ (Uᵢ[s] − Uᵢ[0]) = 0  (s ≥ 1),   Σₛ exp(vᵢ[s]) = 1,

with Uᵢ[s] player i's expected payoff of s against the others. They are traced by
predictor–corrector continuation (Euler step along the curve's tangent, minimum-norm
Newton corrections, step length adapted), as in `games.solvers.qre`. Payoffs are shifted to
their midpoints and all divided by one number, the largest player's half spread, so λ is
in units of 1/(that scale) inside the tracer: the same branch as Gambit's ``logit`` (which
uses payoffs as given), reparameterized, so both select the same equilibrium. Reported
points give λ in units of 1/payoff of the game as given (the internal λ divided by the
scale), as `games.solvers.qre` does for two players. The end point is *polished*: strategies still
played with visible probability form a support, the indifference system on it is solved
by Newton's method from the path's last point (`games.solvers.polynomial_enumeration`), and the
result is verified by `games.solvers.equilibrium.verify` by the caller.
"""

from __future__ import annotations

import numpy as np

from games.solvers.equilibrium import player_scales, verify
from games.errors import SolverError
from games.forms.normal_form import NormalFormGame
from games.solvers.qre import QREPath, QREPoint

#: Stop when every player's regret is below this share of the payoff scale.
MAX_REGRET = 1e-9
MAX_PROBABILITY_STEP = 0.05
MIN_COS = 0.95


class _Logit:
    """The logit equations of one game, on the stacked vector (v_1, ..., v_N, λ)."""

    def __init__(self, game: NormalFormGame):
        self.N = game.n_players
        self.shape = game.shape
        self.offsets = np.cumsum([0] + list(self.shape))
        scale = max(player_scales(game)) or 1.0  # one scale for all: the branch Gambit follows
        self.scale = float(scale)
        self.U = [(np.asarray(u, dtype=float) - (float(u.max()) + float(u.min())) / 2) / scale for u in game.payoffs]

    def probs(self, u: np.ndarray) -> list[np.ndarray]:
        return [np.exp(u[self.offsets[i] : self.offsets[i + 1]]) for i in range(self.N)]

    def contract(self, i: int, x: list[np.ndarray], keep: int | None = None) -> np.ndarray:
        """Player i's payoffs averaged over every other player's mixture except ``keep``'s:
        a vector over i's strategies, or a matrix (i's strategies × keep's)."""
        T = self.U[i]
        for j in reversed(range(self.N)):  # highest axis first, so lower axes keep their index
            if j != i and j != keep:
                T = np.tensordot(T, x[j], axes=([j], [0]))
        return T.T if keep is not None and keep < i else T

    def residual(self, u: np.ndarray) -> np.ndarray:
        lam = u[-1]
        x = self.probs(u)
        out = []
        for i in range(self.N):
            v = u[self.offsets[i] : self.offsets[i + 1]]
            V = self.contract(i, x)
            out.append(v[1:] - v[0] - lam * (V[1:] - V[0]))
            out.append([x[i].sum() - 1.0])
        return np.concatenate(out)

    def jacobian(self, u: np.ndarray) -> np.ndarray:
        lam = u[-1]
        x = self.probs(u)
        n = int(self.offsets[-1])
        J = np.zeros((n, n + 1))
        row = 0
        for i in range(self.N):
            a, b = self.offsets[i], self.offsets[i + 1]
            m = b - a
            V = self.contract(i, x)
            for s in range(1, m):
                J[row + s - 1, a + s] += 1.0
                J[row + s - 1, a] -= 1.0
            J[row : row + m - 1, -1] = -(V[1:] - V[0])
            for j in range(self.N):
                if j == i:
                    continue
                W = self.contract(i, x, keep=j)  # m × mⱼ
                D = (W[1:] - W[[0]]) * x[j][None, :]  # derivative w.r.t. vⱼ = log xⱼ
                J[row : row + m - 1, self.offsets[j] : self.offsets[j + 1]] = -lam * D
            J[row + m - 1, a:b] = x[i]
            row += m
        return J

    def regret(self, u: np.ndarray) -> float:
        x = self.probs(u)
        x = [p / p.sum() for p in x]
        return max(float(self.contract(i, x).max() - self.contract(i, x) @ x[i]) for i in range(self.N))

    def point(self, u: np.ndarray) -> QREPoint:
        """The point with λ in units of 1/payoff of the game as given (internal λ / scale),
        so that each mixture is ∝ exp(λ × expected payoff) with the game's own payoffs."""
        x = self.probs(u)
        return QREPoint(float(u[-1]) / self.scale, tuple(tuple(float(v) for v in p / p.sum()) for p in x))


def _tangent(J: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """Unit null vector of J, oriented along the previous tangent (or with λ increasing).

    With a previous tangent t₀ the bordered system [J; t₀ᵀ] t = [0; 1] gives it by one LU
    solve (an SVD is far slower on a loaded machine); the SVD is the fallback."""
    if previous is not None:
        try:
            t = np.linalg.solve(np.vstack([J, previous]), np.eye(len(previous))[-1])
            if np.all(np.isfinite(t)):
                return t / np.linalg.norm(t)
        except np.linalg.LinAlgError:
            pass
    _, _, vt = np.linalg.svd(J)
    t = vt[-1]
    ref = previous if previous is not None else np.eye(len(t))[-1]
    return -t if float(t @ ref) < 0 else t


def _correct(sys: _Logit, u: np.ndarray, t: np.ndarray, max_iter: int = 10):
    """Newton corrections perpendicular to the tangent t: [J; tᵀ] δ = [−H; 0]."""
    first = 0.0
    for k in range(max_iter):
        with np.errstate(all="ignore"):
            H = sys.residual(u)
            J = sys.jacobian(u)
        if not (np.all(np.isfinite(H)) and np.all(np.isfinite(J))):
            return u, False, np.inf
        try:
            step = np.linalg.solve(np.vstack([J, t]), np.append(-H, 0.0))
        except np.linalg.LinAlgError:
            return u, False, np.inf
        if not np.all(np.isfinite(step)):
            return u, False, np.inf
        u = u + step
        with np.errstate(all="ignore"):
            size = float(np.linalg.norm(step))
        if not np.isfinite(size):
            return u, False, np.inf
        if k == 0:
            first = size
        if size < 1e-11 * max(1.0, float(np.linalg.norm(u))):
            break
    with np.errstate(all="ignore"):
        res = float(np.max(np.abs(sys.residual(u))))
    scale = max(1.0, float(np.max(np.abs(u[:-1]))), abs(float(u[-1])))
    return u, bool(np.isfinite(res) and res <= 1e-10 * scale), first


def polish(game: NormalFormGame, profile, threshold: float) -> list[np.ndarray] | None:
    """The Nash equilibrium near ``profile``: keep strategies above ``threshold``, solve the
    indifference system on that support by Newton's method, return it if it verifies."""
    from games.solvers.polynomial_enumeration import IndifferenceSystem, refine

    supports = tuple(tuple(int(k) for k in np.flatnonzero(np.asarray(p) > threshold)) for p in profile)
    if any(not s for s in supports):
        return None
    system = IndifferenceSystem(game, supports)
    x0 = np.concatenate([[profile[j][s] / sum(profile[j][t] for t in supports[j]) for s in supports[j][1:]]
                         for j in range(game.n_players)] + [np.zeros(0)])
    x = refine(system, np.asarray(x0, dtype=float), iters=40)
    prof = system.profile(x)
    if max(float(np.max(np.abs(p - np.asarray(q)))) for p, q in zip(prof, profile)) > 1e-2:
        return None
    return prof if verify(game, prof) is not None else None


def trace_logit(game: NormalFormGame, max_lambda: float = 1e7, max_steps: int = 20_000) -> QREPath:
    """Follow the principal logit branch from λ = 0 to a Nash equilibrium (see module doc)."""
    sys = _Logit(game)
    u = np.concatenate([np.full(k, -np.log(k)) for k in game.shape] + [[0.0]])
    points = [sys.point(u)]
    t = _tangent(sys.jacobian(u), None)
    h = 0.1
    for _ in range(max_steps):
        regret = sys.regret(u)
        if regret <= MAX_REGRET or u[-1] >= max_lambda:
            break
        new, ok, first = _correct(sys, u + h * t, t)
        if not ok or first > 0.3 * h:
            h /= 2
            if h < 1e-12:
                break
            continue
        t_new = _tangent(sys.jacobian(new), t)
        p_old, p_new = sys.point(u).profile, sys.point(new).profile
        jump = max(abs(a - b) for pa, pb in zip(p_old, p_new) for a, b in zip(pa, pb))
        if float(t_new @ t) < MIN_COS or jump > MAX_PROBABILITY_STEP:
            h /= 2
            if h < 1e-12:
                break
            continue
        u, t = new, t_new
        points.append(sys.point(u))
        h = h * (1.5 if first < 0.05 * h else 1.0)
    else:
        raise SolverError(f"logit path: no equilibrium within {max_steps} steps")
    regret = sys.regret(u)
    nash = None
    for threshold in (1e-6, 1e-4, 1e-3, 1e-2):
        prof = polish(game, points[-1].profile, threshold)
        if prof is not None:
            nash = tuple(tuple(float(v) for v in p) for p in prof)
            break
    return QREPath(tuple(points), regret, regret <= MAX_REGRET, nash)
