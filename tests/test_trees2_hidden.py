"""Hidden-input checks of game trees and Gambit `.efg` files (helper trees2).

Each expected answer is derived by hand in the test (fractions) or taken from Gambit
through pygambit; none is tradegame's own output.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from tests.test_hostile_cli import _run_main

#: Out (1/2 for P1) or In, then matching pennies in which P2 cannot see P1's coin.
#: Reduced normal form: Out, In-H, In-T against h, t. Hand derivation: Out is a best reply
#: while P2 plays h with probability q in [1/4, 3/4] (In-H pays 2q - 1, In-T pays 1 - 2q);
#: the extreme equilibria are (Out, q = 3/4) and (Out, q = 1/4).
OUT_OR_PENNIES = """EFG 2 R "out or pennies" { "P1" "P2" } ""
p "" 1 1 "" { "Out" "In" } 0
t "" 1 "out" { 1/2 0 }
p "" 1 2 "" { "H" "T" } 0
p "" 2 1 "" { "h" "t" } 0
t "" 2 "" { 1 -1 }
t "" 3 "" { -1 1 }
p "" 2 1 "" { "h" "t" } 0
t "" 3 "" { -1 1 }
t "" 2 "" { 1 -1 }
"""

#: Entry deterrence with Gambit-style labels P1, P2.
ENTRY = """EFG 2 R "entry" { "P1" "P2" } ""
p "" 1 1 "" { "Out" "In" } 0
t "" 1 "O" { 0 2 }
p "" 2 1 "" { "Fight" "Acc" } 0
t "" 2 "F" { -1 -1 }
t "" 3 "A" { 1 1 }
"""


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_tree_picture_of_an_imperfect_information_file_is_drawn(tmp_path):
    """`plot tree` on an .efg whose equilibrium leaves a player's own later move open
    (P1 plays Out, so its coin after In is never reached): an internal error before
    (reach_probabilities took the open set's None for a list of probabilities)."""
    pytest.importorskip("matplotlib")
    efg = _write(tmp_path, "pennies.efg", OUT_OR_PENNIES)
    out = tmp_path / "tree.png"
    run = _run_main(["plot", "tree", str(efg), "-o", str(out)])
    assert run.exit_code == 0, run.stderr
    assert out.stat().st_size > 0


def test_reach_under_a_behaviour_with_an_open_information_set():
    from games.formats.efg import parse_efg
    from games.forms.tree import reach_probabilities

    tree = parse_efg(OUT_OR_PENNIES)
    behaviour = {(0, "1"): (1, 0), (0, "2"): None, (1, "1"): (Fraction(3, 4), Fraction(1, 4))}
    reach = reach_probabilities(tree, behaviour)
    assert reach[(0,)] == 1 and reach[(1,)] == 0
    assert all(reach[p] == 0 for p in [(1, 0), (1, 1), (1, 0, 0), (1, 1, 1)])


def test_imperfect_information_equilibria_are_the_hand_derived_extreme_points(tmp_path):
    efg = _write(tmp_path, "pennies.efg", OUT_OR_PENNIES)
    run = _run_main(["solve", str(efg), "--format", "json"])
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    found = sorted(
        (tuple(round(x, 9) for x in e["profile"][0]), tuple(round(x, 9) for x in e["profile"][1]))
        for e in data["equilibria"]
    )
    assert found == [((1.0, 0.0, 0.0), (0.25, 0.75)), ((1.0, 0.0, 0.0), (0.75, 0.25))]
    assert all(e["payoffs"] == [0.5, 0.0] for e in data["equilibria"])


def test_a_label_with_a_digit_is_not_an_acronym_in_explanations(tmp_path):
    """Gambit files name players 'P1', 'P2': 'the P2 would gain' read wrongly."""
    efg = _write(tmp_path, "entry.efg", ENTRY)
    run = _run_main(["explain", str(efg)])
    assert run.exit_code == 0, run.stderr
    assert "the P2" not in run.stdout and "The P2" not in run.stdout
    assert "P2 would gain by announcing \"Fight after In\"" in run.stdout
    from games.explanations.wording import who

    assert who("US") == "the US" and who("P2") == "P2"


def test_labels_with_edge_or_double_spaces_are_written_so_gambit_reads_them():
    """Gambit refuses a label that begins or ends with a space or holds two in a row
    ('Invalid label'), so an .efg with the action ' b' or the player 'P  2' read by
    tradegame was written back as a file Gambit could not open; the spaces survive a round
    trip through Gambit intact."""
    gbt = pytest.importorskip("pygambit")
    import io

    from games.formats.efg import parse_efg, to_efg
    from games.forms.tree import Chance, Decision, GameTree, Terminal, walk

    root = Chance(("left ", "right"), (Fraction(1, 3), Fraction(2, 3)), (
        Decision(0, (" a", "b  c"), (Terminal((1, -1), outcome=" o"), Terminal((Fraction(1, 7), 2), name="x  "))),
        Decision(1, ("Ω", " "), (Terminal((0, 3)), Terminal((2, 0))), name=" n", infoset_name="two  sp"),
    ))
    tree = GameTree("spaces", ("P  1", " P2 "), root)
    text = to_efg(tree)
    game = gbt.read_efg(io.StringIO(text))
    assert [p.label for p in game.players] == ["P &#32;1", "&#32;P2&#32;"]
    back = parse_efg(game.to_efg())
    assert back.players == tree.players
    assert [(getattr(n, "actions", None), getattr(n, "payoffs", None)) for _, n in walk(back.root)] == [
        (getattr(n, "actions", None), getattr(n, "payoffs", None)) for _, n in walk(tree.root)
    ]
    assert back.node((1,)).name == " n" and back.node((1,)).infoset_name == "two  sp"


def test_strategy_labels_with_edge_spaces_are_written_so_gambit_reads_them():
    gbt = pytest.importorskip("pygambit")
    import io

    import numpy as np

    from games.formats.nfg import parse_nfg, to_nfg
    from games.forms.normal_form import NormalFormGame

    game = NormalFormGame("g", (" Row", "Col  "), ((" up", "down "), ("a  b",)),
                          (np.array([[1.0], [2.0]]), np.array([[3.0], [4.0]])))
    theirs = gbt.read_nfg(io.StringIO(to_nfg(game)))
    assert len(theirs.players) == 2
    ours, _ = parse_nfg(theirs.to_nfg())
    assert ours.players == game.players and [list(s) for s in ours.strategies] == [[" up", "down "], ["a  b"]]


# --- subgame perfection with imperfect information ------------------------------------

#: P1 takes Out (3/2 for P1, 0 for P2) or goes In to a battle of the sexes in which P2
#: does not see P1's move. Hand derivation: the subgame's equilibria are (F, F) paying
#: (2, 1), (O, O) paying (1, 2), and the mixed one (P1 F 2/3, P2 F 1/3) paying (2/3, 2/3).
#: Backward induction on each: In (2 > 3/2), Out (1 < 3/2), Out (2/3 < 3/2).
OUT_OR_BATTLE = """EFG 2 R "out or battle" { "P1" "P2" } ""
p "" 1 1 "" { "Out" "In" } 0
t "" 1 "out" { 3/2 0 }
p "" 1 2 "" { "F" "O" } 0
p "" 2 1 "" { "f" "o" } 0
t "" 2 "FF" { 2 1 }
t "" 3 "miss" { 0 0 }
p "" 2 1 "" { "f" "o" } 0
t "" 3 "miss" { 0 0 }
t "" 4 "OO" { 1 2 }
"""


def _behaviour_by_set(entry) -> dict:
    return {(b["player"], b["information_set"]): tuple(round(p, 9) for p in b["probabilities"])
            for b in entry["behaviour"]}


def test_out_or_pennies_has_its_one_subgame_perfect_equilibrium(tmp_path):
    """Neither extreme Nash equilibrium (P2 mixing 3/4 or 1/4) is subgame perfect: in the
    pennies subgame both must mix 1/2 - 1/2, and then Out (1/2 > 0). Before, no
    subgame-perfect equilibrium of an imperfect-information tree was reported at all."""
    efg = _write(tmp_path, "pennies.efg", OUT_OR_PENNIES)
    data = json.loads(_run_main(["solve", str(efg), "--format", "json"]).stdout)
    assert data["proper_subgames"] == [[1]]
    [spe] = data["subgame_perfect_equilibria"]
    assert _behaviour_by_set(spe) == {("P1", "1"): (1.0, 0.0), ("P1", "2"): (0.5, 0.5), ("P2", "1"): (0.5, 0.5)}
    assert spe["payoffs"] == [0.5, 0.0]
    assert data["subgame_perfect_complete"] is True
    text = " ".join(_run_main(["solve", str(efg)]).stdout.split())
    assert "Subgame-perfect equilibria, subgame by subgame: 1" in text
    assert "P2 plays h 0.5, t 0.5 after In → H or In → T" in text


def test_out_or_battle_has_three_subgame_perfect_equilibria_by_hand(tmp_path):
    efg = _write(tmp_path, "battle.efg", OUT_OR_BATTLE)
    data = json.loads(_run_main(["solve", str(efg), "--format", "json"]).stdout)
    third, two_thirds = round(1 / 3, 9), round(2 / 3, 9)
    found = sorted((tuple(e["payoffs"]), sorted(_behaviour_by_set(e).items()))
                   for e in data["subgame_perfect_equilibria"])
    expected = sorted([
        ((2.0, 1.0), [(("P1", "1"), (0.0, 1.0)), (("P1", "2"), (1.0, 0.0)), (("P2", "1"), (1.0, 0.0))]),
        ((1.5, 0.0), [(("P1", "1"), (1.0, 0.0)), (("P1", "2"), (0.0, 1.0)), (("P2", "1"), (0.0, 1.0))]),
        ((1.5, 0.0), [(("P1", "1"), (1.0, 0.0)), (("P1", "2"), (two_thirds, third)), (("P2", "1"), (third, two_thirds))]),
    ])
    assert found == expected


def test_a_tree_without_proper_subgames_marks_every_nash_equilibrium_subgame_perfect(tmp_path):
    """Matching pennies as a tree: the only subgame is the whole game."""
    text = """EFG 2 R "pennies" { "P1" "P2" } ""
p "" 1 1 "" { "H" "T" } 0
p "" 2 1 "" { "h" "t" } 0
t "" 1 "" { 1 -1 }
t "" 2 "" { -1 1 }
p "" 2 1 "" { "h" "t" } 0
t "" 2 "" { -1 1 }
t "" 1 "" { 1 -1 }
"""
    data = json.loads(_run_main(["solve", str(_write(tmp_path, "mp.efg", text)), "--format", "json"]).stdout)
    assert [e["subgame_perfect"] for e in data["equilibria"]] == [True]
    assert "no proper subgame" in data["note"] and "subgame_perfect_equilibria" not in data


def test_subgames_and_their_equilibria_on_random_trees_against_a_definition_check():
    """Random trees with chance, hidden moves and shared outcomes (test_oracle_hidden_games'
    generator): the proper subgames are the oracle's, and every equilibrium listed leaves
    no player a gain in any subgame (the oracle's brute-force regret over pure strategies)."""
    import numpy as np

    from games.formats.efg import parse_efg
    from games.forms.tree import Decision
    from games.solvers.subgame_perfection import proper_subgame_roots, subgame_perfect_by_subgames
    from tests.test_oracle_hidden_games import _Tree

    for seed, players in [(1, 2), (4, 2), (7, 2), (12, 2), (101, 3), (104, 3)]:
        oracle = _Tree(seed, players, depth=3)
        tree = parse_efg(oracle.efg())
        roots = {x["path"] for x in oracle.subgame_roots()} - {()}
        assert {p for p in proper_subgame_roots(tree) if isinstance(tree.node(p), Decision)} == roots
        found = subgame_perfect_by_subgames(tree)
        assert found.equilibria, seed
        for e in found.equilibria:
            beh = {x["set"]: np.array(e.behaviour[(x["set"][0], str(x["set"][1]))]) for x in oracle.decisions()}
            assert np.allclose(oracle.value(oracle.root, beh), e.payoffs)
            for root in [oracle.root] + oracle.subgame_roots():
                assert oracle.regret(beh, root) <= 1e-7, seed


#: P1 moves twice and forgets its first move: imperfect recall.
FORGETFUL = """EFG 2 R "forgetful" { "A" "B" } ""
p "" 1 1 "" { "a" "b" } 0
p "" 1 2 "" { "c" "d" } 0
t "" 1 "" { 1 2 }
t "" 2 "" { 2 2 }
p "" 1 2 "" { "c" "d" } 0
t "" 1 "" { 1 2 }
t "" 2 "" { 2 2 }
"""


@pytest.mark.parametrize("command", [["solve"], ["explain"], ["solve", "--format", "json"], ["report"], ["plot", "tree"]])
def test_imperfect_recall_is_refused_in_one_line_naming_the_file(tmp_path, command):
    efg = _write(tmp_path, "forgetful.efg", FORGETFUL)
    extra = []
    if command[0] in ("report", "plot"):
        pytest.importorskip("matplotlib")
        extra = ["-o", str(tmp_path / ("out.md" if command[0] == "report" else "out.png"))]
    run = _run_main([*command, str(efg), *extra])
    assert run.exit_code == 2 and not run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and str(efg) in lines[0] and "imperfect recall" in lines[0]
    assert not list(tmp_path.glob("out*"))


def test_the_subgame_check_catches_a_nash_equilibrium_that_is_not_subgame_perfect():
    """(Out; H after In; P2 h 3/4) is a Nash equilibrium, but in the pennies subgame P2,
    facing H for sure, gets 3/4·(-1) + 1/4·1 = -1/2 and would get 1 with t: a gain of 3/2."""
    from games.formats.efg import parse_efg
    from games.solvers.subgame_perfection import max_deviation_gain, proper_subgame_roots

    tree = parse_efg(OUT_OR_PENNIES)
    profile = {(0, "1"): (1.0, 0.0), (0, "2"): (1.0, 0.0), (1, "1"): (0.75, 0.25)}
    assert max_deviation_gain(tree, profile, proper_subgame_roots(tree)) == pytest.approx(1.5)
    assert max_deviation_gain(tree, {**profile, (0, "2"): (0.5, 0.5), (1, "1"): (0.5, 0.5)},
                              proper_subgame_roots(tree)) == pytest.approx(0.0)


def _centipede_then_pennies(n: int) -> str:
    """n alternating go/stop moves (stop pays the mover 1, the other 0), then matching
    pennies: each subgame after k moves is proper, the last one has value 0 for both."""
    def build(k):
        if k == n:
            return ['p "" 1 999 "" { "H" "T" } 0', 'p "" 2 999 "" { "h" "t" } 0', 't "" 1 "" { 1 -1 }',
                    't "" 2 "" { -1 1 }', 'p "" 2 999 "" { "h" "t" } 0', 't "" 2 "" { -1 1 }', 't "" 1 "" { 1 -1 }']
        mover = k % 2
        stop = "{ 1 0 }" if mover == 0 else "{ 0 1 }"
        return [f'p "" {mover + 1} {k + 1} "" {{ "go" "stop" }} 0', *build(k + 1), f't "" {k + 3} "" {stop}']
    return 'EFG 2 R "centipede, then pennies" { "P1" "P2" } ""\n' + "\n".join(build(0)) + "\n"


def test_a_long_perfect_information_stretch_before_a_simultaneous_stage_is_solved_by_subgames():
    """150 proper subgames (more than the first limit of 100, which left such trees
    unsolved); by hand: the pennies stage is worth 0 to each, so the last mover stops
    (1 > 0), and so does every mover before: P1 stops at once, payoffs (1, 0)."""
    from games.formats.efg import parse_efg
    from games.solvers.subgame_perfection import subgame_perfect_by_subgames

    tree = parse_efg(_centipede_then_pennies(150))
    found = subgame_perfect_by_subgames(tree)
    assert len(found.roots) == 150 and found.complete
    [spe] = found.equilibria
    assert spe.payoffs == (1.0, 0.0)
    assert all(spe.behaviour[(k % 2, str(k + 1))] == (0.0, 1.0) for k in range(150))
    assert spe.behaviour[(0, "999")] == (0.5, 0.5) and spe.behaviour[(1, "999")] == (0.5, 0.5)


@pytest.mark.parametrize("value", [1e20, -1e16, 1e-20, -2.5e-7, 0.00005, 1 / 3, 12.5])
def test_float_payoffs_are_written_in_digits_gambit_reads(value):
    """Python writes 1e20 as '1e+20' and 5e-05 with an exponent, which Gambit refuses
    ('Invalid value'): a trade tree or game with such a float payoff exported to .efg or
    .nfg could not be opened in Gambit. Both files must give back the same float."""
    gbt = pytest.importorskip("pygambit")
    import io

    import numpy as np

    from games.formats.efg import parse_efg, to_efg
    from games.formats.nfg import to_nfg
    from games.forms.normal_form import NormalFormGame
    from games.forms.tree import Decision, GameTree, Terminal

    tree = GameTree("f", ("A", "B"), Decision(0, ("a", "b"), (Terminal((value, 0)), Terminal((0, 1)))))
    text = to_efg(tree)
    theirs = gbt.read_efg(io.StringIO(text))
    assert float(theirs.root.children["a"].outcome["A"]) == value
    assert float(parse_efg(text).root.children[0].payoffs[0]) == value
    game = NormalFormGame("g", ("A", "B"), (("x", "y"), ("z",)), (np.array([[value], [1.0]]), np.array([[0.0], [2.0]])))
    nfg = gbt.read_nfg(io.StringIO(to_nfg(game)))
    assert float(nfg["x", "z"]["A"]) == value


def test_solve_lists_the_first_subgame_perfect_equilibria_and_explain_all(tmp_path):
    """Out-or-pennies with every payoff 0: each of the pennies subgame's 4 pure profiles is
    an extreme equilibrium, and P1 is indifferent between Out and In after each: 8."""
    text = OUT_OR_PENNIES.replace("{ 1/2 0 }", "{ 0 0 }").replace("{ 1 -1 }", "{ 0 0 }").replace("{ -1 1 }", "{ 0 0 }")
    efg = _write(tmp_path, "zero.efg", text)
    data = json.loads(_run_main(["solve", str(efg), "--format", "json"]).stdout)
    assert len(data["subgame_perfect_equilibria"]) == 8
    short = _run_main(["solve", str(efg)]).stdout
    assert "(5 more: `tradegame explain` or --format json lists them all)" in short
    assert "Subgame-perfect equilibria, subgame by subgame: 8" in _run_main(["explain", str(efg)]).stdout
