"""Bayesian games: Harsanyi transformation, BNE, belief thresholds (textbook entry game, trade model)."""

from fractions import Fraction

import numpy as np
import pytest

from games import trade
from games.forms.bayesian import (
    BayesianGame,
    agent_form,
    bayes_nash_equilibria,
    harsanyi_game,
    relevant_thresholds,
    sequential_outcomes,
    threshold_for_plan,
    trade_bayesian_game,
)
from games.explanations.bayesian_explain import explain
from games.solvers.equilibrium import verify
from games.errors import InputError
from games.trade.parameters import defaults
from games.model.scenarios import load


def entry_game(p_weak: float) -> BayesianGame:
    """Bayesian entry deterrence: the entrant enters iff P(weak incumbent) > 3/4.

    Entrant: Out 0; In earns 1 if accommodated, -3 if fought. A weak incumbent prefers to
    accommodate (1 > -1), a strong one to fight (1 > 0). Enter iff p·1 + (1-p)·(-3) > 0.
    """
    entrant = np.array([[0.0, 0.0], [1.0, -3.0]])
    return BayesianGame(
        "entry", ("Entrant", "Incumbent"), ("Out", "In"), ("Accommodate", "Fight"),
        ("weak", "strong"), (p_weak, 1 - p_weak), (entrant, entrant),
        (np.array([[3.0, 3.0], [1.0, -1.0]]), np.array([[3.0, 3.0], [0.0, 1.0]])),
    )


def test_entry_threshold_is_three_quarters():
    g = entry_game(0.5)
    th = threshold_for_plan(g, (0, 1))  # weak accommodates, strong fights
    assert th is not None and th.exact == Fraction(3, 4)
    assert g.row_moves[th.above] == "In" and g.row_moves[th.below] == "Out"
    assert Fraction(3, 4) in [t.exact for t in relevant_thresholds(g)]


def test_entry_sequential_threshold_and_choice():
    for p, move in ((0.8, "In"), (0.7, "Out")):
        outcomes = sequential_outcomes(entry_game(p))
        assert len(outcomes) == 4  # after Out both types are indifferent: 2×2 tie-breaks
        for outcome in outcomes:
            assert outcome.threshold.exact == Fraction(3, 4)
            assert [entry_game(p).row_moves[i] for i in outcome.best] == [move]
            assert outcome.replies[1] == (0, 1)  # after entry: weak accommodates, strong fights


def test_entry_bne_either_side_of_threshold():
    above = bayes_nash_equilibria(entry_game(0.76))
    assert any(e.row == (0.0, 1.0) and e.types == ((1.0, 0.0), (0.0, 1.0)) for e in above)
    below = bayes_nash_equilibria(entry_game(0.74))
    assert below and all(e.row[1] < 1e-9 for e in below)  # nobody enters, even partly


def test_harsanyi_payoffs_are_prior_weighted():
    g = entry_game(0.25)
    h = harsanyi_game(g)
    assert h.shape == (2, 4)
    j = h.strategies[1].index("Accommodate if weak, Fight if strong")
    assert h.payoffs[0][1, j] == pytest.approx(0.25 * 1 + 0.75 * -3)
    assert h.payoffs[1][1, j] == pytest.approx(0.25 * 1 + 0.75 * 1)
    assert h.payoffs[1][0, j] == pytest.approx(3.0)


def test_agent_form_shape_and_payoffs():
    a = agent_form(entry_game(0.25))
    assert a.shape == (2, 2, 2) and a.n_players == 3
    assert a.payoffs[0][1, 0, 1] == pytest.approx(0.25 * 1 + 0.75 * -3)
    assert a.payoffs[2][1, 0, 1] == 1.0  # strong type, fights after entry


def test_bad_prior_rejected():
    with pytest.raises(InputError, match="prior"):
        entry_game(0.5).with_prior((0.7, 0.7))


# ------------------------------------------------------------------ trade model
def test_defaults_leave_two_player_game_unchanged():
    U, V = trade.simultaneous_game(defaults()).payoffs
    # hand-computed from the payoff formulas at the default parameters
    assert np.allclose(U, [[-7.0, -3.0], [-7.5, 0.0]])
    assert np.allclose(V, [[1.5, 1.0], [4.0, 6.0]])


def test_type_payoffs_differ_only_in_self_reliance():
    g = trade_bayesian_game(defaults())
    assert np.allclose(g.row_payoffs[0], g.row_payoffs[1])
    # self-reliant: chip access worth 5 - 7 = -2; relaxing gives it chips x(1-0.5(1-y))
    assert np.allclose(g.column_payoffs[1], [[1.5, 1.0], [1.5, 1.0]])


def test_trade_threshold_is_one_seventh_at_defaults():
    # US gain of Relax over Restrict: -0.5 if China restricts, +3 if it supplies, so against
    # (pragmatist Supply, self-reliant Restrict) it relaxes iff 3π - 0.5(1 - π) > 0: π > 1/7.
    g = trade_bayesian_game(defaults())
    (th,) = relevant_thresholds(g)
    assert th.plan == (1, 0)
    assert th.prior == pytest.approx(1 / 7, abs=1e-12)


def deal_for_pragmatist(eqs):
    return [e for e in eqs if e.row == (0.0, 1.0) and e.types == ((0.0, 1.0), (1.0, 0.0))]


def test_trade_bne_change_exactly_at_threshold():
    below = bayes_nash_equilibria(trade_bayesian_game(defaults(), prior=1 / 7 - 1e-3))
    above = bayes_nash_equilibria(trade_bayesian_game(defaults(), prior=1 / 7 + 1e-3))
    assert not deal_for_pragmatist(below)
    assert len(deal_for_pragmatist(above)) == 1
    # mutual restriction is an equilibrium on both sides
    for eqs in (below, above):
        assert any(e.row == (1.0, 0.0) and e.types == ((1.0, 0.0), (1.0, 0.0)) for e in eqs)


def test_bne_verified_in_both_forms():
    g = trade_bayesian_game(load("stockholm-2025").parameters)
    eqs = bayes_nash_equilibria(g)
    assert len(eqs) == 3
    a, h = agent_form(g), harsanyi_game(g)
    for e in eqs:
        assert verify(a, [e.row, *e.types]) is not None
        assert verify(h, e.ex_ante) is not None


def test_prior_one_is_the_complete_information_game():
    g = trade_bayesian_game(defaults(), prior=1.0)
    eqs = bayes_nash_equilibria(g)
    pure = {(e.row.index(1.0), e.types[0].index(1.0)) for e in eqs if e.is_pure}
    assert pure == {(0, 0), (1, 1)}  # the baseline's two pure equilibria
    for e in eqs:  # the self-reliant type (prior 0) still best-responds
        assert verify(agent_form(g), [e.row, *e.types]) is not None


def test_escalation_has_no_threshold():
    g = trade_bayesian_game(load("escalation-2025").parameters)
    assert relevant_thresholds(g) == []
    (o,) = sequential_outcomes(g)
    assert o.best == (0,) and o.threshold is None


def test_sequential_trade_threshold_one_fifteenth():
    # US first: Restrict gets -7 (both types restrict); Relax gets π·0 + (1-π)(-7.5). Relax iff π > 1/15.
    (o,) = sequential_outcomes(trade_bayesian_game(defaults()))
    assert o.replies == ((0, 0), (1, 0))
    assert o.threshold.prior == pytest.approx(1 / 15, abs=1e-12)
    assert o.best == (1,)


def test_explanation_mentions_threshold_and_types():
    p = defaults()
    g = trade_bayesian_game(p)
    from games.model.bayes import type_difference
    from games.trade import model_file

    e = explain(g, bayes_nash_equilibria(g), [type_difference(model_file(), p)])
    assert "above 0.143" in e.thresholds[0] and "Today's prior 0.5 is above" in e.thresholds[0]
    assert "Relax" in e.thresholds[0]
    assert "5 − 7 = -2" in e.notes[0]
    assert e.equilibria[1]["types"]["self-reliant"].startswith("the self-reliant type plays Restrict")


def test_threshold_sentence_gives_the_fraction_and_keeps_the_prior_apart():
    # stockholm-2025: the US relaxes against (pragmatist Supply, self-reliant Restrict) iff
    # 5.1·π − 0.6·(1 − π) > 0, π > 0.6/5.7 = 2/19 ≈ 0.10526
    p = dict(load("stockholm-2025").parameters)
    for prior, side in ((0.1052, "below"), (0.1054, "above")):
        g = trade_bayesian_game(p, prior=prior)
        (th,) = relevant_thresholds(g)
        assert th.prior == pytest.approx(2 / 19)
        text = explain(g, bayes_nash_equilibria(g)).thresholds[0]
        assert "above 0.105 (2/19)" in text
        assert f"Today's prior {prior:g} is {side} it" in text  # not "0.105 is below 0.105"


# A model file whose uninformed player has three moves (and, in the second file, three
# types): the Harsanyi game is solved and explained; belief thresholds, defined for two
# types and two moves, are said not to apply instead of refusing the whole command.
BORDER = """
title = "Border talks"
[players.North]
strategies = ["Wait", "Build"]
[players.South]
strategies = ["Wait", "Build", "Bluff"]
[parameters.clash]
default = 4
range = [0, 10]
[parameters.clash_hawk]
default = 1
range = [0, 10]
[parameters.p_hawk]
default = 0.4
range = [0, 1]
[define]
both = "North.Build * South.Build"
[payoffs.North]
gain = "North.Build * (1 - South.Build) * 3"
clash = "-both * clash"
scare = "-North.Wait * South.Bluff"
[payoffs.South]
gain = "South.Build * (1 - North.Build) * 3"
clash = "-both * clash"
bluff = "South.Bluff * (North.Wait * 2 - 0.5)"
[types.North]
prior = PRIOR
[types.North.hawk]
clash = "clash_hawk"
TYPES
"""


def _border_bne(tmp_path, prior: str, types: str):
    import json

    from tests.test_hostile_cli import _invoke

    path = tmp_path / "border.toml"
    path.write_text(BORDER.replace("PRIOR", prior).replace("TYPES", types), encoding="utf-8")
    out = _invoke(["solve", str(path), "--game", "bayesian", "--format", "json"], codes=(0,))
    data = json.loads(out.stdout)
    assert data["belief_thresholds"] == []
    text = _invoke(["explain", str(path), "--game", "bayesian"], codes=(0,)).stdout
    assert "Belief thresholds are computed for two types and South with two moves" in text
    return data["equilibria"]


def test_model_bayesian_with_three_uninformed_moves(tmp_path):
    # South (uninformed): Wait 0 whatever; Build 3 against Wait, −clash against Build;
    # Bluff 1.5 against Wait, −0.5 against Build. A hawk North (clash 1, prior 0.4) and a
    # dove (clash 4). Pure BNE: (Wait; both Build) and (Build; both Wait). Mixed: South
    # mixes Build/Bluff so that the dove is indifferent: Build −4b + 3(1−b) = −(1−b), i.e.
    # b = 1/2; the hawk then builds (−1/2 + 3/2 = 1 > −1/2); South indifferent between
    # Build and Bluff when the dove waits with probability w:
    # 0.4·(−1) + 0.6·(3w − 4(1−w)) = 0.4·(−0.5) + 0.6·(1.5w − 0.5(1−w)), w = 23/30.
    eqs = _border_bne(tmp_path, '"p_hawk"', "[types.North.dove]")
    pure = sorted((tuple(e["South"].values()), tuple(tuple(v.values()) for v in e["types"].values()))
                  for e in eqs if e["pure"])
    assert pure == [((0, 1, 0), ((1, 0), (1, 0))), ((1, 0, 0), ((0, 1), (0, 1)))]
    (mixed,) = [e for e in eqs if not e["pure"]]
    assert list(mixed["South"].values()) == pytest.approx([0, 0.5, 0.5])
    assert list(mixed["types"]["dove"].values()) == pytest.approx([23 / 30, 7 / 30])
    assert mixed["payoffs"][0] == pytest.approx(0.4 * -1 + 0.6 * (3 * 23 / 30 - 4 * 7 / 30))


def test_model_bayesian_with_three_types(tmp_path):
    # Types hawk (clash 1, 0.4), owl (clash 3, 0.25), dove (clash 4, the rest). The mixed BNE:
    # South mixes Build/Bluff to make the owl indifferent: −3b + 3(1−b) = −(1−b), b = 4/7;
    # the hawk builds, the dove waits; South indifferent when the owl waits with w:
    # −0.4 + 0.25(6w − 3) + 1.05 = −0.2 + 0.25(2w − 0.5) + 0.525, w = 3/10.
    eqs = _border_bne(tmp_path, '["p_hawk", "0.25"]',
                      '[types.North.owl]\nclash = "clash_hawk + 2"\n[types.North.dove]')
    assert len(eqs) == 3
    (mixed,) = [e for e in eqs if not e["pure"]]
    assert list(mixed["South"].values()) == pytest.approx([0, 4 / 7, 3 / 7])
    assert list(mixed["types"]["owl"].values()) == pytest.approx([0.3, 0.7])
    assert list(mixed["types"]["hawk"].values()) == pytest.approx([0, 1])
    assert list(mixed["types"]["dove"].values()) == pytest.approx([1, 0])
