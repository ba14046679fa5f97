"""Model files through the command line: the brinkmanship file as written, bad files refused.

Every bad model file must end in exit 2 with one line on stderr naming what is wrong, no
output on stdout and no traceback. Over 200 malformed files are generated from the
brinkmanship file by mutations, each of which makes the file invalid.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_hostile_cli import _invoke, _run_main

ROOT = Path(__file__).resolve().parent.parent
BRINK = (ROOT / "examples" / "models" / "brinkmanship.toml").read_text(encoding="utf-8")


def solve_json(path, *extra):
    result = _invoke(["solve", str(path), "--format", "json", *extra], codes=(0,))
    return json.loads(result.stdout)


def refuse(tmp_path, text: str, fragment: str = "", name: str = "m.toml", args=("solve",)):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = _invoke([*args, str(path)], codes=(2,))
    assert fragment.lower() in result.stderr.lower(), result.stderr
    return result.stderr.strip()


# ---------------------------------------------------------------- the file as written
def test_brinkmanship_file_as_written(tmp_path):
    """Chicken with stake s = 4 and war w = 10 (hand derivation):
    (Hold, Escalate) and (Escalate, Hold) are pure equilibria; in the mixed one each side
    escalates with p solving −s·p... : Hold pays −p·s, Escalate pays (1−p)·s − p·w, equal at
    p = s / w = 0.4, so each plays Hold 0.6, Escalate 0.4 and gets −0.4·4 = −1.6."""
    path = tmp_path / "brinkmanship.toml"
    path.write_text(BRINK, encoding="utf-8")
    data = solve_json(path)
    assert data["game"]["players"] == ["US", "China"]
    assert data["payoff_matrices"] == [[[0, -4], [4, -10]], [[0, 4], [-4, -10]]]
    profiles = sorted(tuple(tuple(round(v, 9) for v in p) for p in e["profile"]) for e in data["equilibria"])
    assert profiles == sorted([((1, 0), (0, 1)), ((0, 1), (1, 0)), ((0.6, 0.4), (0.6, 0.4))])
    mixed = [e for e in data["equilibria"] if not e["pure"]][0]
    assert mixed["payoffs"] == pytest.approx([-1.6, -1.6])


def test_brinkmanship_war_threshold_is_exact():
    """(Escalate, Escalate) is an equilibrium iff −w ≥ −s, i.e. war ≤ stake = 4 (exactly)."""
    result = _invoke(["explain", "brinkmanship", "--format", "json"], codes=(0,))
    data = json.loads(result.stdout)
    starts = data["explanation"]["starts"]
    both = [s for s in starts if s["indices"] == [1, 1]][0]
    war = [w for w in both["windows"] if w["parameter"] == "war"][0]
    assert war["low"] == 0 and war["high"] == 4.0
    # with war = 3 it is an equilibrium, and its threshold says so, exactly
    data = json.loads(_invoke(["explain", "brinkmanship", "--set", "war=3", "--format", "json"], codes=(0,)).stdout)
    th = [t for e in data["explanation"]["thresholds"] for t in e["thresholds"] if t["parameter"] == "war"][0]
    assert th["high"] == 4.0 and th["exact"] is True
    assert "war stays below 4 (now 3)" in " ".join(s for e in data["explanation"]["thresholds"] for s in e["sentences"])


def test_nonlinear_parameter_is_detected_and_searched_numerically():
    """In the Cournot model the price is max(0, a − b(q1 + q2)): not affine in a or b, so
    those thresholds are numerical; c enters linearly, so its thresholds are exact.
    Hand derivation at (Medium, Medium) = (4, 4) with a = 12, b = 1: Firm1's gain from Low
    (q1 = 2) is 2(a − 6b − c) − 4(a − 8b − c) = −2a + 20b + 2c, ≤ 0 iff c ≤ a − 10b = 2 at
    b = 1 (now c = 1); from High (6): 6(a − 10b − c) − 4(a − 8b − c) = 2a − 28b − 2c ≤ 0
    iff c ≥ a − 14 = −2, always true: so the equilibrium holds while c stays below 2."""
    data = json.loads(_invoke(["explain", "cournot", "--format", "json"], codes=(0,)).stdout)
    th = {t["parameter"]: t for e in data["explanation"]["thresholds"] for t in e["thresholds"]}
    assert th["c"]["exact"] is True and th["c"]["high"] == pytest.approx(2.0, abs=1e-12)
    assert th["a"]["exact"] is False and th["a"]["low"] == pytest.approx(11.0, abs=1e-6)


def test_scenario_names_a_model_and_sets_parameters(tmp_path):
    (tmp_path / "b.toml").write_text(BRINK, encoding="utf-8")
    (tmp_path / "cold.toml").write_text(
        'title = "Cold peace"\nsummary = "War costs less than the stake."\nmodel = "b.toml"\n'
        "[parameters]\nwar = 3\n", encoding="utf-8")
    data = solve_json(tmp_path / "cold.toml")
    assert [e["profile"] for e in data["equilibria"]] == [[[0, 1], [0, 1]]]
    assert data["scenario"]["parameters"]["war"] == 3
    (tmp_path / "builtin.toml").write_text('model = "brinkmanship"\n[parameters]\nstake = 12\n', encoding="utf-8")
    data = solve_json(tmp_path / "builtin.toml")
    assert data["scenario"]["parameters"]["stake"] == 12
    refuse(tmp_path, 'model = "brinkmanship"\n[parameters]\nchip_sales = 1\n', "unknown parameter 'chip_sales'", name="bad.toml")
    refuse(tmp_path, 'model = "nosuch"\n', "no such built-in model", name="bad2.toml")


def test_scenario_of_a_model_gives_provenance(tmp_path):
    """A scenario of a model says where its values come from, as a trade scenario does:
    a value it sets, a default it keeps (why the default holds here), and --set what-ifs."""
    (tmp_path / "b.toml").write_text(BRINK, encoding="utf-8")
    (tmp_path / "cold.toml").write_text(
        'model = "b.toml"\n[parameters]\nwar = 3\n'
        '[provenance.war]\nsource = "War studies, table 2"\nderivation = "a third of the stake"\n'
        '[provenance.stake]\nsource = "Budget, 2024"\nderivation = "the default holds"\n', encoding="utf-8")
    data = json.loads(_invoke(["show", str(tmp_path / "cold.toml"), "--format", "json"], codes=(0,)).stdout)
    prov = data["scenario"]["provenance"] if "scenario" in data else data["provenance"]
    assert prov["war"]["source"] == "War studies, table 2"
    assert prov["stake"]["derivation"] == "the default holds"
    text = _invoke(["show", str(tmp_path / "cold.toml")], codes=(0,)).stdout
    assert "war: War studies, table 2 — a third of the stake" in text
    text = _invoke(["show", str(tmp_path / "cold.toml"), "--set", "war=4"], codes=(0,)).stdout
    assert "War studies" not in text and "set to 4 for this run" in text
    refuse(tmp_path, 'model = "b.toml"\n[provenance.wr]\nsource = "x"\nderivation = "y"\n',
           "[provenance]: unknown parameter 'wr' of model", name="bad.toml")
    refuse(tmp_path, 'model = "b.toml"\n[provenance.war]\nsource = "x"\n',
           "[provenance.war]: 'derivation' must be a non-empty string", name="bad2.toml")
    refuse(tmp_path, 'model = "b.toml"\n[observed]\nUS = "Hold"\n', "applies to scenarios of the trade model", name="bad3.toml")


def test_set_checks_model_parameters():
    r = _invoke(["solve", "brinkmanship", "--set", "wr=3"], codes=(2,))
    assert "did you mean 'war'" in r.stderr
    r = _invoke(["solve", "brinkmanship", "--set", "war=99"], codes=(2,))
    assert "between 0 and 50" in r.stderr


# ---------------------------------------------------------------- one line per bad file
def swap(old: str, new: str, text: str = BRINK) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


BAD = [
    (swap('"war" = "-both * war"', '"war" = "-bot * war"'), "unknown name 'bot' (did you mean 'both'?)"),
    (swap('"war" = "-both * war"', '"war" = "-both * wr"'), "did you mean 'war'"),
    (swap('"war" = "-both * war"', '"war" = "-both *"'), "[payoffs.US] 'war': syntax error at column"),
    (swap('both = "x * y"', 'both = "x * y"\nx = "1"'), "'x' is defined twice"),
    (swap('both = "x * y"', 'both = "x * cyc"\ncyc = "both + 1"'), "cycle: both → cyc → both"),
    (swap('both = "x * y"', 'both = "both"'), "cycle"),
    (swap("default = 10", "default = 60"), "default 60 is outside its range [0, 50]"),
    (swap('strategies = ["Hold", "Escalate"]\nlevel = "x"', 'strategies = []\nlevel = "x"'), "has no strategies"),
    (swap("levels = [0, 1]      #", "levels = [0, 1, 2]      #"), "levels has 3 value(s) but there are 2 strategies"),
    (swap('"war" = "-both * war"', '"war" = "-both * war / (x - x)"'), "is not finite at (Hold, Hold)"),
    (swap('"war" = "-both * war"', '"war" = "log(x)"'), "'war' is not finite at (Hold, Hold)"),
    (swap('"war" = "-both * war"', '"war" = "-both * war ** 1000"'), "larger than 100"),
    (swap('"war" = "-both * war"', '"war" = "US * war"'), "a player is not a number"),
    (swap('"war" = "-both * war"', '"war" = "US.Fold * war"'), "no strategy 'Fold'"),
    (swap('"war" = "-both * war"', '"war" = "USA.Hold * war"'), "unknown player 'USA'"),
    (swap('"war" = "-both * war"', '"war" = "max(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)"'), "takes 1 to 16"),
    (swap("[payoffs.China]", "[payoffs.Chna]"), "unknown player (did you mean 'China'?)"),
    (swap('title = "Brinkmanship"', 'titel = "Brinkmanship"'), "unknown key 'titel' (did you mean 'title'?)"),
    (swap("[players.China]", '[players.China]\nstrategy = ["x"]'), "unknown key 'strategy'"),
    (swap("default = 10", "default = 10\ndefualt = 3"), "unknown key 'defualt'"),
    (swap('level = "y"', 'level = "x"'), "level 'x' is defined twice"),
    (swap("range = [0, 50]", "range = [50, 0]"), "low < high"),
    (swap("range = [0, 50]", 'range = "0-50"'), "range must be two finite numbers"),
    (swap("range = [0, 50]", "range = [0, inf]"), "range must be two finite numbers"),
    (swap("default = 10", 'default = "ten"'), "default must be a finite number"),
    (swap("default = 10", "default = nan"), "default must be a finite number"),
    (swap("[parameters.war]", "[parameters.max]"), "is the name of a function"),
    (swap("[parameters.war]", '[parameters."2war"]'), "must be a name of letters"),
    (swap('level = "y"\nlevels = [0, 1]', 'level = "y"'), "missing levels"),
    (swap('level = "y"\nlevels = [0, 1]', 'levels = [0, 1]'), "missing level"),
    (swap('levels = [0, 1]      #', 'levels = [0, "one"]      #'), "levels must be an array of finite numbers"),
    (swap('strategies = ["Hold", "Escalate"]\nlevel = "x"', 'strategies = ["Hold", "Hold"]\nlevel = "x"'), "listed twice"),
    (re.sub(r"\[payoffs\.China\][\s\S]*", "", BRINK), "missing [payoffs.China]"),
    (re.sub(r"\[players\.China\][\s\S]*?(?=\[parameters)", "", BRINK), "expected 2 to 8"),
    (swap('[players.US]', '[players.US]\nlevel = "x"\n[players.X]'), "[players.US]: missing strategies"),
    (swap('[players.US]', '[players.US]\n[players.US]'), "not valid TOML"),
    ("title = 3\n" + BRINK.split("\n", 1)[1], "title: expected a string"),
    (BRINK + "\n[players.A]\nstrategies=['a']\n[players.B]\nstrategies=['a']\n[players.C]\nstrategies=['a']\n"
     "[players.D]\nstrategies=['a']\n[players.E]\nstrategies=['a']\n[players.F]\nstrategies=['a']\n[players.G]\nstrategies=['a']\n",
     "expected 2 to 8"),
    (swap('strategies = ["Hold", "Escalate"]\nlevel = "x"',
          f'strategies = {[f"s{i}" for i in range(201)]}\nlevel = "x"'.replace("'", '"')), "more than the 200 allowed"),
    (swap('both = "x * y"', 'both = "x * y"\n' + "\n".join(f'd{i} = "d{i-1} ** 10"' if i else 'd0 = "x ** 10"' for i in range(4))),
     "polynomial degree"),
    (swap('"war" = "-both * war"', '"war" = "' + "1 + " * 600 + '1"'), "characters long"),
    (swap('"war" = "-both * war"', '"war" = "' + "(1 + " * 60 + "1" + ")" * 60 + '"'), "nested"),
    ('order = ["US", "Chna"]\n' + BRINK, "order: unknown player 'Chna'"),
    ('order = ["US"]\n' + BRINK, "order must name every player exactly once"),
    (BRINK + '\n[outcomes]\n"Hold, Hold, Hold" = "peace"\n', "one strategy per player"),
    (BRINK + '\n[outcomes]\n"Hold, Hld" = "peace"\n', "has no strategy 'Hld'"),
    (BRINK + '\n[outcomes]\n"Hold, Hold" = 3\n', "expected a string"),
    (swap('both = "x * y"', 'both = "x * y"\n"2x" = "1"'), "must be a name of letters"),
    (swap('both = "x * y"', 'both = "x * y"\nlog = "1"'), "is the name of a function"),
    (swap('"war" = "-both * war"', '"war" = 1e400'), "larger than"),
    (swap("[payoffs.US]", "[payoffs.US.deep]"), "expected a formula string, got a table"),
    (BRINK + '\n[types.Chna]\nprior = 0.5\n[types.Chna.a]\n[types.Chna.b]\n', "unknown player"),
    (BRINK + '\n[types.China]\nprior = 0.5\n[types.China.a]\n', "at least two types"),
    (BRINK + '\n[types.China]\n[types.China.a]\n[types.China.b]\n', "missing prior"),
    (BRINK + '\n[types.China]\nprior = "x"\n[types.China.a]\n[types.China.b]\n', "'x' is not a parameter"),
    (BRINK + '\n[types.China]\nprior = 0.5\n[types.China.a]\nwr = "1"\n[types.China.b]\n', "unknown parameter (did you mean 'war'?)"),
    (BRINK + '\n[types.China]\nprior = 0.5\n[types.China.a]\nwar = "China.Hold"\n[types.China.b]\n', "depend on parameters only"),
    (swap("default = 10", 'default = 10\nside = "' + "x" * 21 + '"'), "[parameters.war]: side: "),
    (swap("default = 10", "default = 10\nside = 3"), "[parameters.war]: side: expected a string"),
]


@pytest.mark.parametrize("text, fragment", BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_model_file_one_line(tmp_path, text, fragment):
    refuse(tmp_path, text, fragment)


def test_outcome_names_and_shorthand_payoffs(tmp_path):
    text = BRINK.replace("[payoffs.China]", "[outcomes]\n\"Escalate, Escalate\" = \"war\"\n\n[payoffs.China]")
    text = text.replace('[payoffs.US]\n"prevailing" = "x * (1 - y) * stake"\n"backing down" = "-(1 - x) * y * stake"\n"war" = "-both * war"',
                        '[payoffs]\nUS = "x * (1 - y) * stake - (1 - x) * y * stake - both * war"')
    text = text.replace("[payoffs.China]", "[payoffs.China]")
    path = tmp_path / "m.toml"
    path.write_text(text.replace("[payoffs]\nUS", "[payoffs]\nUS").replace("\n[payoffs.China]", "\n[payoffs.China]"), encoding="utf-8")
    data = json.loads(_invoke(["explain", str(path), "--set", "war=3", "--format", "json"], codes=(0,)).stdout)
    assert data["payoff_matrices"][0] == [[0, -4], [4, -3]]
    assert any(e["label"] == "war (Escalate, Escalate)" for e in data["explanation"]["thresholds"])


def test_profile_limit(tmp_path):
    s = [f"s{i}" for i in range(60)]
    players = "".join(f'[players.P{k}]\nstrategies = {json.dumps(s)}\n' for k in range(3))
    pays = "".join(f'[payoffs.P{k}]\nu = "1"\n' for k in range(3))
    refuse(tmp_path, players + pays, "pure profiles, more than")


def test_formula_not_finite_after_set(tmp_path):
    text = swap('"war" = "-both * war"', '"war" = "-both * 10 / war"')
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    r = _invoke(["solve", str(path), "--set", "war=0"], codes=(2,))
    # the what-if value is named: the file is fine at its defaults
    assert "'war' is not finite at (Hold, Hold) with war = 0 (" in r.stderr


# ---------------------------------------------------------------- generated malformed files
BAD_FORMULAS = ["x +", "x ^ 2", "__import__('os')", "x.y.z", "lambda: 1", "[1]", "x < 1", "'s'", "nosuch",
                "1 / (x - x)", "log(0 * x)", "sqrt(-1 - x)", "x ** y", "2 ** 999", "f(x)", "min()", "x = 1",
                "exp(1000 + x)", "", "US", "China.Fold", "Nobody.Hold", "1e999", "x;y", "open('/etc/passwd')",
                "(x + " * 50 + "x" + ")" * 50, "q" * 70, "x if y else 0", "not x", "x @ y", "1j", "abs(x, y)"]
FORMULA_KEYS = ['"prevailing" = "x * (1 - y) * stake"', '"backing down" = "-(1 - x) * y * stake"',
                '"war" = "-both * war"', 'both = "x * y"']


def _mutants(rng: random.Random):
    """Mutated brinkmanship files, every one of them invalid."""
    # 1. a bad formula in place of a good one
    for bad in BAD_FORMULAS:
        for key in FORMULA_KEYS:
            left = key.split(" = ")[0]
            yield swap(key, f"{left} = {json.dumps(bad)}")
    # 2. a parameter default outside its range
    for _ in range(30):
        v = rng.choice([rng.uniform(50.001, 1e6), rng.uniform(-1e6, -0.001)])
        yield swap("default = 10", f"default = {v!r}")
    # 3. a player's levels of the wrong length
    for n in (0, 1, 3, 4, 7):
        yield swap("levels = [0, 1]      #", f"levels = {list(range(n))}      #")
    # 4. names defined twice or in cycles
    for name in ("stake", "war", "x", "y"):
        yield swap('both = "x * y"', f'both = "x * y"\n{name} = "1"')
    for k in range(2, 8):
        chain = "\n".join(f'c{i} = "c{(i + 1) % k} + 1"' for i in range(k))
        yield swap('both = "x * y"', f'both = "x * y"\n{chain}')
    # 5. a misspelled name somewhere in a formula
    for key in FORMULA_KEYS:
        left, right = key.split(" = ")
        for name in ("stake", "war", "both", "x", "y"):
            if re.search(rf"\b{name}\b", right):
                changed = re.sub(rf"\b{name}\b", name + "z", right, count=1)
                yield swap(key, f"{left} = {changed}")
    # 6. broken TOML: a cut or a stray character at a random point
    for _ in range(40):
        cut = rng.randrange(len(BRINK) // 3, len(BRINK))
        yield BRINK[:cut] + rng.choice(['"', "[", "= =", "]]", "\x00"]) + "\n" + BRINK[cut:]


MUTANTS = list(_mutants(random.Random(20261202)))


def test_enough_generated_files():
    assert len(MUTANTS) >= 200


@pytest.mark.parametrize("k", range(0, len(MUTANTS), 1), ids=lambda k: f"mutant{k}")
def test_generated_malformed_files_refused(tmp_path, k):
    path = tmp_path / "mutant.toml"
    path.write_text(MUTANTS[k], encoding="utf-8")
    _invoke(["solve", str(path)], codes=(2,))


FREE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@FREE
@given(st.sampled_from(FORMULA_KEYS), st.text(alphabet="xy()+-*/.,0123456789 eminaxbsqrtlogUSChina", max_size=40))
def test_random_formulas_never_crash(tmp_path_factory, key, formula):
    left = key.split(" = ")[0]
    path = tmp_path_factory.mktemp("f") / "m.toml"
    path.write_text(swap(key, f"{left} = {json.dumps(formula)}"), encoding="utf-8")
    r = _invoke(["solve", str(path), "--format", "json"], codes=(0, 2))
    if r.exit_code == 0:
        assert json.loads(r.stdout)["equilibria"]


def test_nothing_written_on_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD[0][0], encoding="utf-8")
    out = tmp_path / "out.nfg"
    r = _run_main(["export", str(bad), "--to", "nfg", "-o", str(out)])
    assert r.exit_code == 2 and not out.exists()


def test_explain_survives_a_parameter_range_with_infinite_payoffs(tmp_path):
    """1/b is infinite at b = 0, an end of b's range: thresholds are searched numerically
    inside the range. A plays R against R while 1/b − 0.5 + 1 ≥ 1, i.e. b ≤ 2."""
    text = """
[players.A]
strategies = ["L", "R"]
[players.B]
strategies = ["L", "R"]
[parameters.b]
default = 1
range = [0, 5]
[payoffs.A]
u = "A.R * (1 / b - 0.5) + B.R"
[payoffs.B]
u = "B.R * (2 - b)"
"""
    path = tmp_path / "inv.toml"
    path.write_text(text, encoding="utf-8")
    data = json.loads(_invoke(["explain", str(path), "--format", "json"], codes=(0,)).stdout)
    (th,) = [t for e in data["explanation"]["thresholds"] for t in e["thresholds"]]
    assert th["parameter"] == "b" and th["exact"] is False and th["high"] == pytest.approx(2, abs=1e-6)  # within the verification tolerance


# ---------------------------------------------------------------- control characters in texts
@pytest.mark.parametrize("char", ["\\u0007", "\\u001b", "\\r", "\\u0000"])
def test_control_characters_in_a_title_are_refused(tmp_path, char):
    """A one-line text may hold no character below code point 32 (a bell, an escape, a carriage return)."""
    text = BRINK.replace('title = "Brinkmanship"', f'title = "Brink{char}manship"')
    assert "contains control characters" in refuse(tmp_path, text, "title")


@pytest.mark.parametrize("char, allowed", [("\\n", True), ("\\t", True), ("\\r", False), ("\\u0007", False)])
def test_a_description_may_hold_newlines_and_tabs_only(tmp_path, char, allowed):
    """Multi-line texts (description, meaning, story) allow newline and tab, no other control character."""
    text = BRINK.replace('two sides in a stand-off;'.capitalize(), f"Two sides{char}in a stand-off;")
    assert char in text
    if allowed:
        assert solve_json(_written(tmp_path, text))["equilibria"]
    else:
        assert "contains control characters" in refuse(tmp_path, text, "description")


def _written(tmp_path, text: str):
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_three_player_model_beyond_enumeration_lists_its_hand_counted_pure_equilibria(tmp_path):
    """Three friends each pick one of four cafés; all at café s earn s + 1 each, anything
    else 0. Σ(strategies − 1) = 9 is beyond polynomial support enumeration, so `auto` lists
    the pure equilibria. By hand: all three meet (4 profiles), or all are apart (4 × 3 × 2 =
    24: nobody can complete a meeting alone); two together and one apart is not one (the
    third joins them). 28 in all, and `complete` is false (mixed ones not searched)."""
    cafes = ["C1", "C2", "C3", "C4"]
    meet = " + ".join(f"{k + 1} * A.{c} * B.{c} * C.{c}" for k, c in enumerate(cafes))
    text = "\n".join(
        [f'[players.{p}]\nstrategies = {json.dumps(cafes)}' for p in "ABC"]
        + [f'[payoffs.{p}]\nu = "{meet}"' for p in "ABC"]
    )
    path = tmp_path / "cafes.toml"
    path.write_text(text, encoding="utf-8")
    data = json.loads(_invoke(["solve", str(path), "--format", "json"], codes=(0,)).stdout)
    profiles = {tuple(p.index(1.0) for p in eq["profile"]) for eq in data["equilibria"]}
    assert len(data["equilibria"]) == len(profiles) == 28
    assert profiles == {(s, s, s) for s in range(4)} | set(itertools.permutations(range(4), 3))
    assert data["complete"] is False
    for eq in data["equilibria"]:
        a, b, c = (p.index(1.0) for p in eq["profile"])
        assert eq["payoffs"] == [a + 1.0] * 3 if a == b == c else eq["payoffs"] == [0.0] * 3
