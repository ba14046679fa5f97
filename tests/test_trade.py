"""The trade model: hand-computed payoffs, the 2023–2025 story, graded game, parameters."""

from __future__ import annotations

import numpy as np
import pytest

from games.errors import InputError
from games.trade.parameters import PARAMETERS, defaults
from games.model.scenarios import load
from games.solvers.solver import solve
from games.trade import graded_game, payoffs, simultaneous_game
from tests.conftest import profile_set

RESTRICT_RESTRICT = ((1.0, 0.0), (1.0, 0.0))
DEAL = ((0.0, 1.0), (0.0, 1.0))


def test_baseline_payoffs_by_hand():
    g = simultaneous_game(defaults())
    # US at (Restrict, Restrict): no rare earths (−6) and escalation (−1)
    # US at (Relax, Supply): chips 4 − security 3 − hawks 2 + deal 1 = 0
    # US at (Relax, Restrict): chips (1 − 0.5)·(4 − 3) − hawks 2 − rare-earth shortfall 6 = −7.5
    # US at (Restrict, Supply): rare earths y·(1 − 0.5) so shortfall 0.5·6 = −3
    assert g.payoffs[0].tolist() == [[-7.0, -3.0], [-7.5, 0.0]]
    # China at (Restrict, Restrict): leverage 3.5 − diversification 1 − escalation 1 = 1.5
    # China at (Relax, Supply): chips 5 − 2 + revenue 2 + deal 1 = 6
    # China at (Restrict, Supply): revenue 2·0.5 = 1 ; at (Relax, Restrict): 0.5·3 + 2.5 = 4
    assert g.payoffs[1].tolist() == [[1.5, 1.0], [4.0, 6.0]]


def test_escalation_2025_is_a_prisoners_dilemma_like_trap():
    g = simultaneous_game(load("escalation-2025").parameters)
    sol = solve(g)
    assert profile_set(sol.equilibria) == {RESTRICT_RESTRICT}
    U, V = g.payoffs
    # both strictly prefer the deal to the equilibrium, and each has Restrict dominant
    assert U[1, 1] > U[0, 0] and V[1, 1] > V[0, 0]
    assert np.all(U[0] > U[1]) and np.all(V[:, 0] > V[:, 1])


def test_stockholm_2025_makes_the_deal_an_equilibrium():
    sol = solve(simultaneous_game(load("stockholm-2025").parameters))
    assert DEAL in profile_set(sol.equilibria)


def test_controls_2023_us_restricts_china_supplies():
    sol = solve(simultaneous_game(load("controls-2023").parameters))
    assert profile_set(sol.equilibria) == {((1.0, 0.0), (0.0, 1.0))}


def test_low_rare_earth_dependence_breaks_the_deal():
    p = dict(load("stockholm-2025").parameters)
    # US gain from Relax when China supplies: (4 − 3) − 1.5 + 0.6·re_dependence + 2 → zero at −1.5/0.6 < 0,
    # so with re_linkage 0.6 the deal survives any dependence; cutting the linkage and the
    # summit value leaves 1 − 1.5 + 0.1·6 + 0 = 0.1 > 0 at 6 and −0.5 at 0.
    p.update(re_linkage=0.1, deal_value_us=0.0)
    assert DEAL in profile_set(solve(simultaneous_game(p)).equilibria)
    p.update(re_dependence=0.0)
    assert DEAL not in profile_set(solve(simultaneous_game(p)).equilibria)


def test_graded_game_corners_equal_the_2x2_game():
    p = load("stockholm-2025").parameters
    g = graded_game(p, 4)
    s = simultaneous_game(p)
    for i in range(2):
        assert np.allclose(g.payoffs[i][np.ix_([0, 3], [0, 3])], s.payoffs[i])
    assert g.shape == (4, 4) and g.strategies[0][0] == "open 0%"


def test_graded_payoffs_are_concave_in_own_level():
    p = defaults()
    x = np.linspace(0, 1, 11)
    for y in (0.0, 0.5, 1.0):
        u = payoffs(x, y, p)[0]
        assert np.all(np.diff(u, 2) <= 1e-12)


def test_every_parameter_is_documented_with_a_valid_default():
    for p in PARAMETERS.values():
        assert p.unit and p.meaning and len(p.rationale) > 20
        assert p.low <= p.default <= p.high


@pytest.mark.parametrize("bad", [2, 0, 102, 3.5])
def test_graded_levels_are_checked(bad):
    if bad in (2,):
        graded_game(defaults(), bad)
        return
    with pytest.raises(InputError, match="--levels"):
        graded_game(defaults(), bad)
