"""No option is silently ignored, on any input kind; --exact and --method on .efg files work.

`cli.option_rules` holds one table of which options apply where. These tests check the
table against hand-written expectations, the wiring of every command to it, and the exact
answers on .efg files against hand derivations.
"""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from cli.app import app
from cli.option_rules import REQUIRES, RULES, check, situation
from games.errors import InputError

runner = CliRunner()
CLICK_APP = typer.main.get_command(app)


def _run(*args: str):
    return runner.invoke(app, list(args))


def _one_error_line(r, *needles: str) -> str:
    assert r.exit_code == 2, (r.exit_code, r.output)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


def test_every_option_in_the_table_exists_on_its_command():
    for command, rules in RULES.items():
        names = {o for p in CLICK_APP.commands[command].params for o in getattr(p, "opts", ())}
        for option in list(rules) + [
            o for triple in REQUIRES.get(command, ()) for o in triple[:2]
        ]:
            assert option in names, (command, option)


# hand-written: (command, option, target, --game, applies?)
TABLE_CASES = [
    ("solve", "--rounds", None, "simultaneous", False),
    ("solve", "--rounds", None, "repeated", True),
    ("solve", "--rounds", None, "bargaining", True),
    ("solve", "--proposer", None, "repeated", False),
    ("solve", "--levels", None, "graded", True),
    ("solve", "--levels", None, "us-first", False),
    ("solve", "--levels", "g.nfg", "simultaneous", False),
    ("solve", "--set", "g.efg", "simultaneous", False),
    ("solve", "--game", "g.nfg", "simultaneous", False),
    ("solve", "--exact", "g.efg", "simultaneous", True),
    ("solve", "--exact", "g.nfg", "simultaneous", True),
    ("solve", "--exact", None, "snapback", False),
    ("solve", "--method", "g.efg", "simultaneous", True),
    ("solve", "--method", None, "bargaining", False),
    ("solve", "--method", None, "repeated", False),
    ("explain", "--rounds", None, "graded", False),
    ("show", "--levels", None, "simultaneous", False),
    ("export", "--set", "g.nfg", "simultaneous", False),
    ("compare", "--levels", "baseline", "graded", True),
    ("sweep", "--levels", None, "simultaneous", False),
]


@pytest.mark.parametrize("command,option,target,game,applies", TABLE_CASES)
def test_the_table(command, option, target, game, applies):
    where = situation(target, game)
    if applies:
        check(command, [option], where)
    else:
        with pytest.raises(InputError, match=f"option {option}: applies to"):
            check(command, [option], where)


@pytest.mark.parametrize(
    "args,needles",
    [
        (["solve", "stockholm-2025", "--rounds", "5"], ["--rounds", "repeated or bargaining", "--game simultaneous"]),
        (["explain", "stockholm-2025", "--proposer", "china"], ["--proposer", "bargaining"]),
        (["solve", "--game", "repeated", "--levels", "3"], ["--levels", "graded"]),
        (["solve", "--game", "us-first", "--exact"], ["--exact", "--game us-first"]),
        (["solve", "--game", "bargaining", "--method", "pure"], ["--method", "bargaining"]),
        (["solve", "--exact", "--method", "pure"], ["--method", "--exact", "got 'pure'"]),
        (["show", "--levels", "4"], ["--levels", "graded"]),
        (["compare", "baseline", "controls-2023", "--levels", "4"], ["--levels", "graded"]),
        (["sweep", "--vary", "leverage=0:1:3", "--seed", "1"], ["--seed", "--sample"]),
    ],
)
def test_an_option_that_does_not_apply_is_one_line_exit_2(args, needles):
    _one_error_line(_run(*args), *needles)


def test_show_and_export_say_an_efg_is_a_tree(efg):
    path = efg(HIDDEN_PENNIES)
    for command in ("show", "export"):
        _one_error_line(_run(command, path), ".efg", "tradegame solve")


def test_plot_refuses_what_it_would_ignore(tmp_path):
    out = str(tmp_path / "x.png")
    _one_error_line(_run("plot", "tree", "stockholm-2025", "--game", "simultaneous", "-o", out),
                    "--game", "us-first")
    _one_error_line(_run("plot", "matrix", "--rule", "replicator", "-o", out), "--rule", "dynamics")
    _one_error_line(_run("plot", "matrix", "--steps", "10", "-o", out), "--steps", "dynamics")
    assert not (tmp_path / "x.png").exists()


def test_options_that_apply_still_work():
    assert _run("solve", "--game", "repeated", "--rounds", "3", "-f", "json").exit_code == 0
    assert _run("solve", "--game", "graded", "--levels", "3", "-f", "json").exit_code == 0
    assert _run("solve", "--exact", "-f", "json").exit_code == 0


# ---- .efg files: --method is checked and used, --exact gives exact profiles ----------
HIDDEN_PENNIES = """EFG 2 R "Hidden matching pennies" { "Row" "Col" }
""

p "" 1 1 "" { "H" "T" } 0
p "" 2 1 "" { "h" "t" } 0
t "" 1 "HH" { 1/3, -1/3 }
t "" 2 "HT" { -1, 1 }
p "" 2 1 "" { "h" "t" } 0
t "" 3 "TH" { -1, 1 }
t "" 4 "TT" { 1, -1 }
"""

CHANCE = """EFG 2 R "Chance then two blind moves" { "P1" "P2" }
""

c "" 1 "" { "L" 1/3 "R" 2/3 } 0
p "" 1 1 "" { "a" "b" } 0
p "" 2 1 "" { "c" "d" } 0
t "" 1 "" { 3, 0 }
t "" 2 "" { 0, 3 }
p "" 2 1 "" { "c" "d" } 0
t "" 3 "" { 0, 0 }
t "" 4 "" { 0, 0 }
p "" 1 1 "" { "a" "b" } 0
p "" 2 1 "" { "c" "d" } 0
t "" 5 "" { 0, 0 }
t "" 6 "" { 0, 0 }
p "" 2 1 "" { "c" "d" } 0
t "" 7 "" { 0, 3 }
t "" 8 "" { 3, 0 }
"""

ENTRY = """EFG 2 R "Entry" { "Entrant" "Incumbent" }
""

p "" 1 1 "" { "Out" "In" } 0
t "" 1 "out" { 0, 2 }
p "" 2 1 "" { "Fight" "Accommodate" } 0
t "" 2 "fight" { -1, -1 }
t "" 3 "acc" { 1, 1 }
"""


@pytest.fixture()
def efg(tmp_path):
    def write(text: str) -> str:
        path = tmp_path / "game.efg"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_bogus_method_on_an_efg_is_refused(efg):
    path = efg(HIDDEN_PENNIES)
    _one_error_line(_run("solve", path, "--method", "bogus"), "--method", "bogus")
    _one_error_line(_run("solve", path, "--exact", "--method", "bogus"), "--method")


def test_method_on_an_efg_is_used(efg):
    path = efg(HIDDEN_PENNIES)
    data = json.loads(_run("solve", path, "--method", "lemke-howson", "-f", "json").stdout)
    assert data["method"] == "lemke-howson"


def test_exact_on_an_efg_gives_hand_derived_fractions(efg):
    # Row mixes H with p: Col is indifferent when -p/3 + (1 - p) = p - (1 - p), p = 3/5;
    # Col mixes h with q: q/3 - (1 - q) = -q + (1 - q), q = 3/5; Row gets -1/5.
    r = _run("solve", efg(HIDDEN_PENNIES), "--exact", "-f", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["method"] == "exact" and data["complete"] is True
    (eq,) = data["equilibria"]
    assert eq["profile_exact"] == [["3/5", "2/5"], ["3/5", "2/5"]]
    assert eq["payoffs_exact"] == ["-1/5", "1/5"]


def test_exact_on_an_efg_keeps_chance_probabilities_exact(efg):
    # reduced normal form: A = [[1, 0], [0, 2]], B = [[0, 1], [2, 0]] (chance 1/3, 2/3);
    # the only equilibrium is (2/3, 1/3) for both, payoffs 2/3 each.
    data = json.loads(_run("solve", efg(CHANCE), "--exact", "-f", "json").stdout)
    (eq,) = data["equilibria"]
    assert eq["profile_exact"] == [["2/3", "1/3"], ["2/3", "1/3"]]
    assert eq["payoffs_exact"] == ["2/3", "2/3"]
    text = _run("solve", efg(CHANCE), "--exact").stdout
    assert "exactly: P1 (2/3, 1/3); P2 (2/3, 1/3); payoffs 2/3, 2/3" in text


def test_exact_on_a_perfect_information_efg_lists_exact_nash_profiles(efg):
    # Entry game: (In, Accommodate) is subgame perfect; (Out, Fight) and the Out
    # continuum's extreme point (Out, Fight 1/2) are Nash equilibria that are not.
    data = json.loads(_run("solve", efg(ENTRY), "--exact", "-f", "json").stdout)
    assert data["nash_method"] == "exact"
    exact = sorted((tuple(map(tuple, n["profile_exact"])), n["subgame_perfect"]) for n in data["nash_equilibria"])
    assert exact == sorted([
        ((("0", "1"), ("0", "1")), True),
        ((("1", "0"), ("1", "0")), False),
        ((("1", "0"), ("1/2", "1/2")), False),
    ])
    (spe,) = data["equilibria"]
    assert spe["payoffs_exact"] == ["1", "1"]
