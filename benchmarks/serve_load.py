"""The classroom page under load: many students moving sliders at once, on loopback.

    python benchmarks/serve_load.py                  # 50 clients for 60 s
    python benchmarks/serve_load.py --clients 20 --seconds 15 --json out.json

Starts the real server (`tradegame serve --no-browser --port 0`, waitress, in its own
process) on 127.0.0.1, then runs CLIENTS threads, each a student: it opens the page
(index, script, style sheet, catalogue, a scenario's model), then moves sliders — every
move asks what the page asks (the solve, the thresholds, the pictures shown for the form,
the regime map) with values drawn across each parameter's range on the slider's own
steps — switches forms, scenarios, levels and regime axes, and now and then sends a bad
request (a value out of range, NaN, an unknown parameter, a path outside /static/). Before the
clients start, one pass requests every form, picture and regime map once (so lazy imports
are done). The run stops by itself after SECONDS; requests in flight finish first.

It prints the latency percentiles (p50, p95, p99, max), requests a second, the answers by
status, and the server's resident memory (VmRSS from /proc) after a warm-up (the first
third of the run) and at the end. Only 127.0.0.1 is ever contacted. Run by hand; the
test suite (tests/test_serve_load.py) runs a short version and asserts no wall time.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only, always
#: the slowest answer a client waits for before it counts the request as unanswered
REQUEST_TIMEOUT = 120.0

#: bad requests a careless or hostile student might send: each must get a 4xx
BAD_REQUESTS = (
    "/api/solve?hawk_cost=nan",
    "/api/solve?hawk_cost=1e308",
    "/api/solve?hawk_cost=-inf",
    "/api/solve?re_dependence=99",
    "/api/solve?no_such_parameter=1",
    "/api/solve?form=graded&levels=1000000",
    "/api/solve?hawk_cost=1&hawk_cost=2",
    "/api/regimes?x=hawk_cost&y=hawk_cost",
    "/api/regimes?x=hawk_cost",
    "/api/picture/tree.svg?form=simultaneous",
    "/api/picture/nothing.svg",
    "/static/../../etc/passwd",
    "/static/%2e%2e/web.py",
    "/api/model?scenario=/etc/passwd",
)


@dataclass
class Tally:
    """What the clients saw: one latency per answered request, statuses, failures."""

    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)  # /api/solve, /api/picture, /static, ...
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # connection errors, timeouts, unexpected statuses
    bad_sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, path: str, status: int, seconds: float) -> None:
        kind = "/".join(path.split("?")[0].split("/")[:3]) or "/"
        with self.lock:
            self.latencies.append(seconds)
            self.by_kind.setdefault(kind, []).append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)


def start_server(target: str | None = None) -> tuple[subprocess.Popen, int]:
    """`tradegame serve` in its own process on 127.0.0.1 and a free port: (process, port)."""
    cmd = [sys.executable, "-c", "from cli.app import main; main()", "serve", "--no-browser", "--host", HOST, "--port", "0"]
    if target:
        cmd.insert(4, target)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # "tradegame: serving the classroom page at http://127.0.0.1:PORT/ ..."
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"the server did not start: {line!r} {proc.stderr.read()[-2000:]!r}")
    # keep reading what the server writes (waitress logs a warning whenever its queue backs
    # up): a full pipe would block the server's main loop and every request with it
    proc.log = collections.deque(maxlen=200)  # type: ignore[attr-defined]
    for stream in (proc.stdout, proc.stderr):
        threading.Thread(target=_drain, args=(stream, proc.log), daemon=True).start()
    return proc, int(match.group(1))


def _drain(stream, log: collections.deque) -> None:
    for line in stream:
        log.append(line.rstrip("\n"))


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server process started by start_server (only that one)."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def rss_mb(pid: int) -> float:
    """A process's resident memory now (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def get(port: int, path: str, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
    """One GET to the server on loopback: (status, body). The path is sent as given."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class Student:
    """One browser: opens the page, then moves sliders until the run's end."""

    def __init__(self, port: int, seed: int, tally: Tally, stop_at: float, catalogue: dict,
                 models: dict[str, dict], bad_share: float) -> None:
        self.port, self.tally, self.stop_at = port, tally, stop_at
        self.rng = random.Random(seed)
        self.scenarios = [s["name"] for s in catalogue["scenarios"]]
        self.forms = [f["name"] for f in catalogue["forms"]]
        self.max_levels = catalogue["max_levels"]
        self.models = models
        self.bad_share = bad_share

    def ask(self, path: str, expect_ok: bool = True) -> dict | None:
        start = time.monotonic()
        try:
            status, body = get(self.port, path)
        except (OSError, http.client.HTTPException) as exc:
            self.tally.fail(f"{path}: {type(exc).__name__}: {exc}")
            return None
        self.tally.record(path, status, time.monotonic() - start)
        good = status == 200 if expect_ok else 400 <= status < 500
        if not good:
            self.tally.fail(f"{path}: HTTP {status}: {body[:200]!r}")
            return None
        if status == 200 and path.startswith("/api/") and not path.startswith("/api/picture/"):
            return json.loads(body)
        return {}

    def open_page(self) -> None:
        for path in ("/", "/static/app.js", "/static/style.css", "/api/catalogue"):
            self.ask(path)

    def slider_value(self, p: dict) -> float:
        """A value the slider can take: low + k·step, within [low, high]."""
        steps = int((p["high"] - p["low"]) / p["step"] + 1e-9)
        return min(p["high"], round(p["low"] + self.rng.randint(0, steps) * p["step"], 10))

    def run(self) -> None:
        rng = self.rng
        self.open_page()
        while time.monotonic() < self.stop_at:
            scenario = rng.choice(self.scenarios)
            self.ask("/api/model?" + urlencode({"scenario": scenario}))
            params = self.models[scenario]["parameters"]
            form = rng.choice(self.forms)
            levels = rng.randint(2, self.max_levels)
            values: dict[str, float] = {}
            x, y = rng.sample([p["name"] for p in params], 2)
            for _ in range(rng.randint(3, 10)):  # a few slider moves, then another scenario or form
                if time.monotonic() >= self.stop_at:
                    return
                if rng.random() < self.bad_share:
                    with self.tally.lock:
                        self.tally.bad_sent += 1
                    self.ask(rng.choice(BAD_REQUESTS), expect_ok=False)
                    continue
                p = rng.choice(params)
                values[p["name"]] = self.slider_value(p)
                self.move(scenario, form, levels, values, x, y)

    def move(self, scenario: str, form: str, levels: int, values: dict[str, float], x: str, y: str) -> None:
        """What the page asks after one slider move."""
        query = {"scenario": scenario, "form": form, "levels": levels, **values}
        if self.rng.random() < 0.2:
            query["full"] = 1
        q = urlencode(query)
        answer = self.ask("/api/solve?" + q)
        if answer is None:
            return
        q = urlencode({k: v for k, v in query.items() if k != "full"})
        self.ask("/api/thresholds?" + q)
        for kind in answer.get("pictures", []):
            if self.rng.random() < 0.5:  # pictures scrolled out of view are not fetched
                self.ask(f"/api/picture/{kind}.svg?{q}")
        regime = {k: v for k, v in query.items() if k not in (x, y, "full")}
        self.ask("/api/regimes?" + urlencode({**regime, "x": x, "y": y}))


def warm_up(port: int, catalogue: dict, models: dict[str, dict]) -> None:
    """One pass over every code path the load will take, so that lazy imports (matplotlib,
    each form's solver) happen before memory is first measured: every form of the default
    scenario with its full explanation, thresholds, pictures and regime map (graded at 3
    and 9 levels), and the solve of every other scenario."""
    default = catalogue["default"]
    names = [p["name"] for p in models[default]["parameters"]]
    for form in (f["name"] for f in catalogue["forms"]):
        for levels in ((3, 9) if form == "graded" else (5,)):
            q = urlencode({"scenario": default, "form": form, "levels": levels})
            status, body = get(port, f"/api/solve?{q}&full=1")
            if status != 200:
                raise RuntimeError(f"warm-up /api/solve?{q}: HTTP {status}")
            get(port, f"/api/thresholds?{q}")
            for kind in json.loads(body).get("pictures", []):
                get(port, f"/api/picture/{kind}.svg?{q}")
            get(port, "/api/regimes?" + urlencode({"scenario": default, "form": form, "levels": levels,
                                                   "x": names[0], "y": names[1]}))
    for name in models:
        get(port, "/api/solve?" + urlencode({"scenario": name}))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def run_load(port: int, pid: int, clients: int = 50, seconds: float = 60.0, seed: int = 0,
             bad_share: float = 0.05, warm_share: float = 1 / 3) -> dict:
    """CLIENTS students for SECONDS against the server on port; the figures as a dict.

    The server's memory is read after the first warm_share of the run (by then its
    threads have their allocator arenas and its caches are filling) and at the end."""
    status, body = get(port, "/api/catalogue")
    if status != 200:
        raise RuntimeError(f"/api/catalogue: HTTP {status}")
    catalogue = json.loads(body)
    models = {}
    for s in catalogue["scenarios"]:
        status, body = get(port, "/api/model?" + urlencode({"scenario": s["name"]}))
        if status != 200:
            raise RuntimeError(f"/api/model for {s['name']}: HTTP {status}")
        models[s["name"]] = json.loads(body)
    warm_up(port, catalogue, models)
    rss_start = rss_mb(pid)
    tally = Tally()
    start = time.monotonic()
    stop_at = start + seconds
    students = [Student(port, seed * 1000 + k, tally, stop_at, catalogue, models, bad_share) for k in range(clients)]
    threads = [threading.Thread(target=s.run, daemon=True, name=f"student-{k}") for k, s in enumerate(students)]
    for t in threads:
        t.start()
    warm = {}

    def sample_after_warm_up() -> None:
        time.sleep(seconds * warm_share)
        warm["rss_mb"] = rss_mb(pid)
        warm["requests"] = len(tally.latencies)

    series: list[tuple[float, float]] = []

    def sample_every_tenth() -> None:  # the memory curve, for the record
        while time.monotonic() < stop_at:
            series.append((round(time.monotonic() - start, 1), round(rss_mb(pid), 1)))
            time.sleep(seconds / 10)

    sampler = threading.Thread(target=sample_after_warm_up, daemon=True)
    sampler.start()
    curve = threading.Thread(target=sample_every_tenth, daemon=True)
    curve.start()
    for t in threads:  # each stops by itself at stop_at (plus its last request)
        t.join(timeout=seconds + REQUEST_TIMEOUT + 30)
    sampler.join()
    curve.join()
    elapsed = time.monotonic() - start
    hung = [t.name for t in threads if t.is_alive()]
    lat = tally.latencies
    return {
        "clients": clients,
        "seconds": seconds,
        "elapsed": round(elapsed, 2),
        "requests": len(lat),
        "requests_per_second": round(len(lat) / elapsed, 1),
        "bad_requests_sent": tally.bad_sent,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "failures": tally.failures,
        "clients_still_running": hung,
        "latency_seconds": {
            "p50": round(percentile(lat, 50), 4), "p95": round(percentile(lat, 95), 4),
            "p99": round(percentile(lat, 99), 4), "max": round(max(lat, default=float("nan")), 4),
        },
        "p95_by_request": {k: round(percentile(v, 95), 4) for k, v in sorted(tally.by_kind.items()) if len(v) >= 20},
        "rss_mb": {"before_load": round(rss_start, 1), "after_warm_up": round(warm["rss_mb"], 1), "end": round(rss_mb(pid), 1),
                   "every_tenth": series},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the figures to this file")
    a = parser.parse_args()
    proc, port = start_server()
    try:
        result = run_load(port, proc.pid, a.clients, a.seconds, a.seed)
    finally:
        stop_server(proc)
    if result["failures"]:
        print("the server's last lines:\n" + "\n".join(list(proc.log)[-20:]))
    lat = result["latency_seconds"]
    print(f"{result['clients']} clients, {result['seconds']:g} s on {HOST}: {result['requests']} requests, "
          f"{result['requests_per_second']} a second ({result['bad_requests_sent']} deliberately bad)")
    print(f"statuses: {result['statuses']}; failures: {len(result['failures'])}")
    for f in result["failures"][:10]:
        print(f"  {f}")
    print(f"latency: p50 {lat['p50'] * 1000:.0f} ms, p95 {lat['p95'] * 1000:.0f} ms, "
          f"p99 {lat['p99'] * 1000:.0f} ms, max {lat['max'] * 1000:.0f} ms")
    print("p95 by request: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in result["p95_by_request"].items()))
    rss = result["rss_mb"]
    print(f"server memory (VmRSS): {rss['before_load']} MB after one request of each kind, "
          f"{rss['after_warm_up']} MB after the first third, {rss['end']} MB at the end")
    print("memory over the run (s, MB): " + ", ".join(f"{t:g} {m:g}" for t, m in rss["every_tenth"]))
    if a.json:
        Path(a.json).write_text(json.dumps(result, indent=2))
    sys.exit(1 if result["failures"] or result["clients_still_running"] else 0)


if __name__ == "__main__":
    main()
