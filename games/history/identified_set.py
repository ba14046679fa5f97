"""Reading the record backwards: the parameter values under which every observed move is an
equilibrium (the identified set), its bounds, and what to change when nothing fits.

The identified set is the polyhedron {θ : every condition a·θ + b ≥ 0, every episode's
values within the parameters' ranges} (see `games.history.equilibrium_conditions`). This module
answers questions about it by linear programming (SciPy's HiGHS, imported only when
needed):

- bounds: the lowest and highest value of each free parameter over the set (two LPs
  each). The LP's optimal vertex is then recomputed in exact fractions from its active
  constraints and checked exactly, so a bound is reported as a fraction when that
  succeeds. With one free parameter no LP is needed: each condition is a θ ≥ −b or
  a θ ≤ −b and the bounds are exact by construction;
- smallest change: the judgement values θ₀ moved as little as possible (the sum of
  |θ_k − θ₀_k| as a share of each parameter's range: an L1 problem, one LP) so that every
  observed move is an equilibrium;
- conflicts: when the set is empty, a minimal set of episodes that cannot all be
  equilibria at once (a deletion filter: drop each episode whose removal keeps the rest
  infeasible; what remains is minimal);
- projection: the set's shadow on two parameters, as the polygon of its support points
  in evenly spaced directions (exact for the vertices it finds);
- outlook: for a scenario's game, which pure outcomes are equilibria for *every* θ in
  the set (the minimum of each condition over the set is ≥ 0), for *some* (the set meets
  the conditions) or for none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from games.history.equilibrium_conditions import (
    Condition,
    affine_conditions,
    exact_values,
    offsets,
    package_payoff,
    parameter,
    level_payoff,
)
from games.errors import InputError, SolverError
from games.solvers.exact import to_fraction
from games.history.observed import grid, observed_profile, strategy_labels
from games.model.parameters import any_lookup, game_parameters, lookup
from games.model.scenarios import Scenario

#: Slack below which an LP constraint counts as active when recovering the exact vertex.
ACTIVE_TOL = 1e-7
#: How far an LP value may be from the exact vertex's before the exact value is rejected.
MATCH_TOL = 1e-6


@dataclass(frozen=True)
class RecordConditions:
    """The episodes, the free parameters, and every equilibrium condition in them."""

    episodes: tuple[str, ...]
    free: tuple[str, ...]
    conditions: tuple[Condition, ...]
    offsets: tuple[tuple[Fraction, ...], ...]  # per episode, per free parameter
    judgement: tuple[Fraction, ...]  # the model's values of the free parameters (θ₀)

    def box(self, subset: Sequence[str] | None = None) -> list[tuple[Fraction, Fraction]]:
        """Bounds on θ from the parameters' ranges: the base value and each episode's value
        (base plus the episode's change) must lie in range."""
        out = []
        for k, name in enumerate(self.free):
            p = parameter(name)
            lo, hi = to_fraction(p.low), to_fraction(p.high)
            shifts = [off[k] for ep, off in zip(self.episodes, self.offsets) if subset is None or ep in subset]
            # the base value is itself a value of the parameter, and so is each episode's
            out.append((max([lo] + [lo - s for s in shifts]), min([hi] + [hi - s for s in shifts])))
        return out

    def subset(self, names: Sequence[str]) -> list[Condition]:
        return [c for c in self.conditions if c.episode in names]


@dataclass(frozen=True)
class Bound:
    """The lowest and highest value of one free parameter over the identified set."""

    name: str
    judgement: float
    low: float
    high: float
    low_exact: Fraction | None = None
    high_exact: Fraction | None = None
    #: whether the bound is where the parameter's range (shifted by the episodes' changes)
    #: ends: the observed moves allow the value, and the range, not the record, stops there
    low_at_range_end: bool = False
    high_at_range_end: bool = False

    @property
    def contains_judgement(self) -> bool:
        return self.low - 1e-9 <= self.judgement <= self.high + 1e-9

    def to_dict(self) -> dict:
        return {
            "parameter": self.name,
            "judgement": self.judgement,
            "low": self.low,
            "high": self.high,
            "low_exact": None if self.low_exact is None else str(self.low_exact),
            "high_exact": None if self.high_exact is None else str(self.high_exact),
            "low_at_range_end": self.low_at_range_end,
            "high_at_range_end": self.high_at_range_end,
        }


def _at(value: float, exact: Fraction | None, end: Fraction) -> bool:
    """Is a bound at this end of the range (exactly where the vertex is exact)?"""
    if exact is not None:
        return exact == end
    return abs(value - float(end)) <= MATCH_TOL * (1 + abs(float(end)))


def default_free(episodes: Sequence[Scenario], package: bool | tuple[str, ...] = False) -> list[str]:
    """Judgement parameters the episodes' games depend on, linkage shares excluded.

    A linkage share multiplies the values it ties (chip_linkage · chip_sales), so freeing it
    together with them would make the conditions non-affine; the default frees the values
    and holds each episode's linkage as written (free it with --free to ask about it)."""
    names = []
    table = game_parameters()
    if package:
        from games.model.catalog import default_model

        table = default_model().parameters
    for name, p in table.items():
        if not p.provenance.is_judgement or name.endswith("_linkage"):
            continue
        if _enters(name, episodes, package):
            names.append(name)
    return names


def _package_setting(sc: Scenario, package: bool | tuple[str, ...] = True):
    """`games.history.record.package_setting`, imported when called (as it always was here)."""
    from games.history.record import package_setting

    return package_setting(sc, package)


def _package_game(sc: Scenario, package: bool | tuple[str, ...] = True):
    """(exact parameters, payoff function, profile, labels, shape) of an episode's package
    observation (``package``: True, or the optional instruments put in the form)."""
    model, params, form, levels, profile, labels = _package_setting(sc, package)
    return exact_values(params), package_payoff(model, form, levels), profile, labels


def _enters(name: str, episodes: Sequence[Scenario], package: bool | tuple[str, ...] = False) -> bool:
    """Does the parameter change any payoff of any episode's game?

    Every cell is compared in floating point, vectorized (an episode may have 101 levels a
    side: 10,201 cells, too many to evaluate one by one in fractions for every parameter),
    and a cell that differs is confirmed in exact arithmetic, so a parameter is never freed
    on a rounding difference."""
    for sc in episodes:
        cells, exact = _game_cells(sc, package)
        before, after = cells(None), cells(name)
        differ = np.argwhere((before[0] != after[0]) | (before[1] != after[1]))
        for cell in (tuple(int(v) for v in c) for c in differ):
            if exact(cell, None) != exact(cell, name):
                return True
    return False


def _game_cells(sc: Scenario, package: bool | tuple[str, ...] = False):
    """(cells, exact) for an episode's game: cells(name) is both players' payoff arrays over
    every profile (floats) with parameter ``name`` one unit up (None: as written); exact(cell,
    name) the same at one profile, in fractions."""
    from games.model.catalog import default_model
    from games.model.evaluate import axes, payoff_arrays
    from games.model.level_game import declared_levels, graded_grids, level_payoffs

    if package:
        model, params, form, levels, _, _ = _package_setting(sc, package)
        ax = axes(model, form, levels)
        pay = package_payoff(model, form, levels)

        def arrays(p):
            return payoff_arrays(model, p, ax)
    else:
        model = default_model()
        obs = sc.observed
        params = dict(sc.parameters)
        g = declared_levels(model) if obs.form == "simultaneous" else graded_grids(model, obs.levels)
        pay = level_payoff(grid(obs))

        def arrays(p):
            return level_payoffs(model, (g[0][:, None], g[1][None, :]), p)
    exact_params = exact_values(params)

    def bumped(p: dict, name: str | None) -> dict:
        q = dict(p)
        if name is not None:
            q[name] = q[name] + 1
        return q

    def cells(name: str | None):
        return [np.asarray(a, dtype=float) for a in arrays(bumped(params, name))]

    def exact(cell: tuple[int, int], name: str | None) -> tuple[Fraction, Fraction]:
        q = bumped(exact_params, name)
        return pay(0, cell, q), pay(1, cell, q)

    return cells, exact


def episode_labels(episodes: Sequence[Scenario]) -> list[str]:
    """How each episode is named in the conditions and the answer: its name (a built-in's, or a
    file's stem), or its file's path when two different episodes share that name (two
    'episode.toml' in different folders, or a file named like a built-in), so that neither
    is taken for the other; the same episode given twice keeps one name."""
    def key(sc: Scenario) -> str:
        return sc.source_file or sc.name

    clash = {sc.name for sc in episodes if len({key(o) for o in episodes if o.name == sc.name}) > 1}
    return [key(sc) if sc.name in clash else sc.name for sc in episodes]


def record_conditions(episodes: Sequence[Scenario], free: Sequence[str], package: bool | tuple[str, ...] = False) -> RecordConditions:
    """Every observed profile's equilibrium conditions, affine in the free parameters (with
    ``package``, of each episode's package-form observation: tariffs as instruments)."""
    if not episodes:
        raise InputError("infer: name at least one episode (a scenario with [observed] moves)")
    seen = set()
    for name in free:
        if package:
            any_lookup(name, "option --free")
        else:
            lookup(name, "option --free")
        if name in seen:
            raise InputError(f"option --free: '{name}' is named twice")
        seen.add(name)
    if not free:
        raise InputError("option --free: no free parameter (the episodes depend on none of those named)")
    conditions: list[Condition] = []
    offs = []
    names = []
    for sc, label in zip(episodes, episode_labels(episodes)):
        if sc.observed is None:
            raise InputError(f"{sc.source_file or sc.name}: no [observed] moves; infer reads episodes of the record")
        if label in names:
            raise InputError(f"infer: episode '{label}' is named twice")
        names.append(label)
        if package:
            if sc.observed.package is None:
                raise InputError(f"{sc.source_file or sc.name}: no [observed.package] moves; --package reads episodes with package moves")
            params, pay, profile, labels = _package_game(sc, package)
            conditions += affine_conditions(label, params, free, pay, profile, labels)
            offs.append(offsets(params, free))
            continue
        params = exact_values(sc.parameters)
        obs = sc.observed
        conditions += affine_conditions(
            label, params, free, level_payoff(grid(obs)), observed_profile(obs), strategy_labels(obs.form, obs.levels)
        )
        offs.append(offsets(params, free))
    judgement = tuple(to_fraction(parameter(n).default) for n in free)
    return RecordConditions(tuple(names), tuple(free), tuple(conditions), tuple(offs), judgement)


# ------------------------------------------------------------------ exact, one parameter
def exact_interval(rc: RecordConditions, subset: Sequence[str] | None = None) -> tuple[Fraction, Fraction] | None:
    """With one free parameter: the exact interval of values satisfying every condition."""
    if len(rc.free) != 1:
        raise ValueError("exact_interval needs exactly one free parameter")
    (lo, hi), = rc.box(subset)
    for c in rc.conditions if subset is None else rc.subset(subset):
        a, b = c.coefficients[0], c.constant
        if a > 0:
            lo = max(lo, -b / a)
        elif a < 0:
            hi = min(hi, -b / a)
        elif b < 0:
            return None
    return (lo, hi) if lo <= hi else None


# ------------------------------------------------------------------ linear programming
def _linprog():
    try:
        from scipy.optimize import linprog
    except ModuleNotFoundError:
        raise SolverError(
            "this needs SciPy's linear programming (pip install 'tradegame[infer]'); with one "
            "free parameter (--free NAME) the exact bounds need nothing extra"
        ) from None
    return linprog


def _lp(rc: RecordConditions, objective: Sequence[float], subset: Sequence[str] | None = None):
    """Minimize objective·θ over the set; returns the SciPy result."""
    linprog = _linprog()
    conds = rc.conditions if subset is None else rc.subset(subset)
    A = [[-float(a) for a in c.coefficients] for c in conds]
    b = [float(c.constant) for c in conds]
    bounds = [(float(lo), float(hi)) for lo, hi in rc.box(subset)]
    if any(lo > hi for lo, hi in bounds):
        return None
    return linprog(
        list(objective), A_ub=A or None, b_ub=b or None, bounds=bounds, method="highs"
    )


def is_consistent(rc: RecordConditions, subset: Sequence[str] | None = None) -> bool:
    """Is there a θ under which every observed profile (of the subset) is an equilibrium?"""
    if len(rc.free) == 1:
        return exact_interval(rc, subset) is not None
    res = _lp(rc, [0.0] * len(rc.free), subset)
    if res is None:
        return False
    if res.status == 2:
        return False
    if res.status != 0:
        raise SolverError(f"infer: the linear program failed ({res.message})")
    return True


def _halfspaces(rc: RecordConditions, subset=None) -> list[tuple[tuple[Fraction, ...], Fraction]]:
    """Every constraint of the set as (a, b) meaning a·θ + b ≥ 0, the range bounds included."""
    rows = [(c.coefficients, c.constant) for c in (rc.conditions if subset is None else rc.subset(subset))]
    k = len(rc.free)
    for i, (lo, hi) in enumerate(rc.box(subset)):
        unit = tuple(Fraction(int(j == i)) for j in range(k))
        rows.append((unit, -lo))
        rows.append((tuple(-u for u in unit), hi))
    return rows


def exact_vertex(rc: RecordConditions, point: Sequence[float], subset=None) -> tuple[Fraction, ...] | None:
    """The exact vertex an LP solution sits on: solve its active constraints in fractions.

    Returns None when the active constraints do not pin a single point or the exact point
    violates any constraint (then only the floating-point value is reported)."""
    rows = _halfspaces(rc, subset)
    k = len(rc.free)
    active = [(a, b) for a, b in rows if abs(sum(float(x) * p for x, p in zip(a, point)) + float(b)) <= ACTIVE_TOL * (1 + abs(float(b)))]
    chosen: list[tuple[tuple[Fraction, ...], Fraction]] = []
    basis: list[list[Fraction]] = []
    for a, b in active:  # keep rows that add rank (exact elimination)
        v = list(a)
        for row in basis:
            pivot = next(i for i, x in enumerate(row) if x != 0)
            if v[pivot] != 0:
                f = v[pivot] / row[pivot]
                v = [x - f * y for x, y in zip(v, row)]
        if any(x != 0 for x in v):
            basis.append(v)
            chosen.append((a, b))
        if len(chosen) == k:
            break
    if len(chosen) < k:
        return None
    theta = _solve([list(a) for a, _ in chosen], [-b for _, b in chosen])
    if theta is None or any(sum((x * t for x, t in zip(a, theta)), Fraction(0)) + b < 0 for a, b in rows):
        return None
    if any(abs(float(t) - p) > MATCH_TOL * (1 + abs(p)) for t, p in zip(theta, point)):
        return None
    return tuple(theta)


def _solve(A: list[list[Fraction]], b: list[Fraction]) -> list[Fraction] | None:
    """Solve the square system A x = b exactly (Gauss–Jordan); None if singular."""
    n = len(A)
    M = [row[:] + [rhs] for row, rhs in zip(A, b)]
    for col in range(n):
        piv = next((r for r in range(col, n) if M[r][col] != 0), None)
        if piv is None:
            return None
        M[col], M[piv] = M[piv], M[col]
        for r in range(n):
            if r != col and M[r][col] != 0:
                f = M[r][col] / M[col][col]
                M[r] = [x - f * y for x, y in zip(M[r], M[col])]
    return [M[i][n] / M[i][i] for i in range(n)]


def bounds(rc: RecordConditions) -> list[Bound] | None:
    """Each free parameter's lowest and highest value over the set (None: the set is empty)."""
    if len(rc.free) == 1:
        interval = exact_interval(rc)
        if interval is None:
            return None
        lo, hi = interval
        (box_lo, box_hi), = rc.box()
        return [Bound(rc.free[0], float(rc.judgement[0]), float(lo), float(hi), lo, hi, lo == box_lo, hi == box_hi)]
    out = []
    k = len(rc.free)
    box = rc.box()
    for i, name in enumerate(rc.free):
        ends = []
        for sign in (1.0, -1.0):
            objective = [sign if j == i else 0.0 for j in range(k)]
            res = _lp(rc, objective)
            if res is None or res.status == 2:
                return None
            if res.status != 0:
                raise SolverError(f"infer: the linear program for {name} failed ({res.message})")
            vertex = exact_vertex(rc, res.x)
            ends.append((float(res.x[i]), None if vertex is None else vertex[i]))
        (lo, lo_x), (hi, hi_x) = ends
        if lo_x is not None:
            lo = float(lo_x)
        if hi_x is not None:
            hi = float(hi_x)
        out.append(Bound(name, float(rc.judgement[i]), lo, hi, lo_x, hi_x,
                         _at(lo, lo_x, box[i][0]), _at(hi, hi_x, box[i][1])))
    return out


@dataclass(frozen=True)
class SmallestChange:
    """The judgement values moved as little as possible to make the record consistent."""

    values: tuple[float, ...]
    changes: tuple[tuple[str, float, float], ...]  # (name, judgement, new) for those that move
    distance: float  # Σ |θ − θ₀| / range width

    def to_dict(self) -> dict:
        return {
            "distance": self.distance,
            "changes": [{"parameter": n, "judgement": a, "value": b} for n, a, b in self.changes],
        }


def smallest_change(rc: RecordConditions) -> SmallestChange | None:
    """min Σ |θ_k − θ₀_k| / (high_k − low_k) over the set (L1 by LP); None if the set is empty.

    With one free parameter it is exact: the point of the interval nearest the judgement."""
    if len(rc.free) == 1:
        interval = exact_interval(rc)
        if interval is None:
            return None
        lo, hi = interval
        j = rc.judgement[0]
        t = min(max(j, lo), hi)
        width = to_fraction(parameter(rc.free[0]).high - parameter(rc.free[0]).low) or Fraction(1)
        changes = ((rc.free[0], float(j), float(t)),) if t != j else ()
        return SmallestChange((float(t),), changes, float(abs(t - j) / width))
    linprog = _linprog()
    k = len(rc.free)
    widths = [float(parameter(n).high - parameter(n).low) or 1.0 for n in rc.free]
    c = [0.0] * k + [1.0 / w for w in widths]
    A, b = [], []
    for cond in rc.conditions:
        A.append([-float(a) for a in cond.coefficients] + [0.0] * k)
        b.append(float(cond.constant))
    for i in range(k):  # t_i ≥ ±(θ_i − θ₀_i)
        row = [0.0] * (2 * k)
        row[i], row[k + i] = 1.0, -1.0
        A.append(row)
        b.append(float(rc.judgement[i]))
        row = [0.0] * (2 * k)
        row[i], row[k + i] = -1.0, -1.0
        A.append(row)
        b.append(-float(rc.judgement[i]))
    box = [(float(lo), float(hi)) for lo, hi in rc.box()]
    if any(lo > hi for lo, hi in box):
        return None
    res = linprog(c, A_ub=A, b_ub=b, bounds=box + [(0, None)] * k, method="highs")
    if res.status == 2:
        return None
    if res.status != 0:
        raise SolverError(f"infer: the smallest-change program failed ({res.message})")
    theta = [float(v) for v in res.x[:k]]
    changes = tuple(
        (n, float(j), t) for n, j, t in zip(rc.free, rc.judgement, theta) if abs(t - float(j)) > 1e-9
    )
    return SmallestChange(tuple(theta), changes, float(res.fun))


def conflicting_episodes(rc: RecordConditions) -> list[str]:
    """A minimal set of episodes whose observed moves cannot all be equilibria at once.

    Deletion filter: go through the episodes, dropping each one without which the rest
    are still inconsistent. Empty when the whole record is consistent."""
    current = list(rc.episodes)
    if is_consistent(rc, current):
        return []
    for ep in list(rc.episodes):
        trial = [e for e in current if e != ep]
        if not is_consistent(rc, trial):
            current = trial
    return current


def projection(rc: RecordConditions, a: str, b: str, directions: int = 72) -> list[tuple[float, float]]:
    """Vertices of the set's shadow on parameters a and b (support points, in angle order)."""
    for name in (a, b):
        if name not in rc.free:
            raise InputError(f"option --plot: '{name}' is not a free parameter; free it with --free {name}")
    if a == b:
        raise InputError("option --plot: name two different parameters")
    ia, ib = rc.free.index(a), rc.free.index(b)
    k = len(rc.free)
    points: list[tuple[float, float]] = []
    for n in range(directions):
        phi = 2 * math.pi * n / directions
        objective = [0.0] * k
        objective[ia], objective[ib] = -math.cos(phi), -math.sin(phi)
        res = _lp(rc, objective)
        if res is None or res.status != 0:
            return []
        pt = (float(res.x[ia]), float(res.x[ib]))
        if not points or max(abs(pt[0] - points[-1][0]), abs(pt[1] - points[-1][1])) > 1e-9:
            points.append(pt)
    if len(points) > 1 and max(abs(points[0][0] - points[-1][0]), abs(points[0][1] - points[-1][1])) <= 1e-9:
        points.pop()
    return points


# ------------------------------------------------------------------ what follows
@dataclass(frozen=True)
class OutlookRow:
    """A pure outcome of a scenario's game: equilibrium for all, some or no consistent θ."""

    outcome: tuple[str, str]
    status: str  # "every", "some", "none"

    def to_dict(self) -> dict:
        return {"outcome": list(self.outcome), "equilibrium_for": self.status}


def outlook(rc: RecordConditions, scenario: Scenario, form: str = "simultaneous", levels: int = 2) -> list[OutlookRow]:
    """For each pure outcome of the scenario's game: is it an equilibrium for every, some or
    no parameter value in the identified set (the scenario's changes applied as shifts)?"""
    n = levels if form == "graded" else 2
    labels = strategy_labels(form, n)
    params = exact_values(scenario.parameters)
    pay = level_payoff([Fraction(k, n - 1) for k in range(n)])
    scen_off = offsets(params, rc.free)
    rows = []
    base = RecordConditions(
        rc.episodes + (scenario.name,), rc.free, rc.conditions, rc.offsets + (scen_off,), rc.judgement
    )
    for i in range(n):
        for j in range(n):
            conds = affine_conditions(scenario.name, params, rc.free, pay, (i, j), labels)
            trial = RecordConditions(base.episodes, rc.free, rc.conditions + tuple(conds), base.offsets, rc.judgement)
            if not is_consistent(trial):
                status = "none"
            elif all(_minimum(base, c) >= -1e-9 for c in conds):
                status = "every"
            else:
                status = "some"
            rows.append(OutlookRow((labels[0][i], labels[1][j]), status))
    return rows


def _minimum(rc: RecordConditions, cond: Condition) -> float:
    """The smallest value of a condition over the set."""
    if len(rc.free) == 1:
        interval = exact_interval(rc)
        lo, hi = interval
        a = cond.coefficients[0]
        return float(cond.constant + a * (lo if a >= 0 else hi))
    res = _lp(rc, [float(a) for a in cond.coefficients])
    if res is None or res.status != 0:
        raise SolverError(f"infer: the outlook program failed ({getattr(res, 'message', 'empty set')})")
    return float(res.fun) + float(cond.constant)
