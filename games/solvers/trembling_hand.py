"""Trembling-hand perfection of a profile in a game of several agents, judged numerically.

Selten (1975): a profile σ is *perfect* when it is the limit of completely mixed profiles
σᵏ against which every agent's σ is a best reply (van Damme, Stability and Perfection of
Nash Equilibria, 1991, Theorem 2.2.5). For two players this is "no strategy weakly
dominated" (`games.solvers.refinements`); with three or more agents it is not — the trembles of
different agents must be *independent*, and an agent's comparison can hinge on the
product of two trembles — so this module searches for the trembles themselves.

The search works on any game whose agents' payoffs are multilinear in the others' mixtures
(a normal form with N players, or the agent normal form of a tree, `games.solvers.agent_form_perfection`).
For a tremble size ε it looks at profiles

    σᵉ_j = (1 − ε)·σ_j + ε·τ_j,   τ_j a mixture with every probability ≥ ε^DEPTH,

so every strategy is played with probability between ε^(DEPTH+1) and ε: trembles of
several orders of magnitude, as Selten's and Myerson's examples need. The conditions are
that each strategy σ uses does at least as well, against σᵉ, as every strategy tied with
it at σ (a strategy strictly worse at σ stays worse for every small enough tremble, so
it is left out: the verdict is about the limit). Each condition is linear in each other
agent's τ, so the search is block-coordinate ascent: for one agent at a time, a linear
program (SciPy's HiGHS) chooses its τ to maximize the worst condition's slack (divided by
the magnitude of the terms compared), from the uniform τ and then from a seeded random
start of mixed orders (`STARTS`); only agents whose mixture moves a broken condition are
updated.

The verdict is ``True`` when, at each ε in `EPSILONS`, trembles are found under which
every condition holds to within `SLACK_TOLERANCE` relative to the size of the terms it
compares (so a comparison decided only by a product of tiny trembles is judged by its sign;
each found profile is re-evaluated directly, not taken from the solver). It is ``False``
when at ε = 0.01 the best trembles found still leave a condition broken by more than that:
that ε resolves the comparisons best (in double precision a product of two smallest
trembles, ε⁶, is still visible there, not at ε = 0.001), and the smaller ε only confirms a
success. ``None`` when the first ε succeeds and the second fails. It is a numerical
judgment of a limit: a failed search is not a proof that no
trembles exist (it is exact on the textbook examples in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

#: Tremble sizes tried: a failure at the first is final; a success must be confirmed at the second.
EPSILONS = (1e-2, 1e-3)
#: Trembles span ε^(DEPTH+1) .. ε (three orders of tremble for DEPTH = 2).
DEPTH = 2
#: Starts of the block-coordinate search (the uniform τ, then seeded random ones).
STARTS = 2
#: Sweeps over the agents per start.
SWEEPS = 10
#: A condition holds when its relative slack (see `Differences`) is at least −SLACK_TOLERANCE
#: (rounding is ~1e-15 relative; at ε = 0.01 one smallest tremble, ε³, weighs 1e-6 and a
#: product of two 1e-12, both above it; a product of three, 1e-18, is not resolved).
SLACK_TOLERANCE = 1e-13

#: Payoff of each of every agent's actions against a profile (one array per agent).
ActionValues = Callable[[Sequence[np.ndarray]], list]
#: For a profile and conditions (agent, kept, rival): the payoff differences kept − rival
#: and, for each, a magnitude M > 0 of the terms they sum (so D/M is the difference relative
#: to what is at stake: a comparison that only a product of several tiny trembles decides
#: is judged by its sign, not swallowed by an absolute tolerance).
Differences = Callable[[Sequence[np.ndarray], list], tuple]


class WorkBudget:
    """A shared allowance of search work, so a command that judges many equilibria does
    bounded work: when it runs out, `BudgetExhausted` is raised and the caller reports the
    remaining verdicts as not determined. Deterministic (counts units of work, not
    seconds): ``block_units`` per block update (one small linear program), and callers
    whose payoff evaluations cost more (the agent form of a tree: one unit per node
    evaluated) charge them too."""

    def __init__(self, steps: int, block_units: int = 1):
        self.steps = steps
        self.block_units = block_units

    def spend(self, units: int = 1) -> None:
        if self.steps <= 0:
            raise BudgetExhausted("the tremble search's work budget ran out")
        self.steps -= units


class NotEquilibrium(ValueError):
    """Raised by `tremble_test` when σ is not an equilibrium (a strategy it uses is not a
    best reply): distinct from other errors, which callers must not read as this."""


class BudgetExhausted(Exception):
    """Raised by `WorkBudget.spend` when no steps are left."""


@dataclass(frozen=True)
class Failure:
    """Why trembles break σ: agent's ``kept`` action (used by σ) does worse than ``better``.

    ``tremble`` is (agent, action): one other agent's single mistake that alone makes
    ``better`` pay more than ``kept``, by ``loss`` per unit of that mistake's probability;
    None when no single mistake does it (only a combination of them).
    """

    agent: int
    kept: int
    better: int
    tremble: tuple[int, int] | None
    loss: float


@dataclass(frozen=True)
class TrembleTest:
    """The verdict and what supports it.

    ``trembles``: the completely mixed profile found at the smallest ε (a certificate when
    perfect). ``worst_slack``: per ε, the worst condition's relative slack at the best
    trembles found. ``failure``: when not perfect, the condition that breaks.
    ``strict``: every agent's σ is its unique best reply (perfect with no search).
    """

    perfect: bool | None
    trembles: tuple[tuple[float, ...], ...] | None
    worst_slack: tuple[float, ...]
    failure: Failure | None
    strict: bool = False


def tremble_test(
    sigma: Sequence[Sequence[float]], action_values: ActionValues, differences: Differences, tie_tolerance: float,
    budget: WorkBudget | None = None,
) -> TrembleTest:
    """Is the equilibrium σ trembling-hand perfect? (numerically; see the module docstring).

    ``action_values(profile)`` gives each agent's payoff for each of its actions against the
    others' mixtures in ``profile`` (independent of the agent's own mixture, multilinear in
    the others'); ``differences`` gives each condition's difference and magnitude (see
    `Differences`); ``tie_tolerance`` decides which strategies tie at σ. Raises ValueError when σ is not an
    equilibrium (some strategy σ uses is worse than a best reply by more than the tolerance),
    and `BudgetExhausted` when ``budget`` runs out.
    """
    sig = [np.asarray(s, dtype=float) for s in sigma]
    values = action_values(sig)
    conditions = _conditions(sig, values, tie_tolerance)
    if not conditions:
        return TrembleTest(True, None, (), None, strict=True)
    worst_by_eps, found_by_eps = [], []
    for eps in EPSILONS:
        tau, worst = _search(sig, differences, conditions, eps, budget)
        worst_by_eps.append(worst)
        found_by_eps.append(tau)
        if worst < -SLACK_TOLERANCE:
            break  # not perfect: the larger ε resolves the comparisons best (see the docstring)
    ok = [w >= -SLACK_TOLERANCE for w in worst_by_eps]
    if not all(ok):
        solved = _support_trembles(sig, action_values, differences, conditions)
        if solved is not None:
            return TrembleTest(True, solved[0], solved[1], None)
    eps, tau = EPSILONS[len(found_by_eps) - 1], found_by_eps[-1]
    trembles = tuple(tuple(float(v) for v in (1 - eps) * s + eps * t) for s, t in zip(sig, tau))
    if all(ok):
        return TrembleTest(True, trembles, tuple(worst_by_eps), None)
    failure = _failure(sig, action_values, differences, conditions, tau, eps, tie_tolerance)
    return TrembleTest(False if not any(ok) else None, trembles, tuple(worst_by_eps), failure)


def _support_trembles(sig, action_values, differences, conditions):
    """Trembles for an equilibrium whose ties are all inside the supports (no unused best
    reply), where the block search can stall: several agents mix, and each one's
    indifference hangs on the others' mixtures, so no single agent's tremble can restore
    two of them at once. Every unused action gets probability ε/(number unused); the used
    ones solve the agents' indifference equations jointly, by Newton's method from σ. A
    solution with every probability positive is a completely mixed profile against which
    each agent's σ is a best reply; it must be found at each ε in `EPSILONS`, and each
    condition is re-evaluated at it. Returns (trembles at the smallest ε, worst slack per
    ε), or None."""
    support = [np.flatnonzero(s > 1e-9) for s in sig]
    if any(sig[a][rival] <= 1e-9 for a, _, rival in conditions):
        return None  # a tie with an unused action: not this case
    mixers = [j for j, sup in enumerate(support) if len(sup) > 1]
    worst_by_eps, found = [], None
    for eps in EPSILONS:
        fixed = []
        for s, sup in zip(sig, support):
            unused = len(s) - len(sup)
            base = np.zeros(len(s))
            if unused:
                base[:] = eps / unused
                base[sup] = 0.0
            fixed.append((base, 1.0 - (eps if unused else 0.0)))
        x = np.concatenate([sig[j][support[j]] * fixed[j][1] / max(1e-300, sig[j][support[j]].sum()) for j in mixers])

        def profile(x):
            out, k = [], 0
            for j, (base, mass) in enumerate(fixed):
                p = base.copy()
                if j in mixers:
                    n = len(support[j])
                    p[support[j]] = x[k:k + n]
                    k += n
                else:
                    p[support[j]] = mass
                out.append(p)
            return out

        def residual(x):
            values, r, k = action_values(profile(x)), [], 0
            for j in mixers:
                v = np.asarray(values[j], dtype=float)[support[j]]
                n = len(support[j])
                r += list(v[1:] - v[0]) + [float(x[k:k + n].sum()) - fixed[j][1]]
                k += n
            return np.asarray(r, dtype=float)

        for _ in range(30):
            r = residual(x)
            if np.abs(r).max() < 1e-15:
                break
            J = np.empty((len(r), len(x)))
            for c in range(len(x)):
                step = np.zeros(len(x))
                step[c] = 1e-7
                J[:, c] = (residual(x + step) - r) / 1e-7
            try:
                x = x - np.linalg.solve(J, r)
            except np.linalg.LinAlgError:
                return None
        prof = profile(x)
        if any(np.any(p <= 0) for p in prof):
            return None
        D, M = differences(prof, conditions)
        worst = float((np.asarray(D, dtype=float) / np.maximum(np.asarray(M, dtype=float), 1e-300)).min())
        if worst < -SLACK_TOLERANCE:
            return None
        worst_by_eps.append(worst)
        found = tuple(tuple(float(v) for v in p) for p in prof)
    return found, tuple(worst_by_eps)


def _conditions(sig, values, tie_tolerance) -> list[tuple[int, int, int]]:
    """(agent, kept, rival): kept is used by σ, rival ties with it at σ."""
    out = []
    for a, (s, v) in enumerate(zip(sig, values)):
        v = np.asarray(v, dtype=float)
        best = float(v.max())
        support = np.flatnonzero(s > 1e-9)
        if any(v[k] < best - tie_tolerance for k in support):
            raise NotEquilibrium(f"agent {a}: the profile is not an equilibrium (a strategy it uses is not a best reply)")
        tied = np.flatnonzero(v >= best - tie_tolerance)
        out += [(a, int(k), int(t)) for k in support for t in tied if t != k]
    return out


def _perturbed(sig, tau, eps):
    return [(1 - eps) * s + eps * t for s, t in zip(sig, tau)]


def _slacks(sig, differences, conditions, tau, eps) -> tuple[np.ndarray, np.ndarray]:
    """Each condition's difference kept − rival at the trembling profile, and its magnitude."""
    D, M = differences(_perturbed(sig, tau, eps), conditions)
    return np.asarray(D, dtype=float), np.maximum(np.asarray(M, dtype=float), 1e-300)


def _worst(sig, differences, conditions, tau, eps) -> float:
    D, M = _slacks(sig, differences, conditions, tau, eps)
    return float((D / M).min())


def _starts(sizes, eps):
    floor = eps**DEPTH
    yield [np.full(n, 1.0 / n) for n in sizes]
    rng = np.random.default_rng(20260)
    for _ in range(STARTS - 1):
        yield [_lift(eps ** (DEPTH * rng.uniform(size=n)), floor) for n in sizes]


def _lift(w: np.ndarray, floor: float) -> np.ndarray:
    """A mixture with every entry ≥ floor, proportional to w above the floor."""
    w = np.asarray(w, dtype=float)
    return floor + (1 - len(w) * floor) * w / w.sum()


def _search(sig, differences, conditions, eps, budget=None):
    """Best trembles found (τ, worst slack) by block-coordinate ascent from several starts.

    Only agents whose mixture moves some currently broken condition are updated (an agent
    that cannot touch the worst condition cannot raise the minimum)."""
    sizes = [len(s) for s in sig]
    floor = eps**DEPTH
    moves = _dependence(sig, differences, conditions, eps)
    best_tau, best_worst = None, -np.inf
    for tau in _starts(sizes, eps):
        worst = _worst(sig, differences, conditions, tau, eps)
        for _ in range(SWEEPS):
            before = worst
            D, M = _slacks(sig, differences, conditions, tau, eps)
            broken = (D / M) < -SLACK_TOLERANCE
            for j in [j for j in range(len(sig)) if (moves[j] & broken).any()]:
                if worst >= -SLACK_TOLERANCE:
                    break
                if budget is not None:
                    budget.spend(budget.block_units)
                new = _block_step(sig, differences, conditions, tau, eps, j, floor)
                if new is None:
                    continue
                trial = list(tau)
                trial[j] = new
                w = _worst(sig, differences, conditions, trial, eps)
                if w > worst:
                    tau, worst = trial, w
            if worst >= -SLACK_TOLERANCE or worst <= before + 1e-9 * abs(before):
                break
        if worst > best_worst:
            best_tau, best_worst = tau, worst
        if best_worst >= -SLACK_TOLERANCE:
            break
    return best_tau, best_worst


def _dependence(sig, differences, conditions, eps) -> list[np.ndarray]:
    """For each agent j: which conditions (of other agents) change with j's tremble mixture,
    probed by switching τ_j between its pure actions at a random completely mixed τ."""
    rng = np.random.default_rng(7)
    floor = eps**DEPTH
    tau = [_lift(rng.uniform(0.5, 1.0, size=len(s)), floor) for s in sig]
    out = []
    for j, s in enumerate(sig):
        rows = []
        for k in range(len(s)):
            trial = list(tau)
            trial[j] = _lift(np.eye(len(s))[k] + 1e-3, floor)
            D, M = _slacks(sig, differences, conditions, trial, eps)
            rows.append(D / M)
        R = np.array(rows)
        own = np.array([a == j for a, _, _ in conditions])
        out.append((R.max(axis=0) - R.min(axis=0) > 1e-13) & ~own)
    return out


def _block_step(sig, differences, conditions, tau, eps, j, floor):
    """Agent j's τ maximizing the worst relative slack of the other agents' conditions (one
    LP; each difference is linear in τ_j and divided by its magnitude at the current τ)."""
    from scipy.optimize import linprog

    rows = [c for c, (a, _, _) in enumerate(conditions) if a != j]
    n = len(sig[j])
    _, M_now = _slacks(sig, differences, conditions, tau, eps)
    S = np.empty((len(rows), n))
    for k in range(n):
        trial = list(tau)
        trial[j] = np.eye(n)[k]
        S[:, k] = _slacks(sig, differences, conditions, trial, eps)[0][rows]
    S = S / M_now[rows, None]
    S = S / max(1e-300, float(np.abs(S).max()))
    S = S[S.max(axis=1) - S.min(axis=1) > 1e-15]  # rows that do not depend on τ_j
    if len(S) == 0:
        return None
    if n == 2:
        return _two_actions(S, floor)
    # maximize m  s.t.  S τ ≥ m,  Σ τ = 1,  τ ≥ floor
    c = np.zeros(n + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-S, np.ones((len(S), 1))])  # the rows kept: those that depend on τ_j
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(len(S)), A_eq=[[1.0] * n + [0.0]], b_eq=[1.0],
                  bounds=[(floor, 1.0)] * n + [(None, None)], method="highs",
                  options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    if res.status != 0 or res.x is None:
        return None
    return _lift(np.clip(res.x[:n] - floor, 0.0, None) + 1e-300, floor)


def _two_actions(S: np.ndarray, floor: float) -> np.ndarray:
    """The LP of `_block_step` for two actions, τ = (t, 1 − t): maximize min_c S_c·τ over
    t in [floor, 1 − floor]. The minimum of lines is concave, so its maximum is at an end
    or where two lines cross: every candidate is evaluated."""
    a, b = S[:, 0] - S[:, 1], S[:, 1]  # line c: a_c t + b_c
    lo, hi = floor, 1.0 - floor
    da = a[:, None] - a[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        cross = (b[None, :] - b[:, None]) / da
    cands = np.concatenate([[lo, hi], cross[np.isfinite(cross) & (cross > lo) & (cross < hi)]])
    worst = (a[None, :] * cands[:, None] + b[None, :]).min(axis=1)
    t = float(cands[int(np.argmax(worst))])
    return np.array([t, 1.0 - t])


def _failure(sig, action_values, differences, conditions, tau, eps, tie_tolerance) -> Failure:
    """The worst condition at the best trembles found, and a single mistake that breaks it."""
    D, M = _slacks(sig, differences, conditions, tau, eps)
    worst = int(np.argmin(D / M))
    a, kept, better = conditions[worst]
    best_tremble, best_loss = None, tie_tolerance
    for j, s in enumerate(sig):
        if j == a:
            continue
        for k in range(len(s)):
            if s[k] > 1 - 1e-9:
                continue
            profile = list(sig)
            profile[j] = np.eye(len(s))[k]
            v = action_values(profile)[a]
            loss = float(v[better] - v[kept])
            if loss > best_loss:
                best_tremble, best_loss = (j, k), loss
    return Failure(a, kept, better, best_tremble, best_loss if best_tremble else float(-D[worst]))
