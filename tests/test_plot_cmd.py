"""`tradegame plot`: every picture kind writes a non-empty image; errors are one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

pytest.importorskip("matplotlib")

from cli import plot_cmd, plots  # noqa: E402

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA = Path(__file__).parent / "data"


def _app() -> typer.Typer:
    """The real app if it already lists `plot`, else the real app with plot registered."""
    from cli.app import app

    if not any((c.name or c.callback.__name__) == "plot" for c in app.registered_commands):
        plot_cmd.register(app)
    return app


def run(*args: str):
    return runner.invoke(_app(), ["plot", *args])


@pytest.mark.parametrize(
    "args",
    [
        ["matrix", "escalation-2025"],
        ["matrix", "baseline", "--game", "graded", "--levels", "4"],
        ["matrix", str(DATA / "bos_payoff.nfg")],
        ["best-response", "stockholm-2025"],
        ["dynamics", "stockholm-2025", "--steps", "60"],
        ["dynamics", "stockholm-2025", "--rule", "fictitious-play", "--steps", "50"],
        ["dynamics", "baseline", "--game", "graded", "--levels", "3", "--steps", "40"],
        ["tree", "stockholm-2025"],
        ["tree", "escalation-2025", "--game", "snapback"],
        ["regime-map", "stockholm-2025", "--vary", "self_reliance=0:8:21", "--vary", "leverage=0:8:21"],
        ["regime-map", "baseline", "--vary", "re_dependence=0:10:41"],
    ],
    ids=["matrix", "matrix-graded", "matrix-nfg", "best-response", "replicator", "fictitious-play",
         "dynamics-graded", "tree", "tree-snapback", "regime-map-2d", "regime-map-1d"],
)
def test_each_picture_is_a_non_empty_png(tmp_path, args):
    out = tmp_path / "pic.png"
    r = run(*args, "-o", str(out))
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000
    assert f"wrote {out}" in r.stdout


def test_svg_by_extension(tmp_path):
    out = tmp_path / "pic.svg"
    r = run("best-response", "escalation-2025", "-o", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text


def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "pic.png"
    out.write_bytes(b"keep me")
    r = run("matrix", "-o", str(out))
    assert r.exit_code == 2 and "exists; pass --force" in r.output
    assert out.read_bytes() == b"keep me"
    r = run("matrix", "-o", str(out), "--force")
    assert r.exit_code == 0 and out.read_bytes().startswith(PNG_MAGIC)


@pytest.mark.parametrize(
    "args, message",
    [
        (["matrix", "-o", "pic.jpg"], "expected a file name ending in .png or .svg"),
        (["best-response", "baseline", "--game", "graded", "-o", "pic.png"], "expected a 2×2 game"),
        (["nonsense", "-o", "pic.png"], "unknown picture kind 'nonsense'"),
        (["dynamics", "--rule", "magic", "-o", "pic.png"], "option --rule"),
        (["matrix", "--set", "hawk_cost=99", "-o", "pic.png"], "hawk_cost"),
        (["matrix", "--game", "repeated", "-o", "pic.png"], "option --game"),
        (["tree", "--game", "graded", "-o", "pic.png"], "tree pictures are drawn for"),
        (["tree", str(DATA / "bos_payoff.nfg"), "-o", "pic.png"], "normal-form game"),
        (["regime-map", str(DATA / "bos_payoff.nfg"), "-o", "pic.png"], "regime maps vary scenario parameters"),
        (["regime-map", "--vary", "nonsense=0:1:3", "-o", "pic.png"], "nonsense"),
        (["matrix", "--vary", "hawk_cost=0:1:3", "-o", "pic.png"], "only the regime-map"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    assert not list(tmp_path.iterdir())  # nothing written


def test_tree_layout_puts_parents_over_their_children():
    from games.trade_trees import us_first

    xs, depth = plots.tree_layout(us_first())
    assert [xs[(0, 0)], xs[(0, 1)], xs[(1, 0)], xs[(1, 1)]] == [0, 1, 2, 3]
    assert xs[(0,)] == 0.5 and xs[(1,)] == 2.5 and xs[()] == 1.5
    assert depth[(1, 1)] == 2


def test_response_segments_match_the_textbook_stag_hunt():
    """Stag Hunt (4,0 / 3,3): Hare's gain over Stag is −1 against Stag, +3 against Hare.

    With t the probability the opponent plays Hare, the switch is at t = 1/4 (the mixed
    equilibrium puts weight 1/4 on Hare): below it the best reply is Stag (s = 0), above
    it Hare (s = 1), with a vertical segment at t = 1/4.
    """
    segments, whole = plots.response_segments(3 - 4, 3 - 0)
    assert not whole
    assert ((0.0, 0.0), (0.25, 0.0)) in segments
    assert ((0.25, 1.0), (1.0, 1.0)) in segments
    assert ((0.25, 0.0), (0.25, 1.0)) in segments


def test_response_segments_dominant_and_indifferent():
    segments, whole = plots.response_segments(2.0, 1.0)  # second strategy always better
    assert segments == [((0.0, 1.0), (1.0, 1.0))] and not whole
    assert plots.response_segments(0.0, 0.0) == ([], True)
    segments, _ = plots.response_segments(0.0, -1.0)  # indifferent only against the first strategy
    assert ((0.0, 0.0), (0.0, 1.0)) in segments and ((0.0, 0.0), (1.0, 0.0)) in segments
