"""The sweep's per-block kernel: the compiled level plan builds the same games bit for bit,
and the fused candidates + verification decide as `candidates` and `verify_candidates` do
(which test_sweep_closed_form checks against exact regrets and the single-game solver)."""

from __future__ import annotations

import numpy as np
import pytest

from games.model import level_game
from games.model.catalog import default_model
from games.model.evaluate import level_plan
from games.model.scenarios import load
from games.sweeps import batch_2x2, sweep


def _same_bits(a, b) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.array_equal(a.view(np.int64), b.view(np.int64))


def _reference(A, B):
    c = batch_2x2.candidates(A, B)
    return c, batch_2x2.verify_candidates(A, B, c)


def _check_same(A, B):
    c, ok = batch_2x2.candidates_verified(A, B)
    want, want_ok = _reference(np.ascontiguousarray(A), np.ascontiguousarray(B))
    assert np.array_equal(c.mask, want.mask)
    assert _same_bits(c.p, want.p) and _same_bits(c.q, want.q)
    assert ok.tolist() == want_ok.tolist()
    small, small_ok = batch_2x2.candidates_verified(A, B, keep_p=False)
    assert np.array_equal(small.mask, want.mask) and small_ok.tolist() == want_ok.tolist()
    assert _same_bits(small.p[:, 0], want.p[:, 2]) and _same_bits(small.q[:, 0], want.q[:, 2])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fused_kernel_equals_candidates_and_verification(seed):
    """Integer games (ties, continua, every degenerate case) and float games."""
    rng = np.random.default_rng(seed)
    A = rng.integers(-2, 3, (2000, 2, 2)).astype(float)
    B = rng.integers(-2, 3, (2000, 2, 2)).astype(float)
    _check_same(A, B)
    _check_same(rng.normal(size=(2000, 2, 2)), rng.normal(size=(2000, 2, 2)))
    # one player's payoffs the same in every game (a stride-0 view, as a sweep builds it)
    for k in range(5):
        fixed = np.broadcast_to(B[k], (2000, 2, 2))
        _check_same(A, fixed)
        _check_same(np.broadcast_to(A[k], (2000, 2, 2)), B)
        _check_same(np.broadcast_to(A[k], (2000, 2, 2)), fixed)


def test_fused_kernel_with_a_nan_incentive_falls_back():
    A = np.array([[[1.0, 0.0], [np.nan, 2.0]], [[3.0, 1.0], [0.0, 2.0]]])
    B = np.array([[[0.0, 1.0], [1.0, 0.0]], [[2.0, 1.0], [0.0, 1.0]]])
    _check_same(A, B)


def test_fused_kernel_verifies(monkeypatch):
    """With a tolerance below zero reported equilibria fail: the fused kernel must refuse
    the games verify_candidates refuses (its checks are skipped by neither)."""
    import games.solvers.equilibrium as eq
    from games.sweeps import batch_verify

    rng = np.random.default_rng(7)
    A = rng.integers(-2, 3, (500, 2, 2)).astype(float)
    B = rng.integers(-2, 3, (500, 2, 2)).astype(float)
    monkeypatch.setattr(eq, "TOLERANCE", -1.0)
    monkeypatch.setattr(batch_verify, "TOLERANCE", -1.0)
    c, ok = batch_2x2.candidates_verified(A, B)
    _, want_ok = _reference(A, B)
    assert ok.tolist() == want_ok.tolist() and (~ok).sum() > 100


@pytest.mark.parametrize("varied", [("re_dependence", "hawk_cost"), ("leverage", "chip_linkage"), ("re_linkage",), ("discount",)])
def test_level_plan_is_bit_for_bit_the_level_path(varied):
    """The compiled plan (in fresh buffers, and in a larger reused workspace) gives the
    level path's payoffs exactly, for US, China, mixed and payoff-free parameters."""
    model = default_model()
    base = dict(load("stockholm-2025").parameters)
    rng = np.random.default_rng(3)
    values = {name: rng.uniform(0.0, 1.0, 37) * (1 if "linkage" in name or name == "discount" else 15) for name in varied}
    x = np.array([[0.0], [0.0], [1.0], [1.0]])
    y = np.array([[0.0], [1.0], [0.0], [1.0]])
    want = level_game.level_payoffs(model, (x, y), {**base, **values})
    plan = level_plan(model, {k: v for k, v in base.items() if k not in varied}, varied, {"x": x, "y": y})
    assert plan is not None
    for buffers in (None, plan.buffers(100)):
        got = plan.run(values, 37, buffers)
        for g, w in zip(got, want):
            assert _same_bits(np.broadcast_to(g, (4, 37)), np.broadcast_to(w, (4, 37)))


def test_block_codes_equal_the_unfused_path():
    """A sweep's regime codes, block by block, equal those of candidates + codes_2x2 on the
    games built by the level path (a grid crossing every regime of the baseline)."""
    spec = sweep.make_spec(dict(load("baseline").parameters), vary=["re_dependence=0:20:301", "hawk_cost=0:20:301"])
    result = sweep.run(spec, block_size=10_000)
    x = np.array([[0.0], [0.0], [1.0], [1.0]])
    y = np.array([[0.0], [1.0], [0.0], [1.0]])
    values = spec.values(0, spec.n_points)
    U, V = (np.broadcast_to(W, (4, spec.n_points)) for W in
            level_game.level_payoffs(default_model(), (x, y), {**spec.base, **values}))
    A, B = (np.ascontiguousarray(W.reshape(2, 2, -1).transpose(2, 0, 1)) for W in (U, V))
    c = batch_2x2.candidates(A, B)
    assert np.array_equal(result.codes, sweep.codes_2x2(c.mask))
    assert len({int(v) for v in result.codes}) >= 3


@pytest.mark.parametrize("model_name, vary", [
    ("trade", ["re_dependence=0:20:7", "leverage=0:10:5"]),
    ("brinkmanship", ["war=0:12:9", "stake=0:8:4"]),
])
def test_model_file_sweeps_build_the_single_games_bit_for_bit(model_name, vary):
    """A model file's 2×2 sweep (the compiled plan) gives each point's game exactly as
    `build_game` builds that one game from the file (term by term, 0 + t1 + t2 + ...)."""
    from games.model.catalog import builtin_model
    from games.model.evaluate import build_game

    model = builtin_model(model_name)
    base = {name: p.default for name, p in model.parameters.items()}
    spec = sweep.make_spec(base, vary=vary, model=model)
    values = spec.values(0, spec.n_points)
    assert sweep._planned_model_bimatrices(spec, values, spec.n_points) is not None  # the plan applies
    A, B = sweep.bimatrices(spec, values)
    for k in range(spec.n_points):
        point = {**base, **{name: float(v[k]) for name, v in values.items()}}
        game = build_game(model, point)
        assert _same_bits(A[k], game.payoffs[0]) and _same_bits(B[k], game.payoffs[1]), point


def test_a_model_file_sweep_with_a_non_finite_payoff_still_names_the_term(tmp_path):
    """Where the plan's payoffs are not finite, the term-by-term path reports which term."""
    from games.errors import InputError
    from games.model.spec import parse_model

    text = """
title = "Division"
[players.A]
strategies = ["Low", "High"]
level = "x"
levels = [0, 1]
[players.B]
strategies = ["Low", "High"]
level = "y"
levels = [0, 1]
[parameters.d]
default = 1
range = [-1, 1]
[payoffs.A]
"share" = "x / d"
[payoffs.B]
"share" = "y"
"""
    model = parse_model(text, "division.toml", "division")
    spec = sweep.make_spec({"d": 1.0}, vary=["d=-1:1:3"], model=model)
    with pytest.raises(InputError, match="share"):
        sweep.bimatrices(spec, spec.values(0, spec.n_points))
