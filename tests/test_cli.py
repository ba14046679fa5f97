"""The command line through typer's test runner and, for usage errors, the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()
DATA = Path(__file__).parent / "data"


def run(*args: str):
    return runner.invoke(app, list(args))


def test_solve_default_scenario_prints_the_baseline_equilibria():
    r = run("solve")
    assert r.exit_code == 0, r.output
    assert "baseline" in r.stdout
    assert "(Relax, Supply)" in r.stdout and "(Restrict, Restrict)" in r.stdout
    assert "[0*, 6*]" in r.stdout  # the deal cell is marked as an equilibrium


def test_solve_json_contract():
    r = run("solve", "stockholm-2025", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["game"]["players"] == ["US", "China"]
    assert data["game"]["strategies"] == [["Restrict", "Relax"], ["Restrict", "Supply"]]
    deal = [e for e in data["equilibria"] if e["profile"] == [[0.0, 1.0], [0.0, 1.0]]]
    assert len(deal) == 1 and len(deal[0]["payoffs"]) == 2 and deal[0]["explanation"]
    assert data["scenario"]["name"] == "stockholm-2025"


def test_what_if_changes_the_outcome():
    base = json.loads(run("solve", "escalation-2025", "-f", "json").stdout)
    assert [e["outcome"] for e in base["equilibria"]] == ["(Restrict, Restrict)"]
    r = run("solve", "escalation-2025", "--set", "re_linkage=0.9", "--set", "hawk_cost=0.5",
            "--set", "chip_linkage=0.9", "--set", "deal_value_cn=2", "-f", "json")
    outcomes = [e["outcome"] for e in json.loads(r.stdout)["equilibria"]]
    assert "(Relax, Supply)" in outcomes
    assert json.loads(r.stdout)["scenario"]["overrides"]["hawk_cost"] == 0.5


def test_graded_game_and_levels():
    r = run("solve", "baseline", "--game", "graded", "--levels", "3", "-f", "json")
    data = json.loads(r.stdout)
    assert r.exit_code == 0 and len(data["game"]["strategies"][0]) == 3


def test_markdown_output():
    r = run("solve", "escalation-2025", "--format", "markdown")
    assert r.exit_code == 0 and r.stdout.startswith("# ") and "| US \\ China |" in r.stdout


def test_nfg_target(tmp_path):
    r = run("solve", str(DATA / "pd_outcome.nfg"), "-f", "json")
    data = json.loads(r.stdout)
    assert [e["profile"] for e in data["equilibria"]] == [[[0.0, 1.0], [0.0, 1.0]]]


def test_scenarios_show_parameters_forms():
    r = run("scenarios")
    assert r.exit_code == 0 and len(r.stdout.strip().splitlines()) >= 4
    assert "stockholm-2025" in r.stdout
    r = run("show", "stockholm-2025")
    assert r.exit_code == 0 and "re_dependence" in r.stdout and "Stockholm" in r.stdout
    r = run("parameters", "-f", "json")
    assert {p["name"] for p in json.loads(r.stdout)["parameters"]} >= {"re_dependence", "leverage"}
    assert "simultaneous" in run("forms").stdout


def test_parameters_of_a_model_without_rationales_prints_no_empty_why_line():
    # cournot's parameters give a source but no rationale: no "Why:" line with nothing after it
    r = run("parameters", "cournot")
    assert r.exit_code == 0 and "From: textbook linear demand" in r.stdout
    demand = r.stdout.split("\nc (")[0]  # a and b; discount, added by tradegame, has a rationale
    assert "Why:" not in demand and demand.endswith("\n    From: textbook linear demand")
    assert "Why: China was about 13%" in run("parameters").stdout


def test_export_round_trips_through_solve(tmp_path):
    out = tmp_path / "s.nfg"
    assert run("export", "stockholm-2025", "--to", "nfg", "-o", str(out)).exit_code == 0
    again = run("export", "stockholm-2025", "--to", "nfg", "-o", str(out))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run("export", "stockholm-2025", "-o", str(out), "--force").exit_code == 0
    a = json.loads(run("solve", str(out), "-f", "json").stdout)
    b = json.loads(run("solve", "stockholm-2025", "-f", "json").stdout)
    # the file holds the exact decimals (-3.6), the scenario's float game their rounding
    # (-3.5999999999999996): the same equilibria, to rounding
    flat = lambda d: [v for e in d["equilibria"] for p in e["profile"] for v in p]  # noqa: E731
    assert len(a["equilibria"]) == len(b["equilibria"]) and flat(a) == pytest.approx(flat(b), abs=1e-12)


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["solve", "nope"], "no such built-in scenario"),
        (["solve", "missing.toml"], "cannot read"),
        (["solve", "missing.nfg"], "cannot read"),
        (["solve", "--set", "foo=1"], "unknown parameter 'foo'"),
        (["solve", "--set", "re_dependence"], "expected name=value"),
        (["solve", "--set", "re_dependence=-1"], "between 0 and 20"),
        (["solve", "--set", "re_dependence=nan"], "finite"),
        (["solve", "--game", "poker"], "option --game"),
        (["solve", "--format", "xml"], "option --format"),
        (["solve", "--levels", "500", "--game", "graded"], "option --levels"),
        (["solve", "--method", "magic"], "option --method"),
        (["solve", "--game", "graded", "--levels", "25", "--method", "vertex-enumeration"], "too large"),
        (["export", "--to", "gbt"], "option --to"),
        (["export", "--to", "efg", "--game", "graded"], "option --game"),
        (["export", "--to", "efg", "--outcome-form"], "option --outcome-form"),
        (["export", "--to", "efg", "--levels", "3"], "option --levels"),
        (["export", "--game", "us-first"], "--to efg"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, fragment):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert fragment in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize(
    "content,fragment",
    [
        ('NFG 1 R "t" { "a" "b" } { 2 2 }\n1 2 3', "expected a payoff"),
        ("not a game", "expected 'NFG'"),
        ('NFG 1 R "t" { "a" "b" } { 1 1 }\n1 1e999', "out of range"),
    ],
)
def test_bad_nfg_files(tmp_path, content, fragment):
    path = tmp_path / "bad.nfg"
    path.write_text(content)
    r = run("solve", str(path))
    assert r.exit_code == 2 and fragment in r.stderr and str(path) in r.stderr


def test_bad_toml_names_the_key(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("[parameters]\nleverage = 50\n")
    r = run("solve", str(path))
    assert r.exit_code == 2 and "leverage" in r.stderr and str(path) in r.stderr


def test_usage_errors_through_the_real_entry_point():
    """Click's own usage errors also come out as one line with exit code 2."""
    proc = subprocess.run(
        [sys.executable, "-c", "from cli.app import main; main()", "solve", "--bogus"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("tradegame: error:") and len(proc.stderr.strip().splitlines()) == 1
    assert "--bogus" in proc.stderr and proc.stdout == ""


def test_python_dash_m_cli_app_runs_the_command_line():
    """`python -m cli.app` is the console script: same output, same exit codes (it used to
    import the module and exit 0 having done nothing)."""
    root = Path(__file__).resolve().parent.parent

    def python(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=root)

    as_module = python("-m", "cli.app", "solve", "--format", "json")
    assert as_module.returncode == 0, as_module.stderr
    data = json.loads(as_module.stdout)
    pure = {
        tuple(s for p, s in zip(eq["profile"], data["game"]["strategies"]) for s, w in zip(s, p) if w == 1)
        for eq in data["equilibria"]
    }
    assert ("Relax", "Supply") in pure and ("Restrict", "Restrict") in pure
    as_script = python("-c", "from cli.app import main; main()", "solve", "--format", "json")
    assert as_module.stdout == as_script.stdout
    bad = python("-m", "cli.app", "solve", "--bogus")
    assert bad.returncode == 2 and "--bogus" in bad.stderr and bad.stdout == ""


def test_help_is_quick_to_import():
    """`tradegame --help` must not import nashpy or SciPy (checked by module, not by time)."""
    code = "import sys; from cli.app import main; sys.argv=['tradegame','--help']\ntry: main()\nexcept SystemExit: pass\nprint('scipy' in sys.modules, 'nashpy' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "False False"


def test_continuum_is_reported_as_such(tmp_path):
    # every profile is an equilibrium: one component, a square of equilibria
    path = tmp_path / "flat.nfg"
    path.write_text('NFG 1 R "c" { "a" "b" } { 2 2 }\n1 1 1 0 0 1 0 0\n')
    r = run("solve", str(path), "-f", "json")
    comps = json.loads(r.stdout)["components"]
    assert len(comps) == 1 and comps[0]["continuum"] and comps[0]["extreme_equilibria"] == [0, 1, 2, 3]
    assert "continuum" in run("solve", str(path)).stdout


def test_exact_nfg_keeps_fractions(tmp_path):
    path = tmp_path / "third.nfg"
    path.write_text('NFG 1 R "t" { "a" "b" } { 2 2 }\n1/3 0 0 1 0 1 1/3 0\n')
    data = json.loads(run("solve", str(path), "--exact", "-f", "json").stdout)
    assert data["equilibria"][0]["payoffs_exact"] == ["1/6", "1/2"]


def test_option_values_are_clipped_to_one_line():
    r = run("solve", "--format", "a\nb")
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1


def test_one_player_and_relabelled_nfg_files_solve(tmp_path):
    """Gambit reads a one-player game and repeated labels; so must `solve` and `explain`."""
    one = tmp_path / "one.nfg"
    one.write_text('NFG 1 R "alone" { "a" } { 3 }\n1 3 2\n')
    for command in ("solve", "explain"):
        r = run(command, str(one), "--format", "json")
        assert r.exit_code == 0, r.output
        assert [e["profile"] for e in json.loads(r.stdout)["equilibria"]] == [[[0.0, 1.0, 0.0]]]
    dup = tmp_path / "dup.nfg"
    dup.write_text('NFG 1 R "d" { "p" "p" } { { "u" "u" } { "" "" } }\n1 1 0 0 0 0 1 1\n')
    r = run("solve", str(dup), "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["game"]["players"] == ["p_1", "p_2"]
    assert data["game"]["strategies"] == [["u_1", "u_2"], ["_1", "_2"]]


def test_a_game_in_tiny_units_does_not_read_as_all_zeros(tmp_path: Path):
    """Payoffs of a few 1e-9 keep their digits in the matrix and the equilibria's payoffs
    (they once all printed 0); a payoff that is exactly 0 still reads 0."""
    path = tmp_path / "tiny.nfg"
    path.write_text('NFG 1 R "Tiny stakes" { "Row" "Col" } { { "A" "B" } { "L" "R" } }\n'
                    "3e-9 2e-9 0 0 0 0 2e-9 3e-9\n")
    r = run("solve", str(path))
    assert r.exit_code == 0, r.output
    assert "[3e-09*, 2e-09*]" in r.stdout and "[2e-09*, 3e-09*]" in r.stdout
    assert "0, 0" in r.stdout
    assert "pure (A, L) — payoffs: Row 3e-09, Col 2e-09" in r.stdout
    # the mixed equilibrium (A 0.6, L 0.4) pays Row 3e-9 · 0.6 · 0.4 + 2e-9 · 0.4 · 0.6 = 1.2e-9
    assert "payoffs: Row 1.2e-09, Col 1.2e-09" in " ".join(r.stdout.split())


def test_float_noise_around_zero_still_reads_zero():
    from cli.render import num

    assert num(3e-17, 4, 7.5) == "0" and num(-2e-16, 2, 1.0) == "0"  # below 1e-9 × the game's scale
    assert num(0.004, 2, 6.0) == "0.004" and num(0.004, 2) == "0"  # without a scale: as before
    assert num(-6.42857, 4, 7.5) == "-6.4286"


@pytest.mark.parametrize("args", [["solve", "--set", "hawk_cost=1_0"], ["sweep", "--vary", "re_dependence=0:1_0:5"]])
def test_digit_grouping_is_not_a_number_on_the_command_line(args):
    """'1_0' is 10 to Python's float() and most likely a typo for 1.0: refused, naming the option."""
    r = run(*args)
    assert r.exit_code == 2
    assert "must be a number, got '1_0'" in r.output
