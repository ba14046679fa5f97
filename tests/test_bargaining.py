"""Bargaining against closed forms: Rubinstein shares, Nash and Kalai–Smorodinsky, deadlines, outside options."""

from __future__ import annotations

import math

import numpy as np
import pytest

from games.forms import bargaining as bg
from games.errors import InputError
from games.model.scenarios import load
from games.trade import payoffs

LINE_U = np.linspace(0.0, 1.0, 11)
LINE_V = 1.0 - LINE_U


@pytest.mark.parametrize("d1,d2", [(0.9, 0.95), (0.5, 0.5), (0.0, 0.9), (0.99, 0.8), (0.3, 0.0)])
def test_rubinstein_closed_form(d1, d2):
    first, second = bg.rubinstein_shares(d1, d2)
    assert first == pytest.approx((1 - d2) / (1 - d1 * d2), abs=1e-15)
    assert first + second == pytest.approx(1.0)
    # the frontier solver reproduces it on a unit surplus, for either proposer
    u, v = bg.rubinstein_on_polyline(LINE_U, LINE_V, (0, 0), (d1, d2), first=0)
    assert u == pytest.approx(first, abs=1e-12) and v == pytest.approx(1 - first, abs=1e-12)
    u, v = bg.rubinstein_on_polyline(LINE_U, LINE_V, (0, 0), (d1, d2), first=1)
    assert v == pytest.approx((1 - d1) / (1 - d1 * d2), abs=1e-12)


def test_equal_patience_gives_the_first_proposer_one_over_one_plus_delta():
    assert bg.rubinstein_shares(0.9, 0.9)[0] == pytest.approx(1 / 1.9)


def test_rubinstein_splits_the_surplus_over_disagreement():
    # frontier u + v = 10, disagreement (2, 3): surplus 5 split as the unit case
    u = np.linspace(2.0, 7.0, 6)
    v = 10.0 - u
    share = bg.rubinstein_shares(0.8, 0.95)[0]
    a, b = bg.rubinstein_on_polyline(u, v, (2.0, 3.0), (0.8, 0.95))
    assert a == pytest.approx(2.0 + 5.0 * share, abs=1e-11) and b == pytest.approx(3.0 + 5.0 * (1 - share), abs=1e-11)


def test_finite_deadline_by_backward_induction():
    deltas = (0.9, 0.95)
    # one round: take it or leave it; two rounds: player 2 would take all in round 2
    assert bg.alternating_offers_finite(LINE_U, LINE_V, (0, 0), deltas, 1)[0] == pytest.approx((1.0, 0.0))
    assert bg.alternating_offers_finite(LINE_U, LINE_V, (0, 0), deltas, 2)[0] == pytest.approx((1 - 0.95, 0.95))
    # three rounds: 1 − δ₂(1 − δ₁)
    assert bg.alternating_offers_finite(LINE_U, LINE_V, (0, 0), deltas, 3)[0][0] == pytest.approx(1 - 0.95 * 0.1)


def test_finite_deadline_converges_to_the_closed_form():
    closed = bg.rubinstein_shares(0.9, 0.95)[0]
    errors = [abs(bg.alternating_offers_finite(LINE_U, LINE_V, (0, 0), (0.9, 0.95), T)[0][0] - closed)
              for T in (10, 11, 50, 51, 200, 201, 1000)]
    assert errors[-1] < 1e-12
    assert errors[0] > 1e-3  # a short deadline really differs
    assert all(b < a for a, b in zip(errors[::2], errors[2::2]))  # shrinks along each parity


def test_nash_solution_splits_the_difference_on_a_linear_frontier():
    assert bg.nash_on_polyline(LINE_U, LINE_V, (0, 0)) == pytest.approx((0.5, 0.5))
    # d = (0.2, 0.1): each gets its disagreement payoff plus half of what is left
    assert bg.nash_on_polyline(LINE_U, LINE_V, (0.2, 0.1)) == pytest.approx((0.2 + 0.35, 0.1 + 0.35))


def test_nash_and_kalai_smorodinsky_on_a_concave_frontier():
    u = np.linspace(0.0, 1.0, 2001)
    v = 1.0 - u**2
    nu, nv = bg.nash_on_polyline(u, v, (0, 0))
    # max u(1 − u²): 1 − 3u² = 0. The product is flat at its peak, so the O(h²) chord error
    # moves the maximizer by O(h) with h = 5e-4 the sampling step
    assert nu == pytest.approx(1 / math.sqrt(3), abs=2e-4)
    assert nv == pytest.approx(2 / 3, abs=2e-4)
    ku, kv = bg.kalai_smorodinsky_on_polyline(u, v, (0, 0))  # ideal (1, 1): u = 1 − u²
    golden = (math.sqrt(5) - 1) / 2
    assert ku == pytest.approx(golden, abs=1e-6) and kv == pytest.approx(golden, abs=1e-6)


def test_outside_option_binds_only_when_it_beats_the_rubinstein_share():
    deltas = (0.9, 0.95)
    responder = bg.rubinstein_shares(*deltas)[1]  # ≈ 0.655
    for o2 in (responder - 1e-6, 0.3, 0.0):
        u, v = bg.rubinstein_on_polyline(LINE_U, LINE_V, (0, 0), deltas, (0, o2))
        assert v == pytest.approx(responder, abs=1e-9)
    for o2 in (responder + 1e-6, 0.8):
        u, v = bg.rubinstein_on_polyline(LINE_U, LINE_V, (0, 0), deltas, (0, o2))
        assert v == pytest.approx(o2, abs=1e-9)
    # Nash: an outside option is a constraint, not a new threat point
    assert bg.nash_on_polyline(LINE_U, LINE_V, (0, 0), (0.7, 0.0)) == pytest.approx((0.7, 0.3))
    assert bg.nash_on_polyline(LINE_U, LINE_V, (0, 0), (0.4, 0.0)) == pytest.approx((0.5, 0.5))


def test_the_first_proposers_outside_option_binds_when_it_answers():
    # unit pie, d = 0: player 1 answers player 2's offers, worth δ₁x₁* to it by rejecting.
    # An option o₁ above that is what 2 must offer it; 1 then opens with 1 − δ₂(1 − o₁).
    deltas = (0.9, 0.95)
    x1 = bg.rubinstein_shares(*deltas)[0]
    (u, v), binds = bg.rubinstein_solution(LINE_U, LINE_V, (0, 0), deltas, (0.5, 0.0))
    assert 0.5 > deltas[0] * x1 and binds == (True, False)
    assert u == pytest.approx(1 - deltas[1] * (1 - 0.5), abs=1e-12)
    (u, v), binds = bg.rubinstein_solution(LINE_U, LINE_V, (0, 0), deltas, (0.2, 0.0))
    assert 0.2 < deltas[0] * x1 and binds == (False, False) and u == pytest.approx(x1, abs=1e-12)
    # the responder's option: binds above (1 − x₁*), as in the test above
    assert bg.rubinstein_solution(LINE_U, LINE_V, (0, 0), deltas, (0.0, 0.8))[1] == (False, True)
    # finite deadline, two rounds: 2 makes the last offer, leaving 1 its option o₁ = 0.3
    # (more than 0, what rejecting would give 1 in the last round); 1 opens with 1 − δ₂(1 − 0.3)
    agreements, binds = bg.finite_solution(LINE_U, LINE_V, (0, 0), deltas, 2, (0.3, 0.0))
    assert binds == (True, False) and agreements[0][0] == pytest.approx(1 - 0.95 * 0.7, abs=1e-12)


def test_pareto_mask():
    u = np.array([0, 1, 2, 1, 0.5, 2])
    v = np.array([3, 2, 0, 1, 3, 0])
    assert bg.pareto_mask(u, v).tolist() == [False, True, True, False, True, False]


def test_trade_frontier_is_undominated_by_random_terms():
    p = dict(load("escalation-2025").parameters)
    f = bg.level_frontier(p)
    assert np.all(np.diff(f.u) > 0) and np.all(np.diff(f.v) < 0)
    U, V = payoffs(f.x, f.y, p)
    assert np.allclose(U, f.u) and np.allclose(V, f.v)  # the terms deliver the utilities
    rng = np.random.default_rng(3)
    xs, ys = rng.random(20000), rng.random(20000)
    ru, rv = payoffs(xs, ys, p)
    # no random terms beat the frontier's interpolated v at their u by more than the grid error
    gap = rv - np.array([bg.value_at(f.u, f.v, a) for a in ru])
    assert gap.max() < 2e-3


def test_trade_bargaining_patience_moves_the_split_towards_china():
    p = dict(load("escalation-2025").parameters)
    shares = []
    for dc in (0.8, 0.9, 0.95, 0.99):
        a = bg.analyse({**p, "discount_us": 0.9, "discount_cn": dc})
        rub = next(s for s in a.solutions if s.name == "Rubinstein")
        shares.append(bg.surplus_share((rub.u, rub.v), a.disagreement, 1))
    assert all(b > a for a, b in zip(shares, shares[1:]))
    # the disagreement point is the conflict equilibrium (Restrict, Restrict)
    a = bg.analyse(p)
    assert a.conflict_cell == (0, 0)
    assert a.disagreement == pytest.approx(tuple(float(z) for z in payoffs(0.0, 0.0, p)))


def test_bad_input():
    with pytest.raises(InputError, match="discount"):
        bg.rubinstein_shares(1.0, 0.5)
    with pytest.raises(InputError, match="rounds"):
        bg.alternating_offers_finite(LINE_U, LINE_V, (0, 0), (0.9, 0.9), 0)
    with pytest.raises(InputError, match="proposer"):
        bg.analyse(dict(load("baseline").parameters), first=2)


def test_patient_alternating_offers_approach_the_nash_solution_on_the_trade_frontier():
    # Binmore, Rubinstein and Wolinsky: with equal discount factors tending to 1 (and the
    # conflict payoffs as the flow during delay), the Rubinstein agreement tends to the
    # Nash bargaining solution, whoever proposes first
    p = dict(load("escalation-2025").parameters)
    a = bg.analyse(p)
    nash = next(s for s in a.solutions if s.name == "Nash bargaining")
    f = a.frontier
    gaps = []
    for delta in (0.9, 0.99, 0.999, 0.9999):
        for first in (0, 1):
            u, v = bg.rubinstein_on_polyline(f.u, f.v, a.disagreement, (delta, delta), first=first)
            gaps.append(abs(u - nash.u) + abs(v - nash.v))
    assert gaps[-1] < 2e-3 and gaps[-2] < 2e-2
    assert gaps[0] > 10 * gaps[-1]


def test_ends_of_the_bargaining_set_on_a_linear_frontier():
    f = bg.Frontier(LINE_U, LINE_V, LINE_U, 1 - LINE_U)
    us, cn = bg.bargaining_ends(f, (0.2, 0.1))
    assert (us.u, us.v) == pytest.approx((0.9, 0.1)) and (cn.u, cn.v) == pytest.approx((0.2, 0.8))
    assert us.x == pytest.approx(0.9) and cn.x == pytest.approx(0.2)  # the terms behind them


def test_no_surplus_over_the_stage_equilibrium_is_an_answer_not_an_error():
    # a scenario whose one-shot game already ends in the deal, and no terms beat it for both
    p = {**load("baseline").parameters, "chip_value": 16.1, "re_revenue": 9.6, "deal_value_cn": 17.9, "deal_value_us": 8.5}
    deal = tuple(float(z) for z in payoffs(1.0, 1.0, p))
    xs, ys = np.random.default_rng(4).random((2, 20000))
    U, V = payoffs(xs, ys, p)
    assert not np.any((U > deal[0] + 1e-9) & (V > deal[1] + 1e-9))  # independently: nothing better for both
    a = bg.analyse(p, rounds=3)
    assert a.no_deal == "no surplus" and a.conflict_cell == (1, 1)
    assert all((s.u, s.v, s.x, s.y) == pytest.approx((*deal, 1.0, 1.0)) for s in a.solutions)


def test_outside_options_that_beat_every_deal_mean_no_deal():
    p = {**load("escalation-2025").parameters, "outside_option_us": 15.0, "outside_option_cn": 15.0}
    d = tuple(float(z) for z in payoffs(0.0, 0.0, p))
    o = (d[0] + 15.0, d[1] + 15.0)
    xs, ys = np.random.default_rng(5).random((2, 20000))
    U, V = payoffs(xs, ys, p)
    assert np.max(np.minimum(U - o[0], V - o[1])) < 0  # independently: no terms give both their option
    a = bg.analyse(p)
    assert a.no_deal == "walk away" and a.solutions == ()
