"""Sweeps: points equal the single-game solver; 2×2 boundaries equal the exact thresholds."""

from __future__ import annotations

import numpy as np
import pytest

from games import sweep, trade
from games.errors import InputError
from games.scenarios import load
from games.solve import solve


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
