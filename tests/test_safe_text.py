"""Text from files cannot drive the terminal: control characters are shown, not sent.

A title such as ``ctl\\a\\e]0;pwned\\a`` would set a terminal's window title if printed raw.
Every name a file can carry (title, players, strategies, actions, outcomes, information
sets, comments) is put in hostile files here and every rendering is checked: text,
Markdown, DOT, JSON, report files and error lines.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

from cli.safe_text import json_visible, visible
from tests.test_hostile_cli import _run_main

#: What must never reach the terminal raw (newline is layout; tab is escaped too).
RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
TITLE = "ctl\a\x1b]0;pwned\a"
SHOWN_TITLE = r"ctl\x07\x1b]0;pwned\x07"

NFG = (
    f'NFG 1 R "{TITLE}" {{ "P\x00one" "P\x9btwo" }}\n'
    '{ { "Up\x07" "Down\x1b[2J" } { "Left\r" "Right\x7f" } }\n'
    '"comment \x1b[31m red"\n'
    "3 3 0 5 5 0 1 1\n"
)
EFG = (
    f'EFG 2 R "{TITLE}" {{ "Entrant\x00" "Incumbent\x07" }} "note\x1b[1m"\n'
    'p "root\x07" 1 1 "entry\x1b]0;x\x07" { "Out\x00" "Enter\x9b" } 0\n'
    't "" 1 "stay out\x07" { 0 2 }\n'
    'p "" 2 1 "reply\x0b" { "Fight\x1b" "Yield\r" } 0\n'
    't "" 2 "war\x07" { -1 -1 }\n'
    't "" 3 "peace\x08" { 1 1 }\n'
)


def _clean(text: str, where: str) -> None:
    found = RAW_CONTROL.search(text)
    assert found is None, f"raw {found.group()!r} in {where}: {text[max(0, found.start() - 40):found.end() + 40]!r}"


@pytest.fixture
def files(tmp_path):
    nfg = tmp_path / "hostile.nfg"
    nfg.write_bytes(NFG.encode("utf-8"))
    efg = tmp_path / "hostile.efg"
    efg.write_bytes(EFG.encode("utf-8"))
    return nfg, efg


def test_visible_escapes_c0_del_and_c1_and_keeps_layout():
    assert visible(TITLE) == SHOWN_TITLE
    assert visible("a\nb\tc\x00\x7f\x9b") == "a\nb\\x09c\\x00\\x7f\\x9b"
    assert visible("a\nb", keep="") == "a\\x0ab"
    assert visible("Ünïcödé — ok") == "Ünïcödé — ok"
    text = json.dumps({"t": "a\x7fb\x9bc\x07"}, ensure_ascii=False)
    assert json.loads(json_visible(text)) == {"t": "a\x7fb\x9bc\x07"}
    _clean(json_visible(text), "json")


@pytest.mark.parametrize("command", ["solve", "explain", "show", "export"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_nfg_names_are_escaped_in_every_format(files, command, fmt):
    nfg, _ = files
    args = [command, str(nfg)] + ([] if command == "export" else ["--format", fmt])
    if command == "export" and fmt != "text":
        pytest.skip("export writes .nfg text only")
    run = _run_main(args)
    assert run.exit_code == 0, run.stderr
    _clean(run.stdout + run.stderr, f"{command} --format {fmt}")
    if fmt == "json":
        data = json.loads(run.stdout)
        assert data["game"]["title"] == TITLE  # JSON keeps the true value, escaped
        assert data["game"]["players"] == ["P\x00one", "P\x9btwo"]
    elif command == "export":
        # a Gambit file keeps every name as ASCII: control characters become character references
        assert '"ctl&#7;&#27;]0;pwned&#7;"' in run.stdout
    else:
        assert SHOWN_TITLE in run.stdout
        assert r"Up\x07" in run.stdout or r"Down\x1b[2J" in run.stdout


@pytest.mark.parametrize("command", ["solve", "explain"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "dot", "json"])
def test_efg_names_are_escaped_in_every_format(files, command, fmt):
    _, efg = files
    run = _run_main([command, str(efg), "--format", fmt])
    assert run.exit_code == 0, run.stderr
    _clean(run.stdout + run.stderr, f"{command} --format {fmt}")
    if fmt == "json":
        assert json.loads(run.stdout)["game"]["title"] == TITLE
    elif fmt == "dot":
        assert r"ctl\\x07\\x1b]0;pwned\\x07" in run.stdout  # DOT shows the backslash itself
        assert r"Enter\\x9b" in run.stdout or r"Out\\x00" in run.stdout
    else:
        assert SHOWN_TITLE in run.stdout
        assert r"Enter\x9b" in run.stdout or r"Out\x00" in run.stdout


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_report_files_have_no_raw_control_characters(files, tmp_path, suffix):
    nfg, efg = files
    for source in (nfg, efg):
        out = tmp_path / f"r-{source.stem}{source.suffix[1:]}{suffix}"
        run = _run_main(["report", str(source), "-o", str(out), "--no-pictures"])
        assert run.exit_code == 0, run.stderr
        _clean(run.stdout + run.stderr, "report messages")
        text = out.read_text(encoding="utf-8")
        _clean(text, f"report {out.name}")
        # the handout is titled by the file's name; the names inside are shown, escaped
        assert r"\x00" in text or r"\x07" in text or r"\x1b" in text


def test_plot_of_a_hostile_tree_prints_nothing_raw(files, tmp_path):
    pytest.importorskip("matplotlib")
    nfg, efg = files
    for kind, source in (("tree", efg), ("matrix", nfg), ("best-response", nfg)):
        out = tmp_path / f"{kind}.png"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run = _run_main(["plot", kind, str(source), "-o", str(out)])
        assert run.exit_code == 0, run.stderr
        _clean(run.stdout + run.stderr, f"plot {kind} messages")
        for w in caught:  # a warning is printed on stderr as it is
            _clean(str(w.message), f"a warning of plot {kind}")
        assert out.stat().st_size > 0


def test_error_lines_escape_control_characters(tmp_path):
    runs = [
        _run_main(["solve", "--levels", "\x07\x1b]0;pwned\x07"]),  # a usage error from the option parser
        _run_main(["solve", str(tmp_path / "missing\x1b[2J.nfg")]),
        _run_main(["solve", "--format", "\x1b[31mred"]),
    ]
    bad = tmp_path / "bad.nfg"
    bad.write_bytes(f'NFG 1 R "{TITLE}" {{ "A\x07" }} {{ 2 }}\n1 \x1b[2J\n'.encode())
    runs.append(_run_main(["solve", str(bad)]))
    for run in runs:
        assert run.exit_code == 2, run.stderr
        assert len(run.stderr.strip().split("\n")) == 1, run.stderr
        _clean(run.stderr, "an error line")
        assert "\\x1b" in run.stderr  # shown, not dropped


def test_json_output_escapes_del_and_c1(files):
    nfg, _ = files
    run = _run_main(["solve", str(nfg), "--format", "json"])
    assert "\x9b" not in run.stdout and "\\u009b" in run.stdout
    assert json.loads(run.stdout)["game"]["players"][1] == "P\x9btwo"


def test_export_to_a_file_keeps_the_names_exactly(files, tmp_path):
    """An -o file is data, not terminal output: it round-trips the names byte for byte."""
    from games.formats.nfg import read_nfg

    nfg, _ = files
    out = tmp_path / "copy.nfg"
    assert _run_main(["export", str(nfg), "-o", str(out)]).exit_code == 0
    assert read_nfg(out).title == TITLE and read_nfg(Path(nfg)).players == read_nfg(out).players


@pytest.mark.parametrize("command", ["show", "solve", "explain"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_scenario_titles_and_stories_are_escaped(tmp_path, command, fmt):
    path = tmp_path / "hostile.toml"
    path.write_text(
        'title = "ctl\\u0007\\u001b]0;pwned\\u0007"\n'
        'summary = "sum\\u009b1m"\n'
        'story = "line one\\r\\u001b[2Kfake line"\n',
        encoding="utf-8",
    )
    run = _run_main([command, str(path), "--format", fmt])
    assert run.exit_code == 0, run.stderr
    _clean(run.stdout + run.stderr, f"{command} --format {fmt} of a scenario")
    if command == "show":
        assert SHOWN_TITLE in run.stdout
