"""The repeated game: a two-player stage game played again and again with discount factor δ.

δ is the weight of the next round relative to this one (equivalently, the probability the
relationship continues another round). For each pure outcome that is better for both
players than a stage equilibrium, this module asks whether three classic strategies
sustain it, and from which δ on (the *critical discount factor*), in closed form:

- **grim trigger** (Nash reversion): play the outcome; after any deviation play the stage
  equilibrium e forever. Player i sticks iff (1 − δ)·T_i + δ·P_i ≤ R_i, i.e.
  δ ≥ g_i / (g_i + L_i) with deviation gain g_i = T_i − R_i and per-round loss from
  punishment L_i = R_i − P_i (R: payoff at the outcome, T: best deviation payoff, P: at e).
  In the Prisoner's Dilemma this is δ* = (T − R)/(T − P). Reverting to a stage equilibrium
  is credible, so grim trigger is subgame perfect whenever it works.
- **k-round punishment** (forgiving trigger): after a deviation play e for k rounds, then
  return to the outcome; a deviation during punishment restarts it. Player i sticks iff
  g_i ≤ L_i·(δ + δ² + … + δ^k). The right side increases in δ, so the critical δ is the
  unique root of that polynomial in [0, 1) (closed form for k = 1: g/L; k = 2:
  (−1 + √(1 + 4g/L))/2; found by bisection to machine precision for larger k). Since e is a
  stage equilibrium and R_i > P_i, deviating during the punishment only delays the return,
  so the strategy is subgame perfect whenever the on-path condition holds.
- **tit-for-tat**: play your part a_i of the outcome first, then play a_i if the other
  side played its part last round and your stage-equilibrium action p_i otherwise. Against
  the other's tit-for-tat, a player's best reply is one of three plans (Axelrod's
  conditions, generalized): cooperate forever (R/(1 − δ)), deviate and then alternate
  ((T' + δS')/(1 − δ²)), or deviate forever (T' + δP'/(1 − δ)), with T' the best non-a_i
  payoff against a_-i, S' = u_i(a_i, p_-i) and P' the best non-a_i payoff against p_-i.
  Tit-for-tat is a Nash equilibrium iff δ ≥ max((T' − R)/(R − S'), (T' − R)/(T' − P')).
  Its subgame perfection is checked separately with the one-shot-deviation conditions in
  all four states of the two automata (famously a knife edge in the Prisoner's Dilemma).

The folk theorem part: pure and mixed minmax values (the mixed one is the value of the
zero-sum game in which the other player minimizes your payoff, solved by tradegame's own
verified solver), and the feasible, individually rational payoff set (the convex hull of
the pure payoff vectors cut by u_i ≥ v_i), given by its vertices.

A finite horizon (a term that ends) is solved by backward induction: when the stage game
has a unique equilibrium, the last round is the stage game, every earlier round is the
stage game plus constants, and play unravels to the stage equilibrium in every round.
With several stage equilibria, the choice of which one is played at the end can reward
cooperation before it (Benoit and Krishna, 1985); `finite_horizon` reports the longest
cooperative phase such a scheme sustains.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from games.solvers.equilibrium import Equilibrium, tolerance
from games.errors import InputError
from games.forms.normal_form import NormalFormGame, from_bimatrix

GRIM = "grim trigger"
TFT = "tit-for-tat"
#: Default length of the limited punishment.
DEFAULT_PUNISHMENT_ROUNDS = 2
#: Largest finite horizon solved round by round.
MAX_ROUNDS = 1000
#: A discount factor this close to a critical one counts as at it. Critical discount factors
#: are computed in floating point from float payoffs (13/53 comes out one ulp above the float
#: nearest 13/53), so without it δ set exactly at the threshold would read as short of it.
DELTA_TOLERANCE = 1e-9


def punishment_name(k: int) -> str:
    return f"{k}-round punishment"


# ------------------------------------------------------------------ values
@dataclass(frozen=True)
class DiscountRange:
    """The discount factors δ ∈ [low, high] (high = 1 means 'up to, not including, 1')."""

    low: float
    high: float

    def contains(self, delta: float, tol: float = DELTA_TOLERANCE) -> bool:
        return self.low - tol <= delta <= self.high + tol and delta < 1


@dataclass(frozen=True)
class Sustainability:
    """Whether one strategy sustains an outcome, and from which discount factor on.

    ``critical`` is the smallest δ at which both players stick (None: no δ < 1 works);
    ``per_player`` each player's own threshold; ``binding`` the player whose threshold is
    the critical one (None when no one is tempted). ``subgame_perfect`` lists the δ
    ranges where the strategy is also subgame perfect (grim trigger and k-round punishment:
    the same as where it works; tit-for-tat: from the one-shot-deviation conditions).
    """

    strategy: str
    critical: float | None
    per_player: tuple[float | None, ...]
    binding: int | None
    condition: str
    subgame_perfect: tuple[DiscountRange, ...]
    sustained: bool
    margin: float | None  # δ − critical at the analysed δ


@dataclass(frozen=True)
class CooperativeOutcome:
    """A pure outcome better for both than a stage equilibrium, and what sustains it."""

    profile: tuple[int, int]
    payoffs: tuple[float, float]
    punishment: Equilibrium  # the stage equilibrium reverted to
    deviations: tuple[int, int]  # each player's best one-round deviation
    deviation_gains: tuple[float, float]  # g_i = T_i − R_i
    punishment_losses: tuple[float, float]  # L_i = R_i − P_i
    strategies: tuple[Sustainability, ...]
    is_stage_equilibrium: bool


@dataclass(frozen=True)
class Minmax:
    """Player's minmax value: the least the other can hold it to (pure and mixed)."""

    player: int
    pure: float
    pure_punisher: int  # the other's pure strategy achieving it
    mixed: float
    mixed_punisher: tuple[float, ...]  # the other's mixed strategy achieving it


@dataclass(frozen=True)
class FolkTheorem:
    """Feasible payoffs (hull of pure payoffs) cut by individual rationality u_i ≥ v_i."""

    feasible: tuple[tuple[float, float], ...]  # hull vertices, counter-clockwise
    individually_rational: tuple[tuple[float, float], ...]  # vertices of the cut set
    minmax: tuple[float, float]  # mixed minmax values used for the cut


@dataclass(frozen=True)
class FiniteHorizon:
    """Backward induction over a finite number of rounds."""

    rounds: int
    delta: float
    unique_stage_equilibrium: bool
    path: tuple[Equilibrium, ...] | None  # the unique subgame-perfect path (unique case)
    cooperative_rounds: int  # rounds of the outcome sustained before the end (several-eq case)
    scheme: dict | None  # how cooperation is sustained when it is


@dataclass(frozen=True)
class RepeatedAnalysis:
    game: NormalFormGame
    delta: float
    punishment_rounds: int
    stage_equilibria: tuple[Equilibrium, ...]
    outcomes: tuple[CooperativeOutcome, ...]
    minmax: tuple[Minmax, Minmax]
    folk: FolkTheorem


# ------------------------------------------------------------------ checks
def check_delta(delta: object, name: str = "discount") -> float:
    if isinstance(delta, bool) or not isinstance(delta, (int, float)) or not 0 <= float(delta) < 1:
        raise InputError(f"parameter '{name}': expected a discount factor in [0, 1), got {delta!r}")
    return float(delta)


def _check_two_player(game: NormalFormGame) -> tuple[np.ndarray, np.ndarray]:
    if game.n_players != 2:
        raise InputError(f"game '{game.title}': the repeated game needs 2 players, got {game.n_players}")
    return game.bimatrix()


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 1000:
        raise InputError(f"punishment rounds: expected an integer from 1 to 1000, got {k!r}")
    return k


# ------------------------------------------------------------------ closed forms
def grim_trigger_threshold(gain: float, loss: float, tol: float = 0.0) -> float | None:
    """Smallest δ with (1 − δ)(R + gain) + δ(R − loss) ≤ R, i.e. gain/(gain + loss).

    0 when the player gains nothing by deviating; None when punishment costs it nothing.
    """
    if gain <= tol:
        return 0.0
    if loss <= tol:
        return None
    return gain / (gain + loss)


def punishment_threshold(gain: float, loss: float, k: int, tol: float = 0.0) -> float | None:
    """Smallest δ with gain ≤ loss·(δ + … + δ^k) (k-round punishment), or None if none < 1."""
    if gain <= tol:
        return 0.0
    if loss <= tol or k * loss <= gain:
        return None
    c = gain / loss
    if k == 1:
        return c
    if k == 2:
        return (-1.0 + float(np.sqrt(1.0 + 4.0 * c))) / 2.0
    lo, hi = 0.0, 1.0
    for _ in range(200):  # f increases on [0, 1): bisection to machine precision
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if sum(mid**t for t in range(1, k + 1)) >= c:
            hi = mid
        else:
            lo = mid
    return hi


def linear_condition(alpha: float, beta: float, tol: float = 0.0) -> DiscountRange | None:
    """The δ ∈ [0, 1) with α·δ ≥ β, or None if there are none."""
    if abs(alpha) <= tol:
        return DiscountRange(0.0, 1.0) if beta <= tol else None
    root = beta / alpha
    if alpha > 0:
        return DiscountRange(max(0.0, root), 1.0) if root < 1 else None
    return DiscountRange(0.0, min(1.0, root)) if root >= 0 else None


def _intersect(ranges: Sequence[DiscountRange | None]) -> DiscountRange | None:
    if any(r is None for r in ranges):
        return None
    low = max((r.low for r in ranges), default=0.0)
    high = min((r.high for r in ranges), default=1.0)
    return DiscountRange(low, high) if low <= high and low < 1 else None


def polynomial_region(polys: Sequence[Sequence[float]], tol: float) -> tuple[DiscountRange, ...]:
    """The δ ∈ [0, 1) where every polynomial (coefficients, lowest power first) is ≥ −tol.

    Breakpoints are the polynomials' real roots in (0, 1); the sign between breakpoints is
    read at midpoints, and each breakpoint is tested on its own (knife edges).
    """
    points = {0.0}
    for c in polys:
        c = np.trim_zeros(np.asarray(c, dtype=float), "b")
        if len(c) > 1:
            for r in np.roots(c[::-1]):
                if abs(r.imag) <= 1e-12 and 0.0 < r.real < 1.0:
                    points.add(float(r.real))
    pts = sorted(points) + [1.0]

    def ok(d: float) -> bool:
        return all(float(np.polyval(np.asarray(c, dtype=float)[::-1], d)) >= -tol for c in polys)

    pieces: list[tuple[float, float]] = []
    for a, b in zip(pts[:-1], pts[1:]):
        if ok(a):
            pieces.append((a, a))
        if ok((a + b) / 2):
            pieces.append((a, b))
    merged: list[list[float]] = []
    for a, b in pieces:
        if merged and a <= merged[-1][1] + 1e-15:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return tuple(DiscountRange(a, b) for a, b in merged)


# ------------------------------------------------------------------ stage facts
def stage_equilibria(game: NormalFormGame) -> tuple[Equilibrium, ...]:
    """Every (extreme) equilibrium of the stage game, verified."""
    from games.solvers.solver import solve

    return solve(game).equilibria


def _pure_index(eq: Equilibrium) -> tuple[int, int] | None:
    if not eq.is_pure:
        return None
    return tuple(int(np.argmax(p)) for p in eq.profile)  # type: ignore[return-value]


def best_deviation(game: NormalFormGame, profile: tuple[int, int], player: int) -> tuple[int, float]:
    """Player's best pure deviation from a pure profile and its payoff (excluding staying)."""
    u = game.payoffs[player]
    line = u[:, profile[1]] if player == 0 else u[profile[0], :]
    own = profile[player]
    others = [k for k in range(len(line)) if k != own]
    if not others:
        return own, float(line[own])
    best = max(others, key=lambda k: (line[k], -k))
    return best, float(line[best])


def _pay(game: NormalFormGame, player: int, row: int, col: int) -> float:
    return float(game.payoffs[player][row, col])


# ------------------------------------------------------------------ strategies
def grim_trigger(game: NormalFormGame, outcome: tuple[int, int], punishment: Equilibrium, delta: float) -> Sustainability:
    """Grim trigger (Nash reversion to ``punishment``): closed-form critical δ."""
    tol = tolerance(game)
    per = []
    for i in range(2):
        r = _pay(game, i, *outcome)
        _, t = best_deviation(game, outcome, i)
        per.append(grim_trigger_threshold(t - r, r - punishment.payoffs[i], tol))
    return _summarize(GRIM, tuple(per), delta, "δ ≥ (T − R)/(T − P) for each player", None)


def limited_punishment(
    game: NormalFormGame, outcome: tuple[int, int], punishment: Equilibrium, delta: float, k: int
) -> Sustainability:
    """k rounds of the stage equilibrium after a deviation, then back to the outcome."""
    k = _check_k(k)
    tol = tolerance(game)
    per = []
    for i in range(2):
        r = _pay(game, i, *outcome)
        _, t = best_deviation(game, outcome, i)
        per.append(punishment_threshold(t - r, r - punishment.payoffs[i], k, tol))
    cond = f"T − R ≤ (R − P)(δ + … + δ^{k}) for each player" if k > 1 else "δ ≥ (T − R)/(R − P) for each player"
    return _summarize(punishment_name(k), tuple(per), delta, cond, None)


def tit_for_tat(game: NormalFormGame, outcome: tuple[int, int], punishment: tuple[int, int], delta: float) -> Sustainability:
    """Tit-for-tat with the pure stage equilibrium ``punishment`` as the retaliation."""
    tol = tolerance(game)
    per = []
    for i in range(2):
        j = 1 - i
        a_i, a_j, p_j = outcome[i], outcome[j], punishment[j]

        def u(mine: int, theirs: int) -> float:
            return _pay(game, i, mine, theirs) if i == 0 else _pay(game, i, theirs, mine)

        n_i = game.shape[i]
        others = [k for k in range(n_i) if k != a_i]
        r = u(a_i, a_j)
        if not others:
            per.append(0.0)
            continue
        t = max(u(k, a_j) for k in others)
        s = u(a_i, p_j)
        p = max(u(k, p_j) for k in others)
        # alternate: R(1 + δ) ≥ T' + δS'  ⇔  δ(R − S') ≥ T' − R
        # defect forever: R ≥ (1 − δ)T' + δP'  ⇔  δ(T' − P') ≥ T' − R
        region = _intersect([linear_condition(r - s, t - r, tol), linear_condition(t - p, t - r, tol)])
        if region is None or region.high < 1:
            per.append(None)
        else:
            per.append(region.low)
    spe = tit_for_tat_subgame_perfect(game, outcome, punishment)
    return _summarize(
        TFT, tuple(per), delta, "δ ≥ max((T − R)/(R − S), (T − R)/(T − P)) for each player (Axelrod)", spe
    )


def tit_for_tat_subgame_perfect(
    game: NormalFormGame, outcome: tuple[int, int], punishment: tuple[int, int]
) -> tuple[DiscountRange, ...]:
    """δ ranges where tit-for-tat passes the one-shot-deviation test in all four states.

    States are (did player 1 play its part last round, did player 2). Needs each player's
    retaliation action to differ from its part of the outcome; otherwise returns ().
    Conditions are multiplied by (1 − δ²) > 0, which makes them quadratics in δ.
    """
    if any(outcome[i] == punishment[i] for i in range(2)):
        return ()
    polys = []
    for i in range(2):
        j = 1 - i

        def u(mine: int, theirs: int) -> float:
            return _pay(game, i, mine, theirs) if i == 0 else _pay(game, i, theirs, mine)

        a_i, p_i, a_j, p_j = outcome[i], punishment[i], outcome[j], punishment[j]
        R, P, S, Q = u(a_i, a_j), u(p_i, p_j), u(a_i, p_j), u(p_i, a_j)
        # W(state) = (1 − δ²)·V_i(state); state = (i played a_i, j played a_j), as polynomials
        W = {
            (True, True): [R, R],
            (False, False): [P, P],
            (False, True): [S, Q],
            (True, False): [Q, S],
        }
        for ci in (True, False):
            for cj in (True, False):
                theirs = a_j if ci else p_j  # j answers what i did
                mine = a_i if cj else p_i  # i answers what j did
                # after i plays k, j's flag becomes "j played a_j" = ci; i's flag = (k == a_i)
                for k in range(game.shape[i]):
                    if k == mine:
                        continue
                    gain = _poly_sub(
                        _stage_term(u(mine, theirs)) + [0.0],
                        _stage_term(u(k, theirs)) + [0.0],
                    )
                    cont = _poly_sub([0.0] + W[(mine == a_i, ci)], [0.0] + W[(k == a_i, ci)])
                    polys.append(_poly_add(gain, cont))
    return polynomial_region(polys, 1e3 * tolerance(game))


def _stage_term(v: float) -> list[float]:
    return [v, 0.0, -v]  # v·(1 − δ²)


def _poly_add(a: list[float], b: list[float]) -> list[float]:
    n = max(len(a), len(b))
    return [(a[k] if k < len(a) else 0.0) + (b[k] if k < len(b) else 0.0) for k in range(n)]


def _poly_sub(a: list[float], b: list[float]) -> list[float]:
    return _poly_add(a, [-v for v in b])


def _summarize(
    name: str, per: tuple[float | None, ...], delta: float, condition: str, spe: tuple[DiscountRange, ...] | None
) -> Sustainability:
    if any(c is None for c in per):
        critical, binding = None, None
    else:
        critical = max(per)  # type: ignore[type-var]
        binding = None if critical <= 0 else int(np.argmax(per))
    sustained = critical is not None and delta >= critical - DELTA_TOLERANCE
    margin = None if critical is None else delta - critical
    if margin is not None and abs(margin) <= DELTA_TOLERANCE:
        margin = 0.0  # at the threshold (within rounding): sustained, with nothing to spare
    if spe is None:
        spe = (DiscountRange(critical, 1.0),) if critical is not None else ()
    return Sustainability(
        strategy=name,
        critical=critical,
        per_player=per,
        binding=binding,
        condition=condition,
        subgame_perfect=spe,
        sustained=bool(sustained),
        margin=margin,
    )


# ------------------------------------------------------------------ direct checks
def grim_trigger_holds(game: NormalFormGame, outcome: tuple[int, int], punishment: Equilibrium, delta: float) -> bool:
    """Compare the discounted payoff streams directly (no closed form): stick vs deviate once.

    Stick: R/(1 − δ). Deviate: T + δ·P/(1 − δ). Used by tests to check the closed form.
    """
    tol = tolerance(game)
    for i in range(2):
        r = _pay(game, i, *outcome)
        _, t = best_deviation(game, outcome, i)
        if t + delta * punishment.payoffs[i] / (1 - delta) > r / (1 - delta) + tol:
            return False
    return True


# ------------------------------------------------------------------ minmax and folk theorem
def minmax(game: NormalFormGame) -> tuple[Minmax, Minmax]:
    """Each player's pure and mixed minmax value and the other's punishing strategy.

    Mixed: the value of the zero-sum game in which the other player minimizes the
    player's payoff (minimax theorem), solved and verified by `games.solvers.solver`.
    """
    from games.solvers.solver import solve

    A, B = _check_two_player(game)
    out = []
    for i, U in enumerate((A, B.T)):  # rows: the player's own strategies
        worst = U.max(axis=0)  # player's best reply payoff to each punisher column
        col = int(np.argmin(worst))
        zero_sum = from_bimatrix(U, title=f"minmax of {game.players[i]}")
        eq = solve(zero_sum).equilibria[0]
        out.append(Minmax(i, float(worst[col]), col, float(eq.payoffs[0]), tuple(eq.profile[1])))
    return out[0], out[1]


def convex_hull(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Vertices of the convex hull, counter-clockwise (Andrew's monotone chain)."""
    pts = sorted(set((float(x), float(y)) for x, y in points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _snap(p: tuple[float, float], axis: int, bound: float) -> tuple[float, float]:
    """p with coordinate[axis] raised to bound (it is at most a rounding error below it)."""
    return (max(p[0], bound), p[1]) if axis == 0 else (p[0], max(p[1], bound))


def clip_half_plane(poly: list[tuple[float, float]], axis: int, bound: float) -> list[tuple[float, float]]:
    """The part of a convex polygon (or segment, or point) with coordinate[axis] ≥ bound.

    A vertex within rounding (1e-9 of the payoff scale) of the bound counts as on it and is
    put on it: a minmax value that equals a payoff exactly may come out of the solver or an
    interpolation an ulp away, and a set that touches the bound in one corner (zero-sum
    games, a player with one strategy) must keep that corner rather than vanish.
    """
    scale = max([1.0, abs(bound)] + [abs(c) for p in poly for c in p])
    eps = 1e-9 * scale
    if len(poly) <= 1:
        return [_snap(p, axis, bound) for p in poly if p[axis] >= bound - eps]
    out: list[tuple[float, float]] = []
    n = len(poly)
    edges = [(poly[k], poly[(k + 1) % n]) for k in range(n)] if n > 2 else [(poly[0], poly[1]), (poly[1], poly[0])]
    for a, b in edges:
        ina, inb = a[axis] >= bound - eps, b[axis] >= bound - eps
        if ina:
            out.append(_snap(a, axis, bound))
        if ina != inb:
            t = (bound - a[axis]) / (b[axis] - a[axis])
            q = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
            out.append((bound, q[1]) if axis == 0 else (q[0], bound))
    clean: list[tuple[float, float]] = []
    for p in out:
        if not clean or max(abs(p[0] - clean[-1][0]), abs(p[1] - clean[-1][1])) > 1e-12:
            clean.append(p)
    if len(clean) > 1 and max(abs(clean[0][0] - clean[-1][0]), abs(clean[0][1] - clean[-1][1])) <= 1e-12:
        clean.pop()
    return convex_hull(clean) if len(clean) > 2 else clean


def folk_theorem(game: NormalFormGame, mm: tuple[Minmax, Minmax] | None = None) -> FolkTheorem:
    """Feasible payoff set and its individually rational part (u_i ≥ mixed minmax v_i)."""
    A, B = _check_two_player(game)
    mm = mm or minmax(game)
    hull = convex_hull(list(zip(A.ravel(), B.ravel())))
    ir = clip_half_plane(clip_half_plane(hull, 0, mm[0].mixed), 1, mm[1].mixed)
    return FolkTheorem(tuple(hull), tuple(ir), (mm[0].mixed, mm[1].mixed))


# ------------------------------------------------------------------ the analysis
def cooperative_outcomes(
    game: NormalFormGame,
    delta: float,
    k: int = DEFAULT_PUNISHMENT_ROUNDS,
    equilibria: Sequence[Equilibrium] | None = None,
) -> tuple[CooperativeOutcome, ...]:
    """Pure outcomes strictly better for both than some stage equilibrium, with thresholds.

    The punishment for each outcome is the stage equilibrium, among those it beats for
    both, with the lowest grim-trigger threshold (the harshest credible threat).
    """
    _check_two_player(game)
    delta = check_delta(delta)
    k = _check_k(k)
    eqs = tuple(equilibria) if equilibria is not None else stage_equilibria(game)
    tol = tolerance(game)
    stage_pure = {_pure_index(e) for e in eqs}
    out = []
    for row in range(game.shape[0]):
        for col in range(game.shape[1]):
            a = (row, col)
            pay = (_pay(game, 0, row, col), _pay(game, 1, row, col))
            beaten = [e for e in eqs if all(pay[i] > e.payoffs[i] + tol for i in range(2))]
            if not beaten:
                continue
            scored = []
            for e in beaten:
                g = grim_trigger(game, a, e, delta)
                scored.append((g.critical if g.critical is not None else 2.0, e, g))
            scored.sort(key=lambda s: s[0])
            _, e, grim = scored[0]
            devs = [best_deviation(game, a, i) for i in range(2)]
            gains = tuple(devs[i][1] - pay[i] for i in range(2))
            losses = tuple(pay[i] - e.payoffs[i] for i in range(2))
            strategies = [grim]
            pure_e = _pure_index(e)
            if pure_e is not None:
                strategies.append(tit_for_tat(game, a, pure_e, delta))
            strategies.append(limited_punishment(game, a, e, delta, k))
            out.append(
                CooperativeOutcome(
                    profile=a,
                    payoffs=pay,
                    punishment=e,
                    deviations=(devs[0][0], devs[1][0]),
                    deviation_gains=gains,  # type: ignore[arg-type]
                    punishment_losses=losses,  # type: ignore[arg-type]
                    strategies=tuple(strategies),
                    is_stage_equilibrium=a in stage_pure,
                )
            )
    return tuple(out)


def analyse(game: NormalFormGame, delta: float, k: int = DEFAULT_PUNISHMENT_ROUNDS) -> RepeatedAnalysis:
    """Stage equilibria, cooperative outcomes and their thresholds, minmax, folk theorem."""
    _check_two_player(game)
    delta = check_delta(delta)
    eqs = stage_equilibria(game)
    mm = minmax(game)
    return RepeatedAnalysis(
        game=game,
        delta=delta,
        punishment_rounds=_check_k(k),
        stage_equilibria=eqs,
        outcomes=cooperative_outcomes(game, delta, k, eqs),
        minmax=mm,
        folk=folk_theorem(game, mm),
    )


# ------------------------------------------------------------------ finite horizon
def finite_horizon(
    game: NormalFormGame, rounds: int, delta: float = 1.0, outcome: tuple[int, int] | None = None
) -> FiniteHorizon:
    """Backward induction over ``rounds`` rounds (δ ≤ 1 here: a finite sum needs no discount).

    Unique stage equilibrium: round by round from the last, the game in each round is the
    stage game plus constants (the fixed continuation), solved again — so the unique
    subgame-perfect path plays the stage equilibrium every round (unravelling).
    Several stage equilibria: for ``outcome`` (default: the best cooperative outcome for
    the sum of payoffs), find the longest cooperative phase sustained by the scheme "play
    the outcome, then a good stage equilibrium in the last m rounds; after a deviation, a
    bad stage equilibrium to the end".
    """
    from games.solvers.solver import solve

    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= MAX_ROUNDS:
        raise InputError(f"option --rounds: expected an integer from 1 to {MAX_ROUNDS}, got {rounds!r}")
    if isinstance(delta, bool) or not isinstance(delta, (int, float)) or not 0 <= delta <= 1:
        raise InputError(f"parameter 'discount': expected a number in [0, 1], got {delta!r}")
    A, B = _check_two_player(game)
    eqs = stage_equilibria(game)
    if len(eqs) == 1:
        path: list[Equilibrium] = []
        cont = np.zeros(2)
        for t in range(rounds, 0, -1):
            shifted = NormalFormGame(
                f"{game.title}, round {t}", game.players, game.strategies,
                (A + delta * cont[0], B + delta * cont[1]),
            )
            sol = solve(shifted)
            if len(sol.equilibria) != 1:  # adding constants cannot change the equilibria
                raise InputError(f"game '{game.title}': round {t} has {len(sol.equilibria)} equilibria")
            e = sol.equilibria[0]
            stage = [np.asarray(p) for p in e.profile]
            from games.solvers.equilibrium import expected_payoffs

            path.append(Equilibrium(e.profile, expected_payoffs(game, stage), e.max_regret))
            cont = np.array(e.payoffs)
        return FiniteHorizon(rounds, float(delta), True, tuple(reversed(path)), 0, None)
    return _several_equilibria(game, rounds, float(delta), eqs, outcome)


def _several_equilibria(game, rounds, delta, eqs, outcome) -> FiniteHorizon:
    tol = tolerance(game)
    if outcome is None:
        coop = cooperative_outcomes(game, min(delta, 0.999), equilibria=eqs)
        if not coop:
            return FiniteHorizon(rounds, delta, False, None, 0, None)
        outcome = max(coop, key=lambda c: (sum(c.payoffs), c.payoffs)).profile
    if any(_pure_index(e) == tuple(outcome) for e in eqs):
        # the outcome is itself a stage equilibrium: playing it in every round is subgame perfect
        scheme = {"outcome": tuple(outcome), "stage_equilibrium": True}
        return FiniteHorizon(rounds, delta, False, None, rounds, scheme)
    pay = [_pay(game, i, *outcome) for i in range(2)]
    gains = [best_deviation(game, outcome, i)[1] - pay[i] for i in range(2)]
    best = None
    for good in eqs:
        for bad in eqs:
            for m in range(1, rounds + 1):
                coop_rounds = rounds - m
                if _scheme_holds(pay, gains, good.payoffs, bad.payoffs, coop_rounds, m, delta, tol):
                    if best is None or coop_rounds > best[0]:
                        best = (coop_rounds, good, bad, m)
                    break
    if best is None or best[0] == 0:
        return FiniteHorizon(rounds, delta, False, None, 0, None)
    coop_rounds, good, bad, m = best
    scheme = {
        "outcome": tuple(outcome),
        "stage_equilibrium": False,
        "reward": good,
        "punishment": bad,
        "final_rounds": m,
    }
    return FiniteHorizon(rounds, delta, False, None, coop_rounds, scheme)


def _scheme_holds(pay, gains, good, bad, coop_rounds, m, delta, tol) -> bool:
    """Every cooperative round: deviation gain ≤ discounted loss over the remaining rounds.

    The loss at round t is Σ_{s>t} δ^(s−t)·d_s with d_s = R − P_bad in cooperative rounds
    and G − P_bad in the final rounds; computed backwards in one pass.
    """
    for i in range(2):
        future = 0.0  # discounted loss from the rounds after the current one
        for _ in range(m):
            future = delta * (good[i] - bad[i] + future)
        for _ in range(coop_rounds):
            if gains[i] > future + tol:
                return False
            future = delta * (pay[i] - bad[i] + future)
    return True
