"""Which equilibria of a two-player game survive trembles: perfect and proper equilibria.

**Perfect** (Selten 1975): the equilibrium is a limit of equilibria of games in which every
strategy is played with some tiny probability (a "trembling hand"). In two-player games
this holds exactly when neither player's equilibrium strategy is weakly dominated — by
another pure or mixed strategy that is never worse and sometimes better (van Damme,
Stability and Perfection of Nash Equilibria, 1991, ch. 3). We test that with one linear program per player: maximize the total
advantage of a mixed strategy z over the equilibrium strategy x subject to z never doing
worse; a positive optimum exhibits the dominating z, which the explanation names.

**Proper** (Myerson 1978): the limit of ε-proper profiles — completely mixed, and whenever
strategy k earns less than l, k is played at most ε times as often as l (costlier mistakes
are infinitely less likely). Every proper equilibrium is perfect. For a fixed weak order
of each player's strategies the ε-proper conditions are linear in each player's mixture
separately: the opponent's mixture must rank this player's payoffs in that order, and this
player's mixture must respect the opponent's order with ratios ε. So for each pair of
orders consistent with the equilibrium (its supports on top, anything strictly worse
against it below), two linear programs find the ε-proper profiles nearest the equilibrium.
The equilibrium is proper when, for some pair, that distance at ε = 1e-6 is below 1e-3
and at most a fiftieth of its value at ε = 1e-4 (it shrinks with ε), and not proper when
no pair is feasible for both ε or no distance shrinks so — a numerical judgment of a
limit, sharp on textbook games, not a proof. Strict equilibria are proper, and non-perfect ones are not, without any search.
The search covers games with at most `MAX_PROPER_STRATEGIES` strategies per player; above
that, ``proper`` is None (not determined).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from games.solvers.equilibrium import Equilibrium, player_tolerances
from games.errors import InputError, clip
from games.forms.normal_form import NormalFormGame

#: The properness search enumerates weak orders of each player's strategies (75 for 4).
MAX_PROPER_STRATEGIES = 4
EPSILONS = (1e-4, 1e-6)


@dataclass(frozen=True)
class Refinement:
    """What the trembling-hand tests say about one equilibrium."""

    perfect: bool | None  # None: the numerical search (3+ players) could not decide
    proper: bool | None  # None: not determined (game too large for the search, or 3+ players)
    dominated_by: tuple[tuple[float, ...] | None, ...]  # per player: a dominating mixture, if any
    reason: str
    #: "dominance" (two players: exact LP test) or "tremble search" (3+ players: numerical)
    method: str = "dominance"
    #: 3+ players, when perfect: a completely mixed profile against which σ is a best reply
    trembles: tuple[tuple[float, ...], ...] | None = None


def dominating_strategy(M: np.ndarray, x: np.ndarray, tol: float) -> np.ndarray | None:
    """A mixture z of the rows of M with zᵀM ≥ xᵀM everywhere and > somewhere (by more
    than tol), or None if x is undominated. M: this player's payoffs, its strategies as rows."""
    from scipy.optimize import linprog

    m, n = M.shape
    target = x @ M
    # maximize Σ (zᵀM − xᵀM)  s.t.  zᵀM ≥ xᵀM, z ≥ 0, Σz = 1
    res = linprog(-M.sum(axis=1), A_ub=-M.T, b_ub=-target, A_eq=np.ones((1, m)), b_eq=[1.0],
                  bounds=(0, None), method="highs")
    if res.status != 0 or res.x is None:
        return None
    z = np.clip(res.x, 0, None)
    z = z / z.sum()
    gain = z @ M - target
    if np.all(gain >= -tol) and np.max(gain) > tol * max(1, n):
        return z
    return None


def _weak_orders(items: list[int]):
    """Every ordered partition of items into nonempty classes (best class first)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for order in _weak_orders(rest):
        for k in range(len(order)):  # join an existing class
            yield order[:k] + [order[k] + [first]] + order[k + 1 :]
        for k in range(len(order) + 1):  # or form a new class
            yield order[:k] + [[first]] + order[k:]


def _orders(values: np.ndarray, support: list[int], tol: float):
    """Weak orders (lists of classes, best first) with the support in the top class and any
    strategy strictly worse than another against the equilibrium placed below it."""
    n = len(values)
    for order in _weak_orders(list(range(n))):
        rank = {k: c for c, cls in enumerate(order) for k in cls}
        if any(rank[s] != 0 for s in support):
            continue
        if all(not (values[k] < values[l] - tol and rank[k] <= rank[l]) for k in range(n) for l in range(n)):
            yield order, rank


def _nearest(own_rank, own_classes, M_opp, opp_order, opp_rank, star, eps) -> float | None:
    """Smallest max-distance to ``star`` of a completely mixed z with: z respects own_rank
    with ratios eps (k in a lower class than l ⇒ z_k ≤ eps·z_l), and the opponent's
    payoffs M_opp z (indexed by the opponent's strategies) rank them as opp_order.
    Variables z = eps^class · w, for numerical range. None if infeasible."""
    from scipy.optimize import linprog

    n = len(star)
    scale = np.array([eps ** own_rank[k] for k in range(n)])
    rows, rhs = [], []
    for k in range(n):
        for l in range(n):
            if own_rank[k] > own_rank[l]:  # z_k ≤ eps z_l
                r = np.zeros(n + 1)
                r[k] += scale[k]
                r[l] -= eps * scale[l]
                rows.append(r)
                rhs.append(0.0)
    P = M_opp * scale[None, :]  # opponent's payoffs as functions of w
    eq_rows = []
    for a in range(P.shape[0]):
        for b in range(P.shape[0]):
            if opp_rank[a] == opp_rank[b] and a < b:
                eq_rows.append(np.append(P[a] - P[b], 0.0))
            elif opp_rank[a] > opp_rank[b]:  # a ranked below b: payoff(a) ≤ payoff(b)
                rows.append(np.append(P[a] - P[b], 0.0))
                rhs.append(0.0)
    # distance: |z_k − star_k| ≤ d  (variable d is the last one)
    for k in range(n):
        r = np.zeros(n + 1)
        r[k], r[-1] = scale[k], -1.0
        rows.append(r)
        rhs.append(star[k])
        r = np.zeros(n + 1)
        r[k], r[-1] = -scale[k], -1.0
        rows.append(r)
        rhs.append(-star[k])
    A_eq = [np.append(scale, 0.0)] + eq_rows
    b_eq = [1.0] + [0.0] * len(eq_rows)
    c = np.zeros(n + 1)
    c[-1] = 1.0
    # complete mixing: w_k ≥ a floor well above solver noise (w is on the scale of its class)
    bounds = [(1e-3 * eps, None)] * n + [(0, None)]
    res = linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs), A_eq=np.array(A_eq), b_eq=b_eq,
                  bounds=bounds, method="highs")
    if res.status != 0 or res.x is None:
        return None
    return float(res.x[-1])


def is_proper(game: NormalFormGame, eq: Equilibrium) -> bool | None:
    """Properness by the order search described in the module docstring (None: too large)."""
    if max(game.shape) > MAX_PROPER_STRATEGIES:
        return None
    A, B = (np.asarray(u, dtype=float) for u in game.bimatrix())
    x, y = (np.asarray(p) for p in eq.profile)
    tols = player_tolerances(game)
    va, vb = A @ y, x @ B
    sx = [k for k in range(len(x)) if x[k] > 1e-9]
    sy = [k for k in range(len(y)) if y[k] > 1e-9]
    rows = list(_orders(va, sx, tols[0] * 10))
    cols = list(_orders(vb, sy, tols[1] * 10))
    for (o1, r1), (o2, r2) in itertools.product(rows, cols):
        dists = []
        for eps in EPSILONS:
            dx = _nearest(r1, o1, B.T, o2, r2, x, eps)  # x respects r1; column payoffs (Bᵀx) ranked as o2
            dy = _nearest(r2, o2, A, o1, r1, y, eps) if dx is not None else None
            if dx is None or dy is None:
                break
            dists.append(max(dx, dy))
        else:
            big, small = dists
            if small <= 1e-3 and (small <= 1e-9 or small <= 0.02 * big):
                return True  # ε-proper profiles of these orders close in on the equilibrium
    return False


def refine(game: NormalFormGame, eq: Equilibrium, budget=None) -> Refinement:
    """Perfect and proper, with the reason in words.

    Two players: exact perfection by the dominance test, properness by the order search.
    Three or more: `refine_n_player` (perfection numerically, properness not determined;
    ``budget``, a `games.solvers.trembling_hand.WorkBudget`, bounds its search).
    """
    if game.n_players < 2:
        raise InputError(f"game '{clip(game.title, 40)}': perfect and proper equilibria need at least two players")
    if game.n_players > 2:
        return refine_n_player(game, eq, budget)
    A, B = (np.asarray(u, dtype=float) for u in game.bimatrix())
    x, y = (np.asarray(p) for p in eq.profile)
    tols = player_tolerances(game)
    dom = (dominating_strategy(A, x, tols[0]), dominating_strategy(B.T, y, tols[1]))
    perfect = all(d is None for d in dom)
    reasons = []
    for i, d in enumerate(dom):
        if d is None:
            continue
        own = x if i == 0 else y
        mine = _mix_words(game, i, own)
        better = _mix_words(game, i, d)
        reasons.append(
            f"{game.players[i]}'s {mine} is weakly dominated by {better}: never worse, and better if "
            f"the other side trembles"
        )
    if not perfect:
        return Refinement(False, False, tuple(None if d is None else tuple(map(float, d)) for d in dom),
                          "Not perfect (so not proper): " + "; ".join(reasons) + ".")
    strict = eq.is_pure and _strict(A, B, x, y, tols)
    proper = True if strict else is_proper(game, eq)
    if strict:
        reason = "Strict: every deviation loses, so it survives every tremble (perfect and proper)."
    elif proper:
        reason = ("Perfect: neither strategy is weakly dominated. Proper: it survives trembles in which "
                  "costlier mistakes are infinitely less likely than cheaper ones.")
    elif proper is None:
        reason = "Perfect: neither strategy is weakly dominated. Properness was not determined (game too large)."
    else:
        reason = ("Perfect but not proper: once costlier mistakes are made much less likely than cheaper "
                  "ones, some player strictly prefers to leave its equilibrium strategy.")
    return Refinement(True, proper, (None, None), reason)


def _strict(A, B, x, y, tols) -> bool:
    i, j = int(np.argmax(x)), int(np.argmax(y))
    others_a = np.delete(A[:, j], i)
    others_b = np.delete(B[i, :], j)
    return bool(np.all(A[i, j] - others_a > tols[0]) and np.all(B[i, j] - others_b > tols[1]))


def _mix_words(game: NormalFormGame, i: int, p) -> str:
    support = [(game.strategies[i][k], float(v)) for k, v in enumerate(p) if v > 1e-9]
    if len(support) == 1:
        return support[0][0]
    return "the mix " + ", ".join(f"{s} {v:.3g}" for s, v in support)


def _player_rows(game: NormalFormGame, i: int) -> np.ndarray:
    """Player i's payoffs with its strategies as rows and the others' pure profiles as columns."""
    return np.moveaxis(np.asarray(game.payoffs[i], dtype=float), i, 0).reshape(game.shape[i], -1)


def _differences(game: NormalFormGame):
    """Per condition (player, kept, rival): Σ prob × (u(kept) − u(rival)) over the others'
    profiles, and Σ prob × |u(kept) − u(rival)| as its magnitude (`games.solvers.trembling_hand`)."""
    arrays = [np.asarray(a, dtype=float) for a in game.payoffs]

    def diffs(profile, conditions):
        D, M = [], []
        for i, kept, rival in conditions:
            delta = np.take(arrays[i], kept, axis=i) - np.take(arrays[i], rival, axis=i)
            others = [np.asarray(p, dtype=float) for j, p in enumerate(profile) if j != i]
            D.append(_contract(delta, others))
            M.append(_contract(np.abs(delta), others) + 1e-15 * (float(np.abs(delta).max()) + 1.0))
        return D, M

    return diffs


def _contract(array: np.ndarray, mixtures: list[np.ndarray]) -> float:
    """Expected value of an array over independent mixtures, one per axis."""
    for p in reversed(mixtures):
        array = array @ p
    return float(array)


def refine_n_player(game: NormalFormGame, eq: Equilibrium, budget=None) -> Refinement:
    """Perfection of an equilibrium of a game with three or more players.

    First the exact half: a player whose equilibrium strategy is weakly dominated (by a pure
    or mixed strategy, against the others' pure profiles) can never best-reply to completely
    mixed trembles, so the equilibrium is not perfect. Without such a player, undominated is
    not enough with three or more players (trembles must be independent across players), so
    `games.solvers.trembling_hand` searches for the trembles themselves: a numerical judgment.
    Properness is not determined (None) for three or more players, except that a
    non-perfect equilibrium is not proper (False).
    """
    from games.solvers.equilibrium import strategy_values
    from games.solvers.trembling_hand import EPSILONS, tremble_test

    tols = player_tolerances(game)
    profile = [np.asarray(p, dtype=float) for p in eq.profile]
    dom = tuple(dominating_strategy(_player_rows(game, i), profile[i], tols[i]) for i in range(game.n_players))
    as_tuples = tuple(None if d is None else tuple(map(float, d)) for d in dom)
    if any(d is not None for d in dom):
        reasons = [
            f"{game.players[i]}'s {_mix_words(game, i, profile[i])} is weakly dominated by {_mix_words(game, i, d)}: "
            "never worse, and better if the others tremble"
            for i, d in enumerate(dom) if d is not None
        ]
        return Refinement(False, False, as_tuples, "Not perfect (so not proper): " + "; ".join(reasons) + ".",
                          "dominance")
    scale = max(1.0, max(float(np.max(np.abs(a))) for a in game.payoffs))
    tie = 10 * max(tols) + 1e-12 * scale

    def values(p):
        return [strategy_values(game, p, i) for i in range(game.n_players)]

    test = tremble_test(profile, values, _differences(game), tie, budget)
    eps = " and ".join(f"{e:g}" for e in EPSILONS)
    how = f"(numerical: trembles searched at ε = {eps}; properness is not determined for three or more players)"
    if test.strict:
        reason = f"Strict: every player's strategy is its only best reply, so it survives every tremble {how}."
    elif test.perfect:
        reason = (f"Perfect: no strategy is weakly dominated, and against small independent trembles of the others "
                  f"every player's equilibrium strategy stays a best reply {how}.")
    else:
        f = test.failure
        i, kept, better = f.agent, game.strategies[f.agent][f.kept], game.strategies[f.agent][f.better]
        if f.tremble is not None:
            j, k = f.tremble
            punish = (f"if {game.players[j]} mistakenly plays {game.strategies[j][k]}, {game.players[i]}'s "
                      f"{better} pays {f.loss:.3g} more than {kept}")
        else:
            punish = f"against every small tremble found, {game.players[i]}'s {better} pays more than {kept}"
        lead = "Not perfect" if test.perfect is False else "Perfection undecided (the two tremble sizes disagree)"
        reason = (f"{lead}: no strategy is weakly dominated, but {game.players[i]}'s {kept} relies on the others "
                  f"never trembling — {punish} {how}.")
    proper = False if test.perfect is False else None  # every proper equilibrium is perfect
    trembles = test.trembles if test.perfect else None
    return Refinement(test.perfect, proper, as_tuples, reason, "tremble search", trembles)
