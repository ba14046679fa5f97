"""Hidden-input checks of explanations, thresholds and comparisons against oracles written here.

The oracle for the trade model is its 2×2 game written from the formulas of
examples/models/trade.toml (docs/model.md gives the four gains), evaluated in exact
fractions: an outcome is an equilibrium when neither side's deviation gain is positive, and
a threshold is the exact root of an affine gain. Every number a sentence states is checked
against it, or against a hand computation for the small games written here.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

from games import trade
from games.explanations.comparison import compare
from games.explanations.explanation import explain
from games.forms.normal_form import NormalFormGame
from games.model.scenarios import load
from games.solvers.solver import solve
from tests.test_hostile_cli import _run_main

# ----------------------------------------------------------------- the oracle
RANGES = {
    name: (F(0), F(20))
    for name in (
        "chip_sales", "security_risk", "hawk_cost", "re_dependence", "deal_value_us", "escalation_cost_us",
        "chip_value", "self_reliance", "re_revenue", "leverage", "diversification", "deal_value_cn",
        "escalation_cost_cn",
    )
}
RANGES["chip_linkage"] = RANGES["re_linkage"] = (F(0), F(1))
DEFAULTS = dict(
    chip_sales=F(4), security_risk=F(3), hawk_cost=F(2), re_dependence=F(6), deal_value_us=F(1),
    escalation_cost_us=F(1), chip_linkage=F(1, 2), chip_value=F(5), self_reliance=F(2), re_revenue=F(2),
    leverage=F(7, 2), diversification=F(1), deal_value_cn=F(1), escalation_cost_cn=F(1), re_linkage=F(1, 2),
)


def _payoffs(p):
    """US and China payoffs [x][y] (x: US Relax, y: China Supply), exact."""
    U = [[F(0)] * 2 for _ in range(2)]
    C = [[F(0)] * 2 for _ in range(2)]
    for x, y in itertools.product((0, 1), (0, 1)):
        chips = x * (1 - p["chip_linkage"] * (1 - y))
        rare = y * (1 - p["re_linkage"] * (1 - x))
        U[x][y] = (chips * p["chip_sales"] - x * chips * p["security_risk"] - x * p["hawk_cost"]
                   - (1 - rare) * p["re_dependence"] + x * y * p["deal_value_us"]
                   - (1 - x) * (1 - y) * p["escalation_cost_us"])
        C[x][y] = (chips * (p["chip_value"] - p["self_reliance"]) + rare * p["re_revenue"]
                   + (1 - y) * p["leverage"] - (1 - y) ** 2 * p["diversification"]
                   + x * y * p["deal_value_cn"] - (1 - x) * (1 - y) * p["escalation_cost_cn"])
    return U, C


def _gains(p, prof):
    """Each side's gain from switching alone at a pure profile."""
    U, C = _payoffs(p)
    x, y = prof
    return U[1 - x][y] - U[x][y], C[x][1 - y] - C[x][y]


def _is_equilibrium(p, prof) -> bool:
    return all(g <= 0 for g in _gains(p, prof))


def _interval(p, name, prof, players=(0, 1)):
    """The exact values of `name` (others fixed) where no listed player gains by switching."""
    lo, hi = RANGES[name]
    for pl in players:
        at = lambda v: _gains({**p, name: v}, prof)[pl]
        a, slope = at(F(0)), at(F(1)) - at(F(0))
        assert at(F(7)) == a + 7 * slope  # affine, as docs/explain.md says
        if slope == 0:
            if a > 0:
                return None
            continue
        root = -a / slope
        hi, lo = (min(hi, root), lo) if slope > 0 else (hi, max(lo, root))
    return (lo, hi) if lo <= hi else None


def _moves_game(name) -> bool:
    p0, p1 = {**DEFAULTS, name: F(0)}, {**DEFAULTS, name: F(1)}
    return _payoffs(p0) != _payoffs(p1)


def _close(x: float, exact: F) -> bool:
    return abs(F(x) - exact) <= F(1, 10**9) * max(1, abs(exact))


def _profile(eq):
    return tuple(int(np.argmax(q)) for q in eq.profile)


def _check_pure_thresholds(p):
    """Every pure equilibrium's reported thresholds, whole-range list and breaches, exactly."""
    floats = {k: float(v) for k, v in p.items()}
    sol = solve(trade.simultaneous_game(floats))
    e = explain(sol, params=floats, form="simultaneous")
    pure = sorted(_profile(eq) for eq in sol.equilibria if eq.is_pure)
    assert pure == [q for q in itertools.product((0, 1), (0, 1)) if _is_equilibrium(p, q)]
    for rep in e.thresholds:
        if not rep.pure:
            continue
        prof = _profile(sol.equilibria[rep.equilibrium])
        listed = {t.parameter: t for t in rep.thresholds}
        for name, (lo, hi) in RANGES.items():
            iv = _interval(p, name, prof)
            assert iv is not None
            if iv == (lo, hi):
                assert name in rep.whole_range and name not in listed, (rep.label, name)
                continue
            t = listed[name]
            assert _close(t.low, iv[0]) and _close(t.high, iv[1]), (rep.label, name, t.low, t.high, iv)
            for end, breach, side in ((iv[0], t.below, -1), (iv[1], t.above, 1)):
                if end == (lo if side < 0 else hi):
                    assert breach is None, (rep.label, name)
                    continue
                beyond = {**p, name: end + side * (hi - lo) / 10**6}
                who = 0 if breach.player == "US" else 1
                assert _gains(beyond, prof)[who] > 0, (rep.label, name, side)
    return e


# ----------------------------------------------------------------- thresholds
def test_a_root_at_the_end_of_the_range_is_no_threshold():
    """(Restrict, Supply) with re_linkage = 1/40: the US's gain from relaxing is
    re_dependence/40 − 1/2, zero exactly at re_dependence = 20, the top of its range.

    Rounded in floats the root came out 19.999999999999982, and the explanation said the
    outcome holds while re_dependence "stays below 20" and breaks above it — no valid
    value is above 20: it holds over the whole range."""
    p = {**DEFAULTS, "chip_sales": F(7, 2), "escalation_cost_us": F(17, 4), "chip_value": F(20),
         "escalation_cost_cn": F(11), "re_linkage": F(1, 40)}
    assert _interval(p, "re_dependence", (0, 1)) == (F(0), F(20))
    e = _check_pure_thresholds(p)
    rep = next(r for r in e.thresholds if r.pure and "(Restrict, Supply)" in r.label)
    assert "re_dependence" in rep.whole_range


@pytest.mark.parametrize("changes", [
    {},
    {"re_dependence": F(0), "escalation_cost_us": F(1, 4)},  # the US indifferent at (Relax, Supply)
    {"hawk_cost": F(5)},  # gain exactly 0: a tie at the deal
    {"chip_linkage": F(1), "re_linkage": F(0)},  # both linkages at their bounds
    {"chip_sales": F(20), "security_risk": F(0), "leverage": F(0)},
    {"self_reliance": F(20), "chip_value": F(0), "deal_value_cn": F(20), "escalation_cost_cn": F(0)},
])
def test_pure_thresholds_agree_with_exact_roots(changes):
    _check_pure_thresholds({**DEFAULTS, **changes})
