"""The record: provenance of every value, the timeline's verdicts, and `infer`'s identified
sets — checked against hand derivations and an independent exact computation on the
exported conditions, never against the code's own output."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from games.trade.parameters import PARAMETERS
from games.model.scenarios import builtin, builtin_names, parse_scenario

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


# ------------------------------------------------------------------ provenance
def test_every_model_parameter_has_a_source_and_a_derivation():
    for name, p in PARAMETERS.items():
        assert p.source.strip(), f"{name} has no source"
        assert p.derivation.strip(), f"{name} has no derivation"
        if p.provenance.is_judgement:
            assert len(p.derivation) > 10, f"{name}: a judgement needs its reason"


@pytest.mark.parametrize("name", builtin_names())
def test_every_value_of_every_builtin_scenario_has_provenance(name):
    sc = builtin(name)
    missing = [p for p in sc.parameters if sc.value_provenance(p) is None]
    assert not missing, f"{name}: no provenance for {', '.join(missing)}"


def test_a_value_set_without_provenance_is_reported_as_such():
    sc = parse_scenario("[parameters]\nleverage = 4\n", "mine.toml", "mine")
    assert sc.value_provenance("leverage") is None
    assert sc.value_provenance("hawk_cost") == PARAMETERS["hawk_cost"].provenance
    what_if = sc.with_values({"hawk_cost": 3.0})
    assert "--set" in what_if.value_provenance("hawk_cost").source


def test_show_prints_each_values_provenance():
    r = run("show", "record-2025-07-stockholm")
    assert r.exit_code == 0, r.output
    assert "Where each value comes from" in r.stdout
    assert "Financial Times" in r.stdout  # hawk_cost's source in that episode
    assert "Observed (graded game, 5 levels): US 0.5, China 0.5" in r.stdout
    data = json.loads(run("show", "baseline", "--format", "json").stdout)
    assert data["scenario"]["provenance"]["re_dependence"]["source"].startswith("USGS")


def test_show_says_when_a_file_gives_no_provenance(tmp_path: Path):
    f = tmp_path / "mine.toml"
    f.write_text("[parameters]\nleverage = 4\n", encoding="utf-8")
    r = run("show", str(f))
    assert r.exit_code == 0
    assert "leverage: no provenance given" in r.stdout


def test_provenance_of_a_value_left_at_the_default_is_the_files(tmp_path: Path):
    # the file says why hawk_cost keeps the model's value in this episode: show prints that,
    # not the model's own provenance (which it printed before, dropping the file's silently)
    f = tmp_path / "mine.toml"
    f.write_text("[parameters]\nleverage = 4\n[provenance.leverage]\nsource = 'a'\nderivation = 'b'\n"
                 "[provenance.hawk_cost]\nsource = 'Hearing of 3 March'\nderivation = 'unchanged: no new rule'\n",
                 encoding="utf-8")
    from games.model.scenarios import load

    sc = load(str(f))
    assert sc.parameters["hawk_cost"] == PARAMETERS["hawk_cost"].default
    assert sc.value_provenance("hawk_cost").source == "Hearing of 3 March"
    r = run("show", str(f))
    assert r.exit_code == 0 and "hawk_cost: Hearing of 3 March — unchanged: no new rule" in r.stdout, r.stdout


@pytest.mark.parametrize("text, expected", [
    ("[provenance.leverage]\nsource = 'x'\n", "derivation"),
    ("[provenance]\nleverage = 3\n", "expected a table"),
    ("[provenance.nonsense]\nsource = 'x'\nderivation = 'y'\n", "unknown parameter"),
    ("date = 'yesterday'\n", "date"),
    ("[observed]\nUS = 'Relax'\n", "missing 'China'"),
    ("[observed]\ngame = 'graded'\nUS = 0.3\nChina = 1\n", "not on the 5-level grid"),
    ("[observed]\nUS = 'Wait'\nChina = 'Supply'\n", "unknown move"),
])
def test_bad_record_fields_are_one_line_errors(tmp_path: Path, text, expected):
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    r = run("show", str(f))
    assert r.exit_code == 2
    assert expected in r.output and "Traceback" not in r.output


# ------------------------------------------------------------------ timeline
def _timeline():
    r = run("timeline", "--format", "json")
    assert r.exit_code == 0, r.output
    return {e["episode"]: e for e in json.loads(r.stdout)["episodes"]}


def test_timeline_covers_2018_to_the_truce_expiry_in_date_order():
    r = run("timeline", "--format", "json")
    eps = json.loads(r.stdout)["episodes"]
    dates = [e["date"] for e in eps]
    assert dates == sorted(dates)
    assert dates[0].startswith("2018") and dates[-1] == "2026-11-10"
    for needed in ("2022-10", "2023-10", "2024-12", "2025-04", "2025-05-12", "2025-06", "2025-07",
                   "2025-09", "2025-10-09", "2025-10-30", "2025-12", "2026-05"):
        assert any(d.startswith(needed) for d in dates), needed
    assert eps[-1]["observed"] is None and eps[-1]["equilibrium"] is None


def test_timeline_verdicts_match_hand_derivations():
    eps = _timeline()
    # 2018 (2×2, no linkage): US gains cs − sec − hawk + dus = 4 − 2 − 1 + 0.5 = 1.5 by Relax
    # against Supply; China gains rr − lev + div + dcn = 2 − 2 + 1 + 0.5 = 1.5 by Supply.
    assert eps["record-2018-07-tariffs"]["equilibrium"] is True
    # Geneva (graded, US open 0): China's payoff V(y) = 1.2y + (1−y)(L − 1) − (1−y)² with
    # L = 4.5: V(0.25) = 2.3625, V(0) = 2.5, V(0.5) = 2.1, so withholding fully gains 0.1375.
    geneva = eps["record-2025-05-geneva"]
    assert geneva["equilibrium"] is False
    (short,) = geneva["shortfalls"]
    assert short["player"] == "China" and short["best_alternative"] == "supply 0%"
    assert Fraction(short["gain_exact"]) == Fraction(11, 80)
    assert geneva["model_predicts"] == ["(open 0%, supply 0%)"]


def test_timeline_text_and_markdown_are_one_table():
    for fmt in ("text", "markdown"):
        r = run("timeline", "--format", fmt)
        assert r.exit_code == 0
        assert "record-2025-07-stockholm" in r.stdout and "falls short by" in r.stdout
        assert "falls short by —" not in r.stdout  # an episode whose moves are not recorded only has a prediction


# ------------------------------------------------------------------ infer
def _infer(*args):
    r = run("infer", *args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_infer_one_parameter_matches_the_hand_derived_interval():
    # China at supply 25% against US open 0% in Geneva (leverage L = θ + 1 there):
    # V(.25) ≥ V(0) ⇔ L ≤ 3.95; ≥ V(.5) ⇔ L ≥ 3.45; ≥ V(.75) ⇔ L ≥ 3.2; ≥ V(1) ⇔ L ≥ 2.95.
    # So L ∈ [3.45, 3.95] and the base value θ ∈ [2.45, 2.95] = [49/20, 59/20].
    data = _infer("record-2025-05-geneva", "--free", "leverage")
    (b,) = data["bounds"]
    assert (Fraction(b["low_exact"]), Fraction(b["high_exact"])) == (Fraction(49, 20), Fraction(59, 20))
    change = data["smallest_change"]["changes"]
    assert change == [{"parameter": "leverage", "judgement": 3.5, "value": pytest.approx(2.95)}]


def _exact_polygon_bounds(conditions, box, names):
    """Independent of tradegame's LP: for two parameters, every vertex of the set is where two
    constraint lines cross; keep the crossings that satisfy every constraint (exactly)."""
    rows = [([Fraction(c["coefficients"][n]) for n in names], Fraction(c["constant"])) for c in conditions]
    for i, n in enumerate(names):
        lo, hi = (Fraction(v) for v in box[n])
        unit = [Fraction(int(j == i)) for j in range(2)]
        rows.append((unit, -lo))
        rows.append(([-u for u in unit], hi))
    bounds = polygon_extremes(rows)
    assert bounds is not None, "the independent computation found the set empty"
    return bounds


def polygon_extremes(rows) -> list[tuple[Fraction, Fraction]] | None:
    """The bounds of {(x, y) : a·(x, y) + b ≥ 0 for every row (a, b)} in exact arithmetic:
    every vertex is where two constraint lines cross; keep the crossings that satisfy every
    row; the bounds are the vertices' extremes (None: no vertex, the set is empty)."""
    vertices = []
    for (a1, b1), (a2, b2) in itertools.combinations(rows, 2):
        det = a1[0] * a2[1] - a1[1] * a2[0]
        if det == 0:
            continue
        x = (-b1 * a2[1] + b2 * a1[1]) / det
        y = (-a1[0] * b2 + a2[0] * b1) / det
        if all(a[0] * x + a[1] * y + b >= 0 for a, b in rows):
            vertices.append((x, y))
    if not vertices:
        return None
    return [(min(v[i] for v in vertices), max(v[i] for v in vertices)) for i in range(2)]


def test_infer_bounds_agree_with_an_independent_computation_on_the_exported_conditions():
    names = ["hawk_cost", "security_risk"]
    data = _infer("record-2024-12-chip-rule", "record-2025-04-escalation", "record-2025-07-stockholm",
                  "--free", ",".join(names))
    assert data["consistent"]
    expected = _exact_polygon_bounds(data["conditions"], data["box"], names)
    for b, (lo, hi) in zip(data["bounds"], expected):
        assert float(lo) == pytest.approx(b["low"], abs=1e-9)
        assert float(hi) == pytest.approx(b["high"], abs=1e-9)
        if b["low_exact"] is not None:
            assert Fraction(b["low_exact"]) == lo
        if b["high_exact"] is not None:
            assert Fraction(b["high_exact"]) == hi


def test_infer_conditions_read_as_stated_at_the_judgement_values():
    # the exported conditions, evaluated by hand at the episode's own values, are the
    # payoff differences of the exact game: US at (Restrict, Restrict) in April 2025 gains
    # (1−cl)(cs−sec) − hawk + eus = 0.8·(4−5) − 3.5 + 0.5 = −3.8 by Relax, so the condition is 3.8.
    data = _infer("record-2025-04-escalation", "--free", "hawk_cost,security_risk")
    us = [c for c in data["conditions"] if c["player"] == "US"][0]
    theta = {"hawk_cost": Fraction(2), "security_risk": Fraction(3)}  # the model's base values
    value = Fraction(us["constant"]) + sum(Fraction(us["coefficients"][n]) * theta[n] for n in theta)
    assert value == Fraction(19, 5)


def test_infer_names_conflicting_episodes_and_each_alone_fits():
    # alone, December 2024 needs base leverage in [13/4, 15/4] and Geneva in [49/20, 59/20]
    # (derived above): disjoint, so together they conflict; London fits with Geneva
    data = _infer("record-2024-12-chip-rule", "record-2025-05-geneva", "record-2025-06-london", "--free", "leverage")
    assert data["consistent"] is False
    assert data["conflicting_episodes"] in (
        ["record-2024-12-chip-rule", "record-2025-05-geneva"], ["record-2024-12-chip-rule", "record-2025-06-london"])
    for ep in data["conflicting_episodes"]:
        assert _infer(ep, "--free", "leverage")["consistent"] is True
    # an episode no value of the free parameter can fit is a conflict on its own (Busan: the
    # US's shortfall does not depend on leverage)
    assert _infer("record-2025-10-30-busan", "record-2025-05-geneva", "--free", "leverage")["conflicting_episodes"] == [
        "record-2025-10-30-busan"]


def test_infer_refuses_a_non_affine_free_set():
    r = run("infer", "record-2025-07-stockholm", "--free", "chip_linkage,chip_sales")
    assert r.exit_code == 2
    assert "not affine" in r.output and "chip_linkage" in r.output


@pytest.mark.parametrize("args, expected", [
    (["baseline"], "no [observed] moves"),
    (["record-2025-05-geneva", "--free", "nonsense"], "unknown parameter"),
    ([], "at least one episode"),
    (["record-2025-05-geneva", "--free", "leverage", "--plot", "leverage"], "--output"),
    (["record-2025-05-geneva", "--free", "leverage", "--then", "baseline", "--game", "tree"], "--game"),
])
def test_infer_bad_input_is_exit_2(args, expected):
    r = run("infer", *args)
    assert r.exit_code == 2
    assert expected in r.output


def test_infer_then_the_observed_outcome_is_an_equilibrium_for_every_consistent_value():
    # the episode itself, solved over its own identified set: its observed move holds everywhere
    data = _infer("record-2025-05-geneva", "--free", "leverage", "--then", "record-2025-05-geneva", "--game", "graded")
    (then,) = data["then"]
    status = {tuple(o["outcome"]): o["equilibrium_for"] for o in then["outcomes"]}
    assert status[("open 0%", "supply 25%")] == "every"
    assert status[("open 100%", "supply 100%")] == "none"


def test_infer_plot_writes_a_picture(tmp_path: Path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "set.png"
    data = _infer("record-2024-12-chip-rule", "record-2025-04-escalation", "--free", "hawk_cost,security_risk",
                  "--plot", "hawk_cost,security_risk", "-o", str(out))
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert len(data["picture"]["vertices"]) >= 3


# ------------------------------------------------------------------ hostile input
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.test_hostile_cli import _invoke  # noqa: E402

FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

EPISODE_LINES = st.lists(st.sampled_from([
    "date = 2025-05-12", "date = 'x'", "date = 3", "[observed]", "US = 'Relax'", "China = 'Supply'",
    "US = 0.25", "China = 0.5", "game = 'graded'", "game = 'tree'", "levels = 5", "levels = 1", "levels = true",
    "note = 'n'", "note = 2", "[parameters]", "leverage = 4", "leverage = -1", "re_linkage = 0.3",
    "[provenance.leverage]", "source = 'judgement'", "derivation = 'why'", "source = ''",
    "[provenance]", "US = []", "China = {}", "x = 1",
]), max_size=12)


@FUZZ
@given(EPISODE_LINES, st.lists(st.sampled_from(
    ["leverage", "hawk_cost", "chip_linkage", "chip_sales", "discount", "nonsense", "", ",", "leverage,leverage"]),
    max_size=3))
def test_infer_on_random_episode_files_answers_or_fails_in_one_line(tmp_path_factory, lines, free):
    f = tmp_path_factory.mktemp("ep") / "e.toml"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["infer", str(f), "--format", "json"]
    for name in free:
        args += ["--free", name]
    result = _invoke(args)
    if result.exit_code == 0:
        data = json.loads(result.stdout)
        assert data["consistent"] in (True, False)


@FUZZ
@given(st.sampled_from(["--format", "--game", "--levels", "--plot", "--then", "--free"]),
       st.text(max_size=15).filter(lambda s: not s.startswith("-") and "\x00" not in s))
def test_infer_random_option_values(option, value):
    _invoke(["infer", "record-2025-05-geneva", "--free", "leverage", option, value])


def test_infer_bounds_agree_with_an_independent_lp_on_the_exported_conditions():
    # three free parameters: each bound re-solved here from the JSON alone, with SciPy's
    # interior-point method (tradegame uses HiGHS's default choice and exact vertex recovery)
    scipy_optimize = pytest.importorskip("scipy.optimize")
    names = ["hawk_cost", "security_risk", "deal_value_us"]
    data = _infer("record-2022-10-chip-rule", "record-2025-04-escalation", "record-2025-07-stockholm",
                  "--free", ",".join(names))
    assert data["consistent"]
    A = [[-float(Fraction(c["coefficients"][n])) for n in names] for c in data["conditions"]]
    b = [float(Fraction(c["constant"])) for c in data["conditions"]]
    box = [tuple(float(Fraction(v)) for v in data["box"][n]) for n in names]
    for i, bound in enumerate(data["bounds"]):
        for sign, reported in ((1, bound["low"]), (-1, bound["high"])):
            c = [sign if j == i else 0 for j in range(3)]
            res = scipy_optimize.linprog(c, A_ub=A, b_ub=b, bounds=box, method="highs-ipm")
            assert res.status == 0
            assert sign * res.fun == pytest.approx(reported, abs=1e-6)


def test_one_free_parameter_is_exact_and_needs_no_linear_programming(monkeypatch):
    from games.history import identified_set as ids

    def no_lp():
        raise AssertionError("one free parameter must not need an LP")

    monkeypatch.setattr(ids, "_linprog", no_lp)
    eps = [builtin("record-2025-05-geneva"), builtin("record-2025-06-london")]
    rc = ids.record_conditions(eps, ["leverage"])
    (b,) = ids.bounds(rc)
    assert (b.low_exact, b.high_exact) == (Fraction(49, 20), Fraction(59, 20))
    assert ids.smallest_change(rc).changes == (("leverage", 3.5, 2.95),)
    assert ids.conflicting_episodes(rc) == []
    rows = ids.outlook(rc, builtin("record-2025-05-geneva"), "graded", 5)
    assert {r.outcome: r.status for r in rows}[("open 0%", "supply 25%")] == "every"


def test_timeline_of_chosen_episodes_including_a_users_file(tmp_path: Path):
    f = tmp_path / "mine.toml"
    f.write_text(
        "date = 2025-08-01\n[observed]\nUS = 'Relax'\nChina = 'Supply'\n"
        "[parameters]\nleverage = 3.5\n[provenance.leverage]\nsource = 'judgement'\nderivation = 'as the model'\n",
        encoding="utf-8")
    r = run("timeline", str(f), "record-2025-04-escalation", "--format", "json")
    assert r.exit_code == 0, r.output
    eps = json.loads(r.stdout)["episodes"]
    assert [e["episode"] for e in eps] == ["record-2025-04-escalation", "mine"]
    # baseline values: (Relax, Supply) is an equilibrium of the 2×2 game (US gains 3, China 2 by it)
    assert eps[1]["equilibrium"] is True
    changed = {c["parameter"] for c in eps[1]["changes"]}
    assert "hawk_cost" in changed and "leverage" in changed  # April's 3.5 and 4.5 back to 2 and 3.5
    r = run("timeline", "baseline")
    assert r.exit_code == 2 and "no 'date'" in r.output
