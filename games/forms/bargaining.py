"""Bargaining over the deal's terms: Pareto frontier, Nash, Kalai–Smorodinsky, Rubinstein.

The terms are the two players' levels — in the default (trade) model x (US chip openness)
and y (China's rare-earth supply) — continuous between each one's smallest and largest
declared level ([0, 1]²); payoffs come from the model file, on its level path
(`games.model.level_game`). The *disagreement point* d is the
payoff pair of the stage game's conflict equilibrium (the stage equilibrium worst for the
sum of payoffs, mutual restriction in every built-in scenario): what each side gets while
there is no deal. *Outside options* o_i ≥ d_i are what a side gets by walking away for
good (d_i plus each player's parameter ``outside_option_<key>``: ``outside_option_us`` /
``outside_option_cn``; patience is ``discount_<key>``, see `games.model.bargain`).

How each piece is computed (the kernels take plain arrays: a frontier is a polyline of
utility pairs (u, v), u increasing and v decreasing):

- **Pareto frontier** (`pareto_frontier`): payoffs on an n×n grid of terms, the
  undominated points kept; then each is *refined* on a local 11×11 grid five times finer
  and the undominated points of the union kept again. Between points the frontier is read
  by linear interpolation; its error is of the order of the squared refined grid step.
- **Nash bargaining solution**: the point of the polyline maximizing (u − d₁)(v − d₂);
  on each segment the product is a quadratic in the segment parameter, maximized exactly.
  With outside options the solution is constrained to u ≥ o₁, v ≥ o₂ (the outside option
  principle: an outside option is a constraint, not a new threat point).
- **Kalai–Smorodinsky**: the frontier point on the segment from d to the ideal point
  (each side's best frontier payoff given the other gets at least its disagreement
  payoff), found by bisection along that segment. Outside options constrain it as they
  do Nash's: if that point gives a side less than its option, the agreement moves along
  the frontier to where the side gets exactly its option.
- **Rubinstein alternating offers**, infinite horizon: with a unit surplus and d = 0 the
  first proposer gets (1 − δ₂)/(1 − δ₁δ₂) (`rubinstein_shares`). On the trade frontier
  the same stationary conditions are solved along the polyline: the proposer offers the
  responder exactly what rejecting is worth — the conflict payoff while talks go on plus
  the discounted gain of its own next proposal, b₁ = d₂ + δ₂(b₂ − d₂) and
  a₂ = d₁ + δ₁(a₁ − d₁) — or its outside option if that is more (the outside
  option principle of Binmore, Shaked and Sutton: an option binds only when it beats that
  value).
  The fixed point is found by bisection (the map is monotone).
- **Finite deadline** (`alternating_offers_finite`): backward induction from the last
  round, in which the proposer offers the responder exactly max(d, o); as the number of
  rounds grows the first proposer's payoff converges to the infinite-horizon one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from games.errors import InputError

#: Default grid size per side for the trade frontier, and the refinement.
GRID = 201
REFINE_FACTOR = 5
REFINE_HALF_WIDTH = 5
MAX_ROUNDS = 10_000


# ------------------------------------------------------------------ values
@dataclass(frozen=True)
class Frontier:
    """Pareto-efficient utility pairs (u increasing, v decreasing) and the terms behind them."""

    u: np.ndarray
    v: np.ndarray
    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class Point:
    """A bargaining solution: the utility pair on the frontier and the nearest terms."""

    name: str
    u: float
    v: float
    x: float
    y: float
    binding: str = ""  # which constraint or option binds, if any


# ------------------------------------------------------------------ closed forms
def rubinstein_shares(delta_1: float, delta_2: float) -> tuple[float, float]:
    """First proposer's and responder's shares of a unit surplus (Rubinstein 1982)."""
    for name, d in (("delta_1", delta_1), ("delta_2", delta_2)):
        if not 0 <= d < 1:
            raise InputError(f"discount factor {name}: expected a number in [0, 1), got {d}")
    first = (1 - delta_2) / (1 - delta_1 * delta_2)
    return first, 1 - first


# ------------------------------------------------------------------ frontier kernels
def pareto_mask(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Boolean mask of the points no other point weakly dominates with one strict gain."""
    u = np.asarray(u, dtype=float).ravel()
    v = np.asarray(v, dtype=float).ravel()
    order = np.lexsort((-v, -u))  # u descending, then v descending
    keep = np.zeros(len(u), dtype=bool)
    best_v = -np.inf
    for k in order:
        if v[k] > best_v:
            keep[k] = True
            best_v = v[k]
    return keep


def _polyline(u, v, *extra) -> tuple[np.ndarray, ...]:
    order = np.argsort(u, kind="stable")
    return tuple(np.asarray(a, dtype=float)[order] for a in (u, v) + extra)


def value_at(u: np.ndarray, v: np.ndarray, at: float) -> float:
    """The frontier's v at u = at (linear interpolation; −inf beyond the frontier)."""
    if at > u[-1] + 1e-12:
        return -np.inf
    return float(np.interp(at, u, v))


def inverse_at(u: np.ndarray, v: np.ndarray, at: float) -> float:
    """The frontier's u at v = at (v decreases along the polyline)."""
    if at > v[0] + 1e-12:
        return -np.inf
    return float(np.interp(at, v[::-1], u[::-1]))


def nash_on_polyline(u: np.ndarray, v: np.ndarray, d: Sequence[float], floor: Sequence[float] | None = None) -> tuple[float, float]:
    """Maximize (u − d₁)(v − d₂) on the polyline, subject to u ≥ floor₁, v ≥ floor₂.

    Each segment's product is a quadratic in the segment parameter t ∈ [0, 1]; its maximum
    is at an end or at the vertex of the parabola, computed exactly.
    """
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    lo = np.maximum(np.asarray(d, dtype=float), np.asarray(floor if floor is not None else d, dtype=float))
    if len(u) == 1:
        cu, cv = u, v
    else:
        u0, v0, du, dv = u[:-1], v[:-1], np.diff(u), np.diff(v)
        a, b = u0 - d[0], v0 - d[1]
        B = a * dv + b * du
        C = du * dv
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(C < 0, -B / (2 * C), 0.0)
        t = np.clip(np.nan_to_num(t), 0.0, 1.0)
        # candidates: vertices, parabola peaks, and the points where the floors are met
        cu = [u, u0 + t * du]
        cv = [v, v0 + t * dv]
        for k, bound in enumerate(lo):
            line = u if k == 0 else v
            s0, s1 = line[:-1], line[1:]
            with np.errstate(divide="ignore", invalid="ignore"):
                tt = (bound - s0) / (s1 - s0)
            ok = np.isfinite(tt) & (tt >= 0) & (tt <= 1)
            pu = (u0 + tt * du)[ok]
            pv = (v0 + tt * dv)[ok]
            cu.append(pu)
            cv.append(pv)
        cu = np.concatenate(cu)
        cv = np.concatenate(cv)
    feasible = (cu >= lo[0] - 1e-12) & (cv >= lo[1] - 1e-12)
    if not np.any(feasible):
        raise InputError("bargaining: no point of the frontier gives both sides their disagreement payoff or outside option")
    prod = np.where(feasible, (cu - d[0]) * (cv - d[1]), -np.inf)
    k = int(np.argmax(prod))
    return float(cu[k]), float(cv[k])


def kalai_smorodinsky_on_polyline(
    u: np.ndarray, v: np.ndarray, d: Sequence[float], floor: Sequence[float] | None = None,
) -> tuple[float, float]:
    """The frontier point on the segment from d to the ideal point, subject to u ≥ floor₁, v ≥ floor₂.

    The ideal point and the segment are taken from the disagreement point d. Outside options
    enter as Nash's do (the outside option principle: a constraint, not a new threat point):
    if the unconstrained point gives a side less than its option, the agreement moves along
    the frontier to where that side gets exactly its option.
    """
    pu, pv = _kalai_smorodinsky_free(u, v, d)
    if floor is None:
        return pu, pv
    if pu < floor[0]:
        pu, pv = float(floor[0]), value_at(u, v, floor[0])
    elif pv < floor[1]:
        pu, pv = inverse_at(u, v, floor[1]), float(floor[1])
    if pu < floor[0] - 1e-12 or pv < floor[1] - 1e-12:
        raise InputError("bargaining: no point of the frontier gives both sides their disagreement payoff or outside option")
    return pu, pv


def _kalai_smorodinsky_free(u: np.ndarray, v: np.ndarray, d: Sequence[float]) -> tuple[float, float]:
    """The frontier point on the segment from d to the ideal point (bisection along it)."""
    ideal = (inverse_at(u, v, d[1]), value_at(u, v, d[0]))
    if not (ideal[0] > d[0] and ideal[1] > d[1]):
        raise InputError("bargaining: the frontier offers no gain over the disagreement point")
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        pu = d[0] + mid * (ideal[0] - d[0])
        pv = d[1] + mid * (ideal[1] - d[1])
        if value_at(u, v, pu) >= pv:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-15:
            break
    return d[0] + lo * (ideal[0] - d[0]), d[1] + lo * (ideal[1] - d[1])


def _responder_value(d_i: float, o_i: float, delta_i: float, next_value: float) -> float:
    """What rejecting is worth: conflict during the delay plus the discounted next deal, or quitting."""
    return max(o_i, d_i + delta_i * (next_value - d_i))


def rubinstein_on_polyline(
    u: np.ndarray, v: np.ndarray, d: Sequence[float], deltas: Sequence[float],
    outside: Sequence[float] | None = None, first: int = 0,
) -> tuple[float, float]:
    """Stationary subgame-perfect agreement of infinite alternating offers (player ``first`` opens).

    Returns the utility pair agreed in the first round. Player 0's utility is u, player 1's v.
    """
    return rubinstein_solution(u, v, d, deltas, outside, first)[0]


def rubinstein_solution(
    u: np.ndarray, v: np.ndarray, d: Sequence[float], deltas: Sequence[float],
    outside: Sequence[float] | None = None, first: int = 0, tol: float = 1e-9,
) -> tuple[tuple[float, float], tuple[bool, bool]]:
    """The Rubinstein agreement and, per player, whether its outside option binds.

    A player's option binds when, as the responder, walking away is worth more than
    rejecting and waiting (the conflict meanwhile, then its own proposal): then it is offered
    exactly its option. That can happen to the first proposer too, in the rounds where the
    other side proposes, and it moves the first-round agreement as well.
    """
    o = tuple(outside) if outside is not None else tuple(d)
    P, R = first, 1 - first

    def own(point_player: int, resp_value: float) -> float:
        # proposer point_player's payoff when it gives the other exactly resp_value
        return value_at(u, v, resp_value) if point_player == 1 else inverse_at(u, v, resp_value)

    # a = proposer P's payoff from its own proposal; iterate on it: monotone map, bisection
    lo = d[P]
    hi = float(u[-1] if P == 0 else v[0])

    def step(a: float) -> float:
        b_other = own(R, _responder_value(d[P], o[P], deltas[P], a))  # R's payoff from R's proposal
        return own(P, _responder_value(d[R], o[R], deltas[R], b_other))

    for _ in range(200):
        mid = (lo + hi) / 2
        if step(mid) >= mid:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-14:
            break
    b_other = own(R, _responder_value(d[P], o[P], deltas[P], lo))
    binds = [False, False]
    binds[P] = o[P] > d[P] + deltas[P] * (lo - d[P]) + tol
    binds[R] = o[R] > d[R] + deltas[R] * (b_other - d[R]) + tol
    return _settle(u, v, P, lo), (binds[0], binds[1])


def _settle(u: np.ndarray, v: np.ndarray, proposer: int, own_value: float) -> tuple[float, float]:
    """The frontier point where the proposer gets own_value (the responder the most it can)."""
    if proposer == 0:
        return own_value, value_at(u, v, own_value)
    return inverse_at(u, v, own_value), own_value


def alternating_offers_finite(
    u: np.ndarray, v: np.ndarray, d: Sequence[float], deltas: Sequence[float], rounds: int,
    outside: Sequence[float] | None = None, first: int = 0,
) -> list[tuple[float, float]]:
    """Backward induction over ``rounds`` offer rounds; returns each round's agreement (u, v).

    Proposers alternate, ``first`` in round 1. In the last round rejection means the
    disagreement point forever (or the outside option), so the proposer offers exactly that.
    """
    return finite_solution(u, v, d, deltas, rounds, outside, first)[0]


def finite_solution(
    u: np.ndarray, v: np.ndarray, d: Sequence[float], deltas: Sequence[float], rounds: int,
    outside: Sequence[float] | None = None, first: int = 0, tol: float = 1e-9,
) -> tuple[list[tuple[float, float]], tuple[bool, bool]]:
    """Each round's agreement by backward induction, and whether each player's outside option
    binds in some round (walking away beats rejecting, so it is offered exactly its option)."""
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= MAX_ROUNDS:
        raise InputError(f"option --rounds: expected an integer from 1 to {MAX_ROUNDS}, got {rounds!r}")
    o = tuple(outside) if outside is not None else tuple(d)
    agreements: list[tuple[float, float]] = []
    binds = [False, False]
    nxt: tuple[float, float] | None = None
    for t in range(rounds, 0, -1):
        P = first if (t - 1) % 2 == 0 else 1 - first
        R = 1 - P
        waiting = d[R] if nxt is None else d[R] + deltas[R] * (nxt[R] - d[R])
        binds[R] = binds[R] or o[R] > waiting + tol
        r_val = max(o[R], waiting)
        p_val = value_at(u, v, r_val) if R == 0 else inverse_at(u, v, r_val)
        nxt = _settle(u, v, P, p_val)
        agreements.append(nxt)
    return agreements[::-1], (binds[0], binds[1])


# ------------------------------------------------------------------ a level model's frontier
def _level_model(model=None):
    """The model whose levels are bargained over: the given one, else the default model."""
    if model is not None:
        return model
    from games.model.catalog import default_model

    return default_model()


def level_frontier(p: Mapping[str, float], n: int = GRID, refine: bool = True, model=None) -> Frontier:
    """The Pareto frontier of the two players' payoffs over terms (levels) in the box their
    declared levels span ([0, 1]² for the default, trade model): grid, then refinement."""
    from games.model.level_game import level_payoffs

    m = _level_model(model)
    box = tuple((float(min(pl.levels)), float(max(pl.levels))) for pl in m.players)
    return frontier_of(lambda X, Y: level_payoffs(m, (X, Y), p), box, n, refine)


def frontier_of(payoff_fn, box, n: int = GRID, refine: bool = True) -> Frontier:
    """The Pareto frontier of payoff_fn(x, y) → (u, v) over the terms' box [x₀, x₁] × [y₀, y₁]."""
    (x0, x1), (y0, y1) = box
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n), indexing="ij")
    U, V = payoff_fn(X, Y)
    xs, ys, us, vs = X.ravel(), Y.ravel(), np.ravel(U), np.ravel(V)
    keep = pareto_mask(us, vs)
    if refine:
        hx, hy = (x1 - x0) / (n - 1) / REFINE_FACTOR, (y1 - y0) / (n - 1) / REFINE_FACTOR
        steps = np.arange(-REFINE_HALF_WIDTH, REFINE_HALF_WIDTH + 1)
        dx, dy = np.meshgrid(steps * hx, steps * hy, indexing="ij")
        fx = np.clip(xs[keep][:, None] + dx.ravel()[None, :], x0, x1).ravel()
        fy = np.clip(ys[keep][:, None] + dy.ravel()[None, :], y0, y1).ravel()
        fu, fv = payoff_fn(fx, fy)
        xs, ys = np.r_[xs[keep], fx], np.r_[ys[keep], fy]
        us, vs = np.r_[us[keep], np.ravel(fu)], np.r_[vs[keep], np.ravel(fv)]
        keep = pareto_mask(us, vs)
    u, v, x, y = _polyline(us[keep], vs[keep], xs[keep], ys[keep])
    return Frontier(u, v, x, y)


def disagreement_point(p: Mapping[str, float], model=None) -> tuple[tuple[float, float], tuple[int, int]]:
    """Payoffs of the stage game's conflict equilibrium: the pure one worst for the sum
    (the default model's stage game unless model is given)."""
    from games.model.level_game import simultaneous_level_game
    from games.model.parameters import validated

    m = _level_model(model)
    return stage_disagreement(simultaneous_level_game(m, validated(dict(p), model=m)))


def _own(model, prefix: str, i: int) -> str:
    from games.model.bargain import player_parameter

    return player_parameter(model, prefix, i)


def _outside(p: Mapping[str, float], d: Sequence[float], model) -> tuple[float, float]:
    """Each side's outside option: its disagreement payoff plus ``outside_option_<key>``."""
    return (d[0] + p.get(_own(model, "outside_option", 0), 0.0), d[1] + p.get(_own(model, "outside_option", 1), 0.0))


def _deltas(p: Mapping[str, float], model) -> tuple[float, float]:
    """Each side's discount factor, ``discount_<key>``."""
    return (float(p[_own(model, "discount", 0)]), float(p[_own(model, "discount", 1)]))


def stage_disagreement(game) -> tuple[tuple[float, float], tuple[int, int]]:
    """A two-player stage game's conflict equilibrium: the pure one worst for the sum of
    payoffs (with its cell), else the mixed one worst for the sum (cell (-1, -1))."""
    from games.solvers.best_response import pure_equilibria

    pure = pure_equilibria(game)
    if pure:
        cell = min(pure, key=lambda c: (game.payoff(0, c) + game.payoff(1, c), c))
        return (game.payoff(0, cell), game.payoff(1, cell)), cell
    from games.solvers.solver import solve

    eq = min(solve(game).equilibria, key=lambda e: sum(e.payoffs))
    return (eq.payoffs[0], eq.payoffs[1]), (-1, -1)


def bargaining_ends(f: Frontier, d: Sequence[float]) -> tuple[Point, Point]:
    """The two ends of the deals both sides prefer to the conflict: the US's best, China's best.

    The US's best gives China just its disagreement payoff (or, if the frontier never falls
    that low, the frontier's end); likewise for China. These are the corners of the
    Kalai–Smorodinsky ideal point.
    """
    u_top = inverse_at(f.u, f.v, d[1])
    v_top = value_at(f.u, f.v, d[0])
    us = (u_top, max(float(d[1]), value_at(f.u, f.v, u_top)))
    cn = (max(float(d[0]), inverse_at(f.u, f.v, v_top)), v_top)
    return (
        Point("US's best", *us, *nearest_terms(f, *us)),
        Point("China's best", *cn, *nearest_terms(f, *cn)),
    )


def nearest_terms(f: Frontier, u: float, v: float) -> tuple[float, float]:
    """Terms (x, y) of the frontier point closest to the utility pair (scaled distance)."""
    su = max(np.ptp(f.u), 1e-12)
    sv = max(np.ptp(f.v), 1e-12)
    k = int(np.argmin(((f.u - u) / su) ** 2 + ((f.v - v) / sv) ** 2))
    return float(f.x[k]), float(f.y[k])


@dataclass(frozen=True)
class BargainingAnalysis:
    frontier: Frontier
    disagreement: tuple[float, float]
    conflict_cell: tuple[int, int]
    outside: tuple[float, float]
    deltas: tuple[float, float]
    first: int  # 0: the US proposes first, 1: China
    rounds: int | None
    solutions: tuple[Point, ...]
    finite_path: tuple[tuple[float, float], ...] | None
    #: "" when there is a deal to split; "no surplus" when no terms are better for both than
    #: the stage equilibrium (it stays, nothing to split); "walk away" when outside options
    #: beat every set of terms (no deal is struck)
    no_deal: str = ""


def analyse(
    p: Mapping[str, float], first: int = 0, rounds: int | None = None,
    outside: Sequence[float] | None = None, n: int = GRID, model=None,
) -> BargainingAnalysis:
    """Every solution concept on the scenario's frontier (players: 0 = US, 1 = China in
    the default model; model: another model whose players both have levels)."""
    if first not in (0, 1):
        raise InputError(f"option --proposer: expected us or china, got {first!r}")
    m = _level_model(model)
    d, cell = disagreement_point(p, m)
    if outside is None:
        outside = _outside(p, d, m)
    o = (max(outside[0], d[0]), max(outside[1], d[1]))
    deltas = _deltas(p, m)
    f = level_frontier(p, n, model=m)
    return analyse_frontier(f, d, cell, o, deltas, first, rounds)


def analyse_frontier(
    f: Frontier, d: tuple[float, float], cell: tuple[int, int], o: Sequence[float], deltas: Sequence[float],
    first: int = 0, rounds: int | None = None, players: Sequence[str] = ("US", "China"),
    cell_terms: tuple[float, float] | None = None,
) -> BargainingAnalysis:
    """Every solution concept on a given frontier (any two-player bargaining problem).

    ``cell_terms``: the terms of the disagreement cell, when they are not the cell's indices.
    """
    if first not in (0, 1):
        raise InputError(f"option --proposer: expected one of the two players, got {first!r}")
    o = (max(o[0], d[0]), max(o[1], d[1]))
    deltas = (float(deltas[0]), float(deltas[1]))
    if not np.any((f.u > d[0] + 1e-9) & (f.v > d[1] + 1e-9)):
        if o[0] > d[0] + 1e-9 or o[1] > d[1] + 1e-9:  # nothing to split, and a side can do better alone
            return BargainingAnalysis(f, d, cell, o, deltas, first, rounds, (), None, "walk away")
        return _no_surplus(d, cell, o, deltas, first, rounds, cell_terms)
    if not np.any((f.u >= o[0] - 1e-12) & (f.v >= o[1] - 1e-12)):
        return BargainingAnalysis(f, d, cell, o, deltas, first, rounds, (), None, "walk away")

    def point(name: str, uv: tuple[float, float], binding: str = "") -> Point:
        x, y = nearest_terms(f, *uv)
        return Point(name, uv[0], uv[1], x, y, binding)

    sols = []
    nash_free = nash_on_polyline(f.u, f.v, d)
    nash = nash_on_polyline(f.u, f.v, d, o)
    sols.append(point("Nash bargaining", nash, _binding(nash_free, o, players)))
    ks_free = kalai_smorodinsky_on_polyline(f.u, f.v, d)
    ks = kalai_smorodinsky_on_polyline(f.u, f.v, d, o)
    sols.append(point("Kalai–Smorodinsky", ks, _binding(ks_free, o, players)))
    rub, rub_binds = rubinstein_solution(f.u, f.v, d, deltas, o, first)
    sols.append(point("Rubinstein", rub, _names(rub_binds, players)))
    path = None
    if rounds is not None:
        agreements, fin_binds = finite_solution(f.u, f.v, d, deltas, rounds, o, first)
        path = tuple(agreements)
        sols.append(point(deadline_name(rounds), path[0], _names(fin_binds, players)))
    return BargainingAnalysis(f, d, cell, o, deltas, first, rounds, tuple(sols), path)


def deadline_name(rounds: int) -> str:
    """The finite-horizon solution's name: 'Deadline (1 round)', 'Deadline (6 rounds)'."""
    return f"Deadline ({rounds} round{'' if rounds == 1 else 's'})"


def _no_surplus(d, cell, o, deltas, first, rounds, cell_terms=None) -> BargainingAnalysis:
    """No terms are better for both than the stage equilibrium: every solution is that outcome.

    (Its terms are its cell, 0 or 1 each; a mixed stage equilibrium has no single terms.)
    """
    if cell == (-1, -1):
        raise InputError("bargaining: the stage game's equilibrium is mixed and no terms beat it for both; "
                         "there is nothing to bargain over")
    x, y = (float(cell[0]), float(cell[1])) if cell_terms is None else cell_terms
    frontier = Frontier(np.array([d[0]]), np.array([d[1]]), np.array([x]), np.array([y]))
    names = ["Nash bargaining", "Kalai–Smorodinsky", "Rubinstein"] + ([deadline_name(rounds)] if rounds else [])
    sols = tuple(Point(name, d[0], d[1], x, y) for name in names)
    path = tuple((d[0], d[1]) for _ in range(rounds)) if rounds else None
    return BargainingAnalysis(frontier, d, cell, o, deltas, first, rounds, sols, path, "no surplus")


def _binding(free: tuple[float, float], o: Sequence[float], players: Sequence[str] = ("US", "China")) -> str:
    """Which outside option the unconstrained solution violates (so it binds), if any."""
    return _names(tuple(free[i] < o[i] - 1e-9 for i in range(2)), players)


def _names(flags: Sequence[bool], players: Sequence[str] = ("US", "China")) -> str:
    """'US', 'China', 'US, China' or '' for per-player flags."""
    return ", ".join(name for name, flag in zip(players, flags) if flag)


def surplus_share(point: tuple[float, float], d: Sequence[float], player: int) -> float:
    """Player's share of the gains over disagreement at a utility pair."""
    gains = (point[0] - d[0], point[1] - d[1])
    total = gains[0] + gains[1]
    if total <= 0:
        return float("nan")
    return gains[player] / total


def sensitivity(
    p: Mapping[str, float], names: Sequence[str], first: int = 0, n: int = 101, player: int = 1, model=None,
) -> dict[str, float]:
    """d(player's Rubinstein surplus share)/d(parameter), by central differences.

    Step: 1% of the parameter's range, kept inside the range. A coarser frontier (n = 101)
    keeps this fast; signs are what the explanation reports.
    """
    from games.model.parameters import game_parameters

    m = _level_model(model)
    table = game_parameters(m)
    out = {}
    for name in names:
        par = table[name]
        h = 0.01 * (par.high - par.low)
        lo_v, hi_v = max(par.low, p[name] - h), min(par.high, p[name] + h)
        shares = []
        for val in (lo_v, hi_v):
            q = {**p, name: val}
            try:
                d, _ = disagreement_point(q, m)
                f = level_frontier(q, n, model=m)
                o = _outside(q, d, m)
                pt = rubinstein_on_polyline(f.u, f.v, d, _deltas(q, m), o, first)
                shares.append(surplus_share(pt, d, player))
            except InputError:
                shares.append(float("nan"))
        out[name] = (shares[1] - shares[0]) / (hi_v - lo_v) if hi_v > lo_v else 0.0
    return out
