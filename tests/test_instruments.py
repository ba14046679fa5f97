"""Instruments in model files, the trade model's package form (tariffs, chips, rare earths),
attribution of deviation gains by instrument, and the record read with tariffs as instruments.

Equilibria and bounds below are derived by hand (in the docstrings) and compared with what
tradegame computes; the attribution is checked to add up, exactly, to the payoff
differences of the game as built.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import numpy as np
import pytest

from games.model.catalog import builtin_model
from games.model.evaluate import axes, build_game, exact_payoffs
from games.model.instruments import deviation_attribution, exact_deviation_parts
from games.model.spec import parse_model
from games.model.scenarios import builtin, builtin_names
from games.solvers.solver import solve
from tests.test_hostile_cli import _invoke

TRADE = builtin_model("trade")
US = ("Restrict + tariff high", "Restrict + tariff low", "Relax + tariff high", "Relax + tariff low")
CN = ("Restrict + tariff high", "Restrict + tariff low", "Supply + tariff high", "Supply + tariff low")


def pure_equilibria(params):
    game = build_game(TRADE, params, "package")
    out = set()
    for eq in solve(game).equilibria:
        if eq.is_pure:
            out.add(tuple(game.strategies[k][int(np.argmax(p))] for k, p in enumerate(eq.profile)))
    return out


# ------------------------------------------------------------------ the package game
def test_package_strategies_are_instrument_combinations():
    game = build_game(TRADE, {}, "package")
    assert game.strategies == (US, CN)


def test_package_equilibria_at_the_defaults_by_hand():
    """Defaults: rates H = 1.45, L = 0.30 (US), 1.25 / 0.10 (China); tariff_linkage k = 0.2;
    gain − cost = 2 − 1 = 1 per 100% for each side's own tariff; truce value 2 each;
    tariff_hit_cn = 3; licensing_retaliation r = 1.

    US tariff: high minus low = 1.15·1 − 0.2·1.15·(1 − y) − 2·(1 − t_CN): positive when
    China's tariff is high (1.15 − 0.23(1 − y) > 0), negative when low (−0.85 − ...).
    China's tariff: 1.15 − 2·(1 − t_US): the same coordination. Chips: the US's choice of x
    involves no tariff term, so it is the 2×2 game's: Restrict against Restrict, Relax
    against Supply. Rare earths, China's Supply minus Restrict: the 2×2 game's −0.5 (against
    Restrict) or +2 (against Relax), plus 0.69 when the US tariff is low (withholding
    would bring back the suspended share, 0.2·1.15·3) and minus the rate faced times r
    (1.45 or 0.30): −1.95, −0.11, +0.55, +2.39 — the sign of the 2×2 game's in each case.
    So the pure equilibria are the 2×2 game's two, each with either tariff coordination."""
    assert pure_equilibria({}) == {
        (US[0], CN[0]), (US[1], CN[1]), (US[2], CN[2]), (US[3], CN[3]),
    }


def test_package_equilibria_when_licensing_answers_tariffs_strongly():
    """licensing_retaliation = 3: against Relax with the US tariff high, China's Supply minus
    Restrict is 2 − 3·1.45 = −2.35 < 0, so (Relax + tariff high, Supply + tariff high)
    breaks; against Relax with the tariff low it is 2 + 0.69 − 0.9 = 1.79 > 0 and against
    Restrict −0.5 + 0.69 − 0.9 < 0 and −0.5 − 4.35 < 0, so the other three stay. No new
    pure equilibrium: where China restricts against Relax, the US prefers Restrict."""
    assert pure_equilibria({"licensing_retaliation": 3}) == {(US[0], CN[0]), (US[1], CN[1]), (US[3], CN[3])}


def test_the_two_by_two_game_is_untouched_by_the_instruments():
    from games import trade

    a, b = build_game(TRADE, {}, "simultaneous"), trade.simultaneous_game({})
    for u, v in zip(a.payoffs, b.payoffs):
        assert np.array_equal(u, v)
    assert {t for terms in TRADE.payoffs for t, _ in terms} == {t for d in trade.payoff_terms(0.0, 0.0, TRADE.defaults()).values() for t in d}


# ------------------------------------------------------------------ attribution
def test_attribution_adds_up_to_every_deviation_gain_exactly():
    params = {"licensing_retaliation": 2.5, "tariff_linkage": 0.35}
    A, B = exact_payoffs(TRADE, params, "package")
    for profile in product(range(4), range(4)):
        for player, arr in ((0, A), (1, B)):
            for k in range(4):
                if k == profile[player]:
                    continue
                dev = list(profile)
                dev[player] = k
                gain, parts = exact_deviation_parts(TRADE, params, profile, player, k, "package")
                assert gain == arr[tuple(dev)] - arr[profile]
                assert sum(parts.values(), Fraction(0)) == gain
        for d in deviation_attribution(TRADE, params, profile, "package"):
            assert sum(p.amount for p in d.parts) == pytest.approx(d.gain, abs=1e-12)


def test_attribution_by_hand():
    """From (Relax + tariff low, Supply + tariff low), China switching to Restrict + tariff low
    at the defaults: chip access 3·0.5 → 3·(1 − 0.5) ... chips fall from 1 to 0.5, so chip
    controls carry −1.5; rare earths: revenue −2, leverage +3.5, diversification −1 and the
    licensing answer +0.30·1 = +0.8 together; the deal value −1 (no instrument); the US
    tariff's suspended share comes back, 0.2·1.15 = 0.23 points at 3 per point: −0.69."""
    profile = (US.index("Relax + tariff low"), CN.index("Supply + tariff low"))
    dev = [d for d in deviation_attribution(TRADE, {}, profile, "package")
           if d.player == "China" and d.switch_to == "Restrict + tariff low"][0]
    parts = {p.instrument: p.amount for p in dev.parts}
    assert parts == pytest.approx({"chip controls": -1.5, "rare-earth licensing": 0.8, None: -1.0, "US tariff": -0.69})
    assert dev.gain == pytest.approx(-2.39)


TAGGED = """
[players.A]
strategies = ["Hold", "Push"]
[players.B]
strategies = ["Hold", "Push"]
[parameters.stake]
default = 4
range = [0, 10]
source = "judgement"
[parameters.cost]
default = 1
range = [0, 10]
source = "judgement"
[instruments.army]
player = "A"
[instruments.navy]
player = "B"
[payoffs.A]
"win" = { formula = "A.Push * B.Hold * stake", instrument = "army" }
"cost" = { formula = "-A.Push * cost", instrument = "army" }
"loss" = "-A.Hold * B.Push * stake"
[payoffs.B]
"win" = { formula = "B.Push * A.Hold * stake", instrument = "navy" }
"cost" = "-B.Push * cost"
"""


def test_any_model_whose_terms_name_an_instrument_gets_attribution():
    """A's switch from (Hold, Hold) to Push gains stake − cost = 3, all carried by the army."""
    model = parse_model(TAGGED, "tagged.toml", "tagged")
    assert not model.has_package
    dev = [d for d in deviation_attribution(model, {}, (0, 0)) if d.player == "A"][0]
    assert dev.gain == 3 and [(p.instrument, p.amount) for p in dev.parts] == [("army", 3.0)]
    dev = [d for d in deviation_attribution(model, {}, (0, 0)) if d.player == "B"][0]
    assert {p.instrument: p.amount for p in dev.parts} == {"navy": 4.0, None: -1.0}


PACKAGE = """
[players.A]
strategies = ["Hold", "Push"]
[players.B]
strategies = ["Hold", "Push"]
level = "b"
levels = [0, 1]
[parameters.stake]
default = 4
range = [0, 10]
source = "judgement"
[parameters.cost]
default = 1
range = [0, 10]
source = "judgement"
[payoffs.A]
"win" = "A.Push * (1 - b) * stake"
"cost" = "-A.Push * cost"
"loss" = "-A.Hold * b * stake"
[payoffs.B]
"win" = "b * A.Hold * stake"
"cost" = "-b * cost"
[instruments.navy]
player = "B"
settings = ["hold", "push"]
level = "b"
levels = [0, 1]
terms = ["win"]
[instruments.ships]
player = "B"
settings = ["few", "many"]
level = "n"
levels = [0, 2]
[instruments.ships.payoffs.B]
"fleet" = "n * 0.5"
[instruments.ships.payoffs.A]
"threat" = "-n"
[instruments.talks]
player = "B"
settings = ["no", "yes"]
level = "t"
levels = [0, 1]
[instruments.talks.payoffs.B]
"talks" = "t * (1 - n)"
"""


def test_a_model_file_package_form():
    """B's strategies are navy × ships × talks (its declared strategies give way to them); A
    keeps Hold/Push. At (Push, hold + many + yes): A gets stake − cost − 2 = 1 ("win",
    "cost", "threat" −n); B gets 0 (no win, no cost) + 1 (fleet 2·0.5) − 1 (talks with two
    ships: 1·(1 − 2)) = 0. In the simultaneous form B has its two strategies and the
    instruments' own terms are absent: at (Push, Hold) A gets 4 − 1 = 3."""
    model = parse_model(PACKAGE, "p.toml", "p")
    ax = axes(model, "package")
    assert ax.labels[0] == ("Hold", "Push")
    assert ax.labels[1] == tuple(f"{a} + {b} + {c}" for a in ("hold", "push") for b in ("few", "many") for c in ("no", "yes"))
    A, B = exact_payoffs(model, {}, "package")
    k = ax.labels[1].index("hold + many + yes")
    assert (A[1, k], B[1, k]) == (1, 0)
    A2, B2 = exact_payoffs(model, {}, "simultaneous")
    assert A2.shape == (2, 2) and A2[1, 0] == 3
    assert model.instrument_of(1, "win") == "navy" and model.instrument_of(1, "fleet") == "ships"
    assert model.instrument_of(0, "threat") == "ships" and model.instrument_of(1, "cost") is None


def test_indicators_of_a_player_the_package_form_replaces_are_refused(tmp_path):
    bad = PACKAGE.replace('"cost" = "-b * cost"', '"cost" = "-B.Push * cost"')
    path = tmp_path / "bad.toml"
    path.write_text(bad, encoding="utf-8")
    result = _invoke(["solve", str(path)], codes=(2,))
    assert "B.Push refers to a strategy that the package form replaces by instrument settings; use b instead" in result.stderr


@pytest.mark.parametrize("edit, fragment", [
    (('instrument = "army" }', 'instrument = "amry" }'), "unknown instrument 'amry' (did you mean 'army'?)"),
    (('player = "A"', 'player = "C"'), "unknown player 'C'"),
    (('[instruments.navy]\nplayer = "B"', '[instruments.navy]\nplayer = "B"\nterms = ["wine"]'), "no player has a payoff term 'wine'"),
    (('[instruments.navy]\nplayer = "B"', '[instruments.navy]\nplayer = "B"\nterms = ["win"]'), "carried by two instruments"),
    (('[instruments.navy]\nplayer = "B"', '[instruments.navy]\nplayer = "B"\nsettings = ["a", "b"]'), "settings, level and levels go together"),
    (('[instruments.navy]\nplayer = "B"', '[instruments.navy]\nplayer = "B"\nsettings = ["a", "b"]\nlevel = "z"\nlevels = [1]'), "levels has 1 value(s) but there are 2 settings"),
    (('[instruments.navy]\nplayer = "B"', '[instruments.navy]\nplayer = "B"\ncolour = "grey"'), "unknown key 'colour'"),
    (('"cost" = "-B.Push * cost"', '"cost" = { formula = "-B.Push * cost", instrument = "" }'), "expected a non-empty string"),
    (('"cost" = "-B.Push * cost"', '"cost" = { formula = "-B.Push * cost", tool = "navy" }'), "unknown key 'tool'"),
])
def test_bad_instruments_exit_2_with_one_line(tmp_path, edit, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(TAGGED.replace(*edit), encoding="utf-8")
    result = _invoke(["solve", str(path)], codes=(2,))
    assert fragment in result.stderr, result.stderr


def test_bad_instrument_term_in_a_package_model_exits_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(PACKAGE.replace('"fleet" = "n * 0.5"', '"fleet" = "m * 0.5"'), encoding="utf-8")
    result = _invoke(["solve", str(path), "--game", "package"], codes=(2,))
    assert "[instruments.ships.payoffs.B] 'fleet': column 1: unknown name 'm'" in result.stderr


def test_bad_instrument_in_an_observed_package_exits_2(tmp_path):
    text = (builtin("record-2025-05-geneva").source_file and
            open(builtin("record-2025-05-geneva").source_file, encoding="utf-8").read())
    path = tmp_path / "ep.toml"
    path.write_text(text.replace('"US tariff" = "tariff low"', '"US tarif" = "tariff low"'), encoding="utf-8")
    result = _invoke(["timeline", str(path), "--package"], codes=(2,))
    assert "unknown instrument 'US tarif'" in result.stderr


def test_cli_package_form_explains_by_instrument():
    result = _invoke(["explain", "--game", "package", "--format", "json"], codes=(0,))
    import json

    data = json.loads(result.stdout)
    assert data["form"] == "package" and len(data["equilibria"]) >= 4
    for entry in data["instruments"]:
        for d in entry["deviations"]:
            assert sum(p["amount"] for p in d["by_instrument"]) == pytest.approx(d["gain"], abs=1e-9)


def test_tariff_parameters_need_the_package_form_on_the_command_line():
    result = _invoke(["solve", "--set", "tariff_linkage=0.5"], codes=(2,))
    assert "enters only the package form" in result.stderr
    _invoke(["solve", "--game", "package", "--set", "tariff_linkage=0.5"], codes=(0,))


def test_a_model_files_package_only_parameters_need_the_package_form(tmp_path):
    # fleet_value enters only an instrument's own terms: in any other form a what-if or a
    # sweep of it would change nothing, so it is refused as the trade model's tariffs are.
    # In the package form, at (Push, hold + many + yes) B gets 2·fleet_value − 1 (fleet,
    # and talks with two ships: 1·(1 − 2)): 3 with fleet_value = 2.
    text = PACKAGE.replace('"fleet" = "n * 0.5"', '"fleet" = "n * fleet_value"').replace(
        "[payoffs.A]", "[parameters.fleet_value]\ndefault = 0.5\nrange = [0, 5]\n[payoffs.A]")
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    for args in (["solve", str(path), "--set", "fleet_value=2"],
                 ["sweep", str(path), "--vary", "fleet_value=0:5:6"],
                 ["sweep", str(path), "--sample", "5", "--dist", "fleet_value=uniform:0:5"]):
        err = _invoke(args, codes=(2,)).stderr.strip()
        assert "\n" not in err and "'fleet_value' enters only the package form of model 'p'; add --game package" in err, err
    import json

    data = json.loads(_invoke(["solve", str(path), "--game", "package", "--set", "fleet_value=2",
                               "--format", "json"], codes=(0,)).stdout)
    k = data["game"]["strategies"][1].index("hold + many + yes")
    assert data["payoff_matrices"][1][1][k] == 3
    _invoke(["sweep", str(path), "--game", "package", "--vary", "fleet_value=0:5:6"], codes=(0,))


# ------------------------------------------------------------------ provenance
def test_every_instrument_parameter_has_provenance():
    python = set(__import__("games.trade.parameters", fromlist=["PARAMETERS"]).PARAMETERS)
    new = [p for name, p in TRADE.parameters.items() if name not in python]
    assert len(new) >= 10
    for p in new:
        assert p.source.strip() and p.derivation.strip(), p.name
        if p.provenance.is_judgement:
            assert len(p.derivation) > 10, p.name


@pytest.mark.parametrize("name", builtin_names())
def test_every_tariff_value_an_episode_sets_has_provenance(name):
    sc = builtin(name)
    for key in sc.model_values:
        prov = sc.value_provenance(key)
        assert prov is not None and prov.source and prov.derivation, f"{name}: {key}"


# ------------------------------------------------------------------ the record
def test_geneva_and_december_2024_fit_together_once_tariffs_are_instruments():
    """Graded game alone: December 2024 needs base leverage in [13/4, 15/4], Geneva in
    [49/20, 59/20] (docs/record.md): no common value. In the package form China's payoff at
    Geneva (US open 0, both tariffs low) gains, as a function of its supply y, the terms
    −3·(0.30 + 0.2·1.15·(1 − y)) (the suspended share snaps back) and +0.30·(1 − y) (the
    licensing answer): the coefficient of (1 − y), L − 1 in the graded game, becomes
    L − 1 − 0.69 + 0.30 = L − 1.39. So Geneva's interval moves up by 0.39 to [2.84, 3.34];
    December 2024 (no tariff bargain, no new tariffs) keeps [3.25, 3.75]; together
    [13/4, 167/50]."""
    from games.history import identified_set as ids

    eps = [builtin("record-2024-12-chip-rule"), builtin("record-2025-05-geneva")]
    assert not ids.is_consistent(ids.record_conditions(eps, ["leverage"]))
    rc = ids.record_conditions(eps, ["leverage"], package=True)
    assert ids.exact_interval(rc) == (Fraction(13, 4), Fraction(167, 50))
    geneva = ids.record_conditions(eps[1:], ["leverage"], package=True)
    assert ids.exact_interval(geneva) == (Fraction(284, 100), Fraction(334, 100))


def test_package_timeline_scores_the_recorded_packages():
    from games.history.record import timeline

    scored = {a.name: a for a in timeline(package=True) if a.equilibrium is not None}
    assert set(scored) == {
        "record-2018-07-tariffs", "record-2024-12-chip-rule", "record-2025-04-escalation", "record-2025-05-geneva",
        "record-2025-06-london", "record-2025-07-stockholm", "record-2025-10-30-busan",
        "record-2025-12-h200", "record-2026-05-beijing-summit",
    }
    # April 2025, both tariffs high and both goods restricted: strict by the hand derivation
    # above (the episode's rates: US low 0.20)
    assert scored["record-2025-04-escalation"].equilibrium
    geneva = scored["record-2025-05-geneva"]
    assert not geneva.equilibrium and [(s.player, s.gain) for s in geneva.shortfalls] == [("China", Fraction(1, 25))]


def test_payoff_by_instrument_adds_up_to_the_payoff():
    """At (Relax + tariff low, Supply + tariff low) the US's payoff 2.2 is 0 from the 2×2 terms
    at the deal (chip controls 4 − 3 − 2 = −1, deal value +1, no shortfall) plus its tariff
    (0.30·(2 − 1) + truce 2 = 2.3) minus China's low tariff on its exports (0.10·1)."""
    from games.model.instruments import payoff_by_instrument

    game = build_game(TRADE, {}, "package")
    for profile in product(range(4), range(4)):
        for k, (player, total, parts) in enumerate(payoff_by_instrument(TRADE, {}, profile, "package")):
            assert total == pytest.approx(float(game.payoffs[k][profile]), abs=1e-12)
            assert sum(p.amount for p in parts) == pytest.approx(total, abs=1e-12)
    (_, total, parts), _ = payoff_by_instrument(TRADE, {}, (3, 3), "package")
    assert total == pytest.approx(2.2)
    assert {p.instrument: p.amount for p in parts} == pytest.approx(
        {"US tariff": 2.3, "chip controls": -1.0, None: 1.0, "China tariff": -0.1})


def test_mangled_instrument_files_exit_0_or_2_with_one_line(tmp_path):
    """Every file made by dropping one line of a package model, or doubling it, is either
    still a model (exit 0) or refused with one line (exit 2) — never a traceback."""
    lines = PACKAGE.strip().split("\n")
    variants = [lines[:k] + lines[k + 1:] for k in range(len(lines))]
    variants += [lines[:k] + [lines[k]] + lines[k:] for k in range(0, len(lines), 3)]
    for k, v in enumerate(variants):
        path = tmp_path / f"v{k}.toml"
        path.write_text("\n".join(v) + "\n", encoding="utf-8")
        _invoke(["solve", str(path), "--game", "package"], codes=(0, 2))


def test_package_game_exported_to_gambit_has_the_hand_derived_pure_equilibria():
    """Gambit's enumpure on the exported .nfg of the package game (defaults) finds the four
    pure equilibria derived by hand above."""
    gbt = pytest.importorskip("pygambit")
    import io

    result = _invoke(["export", "--game", "package", "--to", "nfg"], codes=(0,))
    g = gbt.read_nfg(io.StringIO(result.stdout))
    found = set()
    for prof in gbt.nash.enumpure_solve(g).equilibria:
        picks = []
        for player in g.players:
            probs = [float(prof[s]) for s in player.strategies]
            picks.append(probs.index(1.0))
        found.add((US[picks[0]], CN[picks[1]]))
    assert found == {(US[k], CN[k]) for k in range(4)}


def test_package_thresholds_are_the_hand_derived_roots():
    """(Relax + tariff high, Supply + tariff high) holds while China's Supply minus Restrict,
    2 − 1.45·r, stays ≥ 0: r ≤ 2/1.45 = 40/29; (Relax + tariff low, Supply + tariff low)
    while 2 + 0.69 − 0.30·r ≥ 0: r ≤ 8.9667 (= 269/30)."""
    from games.explanations import thresholds as th

    game = build_game(TRADE, {}, "package")
    solution = solve(game)
    found = th.equilibrium_thresholds(TRADE.defaults(), "package", 5, solution, model=TRADE)
    highs = {}
    for t in found:
        for x in t.thresholds:
            if x.parameter == "licensing_retaliation":
                highs[t.label if hasattr(t, "label") else str(t)] = x.high
    values = sorted(v for v in highs.values() if v is not None)
    assert any(v == pytest.approx(40 / 29, abs=1e-12) for v in values)
    assert any(v == pytest.approx(269 / 30, abs=1e-12) for v in values)


def test_sweep_of_the_package_form_finds_the_hand_derived_boundaries():
    """Varying licensing_retaliation r from 0 to 4: (Restrict + tariff low, Restrict + tariff
    low) appears at −0.5 + 0.69 − 0.30·r = 0, r = 0.19/0.30 ≈ 0.6333, and (Relax + tariff
    high, Supply + tariff high) goes at 2 − 1.45·r = 0, r = 40/29 ≈ 1.3793."""
    from games.sweeps import sweep as sw

    spec = sw.make_spec(TRADE.defaults(), "package", 5, ["licensing_retaliation=0:4:9"], model=TRADE)
    found = sorted(b.value for b in sw.run(spec).boundaries)
    assert found == pytest.approx([0.19 / 0.30, 40 / 29], abs=1e-6)


def test_how_much_of_the_geneva_cut_must_be_tied_to_rare_earths():
    """At the judgement lever (4.5 at Geneva) China's coefficient of withholding (1 − y) in the
    package form is 4.5 − 1 + 0.30 − 3·1.15·k = 3.8 − 3.45k; supply 25% is a best reply
    when it lies in [2.45, 2.95] (the graded game's derivation), i.e. k in
    [0.85/3.45, 1.35/3.45] = [17/69, 9/23]."""
    from games.history import identified_set as ids

    rc = ids.record_conditions([builtin("record-2025-05-geneva")], ["tariff_linkage"], package=True)
    assert ids.exact_interval(rc) == (Fraction(17, 69), Fraction(9, 23))


def test_package_graded_on_the_command_line_is_the_timelines_game():
    """Geneva's package-graded game (5 levels): the timeline's prediction, from the CLI."""
    import json

    from games.history.record import timeline

    result = _invoke(["solve", "record-2025-05-geneva", "--game", "package-graded", "--levels", "5", "--format", "json"],
                     codes=(0,))
    data = json.loads(result.stdout)
    strategies = data["game"]["strategies"]
    pure = {f"({strategies[0][p[0].index(1.0)]}, {strategies[1][p[1].index(1.0)]})"
            for p in (e["profile"] for e in data["equilibria"]) if 1.0 in p[0] and 1.0 in p[1]}
    geneva = [a for a in timeline([builtin("record-2025-05-geneva")], package=True)][0]
    assert pure == {d for d in geneva.predicted if d.startswith("(")}
    assert _invoke(["solve", "--game", "package", "--levels", "3"], codes=(2,)).stderr.count("\n") == 1
