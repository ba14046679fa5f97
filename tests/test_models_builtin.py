"""The built-in teaching models, checked against hand derivations (and Gambit where useful).

Each expected answer below is derived by hand in its docstring from the model file's
formulas at their defaults, never read off tradegame's output.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from games.model.catalog import builtin_model, builtin_model_names
from games.model.evaluate import build_game, exact_payoffs
from tests.test_hostile_cli import _invoke


def run_json(*args):
    return json.loads(_invoke([*args, "--format", "json"], codes=(0,)).stdout)


def pure_profiles(data):
    out = set()
    for e in data["equilibria"]:
        if all(max(p) == 1 for p in e["profile"]):
            out.add(tuple(p.index(1) for p in e["profile"]))
    return out


def test_models_lists_the_trade_model_and_four_teaching_models():
    data = run_json("models")
    names = [m["name"] for m in data["models"]]
    assert names[0] == "trade"
    assert {"brinkmanship", "cournot", "entry-deterrence", "public-goods"} <= set(names)
    assert len(builtin_model_names()) >= 4


def test_show_prints_model_and_parameters():
    out = _invoke(["show", "cournot"], codes=(0,)).stdout
    assert "price = max(0, a - b * (q1 + q2))" in out
    assert "a: textbook linear demand, P = a - b (q1 + q2)" in out
    data = run_json("show", "entry-deterrence")
    assert data["model"]["order"] == ["Entrant", "Incumbent"]
    assert data["model"]["payoffs"]["Incumbent"]["monopoly"] == "Entrant.Out * monopoly"


# ---------------------------------------------------------------- brinkmanship
def test_brinkmanship_sequential_first_mover_escalates():
    """US first: after Escalate China holds (−4 > −10), after Hold China escalates (4 > 0);
    so the US escalates (4 > −4): (Escalate, Hold), payoffs (4, −4). China first: the mirror."""
    data = run_json("solve", "brinkmanship", "--game", "sequential", "--order", "US,China")
    assert [e["payoffs"] for e in data["equilibria"]] == [[4, -4]]
    assert [(s["player"], s["action"]) for s in data["path"]] == [("US", "Escalate"), ("China", "Hold")]
    data = run_json("solve", "brinkmanship", "--game", "sequential", "--order", "china,us")
    assert [e["payoffs"] for e in data["equilibria"]] == [[-4, 4]]


def test_brinkmanship_exact_mixed_equilibrium():
    """Each escalates with probability stake/war = 4/10 = 2/5 exactly."""
    data = run_json("solve", "brinkmanship", "--exact")
    mixed = [e for e in data["equilibria"] if not e["pure"]][0]
    assert mixed["profile_exact"] == [["3/5", "2/5"], ["3/5", "2/5"]]
    assert mixed["payoffs_exact"] == ["-8/5", "-8/5"]


def test_brinkmanship_repeated_grim_trigger():
    """(Hold, Hold) pays 0 each; deviating pays 4 once; the punishment (the mixed stage
    equilibrium) pays −1.6 a round: δ ≥ (4 − 0)/(4 + 1.6) = 5/7."""
    data = run_json("solve", "brinkmanship", "--game", "repeated")
    grim = [c for c in data["critical_discount"] if c["outcome"] == "(Hold, Hold)" and c["strategy"] == "grim trigger"][0]
    assert grim["critical"] == pytest.approx(5 / 7)


def test_brinkmanship_graded_levels():
    """Graded with 3 levels: x, y ∈ {0, 1/2, 1}. U_US(1/2, 1/2) = ½·½·4 − ½·½·4 − ¼·10 = −2.5."""
    g = build_game(builtin_model("brinkmanship"), form="graded", levels=3)
    assert g.strategies[0] == ("x=0", "x=0.5", "x=1")
    assert g.payoffs[0][1, 1] == pytest.approx(-2.5)


# ---------------------------------------------------------------- Cournot
def test_cournot_simultaneous_is_a_dilemma_in_quantities():
    """Profit q_i(a − b(q1 + q2) − c) with a = 12, b = c = 1, q ∈ {2, 4, 6}: the best reply to
    q_j is the grid point nearest (11 − q_j)/2, i.e. 4 against 2 or 4, and 2 against 6; so
    (4, 4) = (Medium, Medium) is the only equilibrium, paying 4·3 = 12 each, while (Low, Low)
    would pay 2·7 = 14 each."""
    data = run_json("solve", "cournot")
    assert pure_profiles(data) == {(1, 1)} and len(data["equilibria"]) == 1
    assert data["payoff_matrices"][0][0][0] == 14 and data["payoff_matrices"][0][1][1] == 12


def test_cournot_graded_ties():
    """Five levels 2..6: best replies to q_j = 2, 3, 4, 5, 6 are {4, 5}, {4}, {3, 4}, {3}, {2, 3}
    (the nearest integers to 5.5 − q_j/2, ties at halves). Mutual best replies: (3, 4), (4, 3), (4, 4)."""
    data = run_json("solve", "cournot", "--game", "graded", "--levels", "5")
    assert pure_profiles(data) == {(1, 2), (2, 1), (2, 2)}


def test_cournot_against_gambit(tmp_path):
    pygambit = pytest.importorskip("pygambit")
    out = tmp_path / "c.nfg"
    _invoke(["export", "cournot", "--game", "graded", "--levels", "5", "--to", "nfg", "-o", str(out)], codes=(0,))
    g = pygambit.read_nfg(str(out))
    result = pygambit.nash.enumpure_solve(g)
    theirs = set()
    for eq in result.equilibria:
        profile = []
        for player in g.players:
            probs = [float(eq[s]) for s in player.strategies]
            profile.append(probs.index(1.0))
        theirs.add(tuple(profile))
    assert theirs == pure_profiles(run_json("solve", "cournot", "--game", "graded", "--levels", "5"))


# ---------------------------------------------------------------- entry deterrence
def test_entry_deterrence_threat_not_credible():
    """After In the incumbent gets 4 accommodating, 1 fighting: it accommodates, so the
    entrant enters (4 − 1 = 3 > 0). (Out, Fight) is Nash in the normal form only."""
    nash = run_json("solve", "entry-deterrence")
    assert pure_profiles(nash) == {(0, 1), (1, 0)}
    seq = run_json("solve", "entry-deterrence", "--game", "sequential")
    assert [e["payoffs"] for e in seq["equilibria"]] == [[3, 4]]


def test_entry_deterrence_credible_threat_above_duopoly_profit():
    """With war_profit = 5 > duopoly = 4 the incumbent fights after entry; entering then pays
    −1 − 2 = −3 < 0, so the entrant stays out: payoffs (0, 10)."""
    seq = run_json("solve", "entry-deterrence", "--game", "sequential", "--set", "war_profit=5")
    assert [e["payoffs"] for e in seq["equilibria"]] == [[0, 10]]


def test_entry_deterrence_threshold_exact():
    """(In, Accommodate) is an equilibrium iff the incumbent prefers accommodating: war_profit ≤ duopoly = 4."""
    data = run_json("explain", "entry-deterrence")
    th = [t for e in data["explanation"]["thresholds"] if e["label"] == "(In, Accommodate)" for t in e["thresholds"]]
    wp = [t for t in th if t["parameter"] == "war_profit"][0]
    assert wp["high"] == 4 and wp["exact"] is True


# ---------------------------------------------------------------- public goods (three players)
def test_public_goods_three_players():
    """u_i = mpcr·(n + e + w) − cost·own: contributing changes one's own payoff by mpcr − cost
    = −0.5 whatever the others do, so (Keep, Keep, Keep) is the unique equilibrium, though
    all contributing pays 3·0.5 − 1 = 0.5 each."""
    data = run_json("solve", "public-goods")
    assert data["game"]["players"] == ["North", "East", "West"]
    assert pure_profiles(data) == {(0, 0, 0)}
    g = build_game(builtin_model("public-goods"))
    assert g.payoffs[0][1, 1, 1] == pytest.approx(0.5)
    data = run_json("solve", "public-goods", "--set", "mpcr=1.5")
    assert pure_profiles(data) == {(1, 1, 1)}


def test_public_goods_threshold_at_cost():
    """(Keep, Keep, Keep) holds while mpcr ≤ cost = 1 (the gain from contributing is mpcr − 1)."""
    data = run_json("explain", "public-goods")
    th = [t for e in data["explanation"]["thresholds"] for t in e["thresholds"] if t["parameter"] == "mpcr"][0]
    assert th["high"] == 1 and th["exact"] is True


def test_public_goods_exact_payoffs():
    m = builtin_model("public-goods")
    arrays = exact_payoffs(m, m.defaults())
    assert arrays[2][1, 0, 1] == Fraction(0)  # West: 0.5·2 − 1
    assert arrays[0][1, 0, 1] == Fraction(0)  # North contributes too: 0.5·2 − 1
    assert arrays[1][1, 0, 1] == Fraction(1)  # East keeps: 0.5·2


@pytest.mark.parametrize("name", ["brinkmanship", "cournot", "entry-deterrence", "public-goods"])
def test_every_builtin_model_solves_explains_and_shows(name):
    for cmd in ("solve", "explain", "show"):
        run_json(cmd, name)
    run_json("solve", name, "--game", "sequential")


def test_parameter_sides_are_read_from_the_formulas():
    m = builtin_model("entry-deterrence")
    assert m.parameters["monopoly"].side == "Incumbent"
    assert m.parameters["duopoly"].side == "both"
    assert m.parameters["entry_cost"].side == "Entrant"
    assert m.parameters["discount"].side == "none"


def test_sweep_of_a_model_finds_the_exact_boundary():
    """Brinkmanship: mutual escalation is the only equilibrium exactly when war < stake = 4."""
    result = _invoke(["sweep", "brinkmanship", "--vary", "war=0:10:11", "--format", "json"], codes=(0,))
    data = json.loads(result.stdout)
    (b,) = data["sweep"]["boundaries"]
    assert b["value"] == 4 and b["exact"] is True
    assert b["below"] == "(Escalate, Escalate) only"


def test_compare_two_scenarios_of_a_model(tmp_path):
    (tmp_path / "cold.toml").write_text('model = "brinkmanship"\n[parameters]\nwar = 3\n', encoding="utf-8")
    data = run_json("compare", "brinkmanship", str(tmp_path / "cold.toml"))
    assert [c["name"] for c in data["changes"]] == ["war"]
    flips = {f["label"]: f for f in data["flips"]}
    assert flips["(Escalate, Escalate)"]["equilibrium_in_b"] is True
    assert flips["(Escalate, Escalate)"]["singles"] == ["war"]


# ---------------------------------------------------------------- the tutorial in docs/models.md
def _tutorial_file(tmp_path):
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "models.md").read_text(encoding="utf-8")
    block = re.search(r"```toml file=standards.toml\n(.*?)```", text, re.S).group(1)
    path = tmp_path / "standards.toml"
    path.write_text(block, encoding="utf-8")
    return path


def test_tutorial_model_answers(tmp_path):
    """The tutorial's hand derivations: a stag hunt with the mix at q = 3/7; (New, New) holds
    while switch_cost ≤ gain + mismatch = 5; Beta moving first, both adopt."""
    path = _tutorial_file(tmp_path)
    data = run_json("solve", str(path), "--exact")
    assert pure_profiles(data) == {(0, 0), (1, 1)}
    mixed = [e for e in data["equilibria"] if not e["pure"]][0]
    assert mixed["profile_exact"] == [["4/7", "3/7"], ["4/7", "3/7"]]
    assert mixed["payoffs_exact"] == ["-6/7", "-6/7"]
    data = run_json("explain", str(path))
    th = [t for e in data["explanation"]["thresholds"] if e["label"] == "(New, New)" for t in e["thresholds"]]
    assert [(t["parameter"], t["high"], t["exact"]) for t in th] == [("switch_cost", 5, True)]
    seq = run_json("solve", str(path), "--game", "sequential", "--order", "Beta,Alpha")
    assert [e["payoffs"] for e in seq["equilibria"]] == [[2, 2]]
    sweep = json.loads(_invoke(["sweep", str(path), "--vary", "switch_cost=0:10:101", "--format", "json"], codes=(0,)).stdout)
    assert [b["value"] for b in sweep["sweep"]["boundaries"]] == [5]


def test_cournot_bargaining_splits_the_monopoly_profit():
    """Joint profit (q1 + q2)(a − c − b(q1 + q2)) is largest at total output (a − c)/2b = 5.5,
    worth (a − c)²/4b = 30.25; from the symmetric disagreement point (12, 12) the Nash
    bargaining solution splits it equally: 15.125 each, at q1 = q2 = 2.75."""
    data = run_json("solve", "cournot", "--game", "bargaining")
    nash = [e for e in data["equilibria"] if e["name"] == "Nash bargaining"][0]
    assert nash["payoffs"] == pytest.approx([15.125, 15.125], abs=1e-3)
    assert nash["profile"][0][0] + nash["profile"][1][0] == pytest.approx(5.5, abs=1e-2)
    assert data["disagreement"]["payoffs"] == [12, 12]


def test_bargaining_needs_two_players():
    r = _invoke(["solve", "public-goods", "--game", "bargaining"], codes=(2,))
    assert "needs a two-player model" in r.stderr


def test_trade_model_sequential_order_is_its_named_trees():
    a = run_json("solve", "stockholm-2025", "--game", "sequential", "--order", "China,US")
    b = run_json("solve", "stockholm-2025", "--game", "china-first")
    assert a["equilibria"] == b["equilibria"]
    r = _invoke(["solve", "brinkmanship", "--game", "snapback"], codes=(2,))
    assert "is a form of the trade model" in r.stderr


def test_three_player_sweep_exact_boundary():
    """Public goods: contributing gains mpcr − cost whatever the others do, so the regime
    flips from all keeping to all contributing exactly at mpcr = cost = 1 (where every
    profile is an equilibrium)."""
    data = json.loads(_invoke(["sweep", "public-goods", "--vary", "mpcr=0:2:21", "--format", "json"], codes=(0,)).stdout)
    (b,) = data["sweep"]["boundaries"]
    assert (b["value"], b["exact"]) == (1, True)
    assert (b["below"], b["above"], b["at"]) == ("(Keep, Keep, Keep) only", "(Contribute, Contribute, Contribute) only", "every pure outcome")


def test_three_by_three_sweep_names_each_equilibrium():
    """Cournot at a = 12: (Medium, Medium) only (see above); at a = 30, b = c = 1 the best reply
    to any q_j ≤ 6 is the grid point nearest (29 − q_j)/2 ≥ 11.5, i.e. High: (High, High) only."""
    data = json.loads(_invoke(["sweep", "cournot", "--vary", "a=12:30:2", "--format", "json"], codes=(0,)).stdout)
    regimes = [p["regime"] for p in data["points"]]
    assert regimes == ["(Medium, Medium) only", "(High, High) only"]


def test_entry_deterrence_hidden_type_threshold():
    """Against a fighter (war_profit 6 > duopoly 4, so it fights after entry) entering pays
    −1 − 2 = −3; against an accommodator 4 − 1 = 3. With belief p in a fighter, entering
    pays 3 − 6p against 0 for staying out: the entrant enters exactly when p < 1/2."""
    data = run_json("solve", "entry-deterrence", "--game", "bayesian")
    ths = data["belief_thresholds"]
    th = [t for t in ths if t["plan"] == {"fighter": "Fight", "accommodator": "Accommodate"}][0]
    assert (th["exact"], th["above"], th["below"]) == ("1/2", "Out", "In")
    enter = [e for e in data["equilibria"] if e["pure"] and e["Entrant"] == {"Out": 0.0, "In": 1.0}]
    assert [e["payoffs"][0] for e in enter] == pytest.approx([1.2])  # 3 − 6·0.3


def test_bayesian_needs_types():
    r = _invoke(["solve", "brinkmanship", "--game", "bayesian"], codes=(2,))
    assert "has no [types.PLAYER]" in r.stderr


def test_explain_splits_margins_into_named_terms():
    """Brinkmanship at (Hold, Escalate): holding, the US 'backs down' (−stake = −4); escalating
    instead, it would pay 'war' (−10): its margin 6 is war +10 and backing down −4."""
    data = run_json("explain", "brinkmanship")
    entry = [e for e in data["payoff_terms"] if e["profile"] == [0, 1]][0]
    us = entry["players"][0]
    assert (us["stays"], us["switch_to"], us["margin"]) == ("Hold", "Escalate", 6)
    assert us["terms"] == {"war": 10, "backing down": -4}


def test_brinkmanship_and_public_goods_against_gambit(tmp_path):
    """Gambit solves the exported games exactly: brinkmanship's three equilibria (the mix
    3/5, 2/5 derived above) and public goods' unique pure equilibrium with mpcr = 1.2 > cost
    (everyone contributes)."""
    pygambit = pytest.importorskip("pygambit")
    path = tmp_path / "b.nfg"
    _invoke(["export", "brinkmanship", "--to", "nfg", "-o", str(path)], codes=(0,))
    g = pygambit.read_nfg(str(path))
    theirs = sorted(tuple(tuple(str(eq[s]) for s in p.strategies) for p in g.players)
                    for eq in pygambit.nash.enummixed_solve(g, rational=True).equilibria)
    ours = sorted(tuple(tuple(p) for p in e["profile_exact"]) for e in run_json("solve", "brinkmanship", "--exact")["equilibria"])
    assert theirs == ours
    path = tmp_path / "pg.nfg"
    _invoke(["export", "public-goods", "--set", "mpcr=1.2", "--to", "nfg", "-o", str(path)], codes=(0,))
    g = pygambit.read_nfg(str(path))
    pure = [[[float(eq[s]) for s in p.strategies] for p in g.players] for eq in pygambit.nash.enumpure_solve(g).equilibria]
    assert pure == [[[0, 1], [0, 1], [0, 1]]]
    assert pure_profiles(run_json("solve", "public-goods", "--set", "mpcr=1.2")) == {(1, 1, 1)}


PD = """
title = "Prisoner's Dilemma"
[players.Row]
strategies = ["C", "D"]
[players.Col]
strategies = ["C", "D"]
[parameters.temptation]
default = 5
range = [3, 10]
[payoffs]
Row = "Row.C * Col.C * 3 + Row.D * Col.C * temptation + Row.D * Col.D * 1"
Col = "Col.C * Row.C * 3 + Col.D * Row.C * temptation + Col.D * Row.D * 1"
"""


def test_bargaining_over_lotteries(tmp_path):
    """A Prisoner's Dilemma without levels: the sides bargain over lotteries of its outcomes.
    From the disagreement point (D, D) = (1, 1) the frontier runs (0, 5) – (3, 3) – (5, 0);
    (u − 1)(v − 1) is largest at the kink (3, 3), and by symmetry Kalai–Smorodinsky (ideal
    point (13/3, 13/3)) agrees: both pick (C, C) for sure. With a temptation of 10 the kink
    (3, 3) lies below the segment from (0, 10) to (10, 0), so the frontier is that segment
    and the Nash solution is the even lottery of (C, D) and (D, C), paying 5 each."""
    path = tmp_path / "pd.toml"
    path.write_text(PD, encoding="utf-8")
    data = run_json("solve", str(path), "--game", "bargaining")
    sols = {e["name"]: e for e in data["equilibria"]}
    assert data["disagreement"]["payoffs"] == [1, 1]
    for name in ("Nash bargaining", "Kalai–Smorodinsky"):
        assert sols[name]["lottery"] == [{"outcome": "(C, C)", "probability": 1.0}]
        assert sols[name]["payoffs"] == pytest.approx([3, 3])
    data = run_json("solve", str(path), "--game", "bargaining", "--set", "temptation=10")
    nash = {e["name"]: e for e in data["equilibria"]}["Nash bargaining"]
    assert {d["outcome"]: d["probability"] for d in nash["lottery"]} == pytest.approx({"(D, C)": 0.5, "(C, D)": 0.5})
    assert nash["payoffs"] == pytest.approx([5, 5])
    # Rubinstein on the straight frontier u + v = 10 with surplus 8 over (1, 1): the first
    # proposer gets the share (1 − δ)/(1 − δ²) = 0.1/0.19 of it, δ = 0.9 for both
    rub = {e["name"]: e for e in data["equilibria"]}["Rubinstein"]
    assert rub["payoffs"][0] == pytest.approx(1 + 8 * 0.1 / 0.19, abs=1e-6)


def test_show_trade_prints_its_model_file():
    out = _invoke(["show", "trade"], codes=(0,)).stdout
    assert "chip sales: chips * chip_sales" in out
    assert "self-reliant: self_reliance = self_reliance_hardliner" in out
    assert "(Relax, Supply): the deal" in out


def test_tutorial_file_in_examples_is_the_one_in_the_docs(tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    assert _tutorial_file(tmp_path).read_text(encoding="utf-8") == (root / "examples" / "tutorial" / "standards.toml").read_text(encoding="utf-8")


def test_order_applies_only_to_sequential_play():
    r = _invoke(["solve", "brinkmanship", "--order", "US,China"], codes=(2,))
    assert "option --order: applies to --game sequential" in r.stderr
    r = _invoke(["solve", "brinkmanship", "--game", "sequential", "--order", "US,Russia"], codes=(2,))
    assert "unknown player 'Russia'" in r.stderr
