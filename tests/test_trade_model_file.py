"""The trade model as a model file (examples/models/trade.toml) against its Python formulas.

`games.trade` reads its payoffs from the file. `reference_terms` below is the trade
model's payoff code as it was written in Python before (games/trade/__init__.py up to the switch);
the file must give the same games in every built-in scenario and every form: simultaneous,
graded at several grid sizes, exact fractions, trees, sweeps, thresholds, payoff terms,
the Bayesian game — bit for bit where floating point is compared.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from games import trade
from games.solvers import exact
from games.trade import trees as trade_trees
from games.model import evaluate as ev
from games.model.catalog import builtin_model
from games.model.scenarios import builtin, builtin_names

MODEL = builtin_model("trade")
SCENARIOS = builtin_names()


def reference_flows(x, y, p):
    chips = x * (1 - p["chip_linkage"] * (1 - y))
    rare_earths = y * (1 - p["re_linkage"] * (1 - x))
    return chips, rare_earths


def reference_terms(x, y, p):
    """The Python trade model's payoff terms, as hand-written before they moved to the file."""
    chips, rare = reference_flows(x, y, p)
    both_open = x * y
    both_closed = (1 - x) * (1 - y)
    return {
        "US": {
            "chip sales": chips * p["chip_sales"],
            "security risk": -x * chips * p["security_risk"],
            "hawkish domestic cost": -x * p["hawk_cost"],
            "rare-earth shortfall": -(1 - rare) * p["re_dependence"],
            "deal value": both_open * p["deal_value_us"],
            "escalation cost": -both_closed * p["escalation_cost_us"],
        },
        "China": {
            "chip access net of self-reliance": chips * (p["chip_value"] - p["self_reliance"]),
            "rare-earth revenue": rare * p["re_revenue"],
            "leverage": (1 - y) * p["leverage"],
            "diversification": -((1 - y) ** 2) * p["diversification"],
            "deal value": both_open * p["deal_value_cn"],
            "escalation cost": -both_closed * p["escalation_cost_cn"],
        },
    }


def reference_payoffs(x, y, p):
    terms = reference_terms(x, y, p)
    return np.asarray(sum(terms["US"].values()), dtype=float), np.asarray(sum(terms["China"].values()), dtype=float)


def reference_game(p, n=None):
    """(U, V) of the simultaneous game (n None) or the graded game with n levels."""
    grid = np.array([0.0, 1.0]) if n is None else np.linspace(0.0, 1.0, n)
    return reference_payoffs(grid[:, None], grid[None, :], p)


@pytest.mark.parametrize("name", SCENARIOS)
def test_python_model_reads_the_file_bit_for_bit(name):
    """games.trade (now evaluating the file) against the hand-written reference."""
    p = builtin(name).parameters
    pairs = [(trade.simultaneous_game(p).payoffs, reference_game(p))]
    for n in (2, 3, 5, 7, 11, 101):
        pairs.append((trade.graded_game(p, n).payoffs, reference_game(p, n)))
    for ours, ref in pairs:
        for u, v in zip(ours, ref):
            assert np.array_equal(u, v) and np.array_equal(np.signbit(u), np.signbit(v))
    for x in (0.0, 0.25, 1.0):
        for y in (0.0, 0.5, 1.0):
            ours, ref = trade.payoff_terms(x, y, p), reference_terms(x, y, p)
            assert {k: {t: float(v) for t, v in d.items()} for k, d in ours.items()} == ref
            assert tuple(float(v) for v in trade.flows(x, y, p)) == reference_flows(x, y, p)


@pytest.mark.parametrize("name", SCENARIOS)
def test_exact_payoffs_match_the_reference_in_fractions(name):
    p = exact.exact_parameters(dict(builtin(name).parameters))
    grid = [Fraction(0), Fraction(1, 4), Fraction(1)]
    for x in grid:
        for y in grid:
            ours, ref = trade.payoff_terms(x, y, p), reference_terms(x, y, p)
            assert ours == ref and all(isinstance(v, Fraction) for d in ours.values() for v in d.values())


@pytest.mark.parametrize("name", SCENARIOS)
def test_same_games_bit_for_bit(name):
    p = builtin(name).parameters
    pairs = [(trade.simultaneous_game(p), ev.build_game(MODEL, p))]
    for n in (2, 3, 5, 7, 11, 101):
        pairs.append((trade.graded_game(p, n), ev.build_game(MODEL, p, "graded", n)))
    for a, b in pairs:
        assert a.shape == b.shape
        for u, v in zip(a.payoffs, b.payoffs):
            assert np.array_equal(u, v)


@pytest.mark.parametrize("name", SCENARIOS)
def test_same_exact_payoffs(name):
    p = dict(builtin(name).parameters)
    for a, b in zip(exact.exact_simultaneous_game(p)[1], ev.exact_payoffs(MODEL, p)):
        assert (a == b).all()
    for a, b in zip(exact.exact_graded_payoffs(p, 5), ev.exact_payoffs(MODEL, p, "graded", 5)):
        assert (a == b).all()


@pytest.mark.parametrize("name", SCENARIOS)
def test_same_named_terms(name):
    p = builtin(name).parameters
    for x in (0, 1):
        for y in (0, 1):
            ours = ev.terms_at(MODEL, p, (x, y))
            theirs = trade.payoff_terms(float(x), float(y), p)
            assert ours[0] == pytest.approx({k: float(v) for k, v in theirs["US"].items()}, abs=0)
            assert ours[1] == pytest.approx({k: float(v) for k, v in theirs["China"].items()}, abs=0)


@pytest.mark.parametrize("name", SCENARIOS)
def test_same_trees(name):
    p = builtin(name).parameters
    for order, python in ((("US", "China"), trade_trees.us_first), (("China", "US"), trade_trees.china_first)):
        ours = ev.sequential_tree(MODEL, p, order)
        theirs = python(p)

        def leaves(node):
            if hasattr(node, "children"):
                return [leaf for c in node.children for leaf in leaves(c)]
            return [node.payoffs]

        assert leaves(ours.root) == leaves(theirs.root)


@pytest.mark.parametrize("form", ["simultaneous", "graded"])
def test_same_sweep_games(form):
    from games.sweeps import sweep as sw

    base = builtin("stockholm-2025").parameters
    vary = ["re_dependence=0:12:13", "hawk_cost=0:6:7"]
    python = sw.make_spec(base, form, 4, vary)
    model = sw.make_spec(base, form, 4, vary, model=MODEL)
    values = python.values(0, python.n_points)
    for a, b in zip(sw.bimatrices(python, values), sw.bimatrices(model, values)):
        assert np.array_equal(np.asarray(a), np.asarray(b))
    if form == "simultaneous":  # the trade model's regime bits, translated to one bit per profile
        translate = {sw.CONFLICT: 1, sw.CN_ALONE: 2, sw.US_ALONE: 4, sw.DEAL: 8, sw.MIXED: 16}
        ours = [sum(v for b, v in translate.items() if c & b) for c in sw.run(python).codes]
        assert ours == [int(c) for c in sw.run(model).codes]


@pytest.mark.parametrize("name", SCENARIOS)
def test_same_thresholds(name):
    from games.explanations import thresholds as th
    from games.solvers.solver import solve

    p = builtin(name).parameters
    sol_py = solve(trade.simultaneous_game(p))
    sol_file = solve(ev.build_game(MODEL, p))
    a = th.equilibrium_thresholds(p, "simultaneous", 5, sol_py)
    b = th.equilibrium_thresholds(p, "simultaneous", 5, sol_file, model=MODEL)
    assert [t.sentences for t in a] == [t.sentences for t in b]
    # the file model's roots are computed in fractions (7.125 where the Python model's
    # floating-point root is 7.124999999999999), so the values agree to rounding
    key = lambda ts: [[(x.parameter, x.exact, x.whole_range) for x in t.thresholds] for t in ts]
    assert key(a) == key(b)
    for ta, tb in zip(a, b):
        for x, y in zip(ta.thresholds, tb.thresholds):
            assert (x.low, x.high) == pytest.approx((y.low, y.high), rel=1e-12, abs=1e-12)


def test_file_model_thresholds_are_exact_roots():
    """escalation-2025, mutual restriction: the US's gain from Relax when China restricts is
    (1 − chip_linkage)(chip_sales − security_risk) − hawk_cost + escalation_cost_us with
    chip_linkage = 0.2, security_risk = 4, hawk_cost = 3, escalation_cost_us = 0.5, i.e.
    0.8·chip_sales − 5.7, zero at chip_sales = 7.125 exactly."""
    from games.explanations import thresholds as th
    from games.solvers.solver import solve

    p = builtin("escalation-2025").parameters
    assert (p["chip_linkage"], p["security_risk"], p["hawk_cost"], p["escalation_cost_us"]) == (0.2, 4, 3, 0.5)
    found = th.equilibrium_thresholds(p, "simultaneous", 5, solve(ev.build_game(MODEL, p)), model=MODEL)
    chip = [x for t in found for x in t.thresholds if x.parameter == "chip_sales"][0]
    assert chip.high == 7.125


def test_every_payoff_affine_in_every_parameter():
    """The Python model's docstring claims it; the file's formulas show it."""
    from games.model.symbolic import affine_in

    assert all(affine_in(MODEL, name) for name in MODEL.parameters)


def test_parameter_table_is_read_from_the_file():
    """games.trade.parameters holds no data of its own: its table is the file's, with the file's
    declared side labels, and whole-number bounds given as integers (as `tradegame
    parameters --format json` has always printed them: "low": 0, "high": 20)."""
    from games.trade.parameters import PARAMETERS

    # the Python table's parameters first, then the instruments' (tariffs), which enter only
    # the package form's terms
    assert list(MODEL.parameters)[: len(PARAMETERS)] == list(PARAMETERS)
    from games.model import formula as fm

    base = {n.id for terms in MODEL.payoffs for _, e in terms for n in fm.names(e)}
    base |= {n.id for _, e in MODEL.defines for n in fm.names(e)}
    extra = list(MODEL.parameters)[len(PARAMETERS):]
    assert extra and not base & set(extra)
    for name, p in PARAMETERS.items():
        q = MODEL.parameters[name]
        assert (q.default, q.low, q.high, q.unit, q.meaning, q.rationale, q.source, q.derivation) == (
            p.default, p.low, p.high, p.unit, p.meaning, p.rationale, p.source, p.derivation
        )
        assert p.side == MODEL.sides[name]
    # three defaults, as the rationales in the file justify them
    assert (PARAMETERS["chip_sales"].default, PARAMETERS["re_dependence"].default, PARAMETERS["leverage"].default) == (4, 6, 3.5)
    assert [PARAMETERS[n].side for n in ("chip_sales", "chip_value", "tool_leak", "ally_tool_sales", "discount_cn")] == [
        "US", "CN", "both", "ally", "CN"
    ]
    assert type(PARAMETERS["chip_sales"].high) is int and PARAMETERS["discount"].high == 0.999
    # the side a parameter's payoff terms give is computed, not the declared label
    assert MODEL.parameters["chip_value"].side == "China" and MODEL.parameters["ally_tool_sales"].side == "none"


@pytest.mark.parametrize("name", SCENARIOS)
def test_bayesian_game_types_as_the_file_declares(name):
    """China pragmatist (the scenario's values) or self-reliant (self_reliance set to
    self_reliance_hardliner), with prior prior_pragmatist: each type's matrices are the
    hand-written reference game at that type's parameters."""
    from games.forms.bayesian import trade_bayesian_game

    p = dict(builtin(name).parameters)
    g = trade_bayesian_game(p)
    assert (g.players, g.row_moves, g.column_moves, g.types) == (
        ("US", "China"), ("Restrict", "Relax"), ("Restrict", "Supply"), ("pragmatist", "self-reliant")
    )
    assert g.prior == (p["prior_pragmatist"], 1.0 - p["prior_pragmatist"])
    hard = {**p, "self_reliance": p["self_reliance_hardliner"]}
    for k, q in enumerate((p, hard)):
        U, V = reference_game(q)
        assert np.array_equal(g.row_payoffs[k], U) and np.array_equal(g.column_payoffs[k], V)
    assert trade_bayesian_game(p, prior=0.25).prior == (0.25, 0.75)
