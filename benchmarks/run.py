"""tradegame speed and memory, measured side by side with Gambit and nashpy in one run.

    python benchmarks/run.py          # quick (about half a minute)
    python benchmarks/run.py --full   # larger samples (several minutes)
    python benchmarks/run.py --nplayer  # only the N-player sections (a quarter of an hour)
    python benchmarks/run.py --nplayer-all  # only every-equilibrium N-player sections (minutes)
    python benchmarks/run.py --nplayer-one  # only one-equilibrium N-player sections (Gambit's gnm: minutes)
    python benchmarks/run.py --small    # only single 2×2 to 5×5 games via the public API
    python benchmarks/run.py --workers  # only --workers 1 against 2 (a few minutes; needs a quiet machine)

Slow loops (Gambit, nashpy) are timed on a subset of the same games and extrapolated
from their per-game rate; the output says so. Each figure is the best of a few runs, so
other work on the machine disturbs the ratios less. Run by hand, never by CI.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def _timed(fn, repeat: int = 1) -> float:
    """Best wall time of fn() over repeat runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


PEAK_SNIPPET = """
def _peak_mb():
    # the high-water mark of this process's own memory map (Linux VmHWM): it starts afresh at
    # exec, so it is not the parent's peak, which ru_maxrss of a forked child can inherit
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


def _gambit_loop(A, B) -> float:
    """Seconds per game for pygambit's enummixed_solve (game built from arrays each time)."""
    import pygambit as gbt

    t = time.perf_counter()
    for a, b in zip(A, B):
        gbt.nash.enummixed_solve(gbt.Game.from_arrays(a, b), rational=False)
    return (time.perf_counter() - t) / len(A)


def _nashpy_loop(A, B) -> float:
    """Seconds per game for nashpy's support_enumeration (all equilibria listed)."""
    import warnings

    import nashpy

    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for a, b in zip(A, B):
            list(nashpy.Game(a, b).support_enumeration())
    return (time.perf_counter() - t) / len(A)


def _line(label: str, ours: float, theirs: float, what: str, target: str) -> str:
    ratio = theirs / ours
    return f"{label:<34} {ours * 1e6:>12.3f} µs/game  {what:<14} {theirs * 1e6:>10.1f} µs/game  ratio {ratio:>8.1f}×  {target}"


def bench_2x2_sweep(points: int, subset: int, nashpy_subset: int) -> list[str]:
    from games.sweeps import sweep
    from games.model.scenarios import load

    side = int(round(points ** 0.5))
    params = dict(load("baseline").parameters)
    spec = sweep.make_spec(params, vary=[f"re_dependence=0:20:{side}", f"hawk_cost=0:20:{side}"])
    sweep.run(sweep.make_spec(params, vary=["re_dependence=0:20:1000"]))  # warm up
    t = _timed(lambda: sweep.run(spec), repeat=3)
    ours = t / spec.n_points
    idx = np.random.default_rng(0).choice(spec.n_points, subset, replace=False)
    vals = {k: v[idx] for k, v in spec.values(0, spec.n_points).items()} if spec.n_points <= 20_000_000 else None
    A, B = sweep.bimatrices(spec, vals)
    A, B = np.array(A), np.array(B)
    g = min(_gambit_loop(A, B) for _ in range(2))
    n = _nashpy_loop(A[:nashpy_subset], B[:nashpy_subset])
    return [
        f"2×2 sweep: {spec.n_points:,} points of the baseline scenario (re_dependence × hawk_cost) in {t:.2f} s,",
        f"  all equilibria, verified, regimes summarized. Loops timed on {subset:,} (Gambit) / {nashpy_subset:,} (nashpy) of the same games, extrapolated.",
        _line("  batched closed form (sweep)", ours, g, "Gambit loop", "target ≥ 300×"),
        _line("  batched closed form (sweep)", ours, n, "nashpy loop", ""),
    ]


def _hard_wired_terms(x, y, p):
    """The trade model's payoff terms written directly in NumPy (as games/trade/__init__.py had them
    before its formulas moved to examples/models/trade.toml): the baseline of the model-file sweep."""
    chips = x * (1 - p["chip_linkage"] * (1 - y))
    rare = y * (1 - p["re_linkage"] * (1 - x))
    both_open, both_closed = x * y, (1 - x) * (1 - y)
    return {
        "US": {
            "chip sales": chips * p["chip_sales"], "security risk": -x * chips * p["security_risk"],
            "hawkish domestic cost": -x * p["hawk_cost"], "rare-earth shortfall": -(1 - rare) * p["re_dependence"],
            "deal value": both_open * p["deal_value_us"], "escalation cost": -both_closed * p["escalation_cost_us"],
        },
        "China": {
            "chip access net of self-reliance": chips * (p["chip_value"] - p["self_reliance"]),
            "rare-earth revenue": rare * p["re_revenue"], "leverage": (1 - y) * p["leverage"],
            "diversification": -((1 - y) ** 2) * p["diversification"],
            "deal value": both_open * p["deal_value_cn"], "escalation cost": -both_closed * p["escalation_cost_cn"],
        },
    }


def bench_model_file_sweep(points: int) -> list[str]:
    """The same 2×2 sweep three ways, interleaved: the trade model's payoffs hard-wired in
    NumPy; the trade model as shipped (games.trade evaluating examples/models/trade.toml);
    and the generic model-file sweep of that file (`sweep.make_spec(..., model=...)`)."""
    from games.sweeps import sweep
    from games.model.catalog import builtin_model
    from games.model.scenarios import load

    side = int(round(points ** 0.5))
    params = dict(load("baseline").parameters)
    vary = [f"re_dependence=0:20:{side}", f"hawk_cost=0:20:{side}"]
    shipped = sweep.make_spec(params, vary=vary)
    model = sweep.make_spec(params, vary=vary, model=builtin_model("trade"))
    from games.model import level_game

    plan, payoffs = sweep._simultaneous_plan, level_game.level_payoffs

    def hard_wired_payoffs(_model, levels, p):
        x, y = levels
        terms = _hard_wired_terms(x, y, p)
        return tuple(sum(terms[who].values()) for who in ("US", "China"))

    def hard_wired():
        # the sweep's own path for the default model (its compiled plan, else the level
        # payoffs) replaced by the hand-written NumPy terms
        sweep._simultaneous_plan, level_game.level_payoffs = (lambda *_: None), hard_wired_payoffs
        try:
            return sweep.run(shipped)
        finally:
            sweep._simultaneous_plan, level_game.level_payoffs = plan, payoffs

    hard_wired(), sweep.run(shipped), sweep.run(model)  # warm up
    th = ts = tm = float("inf")
    for _ in range(3):  # interleaved, so load changes hit all three alike
        th = min(th, _timed(hard_wired))
        ts = min(ts, _timed(lambda: sweep.run(shipped)))
        tm = min(tm, _timed(lambda: sweep.run(model)))
    return [
        f"2×2 sweep of a model file: {shipped.n_points:,} points (best of 3, interleaved): hard-wired NumPy payoffs "
        f"{th:.2f} s; trade model read from trade.toml {ts:.2f} s ({ts / th:.2f}×); generic model sweep of "
        f"trade.toml {tm:.2f} s ({tm / th:.2f}×)  target ≤ 1.5×",
    ]


# ---------------------------------------------------------------- the 2×2 kernel and sweep output
def minimal_kernel_2x2(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """The least NumPy that finds the nine closed-form candidates and their equilibrium mask
    of 2×2 games: incentives, interior points, sign tests. No verification, no regimes —
    the yardstick the sweep's kernel is measured against."""
    r0 = A[:, 0, 0] - A[:, 1, 0]
    r1 = A[:, 0, 1] - A[:, 1, 1]
    c0 = B[:, 0, 0] - B[:, 0, 1]
    c1 = B[:, 1, 0] - B[:, 1, 1]
    q_in = (r0 > 0) & (r1 < 0) | (r0 < 0) & (r1 > 0)
    p_in = (c0 > 0) & (c1 < 0) | (c0 < 0) & (c1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        q_star = np.where(q_in, r1 / (r1 - r0), np.nan)  # noqa: F841 — computed as the kernel must
        p_star = np.where(p_in, c1 / (c1 - c0), np.nan)  # noqa: F841
    mask = np.empty((9, len(A)), dtype=bool)
    row = ((r1 <= 0, r1 >= 0, r1 == 0), (r0 <= 0, r0 >= 0, r0 == 0))
    col = ((c1 <= 0, c1 >= 0, c1 == 0), (c0 <= 0, c0 >= 0, c0 == 0))
    for i in range(3):
        for j in range(3):
            ok = row[j][i] if j < 2 else q_in
            mask[3 * i + j] = ok & (col[i][j] if i < 2 else p_in)
    return mask


def bench_2x2_kernel(points: int) -> list[str]:
    """The sweep (games built from parameters, all candidates, every one verified, regimes)
    against `minimal_kernel_2x2` on the same games, already built, in the same run."""
    from games.sweeps import sweep
    from games.model.scenarios import load

    side = int(round(points ** 0.5))
    spec = sweep.make_spec(dict(load("baseline").parameters), vary=[f"re_dependence=0:20:{side}", f"hawk_cost=0:20:{side}"])
    A, B = sweep.bimatrices(spec, spec.values(0, spec.n_points))
    A, B = np.ascontiguousarray(A), np.ascontiguousarray(B)
    chunk = 25_000

    def kernel() -> None:
        for a in range(0, len(A), chunk):
            minimal_kernel_2x2(A[a : a + chunk], B[a : a + chunk])

    sweep.run(sweep.make_spec(dict(load("baseline").parameters), vary=["re_dependence=0:20:1000"]))  # warm up
    t_sweep = _timed(lambda: sweep.run(spec), repeat=3)
    t_kernel = _timed(kernel, repeat=3)
    cpu_sweep, cpu_kernel = [], []
    for _ in range(7 if spec.n_points <= 2_000_000 else 3):  # CPU time, taking turns: less disturbed by load
        for fn, out in ((lambda: sweep.run(spec), cpu_sweep), (kernel, cpu_kernel)):
            t = time.process_time()
            fn()
            out.append(time.process_time() - t)
    c_sweep, c_kernel = float(np.median(cpu_sweep)), float(np.median(cpu_kernel))
    return [
        f"2×2 kernel: sweep of {spec.n_points:,} points {t_sweep:.2f} s ({spec.n_points / t_sweep / 1e6:.1f} M games/s), "
        f"minimal NumPy kernel on the same games (built beforehand) {t_kernel:.2f} s "
        f"({spec.n_points / t_kernel / 1e6:.1f} M games/s): sweep/kernel = {t_sweep / t_kernel:.2f}  target ≤ 3",
        f"  by CPU time, median of {len(cpu_sweep)} taking turns: sweep {c_sweep * 1e3:.1f} ms, kernel {c_kernel * 1e3:.1f} ms: "
        f"sweep/kernel = {c_sweep / c_kernel:.2f}",
    ]


SWEEP_OUTPUT_SCRIPT = PEAK_SNIPPET + """
import sys, time
sys.path.insert(0, {root!r})
from cli.app import main
sys.argv = ["tradegame", "sweep", "--vary", "re_dependence=0:20:{points}", "--format", {fmt!r}, "-o", {out!r}, "--force"]
t = time.perf_counter()
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print(time.perf_counter() - t, _peak_mb())
"""


def bench_sweep_output(points: int) -> list[str]:
    """`tradegame sweep` of a 1-D 2×2 grid as text, CSV and JSON, each in a fresh process,
    taking turns; wall time of the command inside the process (start-up excluded) and peak memory."""
    import tempfile

    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        times: dict[str, list[float]] = {"text": [], "csv": [], "json": []}
        peak: dict[str, float] = {}
        for _ in range(2):
            for fmt in times:
                script = SWEEP_OUTPUT_SCRIPT.format(root=str(ROOT), points=points, fmt=fmt, out=f"{tmp}/out.{fmt}")
                out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
                seconds, mb = out.stdout.split()[-2:]
                times[fmt].append(float(seconds))
                peak[fmt] = max(peak.get(fmt, 0.0), float(mb))
        best = {k: min(v) for k, v in times.items()}
        sizes = {k: os.path.getsize(f"{tmp}/out.{k}") for k in times}
    for fmt in ("csv", "json"):
        lines.append(
            f"sweep output, {points:,} points (1-D 2×2 grid): --format {fmt} {best[fmt]:.2f} s ({sizes[fmt] / 1e6:.0f} MB), "
            f"text summary {best['text']:.2f} s: ratio {best[fmt] / best['text']:.2f}  target ≤ 3; "
            f"peak memory {peak[fmt]:.0f} MB (text {peak['text']:.0f} MB)"
        )
    return lines


WORKERS_SCRIPT = PEAK_SNIPPET + """
import sys, time
sys.path.insert(0, {root!r})
from cli.app import main
sys.argv = ["tradegame", "sweep", *{args!r}, "--workers", {workers!r}, "--format", {fmt!r}, "-o", {out!r}, "--force"]
t = time.perf_counter()
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print(time.perf_counter() - t, _peak_mb())
"""


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "unknown"


def bench_workers(
    points: int, formats: tuple[str, ...], args: list[str] | None = None, what: str = "", runs: int = 2
) -> list[str]:
    """`tradegame sweep` (by default of a 2-D 2×2 grid of about `points` points) with
    --workers 1 and 2, each in a fresh process, taking turns, `runs` times each; the median
    of each, and the load average before and after. The gain needs a second core that is
    free: under load it is small or negative."""
    import statistics
    import tempfile

    if args is None:
        side = int(round(points ** 0.5))
        args = ["--vary", f"re_dependence=0:20:{side}", "--vary", f"hawk_cost=0:20:{side}"]
        what = f"{side * side:,}-point 2-D grid"
    lines = [f"--workers 1 against 2, {what}; load average before: {_load()}"]
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            times: dict[str, list[float]] = {"1": [], "2": []}
            peak: dict[str, float] = {}
            for _ in range(runs):
                for workers in ("1", "2"):
                    script = WORKERS_SCRIPT.format(root=str(ROOT), args=args, workers=workers, fmt=fmt, out=f"{tmp}/out{workers}.{fmt}")
                    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
                    seconds, mb = (float(v) for v in out.stdout.split()[-2:])
                    times[workers].append(seconds)
                    peak[workers] = max(peak.get(workers, 0.0), mb)
            best = {w: statistics.median(t) for w, t in times.items()}
            same = Path(f"{tmp}/out1.{fmt}").read_bytes() == Path(f"{tmp}/out2.{fmt}").read_bytes()
            rest = _rest_of_command(_tiny(args), fmt, f"{tmp}/tiny.{fmt}", runs)
            lines.append(
                f"  --format {fmt}: 1 worker {best['1']:.2f} s, 2 workers {best['2']:.2f} s (medians of {runs}): speed-up {best['1'] / best['2']:.2f}×  "
                f"target ≥ 1.6 on a quiet machine; peak memory of the main process {peak['1']:.0f} / {peak['2']:.0f} MB; "
                f"outputs {'identical' if same else 'DIFFER'}"
            )
            lines.append(
                f"    the same command on 4 points takes {rest:.2f} s (start-up inside the process, options, scenario, summary: "
                f"work no second process can share), so 2 workers gain at most {_ceiling(best['1'], rest):.2f}× here"
            )
    lines.append(f"  load average after: {_load()}")
    return lines


BLOCKS_SCRIPT = """
import os, statistics, sys, time
sys.path.insert(0, {root!r})
from cli import sweep_cmd
from games.model.scenarios import load
from games.sweeps import sweep as sw
sweep_cmd.keep_heap_between_blocks()
spec = sw.make_spec(load("stockholm-2025").parameters, vary={vary!r})
sw.run(spec)  # compiled plans and first-touch pages, not timed
spans, size = sw._spans(spec, None)
sw._INHERITED[0] = spec

def share(which, parts):
    for i, (a, b) in enumerate(spans):
        if i % parts == which:
            sw._span_task((0, a, b, False, None, 0, size))

def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t

mode = {mode!r}
times = []
for _ in range({runs}):
    if mode == "executor":
        times.append(timed(lambda: sw.run(spec, mapper=sweep_cmd._local_processes(2))))
    elif mode == "halves":
        def both():
            pid = os.fork()
            if pid == 0:
                share(1, 2)
                os._exit(0)
            share(0, 2)
            os.waitpid(pid, 0)
        times.append(timed(both))
    else:
        times.append(timed(lambda: share(0, 1)))
print(statistics.median(times))
"""


def bench_two_cores(points: int = 10_000_000, runs: int = 7) -> list[str]:
    """Where the second core's gain goes on the 2×2 sweep's blocks (no start-up, no summary):
    one process solving every block; two unrelated processes each doing so at once (do
    they slow each other down: memory bandwidth, shared cache?); the blocks split in two
    halves fixed in advance between this process and a forked one (no messages); and
    `--workers 2`'s map (`cli.forks.forked_map`). Medians of `runs`, each a fresh process."""
    side = int(round(points ** 0.5))
    vary = [f"re_dependence=0:20:{side}", f"hawk_cost=0:20:{side}"]

    def one(mode: str) -> float:
        script = BLOCKS_SCRIPT.format(root=str(ROOT), vary=vary, mode=mode, runs=runs)
        out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
        return float(out.stdout.split()[-1])

    def pair() -> list[float]:
        script = BLOCKS_SCRIPT.format(root=str(ROOT), vary=vary, mode="alone", runs=runs)
        procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) for _ in range(2)]
        return [float(p.communicate()[0].split()[-1]) for p in procs]

    before = _load()
    alone = one("alone")
    together = pair()
    halves = one("halves")
    executor = one("executor")
    return [
        f"the blocks of a {side * side:,}-point 2×2 sweep on two cores (medians of {runs}; load before {before}, after {_load()}):",
        f"  one process alone {alone:.3f} s; two unrelated processes at once {together[0]:.3f} s and {together[1]:.3f} s "
        f"({max(together) / alone:.2f}× alone)",
        f"  halves fixed in advance, this process and a forked one: {halves:.3f} s ({alone / halves:.2f}× faster than alone)",
        f"  --workers 2's map (this process and one forked, each taking the next task from a shared counter): {executor:.3f} s "
        f"({alone / executor:.2f}×)",
    ]


#: The other sweep kinds, each a few seconds with one worker: (what, arguments of `tradegame sweep`).
OTHER_SWEEP_KINDS = (
    ("graded game, 5 levels, 2-D grid of 40,000 points", ["--game", "graded", "--levels", "5", "--vary", "leverage=0:10:200",
                                                          "--vary", "hawk_cost=0:5:200"]),
    ("Monte Carlo sample of 10,000,000 draws (2×2)", ["--sample", "10000000", "--dist", "re_dependence=uniform:3:8",
                                                      "--dist", "hawk_cost=uniform:0:5", "--seed", "1"]),
    ("model file (brinkmanship.toml), 2-D grid of 9,998,244 points", [str(ROOT / "examples" / "models" / "brinkmanship.toml"),
                                                                      "--vary", "stake=0:20:3162", "--vary", "war=1:30:3162"]),
)


def _tiny(args: list[str]) -> list[str]:
    """The same sweep's arguments with every grid axis cut to 2 values and a sample to 4 draws."""
    out = []
    for i, arg in enumerate(args):
        if i and args[i - 1] == "--vary" and arg.count(":") == 2:
            arg = arg.rsplit(":", 1)[0] + ":2"
        elif i and args[i - 1] == "--sample":
            arg = "4"
        out.append(arg)
    return out


def _rest_of_command(args: list[str], fmt: str, out: str, runs: int) -> float:
    """Median wall time (inside the process, as bench_workers times it) of the command on a
    few points: the part of a sweep that does not grow with its points."""
    import statistics

    times = []
    for _ in range(runs):
        script = WORKERS_SCRIPT.format(root=str(ROOT), args=args, workers="1", fmt=fmt, out=out)
        done = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
        times.append(float(done.stdout.split()[-2]))
    return statistics.median(times)


def _ceiling(one_worker: float, rest: float) -> float:
    """Amdahl's bound on two cores: the rest runs once, the remainder is halved at best."""
    if rest >= one_worker:  # nothing left to share (or noise): no gain
        return 1.0
    return one_worker / (rest + (one_worker - rest) / 2)


def bench_workers_kinds(runs: int = 2) -> list[str]:
    """--workers 1 against 2 for the graded game, a Monte Carlo sample and a model file (text)."""
    lines = []
    for what, args in OTHER_SWEEP_KINDS:
        lines += bench_workers(0, ("text",), args, what, runs)
    return lines


GRADED_SCRIPT = PEAK_SNIPPET + """
import sys, time
sys.path.insert(0, {root!r})
from cli.app import main
sys.argv = ["tradegame", "sweep", "stockholm-2025", "--game", "graded", "--levels", "12", "--vary", "leverage=0:10:101"]
t = time.perf_counter()
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print(time.perf_counter() - t, _peak_mb(), file=sys.stderr)
"""


def bench_graded_sweep() -> list[str]:
    """The README's largest graded sweep through the CLI, in a fresh process."""
    out = subprocess.run([sys.executable, "-c", GRADED_SCRIPT.format(root=str(ROOT))], check=True, capture_output=True, text=True)
    seconds, mb = (float(v) for v in out.stderr.split()[-2:])
    return [
        f"graded sweep (stockholm-2025, 12 levels, leverage 0:10:101) in a fresh process: {seconds:.2f} s, "
        f"peak memory {mb:.0f} MB  target < 10 s, < 300 MB"
    ]


def bench_large_single(n: int, games: int, gambit: bool) -> list[str]:
    """Single n×n random games: vertex enumeration (Qhull with a certificate, else lexicographic
    pivoting) against Gambit's enummixed (when asked: Gambit takes seconds to minutes from
    12×12) and QuantEcon's vertex enumeration."""
    import pygambit as gbt

    from games.solvers.polytope_vertices import vertex_enumeration

    qe = _quantecon_vertex()
    rng = np.random.default_rng(200 + n)
    ours, theirs, quant, counts = [], [], [], []
    for _ in range(games):
        A, B = rng.normal(size=(n, n)), rng.normal(size=(n, n))
        ours.append(_timed(lambda: vertex_enumeration(A, B)))
        if gambit:
            theirs.append(_timed(lambda: gbt.nash.enummixed_solve(gbt.Game.from_arrays(A, B), rational=False)))
        if qe is not None:
            quant.append(_timed(lambda: qe(A, B)))
            counts.append((len(vertex_enumeration(A, B)), len(qe(A, B))))
    o = statistics.median(ours)
    extra = ""
    if qe is not None:
        q = statistics.median(quant)
        same = sum(a == b for a, b in counts)
        extra = (f"; QuantEcon vertex_enumeration (Qhull) {q:.3f} s, tradegame/QuantEcon = {o / q:.2f} "
                 f"(same number of equilibria in {same} of {len(counts)} games)")
    elif n >= 12:
        extra = " (QuantEcon not installed: not timed)"
    if not gambit:
        return [f"single {n}×{n} (median of {games} random games): tradegame {o:.3f} s{extra}  target < 1 s at 14×14"]
    t = statistics.median(theirs)
    return [
        f"single {n}×{n} (median of {games} random games): tradegame {o:.3f} s, Gambit enummixed {t:.2f} s, "
        f"Gambit/tradegame = {t / o:.0f}×{extra}  target ≥ 20× at 12×12"
    ]


def _quantecon_vertex():
    """QuantEcon's vertex enumeration (Qhull, output-sensitive) as f(A, B) -> equilibria, its
    JIT compilation paid beforehand; None when QuantEcon is not installed."""
    try:
        from quantecon.game_theory import NormalFormGame, Player, vertex_enumeration
    except ImportError:
        return None

    def run(A, B):
        return vertex_enumeration(NormalFormGame((Player(A), Player(B.T))))

    run(np.eye(3), np.eye(3))  # compile
    return run


def bench_batched(m: int, G: int, subset: int) -> list[str]:
    from games.sweeps import batch

    rng = np.random.default_rng(m)
    A = rng.normal(size=(G, m, m))
    B = rng.normal(size=(G, m, m))
    batch.equilibria(A[:100], B[:100])  # warm up
    t = _timed(lambda: batch.equilibria(A, B), repeat=3)
    g = min(_gambit_loop(A[:subset], B[:subset]) for _ in range(2))
    target = "target ≥ 10×" if m in (3, 4) else ""
    return [_line(f"batched {m}×{m} ({G:,} random games)", t / G, g, "Gambit loop", target)]


def bench_single(n: int, games: int) -> list[str]:
    import pygambit as gbt

    from games.solvers.polytope_vertices import vertex_enumeration

    rng = np.random.default_rng(100 + n)
    ours, theirs = [], []
    for _ in range(games):
        A = rng.normal(size=(n, n))
        B = rng.normal(size=(n, n))
        ours.append(_timed(lambda: vertex_enumeration(A, B)))
        theirs.append(_timed(lambda: gbt.nash.enummixed_solve(gbt.Game.from_arrays(A, B), rational=False)))
    o, t = statistics.median(ours), statistics.median(theirs)
    target = "target ≤ 2× Gambit" if n == 8 else ""
    return [
        f"single {n}×{n} (median of {games} random games): tradegame {o * 1e3:.1f} ms, Gambit enummixed {t * 1e3:.1f} ms, "
        f"tradegame/Gambit = {o / t:.2f}  {target}"
    ]


def bench_small_public(sizes=(2, 3, 4, 5), games: int = 200, passes: int = 5) -> list[str]:
    """Single small games through the public API — `solve(from_bimatrix(A, B))`, verified,
    de-duplicated, sorted — against Gambit's `enummixed_solve(Game.from_arrays(A, B))` (and
    the same with the Gambit game built beforehand) and nashpy's support enumeration, on
    the same random normal games; CPU time per game, best of interleaved passes.
    QuantEcon is timed too when it is installed."""
    import time
    import warnings

    import nashpy
    import pygambit as gbt

    from games import from_bimatrix, solve

    try:
        from quantecon.game_theory import NormalFormGame, Player, vertex_enumeration as qe_vertex
    except ImportError:
        qe_vertex = None

    def per_game(fn) -> float:
        start = time.process_time()
        fn()
        return (time.process_time() - start) / games

    lines = []
    for n in sizes:
        rng = np.random.default_rng(100 + n)
        pairs = [(rng.normal(size=(n, n)), rng.normal(size=(n, n))) for _ in range(games)]
        built = [gbt.Game.from_arrays(A, B) for A, B in pairs]
        runs = {
            "tradegame": lambda: [solve(from_bimatrix(A, B)) for A, B in pairs],
            "gambit": lambda: [gbt.nash.enummixed_solve(gbt.Game.from_arrays(A, B), rational=False) for A, B in pairs],
            "gambit, game pre-built": lambda: [gbt.nash.enummixed_solve(g, rational=False) for g in built],
            "nashpy": lambda: [list(nashpy.Game(A, B).support_enumeration()) for A, B in pairs],
        }
        if qe_vertex is not None:
            runs["quantecon"] = lambda: [qe_vertex(NormalFormGame((Player(A), Player(B.T)))) for A, B in pairs]
        best = {name: float("inf") for name in runs}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(passes):
                for name, fn in runs.items():
                    best[name] = min(best[name], per_game(fn))
        ours = best.pop("tradegame")
        others = ", ".join(f"{name} {t * 1e6:.0f} µs (×{ours / t:.2f})" for name, t in best.items())
        lines.append(f"single {n}×{n} via solve(from_bimatrix) ({games} games): tradegame {ours * 1e6:.0f} µs/game; "
                     f"tradegame/other: {others}  target ≤ 1 against gambit")
    if qe_vertex is None:
        lines.append("  (QuantEcon not installed: not timed)")
    return lines


NPLAYER_GAMBIT = """
import json, sys, time
import numpy as np
import pygambit as gbt
shape, seeds, kind, method = json.loads(sys.argv[1])
for seed in seeds:
    pays = _game(shape, seed, kind)
    G = gbt.Game.from_arrays(*pays)
    t = time.perf_counter()
    if method == "enumpoly":
        r = gbt.nash.enumpoly_solve(G, use_strategic=True)
    elif method == "gnm":
        r = gbt.nash.gnm_solve(G)
    else:
        r = gbt.nash.logit_solve(G)
    print(json.dumps([seed, time.perf_counter() - t, len(r.equilibria)]), flush=True)
"""

GAME_SOURCE = """
def _game(shape, seed, kind):
    rng = np.random.default_rng(seed)
    if kind == "int":
        return [rng.integers(-9, 10, size=shape).astype(float) for _ in shape]
    if kind == "01":
        return [rng.integers(0, 2, size=shape).astype(float) for _ in shape]
    return [rng.normal(size=shape) for _ in shape]
"""


def _nplayer_game(shape, seed, kind):
    ns: dict = {"np": np}
    exec(GAME_SOURCE, ns)  # the same generator the Gambit child process uses
    return ns["_game"](tuple(shape), seed, kind)


def _gambit_child(shape, seeds, kind, method, timeout: float) -> dict[int, tuple[float, int]]:
    """Gambit's times per game, run in a child process (enumpoly can run for minutes on
    games with ties); games not reached before ``timeout`` are missing from the result."""
    import json

    code = "import numpy as np\n" + GAME_SOURCE + NPLAYER_GAMBIT
    proc = subprocess.Popen([sys.executable, "-c", code, json.dumps([list(shape), list(seeds), kind, method])],
                            stdout=subprocess.PIPE, text=True)
    out: dict[int, tuple[float, int]] = {}
    try:
        stdout, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, _ = proc.communicate()
    for line in stdout.splitlines():
        seed, t, n = json.loads(line)
        out[seed] = (t, n)
    return out


def _ms(seconds: float) -> str:
    """Milliseconds, with two decimals below 1 ms, one below 10 ms."""
    if seconds < 0.001:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e3:.1f} ms" if seconds < 0.01 else f"{seconds * 1e3:.0f} ms"


def bench_nplayer_all(shape, games: int, kind: str, timeout: float) -> list[str]:
    """Every equilibrium: tradegame's polynomial support enumeration against enumpoly_solve."""
    from games.forms.normal_form import NormalFormGame
    from games.solvers.polynomial_enumeration import all_equilibria

    ours, counts, incomplete = [], [], 0
    for seed in range(games):
        pays = _nplayer_game(shape, seed, kind)
        g = NormalFormGame("bench", tuple(f"P{i}" for i in range(len(shape))),
                           tuple(tuple(f"s{j}" for j in range(k)) for k in shape), tuple(pays))
        t = time.perf_counter()
        found = all_equilibria(g)
        ours.append(time.perf_counter() - t)
        counts.append(len(found.equilibria))
        incomplete += not found.complete
    theirs = _gambit_child(shape, range(games), kind, "enumpoly", timeout)
    done = sorted(theirs)
    label = "×".join(map(str, shape)) + {"int": " integer payoffs in ±9", "01": " payoffs in {0, 1}"}.get(kind, " normal payoffs")
    line = f"all equilibria, {label} ({games} games): tradegame median {_ms(statistics.median(ours))}"
    if incomplete:
        line += f" ({incomplete} reported incomplete)"
    if done:
        gt = statistics.median(theirs[s][0] for s in done)
        mine = statistics.median(ours[s] for s in done)
        line += (f", Gambit enumpoly median {_ms(gt)} over the {len(done)} it finished within {timeout:.0f} s"
                 f" (tradegame on the same: median {_ms(mine)}, {mine / gt:.2f}× Gambit's time)")
        fewer = sum(theirs[s][1] < counts[s] for s in done)
        line += f"; Gambit listed fewer equilibria than tradegame in {fewer} of those"
    else:
        line += f", Gambit enumpoly finished none within {timeout:.0f} s"
    return [line]


def bench_nplayer_cpu(shape, games: int, reps: int) -> list[str]:
    """Every equilibrium, processor time, Gambit in this process: for each game tradegame's
    `all_equilibria` and Gambit's `enumpoly_solve` take turns, best of ``reps`` each (so
    load drifts hit both alike); medians over the games. Normal payoffs only (Gambit can
    run for minutes on games with ties, and this has no time limit)."""
    import pygambit as gbt

    from games.forms.normal_form import NormalFormGame
    from games.solvers.polynomial_enumeration import all_equilibria

    ours, theirs = [], []
    for seed in range(games):
        pays = _nplayer_game(shape, seed, "float")
        g = NormalFormGame("bench", tuple(f"P{i}" for i in range(len(shape))),
                           tuple(tuple(f"s{j}" for j in range(k)) for k in shape), tuple(pays))
        G = gbt.Game.from_arrays(*pays)
        a, b = [], []
        for _ in range(reps):
            t = time.process_time()
            all_equilibria(g)
            a.append(time.process_time() - t)
            t = time.process_time()
            gbt.nash.enumpoly_solve(G, use_strategic=True)
            b.append(time.process_time() - t)
        ours.append(min(a))
        theirs.append(min(b))
    mine, gt = statistics.median(ours), statistics.median(theirs)
    per_game = ", ".join(f"{x / y:.2f}" for x, y in zip(ours, theirs))
    label = "×".join(map(str, shape))
    return [f"all equilibria, {label} normal payoffs ({games} games), processor time, best of {reps}: tradegame median "
            f"{_ms(mine)}, Gambit enumpoly median {_ms(gt)}, {mine / gt:.2f}× Gambit's time "
            f"(game by game: {per_game}); target ≤ 1"]


def bench_nplayer_one(shape, games: int, timeout: float) -> list[str]:
    """One equilibrium: tradegame's N-player logit path against Gambit's logit and gnm."""
    from games.solvers.logit_tracing import trace_logit
    from games.forms.normal_form import NormalFormGame

    ours = []
    for seed in range(games):
        pays = _nplayer_game(shape, seed, "float")
        g = NormalFormGame("bench", tuple(f"P{i}" for i in range(len(shape))),
                           tuple(tuple(f"s{j}" for j in range(k)) for k in shape), tuple(pays))
        t = time.perf_counter()
        path = trace_logit(g)
        ours.append(time.perf_counter() - t)
        assert path.nash is not None
    label = "×".join(map(str, shape))
    line = f"one equilibrium, {label} ({games} normal games): tradegame logit median {statistics.median(ours):.2f} s"
    for method in ("logit", "gnm"):
        theirs = _gambit_child(shape, range(games), "float", method, timeout)
        if theirs:
            found = sum(n > 0 for _, n in theirs.values())
            line += (f"; Gambit {method} median {statistics.median(t for t, _ in theirs.values()):.2f} s "
                     f"({found} of {len(theirs)} with an equilibrium)")
        else:
            line += f"; Gambit {method} finished none within {timeout:.0f} s"
    return [line]


def _startup_env(cached_bytecode: bool, cache_dir: str) -> dict[str, str]:
    """The environment for the start-up runs: the repository on the path, and bytecode either
    cached (as after any normal install: pip compiles, Python writes __pycache__) in a
    scratch folder, or never written (PYTHONDONTWRITEBYTECODE=1: every module compiled at
    every start, as in some containers)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if cached_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache_dir
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _interleaved_medians(cases: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, float]:
    """Median wall time of each command, the commands taking turns so load drifts hit all alike."""
    times: dict[str, list[float]] = {k: [] for k in cases}
    for cmd, env in cases.values():  # warm-up: disk cache, bytecode cache
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(runs):
        for name, (cmd, env) in cases.items():
            t = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


def bench_startup(runs: int) -> list[str]:
    import tempfile

    solve = [sys.executable, "-c", "import sys; from cli.app import main; sys.argv = ['tradegame', 'solve']; main()"]
    numpy = [sys.executable, "-c", "import numpy"]
    with tempfile.TemporaryDirectory() as cache:
        cached, uncached = _startup_env(True, cache), _startup_env(False, cache)
        m = _interleaved_medians(
            {"numpy": (numpy, cached), "solve": (solve, cached), "solve, no bytecode cache": (solve, uncached)}, runs
        )
    n = m["numpy"]
    import typer

    return [
        f"start-up (median of {runs}, interleaved; typer {typer.__version__}): `tradegame solve` {m['solve'] * 1e3:.0f} ms, "
        f"`python -c \"import numpy\"` {n * 1e3:.0f} ms, ratio {m['solve'] / n:.2f}×  target ≤ 3×",
        f"  same without a bytecode cache (PYTHONDONTWRITEBYTECODE=1, modules compiled at every start): "
        f"{m['solve, no bytecode cache'] * 1e3:.0f} ms, ratio {m['solve, no bytecode cache'] / n:.2f}×",
    ]


MEMORY_SCRIPT = PEAK_SNIPPET + """
import sys, time
sys.path.insert(0, {root!r})
from games.sweeps import sweep
from games.model.scenarios import load
spec = sweep.make_spec(dict(load("baseline").parameters), vary=["re_dependence=0:20:3163", "hawk_cost=0:20:3163"])
t = time.perf_counter()
result = sweep.run(spec)
t = time.perf_counter() - t
print(spec.n_points, t, _peak_mb())
"""


def bench_memory() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT.format(root=str(ROOT))], check=True, capture_output=True, text=True
    ).stdout.split()
    points, seconds, mb = int(out[0]), float(out[1]), float(out[2])
    return [
        f"10-million-point 2×2 sweep in a fresh process: {points:,} points in {seconds:.2f} s, "
        f"peak resident memory {mb:.0f} MB (the process's own VmHWM; target well under 2 GB)"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="larger samples (slower, steadier figures)")
    parser.add_argument("--nplayer", action="store_true", help="only the N-player sections")
    parser.add_argument("--small", action="store_true", help="only single small games (2×2 to 5×5) through the public API")
    parser.add_argument("--nplayer-all", action="store_true",
                        help="only the every-equilibrium N-player sections (a few minutes)")
    parser.add_argument("--nplayer-one", action="store_true",
                        help="only the one-equilibrium N-player sections (logit against Gambit's logit and gnm)")
    parser.add_argument("--nplayer-2x2x2", action="store_true",
                        help="only the every-equilibrium rows of 2×2×2 games (wall and processor time)")
    parser.add_argument("--workers", action="store_true",
                        help="only the --workers 1 against 2 sections (2×2 grids, then graded, sample and model file)")
    parser.add_argument("--runs", type=int, default=2, metavar="N",
                        help="with --workers: runs of each case, taking turns (the median is reported; default 2)")
    args = parser.parse_args()
    try:
        import pygambit  # noqa: F401
    except ImportError:
        sys.exit("benchmarks need pygambit (pip install 'tradegame[oracle]')")
    full = args.full
    import pygambit
    import nashpy

    print(f"tradegame benchmarks ({'full' if full else 'quick'}); Python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"pygambit {pygambit.__version__}, nashpy {nashpy.__version__}, {os.cpu_count()} CPUs; one process, one core.")
    print()
    sections = [
        lambda: bench_2x2_sweep(10_000_000 if full else 1_000_000, 5_000 if full else 1_000, 1_000 if full else 200),
        lambda: bench_model_file_sweep(10_000_000 if full else 1_000_000),
        lambda: bench_batched(3, 50_000 if full else 10_000, 1_000 if full else 200),
        lambda: bench_batched(4, 20_000 if full else 5_000, 500 if full else 100),
        lambda: bench_batched(5, 5_000 if full else 1_000, 200 if full else 50),
        bench_small_public,
        lambda: bench_single(5, 21 if full else 5),
        lambda: bench_single(8, 11 if full else 5),
        lambda: bench_single(10, 5 if full else 3),
        lambda: bench_startup(21 if full else 11),
        bench_memory,
        lambda: bench_2x2_kernel(10_000_000 if full else 1_000_000),
        lambda: bench_sweep_output(1_000_000),
        lambda: bench_workers(10_000_000, ("text", "csv", "json") if full else ("text",)),
        lambda: bench_workers(1_000_000, ("csv", "json")),
        bench_graded_sweep,
        lambda: bench_large_single(12, 3 if full else 1, gambit=True),
        lambda: bench_large_single(14, 3, gambit=False),
    ]
    nplayer_all = [
        lambda: bench_nplayer_all((2, 2, 2), 20 if full else 10, "float", 60),
        lambda: bench_nplayer_all((3, 3, 3), 10 if full else 5, "float", 120),
        lambda: bench_nplayer_all((2, 2, 2, 2), 10 if full else 5, "float", 120),
        lambda: bench_nplayer_all((3, 3, 3), 10 if full else 5, "int", 120),
        lambda: bench_nplayer_all((3, 3, 3), 10 if full else 5, "01", 60),
        lambda: bench_nplayer_cpu((2, 2, 2), 20 if full else 10, 7),
        lambda: bench_nplayer_cpu((3, 3, 3), 10 if full else 5, 5),
        lambda: bench_nplayer_cpu((2, 2, 2, 2), 20 if full else 10, 7),
    ]
    nplayer_one = [
        lambda: bench_nplayer_one((5, 5, 5, 5, 5), 5 if full else 3, 300),
        lambda: bench_nplayer_one((20, 20, 20), 5 if full else 3, 300),
    ]
    nplayer = nplayer_all + nplayer_one
    workers = [
        lambda: bench_workers(10_000_000, ("text", "csv", "json") if full else ("text",), runs=args.runs),
        lambda: bench_workers(1_000_000, ("csv", "json"), runs=args.runs),
        lambda: bench_workers_kinds(args.runs),
        lambda: bench_two_cores(runs=args.runs),
    ]
    sections = (nplayer_all if args.nplayer_all else nplayer_one if args.nplayer_one
                else nplayer if args.nplayer else sections + nplayer)
    if args.nplayer_2x2x2:
        sections = [nplayer_all[0], nplayer_all[5]]
    elif args.small:
        sections = [bench_small_public]
    elif args.workers:
        sections = workers
    for section in sections:
        for line in section():
            print(line, flush=True)


if __name__ == "__main__":
    main()
