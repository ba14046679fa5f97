"""Perfection in the agent normal form of small trees (games/solvers/agent_form_perfection.py).

Answers are Selten's (1975) and derived by hand in the comments; never the code's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from games.solvers.agent_form_perfection import MAX_AGENT_FORM_INFOSETS, agent_form_perfect, check_size
from games.solvers.backward_induction import subgame_perfect
from games.errors import InputError
from games.forms.tree import information_sets, pure_behaviour
from tests.tree_games import (
    many_ties,
    selten_figure_2,
    selten_figure_3,
    seltens_horse,
    seltens_horse_1975,
    tied_follower,
)


def _behaviour(tree, *labels):
    """Pure behaviour, one action label per information set in prefix order (None: unset)."""
    sets = information_sets(tree)
    assert len(labels) == len(sets)
    return {h.ident: None if a is None else tuple(1.0 if b == a else 0.0 for b in h.actions)
            for h, a in zip(sets, labels)}


def test_seltens_horse_the_textbook_answer():
    # Selten 1975, Figure 1. (C, c, R) is perfect: 3's information set is reached only by
    # mistakes, by 1's slip to D (then L pays 3 two, R nothing) or 2's slip to d (L nothing,
    # R one); R is a best reply whenever P(d) ≥ 2 P(D), and 1 and 2 keep strict best replies.
    tree = seltens_horse_1975()
    good = agent_form_perfect(tree, _behaviour(tree, "C", "c", "R"))
    assert good.perfect is True and "numerical" in good.reason
    assert good.trembles is not None and all(min(p) > 0 for p in good.trembles.values())
    # (D, c, L) is the unreasonable equilibrium: 2's c is never tested, but if 1 slips to C,
    # d (then 3's L: payoff 4) beats c (payoff 1) for 2.
    bad = agent_form_perfect(tree, _behaviour(tree, "D", "c", "L"))
    assert bad.perfect is False
    assert bad.failure == ("2", "after C", "c", "d")
    assert "if 1 mistakenly plays C at the start, d pays 2 more than c" in bad.reason


def test_seltens_horse_variant_with_a_tremble_against_player_2():
    # The variant in tests.tree_games (after (C, d): L (4, 4, 0), R (1, 1, 1)), by hand:
    # (C, c, R) is not perfect — if 3 slips to L, d pays 2 the amount 4q + (1 − q) > 1 = c;
    # (C, d, R) is perfect (3 is reached and R is strict there; d is then a best reply and 1's
    # C strict); (D, c, L) is not (if 1 slips to C, d pays 2 four, c one).
    tree = seltens_horse()
    assert agent_form_perfect(tree, _behaviour(tree, "C", "c", "R")).perfect is False
    assert agent_form_perfect(tree, _behaviour(tree, "C", "d", "R")).perfect is True
    assert agent_form_perfect(tree, _behaviour(tree, "D", "c", "L")).perfect is False


def test_selten_figure_3_independent_mistakes():
    # Selten 1975, Figure 3 (information sets: 1 at the root, 3, 2, 1 again).
    # (L, L, L, L) is perfect in the agent form: 3's set is reached at x by 1's first slip and
    # at y by two slips (2 to R and 1's second agent to R); with the first slip much rarer,
    # 3 weighs y more and L (5 there) is its best reply; everyone else is strict.
    tree = selten_figure_3()
    assert agent_form_perfect(tree, _behaviour(tree, "L", "L", "L", "L")).perfect is True
    # (R, R, L, ·) — 1 goes to x, 3 plays R there, 2 plays L — is perfect in the normal form
    # (Selten's point) but not in the agent form: 1's second agent must best-reply to 3's R
    # (R pays 4 > 2), and then 2's R pays 4 > 3, so 2's L is punished by 1's slip to L.
    assert agent_form_perfect(tree, _behaviour(tree, "R", "R", "L", "R")).perfect is False
    assert agent_form_perfect(tree, _behaviour(tree, "R", "R", "L", "L")).perfect is False
    # left open (1's own first move rules its second set out): every completion fails
    unset = agent_form_perfect(tree, _behaviour(tree, "R", "R", "L", None))
    assert unset.perfect is False


def test_selten_figure_3_normal_form_perfect_equilibrium():
    # ... while in the reduced normal form (1: R, (L, R), (L, L)) the profile (R, L, R) is
    # perfect (Selten 1975): 2's L beats R once 1's slip to (L, L) is at least a third as
    # likely as to (L, R): 3 (P(LR) + P(LL)) ≥ 4 P(LR).
    from games.solvers.equilibrium import verify
    from games.forms.reduced_form import reduced_normal_form
    from games.solvers.refinements import refine

    game = reduced_normal_form(selten_figure_3()).game
    eq = verify(game, [[1, 0, 0], [0, 1], [1, 0]])
    assert eq is not None
    r = refine(game, eq)
    assert r.perfect is True and r.method == "tremble search"


def test_selten_figure_2_subgame_perfect_is_perfect():
    # Selten 1975, Figure 2: backward induction gives 1's l, then 2's R, then 1's R: unique
    # and strict where it is made, so perfect; (R, R, r) is Nash (the second move is never
    # reached) but 1's own later r is punished when 1's first move may slip.
    tree = selten_figure_2()
    (spe,) = subgame_perfect(tree).equilibria
    assert agent_form_perfect(tree, pure_behaviour(tree, spe.plan)).perfect is True
    bad = agent_form_perfect(tree, _behaviour(tree, "R", "R", "r"))
    assert bad.perfect is False and bad.failure[2:] == ("r", "l")


def test_subgame_perfect_but_not_perfect():
    # Tied follower, by hand: 2 is indifferent, so (A, C), (A, D) and (B, C) are all subgame
    # perfect; B pays 1 only if 2 never slips to D (then 0), while A pays 1 for sure, so B is
    # punished by a tremble; (A, C) and (A, D) are perfect (2 is indifferent whatever happens).
    tree = tied_follower()
    found = subgame_perfect(tree)
    verdicts = {}
    for spe in found.equilibria:
        labels = tuple(tree.node(()).actions[k] if ident[0] == 0 else "CD"[k] for ident, k in spe.choices)
        verdicts[labels] = agent_form_perfect(tree, pure_behaviour(tree, spe.plan))
    assert set(verdicts) == {("A", "C"), ("A", "D"), ("B", "C")}
    assert verdicts[("A", "C")].perfect and verdicts[("A", "D")].perfect
    bad = verdicts[("B", "C")]
    assert bad.perfect is False
    assert "if 2 mistakenly plays D after B, A pays 1 more than B" in bad.reason


def test_trade_us_first_tree():
    # The trade model's us-first tree at the defaults has no ties (checked: one SPE), so each
    # move is the mover's unique best reply in its subgame: under small trembles the values
    # move by O(ε) and every strict preference survives, so the SPE is perfect.
    from games.trade.parameters import PARAMETERS
    from games.trade.trees import us_first

    tree = us_first({k: v.default for k, v in PARAMETERS.items()})
    found = subgame_perfect(tree)
    assert found.count == 1 and not found.has_mixed
    (spe,) = found.equilibria
    assert agent_form_perfect(tree, pure_behaviour(tree, spe.plan)).perfect is True


def test_large_tree_is_refused_with_what_fits():
    tree = many_ties(MAX_AGENT_FORM_INFOSETS + 1)
    with pytest.raises(InputError) as err:
        check_size(tree)
    message = str(err.value)
    assert "\n" not in message and f"at most 400 nodes and {MAX_AGENT_FORM_INFOSETS} information sets" in message


def test_gambit_catalogue_horse_agrees_when_installed():
    # The same game read from Gambit's own catalogue file, labels as Gambit names them:
    # 1 "R" = continue, 2 "R" = stop, 3 "L" = our R.
    pygambit = pytest.importorskip("pygambit")
    path = Path(pygambit.__file__).parent / "catalog_data" / "journals" / "ijgt" / "selten1975" / "fig1.efg"
    if not path.exists():
        pytest.skip("Gambit's catalogue is not installed")
    from games.formats.efg import read_efg

    tree = read_efg(path)
    assert agent_form_perfect(tree, _behaviour(tree, "R", "R", "L")).perfect is True
    assert agent_form_perfect(tree, _behaviour(tree, "L", "R", "R")).perfect is False


def test_entry_deterrence_and_hidden_pennies():
    # Entry deterrence: Fight is weakly dominated for the incumbent (it loses whenever entry
    # happens), so (Out, Fight) — and any equilibrium where Fight has weight — is not
    # perfect; (Enter, Accommodate) is strict. Hidden pennies: the ½–½ equilibrium is
    # completely mixed, every action a best reply, so it is perfect.
    from tests.tree_games import entry_deterrence, hidden_pennies

    tree = entry_deterrence()
    out_fight = agent_form_perfect(tree, _behaviour(tree, "Out", "Fight"))
    assert out_fight.perfect is False and "Fight after Enter" in out_fight.reason
    assert agent_form_perfect(tree, _behaviour(tree, "Enter", "Accommodate")).perfect is True
    sets = information_sets(hidden_pennies())
    half = {h.ident: (0.5, 0.5) for h in sets}
    assert agent_form_perfect(hidden_pennies(), half).perfect is True


def test_a_profile_that_is_not_an_equilibrium_is_refused():
    tree = selten_figure_2()
    with pytest.raises(ValueError):
        agent_form_perfect(tree, _behaviour(tree, "L", "R", "l"))  # 1 gets 0; R at the start pays 1
