"""Logit quantal response equilibrium (McKelvey and Palfrey 1995) of two-player games.

Players who are only boundedly rational choose better strategies more often, not always:
with precision λ ≥ 0, each mixes its strategies in proportion to exp(λ · expected payoff)
against the other's mixture,

    x_i ∝ exp(λ (A y)_i),    y_j ∝ exp(λ (xᵀB)_j).

At λ = 0 both mix uniformly; as λ grows the *principal branch* of solutions runs
continuously to a Nash equilibrium (the logit's equilibrium selection, as in Gambit's
``logit``). We trace it by predictor–corrector path following in (log x, log y, λ):
an Euler step along the tangent of the solution curve, then Newton corrections back onto
it (minimum-norm steps, so the curve may turn back in λ without trouble), with the step
length adapted to how easily Newton converges. Log-probabilities keep strategies that
vanish in the limit well-conditioned.

Payoffs are used as given (as Gambit does), so λ has the unit 1/payoff: doubling all
payoffs halves the λ at which play looks rational.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from games.errors import InputError, SolverError

#: Stop when every player's regret is below this share of the payoff range (Gambit's default).
MAX_REGRET = 1e-8
#: Largest change of any probability in one accepted step (keeps the tracer on its branch).
MAX_PROBABILITY_STEP = 0.02
MIN_COS = 0.98


@dataclass(frozen=True)
class QREPoint:
    """One logit QRE: the precision λ and the two mixtures."""

    lam: float
    profile: tuple[tuple[float, ...], tuple[float, ...]]


@dataclass(frozen=True)
class QREPath:
    """The principal branch from λ = 0, as a sequence of points, and where it ends."""

    points: tuple[QREPoint, ...]
    regret: float  # the last point's largest regret, in payoff units
    converged: bool  # True when the last point is a Nash equilibrium within MAX_REGRET
    #: The Nash equilibrium the branch approaches (the last point's supports made exactly
    #: indifferent, verified), or None if that fails — e.g. a limit inside a continuum.
    nash: tuple[tuple[float, ...], tuple[float, ...]] | None = None

    @property
    def lambdas(self) -> tuple[float, ...]:
        return tuple(p.lam for p in self.points)

    @property
    def profiles(self) -> tuple[tuple[tuple[float, ...], tuple[float, ...]], ...]:
        return tuple(p.profile for p in self.points)

    @property
    def limit(self) -> QREPoint:
        """The last point: close to the Nash equilibrium the logit selects when converged."""
        return self.points[-1]


# --- the logit equations ----------------------------------------------------------------


def _split(u: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray, float]:
    return u[:m], u[m:-1], float(u[-1])


def _residual(u: np.ndarray, A: np.ndarray, B: np.ndarray) -> np.ndarray:
    m = A.shape[0]
    v, w, lam = _split(u, m)
    x, y = np.exp(v), np.exp(w)
    ay, bx = A @ y, B.T @ x
    return np.concatenate(
        [
            v[1:] - v[0] - lam * (ay[1:] - ay[0]),
            [x.sum() - 1.0],
            w[1:] - w[0] - lam * (bx[1:] - bx[0]),
            [y.sum() - 1.0],
        ]
    )


def _jacobian(u: np.ndarray, A: np.ndarray, B: np.ndarray) -> np.ndarray:
    m, n = A.shape
    v, w, lam = _split(u, m)
    x, y = np.exp(v), np.exp(w)
    J = np.zeros((m + n, m + n + 1))
    # rows 0..m-2: v_i − v_0 − λ((Ay)_i − (Ay)_0), i = 1..m-1
    for i in range(1, m):
        r = i - 1
        J[r, i] += 1.0
        J[r, 0] -= 1.0
        J[r, m : m + n] = -lam * (A[i] - A[0]) * y
        J[r, -1] = -((A[i] - A[0]) @ y)
    J[m - 1, :m] = x
    for j in range(1, n):
        r = m + j - 1
        J[r, m + j] += 1.0
        J[r, m] -= 1.0
        J[r, :m] = -lam * (B[:, j] - B[:, 0]) * x
        J[r, -1] = -((B[:, j] - B[:, 0]) @ x)
    J[m + n - 1, m : m + n] = y
    return J


def _tangent(J: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """Unit null vector of J, oriented along the previous tangent (or with λ increasing)."""
    _, _, vt = np.linalg.svd(J)
    t = vt[-1]
    ref = previous if previous is not None else np.eye(len(t))[-1]
    return -t if float(t @ ref) < 0 else t


def _regret(x: np.ndarray, y: np.ndarray, A: np.ndarray, B: np.ndarray) -> float:
    ay, bx = A @ y, B.T @ x
    return max(float(ay.max() - x @ ay), float(bx.max() - bx @ y))


def _checked(A, B) -> tuple[np.ndarray, np.ndarray]:
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.ndim != 2 or A.shape != B.shape or A.size == 0:
        raise InputError(f"logit QRE: payoff matrices must have the same 2-D shape, got {A.shape} and {B.shape}")
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(B))):
        raise InputError("logit QRE: payoffs contain NaN or infinite values")
    return A, B


def _probability_jump(u: np.ndarray, new: np.ndarray, m: int) -> float:
    """Largest change of any probability between two points of the path."""
    a, b = np.exp(u[:-1]), np.exp(new[:-1])
    a = np.concatenate([a[:m] / a[:m].sum(), a[m:] / a[m:].sum()])
    b = np.concatenate([b[:m] / b[:m].sum(), b[m:] / b[m:].sum()])
    return float(np.max(np.abs(a - b)))


def _point(u: np.ndarray, m: int) -> QREPoint:
    v, w, lam = _split(u, m)
    x, y = np.exp(v), np.exp(w)
    return QREPoint(lam, (tuple(float(a) for a in x / x.sum()), tuple(float(b) for b in y / y.sum())))


def _newton(u: np.ndarray, A, B, fixed_lambda: bool, max_iter: int = 12) -> tuple[np.ndarray, bool, float]:
    """Correct u onto the curve; returns (u, converged, size of the first correction)."""
    first = 0.0
    for k in range(max_iter):
        with np.errstate(over="ignore", invalid="ignore"):
            H = _residual(u, A, B)
            J = _jacobian(u, A, B)
        if not (np.all(np.isfinite(H)) and np.all(np.isfinite(J))):
            return u, False, np.inf  # a correction overshot (exp overflowed): take a smaller step
        try:
            if fixed_lambda:
                step = np.linalg.lstsq(J[:, :-1], -H, rcond=None)[0]
                step = np.append(step, 0.0)
            else:
                step = np.linalg.lstsq(J, -H, rcond=None)[0]  # minimum-norm: perpendicular to the curve
        except np.linalg.LinAlgError:
            return u, False, np.inf
        if not np.all(np.isfinite(step)):
            return u, False, np.inf
        u = u + step
        size = float(np.linalg.norm(step))
        if k == 0:
            first = size
        if size < 1e-11 * max(1.0, float(np.linalg.norm(u))):
            break
    return u, _on_curve(u, A, B), first


def _on_curve(u: np.ndarray, A, B) -> bool:
    """Residual small relative to the size of the log-probabilities and payoff terms."""
    lam = abs(float(u[-1]))
    scale = max(1.0, float(np.max(np.abs(u[:-1]))), lam * max(float(np.max(np.abs(A))), float(np.max(np.abs(B)))))
    return float(np.max(np.abs(_residual(u, A, B)))) <= 1e-11 * scale


# --- path following ---------------------------------------------------------------------


def _stalled(points, u, A, B, stop_at):
    """Steps shrank to nothing: at huge λ this is floating point running out, so the path
    so far is the answer (reported as not converged unless the polish finds the limit);
    before reaching a requested λ it is a failure."""
    if stop_at is not None:
        raise SolverError(f"logit QRE: path following stalled at λ = {u[-1]:.4g} before reaching λ = {stop_at:g}")
    m = A.shape[0]
    x, y = np.exp(u[:m]), np.exp(u[m:-1])
    return points, u, _regret(x / x.sum(), y / y.sum(), A, B)


def _polish(point: QREPoint, A: np.ndarray, B: np.ndarray, threshold: float = 1e-6):
    """The Nash equilibrium the path approaches: keep the strategies still played with
    probability above ``threshold``, make each player's opponent indifferent on them, and
    accept the result if it is an equilibrium near the limit.

    When the indifference conditions leave freedom (the limit lies in a continuum of
    equilibria), the point of that continuum *nearest the path's last point* is taken:
    the smallest correction, by least squares, that makes the opponent indifferent."""
    x0, y0 = (np.asarray(p) for p in point.profile)
    sx, sy = np.flatnonzero(x0 > threshold), np.flatnonzero(y0 > threshold)

    def indifferent(M: np.ndarray, rows: np.ndarray, cols: np.ndarray, z0: np.ndarray) -> np.ndarray:
        # z ≥ 0 on cols with M[rows, cols] z constant and sum z = 1: unknowns (z, value),
        # solved as the least-norm correction to (z0 on cols, its current average value)
        S = np.zeros((len(rows) + 1, len(cols) + 1))
        S[:-1, :-1] = M[np.ix_(rows, cols)]
        S[:-1, -1] = -1.0
        S[-1, :-1] = 1.0
        rhs = np.zeros(len(rows) + 1)
        rhs[-1] = 1.0
        start = np.append(z0[cols], float(np.mean(M[np.ix_(rows, cols)] @ z0[cols])))
        sol = start + np.linalg.lstsq(S, rhs - S @ start, rcond=None)[0]
        z = np.zeros(len(z0))
        z[cols] = sol[:-1]
        return z

    y = indifferent(A, sx, sy, y0)
    x = indifferent(B.T, sy, sx, x0)
    if np.any(x < -1e-12) or np.any(y < -1e-12):
        return None
    x, y = np.clip(x, 0, None), np.clip(y, 0, None)
    x, y = x / x.sum(), y / y.sum()
    scale = max(float(np.ptp(A)), float(np.ptp(B)), 1e-300)
    close = max(float(np.max(np.abs(x - x0))), float(np.max(np.abs(y - y0)))) <= 1e-3
    if close and _regret(x, y, A, B) <= 1e-9 * max(1.0, scale):
        return (tuple(float(v) for v in x), tuple(float(v) for v in y))
    return None



def _follow(A, B, max_lambda: float, stop_at: float | None, first_step: float, max_accel: float, max_steps: int):
    m, n = A.shape
    scale = max(float(np.ptp(A)), float(np.ptp(B)), 1e-300)
    u = np.concatenate([np.full(m, -np.log(m)), np.full(n, -np.log(n)), [0.0]])
    points = [_point(u, m)]
    t = _tangent(_jacobian(u, A, B), None)
    h = first_step
    target = None
    for _ in range(max_steps):
        x, y = np.exp(u[:m]), np.exp(u[m:-1])
        regret = _regret(x, y, A, B)
        if stop_at is None and (regret <= MAX_REGRET * scale or u[-1] >= max_lambda):
            return points, u, regret
        predicted = u + h * t
        new, ok, first = _newton(predicted, A, B, fixed_lambda=False)
        if not ok or first > 0.2 * h:
            h /= 2
            if h < 1e-12:
                return _stalled(points, u, A, B, stop_at)
            continue
        t_new = _tangent(_jacobian(new, A, B), t)
        if float(t_new @ t) < MIN_COS or _probability_jump(u, new, m) > MAX_PROBABILITY_STEP:
            # turned too sharply, or moved the mixtures a lot at once (log-probabilities of
            # vanishing strategies hide the curve's bends): take a smaller step
            h /= 2
            if h < 1e-12:
                return _stalled(points, u, A, B, stop_at)
            continue
        if stop_at is not None and u[-1] < stop_at <= new[-1]:
            # interpolate to λ = stop_at, then correct with λ held fixed
            s = (stop_at - u[-1]) / (new[-1] - u[-1])
            guess = u + s * (new - u)
            guess[-1] = stop_at
            target, ok, _ = _newton(guess, A, B, fixed_lambda=True, max_iter=30)
            if not ok:
                raise SolverError(f"logit QRE: could not solve at λ = {stop_at:g}")
            return points + [_point(target, m)], target, 0.0
        u, t = new, t_new
        points.append(_point(u, m))
        h = h * (max_accel if first < 0.1 * h else 1.0)
    if stop_at is not None:
        raise SolverError(f"logit QRE: did not reach λ = {stop_at:g} within {max_steps} steps")
    return points, u, _regret(np.exp(u[:m]), np.exp(u[m:-1]), A, B)


def logit_path(
    A,
    B,
    max_lambda: float = 1e8,
    first_step: float = 0.03,
    max_accel: float = 1.1,
    max_steps: int = 20_000,
) -> QREPath:
    """Trace the principal branch of the logit QRE from λ = 0 until it reaches a Nash
    equilibrium (regret ≤ MAX_REGRET × payoff range) or λ exceeds ``max_lambda``."""
    A, B = _checked(A, B)
    if not max_lambda > 0:
        raise InputError(f"logit QRE: max_lambda must be positive, got {max_lambda}")
    points, u, regret = _follow(A, B, max_lambda, None, first_step, max_accel, max_steps)
    scale = max(float(np.ptp(A)), float(np.ptp(B)), 1e-300)
    nash = next((n for t in (1e-6, 1e-4, 1e-3) if (n := _polish(points[-1], A, B, t)) is not None), None)
    return QREPath(tuple(points), regret, regret <= MAX_REGRET * scale, nash)


def logit_at(A, B, lam: float, first_step: float = 0.03, max_accel: float = 1.1, max_steps: int = 20_000) -> QREPoint:
    """The logit QRE on the principal branch at precision ``lam`` (its first crossing)."""
    A, B = _checked(A, B)
    if not (lam >= 0 and np.isfinite(lam)):
        raise InputError(f"logit QRE: lambda must be a finite number ≥ 0, got {lam}")
    if lam == 0:
        m, n = A.shape
        return QREPoint(0.0, (tuple([1.0 / m] * m), tuple([1.0 / n] * n)))
    points, _, _ = _follow(A, B, np.inf, float(lam), first_step, max_accel, max_steps)
    return points[-1]


def nearest_equilibrium(path: QREPath, equilibria) -> tuple[int, float]:
    """Index of the equilibrium (from a list with ``.profile``) closest to the path's limit,
    and the max-norm distance to it: which Nash equilibrium the logit selects."""
    if not equilibria:
        raise InputError("logit QRE: no equilibria to compare with")
    end = np.concatenate([np.asarray(p) for p in path.limit.profile])
    dists = [float(np.max(np.abs(end - np.concatenate([np.asarray(p, float) for p in eq.profile])))) for eq in equilibria]
    k = int(np.argmin(dists))
    return k, dists[k]
