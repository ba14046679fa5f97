"""`tradegame serve`: the page's JSON API (Flask's test client) and the command itself.

Known answers are derived by hand from the payoff formulas in games/trade/__init__.py at the
baseline parameters (chip_sales 4, security_risk 3, hawk_cost h, re_dependence R,
deal/escalation values 1, linkages 0.5, chip_value 5, self_reliance 2, re_revenue 2,
leverage 3.5, diversification 1):

    US:    (Restrict, Restrict) = -R - 1      (Restrict, Supply) = -R/2
           (Relax, Restrict)    = 0.5 - h - R (Relax, Supply)    = 2 - h
    China: (Restrict, Restrict) = 1.5  (Restrict, Supply) = 1  (Relax, Restrict) = 4  (Relax, Supply) = 6

China restricts against Restrict and supplies against Relax. The US restricts against
Restrict iff h > 1.5 and relaxes against Supply iff h < 2 + R/2 (5 at R = 6). So at the
baseline (h = 2, R = 6) both pure outcomes are equilibria; at h = 6 only mutual
restriction; at h = 1 only the deal. The mixed equilibrium has the US relax with
probability p where 1.5 + 2.5p = 1 + 5p, p = 0.2.
"""

from __future__ import annotations

import pytest

pytest.importorskip("flask")

from typer.testing import CliRunner  # noqa: E402

from cli.app import app  # noqa: E402
from cli.web import REGIME_POINTS, create_app  # noqa: E402


@pytest.fixture(scope="module")
def client():
    return create_app().test_client()


def cells(answer) -> set[tuple[int, int]]:
    return {tuple(c) for c in answer["matrix"]["equilibrium_cells"]}


def test_baseline_matrix_best_responses_and_equilibria(client):
    r = client.get("/api/solve?scenario=baseline&re_dependence=3")
    assert r.status_code == 200
    a = r.get_json()
    m = a["matrix"]
    assert m["rows"] == ["Restrict", "Relax"] and m["columns"] == ["Restrict", "Supply"]
    assert m["row_payoffs"][0] == pytest.approx([-4, -1.5]) and m["row_payoffs"][1] == pytest.approx([-4.5, 0])
    assert m["column_payoffs"][0] == pytest.approx([1.5, 1]) and m["column_payoffs"][1] == pytest.approx([4, 6])
    # US best responses: Restrict against Restrict, Relax against Supply; China's likewise
    assert m["row_best"] == [[True, False], [False, True]]
    assert m["column_best"] == [[True, False], [False, True]]
    assert cells(a) == {(0, 0), (1, 1)}
    mixed = [e for e in a["equilibria"] if "0.2" in e["profile"] and "0.8" in e["profile"]]
    assert len(a["equilibria"]) == 3 and len(mixed) == 1


@pytest.mark.parametrize("hawk, expected", [(6, {(0, 0)}), (1, {(1, 1)}), (4.9, {(0, 0), (1, 1)})])
def test_moving_hawk_cost_past_its_thresholds_changes_the_equilibria(client, hawk, expected):
    a = client.get(f"/api/solve?hawk_cost={hawk}").get_json()
    assert cells(a) == expected
    assert a["state"]["values"] == {"hawk_cost": hawk}


def test_thresholds_name_the_hand_derived_values(client):
    html = client.get("/api/thresholds").get_json()["html"]
    deal = html.split("The deal (Relax, Supply) holds while")[1].split("</ul>")[0]
    assert "(hawk_cost) stays below 5 (now 2)" in deal
    conflict = html.split("Mutual restriction (Restrict, Restrict) holds while")[1].split("</ul>")[0]
    assert "(hawk_cost) stays above 1.5 (now 2)" in conflict


def test_full_explanation_only_on_request(client):
    brief = client.get("/api/solve").get_json()
    full = client.get("/api/solve?full=1").get_json()
    assert brief["full_html"] == "" and "Stag Hunt" in brief["brief_html"]
    assert "<h4>Why the other outcomes are not equilibria</h4>" in full["full_html"]


def test_regime_map_matches_the_hand_derived_boundaries(client):
    r = client.get("/api/regimes?x=hawk_cost&y=re_dependence").get_json()
    assert r["points"] == REGIME_POINTS and r["x"]["value"] == 2 and r["y"]["value"] == 6
    step = 20 / (REGIME_POINTS - 1)
    row = r["grid"][round(6 / step)]  # re_dependence = 6
    for col, label_index in enumerate(row):
        h = col * step
        label = r["labels"][label_index]
        if h < 1.5 - 1e-9:
            assert label == "deal only", h
        elif 1.5 < h < 5:
            assert label == "both", h
        elif h > 5:
            assert label == "conflict only", h


def test_every_form_answers(client):
    forms = client.get("/api/catalogue").get_json()["forms"]
    names = [f["name"] for f in forms]
    assert {"simultaneous", "graded", "us-first", "repeated", "bargaining", "bayesian", "with-ally"} <= set(names)
    for form in names:
        r = client.get(f"/api/solve?form={form}")
        assert r.status_code == 200, (form, r.get_json())
        assert r.get_json()["equilibria"], form


def test_tree_form_has_the_subgame_perfect_path_and_a_tree_picture(client):
    a = client.get("/api/solve?form=us-first").get_json()
    assert "tree" in a["pictures"]
    # backward induction at the baseline: China answers Restrict with Restrict and Relax with
    # Supply, so the US compares -7 (Restrict) with 0 (Relax) and relaxes
    (eq,) = a["equilibria"]
    assert eq["profile"] == "US: Relax; China: Restrict if Restrict, Supply if Relax"
    assert eq["payoffs"] == "US 0, China 6"
    svg = client.get("/api/picture/tree.svg?form=us-first")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    # the exercise's tree marks nothing: no green (the equilibrium colour) anywhere
    plain = client.get("/api/picture/tree-plain.svg?form=us-first")
    assert plain.status_code == 200 and b"<svg" in plain.data
    assert b"#2e7d32" in svg.data and b"#2e7d32" not in plain.data and b"#cdebc5" not in plain.data


@pytest.mark.parametrize(
    "url, status, words",
    [
        ("/api/solve?scenario=nope", 400, "scenario 'nope'"),
        ("/api/solve?scenario=/etc/passwd", 400, "not served here"),
        ("/api/solve?re_dependence=99", 400, "between 0 and 20"),
        ("/api/solve?re_dependence=abc", 400, "expected a number"),
        ("/api/solve?re_dependence=1_0", 400, "expected a number"),  # Python's float() reads 10
        ("/api/solve?re_dependence=nan", 400, "finite"),
        ("/api/solve?re_dependence=1&re_dependence=2", 400, "given 2 times"),
        ("/api/solve?no_such_thing=1", 400, "unknown parameter 'no_such_thing'"),
        ("/api/solve?form=sideways", 400, "URL parameter 'form'"),
        ("/api/solve?form=graded&levels=x", 400, "whole number"),
        ("/api/solve?form=graded&levels=500", 400, "expected 2 to"),
        ("/api/solve?full=yes", 400, "expected 0 or 1"),
        ("/api/regimes?x=hawk_cost", 400, "'x' and 'y'"),
        ("/api/regimes?x=hawk_cost&y=hawk_cost", 400, "two different"),
        ("/api/regimes?x=hawk_cost&y=bogus", 400, "unknown parameter"),
        ("/api/picture/evil.svg", 400, "expected one of"),
        ("/api/picture/tree.svg?form=simultaneous", 400, "not drawn"),
        ("/api/model?scenario=%00", 400, "not served here"),
        ("/no/such/page", 404, "no such page"),
    ],
)
def test_bad_requests_get_a_clear_4xx(client, url, status, words):
    r = client.get(url)
    assert r.status_code == status
    assert words in r.get_json()["error"]
    assert "Traceback" not in r.get_data(as_text=True)


def test_post_is_refused_with_405(client):
    r = client.post("/api/solve")
    assert r.status_code == 405 and "GET" in r.get_json()["error"]


def test_page_and_its_files_ship_with_the_package(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name in ("/static/app.js", "/static/style.css"):
        assert name in html
        assert client.get(name).status_code == 200
    # works offline: nothing is loaded from another host
    for text in (html, client.get("/static/app.js").get_data(as_text=True), client.get("/static/style.css").get_data(as_text=True)):
        assert "http://" not in text and "https://" not in text and "//cdn" not in text


def test_a_served_scenario_file_is_in_the_catalogue_and_others_are_not(tmp_path):
    path = tmp_path / "my-what-if.toml"
    path.write_text('title = "My what-if"\n[parameters]\nhawk_cost = 6\n', encoding="utf-8")
    c = create_app(str(path)).test_client()
    cat = c.get("/api/catalogue").get_json()
    assert cat["default"] == "my-what-if"
    a = c.get("/api/solve").get_json()
    assert cells(a) == {(0, 0)}  # h = 6: only mutual restriction (module docstring)
    assert c.get(f"/api/solve?scenario={tmp_path / 'other.toml'}").status_code == 400


def test_serve_without_the_extra_names_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "waitress", None)
    r = CliRunner().invoke(app, ["serve", "--no-browser"])
    assert r.exit_code == 2
    assert "pip install 'tradegame[serve]'" in r.output


def test_serve_rejects_a_bad_scenario_before_listening():
    r = CliRunner().invoke(app, ["serve", "no-such-scenario", "--no-browser"])
    assert r.exit_code == 2 and "no-such-scenario" in r.output


def test_page_url_for_a_wildcard_host():
    from cli.serve_cmd import page_url

    assert page_url("0.0.0.0", 8000) == "http://127.0.0.1:8000/"
    assert page_url("::1", 8000) == "http://[::1]:8000/"


def test_serve_on_the_classroom_network_says_so():
    """The real command: started on 0.0.0.0 it prints the page's address and the note."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.Popen(
        [sys.executable, "-c", "from cli.app import main; main()", "serve", "--host", "0.0.0.0", "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=root,
    )
    try:
        first = proc.stdout.readline()
        second = proc.stdout.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert first.startswith("tradegame: serving the classroom page at http://127.0.0.1:")
    assert "reachable on the classroom network" in second and "0.0.0.0" in second


def test_a_class_of_browsers_at_once():
    """The real server (waitress, threads): 40 requests at once, each answered correctly."""
    import json
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from cli.serve_cmd import make_server, run_in_thread

    srv = make_server(None, "127.0.0.1", 0, threads=8)
    stop = run_in_thread(srv)
    base = f"http://127.0.0.1:{srv.effective_port}"

    def ask(k: int):
        hawk = [1, 3, 6, 4.5][k % 4]  # deal only, both, conflict only, both (module docstring)
        with urllib.request.urlopen(f"{base}/api/solve?hawk_cost={hawk}&re_dependence=6", timeout=60) as r:
            return hawk, r.status, json.loads(r.read())

    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(ask, range(40)))
    finally:
        stop()
    expected = {1: {(1, 1)}, 3: {(0, 0), (1, 1)}, 6: {(0, 0)}, 4.5: {(0, 0), (1, 1)}}
    for hawk, status, body in answers:
        assert status == 200 and cells(body) == expected[hawk]


def test_bayesian_and_ally_forms_show_their_matrices(client):
    """The Harsanyi form is the US's 2 moves against China's 4 plans (2 types × 2 moves).

    The ally at the baseline, by hand from games/trade/ally.py: at (Relax, Supply) aligning pays it
    3·1 + 3.5 = 6.5 against 3 for selling; at (Restrict, Restrict) aligning pays 3.5 − 1 =
    2.5 against 3, so it sells, and then the US gains by relaxing (−8.4 against −8.8: the
    leak of 0.6 × 3 shrinks to 0.3 × 3). When the ally aligns the US–China game is the 2×2
    one, whose other cells are not equilibria. So the one pure equilibrium is (Relax,
    Supply, Align).
    """
    a = client.get("/api/solve?form=bayesian").get_json()
    (m,) = [x["matrix"] for x in a["matrices"]]
    assert len(m["rows"]) == 2 and len(m["columns"]) == 4
    ally = client.get("/api/solve?form=with-ally").get_json()
    assert [x["caption"].split(" (")[0] for x in ally["matrices"]] == ["If the ally plays Align", "If the ally plays Sell"]
    assert ally["matrices"][0]["matrix"]["equilibrium_cells"] == [[1, 1]]
    assert ally["matrices"][1]["matrix"]["equilibrium_cells"] == []


def test_a_bug_is_one_json_line_not_a_traceback(monkeypatch):
    import cli.web as web

    def broken(state, catalogue):
        raise RuntimeError("boom")

    monkeypatch.setattr(web, "answer", broken)
    r = web.create_app().test_client().get("/api/solve?hawk_cost=7.25")
    assert r.status_code == 500
    assert r.get_json() == {"error": "internal error: RuntimeError: boom (please report it)"}


def test_big_graded_games_are_mapped_through_their_2x2_game(client):
    small = client.get("/api/regimes?x=hawk_cost&y=re_dependence&form=graded&levels=3").get_json()
    big = client.get("/api/regimes?x=hawk_cost&y=re_dependence&form=graded&levels=9").get_json()
    assert small["form"] == "graded" and big["form"] == "simultaneous"


@pytest.mark.parametrize("args, words", [
    (["--host", "999.1.1.1"], "option --host"),
    (["--port", "70000"], "option --port"),
])
def test_serve_rejects_a_bad_address(args, words):
    r = CliRunner().invoke(app, ["serve", "--no-browser", *args])
    assert r.exit_code == 2 and words in r.output


def test_serve_explains_that_game_files_have_no_sliders():
    r = CliRunner().invoke(app, ["serve", "tests/data/bos_payoff.nfg", "--no-browser"])
    assert r.exit_code == 2 and "a game file has none" in r.output
