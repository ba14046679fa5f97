"""Notebook display: `_repr_html_` of games, solutions and explanations, and the sliders.

Known answers: the Prisoner's Dilemma A = [[3, 0], [5, 1]], B = [[3, 5], [0, 1]] has
Defect (the second strategy) as each player's best response to everything, and its only
equilibrium is (Defect, Defect). The baseline trade game loses the deal equilibrium once
hawk_cost passes 5 (tests/test_serve.py derives it).
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from games.explanations.explanation import explain
from games.forms.normal_form import NormalFormGame, from_bimatrix
from games.solvers.solver import solve

PD = from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]], title="Prisoner's Dilemma",
                   row_strategies=("Cooperate", "Defect"), col_strategies=("Cooperate", "Defect"))


def cells(html: str) -> list[str]:
    return re.findall(r'<td class="([^"]*)">(.*?)</td>', html)


def test_game_shows_its_matrix_with_best_responses():
    html = PD._repr_html_()
    assert "<table" in html and "Prisoner&#x27;s Dilemma" in html
    row = cells(html)
    assert [c for c, _ in row] == ["cell"] * 4  # a game alone marks no equilibrium
    # row player's best responses: 5 (against Cooperate) and 1 (against Defect), both Defect
    assert ">5*<" in row[2][1] and ">1*<" in row[3][1] and ">3<" in row[0][1]
    # column player's best responses: 5 and 1 in the Defect column
    assert ">5*<" in row[1][1] and ">1*<" in row[3][1].split(",")[1]


def test_solution_shades_the_equilibrium_cell():
    html = solve(PD)._repr_html_()
    assert [c for c, _ in cells(html)] == ["cell", "cell", "cell", "cell tg-eq"]
    assert "pure <strong>(Defect, Defect)</strong> — payoffs Row 1, Column 1" in html


def test_explanation_lists_reasons_and_dominance():
    html = explain(solve(PD))._repr_html_()
    assert "Why each equilibrium holds" in html and "Dominance" in html
    assert "Prisoner" in html and "<li>" in html


def test_text_is_escaped():
    g = from_bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]], title="<script>x</script>",
                      row_strategies=("<b>a</b>", "b"), col_strategies=("c", "d"))
    html = solve(g)._repr_html_()
    assert "<script>x" not in html and "&lt;script&gt;" in html and "<b>a</b>" not in html


def test_three_player_game_lists_profiles():
    payoffs = tuple(np.arange(8, dtype=float).reshape(2, 2, 2) * k for k in (1, 2, 3))
    g = NormalFormGame("three", ("A", "B", "C"), (("a1", "a2"), ("b1", "b2"), ("c1", "c2")), payoffs)
    html = g._repr_html_()
    assert "(a2, b2, c2)" in html and "7, 14, 21" in html


def test_panel_html_follows_the_hand_derived_threshold():
    from cli.widgets import panel_html

    assert panel_html("baseline").count('class="cell tg-eq"') == 2
    assert panel_html("baseline", {"hawk_cost": 6.0}).count('class="cell tg-eq"') == 1
    assert panel_html("baseline", {"hawk_cost": 4.9}).count('class="cell tg-eq"') == 2
    assert "Restrict if Restrict, Supply if Relax" in panel_html("baseline", {}, "us-first")


def test_interact_sliders_redraw_the_game():
    pytest.importorskip("ipywidgets")
    from cli.widgets import interact

    box = interact("baseline", names=["hawk_cost", "re_dependence"])
    assert set(box.sliders) == {"hawk_cost", "re_dependence"}
    s = box.sliders["hawk_cost"]
    assert (s.min, s.max, s.value) == (0, 20, 2) and "political cost" in s.tooltip
    box.sliders["hawk_cost"].value = 6
    assert box.page.value.count('class="cell tg-eq"') == 1
    box.sliders["re_dependence"].value = 10  # now the threshold is 2 + 10/2 = 7: the deal is back
    assert box.page.value.count('class="cell tg-eq"') == 2


def test_interact_without_ipywidgets_names_the_extra(monkeypatch):
    from cli.widgets import interact

    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match=r"tradegame\[widgets\]"):
        interact()


def test_interact_rejects_an_unknown_parameter():
    pytest.importorskip("ipywidgets")
    from games.errors import InputError

    from cli.widgets import interact

    with pytest.raises(InputError, match="unknown parameter 'nope'"):
        interact("baseline", names=["nope"])
