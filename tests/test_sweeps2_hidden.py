"""Sweeps of model files and grids the other sweep tests do not use, checked against
answers computed without tradegame's solvers.

Model files are written here from docs/models.md: payoffs as a sum over cells of
``plays(...) * plays(...) * (formula)``. The oracle evaluates each cell's formula in exact
fractions with Python's own arithmetic (never tradegame's formula evaluator) and solves
each point with Gambit's enummixed in rational arithmetic (two players) or by brute force
over pure profiles (three players); boundaries are derived by hand in the comments and
checked by solving either side.
"""

from __future__ import annotations

import itertools
import json
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from tests.test_hostile_cli import _invoke

_NUMBER = re.compile(r"(?<![\w.])(\d+\.?\d*(?:[eE][-+]?\d+)?)")


def _exact(formula: str, env: dict[str, Fraction]) -> Fraction:
    """A cell formula (numbers, + - * /, parameter names) in exact fractions."""
    text = _NUMBER.sub(lambda m: f"F('{m.group(1)}')", formula)
    return Fraction(eval(text, {"__builtins__": {}, "F": Fraction}, env))  # noqa: S307 (the test's own formulas)


def _model(path: Path, strategies: list[list[str]], params: dict, cells: dict, title: str = "Hidden") -> Path:
    """A model file of players P0, P1, ... whose payoff in each pure profile is the cell's formula."""
    lines = [f'title = "{title}"', ""]
    for i, names in enumerate(strategies):
        lines += [f"[players.P{i}]", "strategies = [" + ", ".join(f'"{s}"' for s in names) + "]", ""]
    for name, (default, low, high) in params.items():
        lines += [f"[parameters.{name}]", f"default = {default}", f"range = [{low}, {high}]", ""]
    lines.append("[payoffs]")
    for i in range(len(strategies)):
        terms = []
        for profile, formulas in cells.items():
            where = " * ".join(f'plays("P{j}", "{strategies[j][s]}")' for j, s in enumerate(profile))
            terms.append(f"{where} * ({formulas[i]})")
        lines.append(f"P{i} = '" + " + ".join(terms) + "'")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _tables(cells: dict, shape: tuple[int, ...], env: dict[str, Fraction]) -> list[np.ndarray]:
    tables = [np.empty(shape, dtype=object) for _ in shape]
    for profile, formulas in cells.items():
        for i, f in enumerate(formulas):
            tables[i][profile] = _exact(f, env)
    return tables


def _pure(tables: list[np.ndarray]) -> list[tuple[int, ...]]:
    """Pure equilibria by brute force, in exact arithmetic."""
    shape = tables[0].shape
    found = []
    for profile in itertools.product(*map(range, shape)):
        if all(
            tables[i][profile] >= tables[i][profile[:i] + (s,) + profile[i + 1 :]]
            for i in range(len(shape)) for s in range(shape[i])
        ):
            found.append(profile)
    return found


def _gambit(tables: list[np.ndarray]) -> list[tuple[tuple[Fraction, ...], ...]]:
    """Distinct extreme equilibria by Gambit's enummixed in rationals (each player's payoffs
    divided by their largest size first: Gambit's rationals overflow near 1e10)."""
    gbt = pytest.importorskip("pygambit")
    scaled = []
    for t in tables:
        top = max(abs(v) for v in t.flat) or Fraction(1)
        scaled.append(np.vectorize(lambda v: v / top, otypes=[object])(t))
    game = gbt.Game.from_arrays(*scaled)
    out = []
    for eq in gbt.nash.enummixed_solve(game, rational=True).equilibria:
        profile = tuple(tuple(Fraction(str(eq[p][s])) for s in p.strategies) for p in game.players)
        if profile not in out:  # enummixed may list an equilibrium of a degenerate game twice
            out.append(profile)
    return out


def _label(pure: list[tuple[int, ...]], strategies, mixed: bool) -> str:
    """The regime's name as docs/sweeps.md and docs/models.md define it."""
    names = ["(" + ", ".join(strategies[i][s] for i, s in enumerate(p)) + ")" for p in pure]
    total = int(np.prod([len(s) for s in strategies]))
    if not names:
        return "mixed only" if mixed else "none"
    if len(names) == total and total > 2:
        return "every pure outcome" + (" + mixed" if mixed else "")
    if len(names) == 1:
        return names[0] + " only" + (" + mixed" if mixed else "")
    return " + ".join(names)


def _sweep(path: Path, *args: str) -> dict:
    return json.loads(_invoke(["sweep", str(path), *args, "-f", "json"], codes=(0,)).stdout)


def _regime(cells, strategies, env) -> str:
    tables = _tables(cells, tuple(len(s) for s in strategies), env)
    if len(strategies) > 2:
        return _label(_pure(tables), strategies, False)
    eqs = _gambit(tables)
    pure = sorted(tuple(p.index(1) for p in e) for e in eqs if all(max(p) == 1 for p in e))
    return _label(pure, strategies, any(not all(max(p) == 1 for p in e) for e in eqs))


def _check_points(data: dict, cells: dict, strategies) -> None:
    """Every point's regime, equilibria (as Gambit's, within 1e-9) and payoffs."""
    shape = tuple(len(s) for s in strategies)
    for point in data["points"]:
        env = {k: Fraction(v) for k, v in point["values"].items()}
        tables = _tables(cells, shape, env)
        assert point["regime"] == _regime(cells, strategies, env), point
        got = point["equilibria"]
        if len(shape) > 2:
            assert sorted(tuple(p.index(1.0) for p in e["profile"]) for e in got) == sorted(_pure(tables)), point
            continue
        expected = _gambit(tables)
        assert len(got) == len(expected), (point["values"], [e["profile"] for e in got], expected)
        for e in got:
            assert any(
                all(abs(a - float(b)) < 1e-9 for mine, theirs in zip(e["profile"], ex) for a, b in zip(mine, theirs))
                for ex in expected
            ), (point["values"], e["profile"])
            x, y = (np.array(p, dtype=float) for p in e["profile"])
            for i, table in enumerate(tables):
                value = float(x @ table.astype(float) @ y)
                spread = float(max(table.flat) - min(table.flat)) or 1.0
                assert abs(e["payoffs"][i] - value) <= 1e-9 * spread, (point["values"], i, e["payoffs"][i], value)


# ------------------------------------------------------------------ payoffs of any size
#: A 2×3 and a 3×3 game, affine in t, with ties exactly on grid points (t = 0, ±1, ...).
TWO_BY_THREE = {
    (0, 0): ["1 + t", "-1"], (0, 1): ["0", "t"], (0, 2): ["2 - t", "0"],
    (1, 0): ["2", "1"], (1, 1): ["-1 + t", "0"], (1, 2): ["1", "1 - t"],
}
THREE_BY_THREE = {
    (0, 0): ["t", "1"], (0, 1): ["1", "0"], (0, 2): ["0", "2 - t"],
    (1, 0): ["1", "t"], (1, 1): ["0", "1"], (1, 2): ["2 + t", "0"],
    (2, 0): ["0", "0"], (2, 1): ["2 - t", "1 + t"], (2, 2): ["1", "1"],
}


@pytest.mark.parametrize("scale", ["1e-10", "1", "1e10"])
@pytest.mark.parametrize("cells, strategies", [
    (TWO_BY_THREE, [["U", "D"], ["L", "M", "R"]]),
    (THREE_BY_THREE, [["T", "C", "B"], ["L", "M", "R"]]),
], ids=["2x3", "3x3"])
def test_every_point_of_a_sweep_is_gambits_answer_at_any_payoff_size(tmp_path, scale, cells, strategies):
    """Batched vertex enumeration scaled payoffs by max(1, largest payoff): at 1e-10 every
    payoff difference fell below its tolerance and every profile of every point was an
    equilibrium ('every pure outcome + mixed', 15 or 30 'equilibria')."""
    pytest.importorskip("pygambit")
    scaled = {k: [f"({f}) * {scale}" for f in v] for k, v in cells.items()}
    path = _model(tmp_path / "sized.toml", strategies, {"t": (0, -3, 3)}, scaled)
    _check_points(_sweep(path, "--vary", "t=-2:2:9"), scaled, strategies)


def test_three_players_at_tiny_stakes_by_hand(tmp_path):
    """X gains t − 1e-9/3 by switching from a to b; Y always plays c (1e-10 more); Z plays f
    exactly when X plays b (3e-10 against 2e-10). So (a, c, e) is the only equilibrium for
    t < 1e-9/3 and (b, c, f) above it. The pure-equilibrium sweep's tolerance was 1e-9
    absolute (payoffs floored at 1), so every point had both; its exact boundary was
    rounded to 12 decimals (3.33e-10)."""
    path = tmp_path / "tiny.toml"
    path.write_text(
        '[players.X]\nstrategies = ["a", "b"]\n[players.Y]\nstrategies = ["c", "d"]\n'
        '[players.Z]\nstrategies = ["e", "f"]\n'
        "[parameters.t]\ndefault = 0\nrange = [-1e-9, 1e-9]\n"
        '[payoffs]\nX = "X.b * t + X.a * 1e-9 / 3"\nY = "Y.c * 1e-10"\nZ = "Z.e * 2e-10 + Z.f * X.b * 3e-10"\n',
        encoding="utf-8",
    )
    data = _sweep(path, "--vary", "t=-1e-9:1e-9:5")
    assert [p["regime"] for p in data["points"]] == ["(a, c, e) only"] * 3 + ["(b, c, f) only"] * 2
    (boundary,) = data["sweep"]["boundaries"]
    assert boundary["exact"] and abs(boundary["value"] - 1e-9 / 3) <= 1e-12 * 1e-9
    assert (boundary["below"], boundary["above"]) == ("(a, c, e) only", "(b, c, f) only")


# ------------------------------------------------------------------ the ends of the range
#: Row's D pays t − 2 (a tie with U exactly at t = 2, the end of the grid); Col's M pays
#: t − 1/2 against L's 1 (the change at t = 3/2, a grid point, where Col is indifferent).
END_TIE = {
    (0, 0): ["0", "1"], (0, 1): ["0", "t - 1/2"], (0, 2): ["0", "0"],
    (1, 0): ["t - 2", "1"], (1, 1): ["t - 2", "t - 1/2"], (1, 2): ["t - 2", "0"],
}


def test_a_regime_holding_only_at_the_end_of_the_range_is_no_boundary(tmp_path):
    """For t < 3/2: (U, L) only; at 3/2 Col is indifferent: (U, L) + (U, M); for 3/2 < t < 2:
    (U, M) only; at t = 2, the last grid point, Row is indifferent too. The bisected
    boundaries put one a hair below 2 ('(U, M) only below, (D, M) + (U, M) ... above'),
    though nothing lies above it in the range and just above 2 (U, M) would hold alone."""
    pytest.importorskip("pygambit")
    strategies = [["U", "D"], ["L", "M", "R"]]
    path = _model(tmp_path / "end.toml", strategies, {"t": (0, 0, 5)}, END_TIE)
    data = _sweep(path, "--vary", "t=0:2:5")
    _check_points(data, END_TIE, strategies)
    bounds = data["sweep"]["boundaries"]
    assert [b["value"] for b in bounds] == [1.5]
    (b,) = bounds
    half = Fraction(3, 2)
    assert b["below"] == _regime(END_TIE, strategies, {"t": half - Fraction(1, 10**6)})
    assert b["above"] == _regime(END_TIE, strategies, {"t": half + Fraction(1, 10**6)})
    assert b["at"] == _regime(END_TIE, strategies, {"t": half})
    text = _invoke(["sweep", str(path), "--vary", "t=0:2:5"], codes=(0,)).stdout
    at_end = _regime(END_TIE, strategies, {"t": Fraction(2)})
    assert f"{at_end} holds only at the end, t = 2." in text


# ------------------------------------------------------------------ grids of one value
def test_a_count_of_one_with_two_different_ends_is_refused(tmp_path):
    """COUNT values from START to STOP, both ends included: one value cannot be both ends.
    It was a sweep of START alone, STOP dropped without a word ('0 to 0, 1 values')."""
    out = tmp_path / "one.csv"
    run = _invoke(["sweep", "--vary", "re_dependence=0:10:1", "-f", "csv", "-o", str(out)], codes=(2,))
    assert "--vary" in run.stderr and "re_dependence" in run.stderr and "START = STOP" in run.stderr
    assert not out.exists()
    data = json.loads(_invoke(["sweep", "--vary", "re_dependence=4:4:1", "-f", "json"], codes=(0,)).stdout)
    assert [p["values"] for p in data["points"]] == [{"re_dependence": 4.0}]


def test_a_two_parameter_grid_with_one_value_of_one_has_the_other_ones_boundaries(tmp_path):
    """stockholm-2025 with re_dependence fixed at 3 by a one-value axis, hawk_cost from 0 to
    10: the regimes change where the game changes, found by Gambit on either side. It said
    'Boundaries: none inside the grid; the regimes other than the main one hold only where
    a player is exactly indifferent' beside three regimes of many points each."""
    gbt = pytest.importorskip("pygambit")
    from games.model.catalog import default_model
    from games.model.evaluate import build_game  # the model's payoffs at a point (the input, not a solver)
    from games.model.scenarios import load

    args = ["sweep", "stockholm-2025", "--vary", "re_dependence=3:3:1", "--vary", "hawk_cost=0:10:101"]
    data = json.loads(_invoke(args + ["-f", "json"], codes=(0,)).stdout)
    bounds = data["sweep"]["boundaries"]
    assert len(bounds) == 2
    scenario = load("stockholm-2025")

    def pure_at(hawk: float) -> set:
        game = build_game(default_model(), {**scenario.parameters, "re_dependence": 3.0, "hawk_cost": hawk}, "simultaneous")
        tables = [np.vectorize(lambda v: Fraction(float(v)).limit_denominator(10**6), otypes=[object])(t) for t in game.payoffs]
        g = gbt.Game.from_arrays(*tables)
        eqs = gbt.nash.enummixed_solve(g, rational=True).equilibria
        profiles = [[[eq[p][s] for s in p.strategies] for p in g.players] for eq in eqs]
        return {tuple(mix.index(1) for mix in prof) for prof in profiles if all(max(mix) == 1 for mix in prof)}

    changes = [h / 100 for h in range(0, 1000) if pure_at(h / 100) != pure_at(h / 100 + 0.01)]
    assert len(changes) == 2  # by Gambit on a grid of 0.01: one change in each of two steps
    for b, low in zip(bounds, changes):
        assert low <= b["value"] <= low + 0.01 and b["exact"]
        assert pure_at(b["value"] - 1e-6) != pure_at(b["value"] + 1e-6)
    text = _invoke(args, codes=(0,)).stdout
    assert "hold only where a player is exactly indifferent" not in text
    assert text.count("hawk_cost = ") == 2


def test_a_regime_map_with_one_value_of_one_parameter_is_drawn(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "strip.png"
    _invoke(["plot", "regime-map", "--vary", "re_dependence=3:3:1", "--vary", "hawk_cost=0:5:11", "-o", str(out)], codes=(0,))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------ boundary lines of two parameters
def test_a_gain_that_factors_into_two_lines_is_written_as_two_lines(tmp_path):
    """P0's gain from B over A (P1 always plays C) is u·(t − 3): zero on the lines t = 3 and
    u = 0, not on a hyperbola. It was written 't = 3·u / u'. Either side of each line, by
    Gambit: (B, C) where the gain is positive, (A, C) where it is negative."""
    pytest.importorskip("pygambit")
    strategies = [["A", "B"], ["C", "D"]]
    cells = {(0, 0): ["0", "1"], (0, 1): ["0", "0"], (1, 0): ["u * t - 3 * u", "1"], (1, 1): ["1", "0"]}
    path = _model(tmp_path / "lines.toml", strategies, {"t": (1, 0, 5), "u": (1, -2, 2)}, cells)
    data = _sweep(path, "--vary", "t=0:5:6", "--vary", "u=-2:2:5")
    _check_points(data, cells, strategies)
    (curve,) = data["sweep"]["boundary_curves"]
    assert curve["equation"] == "t = 3 or u = 0"
    positive, negative = (_regime(cells, strategies, {"t": Fraction(t), "u": Fraction(u)}) for t, u in ((4, 1), (2, 1)))
    assert (positive, negative) == ("(B, C) only", "(A, C) only")
    assert [(s["negative"], s["positive"]) for s in curve["sides"]] == [(negative, positive)]
    for t, u in ((Fraction(3), Fraction(1, 2)), (Fraction(1), Fraction(0))):  # a point on each line
        eps = Fraction(1, 10**6)
        assert {_regime(cells, strategies, {"t": t + d, "u": u + e}) for d, e in ((eps, eps), (-eps, -eps), (eps, -eps), (-eps, eps))} == {positive, negative}


def test_a_product_below_the_line_is_bracketed():
    """1 + 2·t·u = 0 is t = −1 / (2·u); '-1 / 2·u' reads as −u / 2."""
    from games.sweeps.sweep import _equation

    assert _equation(np.array([1.0, 0.0, 0.0, 2.0]), "t", "u") == "t = -1 / (2·u)"
    assert _equation(np.array([-1.5, 0.0, 1.0, -2.0]), "t", "u") == "t = (u − 1.5) / (2·u)"


# ------------------------------------------------------------------ a hair from a degenerate game
#: Against M the row player is indifferent (0 either way); the column player prefers M to R
#: and to L while the row player puts at least (1 + t)/2 on U. So (U, M) and
#: ((1 + t)/2, (1 − t)/2) against M are both extreme equilibria, a hair apart for t a hair
#: below 1, and one at t = 1.
NEAR_TIE = {
    (0, 0): ["1 + t/2", "-1"], (0, 1): ["0", "-t"], (0, 2): ["-1 + t/2", "-1"],
    (1, 0): ["-t", "t/2"], (1, 1): ["0", "1"], (1, 2): ["1", "2 + t"],
}


def test_two_extreme_equilibria_a_hair_apart_are_both_listed(tmp_path):
    """Batched vertex enumeration merged equilibria within 1e-7 of each other: 1.5e-7 below
    t = 1 it listed (1 − 7.5e-8, 7.5e-8) against M but not (U, M), so the regime lost
    (U, M), and the bisected boundaries around the grid point t = 1 were 2e-7 from it (not
    one boundary at the point). Gambit lists three equilibria at every point below 1."""
    pytest.importorskip("pygambit")
    strategies = [["U", "D"], ["L", "M", "R"]]
    path = _model(tmp_path / "near.toml", strategies, {"t": (0, -3, 3)}, NEAR_TIE)
    _check_points(_sweep(path, "--vary", "t=0.9999997:1.0000003:7"), NEAR_TIE, strategies)
    data = _sweep(path, "--vary", "t=0:2:5")
    _check_points(data, NEAR_TIE, strategies)
    assert 1.0 in [b["value"] for b in data["sweep"]["boundaries"]]


def test_batched_verification_holds_each_player_to_its_own_stakes():
    """(Top, Right) of a coordination game in 1e-10s leaves each player 1e-10 (all it has
    at stake) on the table: no equilibrium. The batched check allowed 1e-8 × max(1, payoff),
    an absolute 1e-8, so it passed; the single-game check (half each player's spread) does not."""
    from games.solvers.equilibrium import verify
    from games.forms.normal_form import NormalFormGame
    from games.sweeps.batch_verify import verified

    A = np.array([[[1e-10, 0.0], [0.0, 2e-10]]])
    game, x, y = np.array([0, 0]), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.0, 1.0], [0.0, 1.0]])
    assert verified(A, A.copy(), game, x, y).tolist() == [False, True]
    single = NormalFormGame("tiny", ("R", "C"), (("T", "B"), ("L", "R")), (A[0], A[0]))
    assert [verify(single, (x[k], y[k])) is not None for k in range(2)] == [False, True]


# ------------------------------------------------------------------ several regimes between two grid points
#: Row's U pays 1, D 0 (U dominant). Column's payoffs in u = t²: L 0, M u − 1.44, N 2u − 3.13,
#: R 3u − 5.69, so its best reply is L below t = 1.2, M to 1.3, N to 1.6 and R above (each
#: next one gains u − 1.44, u − 1.69, u − 2.56 over the last).
FOUR_COLUMNS = {
    **{(0, j): ["1", f] for j, f in enumerate(["0", "t*t - 1.44", "2*t*t - 3.13", "3*t*t - 5.69"])},
    **{(1, j): ["0", f] for j, f in enumerate(["0", "t*t - 1.44", "2*t*t - 3.13", "3*t*t - 5.69"])},
}


def test_three_changes_between_two_grid_points_are_all_found(tmp_path):
    """Grid 0, 1, 2: (U, L) at 1, (U, R) at 2, and between them (U, M) and (U, N). The search
    between the two changes it found first (1.2 and 1.6) treated the regime it met between
    them as holding at both ends, and reported 'L below, N above' at 1.2: (U, M) was lost."""
    pytest.importorskip("pygambit")
    strategies = [["U", "D"], ["L", "M", "N", "R"]]
    path = _model(tmp_path / "four.toml", strategies, {"t": (1, 0, 3)}, FOUR_COLUMNS)
    data = _sweep(path, "--vary", "t=0:2:3")
    _check_points(data, FOUR_COLUMNS, strategies)
    bounds = data["sweep"]["boundaries"]
    assert [round(b["value"], 5) for b in bounds] == [1.2, 1.3, 1.6]
    for b in bounds:
        assert abs(b["value"] - round(b["value"], 1)) <= 2e-7 * b["value"]
        for side, step in (("below", -1), ("above", 1)):
            t = Fraction(round(b["value"], 1)) + step * Fraction(1, 10**5)
            assert b[side] == _regime(FOUR_COLUMNS, strategies, {"t": t})


# ------------------------------------------------------------------ files
@pytest.mark.parametrize("force", [False, True])
def test_output_and_plot_naming_one_file_are_refused_before_anything_is_written(tmp_path, force, monkeypatch):
    """-o map.png --plot map.png wrote the summary to map.png, then refused the picture
    (exit 2 with the file half-done) or, with --force, overwrote the summary with it."""
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    args = ["sweep", "--vary", "leverage=0:10:11", "-o", "map.png", "--plot", str(tmp_path / "map.png")]
    run = _invoke(args + (["--force"] if force else []), codes=(2,))
    assert "--plot" in run.stderr and "--output" in run.stderr
    assert not (tmp_path / "map.png").exists()
