"""Thresholds: every one is checked by solving again just inside and just outside it."""

from __future__ import annotations

import numpy as np
import pytest

from games import trade
from games.trade.parameters import PARAMETERS
from games.model.scenarios import load
from games.solvers.solver import solve
from games.explanations.thresholds import equilibrium_thresholds, start_thresholds, support_equilibrium

CASES = [(s, f) for s in ("baseline", "controls-2023", "escalation-2025", "stockholm-2025") for f in ("simultaneous", "graded")]


def _game(params, form):
    return trade.simultaneous_game(params) if form == "simultaneous" else trade.graded_game(params, 5)


def _solved(params, form):
    return solve(_game(params, form))


def _pure_set(solution):
    return {tuple(int(np.argmax(p)) for p in e.profile) for e in solution.equilibria if e.is_pure}


def _has_support(solution, supports):
    return any(
        not e.is_pure and (e.support(0), e.support(1)) == supports for e in solution.equilibria
    )


def _at(params, name, value):
    p = dict(params)
    p[name] = value
    return p


@pytest.mark.parametrize("scenario,form", CASES)
def test_every_threshold_flips_the_equilibrium_when_crossed(scenario, form):
    params = dict(load(scenario).parameters)
    sol = _solved(params, form)
    reports = equilibrium_thresholds(params, form, 5, sol)
    assert len(reports) == len(sol.equilibria)
    checked = 0
    for rep in reports:
        eq = sol.equilibria[rep.equilibrium]
        if eq.is_pure:
            prof = tuple(int(np.argmax(p)) for p in eq.profile)
            holds = lambda s: prof in _pure_set(s)
        else:
            sup = (eq.support(0), eq.support(1))
            holds = lambda s: _has_support(s, sup)
        for t in rep.thresholds:
            lo, hi = PARAMETERS[t.parameter].low, PARAMETERS[t.parameter].high
            eps = 1e-6 * (hi - lo)
            assert t.low <= t.current <= t.high
            for edge, breach, outward in ((t.low, t.below, -1), (t.high, t.above, +1)):
                if breach is None:
                    assert edge in (lo, hi)
                    continue
                inside = _solved(_at(params, t.parameter, edge - outward * eps), form)
                outside_params = _at(params, t.parameter, edge + outward * eps)
                outside = _solved(outside_params, form)
                assert holds(inside), (t.sentence, "inside")
                assert not holds(outside), (t.sentence, "outside")
                checked += 1
                if eq.is_pure and breach.switch_to:
                    # the named deviation is what pays just outside
                    g = _game(outside_params, form)
                    i = g.players.index(breach.player)
                    dev = list(prof)
                    dev[i] = g.strategies[i].index(breach.switch_to)
                    assert g.payoffs[i][tuple(dev)] > g.payoffs[i][prof]
    if any(rep.thresholds for rep in reports):
        assert checked > 0


@pytest.mark.parametrize("scenario,form", CASES)
def test_whole_range_claims_hold_at_both_ends(scenario, form):
    params = dict(load(scenario).parameters)
    sol = _solved(params, form)
    for rep in equilibrium_thresholds(params, form, 5, sol):
        eq = sol.equilibria[rep.equilibrium]
        if not eq.is_pure:
            continue
        prof = tuple(int(np.argmax(p)) for p in eq.profile)
        for name in rep.whole_range:
            for v in (PARAMETERS[name].low, PARAMETERS[name].high):
                assert prof in _pure_set(_solved(_at(params, name, v), form)), (name, v)


def test_known_thresholds_from_the_model_formulas():
    # docs/model.md: US gain from Relax when China supplies
    #   = (chip_sales − security_risk) − hawk_cost + re_linkage·re_dependence + deal_value_us
    # stockholm: (4 − 3) − h + 0.6·6 + 2 ≥ 0  ⇔  h ≤ 6.6
    # China gain from Supply when the US relaxes
    #   = chip_linkage·(chip_value − self_reliance) + re_revenue − leverage + diversification + deal_value_cn
    # stockholm: 0.6·(5 − s) + 2 − 4.5 + 1 + 1.5 ≥ 0  ⇔  s ≤ 5
    params = dict(load("stockholm-2025").parameters)
    sol = _solved(params, "simultaneous")
    reports = equilibrium_thresholds(params, "simultaneous", 5, sol)
    deal = next(r for r in reports if r.label.startswith("the deal"))
    by = {t.parameter: t for t in deal.thresholds}
    assert by["hawk_cost"].high == pytest.approx(6.6)
    assert by["hawk_cost"].above.player == "US" and by["hawk_cost"].above.switch_to == "Restrict"
    assert by["self_reliance"].high == pytest.approx(5.0)
    assert by["self_reliance"].above.player == "China"
    assert "re_dependence" in deal.whole_range  # 1.5 + 0.6·d ≥ 0 for every d ≥ 0
    assert "stays below 6.6 (now 1.5)" in by["hawk_cost"].sentence


def test_start_windows_make_the_profile_an_equilibrium():
    params = dict(load("escalation-2025").parameters)
    sol = _solved(params, "simultaneous")
    starts = start_thresholds(params, "simultaneous", 5, sol)
    assert {s.indices for s in starts} == {(0, 1), (1, 0), (1, 1)}
    checked = 0
    for s in starts:
        for w in s.windows:
            mid = (w.low + w.high) / 2
            assert s.indices in _pure_set(_solved(_at(params, w.parameter, mid), "simultaneous"))
            lo, hi = PARAMETERS[w.parameter].low, PARAMETERS[w.parameter].high
            eps = 1e-6 * (hi - lo)
            for edge in (w.low, w.high):
                if lo < edge < hi:
                    out = edge - eps if edge == w.low else edge + eps
                    assert s.indices not in _pure_set(_solved(_at(params, w.parameter, out), "simultaneous"))
                    checked += 1
    assert checked > 0
    deal = next(s for s in starts if s.indices == (1, 1))
    assert deal.windows == ()  # no single parameter makes the deal an equilibrium in escalation
    us = {w.parameter: w for w in deal.player_fixes["US"]}
    # US gain = (4 − 4) − 3 + r·6 + 0.5 ≥ 0  ⇔  r ≥ 2.5/6
    assert us["re_linkage"].low == pytest.approx(2.5 / 6)


def test_support_equilibrium_matches_closed_form():
    A = np.array([[2.0, 0.0], [0.0, 1.0]])
    B = np.array([[1.0, 0.0], [0.0, 2.0]])
    x, y = support_equilibrium((A, B), ((0, 1), (0, 1)), 1e-9)
    assert x == pytest.approx([2 / 3, 1 / 3]) and y == pytest.approx([1 / 3, 2 / 3])
    pd = np.array([[3.0, 0.0], [5.0, 1.0]])
    assert support_equilibrium((pd, pd.T), ((0, 1), (0, 1)), 1e-9) is None  # dominant strategies: no full mix


def test_threshold_numbers_are_exact_when_short():
    from games.explanations.thresholds import n

    # escalation-2025: (Relax, Restrict) starts at chip_sales = 5.7 / 0.8 = 7.125 exactly;
    # "above 7.12" would send a user to 7.121, where it is not yet an equilibrium
    assert n(5.7 / 0.8) == "7.125" and n(0.875) == "0.875" and n(5.499999999999999) == "5.5"
    assert n(2.5 / 6) == "0.417" and n(0.0) == "0"
    # not exact in six digits, and three would read as a whole number or an exponent
    assert n(26.985041) == "26.99" and n(-26.985041) == "-26.99" and n(1234.56789) == "1234.57"
    assert n(12.3456789) == "12.3" and n(0.123456789) == "0.123"
    params = dict(load("escalation-2025").parameters)
    starts = start_thresholds(params, "simultaneous", 5, _solved(params, "simultaneous"))
    relax_restrict = next(s for s in starts if s.indices == (1, 0))
    assert "chip_sales) were above 7.125 (now 4)" in relax_restrict.sentences[0]
