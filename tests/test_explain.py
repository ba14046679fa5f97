"""Explanations: outcomes, margins (checked by re-solving), mixed indifference, dominance, selection."""

from __future__ import annotations

import json

import numpy as np
import pytest

from games.solvers.best_response import pure_equilibria
from games.explanations.explanation import explain
from games.forms.normal_form import NormalFormGame, from_bimatrix
from games.solvers.solver import solve

PD = from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("US", "China"),
                   row_strategies=("Cooperate", "Defect"), col_strategies=("Cooperate", "Defect"))
STAG = from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]], row_strategies=("Stag", "Hare"), col_strategies=("Stag", "Hare"))
BOS = from_bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], row_strategies=("Opera", "Football"), col_strategies=("Opera", "Football"))


def test_prisoners_dilemma_every_outcome():
    e = explain(solve(PD))
    by = {o.profile: o for o in e.outcomes}
    assert by[("Defect", "Defect")].is_equilibrium
    assert [c.gain for c in by[("Defect", "Defect")].checks] == [-1.0, -1.0]
    cc = by[("Cooperate", "Cooperate")]
    assert not cc.is_equilibrium
    assert [(c.best_alternative, c.gain) for c in cc.checks] == [("Defect", 2.0), ("Defect", 2.0)]
    assert "the US would switch to Defect, gaining 2" in cc.sentence
    assert "China would switch to Defect, gaining 2" in cc.sentence
    assert by[("Defect", "Defect")].sentence.startswith("(Defect, Defect) is an equilibrium: the US would lose 1")


def test_prisoners_dilemma_structure():
    e = explain(solve(PD))
    assert e.dominance.strictly_dominant == {"US": "Defect", "China": "Defect"}
    assert e.dominance.dominance_solvable
    assert e.dominance.strict_elimination == {"US": ["Defect"], "China": ["Defect"]}
    (eq,) = e.equilibria
    assert not eq.pareto_efficient and eq.pareto_improvements == ("(Cooperate, Cooperate)",)
    assert "both would prefer (Cooperate, Cooperate)" in e.equilibrium_summaries[0]
    assert e.classification.name == "Prisoner's Dilemma"
    assert e.selection is None


def test_margins_are_exact_by_resolving():
    """Raise the best alternative's payoff by just under / just over the margin and solve again."""
    for game in (PD, STAG, BOS):
        e = explain(solve(game))
        for eq in e.equilibria:
            if not eq.pure:
                continue
            prof = tuple(game.strategies[i].index(c.plays) for i, c in enumerate(eq.checks))
            for i, c in enumerate(eq.checks):
                margin = -c.gain
                k = game.strategies[i].index(c.best_alternative)
                dev = list(prof)
                dev[i] = k
                for delta, still in ((margin - 1e-6, True), (margin + 1e-6, False)):
                    pay = [np.array(a, dtype=float) for a in game.payoffs]
                    pay[i][tuple(dev)] += delta
                    g2 = NormalFormGame("bumped", game.players, game.strategies, tuple(pay))
                    assert (prof in pure_equilibria(g2)) is still


def test_mixed_equilibrium_names_the_indifference():
    e = explain(solve(BOS))
    mixed = [q for q in e.equilibria if not q.pure]
    assert len(mixed) == 1
    ind = {i.player: i for i in mixed[0].indifferences}
    # Row mixes Opera 2/3 so Column is indifferent (1·2/3 = 2·1/3); Column mixes Opera 1/3
    assert ind["Row"].probabilities["Opera"] == pytest.approx(2 / 3)
    assert ind["Row"].keeps_indifferent == "Column" and ind["Row"].value == pytest.approx(2 / 3)
    assert ind["Column"].probabilities["Opera"] == pytest.approx(1 / 3)
    assert ind["Column"].value == pytest.approx(2 / 3)
    assert "Column plays Opera with probability 0.333 and Football with probability 0.667, exactly the rate that leaves Row indifferent between Opera and Football" in ind["Column"].sentence


def test_stag_hunt_payoff_and_risk_dominance():
    # Harsanyi–Selten: (Stag, Stag) is payoff-dominant; (Hare, Hare) risk-dominates (3·3 > 1·1)
    e = explain(solve(STAG))
    assert e.selection.payoff_dominant == "(Stag, Stag)"
    (rc,) = e.selection.risk
    assert rc.risk_dominant == "(Hare, Hare)"
    assert {rc.first_product, rc.second_product} == {1.0, 9.0}


def test_weak_dominance_and_elimination():
    g = from_bimatrix([[1, 1], [1, 0]], [[1, 0], [1, 0]], row_strategies=("Up", "Down"), col_strategies=("Left", "Right"))
    e = explain(solve(g))
    assert e.dominance.weakly_dominant == {"Row": "Up"}
    assert e.dominance.strictly_dominant == {"Column": "Left"}
    assert any(d["strategy"] == "Down" and not d["strict"] for d in e.dominance.dominated)


def test_indifferent_deviation_is_called_indifferent():
    g = from_bimatrix([[1, 1], [1, 1]], [[2, 2], [2, 2]])
    e = explain(solve(g))
    assert all(o.is_equilibrium for o in e.outcomes)
    assert "gain nothing" in e.outcomes[0].sentence


def test_three_player_pure_part():
    # unanimity game: each gets 1 if all three match, else 0
    shape = (2, 2, 2)
    pay = np.zeros(shape)
    pay[0, 0, 0] = pay[1, 1, 1] = 1
    g = NormalFormGame("unanimity", ("A", "B", "C"), (("x", "y"),) * 3, (pay, pay, pay))
    e = explain(solve(g))
    eqs = {o.profile for o in e.outcomes if o.is_equilibrium}
    # profiles where nobody can gain alone: the two unanimous ones and every 'two against one' is not
    assert ("x", "x", "x") in eqs and ("y", "y", "y") in eqs
    assert len(e.equilibrium_summaries) == len(e.equilibria)
    assert e.classification is None


def test_trade_scenarios_and_json():
    from games import trade
    from games.model.scenarios import load

    s = load("stockholm-2025")
    sol = solve(trade.simultaneous_game(s.parameters))
    e = explain(sol, params=dict(s.parameters), form="simultaneous")
    assert e.classification.name == "Stag Hunt"
    assert len(e.equilibrium_summaries) == len(sol.equilibria) == 3
    assert e.selection.payoff_dominant == "(Relax, Supply)"
    assert e.selection.risk[0].risk_dominant == "(Relax, Supply)"  # 5.1·1.5 > 0.6·2.2
    assert len(e.thresholds) == 3
    data = json.loads(json.dumps(e.to_dict()))
    assert data["classification"]["name"] == "Stag Hunt"
    assert data["equilibria"][1]["checks"][0]["gain"] == pytest.approx(-5.1)


def test_large_games_skip_the_outcome_list():
    rng = np.random.default_rng(3)
    g = from_bimatrix(rng.normal(size=(25, 25)), rng.normal(size=(25, 25)))
    e = explain(solve(g, "pure"))
    assert e.outcomes == () and any("pure profiles" in n for n in e.notes)


def test_renderers_read_as_text_and_markdown():
    from cli.explain_view import render_explanation as render

    e = explain(solve(PD))
    text = render(e, "text")
    md = render(e, "markdown")
    assert "Why the other outcomes are not equilibria" in text and "### Why each equilibrium holds" in md
    assert "Prisoner's Dilemma" in text
    from games.errors import InputError

    with pytest.raises(InputError):
        render(e, "html")
    assert json.loads(render(e, "json"))["dominance"]["dominance_solvable"] is True


def test_fast_dominance_for_large_games_agrees_with_the_core(rng):
    from games.solvers.dominance import dominant_strategies, iterated_elimination
    from games.explanations.explanation import _fast_dominance

    for _ in range(20):
        m, n = rng.integers(2, 7, size=2)
        A = rng.integers(0, 4, size=(m, n)).astype(float)
        B = rng.integers(0, 4, size=(m, n)).astype(float)
        g = from_bimatrix(A, B)
        fast = _fast_dominance(g)
        core = iterated_elimination(g, strict=True)
        assert fast.strict_elimination == {
            g.players[i]: [g.strategies[i][s] for s in alive] for i, alive in enumerate(core.surviving)
        }
        assert fast.strictly_dominant == {
            g.players[i]: g.strategies[i][s] for i, s in dominant_strategies(g, strict=True).items()
        }


def test_a_tie_makes_a_segment_and_the_explanation_says_so():
    from games.solvers.equilibrium import verify

    # Column's Left is strictly dominant; against Left the row player is indifferent
    g = from_bimatrix([[2, 1], [2, 0]], [[1, 0], [1, 0]], row_strategies=("Up", "Down"),
                      col_strategies=("Left", "Right"))
    e = explain(solve(g))
    assert any("(Up, Left) and (Down, Left) are the two ends of a segment of equilibria" in s for s in e.overview)
    for q in (0.25, 0.5, 0.9):  # every mixture between the two ends is an equilibrium too
        assert verify(g, [[q, 1 - q], [1.0, 0.0]]) is not None
    strict = explain(solve(PD))
    assert not any("segment" in s for s in strict.overview)


def test_a_small_real_margin_is_never_called_zero():
    # (Defect, Defect) holds by 0.003 for the row player and 1 for the column player; the
    # sentence must say 0.003, not "would lose 0" (2-decimal rounding said that once).
    tiny = from_bimatrix([[3, 0.997], [5, 1]], [[3, 5], [0, 1]])
    e = explain(solve(tiny))
    by = {o.profile: o for o in e.outcomes}
    dd = by[(tiny.strategies[0][1], tiny.strategies[1][1])]
    assert dd.is_equilibrium
    assert "would lose 0.003 by switching" in dd.sentence and "would lose 0 " not in dd.sentence
    cd = by[(tiny.strategies[0][0], tiny.strategies[1][1])]
    assert "gaining 0.003" in cd.sentence


def test_mixed_scale_game_explains_each_player_on_its_own_scale():
    # China's payoffs are in billions, the US's in units: (Defect, Defect) holds because the
    # US would lose 1 by cooperating, which a game-wide tolerance (1e-8 x 1e9 = 10) once
    # called indifference.
    big = from_bimatrix([[3, 0], [5, 1]], [[3e9, 5e9], [0, 1e9]], players=("US", "China"),
                        row_strategies=("Cooperate", "Defect"), col_strategies=("Cooperate", "Defect"))
    e = explain(solve(big))
    by = {o.profile: o for o in e.outcomes}
    assert [o.profile for o in e.outcomes if o.is_equilibrium] == [("Defect", "Defect")]
    assert "the US would lose 1 by switching to Cooperate" in by[("Defect", "Defect")].sentence
    assert "indifferent" not in by[("Defect", "Defect")].sentence
    assert not by[("Cooperate", "Defect")].is_equilibrium  # the US gains 1 by defecting
    assert e.dominance.strictly_dominant == {"US": "Defect", "China": "Defect"}


def test_one_player_with_tied_best_strategies_is_not_a_disagreement():
    solo = NormalFormGame(title="solo", players=("Me",), strategies=(("a", "b", "c"),), payoffs=(np.array([1.0, 1.0, 0.0]),))
    e = explain(solve(solo, "pure"))
    text = " ".join(e.selection.sentences)
    assert "disagree" not in text and "(a) and (b) pay Me the same" in text
