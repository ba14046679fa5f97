"""The dependency direction of games/: generic layers never import the trade model's package.

The trade model is a model file (examples/models/trade.toml), the catalog's default model;
`games/trade/` is only its own Python (its games by their old names, its trees, the ally).
Generic code reads a model — the trade model included — through `games.model`
(`catalog.default_model`, `parameters`, `level_game`, `evaluate`), so it works for any model
file; `games/trade/` calls into the generic code, never the other way round.

The second half checks the generic level path and the model-file words on models other
than the trade model, against hand derivations.
"""

from __future__ import annotations

import ast
import math
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

from games.errors import InputError

GAMES = Path(__file__).resolve().parent.parent / "games"

#: Modules outside games/trade/ allowed to import games.trade, each with the reason. None
#: remain: the public API (games/__init__.py), the record, exact mode, sweeps,
#: explanations and forms all read the trade model from its file through the catalog.
ALLOWED: dict[str, str] = {}


def _trade_references(path: Path) -> list[str]:
    """Each import of games.trade in a module (absolute, relative, or `from games import
    trade`), and each string naming it as a module (a lazy import or an export table)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = ".".join(path.relative_to(GAMES.parent).with_suffix("").parts)
    if path.name == "__init__.py":
        package = package.rsplit(".", 1)[0] + ".__init__"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names
                      if a.name == "games.trade" or a.name.startswith("games.trade.")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: -node.level]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = [a.name for a in node.names]
            if module == "games.trade" or module.startswith("games.trade.") or (module == "games" and "trade" in names):
                found.append(f"line {node.lineno}: from {module} import {', '.join(names)}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value == "games.trade" or node.value.startswith("games.trade."):
                found.append(f"line {node.lineno}: string {node.value!r}")
    return found


def _generic_modules() -> list[Path]:
    return sorted(p for p in GAMES.rglob("*.py") if "trade" not in p.relative_to(GAMES).parts[:1])


def test_no_generic_module_imports_the_trade_package():
    offenders = {}
    for path in _generic_modules():
        rel = str(path.relative_to(GAMES.parent))
        refs = _trade_references(path)
        if refs and rel not in ALLOWED:
            offenders[rel] = refs
    assert not offenders, f"generic modules import games.trade (read the model through games.model instead): {offenders}"


def test_the_check_finds_each_spelling(tmp_path):
    """The checker itself can fail: each way of importing the trade package is caught."""
    pkg = tmp_path / "games" / "sweeps"
    pkg.mkdir(parents=True)
    cases = {
        "a.py": "import games.trade\n",
        "b.py": "from games import trade\n",
        "c.py": "from games.trade.parameters import PARAMETERS\n",
        "d.py": "from ..trade import payoffs\n",
        "e.py": "X = {'PARAMETERS': 'games.trade.parameters'}\n",
        "f.py": "def f():\n    from games.trade import model_file\n",
    }
    global GAMES
    saved = GAMES
    GAMES = tmp_path / "games"
    try:
        for name, text in cases.items():
            (pkg / name).write_text(text, encoding="utf-8")
            assert _trade_references(pkg / name), name
        (pkg / "ok.py").write_text('"""Mentions `games.trade` in prose only."""\nfrom games.model import level_game\n', encoding="utf-8")
        assert _trade_references(pkg / "ok.py") == []
    finally:
        GAMES = saved


def test_allowed_list_is_current():
    """Every allowed exception still exists and still imports the package (else drop it)."""
    for rel in ALLOWED:
        assert _trade_references(GAMES.parent / rel), rel


def test_trade_parameters_are_the_generic_table_of_the_default_model():
    from games.model.catalog import default_model
    from games.model.parameters import game_parameters
    from games.trade.parameters import PARAMETERS

    assert PARAMETERS is game_parameters(default_model())
    import games

    assert games.PARAMETERS is PARAMETERS


# ---------------------------------------------------------------- the generic path on other models
def _model(name):
    from games.model.catalog import builtin_model

    return builtin_model(name)


def test_brinkmanship_level_game_by_hand():
    """Brinkmanship at stake s = 4, war w = 3 (x, y = 1 for Escalate): the US gets
    x(1−y)s − (1−x)ys − xyw: 0, −4, 4, −3 at (H,H), (H,E), (E,H), (E,E); China mirrors it."""
    from games.model import level_game
    from games.solvers.exact import exact_simultaneous_game

    brink = _model("brinkmanship")
    g = level_game.simultaneous_game({"war": 3}, model=brink)
    U, V = g.payoffs
    assert U.tolist() == [[0, -4], [4, -3]] and V.tolist() == [[0, 4], [-4, -3]]
    assert g.strategies == (("Hold", "Escalate"), ("Hold", "Escalate"))
    _, (A, B) = exact_simultaneous_game({"war": Fraction(7, 2)}, model=brink)
    assert A[1, 1] == Fraction(-7, 2) and B[0, 1] == 4
    # the four incentives (gain from Escalate): 4 and −6 for each at the defaults (w = 10)
    assert level_game.incentives(brink, brink.defaults()) == {
        "us_vs_restrict": 4.0, "us_vs_supply": -6.0, "cn_vs_restrict": 4.0, "cn_vs_relax": -6.0,
    }


def test_cournot_exact_graded_payoffs_by_hand():
    """Cournot, a = 12, b = 1, c = 1, outputs 2, 4, 6: profit q1·(max(0, 12 − q1 − q2) − 1).
    (4, 4): 4·(4 − 1) = 12; (2, 6): 2·(4 − 1) = 6; (6, 6): 6·(0 − 1) = −6."""
    from games.solvers.exact import exact_graded_payoffs

    cournot = _model("cournot")
    A, B = exact_graded_payoffs({}, 3, model=cournot)
    assert (A[1, 1], A[0, 2], B[0, 2], A[2, 2]) == (12, 6, 6 * 3, -6)
    A5, _ = exact_graded_payoffs({"c": 0.5}, 5, model=cournot)  # levels 2, 3, 4, 5, 6
    assert A5[1, 3] == 3 * (Fraction(12) - 8 - Fraction(1, 2))


def test_cournot_level_frontier_holds_the_monopoly_profit():
    """Joint profit is at most (a − c)²/4b = 30.25 (total output 5.5); the frontier over
    q1, q2 ∈ [2, 6] reaches it, and its symmetric point is 15.125 each."""
    from games.forms import bargaining as bg

    f = bg.level_frontier(_model("cournot").defaults(), model=_model("cournot"))
    total = f.u + f.v
    assert total.max() == pytest.approx(30.25, abs=1e-3)
    assert total.max() <= 30.25 + 1e-9
    k = int((abs(f.u - f.v)).argmin())
    assert f.u[k] == pytest.approx(15.125, abs=1e-2)


def test_thresholds_and_compare_of_cournot_by_hand():
    """At (Medium, Medium) Firm1's gain from Low is −2a + 20b + 2c, ≤ 0 iff c ≤ a − 10b = 2:
    the equilibrium holds for c in [0, 2], and raising c from 1 to 3 breaks it, c alone."""
    from games.explanations.comparison import compare
    from games.explanations.thresholds import equilibrium_thresholds
    from games.model.evaluate import build_game
    from games.model.scenarios import model_scenario
    from games.solvers.solver import solve

    cournot = _model("cournot")
    p = cournot.defaults()
    sol = solve(build_game(cournot, p))
    found = equilibrium_thresholds(p, "simultaneous", 5, sol, cournot)
    mm = [e for e in found if e.label.startswith("(Medium, Medium)")][0]
    c = [t for t in mm.thresholds if t.parameter == "c"][0]
    assert c.exact and c.low == 0 and c.high == pytest.approx(2.0, abs=1e-12)
    a = model_scenario(cournot)
    comp = compare(a, a.with_values({"c": 3.0}))
    flip = [f for f in comp.flips if f.label.startswith("(Medium, Medium)")][0]
    assert flip.equilibrium_in_a and not flip.equilibrium_in_b and flip.singles == ("c",)


def test_sweep_of_brinkmanship_library_boundary():
    """Mutual escalation is an equilibrium iff war ≤ stake = 4: one exact boundary at 4."""
    from games.sweeps.sweep import make_spec, run

    brink = _model("brinkmanship")
    result = run(make_spec(brink.defaults(), vary=["war=0:10:11"], model=brink))
    (b,) = result.boundaries
    assert b.value == 4 and b.exact


# ---------------------------------------------------------------- words and keys from the file
BASE = """
title = "Stand-off"
[players.Left]
strategies = ["Hold", "Push"]
level = "x"
levels = [0, 1]
key = "l"
[players.Right]
strategies = ["Hold", "Push"]
level = "y"
levels = [0, 1]
[parameters.gain]
default = 2
range = [0, 10]
[parameters.discount_l]
default = 0.5
range = [0, 0.99]
[payoffs.Left]
"push" = "x * (1 - y) * gain - x * y * 3"
[payoffs.Right]
"push" = "y * (1 - x) * gain - x * y * 3"
"""


def _parse(extra: str = ""):
    from games.model.spec import parse_model

    return parse_model(textwrap.dedent(BASE) + textwrap.dedent(extra), "standoff.toml", "standoff")


def test_incentive_and_why_words_come_from_the_file():
    from games.model.bargain import player_parameter
    from games.sweeps.sweep import make_spec

    m = _parse('''
        [wording.incentives]
        "Left, Hold" = "Left's gain from pushing a holding Right"
        "Left, Push" = "Left's gain from pushing back"
        "Right, Hold" = "Right's gain from pushing a holding Left"
        "Right, Push" = "Right's gain from pushing back"
        [wording.why]
        "gain, Left" = "the prize is what pushing wins"
    ''')
    spec = make_spec(m.defaults(), vary=["gain=0:4:5"], model=m)
    assert spec.incentive_words["us_vs_supply"] == "Left's gain from pushing back"
    assert spec.incentive_words["cn_vs_restrict"] == "Right's gain from pushing a holding Left"
    assert dict(m.wording.why) == {("gain", "Left"): "the prize is what pushing wins"}
    assert player_parameter(m, "discount", 0) == "discount_l" and player_parameter(m, "discount", 1) == "discount_right"
    # without the table, the words are composed from the strategies, as before
    plain = make_spec(_parse().defaults(), vary=["gain=0:4:5"], model=_parse())
    assert plain.incentive_words["us_vs_restrict"] == "Left's gain from Push over Hold when Right plays Hold"


@pytest.mark.parametrize("extra, message", [
    ('[wording.incentives]\n"Middle, Hold" = "x"\n', "no player 'Middle'"),
    ('[wording.incentives]\n"Left, Wait" = "x"\n', "player Right has no strategy 'Wait'"),
    ('[wording.incentives]\n"Left" = "x"\n', "expected \"PLAYER, OTHER'S STRATEGY\""),
    ('[wording.why]\n"gian, Left" = "x"\n', "no parameter 'gian'"),
    ('[wording.why]\n"gain, Lefty" = "x"\n', "no player 'Lefty'"),
    ('[wording.why]\n"gain, Left" = 3\n', "expected a string"),
])
def test_bad_words_get_one_line(extra, message):
    with pytest.raises(InputError) as err:
        _parse(extra)
    text = str(err.value)
    assert message in text and "\n" not in text and text.startswith("standoff.toml: [wording")


def test_bad_player_key_gets_one_line():
    from games.model.spec import parse_model

    with pytest.raises(InputError) as err:
        parse_model(BASE.replace('key = "l"', 'key = "1l"'), "standoff.toml", "standoff")
    assert "key '1l' must be a name" in str(err.value)
