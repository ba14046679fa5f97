"""Every command's help shows what the code says: no markup rewriting, examples whole.

Rich markup once turned `uniform:A:B` into `uniform🅰B` (an emoji code). The help of the
app and of every command is rendered here at 80 columns and compared with the option
texts and docstrings in the source, whitespace aside.
"""

from __future__ import annotations

import inspect
import re

import pytest
import typer
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()
CLICK_APP = typer.main.get_command(app)
COMMANDS = sorted(CLICK_APP.commands)


def _squash(text: str) -> str:
    """Text without whitespace or shell line continuations (wrapping may move both)."""
    return re.sub(r"\s+|\\\n|\\", "", text.replace("\b", ""))


def _help(*args: str) -> str:
    r = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "80"}, prog_name="tradegame")
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_option_texts_are_printed_as_written(name):
    out = _help(name)
    squashed = _squash(out)
    command = CLICK_APP.commands[name]
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            assert _squash(text) in squashed, f"{name} {param.opts}: {text!r} not shown as written"
    # the docstring's prose and examples too (the first paragraph may be shortened elsewhere)
    doc = command.help or ""
    for para in doc.split("\n\n"):
        assert _squash(para) in squashed, f"{name}: {para!r} not shown as written"


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_help_fits_80_columns_and_has_no_markup_artifacts(name):
    out = _help(*([name] if name else []))
    wide = [line for line in out.splitlines() if len(line) > 80]
    assert not wide, wide
    assert "🅰" not in out and "[/" not in out


def test_sweep_distribution_syntax_is_intact():
    out = _help("sweep")
    assert "uniform:A:B" in out and "triangular:A:MODE:B" in out


def test_examples_are_whole_commands():
    # a long example is split with a shell continuation, never mid-command without one
    out = _help("plot")
    lines = out.splitlines()
    for k, line in enumerate(lines):
        if line.strip().startswith("tradegame") and k + 1 < len(lines) and lines[k + 1].strip().startswith("-"):
            assert line.endswith("\\"), line
    assert inspect.getdoc(app.registered_commands[0].callback)


def test_bare_tradegame_prints_the_help_readably():
    """`tradegame` alone shows the same help as `tradegame --help`, line by line (Click 8.2+
    reports it as a usage error, which once came out as one line of \\x0a escapes), exit 2."""
    import subprocess
    import sys

    bare = subprocess.run([sys.executable, "-m", "cli.app"], capture_output=True, text=True, env={**__import__("os").environ, "COLUMNS": "80"})
    assert bare.returncode == 2
    assert "\\x0a" not in bare.stderr
    assert "Usage: tradegame" in bare.stderr.splitlines()[0]
    for name in COMMANDS:
        assert any(line.split()[:1] == [name] for line in bare.stderr.splitlines()), name
