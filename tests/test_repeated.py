"""The repeated game against known answers: PD thresholds, Axelrod, minmax, folk theorem, unravelling."""

from __future__ import annotations

import math

import numpy as np
import pytest

from games.forms import repeated as rp
from games.errors import InputError
from games.forms.normal_form import NormalFormGame, from_bimatrix
from games.model.scenarios import load
from games.trade import simultaneous_game


def pd(T: float, R: float, P: float, S: float) -> NormalFormGame:
    """Prisoner's Dilemma with strategies C (index 0) and D (index 1)."""
    return from_bimatrix(
        [[R, S], [T, P]], [[R, T], [S, P]], title="PD", row_strategies=("C", "D"), col_strategies=("C", "D")
    )


def coop(game: NormalFormGame, delta: float, k: int = 2) -> rp.CooperativeOutcome:
    outs = [o for o in rp.cooperative_outcomes(game, delta, k) if o.profile == (0, 0)]
    assert len(outs) == 1
    return outs[0]


def by_name(o: rp.CooperativeOutcome, name: str) -> rp.Sustainability:
    return next(s for s in o.strategies if s.strategy == name)


@pytest.mark.parametrize(
    "T,R,P,S",
    [(5, 3, 1, 0), (4, 3, 1, 0), (10, 6, 2, -1), (3, 2, 0, -1), (1.7, 1.2, 0.1, -3.3)],
)
def test_grim_trigger_critical_discount_is_T_minus_R_over_T_minus_P(T, R, P, S):
    o = coop(pd(T, R, P, S), 0.5)
    grim = by_name(o, rp.GRIM)
    assert grim.critical == pytest.approx((T - R) / (T - P), abs=1e-12)
    assert grim.per_player[0] == pytest.approx(grim.per_player[1], abs=1e-12)
    assert o.punishment.payoffs == pytest.approx((P, P))


def test_textbook_pd_threshold_is_one_half():
    assert by_name(coop(pd(5, 3, 1, 0), 0.9), rp.GRIM).critical == pytest.approx(0.5, abs=1e-15)


def test_tit_for_tat_needs_axelrods_two_conditions():
    # (T − R)/(R − S) = 2/3 against always-alternate; (T − R)/(T − P) = 1/2 against always-defect
    tft = by_name(coop(pd(5, 3, 1, 0), 0.9), rp.TFT)
    assert tft.critical == pytest.approx(2 / 3, abs=1e-12)
    # when R − S exceeds T − P, the always-defect condition binds: 5, 4, 0, −10 gives 1/5
    tft = by_name(coop(pd(5, 4, 0, -10), 0.9), rp.TFT)
    assert tft.critical == pytest.approx(1 / 5, abs=1e-12)


def test_tit_for_tat_fails_when_alternating_beats_cooperating():
    # T + S > 2R: (T − R)/(R − S) = 7/3 > 1, so alternating D, C beats tit-for-tat for every δ,
    # while grim trigger still works from (T − R)/(T − P) = 7/9
    o = coop(pd(10, 3, 1, 0), 0.9)
    assert by_name(o, rp.TFT).critical is None
    assert not by_name(o, rp.TFT).sustained
    assert by_name(o, rp.GRIM).critical == pytest.approx(7 / 9, abs=1e-12)


def test_tit_for_tat_is_subgame_perfect_only_on_a_knife_edge():
    # SPE needs δ = (T − R)/(R − S) and δ ≤ (P − S)/(T − P): with 4, 3, 1, 0 both are 1/3
    ranges = rp.tit_for_tat_subgame_perfect(pd(4, 3, 1, 0), (0, 0), (1, 1))
    assert len(ranges) == 1
    assert ranges[0].low == pytest.approx(1 / 3, abs=1e-9) and ranges[0].high == pytest.approx(1 / 3, abs=1e-9)
    # with 5, 3, 1, 0: 2/3 > 1/4, never subgame perfect
    assert rp.tit_for_tat_subgame_perfect(pd(5, 3, 1, 0), (0, 0), (1, 1)) == ()


def test_limited_punishment_closed_forms():
    # k = 1: δ ≥ (T − R)/(R − P); 4, 3, 1, 0 gives 1/2
    o = coop(pd(4, 3, 1, 0), 0.9, k=1)
    assert by_name(o, rp.punishment_name(1)).critical == pytest.approx(0.5, abs=1e-12)
    # k = 2 in the 5, 3, 1, 0 PD: δ + δ² = 1, the golden ratio's conjugate
    o = coop(pd(5, 3, 1, 0), 0.9, k=2)
    assert by_name(o, rp.punishment_name(2)).critical == pytest.approx((math.sqrt(5) - 1) / 2, abs=1e-12)
    # k = 1 with T − R = R − P: a one-round punishment never suffices
    o = coop(pd(5, 3, 1, 0), 0.9, k=1)
    assert by_name(o, rp.punishment_name(1)).critical is None


def test_limited_punishment_root_solves_its_polynomial_and_tends_to_grim():
    g, L = 2.0, 2.0
    for k in (3, 5, 8):
        d = rp.punishment_threshold(g, L, k)
        assert L * sum(d**t for t in range(1, k + 1)) == pytest.approx(g, abs=1e-12)
    # longer punishments need less patience, down to grim trigger's g / (g + L)
    ds = [rp.punishment_threshold(g, L, k) for k in (2, 4, 16, 200)]
    assert all(a > b for a, b in zip(ds, ds[1:]))
    assert ds[-1] == pytest.approx(g / (g + L), abs=1e-9)


@pytest.mark.parametrize("T,R,P,S", [(5, 3, 1, 0), (10, 6, 2, -1), (1.7, 1.2, 0.1, -3.3)])
def test_sweeping_discount_flips_exactly_at_the_critical_value(T, R, P, S):
    game = pd(T, R, P, S)
    critical = (T - R) / (T - P)
    punishment = rp.stage_equilibria(game)[0]
    for eps in (1e-3, 1e-6):
        below, above = critical - eps, critical + eps
        # the direct comparison of payoff streams flips where the closed form says
        assert not rp.grim_trigger_holds(game, (0, 0), punishment, below)
        assert rp.grim_trigger_holds(game, (0, 0), punishment, above)
        assert not by_name(coop(game, below), rp.GRIM).sustained
        assert by_name(coop(game, above), rp.GRIM).sustained
    grid = np.linspace(0.0, 0.99, 199)
    flips = [d for d in grid if rp.grim_trigger_holds(game, (0, 0), punishment, d)]
    assert min(flips) >= critical - 1e-9
    assert all(rp.grim_trigger_holds(game, (0, 0), punishment, d) for d in grid if d >= critical + 1e-9)


def test_trade_escalation_deal_threshold_from_the_payoff_matrix():
    params = load("escalation-2025").parameters
    game = simultaneous_game(params)
    A, B = game.bimatrix()
    # US: deviate from (Relax, Supply) to Restrict; China: to Restrict; punishment (Restrict, Restrict)
    us = (A[0, 1] - A[1, 1]) / (A[0, 1] - A[0, 0])
    cn = (B[1, 0] - B[1, 1]) / (B[1, 0] - B[0, 0])
    [deal] = [o for o in rp.cooperative_outcomes(game, 0.9) if o.profile == (1, 1)]
    grim = by_name(deal, rp.GRIM)
    assert grim.critical == pytest.approx(max(us, cn), abs=1e-12)
    assert grim.binding == (0 if us > cn else 1)
    for d, expected in ((grim.critical - 1e-6, False), (grim.critical + 1e-6, True)):
        [o] = [o for o in rp.cooperative_outcomes(simultaneous_game({**params, "discount": d}), d) if o.profile == (1, 1)]
        assert by_name(o, rp.GRIM).sustained is expected


def test_a_stage_equilibrium_that_beats_another_needs_no_patience():
    game = simultaneous_game(load("stockholm-2025").parameters)  # Stag-Hunt-like
    [deal] = [o for o in rp.cooperative_outcomes(game, 0.1) if o.profile == (1, 1)]
    assert deal.is_stage_equilibrium
    assert by_name(deal, rp.GRIM).critical == 0.0


def test_minmax_of_matching_pennies():
    mp = from_bimatrix([[1, -1], [-1, 1]])
    m0, m1 = rp.minmax(mp)
    assert (m0.pure, m1.pure) == (1.0, 1.0)  # pure punishment can be read and beaten
    assert m0.mixed == pytest.approx(0.0, abs=1e-12) and m1.mixed == pytest.approx(0.0, abs=1e-12)
    assert m0.mixed_punisher == pytest.approx((0.5, 0.5))


def test_mixed_minmax_matches_a_linear_program():
    scipy_opt = pytest.importorskip("scipy.optimize")
    rng = np.random.default_rng(7)
    for _ in range(20):
        A = rng.integers(-5, 6, size=(3, 4)).astype(float)
        B = rng.integers(-5, 6, size=(3, 4)).astype(float)
        m0, m1 = rp.minmax(from_bimatrix(A, B))
        for value, U in ((m0.mixed, A), (m1.mixed, B.T)):
            # min v s.t. U q ≤ v, q in the simplex
            n = U.shape[1]
            c = np.r_[np.zeros(n), 1.0]
            res = scipy_opt.linprog(
                c, A_ub=np.c_[U, -np.ones(U.shape[0])], b_ub=np.zeros(U.shape[0]),
                A_eq=np.r_[np.ones(n), 0.0][None, :], b_eq=[1.0],
                bounds=[(0, None)] * n + [(None, None)],
            )
            assert value == pytest.approx(res.fun, abs=1e-7)


def test_folk_theorem_region_of_the_pd():
    folk = rp.folk_theorem(pd(5, 3, 1, 0))
    assert sorted(folk.feasible) == sorted([(0.0, 5.0), (5.0, 0.0), (3.0, 3.0), (1.0, 1.0)])
    got = sorted((round(a, 9), round(b, 9)) for a, b in folk.individually_rational)
    assert got == sorted([(1.0, 1.0), (round(13 / 3, 9), 1.0), (3.0, 3.0), (1.0, round(13 / 3, 9))])


def test_finitely_repeated_pd_unravels():
    for rounds in (1, 2, 7):
        fh = rp.finite_horizon(pd(5, 3, 1, 0), rounds, 1.0)
        assert fh.unique_stage_equilibrium
        assert len(fh.path) == rounds
        assert all(e.profile == ((0.0, 1.0), (0.0, 1.0)) for e in fh.path)
        assert fh.cooperative_rounds == 0
        assert all(e.payoffs == (1.0, 1.0) for e in fh.path)


def gibbons() -> NormalFormGame:
    """Two pure stage equilibria, (L, L) = (1, 1) and (R, R) = (3, 3); (M, M) = (4, 4) is not one."""
    A = np.array([[1, 5, 0], [0, 4, 0], [0, 0, 3]], dtype=float)
    return from_bimatrix(A, A.T, row_strategies=("L", "M", "R"), col_strategies=("L", "M", "R"))


def test_several_stage_equilibria_reward_cooperation_before_the_end():
    # gain from deviating at (M, M) is 1; the end-game spread (R, R) vs (L, L) is 2 per round
    fh = rp.finite_horizon(gibbons(), 5, 1.0)
    assert not fh.unique_stage_equilibrium
    assert fh.scheme["outcome"] == (1, 1) and fh.cooperative_rounds == 4 and fh.scheme["final_rounds"] == 1
    # δ = 0.4: one rewarded round is worth 0.8 < 1, two are worth 0.8 + 0.32 ≥ 1
    fh = rp.finite_horizon(gibbons(), 5, 0.4)
    assert fh.cooperative_rounds == 3 and fh.scheme["final_rounds"] == 2
    # δ = 0.3: even the whole tail is worth 2δ/(1 − δ) < 1
    assert rp.finite_horizon(gibbons(), 5, 0.3).cooperative_rounds == 0


def test_bad_input_is_an_input_error():
    game = pd(5, 3, 1, 0)
    with pytest.raises(InputError, match="discount"):
        rp.analyse(game, 1.0)
    with pytest.raises(InputError, match="rounds"):
        rp.finite_horizon(game, 0)
    three = NormalFormGame("3p", ("a", "b", "c"), (("x",), ("y",), ("z",)), tuple(np.zeros((1, 1, 1)) for _ in range(3)))
    with pytest.raises(InputError, match="2 players"):
        rp.analyse(three, 0.5)
