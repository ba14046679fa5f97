"""The command-line contracts, checked from outside on what the older suites did not reach.

docs/trust.md and the design's "Contracts other code relies on": bad input ends in exit 2
with exactly one line on stderr naming the option or file, no traceback, nothing on
stdout and no file written or replaced; `-o` writes only regular files, exclusively
unless --force, with the umask's mode. Each case here was found failing by an audit of
every command and option (hostile values, files and output targets) and is kept so it
stays fixed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.test_hostile_cli import _run_main

#: `infer --plot` over two free parameters of two episodes (a consistent record).
INFER_PLOT = ["infer", "record-2025-05-geneva", "record-2025-04-escalation", "--free", "leverage,hawk_cost",
              "--plot", "leverage,hawk_cost"]


def _one_line_error(run, *fragments: str) -> str:
    assert run.exit_code == 2, (run.exit_code, run.stderr)
    lines = run.stderr.strip().split("\n")
    assert len(lines) == 1, lines
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, lines[0]
    assert not run.stdout.strip(), run.stdout[:200]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


# ---------------------------------------------------------------- infer --plot -o goes through cli.outfiles
@pytest.mark.parametrize("force", [False, True])
def test_infer_plot_refuses_a_fifo_and_leaves_it(tmp_path, force):
    """It used to replace a FIFO (or, as root, a device) given with --force by a picture."""
    target = tmp_path / "set.png"
    os.mkfifo(target)
    run = _run_main([*INFER_PLOT, "-o", str(target)] + (["--force"] if force else []))
    _one_line_error(run, "option --output", "FIFO")
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["set.png"]


def test_infer_plot_gets_the_umask_mode_and_needs_force_to_overwrite(tmp_path):
    target = tmp_path / "set.png"
    old = os.umask(0o022)
    try:
        assert _run_main([*INFER_PLOT, "-o", str(target)]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644  # was 0600, mkstemp's mode
    assert target.read_bytes().startswith(b"\x89PNG")
    target.write_text("keep")
    _one_line_error(_run_main([*INFER_PLOT, "-o", str(target)]), "exists", "--force")
    assert target.read_text() == "keep"


def test_infer_plot_target_is_checked_before_the_work(tmp_path, monkeypatch):
    """A picture that cannot be written is refused before the record is solved."""
    from games.history import identified_set

    def boom(*args, **kwargs):
        raise AssertionError("the record was solved before the output was checked")

    monkeypatch.setattr(identified_set, "record_conditions", boom)
    (tmp_path / "d.png").mkdir()
    _one_line_error(_run_main([*INFER_PLOT, "-o", str(tmp_path / "d.png"), "--force"]), "directory")
    _one_line_error(_run_main([*INFER_PLOT, "-o", str(tmp_path / "none" / "x.png")]), "does not exist")
    _one_line_error(_run_main([*INFER_PLOT, "-o", str(tmp_path / "x.txt")]), ".png or .svg")


# ---------------------------------------------------------------- report --levels
@pytest.mark.parametrize(("args", "fragment"), [
    (["--levels", "0"], "expected an integer from 2 to 101, got 0"),
    (["--levels", "102", "--sections", "graded"], "expected an integer from 2 to 101, got 102"),
    (["--levels", "7", "--sections", "scenario,simultaneous"], "applies to the graded section"),
])
def test_report_refuses_a_levels_it_cannot_use(tmp_path, args, fragment):
    """An out-of-range --levels used to become a 'Skipped' note in a report written with exit 0,
    and a --levels no chosen section uses was ignored."""
    out = tmp_path / "r.md"
    _one_line_error(_run_main(["report", "baseline", "-o", str(out), "--no-pictures", *args]), "option --levels", fragment)
    assert list(tmp_path.iterdir()) == []


def test_report_of_a_game_file_refuses_levels(tmp_path):
    game = tmp_path / "pd.nfg"
    game.write_text('NFG 1 R "pd" { "A" "B" } { 2 2 }\n3 3 0 5 5 0 1 1\n')
    run = _run_main(["report", str(game), "-o", str(tmp_path / "r.md"), "--no-pictures", "--levels", "4"])
    _one_line_error(run, "option --levels", "game file")
    assert [p.name for p in tmp_path.iterdir()] == ["pd.nfg"]


def test_report_uses_a_valid_levels_in_its_graded_section(tmp_path):
    out = tmp_path / "r.md"
    run = _run_main(["report", "baseline", "-o", str(out), "--no-pictures", "--levels", "4", "--sections", "graded"])
    assert run.exit_code == 0, run.stderr
    text = out.read_text()
    # four levels per side are 0, 1/3, 2/3 and 1 (the default five would be quarters)
    assert "Skipped" not in text and "| supply 0% | supply 33% | supply 67% | supply 100% |" in text


# ---------------------------------------------------------------- .nfg: stop at the first token too many
def test_nfg_junk_after_the_payoffs_is_refused_without_reading_it_all(monkeypatch):
    """A 2×2 game followed by 200,000 more numbers: refused at the first extra one. The
    parser used to tokenize the whole remainder first (a 40 MB file: 21 s of CPU)."""
    from games.errors import InputError
    from games.formats import nfg

    made = []
    more = nfg._Tokens._more
    monkeypatch.setattr(nfg._Tokens, "_more", lambda self: made.append(1) or more(self))
    text = 'NFG 1 R "pd" { "A" "B" } { 2 2 }\n3 3 0 5 5 0 1 1 , 9 ' + "1 " * 200_000
    with pytest.raises(InputError, match="unexpected '9' after the payoffs"):
        nfg.parse_nfg(text, "junk.nfg")
    assert len(made) < 100, f"{len(made)} tokens made for a 2×2 game"
    game, _ = nfg.parse_nfg('NFG 1 R "pd" { "A" "B" } { 2 2 }\n3 3 0 5 5 0 1 1 , ,\n', "commas.nfg")
    # Gambit order, player 1's strategy changing fastest: A's second against B's first pays 0, 5
    assert game.payoffs[0][1, 0] == 0 and game.payoffs[1][1, 0] == 5  # trailing commas still tolerated


# ---------------------------------------------------------------- a UTF-8 byte-order mark and CRLF line ends
BOM = b"\xef\xbb\xbf"
ROOT = Path(__file__).resolve().parents[1]


def _crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


@pytest.mark.parametrize("crlf", [False, True])
def test_game_files_with_a_byte_order_mark_are_read(tmp_path, crlf):
    """Notepad's 'UTF-8 with BOM': each file used to be refused at its first character."""
    import json

    nfg = 'NFG 1 R "pd" { "A" "B" } { 2 2 }\n3 3 0 5 5 0 1 1\n'
    efg = 'EFG 2 R "entry" { "A" "B" }\np "" 1 1 "" { "l" "r" } 0\nt "" 1 "" { 1, 2 }\nt "" 2 "" { 3, 4 }\n'
    for name, text, profile, payoffs in [("pd.nfg", nfg, [[1, 0], [1, 0]], [3, 3]), ("t.efg", efg, None, [3, 4])]:
        path = tmp_path / name
        path.write_bytes(BOM + (_crlf(text) if crlf else text.encode()))
        run = _run_main(["solve", str(path), "--format", "json"])
        assert run.exit_code == 0, run.stderr
        data = json.loads(run.stdout)
        assert data["game"]["players"] == ["A", "B"]
        # by hand: in the .nfg A's first strategy dominates (3 > 0, 5 > 1) and B answers it with
        # its first (3 > 0); in the tree A moves r (3 > 1)
        (eq,) = data["equilibria"]
        assert eq["payoffs"] == payoffs
        if profile:
            assert eq["profile"] == profile


@pytest.mark.parametrize("source", ["examples/scenarios/stockholm-2025.toml", "examples/models/cournot.toml"])
@pytest.mark.parametrize("command", [["solve"], ["parameters"]])
def test_toml_files_with_a_byte_order_mark_are_read(tmp_path, source, command):
    import json

    text = (ROOT / source).read_text(encoding="utf-8")
    path = tmp_path / Path(source).name
    path.write_bytes(BOM + _crlf(text))
    run = _run_main([*command, str(path), "--format", "json"])
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    if command == ["parameters"]:
        names = {p["name"] for p in data["parameters"]}
        assert ("a" in names) if "cournot" in source else ("re_dependence" in names)
    else:
        assert data["equilibria"]


# ---------------------------------------------------------------- worksheet: a lesson file is read like every input
def test_a_lesson_file_is_read_with_the_byte_budget(tmp_path):
    """A lesson .md was read whole whatever its size (a 20 GB file would be read into memory)."""
    big = tmp_path / "big.md"
    big.write_text("# A lesson\n\n## Questions for students\n\n" + "x" * 1_100_000)
    run = _run_main(["worksheet", str(big), "-o", str(tmp_path / "w.html")])
    _one_line_error(run, "big.md", "larger than 1 MB", "lesson")
    assert [p.name for p in tmp_path.iterdir()] == ["big.md"]


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_lesson_that_is_not_a_regular_file_is_named_for_what_it_is(tmp_path, kind):
    target = tmp_path / "lesson.md"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    run = _run_main(["worksheet", str(target), "-o", str(tmp_path / "w.html")])
    _one_line_error(run, "lesson.md", {"fifo": "FIFO", "directory": "a directory"}[kind], "not a regular file")


# ---------------------------------------------------------------- an empty target is not the default
EMPTY_TARGET = {
    "solve": ["solve", ""],
    "explain": ["explain", ""],
    "show": ["show", ""],
    "export": ["export", ""],
    "parameters": ["parameters", ""],
    "compare-a": ["compare", "", "baseline"],
    "compare-b": ["compare", "baseline", ""],
    "plot": ["plot", "matrix", "", "-o", "{tmp}/m.png"],
    "sweep": ["sweep", "", "--vary", "re_dependence=0:10:3"],
    "report": ["report", "", "-o", "{tmp}/r.md", "--no-pictures"],
}


@pytest.mark.parametrize("case", sorted(EMPTY_TARGET))
def test_an_empty_target_is_refused_not_read_as_the_baseline(tmp_path, case):
    """`tradegame explain "$FILE"` with FILE unset used to explain the baseline scenario."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in EMPTY_TARGET[case]]
    _one_line_error(_run_main(args), "scenario ''", "no such built-in scenario")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- sweep --dask
@pytest.mark.parametrize("address", ["nope", "", "re_dependence=0:10:3"])
def test_sweep_dask_refuses_what_is_not_an_address(tmp_path, address):
    """distributed's ValueError for a malformed address was an internal error (exit 1)."""
    pytest.importorskip("distributed")
    out = tmp_path / "s.csv"
    run = _run_main(["sweep", "--vary", "re_dependence=0:10:3", "--dask", address, "--format", "csv", "-o", str(out)])
    _one_line_error(run, "option --dask", "expected 'local' or a scheduler address")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- infer: --game and --levels shape the --then games only
INFER = ["infer", "record-2025-05-geneva", "--free", "leverage"]


@pytest.mark.parametrize(("extra", "fragments"), [
    (["--levels", "-1"], ("option --levels", "applies to --game graded")),  # was ignored: exit 0
    (["--levels", "0", "--then", "after-truce-renewal"], ("option --levels", "applies to --game graded")),
    (["--game", "graded"], ("option --game", "applies only with --then")),
    (["--game", "graded", "--levels", "7"], ("option --game", "applies only with --then")),
])
def test_infer_refuses_then_options_without_then_games(extra, fragments):
    _one_line_error(_run_main([*INFER, *extra]), *fragments)


# ---------------------------------------------------------------- an empty --game is not the default form
@pytest.mark.parametrize("args", [
    ["plot", "matrix", "baseline", "-o", "{tmp}/m.png", "--game", ""],
    ["plot", "tree", "baseline", "-o", "{tmp}/t.png", "--game", ""],
    ["export", "baseline", "--game", "", "-o", "{tmp}/g.nfg"],
    ["export", "baseline", "--to", "efg", "--game", "", "-o", "{tmp}/g.efg"],
])
def test_an_empty_game_option_is_an_unknown_form(tmp_path, args):
    """`--game ""` drew or wrote the default form (exit 0), where solve and show refuse it."""
    run = _run_main([a.replace("{tmp}", str(tmp_path)) for a in args])
    _one_line_error(run, "option --game", "got ''")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- the command list: one whole summary line each
def test_every_command_is_listed_with_a_whole_one_line_summary():
    """`tradegame --help` at 80 columns cut 13 of 16 summaries mid-sentence ('verified,...')."""
    import typer
    from typer.testing import CliRunner

    from cli.app import app

    out = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80"}, prog_name="tradegame").stdout
    listed = out.split("Commands:", 1)[1].strip().splitlines()
    names = sorted(typer.main.get_command(app).commands)
    assert sorted(line.split()[0] for line in listed) == names  # one line per command
    for line in listed:
        summary = line.split(None, 1)[1]
        assert not summary.endswith("..."), line
        assert summary[-1] in ".?", line  # a whole sentence


# ---------------------------------------------------------------- --method correlated: no dense matrix for a large game
def test_correlated_vertices_of_a_large_game_are_skipped_before_any_dense_matrix(monkeypatch):
    """`solve --game graded --levels 101 --method correlated` died of a MemoryError (an
    internal error, exit 1) allocating the 20,200 × 10,201 dense constraint matrix of the
    vertex enumeration, which has far more than its 20,000 candidate bases anyway."""
    import numpy as np

    from games.forms.normal_form import NormalFormGame
    from games.solvers import correlated

    def dense(*args, **kwargs):
        raise AssertionError("the constraints were built for a game too large to enumerate")

    rng = np.random.default_rng(0)
    big = NormalFormGame("15×15", ("A", "B"), tuple(tuple(f"s{k}" for k in range(15)) for _ in range(2)),
                         (rng.integers(0, 5, (15, 15)).astype(float), rng.integers(0, 5, (15, 15)).astype(float)))
    monkeypatch.setattr(correlated, "obedience_constraints", dense)
    assert correlated.correlated_vertices(big) is None


# ---------------------------------------------------------------- every command, as a separate process
def _commands() -> list[str]:
    import typer

    from cli.app import app

    return sorted(typer.main.get_command(app).commands)


@pytest.mark.parametrize("command", _commands())
def test_every_command_refuses_an_unknown_option_in_one_line_as_a_process(tmp_path, command):
    """What a shell sees from the real entry point (python -m cli.app runs `main`, as the
    console script does): exit 2, one stderr line naming the option, nothing on stdout."""
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="80")
    run = subprocess.run([sys.executable, "-m", "cli.app", command, "--no-such-option"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, (run.returncode, run.stderr)
    lines = run.stderr.strip().split("\n")
    assert len(lines) == 1 and "--no-such-option" in lines[0] and f"tradegame {command} --help" in lines[0], lines
    assert run.stdout == "" and list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- --with "" names no instrument
@pytest.mark.parametrize("args", [
    ["solve", "baseline", "--game", "package", "--with", ""],
    ["timeline", "record-2025-05-geneva", "--package", "--with", " , "],
    ["infer", "record-2025-05-geneva", "--free", "leverage", "--with", ""],
])
def test_a_with_naming_nothing_is_refused(args):
    """`--with ""` was read as no instrument and the command answered without it (exit 0)."""
    _one_line_error(_run_main(args), "option --with", "expected an instrument name")


# ---------------------------------------------------------------- sweep --plot: the picture's format before the sweep
def test_sweep_plot_with_an_unknown_picture_format_is_refused_before_the_work(tmp_path):
    """`--plot map.nfg` printed the whole sweep, then failed in matplotlib: internal error, exit 1."""
    pytest.importorskip("matplotlib")
    run = _run_main(["sweep", "--vary", "re_dependence=0:10:3", "--plot", str(tmp_path / "map.nfg")])
    _one_line_error(run, "option --plot", "map.nfg", "png")
    assert list(tmp_path.iterdir()) == []
