"""Gambit .efg files: own parser and writer, checked against pygambit where installed."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from games.formats.efg import parse_efg, read_efg, to_efg
from games.errors import InputError
from games.forms.reduced_form import nash_equilibria
from games.forms.tree import Chance, Decision, GameTree, Terminal, information_sets, walk
from tests.tree_games import centipede, entry_deterrence, hidden_pennies, seltens_horse, ultimatum

TEXTBOOK = [entry_deterrence, ultimatum, centipede, seltens_horse, hidden_pennies]


def _leaves(tree):
    return [tuple(Fraction(v) for v in n.payoffs) for _, n in walk(tree.root) if isinstance(n, Terminal)]


def _shape(tree):
    """Structure without payoffs: (kind, player, actions, probabilities) in prefix order."""
    out = []
    for _, n in walk(tree.root):
        if isinstance(n, Decision):
            out.append(("p", n.player, n.actions))
        elif isinstance(n, Chance):
            out.append(("c", n.actions, tuple(Fraction(p) for p in n.probabilities)))
        else:
            out.append(("t",))
    return out


def _groups(tree):
    return sorted(tuple(h.paths) for h in information_sets(tree))


@pytest.mark.parametrize("build", TEXTBOOK)
def test_own_round_trip(build):
    tree = build()
    back = parse_efg(to_efg(tree), "mem.efg")
    assert _shape(back) == _shape(tree) and _leaves(back) == _leaves(tree)
    assert _groups(back) == _groups(tree)
    assert to_efg(back) == to_efg(tree)


def test_header_and_node_lines_follow_gambit_format():
    text = to_efg(entry_deterrence())
    assert text.splitlines()[0] == 'EFG 2 R "Entry deterrence" { "Entrant" "Incumbent" }'
    assert 'p "" 1 1 "" { "Out" "Enter" } 0' in text
    assert 't "" 1 "" { 0, 2 }' in text


def test_reused_outcomes_and_infosets_may_omit_their_blocks(tmp_path):
    text = '''EFG 2 R "short" { "A" "B" } "a comment"
p "root" 1 1 "" { "l" "r" } 0
p "" 2 1 "B's set" { "x" "y" } 0
t "" 1 "win" { 1 -1 }
t "" 2 "lose" { -1, 1 }
p "" 2 1 0
t "" 2
t "" 1
'''
    path = tmp_path / "short.efg"
    path.write_text(text)
    tree = read_efg(path)
    assert tree.comment == "a comment"
    assert _leaves(tree) == [(1, -1), (-1, 1), (-1, 1), (1, -1)]
    assert [len(h.paths) for h in information_sets(tree)] == [1, 2]
    assert information_sets(tree)[1].name == "B's set"


def test_payoffs_at_inner_nodes_are_added_to_every_play_through_them():
    text = '''EFG 2 R "inner" { "A" "B" } ""
p "" 1 1 "" { "l" "r" } 1 "entry fee" { -1/2 0 }
t "" 2 "" { 3 3 }
t "" 0
'''
    tree = parse_efg(text)
    assert _leaves(tree) == [(Fraction(5, 2), 3), (Fraction(-1, 2), 0)]


def test_an_outcome_or_chance_set_given_again_with_the_same_numbers_is_accepted():
    # Repeating a definition word for word (as some Gambit files do) is not a conflict.
    text = '''EFG 2 R "again" { "A" } ""
c "" 1 "" { "h" 1/2 "t" 1/2 } 0
c "" 2 "" { "x" 1/2 "y" 0.5 } 0
t "" 1 "one" { 1 }
t "" 2 "" { 0 }
c "" 2 "" { "x" 1/2 "y" 1/2 } 0
t "" 1 "one" { 1.0 }
t "" 1 "" { 1 }
'''
    tree = parse_efg(text)
    assert _leaves(tree) == [(1,), (0,), (1,), (1,)]


@pytest.mark.parametrize(
    "text, message",
    [
        ('NFG 1 R "x" { "A" }', "expected 'EFG'"),
        ('EFG 2 R "x" { "A" } p "" 2 1 "" { "a" } 0 t "" 0', "player number must be an integer 1 to 1"),
        ('EFG 2 R "x" { "A" } p "" 1 1 "" { "a" "b" } 0 t "" 3', "outcome 3 is used before its payoffs"),
        ('EFG 2 R "x" { "A" } t "" 1 "" { 1 2 }', "outcome 1 has 2 payoffs, expected 1"),
        ('EFG 2 R "x" { "A" } t "" 0 t "" 0', "unexpected 't' after the last node"),
        ('EFG 2 R "x" { "A" } q "" 0', "expected a node type"),
        ('EFG 2 R "x" { "A" } p "" 1 1 "" { "a" "b" } 0 t "" 0', "expected a node type 'p', 'c' or 't', got end of file"),
        ('EFG 2 R "x" { "A" } c "" 1 "" { "a" 1/2 "b" 1/3 } 0 t "" 0 t "" 0', "sum to 0.833333"),
        ('EFG 2 R "x" { "A" } p "" 1 7 0', "action list of new information set 7"),
        ('EFG 2 R "x" { "A" } t "" 1 "" { 1e999 }', "out of range"),
        ('EFG 2 R "x" { "A" } t "" 1 "" { inf }', "expected a payoff of outcome 1, got 'inf'"),
        ('EFG 2 R "x" { "A" } t "" 1 "" { NaN }', "expected a payoff of outcome 1, got 'NaN'"),
        ('EFG 2 R "x" { "A" "B" } t "" 1 "" { 1 2 3 }', "outcome 1 has 3 payoffs, expected 2"),
        # a file cut short inside a quoted name: where, and why, not a character offset
        ('EFG 2 R "x" { "A" }\n"a comment cut sh', r"line 2, column 1: a quoted string is never closed"),
        ('EFG 2 R "x" { "A" } p "" 1 1 "" { "a" "a" } 0 t "" 0 t "" 0', "repeated action labels"),
        # one outcome number is one outcome, one chance set one lottery: a second, different
        # definition is refused (as Gambit refuses it), not silently used for its own node
        ('EFG 2 R "x" { "A" } p "" 1 1 "" { "a" "b" } 0 t "" 1 "" { 1 } t "" 1 "" { 5 }',
         r"outcome 1 has payoffs \{ 1 \} earlier but \{ 5 \} at node 3"),
        ('EFG 2 R "x" { "A" } p "" 1 1 "" { "a" "b" } 1 "" { 1 } t "" 1 "" { 2 } t "" 0',
         r"outcome 1 has payoffs \{ 1 \} earlier but \{ 2 \} at node 2"),
        ('EFG 2 R "x" { "A" } c "" 1 "" { "h" 1/2 "t" 1/2 } 0 c "" 2 "" { "a" 1/3 "b" 2/3 } 0 t "" 0 t "" 0 '
         'c "" 2 "" { "a" 1/2 "b" 1/2 } 0 t "" 0 t "" 0',
         r'chance information set 2 has moves \{ "a" 1/3 "b" 2/3 \} earlier but \{ "a" 1/2 "b" 1/2 \}'),
    ],
)
def test_malformed_files_give_one_line_naming_the_file(text, message):
    with pytest.raises(InputError, match=message) as info:
        parse_efg(text, "bad.efg")
    assert str(info.value).startswith("bad.efg: ") and "\n" not in str(info.value)


def test_unreadable_file(tmp_path):
    with pytest.raises(InputError, match="cannot read file"):
        read_efg(tmp_path / "missing.efg")


# ------------------------------------------------------------------ pygambit oracle
def _gambit_leaves(game):
    """Terminal payoffs in prefix order, summing outcomes along each path (Gambit's meaning)."""
    out = []

    def visit(node, acc):
        try:  # pygambit 16.7 returns a null outcome that raises KeyError when indexed
            acc = [a + Fraction(str(node.outcome[p])) for a, p in zip(acc, game.players)]
        except KeyError:
            pass
        if node.is_terminal:
            out.append(tuple(acc))
        for child in node.children:
            visit(child, acc)

    visit(game.root, [Fraction(0)] * len(game.players))
    return out


@pytest.mark.parametrize("build", TEXTBOOK)
def test_pygambit_reads_what_we_write_and_we_read_what_it_writes(build, tmp_path):
    gbt = pytest.importorskip("pygambit")
    tree = build()
    path = tmp_path / "ours.efg"
    path.write_text(to_efg(tree))
    game = gbt.read_efg(str(path))
    assert [p.label for p in game.players] == list(tree.players)
    assert _gambit_leaves(game) == _leaves(tree)
    theirs = tmp_path / "theirs.efg"
    theirs.write_text(game.to_efg())
    back = read_efg(theirs)
    assert _shape(back) == _shape(tree) and _leaves(back) == _leaves(tree) and _groups(back) == _groups(tree)


def test_a_game_built_in_pygambit_loads(tmp_path):
    gbt = pytest.importorskip("pygambit")
    g = gbt.Game.new_tree(players=["Ann", "Bo"], title="built in gambit")
    g.append_move(g.root, "Ann", ["a", "b"])
    first, second = list(g.root.children)
    g.append_move(first, "Bo", ["x", "y"])
    g.append_infoset(second, first.infoset)
    g.append_move(list(first.children)[0], g.players.chance, ["h", "t"])
    g.set_chance_probs(list(first.children)[0].infoset, [gbt.Rational(1, 3), gbt.Rational(2, 3)])
    shared = g.add_outcome("shared", [1, gbt.Rational(-1, 2)])
    g.set_outcome(list(first.children)[1], shared)
    g.set_outcome(list(second.children)[1], shared)
    g.set_outcome(list(list(first.children)[0].children)[0], g.add_outcome("deep", [gbt.Rational(5, 2), 3]))
    g.set_outcome(second, g.add_outcome("toll", [1, 1]))
    path = tmp_path / "g.efg"
    path.write_text(g.to_efg())
    tree = read_efg(path)
    assert _leaves(tree) == _gambit_leaves(g)
    assert tree.node((1,)).infoset == tree.node((0,)).infoset  # Bo cannot tell a from b
    probs = tree.node((0, 0)).probabilities
    assert probs == (Fraction(1, 3), Fraction(2, 3))
    # and it solves to Gambit's equilibria (payoffs, and their number)
    _, solution, _ = nash_equilibria(tree)
    ours = sorted(tuple(round(float(v), 6) + 0.0 for v in eq.payoffs) for eq in solution.equilibria)
    theirs = sorted(
        tuple(round(float(eq.payoff(p)), 6) + 0.0 for p in g.players)
        for eq in gbt.nash.enummixed_solve(g, rational=False).equilibria
    )
    assert ours == theirs


def _gambit_equilibria(gbt, tree, tmp_path):
    path = tmp_path / "solve.efg"
    path.write_text(to_efg(tree))
    game = gbt.read_efg(str(path))
    result = gbt.nash.enummixed_solve(game, rational=False)
    out = set()
    for eq in result.equilibria:
        b = eq.as_behavior()
        pays = tuple(round(float(eq.payoff(p)), 6) for p in game.players)
        out.add(pays)
    return out, game, result


def _random_tree(rng) -> GameTree:
    """Ann moves, nature moves, Bo moves seeing nature but not Ann, Ann moves again."""
    def pay():
        return tuple(int(v) for v in rng.integers(-4, 5, size=2))

    def ann_again(tag):
        return Decision(0, ("u", "d"), (Terminal(pay()), Terminal(pay())), infoset=f"again{tag}")

    def bo(nature):
        return lambda tag: Decision(1, ("L", "R"), (ann_again(tag + "L"), Terminal(pay())), infoset=f"bo{nature}")

    def nature(tag):
        return Chance(("n1", "n2"), (Fraction(1, 2), Fraction(1, 2)), (bo(1)(tag + "1"), bo(2)(tag + "2")))

    return GameTree("random", ("Ann", "Bo"), Decision(0, ("A", "B"), (nature("A"), nature("B"))))


def test_equilibria_agree_with_gambit_enummixed(tmp_path, rng):
    gbt = pytest.importorskip("pygambit")
    trees = [entry_deterrence(), hidden_pennies(), ultimatum(2)] + [_random_tree(rng) for _ in range(6)]
    for tree in trees:
        ours_rnf, solution, behaviours = nash_equilibria(tree)
        ours = {tuple(round(v, 6) + 0.0 for v in eq.payoffs) for eq in solution.equilibria}
        theirs, game, result = _gambit_equilibria(gbt, tree, tmp_path)
        theirs = {tuple(v + 0.0 for v in t) for t in theirs}
        assert ours == theirs, tree.title
        # same number of reduced strategies as gambit's strategic form
        assert [len(s) for s in ours_rnf.game.strategies] == [len(p.strategies) for p in game.players]


def test_behaviour_agrees_with_gambit_on_hidden_pennies_and_entry(tmp_path):
    gbt = pytest.importorskip("pygambit")
    for tree in (hidden_pennies(), entry_deterrence()):
        rnf, solution, behaviours = nash_equilibria(tree)
        ours = {
            tuple(tuple(round(q, 6) for q in b[h.ident]) for h in information_sets(tree)) for b in behaviours
        }
        path = tmp_path / "b.efg"
        path.write_text(to_efg(tree))
        game = gbt.read_efg(str(path))
        theirs = set()
        for eq in gbt.nash.enummixed_solve(game, rational=False).equilibria:
            b = eq.as_behavior()
            row = []
            for p in game.players:
                for h in p.infosets:
                    row.append(tuple(round(float(b[a]), 6) for a in h.actions))
            theirs.add(tuple(row))
        assert ours == theirs


def test_seltens_horse_pure_equilibria_match_gambit(tmp_path):
    gbt = pytest.importorskip("pygambit")
    tree = seltens_horse()
    rnf, solution, _ = nash_equilibria(tree)  # three players: every equilibrium; compare the pure ones
    ours = {tuple(int(np.argmax(p)) for p in eq.profile) for eq in solution.equilibria if eq.is_pure}
    path = tmp_path / "horse.efg"
    path.write_text(to_efg(tree))
    game = gbt.read_efg(str(path))
    theirs = {
        tuple(int(np.argmax([float(eq[s]) for s in p.strategies])) for p in game.players)
        for eq in gbt.nash.enumpure_solve(game).equilibria
    }
    assert ours == theirs == {(0, 0, 1), (0, 1, 1), (1, 0, 0)}


# ------------------------------------------------------------------ Gambit's own catalogue
def _catalogue_efg() -> list:
    gbt = pytest.importorskip("pygambit")
    import glob
    import os

    root = os.path.join(os.path.dirname(gbt.__file__), "catalog_data")
    return sorted(glob.glob(os.path.join(root, "**", "*.efg"), recursive=True))


def test_every_efg_in_gambits_catalogue_loads_and_round_trips(tmp_path):
    """Gambit's shipped .efg files (chance nodes, information sets, up to four players)."""
    gbt = pytest.importorskip("pygambit")
    files = _catalogue_efg()
    assert len(files) >= 20, "pygambit ships its catalogue of games"
    for path in files:
        theirs = gbt.read_efg(path)
        tree = read_efg(path)  # chance moves labelled "1/2", "1/2" included
        assert list(tree.players) == [p.label for p in theirs.players], path
        assert _leaves(tree) == _gambit_leaves(theirs), path
        assert len(information_sets(tree)) == sum(len(p.infosets) for p in theirs.players), path
        back = parse_efg(to_efg(tree), "mem.efg")
        assert _shape(back) == _shape(tree) and _leaves(back) == _leaves(tree), path
        assert _groups(back) == _groups(tree), path
        ours = tmp_path / "ours.efg"
        ours.write_text(to_efg(tree))
        assert _gambit_leaves(gbt.read_efg(str(ours))) == _leaves(tree), path


def test_three_player_tree_beyond_polynomial_enumeration_agrees_with_gambit_enumpure(tmp_path):
    gbt = pytest.importorskip("pygambit")
    from tests.tree_games import three_way_meeting

    path = tmp_path / "meeting.efg"
    path.write_text(to_efg(three_way_meeting(4)))
    _, solution, behaviours = nash_equilibria(read_efg(path))
    game = gbt.read_efg(str(path))
    theirs = gbt.nash.enumpure_solve(game).equilibria
    # the same pure profiles: the action each player takes at its one information set
    ours = sorted(tuple(b[key].index(1.0) for key in sorted(b)) for b in behaviours)
    gambit = sorted(
        tuple(next(k for k, a in enumerate(list(p.infosets)[0].actions) if float(eq[a]) == 1.0) for p in game.players)
        for eq in (e.as_behavior() for e in theirs)
    )
    assert len(ours) == 28 and ours == gambit


def test_catalogue_equilibria_agree_with_gambit():
    """Two players: every extreme equilibrium (gambit enummixed); more: the pure ones (enumpure)."""
    gbt = pytest.importorskip("pygambit")
    checked = 0
    for path in _catalogue_efg():
        game = gbt.read_efg(path)
        tree = read_efg(path)
        if not game.is_perfect_recall:
            with pytest.raises(InputError, match="imperfect recall"):
                nash_equilibria(tree)
            continue
        rnf, solution, _ = nash_equilibria(tree)
        # more than two players: every equilibrium is listed; Gambit's enumpure gives the pure ones
        listed = solution.equilibria if len(game.players) == 2 else [eq for eq in solution.equilibria if eq.is_pure]
        ours = sorted(tuple(round(float(v), 6) + 0.0 for v in eq.payoffs) for eq in listed)
        if len(game.players) == 2:
            result = gbt.nash.enummixed_solve(game, rational=False)
            assert [len(s) for s in rnf.game.strategies] == [len(p.strategies) for p in game.players], path
        else:
            result = gbt.nash.enumpure_solve(game)
        theirs = sorted(
            tuple(round(float(eq.payoff(p)), 6) + 0.0 for p in game.players) for eq in result.equilibria
        )
        assert ours == theirs, path
        checked += 1
    assert checked >= 20
