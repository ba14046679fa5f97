"""Gambit .nfg files: both forms read, written, round-tripped, and checked against pygambit."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from games.errors import InputError
from games.formats.nfg import parse_nfg, read_nfg, to_nfg
from games.forms.normal_form import NormalFormGame, from_bimatrix
from games.solvers.solver import solve
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
        ('NFG 1 R "t" { "a" "b" } { 2 0 }\n', "whole number from 1 to 100,000, got 0"),
        ('NFG 1 R "t" { "a" "b" } { 2 99999999999999999999 }\n', "whole number from 1 to 100,000"),
        ('NFG 1 R "t" { "a" "b" } { 2 5/2 }\n', "whole number"),
        ('NFG 1 R "t" { "a" } { { "x" } }\n{ { "" 1, 2 } }\n1', "has 2 payoffs, expected 1"),
        ('NFG 1 R "t" { "a" } { { "x" } }\n{ { "" 1 } }\n3', "expected 0 to 1"),
        ('NFG 1 R "t" { "a" } { 1 }\n1 2', "unexpected"),
        ('NFG 1 R "t" { "a" } { 1 }\nnan', "expected a payoff"),
        ('NFG 1 R "t" { "a" } { 1 }\n1/0', "expected a payoff"),
        ('NFG 1 R "t" { "a" } { 1 }\n1 "' + "x" * 5000 + '"', "unexpected 'xxxxxxxxxx"),
        ('NFG 1 R "t" { "a" } { 2 }\n1 "' + "x" * 5000 + '"', "got 'xxxxxxxxxx"),
        ('NFG 1 R "t" { "a" } { 100000 100000 }', "closing the strategy counts"),
    ],
)
def test_malformed_files_raise_one_line_errors(text, fragment):
    with pytest.raises(InputError, match=fragment) as info:
        parse_nfg(text, "bad.nfg")
    assert "\n" not in str(info.value) and str(info.value).startswith("bad.nfg")
    assert len(str(info.value)) < 300  # user text is clipped


def test_repeated_and_empty_labels_are_renamed_as_gambit_does():
    """Gambit reads such files (players 'a', 'a' become 'a_1', 'a_2'; empty labels '_1',
    '_2', skipping names already taken), so tradegame reads them too, with Gambit's names."""
    text = 'NFG 1 R "t" { "a" "a" } { { "u" "u_1" "u" "" } { "" "x" } }\n' + " ".join(["1"] * 16)
    game, _ = parse_nfg(text)
    assert game.players == ("a_1", "a_2")
    assert game.strategies == (("u_2", "u_1", "u_3", "_1"), ("_1", "x"))
    gbt = pytest.importorskip("pygambit")
    import io

    theirs = gbt.read_nfg(io.StringIO(text))
    assert [p.label for p in theirs.players] == list(game.players)
    assert [[s.label for s in p.strategies] for p in theirs.players] == [list(s) for s in game.strategies]


def test_quotes_in_labels_survive_gambit_both_ways(tmp_path):
    gbt = pytest.importorskip("pygambit")
    import io

    theirs = gbt.Game.from_arrays(np.array([[1, 2], [3, 4]]), np.array([[5, 6], [7, 8]]), title='say "hi"')
    row = next(iter(theirs.players))
    row.label = 'Player "one" two'
    next(iter(row.strategies)).label = 'a "b" c'
    path = tmp_path / "quoted.nfg"
    path.write_text(theirs.to_nfg())
    ours = read_nfg(path)
    assert ours.title == 'say "hi"'
    assert ours.players[0] == 'Player "one" two' and ours.strategies[0][0] == 'a "b" c'
    back = gbt.read_nfg(io.StringIO(to_nfg(ours)))
    assert [p.label for p in back.players] == list(ours.players)
    assert [s.label for s in next(iter(back.players)).strategies] == list(ours.strategies[0])


def test_escaped_backslash_is_one_backslash():
    game, _ = parse_nfg('NFG 1 R "a\\\\b" { "p\\"q" } { 1 }\n1')
    assert game.title == "a\\b" and game.players == ('p"q',)


def test_exact_payoffs_are_written_as_short_decimals_or_fractions():
    text = 'NFG 1 R "r" { "a" "b" } { 1 2 }\n1/3 0.1 -3.6 -1/8\n'
    game, exact = parse_nfg(text)
    again = to_nfg(game, exact_payoffs=exact)
    assert again.strip().endswith("1/3 0.1 -3.6 -0.125")
    assert [a.tolist() for a in parse_nfg(again)[1]] == [a.tolist() for a in exact]


def test_exported_scenario_is_the_game_gambit_solves_exactly(tmp_path):
    """`export` writes -3.6, not -3.5999999999999996: Gambit then finds China's 17/19."""
    gbt = pytest.importorskip("pygambit")
    from typer.testing import CliRunner

    from cli.app import app

    out = tmp_path / "s.nfg"
    assert CliRunner().invoke(app, ["export", "stockholm-2025", "-o", str(out)]).exit_code == 0
    assert "9999" not in out.read_text()
    game = gbt.read_nfg(str(out))
    found = {
        tuple(str(eq[s]) for p in game.players for s in p.strategies)
        for eq in gbt.nash.enummixed_solve(game, rational=True).equilibria
    }
    assert ("15/37", "22/37", "17/19", "2/19") in found


def _plain_nfg(shape: tuple[int, ...], values: np.ndarray) -> str:
    """A payoff-form .nfg of the given shape whose payoff list is ``values`` in plain decimals."""
    players = " ".join(f'"P{i}"' for i in range(len(shape)))
    counts = " ".join(str(s) for s in shape)
    return f'NFG 1 R "plain" {{ {players} }} {{ {counts} }}\n' + " ".join(repr(float(v)) for v in values) + "\n"


def test_large_plain_decimal_payoffs_read_as_the_exact_path_reads_them(monkeypatch):
    """Large files in plain decimals take a one-pass float reader; it must give the same game
    as the exact reader (checked by lowering the threshold so both paths read one file)."""
    from games.formats import nfg as nfg_module

    rng = np.random.default_rng(5)
    shape = (3, 4, 2)
    values = np.round(rng.normal(size=2 * 3 * 4 * 3), 3) * 10.0 ** rng.integers(-3, 4, size=72)
    text = _plain_nfg(shape, values)
    exact_game, exact = nfg_module.parse_nfg(text)
    assert exact is not None
    monkeypatch.setattr(nfg_module, "PLAIN_PAYOFFS_FROM", 10)
    fast_game, fast_exact = nfg_module.parse_nfg(text)
    assert fast_exact is None  # read as floats: no exact fractions
    for a, b in zip(exact_game.payoffs, fast_game.payoffs):
        assert np.array_equal(a, b)
    # payoff k of profile (i, j, l) in Gambit's order: the first player's strategy varies fastest
    assert fast_game.payoffs[1][1, 0, 0] == values[3 + 1]


def test_large_plain_file_with_a_fraction_or_too_few_payoffs(monkeypatch):
    from games.formats import nfg as nfg_module

    monkeypatch.setattr(nfg_module, "PLAIN_PAYOFFS_FROM", 4)
    with_fraction = 'NFG 1 R "f" { "A" "B" } { 2 2 }\n1 2 3 4 5 6 7 3/4\n'
    game, exact = nfg_module.parse_nfg(with_fraction)
    assert exact is not None and exact[1][1, 1] == Fraction(3, 4)  # the exact path, unchanged
    with pytest.raises(InputError, match="expected 8 payoffs"):
        nfg_module.parse_nfg('NFG 1 R "s" { "A" "B" } { 2 2 }\n1 2 3 4 5 6 7\n')
