"""Backward induction against textbook answers: entry deterrence, ultimatum, centipede."""

from __future__ import annotations

import pytest

from games.solvers.backward_induction import (
    behaviour_one_shot_gains,
    equilibrium_path,
    is_subgame_perfect,
    subgame_perfect_equilibria,
)
from games.solvers.equilibrium import verify
from games.errors import InputError
from games.forms.reduced_form import nash_equilibria, pure_profile, reduced_normal_form
from games.forms.tree import information_sets
from games.explanations.tree_explain import explain_spe
from tests.tree_games import centipede, entry_deterrence, hidden_pennies, many_ties, seltens_horse, ultimatum


def _actions(tree, eq):
    """{information-set description: action label} for a pure SPE."""
    sets = {h.ident: h for h in information_sets(tree)}
    return {sets[ident].paths[0]: sets[ident].actions[k] for ident, k in eq.choices}


def test_entry_deterrence_spe_is_enter_accommodate():
    tree = entry_deterrence()
    (eq,) = subgame_perfect_equilibria(tree)
    assert _actions(tree, eq) == {(): "Enter", (1,): "Accommodate"}
    assert eq.payoffs == (1.0, 1.0)


def test_entry_deterrence_out_fight_is_nash_but_not_subgame_perfect():
    tree = entry_deterrence()
    rnf, solution, behaviours = nash_equilibria(tree)
    # the textbook Nash equilibrium (Out, Fight) exists in the normal form ...
    out_fight = verify(rnf.game, [[1, 0], [1, 0]])
    assert out_fight is not None and out_fight.payoffs == (0.0, 2.0)
    assert rnf.game.strategies == (("Out", "Enter"), ("Fight if Enter", "Accommodate if Enter"))
    # ... but it is not subgame perfect: Fight is a profitable one-shot deviation target
    sets = information_sets(tree)
    assert not is_subgame_perfect(tree, {sets[0].ident: 0, sets[1].ident: 0})
    gains = behaviour_one_shot_gains(tree, {sets[0].ident: (1, 0), sets[1].ident: (1, 0)})
    assert gains[(1,)] == pytest.approx(2.0)  # Accommodate 1 instead of Fight -1
    # every normal-form equilibrium other than (Enter, Accommodate) fails subgame perfection
    perfect = [b for b in behaviours if max(behaviour_one_shot_gains(tree, b).values()) <= 1e-9]
    assert len(perfect) == 1 and perfect[0][sets[1].ident] == (0.0, 1.0)


def test_entry_deterrence_explanation_calls_the_threat_incredible():
    tree = entry_deterrence()
    (eq,) = subgame_perfect_equilibria(tree)
    rnf, solution, behaviours = nash_equilibria(tree)
    nash = [(str(e.profile), b) for e, b in zip(solution.equilibria, behaviours)]
    expl = explain_spe(tree, eq, [[dict(p) for p in plans] for plans in rnf.plans], nash)
    text = " ".join(expl.credibility)
    assert 'announcing "Fight after Enter"' in text and "threat" in text and "not credible" in text
    assert any("Fight" in s and "not subgame perfect" in s for s in expl.not_subgame_perfect)
    assert "Enter, Accommodate" in expl.path[0] or "Accommodate" in " ".join(expl.path)


def test_ultimatum_with_discrete_offers_has_two_spe_from_the_tie():
    tree = ultimatum(4)
    found = subgame_perfect_equilibria(tree)
    summary = sorted((_actions(tree, eq)[()], _actions(tree, eq)[(0,)], eq.payoffs) for eq in found)
    # responder accepts every positive offer; at offer 0 it is indifferent:
    # accept -> proposer offers 0 (4, 0); reject -> proposer offers 1 (3, 1)
    assert summary == [("offer 0", "Accept", (4.0, 0.0)), ("offer 1", "Reject", (3.0, 1.0))]
    for eq in found:
        acts = _actions(tree, eq)
        assert all(acts[(k,)] == "Accept" for k in range(1, 5))


def test_centipede_take_at_the_first_node():
    tree = centipede()
    (eq,) = subgame_perfect_equilibria(tree)
    assert set(_actions(tree, eq).values()) == {"Take"}
    assert eq.payoffs == (1.0, 0.0)
    assert equilibrium_path(tree, eq.plan) == ((),)


def test_spe_is_a_nash_equilibrium_of_the_reduced_normal_form():
    for tree in (entry_deterrence(), ultimatum(3), centipede()):
        rnf = reduced_normal_form(tree)
        for eq in subgame_perfect_equilibria(tree):
            profile = pure_profile(rnf, eq.plan)
            pure = [[1.0 if j == k else 0.0 for j in range(n)] for n, k in zip(rnf.game.shape, profile)]
            assert verify(rnf.game, pure) is not None


def test_too_many_ties_is_a_clear_input_error():
    with pytest.raises(InputError, match="more than 10,000 to list"):
        subgame_perfect_equilibria(many_ties(20))
    assert len(subgame_perfect_equilibria(many_ties(5))) == 32


def test_imperfect_information_is_refused():
    with pytest.raises(InputError, match="needs perfect information"):
        subgame_perfect_equilibria(hidden_pennies())


def test_seltens_horse_pure_equilibria():
    tree = seltens_horse()
    rnf, solution, behaviours = nash_equilibria(tree)
    assert rnf.game.strategies == (("C", "D"), ("c if C", "d if C"), ("L if C → d or D", "R if C → d or D"))
    # three players: every equilibrium is listed now (mixed ones too); these are the pure ones
    pure = {tuple(rnf.game.strategies[i][p.index(1.0)][0] for i, p in enumerate(eq.profile))
            for eq in solution.equilibria if eq.is_pure}
    # checked by hand: (C, d, R) is also an equilibrium with these payoffs (2 is indifferent
    # between c and d when 3 plays R), the other two are the textbook pair
    assert pure == {("C", "c", "R"), ("C", "d", "R"), ("D", "c", "L")}


def test_hidden_pennies_behaviour_is_one_half():
    tree = hidden_pennies()
    rnf, solution, behaviours = nash_equilibria(tree)
    assert len(solution.equilibria) == 1
    assert {k: tuple(round(q, 9) for q in v) for k, v in behaviours[0].items()} == {
        (0, "@"): (0.5, 0.5), (1, "col"): (0.5, 0.5)
    }


def test_behaviour_is_none_where_the_player_never_arrives():
    tree = entry_deterrence()
    rnf = reduced_normal_form(tree)
    # a two-stage game for one player: an unreached second move has no behaviour
    behaviour = rnf.behaviour([[1.0, 0.0], [0.0, 1.0]])
    assert behaviour[(0, "@")] == (1.0, 0.0) and behaviour[(1, "@1")] == (0.0, 1.0)
    from games.trade.trees import snapback

    rnf = reduced_normal_form(snapback())
    assert len(rnf.game.strategies[0]) == 5  # Restrict, or Relax with 4 plans: not 8
    us_restrict = [1.0] + [0.0] * 4
    behaviour = rnf.behaviour([us_restrict, [1.0, 0, 0, 0]])
    assert behaviour[(0, "@1.0")] is None and behaviour[(0, "@1.1")] is None
