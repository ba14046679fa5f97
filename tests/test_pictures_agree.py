"""Pictures agree with each other and with the lessons.

- One colour per regime in every picture: "deal only" was orange in one regime map and
  purple in another, where orange meant something else.
- Legends in words, not internal names such as "(us_vs_restrict)".
- Chicken's dynamics: lesson 2's answer says the path from p = 0.5, q = 0.1 runs towards
  the mixed equilibrium and veers away; the picture drew an arrowhead beside the mixed
  equilibrium and said "circles: where each path ends".
"""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from cli import plots, sweep_plot  # noqa: E402
from games.sweeps import sweep as sw  # noqa: E402
from games.model.scenarios import load, load_file  # noqa: E402


def _legend(fig) -> dict[str, tuple]:
    ax = fig.axes[0]
    leg = ax.get_legend()
    return {t.get_text(): tuple(np.round(h.get_facecolor(), 3)) for t, h in zip(leg.get_texts(), leg.legend_handles)
            if hasattr(h, "get_facecolor")}


def _map(scenario: str, vary: list[str]):
    spec = sw.make_spec(load(scenario).parameters, "simultaneous", 5, vary)
    return sweep_plot.figure(sw.run(spec))


def test_a_regime_has_one_colour_in_every_map():
    a = _legend(_map("stockholm-2025", ["hawk_cost=0:10:21", "re_dependence=0:12:21"]))
    b = _legend(_map("escalation-2025", ["leverage=0:8:21"]))
    c = _legend(_map("baseline", ["deal_value_us=0:6:21", "leverage=0:10:21"]))
    seen: dict[str, tuple] = {}
    for legend in (a, b, c):
        for label, colour in legend.items():
            if label in seen:
                assert seen[label] == colour, label
            seen[label] = colour
    regimes = [lab for lab in seen if lab in ("deal only", "conflict only", "deal and conflict", "mixed only")]
    assert len(regimes) >= 2  # the maps do share regimes
    colours = [seen[lab] for lab in seen if not lab.startswith(("US indifferent", "China indifferent"))]
    assert len(set(colours)) == len(colours), "two regimes share a colour"


def test_legends_use_words_not_internal_names():
    fig = _map("stockholm-2025", ["hawk_cost=0:10:11", "re_dependence=0:12:11"])
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("indifferent" in t for t in texts)
    assert not any(re.search(r"\(\w+_\w+\)", t) for t in texts), texts


def test_chicken_dynamics_shows_the_path_veering_away_from_the_mixed_equilibrium():
    from games.solvers.solver import solve
    from games.trade import simultaneous_game

    game = simultaneous_game(load_file("examples/classroom/brinkmanship.toml").parameters)
    mixed = next(e for e in solve(game).equilibria if not e.is_pure)
    m = np.array([mixed.profile[0][1], mixed.profile[1][1]])
    start = plots.STARTS.index((0.5, 0.1))
    path = plots._paths(game, "replicator", 200)[start]
    closest = int(np.argmin(np.hypot(*(path - m).T)))
    assert np.hypot(*(path[closest] - m)) < 0.1  # it runs towards the mixed equilibrium
    end = path[-1]
    assert min(end[0], 1 - end[0]) < 0.02 and min(end[1], 1 - end[1]) < 0.02  # and ends at a corner
    arrows = plots._arrow_points(path)
    assert any(k > closest + 5 for k in arrows), "no arrowhead shows it leaving"
    fig = plots.dynamics_figure(game, solve(game).equilibria, "replicator", 200)
    caption = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "where each path ends" not in caption and "veers away" in caption
