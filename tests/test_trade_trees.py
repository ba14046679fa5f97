"""Trade-model trees: same numbers as the 2×2 game, backward induction vs a hand oracle."""

from __future__ import annotations

import numpy as np
import pytest

from games.solvers.backward_induction import subgame_perfect_equilibria
from games.trade.parameters import PARAMETERS
from games.model.scenarios import load
from games.trade import payoffs, simultaneous_game
from games.trade.trees import china_first, snapback, us_first
from games.forms.tree import Terminal, walk
from games.explanations.tree_explain import explain_spe, first_mover_value


def _leaves(tree):
    return {n.outcome: tuple(float(v) for v in n.payoffs) for _, n in walk(tree.root) if isinstance(n, Terminal)}


def _random_params(rng):
    return {name: float(rng.uniform(p.low, p.high)) for name, p in PARAMETERS.items()}


def test_terminal_payoffs_are_the_simultaneous_game_cells():
    p = load("stockholm-2025").parameters
    U, V = simultaneous_game(p).payoffs
    leaves = _leaves(us_first(p))
    assert leaves["Relax, Supply"] == pytest.approx((U[1, 1], V[1, 1]))
    assert leaves["Restrict, Supply"] == pytest.approx((U[0, 1], V[0, 1]))
    assert _leaves(china_first(p))["Relax, Restrict"] == pytest.approx((U[1, 0], V[1, 0]))
    snap = _leaves(snapback(p))
    # documented: snapping back ends at x = 0 with China's answer standing
    assert snap["Relax, Supply, Snap back"] == pytest.approx((U[0, 1], V[0, 1]))
    assert snap["Relax, Restrict, Keep"] == pytest.approx((U[1, 0], V[1, 0]))


def _oracle_us_first(U, V):
    """Hand backward induction on the 2×2 matrices (assumes no ties): (x, y) reached."""
    reply = [int(np.argmax(V[x])) for x in (0, 1)]
    x = int(np.argmax([U[0, reply[0]], U[1, reply[1]]]))
    return x, reply[x]


def _oracle_snapback(U, V):
    keep = [int(np.argmax([U[1, y], U[0, y]])) for y in (0, 1)]  # 0 keep, 1 snap back
    end = [(1 if keep[y] == 0 else 0, y) for y in (0, 1)]
    y_after_relax = int(np.argmax([V[end[0]], V[end[1]]]))
    relax_value = U[end[y_after_relax]]
    y_after_restrict = int(np.argmax(V[0]))
    return (1, y_after_relax, keep[y_after_relax]) if relax_value > U[0, y_after_restrict] else (0, y_after_restrict, None)


def test_backward_induction_matches_a_hand_oracle_on_random_parameters(rng):
    for _ in range(40):
        p = _random_params(rng)
        U, V = (np.round(a, 12) for a in simultaneous_game(p).payoffs)
        tree = us_first(p)
        (eq,) = subgame_perfect_equilibria(tree)  # random parameters: no ties
        x, y = _oracle_us_first(U, V)
        assert eq.payoffs == pytest.approx((U[x, y], V[x, y]))
        # snapback has built-in ties (Relax then snap back can equal Restrict): every SPE
        # must give the US the oracle's value
        x, y, snap = _oracle_snapback(U, V)
        final_x = 0 if snap == 1 else x
        found = subgame_perfect_equilibria(snapback(p))
        assert all(eq.payoffs[0] == pytest.approx(U[final_x, y]) for eq in found)
        assert any(eq.payoffs == pytest.approx((U[final_x, y], V[final_x, y])) for eq in found)


def test_stockholm_us_first_reaches_the_deal_and_reciprocity_is_credible():
    p = load("stockholm-2025").parameters
    tree = us_first(p)
    (eq,) = subgame_perfect_equilibria(tree)
    assert eq.action(tree, ()) == 1 and eq.action(tree, (1,)) == 1  # Relax, then Supply
    from games.trade.trees import FOCUS, drivers

    expl = explain_spe(tree, eq, focus=FOCUS["us-first"], drivers=drivers(p))
    assert "Relax, Supply" in expl.outcome
    assert "reciprocity" in expl.credibility[0] and "is credible" in expl.credibility[0]
    assert "deal value" in expl.credibility[0]


def test_escalation_us_first_reciprocity_is_not_credible():
    p = load("escalation-2025").parameters
    tree = us_first(p)
    (eq,) = subgame_perfect_equilibria(tree)
    assert eq.action(tree, ()) == 0  # Restrict: the US foresees China restricting anyway
    from games.forms.reduced_form import reduced_normal_form
    from games.trade.trees import FOCUS

    rnf = reduced_normal_form(tree)
    expl = explain_spe(tree, eq, [[dict(x) for x in plans] for plans in rnf.plans], focus=FOCUS["us-first"])
    text = " ".join(expl.credibility)
    assert "reciprocity" in text and "not credible" in text and "promise" in text


def test_value_of_moving_first_compares_with_the_simultaneous_game():
    p = load("stockholm-2025").parameters
    U, _ = simultaneous_game(p).payoffs
    text = " ".join(first_mover_value(p, "us-first"))
    # simultaneous pure equilibria (Relax, Supply) and (Restrict, Restrict); moving first gets the deal
    gap = U[1, 1] - U[0, 0]
    assert f"{gap:g} more than the worst" in text
    assert "(Relax, Supply)" in text and "(Restrict, Restrict)" in text


def test_snapback_credible_threat_under_stockholm():
    p = load("stockholm-2025").parameters
    tree = snapback(p)
    (eq,) = subgame_perfect_equilibria(tree)
    U, _ = simultaneous_game(p).payoffs
    assert U[0, 0] > U[1, 0]  # so snapping back after Restrict is the US's best move
    assert eq.action(tree, (1, 0)) == 1 and eq.action(tree, (1, 1)) == 0


def test_snapback_explanation_reads_aloud():
    """'the US', short credibility bullets with the numbers, at most four non-SPE named."""
    from games.forms.reduced_form import nash_equilibria
    from games.trade.trees import FOCUS, drivers

    p = load("stockholm-2025").parameters
    tree = snapback(p)
    (eq,) = subgame_perfect_equilibria(tree)
    rnf, solution, behaviours = nash_equilibria(tree)
    nash = [(str(k), b) for k, b in enumerate(behaviours)]
    expl = explain_spe(tree, eq, [[dict(q) for q in plans] for plans in rnf.plans], nash,
                       drivers=drivers(p), focus=FOCUS["snapback"])
    assert expl.path[0].startswith("At the start: the US plays Relax")
    threat = next(s for s in expl.credibility if "threat to snap back" in s)
    # after Relax → Restrict: Snap back gives the US U(Restrict, Restrict), Keep U(Relax, Restrict)
    U, _ = simultaneous_game(p).payoffs
    assert threat.startswith("The US's threat to snap back if China restricts is credible")
    assert f"pays it {U[0, 0]:g} against {U[1, 0]:g} for Keep" in threat
    assert "ending at" not in threat  # the long path sentence is not repeated here
    not_spe = expl.not_subgame_perfect
    from games.solvers.backward_induction import behaviour_one_shot_gains

    failing = sum(1 for _, b in nash if max(behaviour_one_shot_gains(tree, b).values()) > 1e-9)
    assert failing > 4 and len(not_spe) == 5 and not_spe[-1].startswith(f"… and {failing - 4} more")
