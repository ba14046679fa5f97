"""`tradegame serve` under load and under hostile requests, on loopback only.

The real server (`tradegame serve --no-browser --port 0`: waitress, in its own process, so
its memory can be read from /proc) answers 50 concurrent students moving sliders
(benchmarks/serve_load.py: the page's own requests, values across every slider's range,
form and scenario switches, regime maps, thresholds, pictures, a few bad requests mixed
in) for TRADEGAME_LOAD_SECONDS seconds (20 by default; 60 for the full minute). Every
request must be answered — 200, or 4xx for the deliberately bad ones — with no 5xx and no
connection error, and the server's resident memory may grow by less than 50 MB between
the end of the warm-up (the first half of a short run, the first third of a minute) and
the end. The 95th-percentile latency is
recorded in load.json under the test's tmp path and printed, never asserted.

Hostile requests (values out of range, NaN, 1e308, huge and many parameters, levels of
10**6, regime-map tricks, path traversal, absolute paths, symlinks) must each get a 4xx
and leave the server answering; no answer may carry a file the page does not serve.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("flask")
pytest.importorskip("waitress")

ROOT = Path(__file__).resolve().parent.parent
if not Path("/proc/self/status").exists():
    pytest.skip("reading the server's memory needs /proc", allow_module_level=True)


def _load_driver():
    spec = importlib.util.spec_from_file_location("serve_load", ROOT / "benchmarks" / "serve_load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["serve_load"] = module
    spec.loader.exec_module(module)
    return module


load = _load_driver()
SECONDS = float(os.environ.get("TRADEGAME_LOAD_SECONDS", "20"))
#: memory is compared between this share of the run and its end (in a short run the
#: server's threads are still taking their allocator arenas during the first seconds)
WARM_SHARE = 0.5 if SECONDS < 60 else 1 / 3
CLIENTS = 50
#: RSS growth allowed after the warm-up (the bounded caches fill; nothing else should grow)
MAX_GROWTH_MB = 50
#: text of files the page must never send: the system's, and the server's own source
SECRETS = (b"root:", b"def create_app", b"[project]")


@pytest.fixture(scope="module")
def server():
    proc, port = load.start_server()
    try:
        yield proc, port
    finally:
        load.stop_server(proc)


def raw(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """One request sent exactly as written (no client-side path cleaning): (status, body)."""
    conn = http.client.HTTPConnection(load.HOST, port, timeout=60)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        if body is not None:
            conn.send(body)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


HOSTILE_PATHS = [
    # values out of range, not numbers, not finite, enormous
    "/api/solve?hawk_cost=nan", "/api/solve?hawk_cost=NaN", "/api/solve?hawk_cost=inf",
    "/api/solve?hawk_cost=-Infinity", "/api/solve?hawk_cost=1e308", "/api/solve?hawk_cost=-1e308",
    "/api/solve?hawk_cost=1e400", "/api/solve?hawk_cost=0x10", "/api/solve?hawk_cost=",
    "/api/solve?hawk_cost=" + "9" * 5000, "/api/solve?re_dependence=99", "/api/thresholds?hawk_cost=1e308",
    # graded levels far beyond the page's nine
    "/api/solve?form=graded&levels=1000000", "/api/solve?form=graded&levels=" + "9" * 400,
    "/api/solve?form=graded&levels=-1", "/api/solve?form=graded&levels=1e6",
    "/api/thresholds?form=graded&levels=1000000", "/api/picture/dynamics.svg?form=graded&levels=1000000",
    # many parameters, repeated parameters, unknown ones
    "/api/solve?" + "&".join(f"p{k}=1" for k in range(1000)),
    "/api/solve?" + "&".join("hawk_cost=1" for _ in range(1000)),
    "/api/solve?full=2", "/api/solve?form=../../etc/passwd",
    # the regime map: its resolution is the server's, never the request's
    "/api/regimes?x=hawk_cost&y=re_dependence&points=1000000",
    "/api/regimes?x=hawk_cost&y=re_dependence&form=graded&levels=1000000",
    "/api/regimes?x=hawk_cost&y=hawk_cost", "/api/regimes?x=hawk_cost", "/api/regimes?x=../x&y=hawk_cost",
    "/api/regimes?x=hawk_cost&y=re_dependence&x=leverage",
    # scenarios are names from the catalogue, never paths
    "/api/model?scenario=/etc/passwd", "/api/model?scenario=../pyproject.toml",
    "/api/solve?scenario=examples/scenarios/baseline.toml", "/api/model?scenario=%2fetc%2fpasswd",
    # pictures
    "/api/picture/nothing.svg", "/api/picture/tree.svg?form=simultaneous",
    "/api/picture/..%2f..%2fetc%2fpasswd.svg", "/api/picture/../../etc/passwd.svg",
    # files outside what the page serves
    "/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e/web.py", "/static/../web.py", "/static/..%5cweb.py", "/static//etc/passwd",
    "/static/%2fetc%2fpasswd", "/static/etc/passwd", "/static/", "/static/.", "/static/..",
    "/static/app.js/../../web.py", "/static/%00app.js", "/static/app.js%00.txt",
    "/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/web.py", "/cli/web.py", "/pyproject.toml",
    "/etc/passwd", "//etc/passwd",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS, ids=lambda p: p[:60])
def test_a_hostile_request_gets_a_4xx_and_no_file(server, path):
    _, port = server
    status, body = raw(port, "GET", path)
    assert 400 <= status < 500, (status, body[:300])
    assert not any(s in body for s in SECRETS)


def test_oversized_requests_are_refused_by_the_server_itself(server):
    from cli.serve_cmd import MAX_BODY_BYTES, MAX_HEADER_BYTES

    _, port = server
    # a URL longer than the header limit: 431 before the app parses anything
    status, _ = raw(port, "GET", "/api/solve?hawk_cost=" + "1" * (2 * MAX_HEADER_BYTES))
    assert status == 431
    status, _ = raw(port, "GET", "/api/solve", headers={"X-Padding": "a" * (2 * MAX_HEADER_BYTES)})
    assert status == 431
    # a body bigger than the page ever sends (it sends none): 413, not buffered to disk
    status, _ = raw(port, "POST", "/api/solve", body=b"x" * (4 * MAX_BODY_BYTES))
    assert status == 413
    status, _ = raw(port, "POST", "/api/solve", body=b"hawk_cost=1")
    assert status == 405
    status, _ = raw(port, "DELETE", "/static/app.js")
    assert status == 405


def test_a_class_of_browsers_keeping_connections_alive_is_still_served(server):
    """Browsers keep idle connections open (several per page): 150 of them, as 50 students
    would hold, must not stop the next request."""
    _, port = server
    conns = []
    try:
        for _ in range(150):
            conn = http.client.HTTPConnection(load.HOST, port, timeout=30)
            conn.request("GET", "/static/style.css")
            resp = conn.getresponse()
            assert resp.status == 200
            resp.read()
            conns.append(conn)  # kept open, idle, as a browser does
        assert load.get(port, "/api/solve?hawk_cost=1", timeout=30)[0] == 200
    finally:
        for conn in conns:
            conn.close()


def test_the_server_still_answers_after_hostile_requests(server):
    _, port = server
    status, body = raw(port, "GET", "/api/solve?hawk_cost=6")
    assert status == 200
    # hand-derived in tests/test_serve.py: at hawk_cost 6 only mutual restriction
    assert json.loads(body)["matrix"]["equilibrium_cells"] == [[0, 0]]
    status, body = raw(port, "GET", "/static/app.js")
    assert status == 200 and b"/api/solve" in body


def test_a_graded_regime_map_past_five_levels_is_the_2x2_map(server):
    """The one request whose work grows with levels is mapped through the 2×2 game."""
    from cli.web import REGIME_POINTS

    _, port = server
    status, body = raw(port, "GET", "/api/regimes?form=graded&levels=9&x=hawk_cost&y=re_dependence")
    assert status == 200
    answer = json.loads(body)
    assert answer["form"] == "simultaneous" and answer["points"] == REGIME_POINTS
    assert len(answer["grid"]) == REGIME_POINTS and {len(r) for r in answer["grid"]} == {REGIME_POINTS}


def test_a_symlink_in_the_static_folder_is_not_followed(tmp_path, monkeypatch):
    import cli.web as web

    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0 outside what the page serves")
    folder = tmp_path / "static"
    folder.mkdir()
    for name in ("index.html", "app.js"):
        (folder / name).write_text(f"<!-- {name} -->")
    (folder / "link.txt").symlink_to(secret)
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.txt").write_text("root: inside a subfolder")
    monkeypatch.setattr(web, "STATIC", folder)
    assert web.static_files(folder) == {"index.html", "app.js"}
    client = web.create_app().test_client()
    assert client.get("/static/app.js").status_code == 200
    for path in ("/static/link.txt", "/static/sub/inner.txt", f"/static/{secret}", "/static/../secret.txt"):
        r = client.get(path)
        assert r.status_code == 404 and b"root:" not in r.data, path


def test_fifty_students_moving_sliders(server, tmp_path):
    proc, port = server
    result = load.run_load(port, proc.pid, clients=CLIENTS, seconds=SECONDS, seed=17, warm_share=WARM_SHARE)
    out = tmp_path / "load.json"
    out.write_text(json.dumps(result, indent=2))
    lat = result["latency_seconds"]
    print(f"\n{CLIENTS} clients, {SECONDS:g} s: {result['requests']} requests "
          f"({result['requests_per_second']}/s), p95 {lat['p95']:.3f} s, p99 {lat['p99']:.3f} s; "
          f"RSS {result['rss_mb']['after_warm_up']} -> {result['rss_mb']['end']} MB ({out})")
    assert result["clients_still_running"] == []  # the run stops by itself
    log = "\n".join(list(proc.log)[-20:])  # the server's own last lines, if anything fails
    assert result["failures"] == [], log  # every request answered: 200, or 4xx for the bad ones
    statuses = {int(k): v for k, v in result["statuses"].items()}
    assert all(s == 200 or 400 <= s < 500 for s in statuses)
    assert sum(v for s, v in statuses.items() if s >= 400) == result["bad_requests_sent"]
    assert statuses.get(200, 0) > CLIENTS  # every student got past opening the page
    assert lat["p95"] == lat["p95"]  # recorded (not NaN); its size is a figure, not a test
    # the server's terminal stays readable: no traceback, no line per queued request
    assert not any("Traceback" in line or "queue depth" in line for line in proc.log), log
    growth = result["rss_mb"]["end"] - result["rss_mb"]["after_warm_up"]
    assert growth < MAX_GROWTH_MB, result["rss_mb"]


@pytest.mark.parametrize("corner", ["low", "high"])
def test_every_form_answers_with_every_slider_at_an_end(corner):
    """The far ends of every slider, in every form at its largest size, are answered."""
    from urllib.parse import urlencode

    from cli.web import MAX_LEVELS, create_app

    client = create_app().test_client()
    catalogue = client.get("/api/catalogue").get_json()
    params = client.get("/api/model?scenario=baseline").get_json()["parameters"]
    values = {p["name"]: p[corner] for p in params}
    for form in (f["name"] for f in catalogue["forms"]):
        q = urlencode({"scenario": "baseline", "form": form, "levels": MAX_LEVELS, **values})
        for endpoint in ("solve", "thresholds"):
            r = client.get(f"/api/{endpoint}?{q}")
            assert r.status_code == 200, (form, endpoint, r.get_json())
        answer = client.get(f"/api/solve?{q}").get_json()
        # every finite game has an equilibrium; bargaining may end in no deal, said in words
        assert answer["equilibria"] or (form == "bargaining" and "No deal" in answer["brief_html"]), form
        assert answer["state"]["values"] == values
