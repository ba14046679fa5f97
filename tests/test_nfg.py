"""Gambit .nfg files: both forms read, written, round-tripped, and checked against pygambit."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from games.errors import InputError
from games.nfg import parse_nfg, read_nfg, to_nfg
from games.normal_form import NormalFormGame, from_bimatrix
from games.solve import solve
from tests.conftest import profile_set

DATA = Path(__file__).parent / "data"


def test_outcome_form_prisoners_dilemma():
    g = read_nfg(DATA / "pd_outcome.nfg")
    assert g.strategies == (("Cooperate", "Defect"), ("Cooperate", "Defect"))
    # outcome 2 ("temptation" 5, 0) sits at profile index 2 = (Defect, Cooperate): player 1 fastest
    assert g.payoffs[0].tolist() == [[3, 0], [5, 1]]
    assert g.payoffs[1].tolist() == [[3, 5], [0, 1]]
    assert profile_set(solve(g).equilibria) == {((0, 1), (0, 1))}


def test_payoff_form_with_strategy_counts():
    g = read_nfg(DATA / "bos_payoff.nfg")
    assert g.players == ("Player 1", "Player 2")
    assert g.payoffs[0].tolist() == [[2, 0], [0, 1]]
    assert g.payoffs[1].tolist() == [[1, 0], [0, 2]]


def test_rationals_decimals_and_exponents_are_read_exactly():
    text = 'NFG 1 R "r" { "a" "b" } { 1 2 }\n1/3 0.25 -2e1 7'
    game, exact = parse_nfg(text)
    assert exact[0][0, 0] == Fraction(1, 3) and exact[1][0, 0] == Fraction(1, 4)
    assert game.payoffs[0][0, 1] == -20


def test_three_players_round_trip():
    rng = np.random.default_rng(1)
    arrays = tuple(rng.integers(-5, 5, size=(2, 3, 2)).astype(float) for _ in range(3))
    g = NormalFormGame("three", ("A", "B", "C"), (("a1", "a2"), ("b1", "b2", "b3"), ("c1", "c2")), arrays)
    for outcome in (False, True):
        back, _ = parse_nfg(to_nfg(g, outcome_form=outcome))
        assert back.strategies == g.strategies and back.players == g.players
        for a, b in zip(back.payoffs, g.payoffs):
            assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("", "expected 'NFG'"),
        ("EFG 2 R", "expected 'NFG'"),
        ('NFG 1 R "t" { "a" "b" } { 2 2 }\n1 2 3', "expected a payoff"),
        ('NFG 1 R "t" { "a" "b" } { 2 2 }\n1 2 3 4 5 6 7 x', "expected a payoff"),
        ('NFG 1 R "t" { "a" "b" } { 2 0 }\n', "positive integer"),
        ('NFG 1 R "t" { "a" } { { "x" } }\n{ { "" 1, 2 } }\n1', "has 2 payoffs, expected 1"),
        ('NFG 1 R "t" { "a" } { { "x" } }\n{ { "" 1 } }\n3', "expected 0 to 1"),
        ('NFG 1 R "t" { "a" } { 1 }\n1 2', "unexpected"),
        ('NFG 1 R "t" { "a" } { 1 }\nnan', "expected a payoff"),
        ('NFG 1 R "t" { "a" } { 1 }\n1/0', "expected a payoff"),
        ('NFG 1 R "t" { "a" "a" } { 1 1 }\n1 2', "distinct"),
        ('NFG 1 R "t" { "a" } { 100000 100000 }', "closing the strategy counts"),
    ],
)
def test_malformed_files_raise_one_line_errors(text, fragment):
    with pytest.raises(InputError, match=fragment) as info:
        parse_nfg(text, "bad.nfg")
    assert "\n" not in str(info.value) and str(info.value).startswith("bad.nfg")


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_nfg(tmp_path / "missing.nfg")
    binary = tmp_path / "bin.nfg"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(InputError, match="binary"):
        read_nfg(binary)


def test_gambit_reads_what_tradegame_writes_and_vice_versa(tmp_path):
    gbt = pytest.importorskip("pygambit")
    g = from_bimatrix([[3, 0, 2], [5, 1, -1]], [[3, 5, 0], [0, 1, 4]], title="mine", row_strategies=["C", "D"])
    for outcome in (False, True):
        path = tmp_path / f"g{outcome}.nfg"
        path.write_text(to_nfg(g, outcome_form=outcome))
        theirs = gbt.read_nfg(str(path))
        assert [[s.label for s in p.strategies] for p in theirs.players] == [list(s) for s in g.strategies]
        A, B = theirs.to_arrays(dtype=float)
        assert np.array_equal(A, g.payoffs[0]) and np.array_equal(B, g.payoffs[1])
    # and a game Gambit writes
    theirs = gbt.Game.from_arrays(np.array([[1, 2], [3, 4]]), np.array([[5, 6], [7, 8]]), title="gambit")
    path = tmp_path / "theirs.nfg"
    path.write_text(theirs.to_nfg() if hasattr(theirs, "to_nfg") else theirs.write(format="nfg"))
    ours = read_nfg(path)
    assert ours.payoffs[0].tolist() == [[1, 2], [3, 4]] and ours.payoffs[1].tolist() == [[5, 6], [7, 8]]
