"""Optional instruments (``optional = true``, ``--with NAME``) and China's purchases in the
trade model's package form.

Every equilibrium, gain and bound below is derived by hand in the test's docstring and
compared with what tradegame computes.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from games.model.catalog import builtin_model
from games.model.evaluate import axes, build_game
from games.model.instruments import exact_deviation_parts
from games.model.scenarios import builtin
from games.model.spec import parse_model
from games.solvers.solver import solve
from tests.test_hostile_cli import _invoke

TRADE = builtin_model("trade")
PURCHASES = ("purchases",)

#: A small model with one optional instrument. US: payoff t·(gain − 3c) (its tariff pays
#: unless China cooperates); China: c·(value·(1 − t) − 1) − t·cost, and with ``buying``,
#: −b·pcost − link·(1 − t)·(1 − b)·cost (a share link of the tariff cut snaps back if it
#: does not buy); the US's sales b·sales do not depend on the US's move.
TOY = """
title = "Toy package"

[players.US]
strategies = ["High", "Low"]
level = "t"
levels = [1, 0]

[players.CN]
strategies = ["No", "Yes"]
level = "c"
levels = [0, 1]

[parameters.gain]
default = 1
range = [0, 10]
[parameters.cost]
default = 2
range = [0, 10]
[parameters.value]
default = 3
range = [0, 10]
[parameters.sales]
default = 2
range = [0, 10]
[parameters.pcost]
default = 1
range = [0, 10]
[parameters.link]
default = 0.75
range = [0, 1]

[payoffs.US]
"tariff" = "t * (gain - 3 * c)"

[payoffs.CN]
"tariff hit" = "-t * cost"
"cooperation" = "c * (value * (1 - t) - 1)"

[instruments.tariff]
player = "US"
settings = ["high", "low"]
level = "t"
levels = [1, 0]

[instruments.coop]
player = "CN"
settings = ["no", "yes"]
level = "c"
levels = [0, 1]

[instruments.buying]
player = "CN"
optional = true
settings = ["none", "buy"]
level = "b"
levels = [0, 1]

[instruments.buying.payoffs.US]
"sales" = "b * sales"

[instruments.buying.payoffs.CN]
"cost of buying" = "-b * pcost"
"snap-back" = "-link * (1 - t) * (1 - b) * cost"
"""


def pure(model, params, form="package"):
    game = build_game(model, params, form)
    return {tuple(game.strategies[k][int(np.argmax(p))] for k, p in enumerate(eq.profile))
            for eq in solve(game).equilibria if eq.is_pure}


# ------------------------------------------------------------------ a small model by hand
def test_toy_without_the_optional_instrument():
    """US prefers High unless China cooperates (gain − 3 = −2 < 0); China cooperates only
    against a low tariff (value − 1 = 2 > 0; at High, −1). Pure equilibria: (high, no) and
    (low, yes); the optional instrument is not in the game."""
    model = parse_model(TOY, "toy.toml", "toy")
    assert [i.name for i in model.instruments] == ["tariff", "coop"]
    assert [i.name for i in model.optional_instruments] == ["buying"]
    assert axes(model, "package").labels[1] == ("no", "yes")
    assert pure(model, model.defaults()) == {("high", "no"), ("low", "yes")}


@pytest.mark.parametrize("link, buys", [(0.75, True), (0.25, False)])
def test_toy_with_buying_by_hand(link, buys):
    """China's gain from buying is −pcost + link·(1 − t)·cost: at a low tariff −1 + 2·link
    (0.5 with link 0.75: it buys; −0.5 with link 0.25: it does not), at a high one −1 (never).
    Buying does not touch the US's choice (its sales b·sales do not depend on t), so the
    equilibria are the ones above with China's purchase decided at each tariff."""
    model = parse_model(TOY, "toy.toml", "toy").with_instruments(["buying"])
    assert axes(model, "package").labels[1] == ("no + none", "no + buy", "yes + none", "yes + buy")
    found = pure(model, {**model.defaults(), "link": link})
    assert found == {("high", "no + none"), ("low", "yes + buy" if buys else "yes + none")}


def test_toy_on_the_command_line(tmp_path):
    path = tmp_path / "toy.toml"
    path.write_text(TOY, encoding="utf-8")
    data = json.loads(_invoke(["solve", str(path), "--game", "package", "--with", "buying", "--format", "json"],
                              codes=(0,)).stdout)
    strategies = data["game"]["strategies"]
    found = {(strategies[0][e["profile"][0].index(1.0)], strategies[1][e["profile"][1].index(1.0)])
             for e in data["equilibria"] if e["pure"]}
    assert found == {("high", "no + none"), ("low", "yes + buy")}
    bad = _invoke(["solve", str(path), "--game", "package", "--with", "buyng"], codes=(2,))
    assert "option --with: unknown instrument 'buyng' (did you mean 'buying'?); expected one of buying" in bad.stderr


@pytest.mark.parametrize("edit, fragment", [
    (('optional = true\nsettings = ["none", "buy"]\nlevel = "b"\nlevels = [0, 1]', 'optional = true'),
     "an optional instrument is a move of the package form"),
    (('optional = true', 'optional = "yes"'), "optional must be true or false"),
    (('optional = true', 'optional = true\nterms = ["tariff hit"]'), "an optional instrument carries only its own payoffs"),
    (('[instruments.coop]\nplayer = "CN"', '[instruments.coop.payoffs.CN]\n"odd" = "b"\n\n[instruments.coop]\nplayer = "CN"'),
     "'b' is the level of an optional instrument"),
    (('level = "b"', 'level = "c"'), "level 'c' is set by two instruments"),
])
def test_bad_optional_instruments_exit_2_with_one_line(tmp_path, edit, fragment):
    path = tmp_path / "bad.toml"
    assert edit[0] in TOY
    path.write_text(TOY.replace(*edit, 1), encoding="utf-8")
    result = _invoke(["solve", str(path), "--game", "package"], codes=(2,))
    assert fragment in result.stderr, result.stderr


# ------------------------------------------------------------------ the trade model
def test_purchases_are_optional_and_the_default_package_form_keeps_its_size():
    from games.trade.parameters import PARAMETERS

    assert [i.name for i in TRADE.optional_instruments] == ["purchases"]
    assert axes(TRADE, "package").shape == (4, 4)
    assert axes(TRADE.with_instruments(PURCHASES), "package").shape == (4, 8)
    assert len(PARAMETERS) == 26
    assert {"purchase_value_us", "purchase_cost_cn", "purchase_linkage"} <= TRADE.package_only


def test_every_purchase_parameter_has_provenance():
    for name in ("purchase_value_us", "purchase_cost_cn", "purchase_linkage"):
        p = TRADE.parameters[name]
        assert p.source.strip() and len(p.derivation) > 40 and p.rationale.strip(), name


def test_purchase_gains_at_the_defaults_by_hand():
    """China's gain from dropping purchases is purchase_cost_cn minus the snap-back it
    avoids, purchase_linkage·(1 − tariff_linkage)·(us_tariff_high − us_tariff_low)·tariff_hit_cn
    = 1/4·4/5·23/20·3 = 69/100 against a low US tariff: 1/2 − 69/100 = −19/100, all of it
    carried by purchases. Against a high US tariff nothing snaps back: +1/2."""
    model = TRADE.with_instruments(PURCHASES)
    us, cn = axes(model, "package").labels
    params = model.defaults()
    stay = (us.index("Relax + tariff low"), cn.index("Supply + tariff low + buy"))
    gain, parts = exact_deviation_parts(model, params, stay, 1, cn.index("Supply + tariff low + no purchases"), "package")
    assert gain == Fraction(-19, 100)
    assert {k: v for k, v in parts.items() if v} == {"purchases": Fraction(-19, 100)}
    stay = (us.index("Relax + tariff high"), cn.index("Supply + tariff high + buy"))
    gain, parts = exact_deviation_parts(model, params, stay, 1, cn.index("Supply + tariff high + no purchases"), "package")
    assert gain == Fraction(1, 2)
    # the US: China's buying is worth purchase_value_us (1), less the snap-back the US keeps
    # when China does not buy, 69/100 · (tariff_gain_us − tariff_cost_us)/tariff_hit_cn = 23/100
    stay = (us.index("Relax + tariff low"), cn.index("Supply + tariff low + no purchases"))
    row = exact_deviation_parts(model, params, stay, 0, us.index("Relax + tariff high"), "package")[1]
    assert row["purchases"] == Fraction(-23, 100)


def test_sweep_of_purchase_cost_finds_the_hand_derived_boundary():
    """China buys against a low US tariff while purchase_cost_cn < 69/100 (above)."""
    from games.sweeps import sweep as sw

    model = TRADE.with_instruments(PURCHASES)
    spec = sw.make_spec(model.defaults(), "package", 5, ["purchase_cost_cn=0.1:2:20"], model=model)
    assert [b.value for b in sw.run(spec).boundaries] == pytest.approx([0.69], abs=1e-6)


def test_busan_purchases_need_a_fifth_of_the_cut_tied_to_them():
    """At Busan (us_tariff_high 1.30, low 0.20, the US tariff low, China buying) China keeps
    buying while purchase_linkage·(1 − 0.2)·1.1·3 ≥ purchase_cost_cn = 1/2, i.e.
    purchase_linkage ≥ 1/2 / (264/100) = 25/132."""
    from games.history import identified_set as ids

    rc = ids.record_conditions([builtin("record-2025-10-30-busan")],
                               ["purchase_linkage", "security_risk", "diversification"], package=PURCHASES)
    bound = {b.name: b for b in ids.bounds(rc)}["purchase_linkage"]
    assert bound.low_exact == Fraction(25, 132)
    assert bound.high_exact == 1


def test_the_record_without_purchases_is_unchanged_and_with_them_reads_busan_only():
    from games.history.record import timeline

    busan = builtin("record-2025-10-30-busan")
    plain = timeline([busan], package=True)[0]
    assert plain.observed == ("x=0.5 + tariff low", "y=0.75 + tariff low")
    both = timeline([builtin("record-2025-07-stockholm"), busan], package=PURCHASES)
    assert both[0].observed is None and both[0].note == "no package and purchases moves recorded"
    assert both[1].observed == ("x=0.5 + tariff low", "y=0.75 + tariff low + buy")
    result = _invoke(["infer", "record-2025-06-london", "--package", "--with", "purchases", "--free", "leverage"], codes=(2,))
    assert "'China': missing 'purchases'" in result.stderr


# ------------------------------------------------------------------ the command line
@pytest.mark.parametrize("args", [
    ["solve", "--game", "package", "--with", "purchse"],
    ["explain", "--game", "package", "--with", "purchse"],
    ["show", "--game", "package", "--with", "purchse"],
    ["export", "--game", "package", "--with", "purchse"],
    ["compare", "baseline", "stockholm-2025", "--game", "package", "--with", "purchse"],
    ["sweep", "--game", "package", "--with", "purchse", "--vary", "purchase_cost_cn=0:1:3"],
    ["plot", "matrix", "--game", "package", "--with", "purchse", "-o", "never.png"],
    ["timeline", "--package", "--with", "purchse"],
    ["infer", "record-2025-10-30-busan", "--package", "--with", "purchse"],
])
def test_an_unknown_with_name_exits_2_with_one_line(args):
    result = _invoke(args, codes=(2,))
    assert "unknown instrument 'purchse' (did you mean 'purchases'?)" in result.stderr


@pytest.mark.parametrize("args", [
    ["solve", "--game", "package", "--set", "purchase_cost_cn=1"],
    ["sweep", "--game", "package", "--vary", "purchase_cost_cn=0:1:3"],
])
def test_purchase_parameters_need_the_purchases_in_play(args):
    result = _invoke(args, codes=(2,))
    assert "parameter 'purchase_cost_cn' enters the package form only with --with purchases" in result.stderr


def test_the_default_package_game_leaves_the_purchase_values_out():
    data = json.loads(_invoke(["solve", "--game", "package", "--format", "json"], codes=(0,)).stdout)
    assert "purchase_cost_cn" not in data["scenario"]["parameters"]
    data = json.loads(_invoke(["solve", "--game", "package", "--with", "purchases", "--format", "json"], codes=(0,)).stdout)
    assert data["scenario"]["parameters"]["purchase_cost_cn"] == 0.5


@pytest.mark.parametrize("args", [
    ["solve", "--with", "purchases"],
    ["show", "--game", "graded", "--with", "purchases"],
    ["compare", "baseline", "stockholm-2025", "--with", "purchases"],
    ["timeline", "--with", "purchases"],
    ["solve", "--game", "package", "--with", "US tariff"],
])
def test_with_outside_the_package_form_exits_2(args):
    result = _invoke(args, codes=(2,))
    assert "option --with" in result.stderr


def test_show_compare_and_export_play_the_package_form():
    shown = json.loads(_invoke(["show", "record-2025-10-30-busan", "--game", "package", "--with", "purchases",
                                "--format", "json"], codes=(0,)).stdout)
    assert shown["game"]["strategies"][1][-1] == "Supply + tariff low + buy"
    assert shown["scenario"]["parameters"]["purchase_linkage"] == 0.25
    assert "purchase_linkage" in shown["scenario"]["provenance"]
    text = _invoke(["show", "record-2025-10-30-busan", "--game", "package", "--with", "purchases"], codes=(0,)).stdout
    assert "China rare-earth licensing 0.75, China tariff tariff low, purchases buy" in " ".join(text.split())
    plain = json.loads(_invoke(["show", "--game", "package", "--format", "json"], codes=(0,)).stdout)
    assert len(plain["game"]["strategies"][1]) == 4
    compared = json.loads(_invoke(["compare", "baseline", "record-2025-10-30-busan", "--game", "package",
                                   "--with", "purchases", "--format", "json"], codes=(0,)).stdout)
    assert compared["form"] == "package"
    nfg = _invoke(["export", "--game", "package", "--with", "purchases"], codes=(0,)).stdout
    from games.formats.nfg import parse_nfg

    game, _ = parse_nfg(nfg, "export")
    assert game.shape == (4, 8) and game.strategies[1][-1] == "Supply + tariff low + buy"


def test_the_report_has_a_package_section_on_request(tmp_path):
    out = tmp_path / "busan.md"
    _invoke(["report", "record-2025-10-30-busan", "--sections", "scenario,package", "--with", "purchases",
             "--no-pictures", "-o", str(out)], codes=(0,))
    text = out.read_text(encoding="utf-8")
    assert "The package form: each equilibrium by instrument with purchases" in text
    # Busan, (Relax + tariff low, Supply + tariff low + buy): China's loss from dropping
    # purchases is 0.25·0.8·1.1·3 − 0.5 = 0.16, all of it carried by purchases
    assert "China would lose 0.16 by switching to Supply + tariff low + no purchases: purchases −0.16." in text
    bad = _invoke(["report", "--with", "purchases", "--no-pictures", "-o", str(tmp_path / "x.md")], codes=(2,))
    assert "add --sections package" in bad.stderr


def test_a_default_report_has_no_package_section():
    from cli.report_cmd import gather, section_names

    assert section_names("stockholm-2025")[-1] == "package"
    report = gather("stockholm-2025", [], sections=None, brief=True, pictures=False)
    assert "package" not in [s.key for s in report.sections]


def test_gambit_finds_the_hand_derived_pure_equilibria_with_purchases():
    """Gambit's enumpure on the exported 4×8 package game (defaults, --with purchases) finds
    the four pure equilibria of the package game with China buying exactly where the US
    tariff is low (purchase_cost_cn 0.5 < 0.69, docstrings above)."""
    gbt = pytest.importorskip("pygambit")
    import io

    result = _invoke(["export", "--game", "package", "--with", "purchases", "--to", "nfg"], codes=(0,))
    g = gbt.read_nfg(io.StringIO(result.stdout))
    labels = axes(TRADE.with_instruments(PURCHASES), "package").labels
    found = set()
    for prof in gbt.nash.enumpure_solve(g).equilibria:
        picks = [[float(prof[s]) for s in player.strategies].index(1.0) for player in g.players]
        found.add((labels[0][picks[0]], labels[1][picks[1]]))
    assert found == {
        ("Restrict + tariff high", "Restrict + tariff high + no purchases"),
        ("Restrict + tariff low", "Restrict + tariff low + buy"),
        ("Relax + tariff high", "Supply + tariff high + no purchases"),
        ("Relax + tariff low", "Supply + tariff low + buy"),
    }


def test_the_report_package_section_takes_package_values_from_set(tmp_path):
    """Busan with purchase_cost_cn = 0.8 > 0.66 (the snap-back China avoids by buying, above):
    China stops buying against the low tariff, and (Relax + tariff low, Supply + tariff low
    + no purchases) holds, China losing 0.8 − 0.66 = 0.14 by buying, all of it purchases."""
    out = tmp_path / "busan.md"
    _invoke(["report", "record-2025-10-30-busan", "--sections", "package", "--with", "purchases",
             "--set", "purchase_cost_cn=0.8", "--no-pictures", "-o", str(out)], codes=(0,))
    text = out.read_text(encoding="utf-8")
    assert "China would lose 0.14 by switching to Supply + tariff low + buy: purchases −0.14." in text


def test_parameters_lists_the_package_only_values_after_the_game_s_own():
    """`tradegame parameters` lists the 26 parameters of the trade game first, then every
    instrument parameter (the tariffs' and the purchases'), each marked package-only."""
    rows = json.loads(_invoke(["parameters", "--format", "json"]).stdout)["parameters"]
    names = [r["name"] for r in rows]
    flagged = {r["name"] for r in rows if r["package_only"]}
    assert not any(r["package_only"] for r in rows[:26]) and all(r["package_only"] for r in rows[26:])
    assert {"purchase_value_us", "purchase_cost_cn", "purchase_linkage", "us_tariff_high", "cn_tariff_low"} <= flagged
    assert names[:3] == ["chip_sales", "security_risk", "hawk_cost"]
    text = " ".join(_invoke(["parameters"]).stdout.split())
    assert "purchase_cost_cn (China; package form only" in text


def test_a_report_names_the_package_section_for_a_tariff_value(tmp_path):
    """A tariff value enters only the package form; in a report that is a section to add."""
    result = _invoke(["report", "stockholm-2025", "--set", "us_tariff_high=1", "-o", str(tmp_path / "r.html")], codes=(2,))
    assert "us_tariff_high" in result.stderr and "add --sections package" in result.stderr
    assert not (tmp_path / "r.html").exists()
