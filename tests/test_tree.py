"""Game trees: validation, information sets, perfect recall, values under a profile."""

from __future__ import annotations

from fractions import Fraction

import pytest

from games.errors import InputError
from games.forms.tree import (
    Chance,
    Decision,
    GameTree,
    Terminal,
    has_perfect_recall,
    information_sets,
    is_perfect_information,
    node_values,
    pure_behaviour,
    reach_probabilities,
    walk,
)
from tests.tree_games import entry_deterrence, hidden_pennies, seltens_horse

T = Terminal


def test_walk_is_prefix_order():
    tree = entry_deterrence()
    assert [p for p, _ in walk(tree.root)] == [(), (0,), (1,), (1, 0), (1, 1)]


def test_information_sets_group_nodes_by_key():
    sets = information_sets(seltens_horse())
    by_player = {h.player: h for h in sets}
    assert by_player[2].paths == ((0, 1), (1,))
    assert not is_perfect_information(seltens_horse())
    assert is_perfect_information(entry_deterrence())


def test_values_and_reach_under_a_pure_plan():
    tree = entry_deterrence()
    sets = information_sets(tree)
    plan = {sets[0].ident: 1, sets[1].ident: 1}  # Enter, Accommodate
    behaviour = pure_behaviour(tree, plan)
    assert node_values(tree, behaviour)[()] == (1, 1)
    reach = reach_probabilities(tree, behaviour)
    assert reach[(1, 1)] == 1 and reach[(0,)] == 0


def test_chance_values_are_exact_with_fractions():
    tree = GameTree("c", ("A",), Chance(("x", "y"), (Fraction(1, 3), Fraction(2, 3)), (T((3,)), T((6,)))))
    assert node_values(tree, {})[()] == (5,)


@pytest.mark.parametrize(
    "root, message",
    [
        (Decision(0, ("a", "b"), (T((1, 2)), T((1,)))), "expected 2 payoffs"),
        (Decision(2, ("a",), (T((1, 2)),)), "player index 2"),
        (Decision(0, ("a", "a"), (T((1, 2)), T((1, 2)))), "repeated action labels"),
        (Decision(0, ("a", "b"), (T((1, 2)),)), "2 actions but 1 children"),
        (Chance(("a", "b"), (0.5, 0.6), (T((1, 2)), T((1, 2)))), "sum to 1.1"),
        (Chance(("a", "b"), (-0.5, 1.5), (T((1, 2)), T((1, 2)))), "negative"),
        (
            Decision(0, ("a", "b"), (
                Decision(1, ("x", "y"), (T((0, 0)), T((0, 0))), infoset="h"),
                Decision(1, ("x", "z"), (T((0, 0)), T((0, 0))), infoset="h"),
            )),
            "information set 'h'",
        ),
        (Decision(0, ("a",), (T((float("nan"), 1)),)), "NaN"),
    ],
)
def test_malformed_trees_are_rejected_with_one_line(root, message):
    with pytest.raises(InputError, match=message) as info:
        GameTree("bad", ("A", "B"), root)
    assert "\n" not in str(info.value)


def test_chance_moves_may_share_a_label():
    """Gambit's catalogue labels a fair coin "1/2", "1/2": nature's labels are only shown."""
    coin = Chance(("1/2", "1/2"), (Fraction(1, 2), Fraction(1, 2)), (T((2,)), T((4,))))
    assert node_values(GameTree("coin", ("A",), coin), {})[()] == (3,)


def test_perfect_recall_detects_a_forgetful_player():
    # Player A moves, then (not remembering its move) moves again in one information set.
    forgetful = GameTree(
        "absent-minded",
        ("A",),
        Decision(0, ("l", "r"), (
            Decision(0, ("x", "y"), (T((1,)), T((0,))), infoset="later"),
            Decision(0, ("x", "y"), (T((0,)), T((2,))), infoset="later"),
        )),
    )
    assert not has_perfect_recall(forgetful)
    assert has_perfect_recall(seltens_horse())
    assert has_perfect_recall(hidden_pennies())
