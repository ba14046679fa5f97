"""Sweeps: points equal the single-game solver; 2×2 boundaries equal the exact thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from games import trade
from games.sweeps import sweep
from games.errors import InputError
from games.model.scenarios import load
from games.solvers.solver import solve


def _pure_outcomes(params) -> frozenset:
    """Pure equilibria of the 2×2 game as (US move, China move) names, via the single-game solver."""
    g = trade.simultaneous_game(params)
    out = set()
    for eq in solve(g, "closed-form").equilibria:
        if eq.is_pure:
            out.add((g.strategies[0][int(np.argmax(eq.profile[0]))], g.strategies[1][int(np.argmax(eq.profile[1]))]))
    return frozenset(out)


def _independent_thresholds(params, name, lo, hi):
    """Roots of the four incentives (games.trade.incentives is affine in each parameter)."""
    p0, p1 = dict(params), dict(params)
    p0[name], p1[name] = 0.0, 1.0
    i0, i1 = trade.incentives(p0), trade.incentives(p1)
    roots = []
    for key in i0:
        slope = i1[key] - i0[key]
        if slope != 0:
            r = -i0[key] / slope
            if lo < r < hi:
                roots.append(r)
    return sorted(set(roots))


CASES = [  # each has at least one regime change in range (checked below)
    ("stockholm-2025", "hawk_cost", 0, 10),
    ("baseline", "leverage", 0, 10),
    ("baseline", "chip_sales", 0, 20),
    ("baseline", "security_risk", 0, 20),
    ("controls-2023", "re_linkage", 0, 1),
    ("stockholm-2025", "re_revenue", 0, 20),
    ("baseline", "escalation_cost_cn", 0, 20),
]


@pytest.mark.parametrize("scenario,name,lo,hi", CASES)
def test_boundaries_equal_exact_thresholds(scenario, name, lo, hi):
    params = dict(load(scenario).parameters)
    spec = sweep.make_spec(params, vary=[f"{name}={lo}:{hi}:41"])
    result = sweep.run(spec)
    expected = []
    for r in _independent_thresholds(params, name, lo, hi):
        eps = 1e-6 * max(1.0, abs(r))
        below, above = dict(params), dict(params)
        below[name], above[name] = r - eps, r + eps
        if _pure_outcomes(below) != _pure_outcomes(above):
            expected.append(r)
    got = [b.value for b in result.boundaries]
    assert expected, "case chosen to cross a regime boundary"
    assert len(got) == len(expected), (got, expected)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert all(b.exact for b in result.boundaries)


def test_stockholm_hawk_cost_thresholds_by_hand():
    # stockholm-2025: the deal stays an equilibrium while the US's gain from relaxing
    # against Supply is positive; conflict appears once its gain against Restrict turns negative.
    params = dict(load("stockholm-2025").parameters)
    result = sweep.run(sweep.make_spec(params, vary=["hawk_cost=0:10:11"]))
    for b in result.boundaries:
        p = dict(params, hawk_cost=b.value)
        assert min(abs(v) for v in trade.incentives(p).values()) < 1e-12


def test_known_scenarios_regimes():
    for name, label in [("escalation-2025", "conflict only"), ("stockholm-2025", "both")]:
        params = dict(load(name).parameters)
        value = params["hawk_cost"]
        result = sweep.run(sweep.make_spec(params, vary=[f"hawk_cost={value}:{value}:1"]))
        assert [r.label for r in result.regimes] == [label]


def _same_as_single_solver(result, indices, levels=None):
    spec = result.spec
    for i in indices:
        params = dict(spec.base)
        params.update({k: float(v[0]) for k, v in spec.values(int(i), int(i) + 1).items()})
        game = trade.simultaneous_game(params) if spec.form == "simultaneous" else trade.graded_game(params, spec.levels)
        single = solve(game, "closed-form" if spec.form == "simultaneous" else "vertex-enumeration").equilibria
        eq = result.equilibria
        sel = eq.game == i
        got = {(tuple(np.round(x, 7) + 0.0), tuple(np.round(y, 7) + 0.0)) for x, y in zip(eq.x[sel], eq.y[sel])}
        want = {(tuple(np.round(e.profile[0], 7) + 0.0), tuple(np.round(e.profile[1], 7) + 0.0)) for e in single}
        assert got == want, (i, params)
        pay = eq.payoffs[sel]
        assert len(pay) == len(single)


def test_sweep_points_equal_single_solver_2x2_including_degenerate_grid_points():
    params = dict(load("baseline").parameters)
    # integer grid points hit thresholds exactly (degenerate games with ties)
    spec = sweep.make_spec(params, vary=["leverage=0:10:21", "re_dependence=0:20:21"])
    result = sweep.run(spec, keep_equilibria=True)
    _same_as_single_solver(result, range(spec.n_points))
    assert len(result.regimes) > 3  # degenerate regimes appear on the threshold lines


def test_monte_carlo_points_equal_single_solver():
    params = dict(load("stockholm-2025").parameters)
    spec = sweep.make_spec(params, sample=3000, dists=["re_dependence=uniform:2:9", "hawk_cost=normal:3:2"], seed=5)
    result = sweep.run(spec, keep_equilibria=True)
    idx = np.random.default_rng(0).choice(spec.n_points, 300, replace=False)
    _same_as_single_solver(result, sorted(idx))


def test_graded_sweep_equals_single_solver():
    params = dict(load("baseline").parameters)
    spec = sweep.make_spec(params, form="graded", levels=3, vary=["re_dependence=0:10:11"])
    result = sweep.run(spec, keep_equilibria=True)
    _same_as_single_solver(result, range(spec.n_points))


def test_regime_labels():
    assert sweep.regime_label(sweep.DEAL) == "deal only"
    assert sweep.regime_label(sweep.CONFLICT) == "conflict only"
    assert sweep.regime_label(sweep.DEAL | sweep.CONFLICT | sweep.MIXED) == "both"
    assert sweep.regime_label(sweep.MIXED) == "mixed only"
    assert sweep.regime_label(sweep.DEAL | sweep.CN_ALONE) == "deal + China supplies alone"


def test_sampling_is_seeded_and_respects_ranges():
    params = dict(load("baseline").parameters)
    a = sweep.make_spec(params, sample=2000, dists=["re_dependence=normal:1:5"], seed=3)
    b = sweep.make_spec(params, sample=2000, dists=["re_dependence=normal(1,5)"], seed=3)
    np.testing.assert_array_equal(a.samples["re_dependence"], b.samples["re_dependence"])
    v = a.samples["re_dependence"]
    assert v.min() == 0.0 and v.max() <= 20  # clipped to the valid range 0–20
    t = sweep.make_spec(params, sample=2000, dists=["leverage=triangular:2:3:9"], seed=1).samples["leverage"]
    assert 2 <= t.min() and t.max() <= 9


@pytest.mark.parametrize(
    "kwargs,option",
    [
        (dict(vary=["nope=0:1:3"]), "--vary"),
        (dict(vary=["re_dependence=0:30:3"]), "--vary"),
        (dict(vary=["re_dependence=5:1:3"]), "--vary"),
        (dict(vary=["re_dependence=0:1"]), "--vary"),
        (dict(vary=["re_dependence=0:1:x"]), "--vary"),
        (dict(vary=["a=0:1:2", "b=0:1:2", "c=0:1:2"]), "--vary"),
        (dict(sample=10, dists=["re_dependence=beta:1:2"]), "--dist"),
        (dict(sample=10, dists=["re_dependence=uniform:5:1"]), "--dist"),
        (dict(sample=0, dists=["re_dependence=uniform:1:5"]), "--sample"),
        (dict(sample=10), "--dist"),
        (dict(form="sequential", vary=["re_dependence=0:1:3"]), "--game"),
    ],
)
def test_bad_input_names_the_option(kwargs, option):
    with pytest.raises(InputError, match=f"option {option}"):
        sweep.make_spec(dict(load("baseline").parameters), **kwargs)


def test_process_pool_gives_the_same_result():
    from concurrent.futures import ProcessPoolExecutor

    params = dict(load("baseline").parameters)
    spec = sweep.make_spec(params, vary=["leverage=0:10:101", "re_dependence=0:20:101"])
    local = sweep.run(spec, block_size=2000)
    with ProcessPoolExecutor(2) as pool:
        parallel = sweep.run(spec, block_size=2000, mapper=pool.map)
    np.testing.assert_array_equal(local.codes, parallel.codes)


# ---------------------------------------------------------------- boundaries = the explanation's thresholds
def _pure_intervals(params, form, levels, name):
    """games.explanations.thresholds' exact interval of each pure profile that is an equilibrium somewhere."""
    from games.explanations import thresholds as th

    ln = th.line(params, form, levels, name)
    game = th.build(params, form, levels)
    tol = float(solve(game).tolerance)
    out = {}
    for prof in np.ndindex(*game.shape):
        r = th.pure_interval(ln, prof, tol)
        if r is not None:
            out[prof] = (r[0], r[1])
    return out


def _outcome_bits(profiles, k):
    """Regime bits of a set of pure profiles (deal, conflict, one side alone, partial)."""
    top = k - 1
    named = {(top, top): sweep.DEAL, (0, 0): sweep.CONFLICT, (top, 0): sweep.US_ALONE, (0, top): sweep.CN_ALONE}
    bits = 0
    for prof in profiles:
        bits |= named.get(tuple(prof), sweep.PARTIAL)
    return bits


def _expected_boundaries(intervals, lo, hi, k):
    """Interval ends in (lo, hi) where the set of pure outcomes changes, read from the intervals alone."""
    ends = sorted({v for a, b in intervals.values() for v in (a, b) if lo < v < hi})
    out = []
    for r in ends:
        eps = 1e-9 * max(1.0, abs(r))
        side = lambda t: _outcome_bits([p for p, (a, b) in intervals.items() if a <= t <= b], k)
        if side(r - eps) != side(r + eps):
            out.append((r, side(r - eps), side(r + eps)))
    return out


@pytest.mark.parametrize("scenario,name,lo,hi", CASES)
def test_2x2_boundaries_equal_games_thresholds(scenario, name, lo, hi):
    params = dict(load(scenario).parameters)
    result = sweep.run(sweep.make_spec(params, vary=[f"{name}={lo}:{hi}:41"]))
    expected = _expected_boundaries(_pure_intervals(params, "simultaneous", 2, name), lo, hi, 2)
    assert expected and len(result.boundaries) == len(expected)
    for b, (r, below, above) in zip(result.boundaries, expected):
        assert b.value == pytest.approx(r, rel=1e-12, abs=1e-12)
        # the labels follow from the pure outcomes on each side (a nondegenerate 2×2 game has a
        # mixed equilibrium exactly when it has two pure ones or none)
        assert b.below == sweep.regime_label(below | (sweep.MIXED if below in (0, sweep.DEAL | sweep.CONFLICT) else 0))
        assert b.above == sweep.regime_label(above | (sweep.MIXED if above in (0, sweep.DEAL | sweep.CONFLICT) else 0))


@pytest.mark.parametrize(
    "scenario,name,lo,hi,levels",
    [("stockholm-2025", "hawk_cost", 0, 10, 3), ("baseline", "leverage", 0, 10, 4), ("escalation-2025", "deal_value_us", 0, 20, 3)],
)
def test_graded_boundaries_equal_games_thresholds(scenario, name, lo, hi, levels):
    params = dict(load(scenario).parameters)
    result = sweep.run(sweep.make_spec(params, form="graded", levels=levels, vary=[f"{name}={lo}:{hi}:37"]))
    expected = _expected_boundaries(_pure_intervals(params, "graded", levels, name), lo, hi, levels)
    assert expected
    pure_bits = sweep.MIXED - 1
    # every change of pure outcomes is found, to the bisection's width (1e-7 relative)
    got = [(b.value, b.below, b.above) for b in result.boundaries]
    for r, below, above in expected:
        near = [g for g in got if abs(g[0] - r) <= 1e-6 * max(1.0, abs(r))]
        assert near, (r, got)
    # and every boundary the sweep reports sits at one of those thresholds, or only the mixed part changes
    labels = {sweep.regime_label(c): c for c in range(64)}
    for value, below, above in got:
        if labels[below] & pure_bits != labels[above] & pure_bits:
            assert any(abs(value - r) <= 1e-6 * max(1.0, abs(r)) for r, _, _ in expected), value


def test_graded_grid_through_a_degenerate_point_equals_single_solver():
    # baseline, 3 levels: games.explanations.thresholds puts a threshold of re_dependence at exactly 3,
    # where two pure equilibria meet; the grid below has 3 as a point
    params = dict(load("baseline").parameters)
    ends = {v for a, b in _pure_intervals(params, "graded", 3, "re_dependence").values() for v in (a, b)}
    assert any(abs(v - 3.0) < 1e-12 for v in ends)
    spec = sweep.make_spec(params, form="graded", levels=3, vary=["re_dependence=2:4:5"])
    result = sweep.run(spec, keep_equilibria=True)
    _same_as_single_solver(result, range(spec.n_points))
    assert sweep.regime_label(int(result.codes[2])) == "deal + partial opening"  # both at the threshold


def test_two_parameter_boundary_curves_are_the_thresholds_along_each_row():
    params = dict(load("stockholm-2025").parameters)
    spec = sweep.make_spec(params, vary=["re_dependence=0:10:51", "hawk_cost=0:8:41"])
    result = sweep.run(spec)
    assert {c.incentive for c in result.curves} == {"us_vs_restrict", "us_vs_supply"}
    for h in (0.3, 2.0, 4.5, 7.0):  # hold hawk_cost fixed: the thresholds in re_dependence
        fixed = dict(params, hawk_cost=h)
        expected = [r for r, _, _ in _expected_boundaries(_pure_intervals(fixed, "simultaneous", 2, "re_dependence"), 0, 10, 2)]
        on_curves = []
        for c in result.curves:
            c0, c1, c2, c3 = c.coefficients
            if abs(c1 + c3 * h) > 1e-12:
                r = -(c0 + c2 * h) / (c1 + c3 * h)
                if 0 < r < 10:
                    on_curves.append(r)
        np.testing.assert_allclose(sorted(on_curves), expected, rtol=1e-12, atol=1e-12)
    # and the vertical one: hawk_cost = 0.9 whatever re_dependence is
    [vertical] = [c for c in result.curves if c.incentive == "us_vs_restrict"]
    assert vertical.equation == "hawk_cost = 0.9" and vertical.sides == (("both", "deal only"),)


def test_graded_sweep_refuses_games_too_large_to_enumerate():
    params = dict(load("baseline").parameters)
    with pytest.raises(InputError, match="option --levels: .*at most 20 levels"):
        sweep.make_spec(params, form="graded", levels=21, vary=["re_dependence=0:1:3"])
    sweep.make_spec(params, form="graded", levels=20, vary=["re_dependence=0:1:3"])  # the limit itself is allowed


def test_blocks_finishing_out_of_order_keep_every_equilibrium_with_its_point():
    # Dask hands blocks back as they finish; a mapper returning them in reverse order must
    # give the same regimes and the same equilibria at every point as the plain run
    params = dict(load("baseline").parameters)
    spec = sweep.make_spec(params, form="graded", levels=3, vary=["leverage=0:10:31", "hawk_cost=0:5:7"])
    local = sweep.run(spec, keep_equilibria=True, block_size=50)
    shuffled = sweep.run(spec, keep_equilibria=True, block_size=50, mapper=lambda fn, tasks: reversed([fn(t) for t in tasks]))
    np.testing.assert_array_equal(local.codes, shuffled.codes)
    for name in ("game", "x", "y", "payoffs"):
        np.testing.assert_array_equal(getattr(local.equilibria, name), getattr(shuffled.equilibria, name))
    rows = list(sweep.point_rows(shuffled, 0, spec.n_points))
    assert rows == list(sweep.point_rows(local, 0, spec.n_points))


def test_sweep_games_are_bit_for_bit_the_single_games():
    """The sweep builds 2×2 games cell by cell; each must equal `trade.simultaneous_game`'s
    payoffs exactly (regimes on a boundary depend on exact ties), for any varied pair."""
    from games.trade.parameters import lookup

    rng = np.random.default_rng(5)
    base = dict(load("stockholm-2025").parameters)
    names = sorted(base)
    for _ in range(6):
        a, b = rng.choice(names, 2, replace=False)
        dists = []
        for name in (a, b):
            p = lookup(name)
            dists.append(f"{name}=uniform:{p.low}:{min(p.high, p.low + 10)}")
        spec = sweep.make_spec(base, sample=40, dists=dists, seed=int(rng.integers(100)))
        A, B = sweep.bimatrices(spec, spec.values(0, spec.n_points))
        for i in range(0, spec.n_points, 7):
            params = dict(base, **{k: float(v[i]) for k, v in spec.values(0, spec.n_points).items()})
            U, V = trade.simultaneous_game(params).payoffs
            assert np.array_equal(A[i].view(np.int64), np.asarray(U, dtype=float).view(np.int64))
            assert np.array_equal(B[i].view(np.int64), np.asarray(V, dtype=float).view(np.int64))


def test_a_tie_exactly_at_a_grid_point_is_one_boundary_there():
    # brinkmanship, graded with 3 levels (0, 1/2, 1), stake 4: against China at y = 1 the
    # US's payoff is −(1 − x)·stake − x·war, so below war = 4 full escalation (1, 1) is the
    # only equilibrium, above it each side backing down; at war = 4 exactly every US level
    # ties and five profiles are equilibria. The grid 0..8 has that tie on a grid point:
    # one boundary at 4, its regime named as the one exactly at it, not two bisected a
    # hair either side.
    from games.model.catalog import builtin_model

    model = builtin_model("brinkmanship")
    spec = sweep.make_spec(model.defaults(), form="graded", levels=3, vary=["war=0:8:9"], model=model)
    first = sweep.run(spec).boundaries[0]
    assert first.value == 4
    assert first.below == "(x=1, y=1) only" and first.above == "(x=0, y=1) + (x=1, y=0)"
    assert first.at == "(x=0, y=1) + (x=0.5, y=1) + (x=1, y=0) + (x=1, y=0.5) + (x=1, y=1)"


#: A stag hunt where Atlantis's cost of sharing is d² (Lemuria's: d); see the test below.
STAG_HUNT_SQUARED = """
[players.A]
strategies = ["Hoard", "Share"]
[players.L]
strategies = ["Hoard", "Share"]
[parameters.d]
default = 1.5
range = [0, 5]
[payoffs.A]
u = "A.Share * L.Share * 2 - A.Share * d ** 2 - A.Hoard * L.Hoard"
[payoffs.L]
u = "A.Share * L.Share * 2 - L.Share * d - A.Hoard * L.Hoard"
"""


def test_a_regime_between_grid_points_is_found_by_bisection():
    # A stag hunt where Atlantis's cost of sharing is doses² (Lemuria's: doses): Atlantis
    # shares against a sharer while 2 − d² ≥ 0 (d ≤ √2) and hoards against a hoarder while
    # 1 − d² ≤ 0 (d ≥ 1); Lemuria's margins 2 − d and 1 − d. So: the pact alone for d < 1,
    # both for 1 ≤ d ≤ √2, hoarding alone above. On the grid 0, 0.5, …, 5 the middle regime
    # holds at the grid point 1 only (where the mixed equilibrium degenerates) and between
    # 1 and 1.5: the boundaries are 1 and √2, not one just above 1.
    from games.model.spec import parse_model

    model = parse_model(STAG_HUNT_SQUARED, "m.toml", "m")
    spec = sweep.make_spec(model.defaults(), vary=["d=0:5:11"], model=model)
    bounds = sweep.run(spec).boundaries
    assert [b.value for b in bounds] == [pytest.approx(1, abs=1e-6), pytest.approx(2 ** 0.5, abs=1e-6)]
    assert [(b.below, b.above) for b in bounds] == [
        ("(Share, Share) only", "(Hoard, Hoard) + (Share, Share)"),
        ("(Hoard, Hoard) + (Share, Share)", "(Hoard, Hoard) only"),
    ]


def test_a_bisected_boundary_prints_only_the_digits_the_bisection_knows(tmp_path):
    """The stag hunt above through the command line: √2 = 1.41421356…, found by bisection
    to 1e-7 of the value, prints as 1.414214 (it printed 1.414213598, wrong in its eighth
    digit); the JSON keeps the float and says it is not exact."""
    import json

    from tests.test_hostile_cli import _invoke

    path = tmp_path / "stag.toml"
    path.write_text(STAG_HUNT_SQUARED, encoding="utf-8")
    text = _invoke(["sweep", str(path), "--vary", "d=0:5:11"], codes=(0,)).stdout
    assert "  d = 1.414214: (Hoard, Hoard) + (Share, Share) below" in text
    data = json.loads(_invoke(["sweep", str(path), "--vary", "d=0:5:11", "--format", "json"], codes=(0,)).stdout)
    last = data["sweep"]["boundaries"][-1]
    assert last["exact"] is False and abs(last["value"] - 2 ** 0.5) < 1e-6
