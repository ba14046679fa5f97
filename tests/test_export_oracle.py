"""Gambit can read every file tradegame writes, names intact (checked with pygambit).

`tradegame export` once wrote the title "US–China trade — …" raw, and pygambit's
`Game.title` raised UnicodeDecodeError: pygambit holds titles and labels as ASCII, and
Gambit mangles backslashes. tradegame writes such characters as ``&#NNNN;`` references
(`games.formats.nfg.encode_label`) and reads them back, so a game exported, read and rewritten by
Gambit, and read again by tradegame has the same title, players and labels.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from typer.testing import CliRunner

gbt = pytest.importorskip("pygambit")

from cli.app import app  # noqa: E402
from games.formats.efg import parse_efg, to_efg  # noqa: E402
from games.formats.nfg import decode_label, parse_nfg, to_nfg  # noqa: E402
from games.forms.normal_form import NormalFormGame  # noqa: E402
from games.forms.tree import Chance, Decision, GameTree, Terminal  # noqa: E402

NAMES = ["US–China", "Zhōngguó 中国", 'say "no"', "back\\slash", "R&D", "x&#38;y", "tab\there", "Ü"]


def _gambit_nfg(text: str):
    return gbt.read_nfg(__import__("io").StringIO(text))


def _gambit_efg(text: str):
    return gbt.read_efg(__import__("io").StringIO(text))


def test_the_exported_scenario_reads_in_gambit(tmp_path):
    out = tmp_path / "s.nfg"
    r = CliRunner().invoke(app, ["export", "stockholm-2025", "--to", "nfg", "-o", str(out)])
    assert r.exit_code == 0, r.output
    g = gbt.read_nfg(str(out))
    assert decode_label(g.title) == "US–China trade — stockholm-2025"
    assert [p.label for p in g.players] == ["US", "China"]
    assert [[s.label for s in p.strategies] for p in g.players] == [["Restrict", "Relax"], ["Restrict", "Supply"]]
    assert out.read_bytes().isascii()


def test_non_ascii_names_round_trip_through_gambit_nfg():
    game = NormalFormGame(
        NAMES[0] + " — " + NAMES[1], (NAMES[1], NAMES[2]),
        ((NAMES[3], NAMES[4], NAMES[0]), (NAMES[5], NAMES[6], NAMES[7])),
        (np.arange(9.0).reshape(3, 3), -np.arange(9.0).reshape(3, 3)),
    )
    text = to_nfg(game, comment="ein Kommentar – mit Strich")
    assert text.isascii()
    g = _gambit_nfg(text)  # pygambit reads it: every name is ASCII there
    assert decode_label(g.title) == game.title
    assert [decode_label(p.label) for p in g.players] == list(game.players)
    assert [[decode_label(s.label) for s in p.strategies] for p in g.players] == [list(s) for s in game.strategies]
    back, _ = parse_nfg(g.to_nfg(), "gambit")  # and what Gambit writes, tradegame reads back
    assert back.title == game.title and back.players == game.players and back.strategies == game.strategies
    for a, b in zip(back.payoffs, game.payoffs):
        np.testing.assert_array_equal(a, b)


def test_non_ascii_names_round_trip_through_gambit_efg():
    leaf = lambda a, b, name: Terminal((Fraction(a), Fraction(b)), name=name, outcome=name)  # noqa: E731
    tree = GameTree(
        "Trade – tree « ü »",
        ("Zhōngguó", 'US "first"'),
        Chance(
            ("nature–1", "nature—2"), (Fraction(1, 3), Fraction(2, 3)),
            (
                Decision(0, ("Öffnen", "back\\slash"), (leaf(1, 2, "o1"), leaf(3, 4, "ö2")), infoset="h", infoset_name="Infoset ä"),
                Decision(1, ("R&D", "x&#38;y"), (leaf(5, 6, "p1"), leaf(7, 8, "p2")), infoset="k", infoset_name="k–set"),
            ),
        ),
    )
    text = to_efg(tree)
    assert text.isascii()
    g = _gambit_efg(text)
    assert decode_label(g.title) == tree.title
    assert [decode_label(p.label) for p in g.players] == list(tree.players)
    actions = {decode_label(a.label) for p in g.players for i in p.infosets for a in i.actions}
    assert actions == {"Öffnen", "back\\slash", "R&D", "x&#38;y"}
    back = parse_efg(g.to_efg(), "gambit")
    assert back.title == tree.title and back.players == tree.players
    assert back.root.actions == tree.root.actions
    assert [c.actions for c in back.root.children] == [c.actions for c in tree.root.children]


def _gambit_backward_induction(node) -> tuple[float, ...]:
    """Payoffs of the subgame-perfect play below node of a Gambit perfect-information tree
    with no ties (the test's own backward induction over Gambit's reading of the file)."""
    if node.is_terminal:
        return tuple(float(node.outcome[p]) for p in node.game.players)
    values = [_gambit_backward_induction(child) for child in node.children]
    if node.player.is_chance:
        probs = [float(a.prob) for a in node.infoset.actions]
        return tuple(sum(q * v[i] for q, v in zip(probs, values)) for i in range(len(values[0])))
    mover = list(node.game.players).index(node.player)
    return max(values, key=lambda v: v[mover])


@pytest.mark.parametrize("form", ["us-first", "china-first", "snapback"])
def test_an_exported_trade_tree_is_the_tree_gambit_solves_to_the_same_subgame_perfect_play(tmp_path, form):
    out = tmp_path / f"{form}.efg"
    r = CliRunner().invoke(app, ["export", "stockholm-2025", "--to", "efg", "--game", form, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().isascii()
    g = gbt.read_efg(str(out))
    assert [p.label for p in g.players] == ["US", "China"]
    spe = _gambit_backward_induction(g.root)
    solved = CliRunner().invoke(app, ["solve", "stockholm-2025", "--game", form, "--format", "json"])
    assert solved.exit_code == 0, solved.output
    reported = [e["payoffs"] for e in json.loads(solved.stdout)["equilibria"] if e["subgame_perfect"]]
    assert reported and all(p == pytest.approx(spe) for p in reported)
    again = CliRunner().invoke(app, ["solve", str(out), "--format", "json"])  # and tradegame reads its own file back
    assert again.exit_code == 0, again.output
    back = [e["payoffs"] for e in json.loads(again.stdout)["equilibria"] if e["subgame_perfect"]]
    assert len(back) == len(reported) and all(p == pytest.approx(spe) for p in back)


def test_a_model_files_tree_exports_with_its_hand_derived_subgame_perfect_play(tmp_path):
    """Entry deterrence: the entrant stays Out for 0 (incumbent 10) or goes In; the incumbent
    then Accommodates (3, 4) rather than Fights (-3, 1), so the entrant goes In: (3, 4)."""
    from pathlib import Path

    model = Path(__file__).resolve().parents[1] / "examples" / "models" / "entry-deterrence.toml"
    out = tmp_path / "entry.efg"
    r = CliRunner().invoke(app, ["export", str(model), "--to", "efg", "-o", str(out)])
    assert r.exit_code == 0, r.output
    g = gbt.read_efg(str(out))
    assert [p.label for p in g.players] == ["Entrant", "Incumbent"]
    assert _gambit_backward_induction(g.root) == pytest.approx((3, 4))
