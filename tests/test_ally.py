"""The trade game with a tool-making ally: payoffs by hand, equilibria, pivotality, Gambit oracle."""

from __future__ import annotations

import numpy as np
import pytest

from games.trade.ally import ally_game, pivotality, solve_ally_game, sub_game
from games.trade.ally_explain import explain
from games.solvers.best_response import pure_equilibria
from games.solvers.equilibrium import verify
from games.trade.parameters import defaults
from games.model.scenarios import load


def test_aligned_ally_leaves_the_two_player_game():
    g = ally_game(defaults())
    # the baseline 2×2 payoffs, hand-computed from the trade model's formulas
    assert np.allclose(g.payoffs[0][:, :, 0], [[-7.0, -3.0], [-7.5, 0.0]])
    assert np.allclose(g.payoffs[1][:, :, 0], [[1.5, 1.0], [4.0, 6.0]])


def test_hand_computed_payoffs_when_ally_sells_into_mutual_restriction():
    g = ally_game(defaults())
    # US restricts, China restricts: chips = 0, so the leak is tool_leak = 0.6 of full access
    assert g.payoffs[0][0, 0, 1] == pytest.approx(-7.0 - 0.6 * 3.0)  # security_risk 3
    assert g.payoffs[1][0, 0, 1] == pytest.approx(1.5 + 0.6 * 5.0)  # chip_value 5
    assert g.payoffs[2][0, 0, 1] == pytest.approx(3.0)  # tool sales
    assert g.payoffs[2][0, 0, 0] == pytest.approx(3.5 - 1.0)  # alignment value minus retaliation
    # US relaxes, China supplies: chips = 1, the aligned ally sells everything too
    assert g.payoffs[2][1, 1, 0] == pytest.approx(3.0 + 3.5)


def test_baseline_unique_equilibrium_is_the_deal_with_an_aligned_ally():
    # Mutual restriction unravels: the ally would sell (3 > 2.5), and with the ally selling
    # the US loses 0.4 by restricting against a restricting China. What remains is
    # (Relax, Supply, Align); no mixed equilibrium (an odd count, as for generic games).
    s = solve_ally_game(ally_game(defaults()))
    assert s.complete
    assert [e.profile for e in s.equilibria] == [((0.0, 1.0), (0.0, 1.0), (1.0, 0.0))]


def test_pure_equilibria_agree_with_best_responses():
    g = ally_game(load("escalation-2025").parameters)
    assert pure_equilibria(g) == [(0, 0, 1)]  # (Restrict, Restrict, Sell)


def test_pivotality():
    piv = pivotality(ally_game(defaults()))
    assert piv.pivotal
    assert set(piv.pure_if_align) == {("Restrict", "Restrict"), ("Relax", "Supply")}
    assert set(piv.pure_if_sell) == {("Relax", "Supply")}
    assert piv.us_gain_from_restricting["Align"]["Restrict"] == pytest.approx(0.5)
    # selling adds a leak of 0.6·3 when the US restricts, 0.6·0.5·3 when it relaxes (chips 0.5)
    assert piv.us_gain_from_restricting["Sell"]["Restrict"] == pytest.approx(0.5 - 0.6 * 3 + 0.6 * 0.5 * 3)


def test_no_leak_makes_the_ally_irrelevant():
    p = dict(defaults(), tool_leak=0.0)
    g = ally_game(p)
    assert not pivotality(g).pivotal
    assert np.allclose(sub_game(g, 0).payoffs[0], sub_game(g, 1).payoffs[0])


def test_every_equilibrium_verified_in_every_scenario():
    for name in ("baseline", "controls-2023", "escalation-2025", "stockholm-2025"):
        g = ally_game(load(name).parameters)
        s = solve_ally_game(g)
        assert s.equilibria and len(s.equilibria) % 2 == 1
        for e in s.equilibria:
            assert verify(g, e.profile) is not None


def test_stockholm_has_mixed_equilibria_found_by_gambit():
    gbt = pytest.importorskip("pygambit")
    g = ally_game(load("stockholm-2025").parameters)
    mine = solve_ally_game(g).equilibria
    ref = gbt.nash.enumpoly_solve(gbt.Game.from_arrays(*g.payoffs), use_strategic=True).equilibria
    theirs = [[[float(e[s]) for s in p.strategies] for p in e.game.players] for e in ref]
    assert theirs
    for prof in theirs:
        assert any(all(np.allclose(a, b, atol=1e-6) for a, b in zip(prof, e.profile)) for e in mine)
    assert sum(not e.is_pure for e in mine) == 2


def test_explanation():
    p = defaults()
    g = ally_game(p)
    e = explain(g, solve_ally_game(g).equilibria, p)
    assert e.pivotal and "Farrell & Newman" in e.pivot
    assert e.equilibria[0]["Ally"].startswith("The ally plays Align: 6.5 against 3 for Sell")
    assert "alignment value +3.5" in e.equilibria[0]["Ally"]


def test_mixed_profiles_name_each_player_and_one_pure_equilibrium_is_singular():
    from games.trade.ally_explain import outcome_label

    p = dict(load("stockholm-2025").parameters)
    g = ally_game(p)
    eqs = solve_ally_game(g).equilibria
    mixed = [outcome_label(g, e) for e in eqs if not e.is_pure]
    assert mixed and all(m.startswith("(US: ") and "; China: " in m and "; Ally: " in m for m in mixed)
    e = explain(g, eqs, p)
    assert "the only pure equilibrium of the three-player game is (Relax, Supply, Align)" in e.two_player
