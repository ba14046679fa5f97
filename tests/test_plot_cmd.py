"""`tradegame plot`: every picture kind writes a non-empty image whose content is right; errors are one line, exit 2.

The content tests draw the figures of textbook games and check what is drawn against
answers known by hand: the Prisoner's Dilemma's starred best responses and single
equilibrium cell, the Stag Hunt's three equilibria in the best-response square, the basins
of the replicator dynamics, cycles in matching pennies, the backward-induction outcome of
the Stockholm tree, and the self-reliance threshold 5 of Lesson 7.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

pytest.importorskip("matplotlib")

from cli import plot_cmd, plots  # noqa: E402

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA = Path(__file__).parent / "data"
GAMES = Path(__file__).resolve().parent.parent / "examples" / "classroom" / "games"


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
        (["matrix", "--vary", "hawk_cost=0:1:3", "-o", "pic.png"], "applies to plot regime-map"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output
    assert not list(tmp_path.iterdir())  # nothing written


def test_tree_layout_puts_parents_over_their_children():
    from games.trade.trees import us_first

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


# ------------------------------------------------------------------ what the pictures show
def _figure(*args, **kwargs):
    fig, caption = plot_cmd.make_figure(*args, **kwargs)
    return fig


def _close(fig) -> None:
    plots.pyplot().close(fig)


def test_matrix_stars_the_best_responses_and_shades_the_equilibrium_cell():
    """Textbook Prisoner's Dilemma (3,3 / 0,5 / 5,0 / 1,1): Defect is dominant for both."""
    fig = _figure("matrix", str(GAMES / "prisoners-dilemma.nfg"))
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert sorted(t for t in texts if "*" in t and len(t) < 6) == ["1*", "1*,", "5*", "5*,"]
    shaded = [p for p in ax.patches if p.get_facecolor()[:3] == plots.pyplot().matplotlib.colors.to_rgb(plots.EQ_FILL)]
    assert len(shaded) == 1 and shaded[0].get_xy() == (2.2, 0.0)  # row 2 (Defect), column 2 (Defect)
    assert not any(t.startswith("Mixed equilibrium") for t in texts)
    _close(fig)


def _equilibrium_marks(ax) -> set[tuple[float, float]]:
    return {(round(float(line.get_xdata()[0]), 4), round(float(line.get_ydata()[0]), 4))
            for line in ax.lines if line.get_marker() == "o" and line.get_markersize() == 10}


def test_best_response_square_marks_the_stag_hunts_three_equilibria():
    """Stag Hunt (4,0 / 3,3): (Stag, Stag), (Hare, Hare) and Hare with probability 1/4 for both."""
    fig = _figure("best-response", str(GAMES / "stag-hunt.nfg"))
    ax = fig.axes[0]
    assert _equilibrium_marks(ax) == {(0.0, 0.0), (1.0, 1.0), (0.25, 0.25)}
    assert "mixed: p = 0.25, q = 0.25" in [t.get_text() for t in ax.texts]
    assert "plays Hare" in ax.get_xlabel() and "plays Hare" in ax.get_ylabel()
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {
        "Row's best response", "Column's best response", "Nash equilibria"}
    _close(fig)


def _nfg_game(name: str):
    from games.formats.nfg import read_nfg

    return read_nfg(str(GAMES / name))


def test_replicator_paths_end_in_the_stag_hunts_basins():
    """Above 1/4 on Hare the replicator flow leads to (Hare, Hare), below it to (Stag, Stag)."""
    paths = plots._paths(_nfg_game("stag-hunt.nfg"), "replicator", 200)
    assert len(paths) == 9
    ends = {start: tuple(np.round(path[-1], 2)) for start, path in zip(plots.STARTS, paths)}
    assert ends[(0.1, 0.1)] == (0.0, 0.0) and ends[(0.5, 0.5)] == (1.0, 1.0) and ends[(0.9, 0.9)] == (1.0, 1.0)
    assert set(ends.values()) <= {(0.0, 0.0), (1.0, 1.0)}


def test_replicator_paths_near_a_saddle_are_drawn_until_they_arrive():
    """Brinkmanship (Lesson 2): Chicken's pure equilibria (Restrict, Supply) and (Relax, Restrict)
    attract every path, including the one that passes close to the mixed saddle first."""
    from games import load_scenario, simultaneous_game

    game = simultaneous_game(load_scenario(str(GAMES.parent / "brinkmanship.toml")).parameters)
    for path in plots._paths(game, "replicator", 200):
        assert np.abs(path[-1] - (0.0, 1.0)).max() < 0.02 or np.abs(path[-1] - (1.0, 0.0)).max() < 0.02


def test_dynamics_cycle_in_matching_pennies_and_fictitious_play_converges():
    """Matching pennies: replicator orbits keep their distance from (1/2, 1/2); fictitious play's
    averages converge to it (Robinson 1951)."""
    from games.forms.normal_form import from_bimatrix

    pennies = from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    for start, path in zip(plots.STARTS, plots._paths(pennies, "replicator", 100)):
        if start != (0.5, 0.5):
            assert np.abs(path - 0.5).max(axis=1).min() > 0.25  # never spirals in
            assert path[:, 0].min() < 0.4 < 0.6 < path[:, 0].max()  # goes round
    for path in plots._paths(pennies, "fictitious-play", 2000):
        assert np.abs(path[-1] - 0.5).max() < 0.06


def test_tree_shades_the_outcome_reached_by_backward_induction():
    """stockholm-2025, US first (Lesson 3 by hand): Relax, then Supply — US 1.5, China 6."""
    fig = _figure("tree", "stockholm-2025")
    ax = fig.axes[0]
    fill = plots.pyplot().matplotlib.colors.to_rgb(plots.EQ_FILL)
    boxes = [t for t in ax.texts if t.get_bbox_patch() is not None and t.get_text().startswith("US ")]
    assert len(boxes) == 4
    reached = [t.get_text() for t in boxes if t.get_bbox_patch().get_facecolor()[:3] == fill]
    assert reached == ["US 1.5\nChina 6"]
    _close(fig)


def test_tree_of_a_model_file_defaults_to_sequential_and_draws_its_own_tree_forms(tmp_path):
    """The entry-deterrence model (entrant first: monopoly 10, duopoly 4, entry cost 1,
    war: entrant −2, incumbent 1): the incumbent accommodates (4 > 1), so the entrant
    enters (4 − 1 = 3 > 0). With no --game the picture is that sequential tree (not the
    trade model's us-first, which a model file has not); a file's own tree form is drawn
    too, and a form that is not a tree is refused in one line."""
    fig = _figure("tree", "entry-deterrence")
    fill = plots.pyplot().matplotlib.colors.to_rgb(plots.EQ_FILL)
    boxes = [t for t in fig.axes[0].texts if t.get_bbox_patch() is not None and t.get_text().startswith("Entrant ")]
    reached = [t.get_text() for t in boxes if t.get_bbox_patch().get_facecolor()[:3] == fill]
    assert reached == ["Entrant 3\nIncumbent 4"]
    _close(fig)
    model = (Path(__file__).resolve().parent.parent / "examples" / "models" / "entry-deterrence.toml").read_text(encoding="utf-8")
    model += ('\n[forms.incumbent-first]\norder = ["Incumbent", "Entrant"]\n'
              '\n[forms.crowd.players.Press]\nstrategies = ["Quiet"]\n[forms.crowd.payoffs.Press]\nquiet = "0"\n')
    path = tmp_path / "entry.toml"
    path.write_text(model, encoding="utf-8")
    # the incumbent commits first: Fight keeps the entrant out (10 against 4 if it enters)
    fig = _figure("tree", str(path), game="incumbent-first")
    boxes = [t for t in fig.axes[0].texts if t.get_bbox_patch() is not None and t.get_text().startswith("Entrant ")]
    reached = [t.get_text() for t in boxes if t.get_bbox_patch().get_facecolor()[:3] == fill]
    assert reached == ["Entrant 0\nIncumbent 10"]
    _close(fig)
    result = run("tree", str(path), "--game", "crowd", "-o", str(tmp_path / "t.png"))
    assert result.exit_code == 2
    assert "tree pictures of model 'entry' are drawn for sequential, incumbent-first, got 'crowd'" in result.output


def test_regime_strip_marks_the_self_reliance_threshold():
    """stockholm-2025: China stops reciprocating at self_reliance = 5 (Lesson 7, question 5, by hand)."""
    fig = _figure("regime-map", "stockholm-2025", vary=["self_reliance=0:8:81"])
    ax = fig.axes[0]
    verticals = [float(line.get_xdata()[0]) for line in ax.lines if len(set(line.get_xdata())) == 1]
    assert len(verticals) == 1 and abs(verticals[0] - 5.0) < 1e-9
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["deal and conflict", "conflict only"]
    assert ax.get_xlabel().startswith("self_reliance\n(China's drive")
    _close(fig)


def test_regime_map_names_its_threshold_lines():
    """escalation-2025 over the two linkages (Lesson 8): the US's and China's thresholds."""
    fig = _figure("regime-map", "escalation-2025", vary=["chip_linkage=0:1:11", "re_linkage=0:1:11"])
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "US indifferent when China supplies" in legend
    assert "China indifferent when the US relaxes" in legend
    _close(fig)


def test_steps_out_of_range_is_one_line():
    r = run("dynamics", "stockholm-2025", "--steps", "0", "-o", "never.png")
    assert r.exit_code == 2 and "option --steps" in r.output and not Path("never.png").exists()
