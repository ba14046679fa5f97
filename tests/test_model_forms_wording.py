"""A model file's own forms ([forms.NAME]) and words ([wording]), against hand derivations.

The brinkmanship file (US and China: Hold or Escalate; stake s = 4, war w = 10) gets a
tree form in which a US that escalated may stand down after China's answer, a form that
adds a third player (a mediator), and words for its graded game and its sweeps. The
simultaneous payoffs (US, China) are: (Hold, Hold) 0, 0; (Hold, Escalate) −s, s;
(Escalate, Hold) s, −s; (Escalate, Escalate) −w, −w.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from games.solvers.backward_induction import subgame_perfect_equilibria
from games.errors import InputError
from games.model import evaluate as ev
from games.model.spec import parse_model
from tests.test_hostile_cli import _invoke

ROOT = Path(__file__).resolve().parent.parent
BRINK = (ROOT / "examples" / "models" / "brinkmanship.toml").read_text(encoding="utf-8")

FORMS = '''
[wording]
graded = ["US at {level}", "China at {level}"]

[wording.outcomes]
"Hold, Hold" = "peace"
"Escalate, Escalate" = "war"
"Hold, Escalate" = "US backs down"
"Escalate, Hold" = "China backs down"

[wording.regimes]
"US backs down + China backs down" = "chicken"

[forms.recall]
description = "tree: US first, China answers, then a US that escalated may stand down"
title = "US first, may stand down"
story = "The US moves, China answers, and a US that escalated may then stand down."
order = ["US", "China"]
revision = { player = "US", after = "Escalate", moves = { "Stay" = "Escalate", "Stand down" = "Hold" } }

[forms.recall.focus]
"Escalate, Escalate" = ["Stand down", "promise to stand down if China escalates"]

[forms.us-first]
order = ["US", "China"]

[forms.mediator]
title = "with a mediator"

[forms.mediator.players.UN]
strategies = ["Idle", "Mediate"]

[forms.mediator.payoffs.UN]
"fee" = "UN.Mediate * (fee - 2 * US.Escalate * China.Escalate)"

[forms.mediator.payoffs.US]
"calm" = "UN.Mediate * 2 * US.Hold"
'''
FEE = '[parameters.fee]\ndefault = 1\nrange = [0, 5]\nmeaning = "What the mediator earns for mediating."\n\n'
TEXT = BRINK.replace("[define]", FEE + FORMS + "\n[define]", 1)
MODEL = parse_model(TEXT, "brink.toml", "brink")


def test_revision_tree_by_hand():
    """Escalate → Escalate → Stand down ends at (Hold, Escalate): −4 for the US, better
    than −10 for staying; knowing that, China escalates after Escalate (4 > −4), so the
    US gets −4 whatever it does first: every subgame-perfect equilibrium pays (−4, 4)."""
    tree, profiles = ev.form_tree(MODEL, {}, "recall")
    assert tree.title == "Brinkmanship (US first, may stand down)"
    assert profiles == {
        "Hold, Hold": (0, 0), "Hold, Escalate": (0, 1),
        "Escalate, Hold, Stay": (1, 0), "Escalate, Hold, Stand down": (0, 0),
        "Escalate, Escalate, Stay": (1, 1), "Escalate, Escalate, Stand down": (0, 1),
    }
    after_escalate = tree.root.children[1]
    assert [c.payoffs for c in after_escalate.children[1].children] == [(-10, -10), (-4, 4)]
    spe = subgame_perfect_equilibria(tree)
    assert spe and {e.payoffs for e in spe} == {(-4.0, 4.0)}
    # war 2, below the stake: the US stays in a war (−2 > −4), so China escalates too
    # (−2 > −4), and the US escalates first (−2 > −4 after Hold): mutual escalation
    spe = subgame_perfect_equilibria(ev.form_tree(MODEL, {"war": 2}, "recall")[0])
    assert {e.payoffs for e in spe} == {(-2.0, -2.0)}


def test_tree_form_through_the_command_line(tmp_path):
    path = tmp_path / "brink.toml"
    path.write_text(TEXT, encoding="utf-8")
    out = _invoke(["explain", str(path), "--game", "recall"], codes=(0,)).stdout
    assert "promise to stand down if China escalates is not credible" in " ".join(out.split())
    assert "a US that escalated may then stand down." in " ".join(out.split())
    # the counterpart without the revision (US first, China answers): after Escalate China
    # holds (−4 > −10), so the US escalates and gets 4. With the option to stand down,
    # China escalates after Escalate (the US then stands down: 4 > −4 for China), and the
    # US gets −4: the option is worth −8 to it (a commitment problem)
    assert "Without the recall stage (US first, China answers) the US would get 4: the option to stand down is worth -8" in " ".join(out.split())
    data = json.loads(_invoke(["solve", str(path), "--game", "recall", "--format", "json"], codes=(0,)).stdout)
    assert data["form"] == "recall" and {tuple(e["payoffs"]) for e in data["equilibria"]} == {(-4, 4)}


def test_added_player_form_by_hand():
    """The mediator earns fee 1 for mediating unless both escalate (1 − 2 = −1); the US gets
    2 more for holding while it mediates. Pure equilibria by hand: the UN mediates except at
    war; (Hold, Escalate, Mediate): US −4 + 2 = −2 ≥ −10, China 4 ≥ 0; (Escalate, Hold,
    Mediate): US 4 ≥ 2, China −4 ≥ −10. At (Hold, Hold, ·) the US gains by escalating
    (4 > 2), at (Escalate, Escalate, ·) both gain by holding."""
    form = MODEL.forms["mediator"]
    assert form.model.player_names == ("US", "China", "UN")
    game = ev.build_game(form.model, {})
    U, V, W = game.payoffs
    assert (U[0, 0, 1], U[0, 1, 1], U[1, 1, 1], W[1, 1, 1], W[0, 1, 1], V[0, 1, 0]) == (2, -2, -10, -1, 1, 4)
    from games.solvers.best_response import pure_equilibria

    assert sorted(pure_equilibria(game)) == [(0, 1, 1), (1, 0, 1)]


def test_added_player_form_through_the_command_line(tmp_path):
    path = tmp_path / "brink.toml"
    path.write_text(TEXT, encoding="utf-8")
    data = json.loads(_invoke(["solve", str(path), "--game", "mediator", "--format", "json"], codes=(0,)).stdout)
    assert data["game"]["players"] == ["US", "China", "UN"] and data["game"]["title"] == "Brinkmanship with a mediator"
    pure = {tuple(tuple(p) for p in e["profile"]) for e in data["equilibria"] if all(max(p) == 1 for p in e["profile"])}
    assert pure == {((1, 0), (0, 1), (0, 1)), ((0, 1), (1, 0), (0, 1))}
    # the fee is the model's parameter, so --set reaches the form: at fee 0 mediating
    # pays the UN nothing, and (Hold, Escalate) with the UN idle is an equilibrium too
    data = json.loads(_invoke(["solve", str(path), "--game", "mediator", "--set", "fee=0", "--format", "json"], codes=(0,)).stdout)
    pure = {tuple(tuple(p) for p in e["profile"]) for e in data["equilibria"] if all(max(p) == 1 for p in e["profile"])}
    assert ((1, 0), (0, 1), (1, 0)) in pure


def test_graded_names_and_sweep_words():
    """war ≤ stake (4): mutual escalation is an equilibrium (−w ≥ −s); war ≥ 4: each
    side backing down is one (−s ≥ −w); at 4 all three; peace never (escalating wins s)."""
    g = ev.build_game(MODEL, {}, "graded", 3)
    assert g.strategies == (("US at 0%", "US at 50%", "US at 100%"), ("China at 0%", "China at 50%", "China at 100%"))
    from games.sweeps.sweep import Axis, SweepSpec, regime_label, run

    spec = SweepSpec(base=MODEL.defaults(), axes=(Axis("war", np.array([2.0, 4.0, 6.0])),), model=MODEL)
    result = run(spec)

    labels = [regime_label(int(c), spec.outcome_names) for c in result.codes]
    assert labels[0] == "war only"
    assert labels[1] == "US backs down + China backs down + war"  # in profile order
    assert labels[2].startswith("chicken")


def test_trade_snapback_terminal_pays_the_restrict_cell():
    """The trade file's snapback: after (Relax, Supply) snapping back ends where the US
    restricts and China supplies, so it pays the simultaneous game's (Restrict, Supply) cell."""
    from games.model.catalog import builtin_model
    from games.trade import simultaneous_game

    trade = builtin_model("trade")
    tree, profiles = ev.form_tree(trade, {}, "snapback")
    assert profiles["Relax, Supply, Snap back"] == (0, 1) and profiles["Relax, Supply, Keep"] == (1, 1)
    U, V = simultaneous_game({}).payoffs
    snap = tree.root.children[1].children[1].children[1]
    assert snap.outcome == "Relax, Supply, Snap back"
    assert snap.payoffs == (round(float(U[0, 1]), 12), round(float(V[0, 1]), 12))


BAD_FORMS = [
    ('[forms.x]\norder = ["US", "China"]\nrevision = { player = "China", after = "Hold", moves = { a = "Hold", b = "Escalate" } }',
     "moves last already"),
    ('[forms.x]\norder = ["US", "China"]\nrevision = { player = "US", after = "Hlod", moves = { a = "Hold", b = "Escalate" } }',
     "no strategy 'Hlod'"),
    ('[forms.x]\norder = ["US", "China"]\nrevision = { player = "US", after = "Hold", moves = { a = "Hold" } }', "at least two"),
    ('[forms.x]\norder = ["US", "China"]\nrevision = { player = "US", after = "Hold", moves = { a = "Hold", b = "Fold" } }',
     "no strategy 'Fold'"),
    ('[forms.x]\norder = ["US"]', "order must name every player exactly once"),
    ('[forms.x]\ndescription = "nothing"', "expected order"),
    ('[forms.x]\norder = ["US", "China"]\nfocus = { "Hold, Hold" = ["Hold", "x"] }', "a path of at most 1 move"),
    ('[forms.x]\norder = ["US", "China"]\nfocus = { "Hlod" = ["Hold", "x"] }', "'Hlod' is not a move at stage 1"),
    ('[forms.x]\norder = ["US", "China"]\nfocus = { "Hold" = "Hold" }', "expected [\"MOVE\""),
    ('[forms.x]\norder = ["US", "China"]\nordr = 1', "unknown key 'ordr' (did you mean 'order'?)"),
    ('[forms.graded]\norder = ["US", "China"]', "is a form every model has"),
    ('[forms.x.players.US]\nstrategies = ["a"]', "[players] 'US' is defined twice"),
    ('[forms.x.payoffs.US]\n"war" = "1"', "'war' is defined twice"),
    ('[forms.x.players.UN]\nstrategies = ["a"]\n[forms.x.parameters.fee]\ndefault = 1', "unknown key 'parameters'"),
    ('[forms.x.payoffs.UN]\n"fee" = "1"', "unknown player"),
    ('[forms.x.players.UN]\nstrategies = ["a"]\n[forms.x.payoffs.UN]\n"fee" = "fe"', "unknown name 'fe'"),
    ('[forms.x]\norder = ["US", "China"]\n[forms.x.players.UN]\nstrategies = ["a"]', "not both"),
    ('[wording]\ngraded = ["open", "supply {level}"]', "must contain {level}"),
    ('[wording]\ngraded = ["open {level} {x}", "supply {level}"]', "must contain {level}"),
    ('[wording]\ngraded = ["open {level}"]', "one per player"),
    ('[wording.outcomes]\n"Hold, Hlod" = "peace"', "has no strategy 'Hlod'"),
    ('[wording]\nparital = "x"', "unknown key 'parital' (did you mean 'partial'?)"),
    ('[wording.regimes]\n"a + b" = 3', "expected a string"),
    ('[forms.x]\norder = ["US", "China"]\nstory = ["a"]', "story: expected a string"),
    ('[types.China]\nprior = 0.5\ndifference = "w = {wr}"\n[types.China.a]\n[types.China.b]\nwar = "1"', "'wr' is not a parameter"),
    ('[types.China]\nprior = 0.5\ndifference = "w = {war"\n[types.China.a]\n[types.China.b]\nwar = "1"', "unbalanced brace"),
    ('[types.China]\nprior = 0.5\ndifference = "w = {war +}"\n[types.China.a]\n[types.China.b]\nwar = "1"', "field {war +}"),
]


@pytest.mark.parametrize("extra, fragment", BAD_FORMS, ids=[f"bad{i}" for i in range(len(BAD_FORMS))])
def test_bad_forms_and_wording_one_line(extra, fragment):
    with pytest.raises(InputError) as info:
        parse_model(BRINK.replace("[define]", extra + "\n\n[define]", 1), "m.toml", "m")
    message = str(info.value)
    assert "\n" not in message and message.startswith("m.toml") and fragment in message, message


def test_show_lists_the_models_own_forms(tmp_path):
    path = tmp_path / "brink.toml"
    path.write_text(TEXT, encoding="utf-8")
    out = _invoke(["show", str(path)], codes=(0,)).stdout
    assert "recall: tree: US first, China answers, then a US that escalated may stand down" in out
    assert "mediator: mediator" in out  # no description: its name


def test_type_difference_sentence_from_the_file():
    """[types.PLAYER] difference: its {formula} fields computed at the scenario's values."""
    from games.model.bayes import type_difference

    text = BRINK.replace("[define]", '[types.China]\nprior = 0.5\ndifference = "War costs a hawk {war * 2 - stake} net."\n'
                         '[types.China.hawk]\nwar = "war * 2"\n[types.China.dove]\n\n[define]', 1)
    model = parse_model(text, "m.toml", "m")
    assert type_difference(model, {"war": 3.5}) == "War costs a hawk 3 net."  # 3.5·2 − 4


def test_tree_form_size_is_bounded():
    """200 × 200 profiles, 3 revision moves: up to 120,000 outcomes, over the 100,000 limit."""
    a = str([f"a{i}" for i in range(200)]).replace("'", '"')
    b = str([f"b{i}" for i in range(200)]).replace("'", '"')
    text = (f'[players.A]\nstrategies = {a}\n[players.B]\nstrategies = {b}\n'
            '[payoffs]\nA = "1"\nB = "A.a0"\n'
            '[forms.big]\norder = ["A", "B"]\nrevision = { player = "A", after = "a0", moves = { x = "a0", y = "a1", z = "a2" } }\n')
    model = parse_model(text, "big.toml", "big")
    with pytest.raises(InputError, match="more than 100,000"):
        ev.form_tree(model, {}, "big")


def test_game_option_on_a_model_file_names_its_own_forms_and_its_errors(tmp_path):
    # a typo in --game: the forms this model can be played in (its own recall and
    # mediator among them, with a did-you-mean), not the trade model's snapback or with-ally
    path = tmp_path / "brink.toml"
    path.write_text(TEXT, encoding="utf-8")
    err = _invoke(["solve", str(path), "--game", "recal"], codes=(2,)).stderr.strip()
    assert "\n" not in err and "has no form 'recal' (did you mean recall?)" in err, err
    assert "mediator" in err and "snapback" not in err and "with-ally" not in err
    # a broken file asked for one of its own forms: the file's error, not an unknown --game
    broken = tmp_path / "broken.toml"
    broken.write_text(TEXT.replace('after = "Escalate"', 'after = "Escalat"'), encoding="utf-8")
    err = _invoke(["solve", str(broken), "--game", "recall"], codes=(2,)).stderr.strip()
    assert "\n" not in err and "[forms.recall] revision: after" in err and "no strategy 'Escalat'" in err, err


def test_regime_words_match_in_any_order():
    # war 6 > stake 4: each side backing down is an equilibrium; the regime prints in
    # profile order ("US backs down + China backs down"), but a file may name it in
    # another order, as a set of outcomes
    reversed_words = TEXT.replace('"US backs down + China backs down" = "chicken"',
                                  '"China backs down + US backs down" = "chicken"')
    model = parse_model(reversed_words, "brink.toml", "brink")
    from games.sweeps.sweep import Axis, SweepSpec, regime_label, run

    spec = SweepSpec(base=model.defaults(), axes=(Axis("war", np.array([2.0, 6.0])),), model=model)
    labels = [regime_label(int(c), spec.outcome_names) for c in run(spec).codes]
    assert labels == ["war only", "chicken"]
