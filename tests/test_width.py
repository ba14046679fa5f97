"""Every command's text output fits 80 columns when standard output is not a terminal.

`COLUMNS=80 tradegame show escalation-2025` once printed lines up to 245 wide. Each
command is run here with COLUMNS=80 and every line of its text output measured.
(`export` is left out: it writes a Gambit file, not text for a reader.)
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.layout import fit, fit_line
from cli.render import text_table

runner = CliRunner()

COMMANDS = [
    ["solve"],
    ["solve", "stockholm-2025", "--game", "graded", "--levels", "7"],
    ["explain", "stockholm-2025"],
    ["explain", "escalation-2025", "--game", "us-first"],
    ["explain", "escalation-2025", "--game", "snapback"],
    ["solve", "baseline", "--game", "bayesian"],
    ["solve", "baseline", "--game", "with-ally"],
    ["explain", "escalation-2025", "--game", "repeated"],
    ["explain", "escalation-2025", "--game", "bargaining", "--proposer", "china"],
    ["show", "escalation-2025"],
    ["show", "baseline", "--game", "graded", "--levels", "9"],
    ["scenarios"],
    ["parameters"],
    ["forms"],
    ["compare", "controls-2023", "escalation-2025"],
    ["sweep", "--vary", "re_dependence=0:10:11"],
    ["solve", "tests/data/bos_payoff.nfg"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_text_output_fits_80_columns(args):
    r = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    wide = [line for line in r.stdout.splitlines() if len(line) > 80]
    assert not wide, f"{len(wide)} lines wider than 80, e.g. {wide[0]!r}"


def test_plot_and_report_lines_fit(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / ("a-rather-long-folder-name-" * 2)
    out.mkdir()
    for args in (["plot", "regime-map", "escalation-2025", "--vary", "chip_linkage=0:1:5", "--vary",
                  "re_linkage=0:1:5", "-o", str(out / "interdependence-map.png")],
                 ["report", "escalation-2025", "--no-pictures", "-o", str(out / "report.md")]):
        r = runner.invoke(app, args, env={"COLUMNS": "80"})
        assert r.exit_code == 0, r.output
        assert all(len(line) <= 80 for line in r.stdout.splitlines()), r.stdout


def test_the_width_follows_columns():
    r = runner.invoke(app, ["show", "escalation-2025"], env={"COLUMNS": "100"})
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert any(len(line) > 80 for line in lines)  # the wider terminal is used


def test_fit_wraps_prose_with_hanging_indent_and_cuts_drawings():
    text = "1. " + "word " * 30
    lines = fit(text, 40).splitlines()
    assert all(len(line) <= 40 for line in lines) and lines[1].startswith("   w")
    assert fit_line("├─ " + "x" * 60, 40) == ["├─ " + "x" * 36 + "…"]


def test_a_wide_table_wraps_its_last_column_and_keeps_every_word():
    rows = [["name", "value", "meaning"], ["a", "1", "alpha " * 20], ["bb", "22", "beta"]]
    out = text_table(rows, 40)
    assert all(len(line) <= 40 for line in out.splitlines())
    assert out.count("alpha") == 20 and "beta" in out
