"""`tradegame sweep`: solve a scenario over a grid or a Monte Carlo sample of parameters.

The app registers the command with ``register(app)``. Work is done by `games.sweeps.sweep`;
this module parses options, shows a progress bar on a terminal, renders the summary
(text), the per-point table (CSV) or both (JSON), and writes files atomically.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, List, Optional, TextIO

import typer

if TYPE_CHECKING:
    from cli.sweep_spool import RowStore

FORMATS = ("text", "csv", "json")
#: Work (points × candidate bases per game, `games.sweeps.sweep.work`) from which a progress bar is
#: shown when stderr is a terminal: 500,000 points of the 2×2 game, 12,000 of the 5-level
#: graded game, 16 of the 10-level one — runs of a few seconds or more.
PROGRESS_MIN_WORK = 3_000_000
#: Points per block when writing CSV / JSON rows.
ROW_BLOCK = 10_000
#: --workers may be at most this many times the machine's cores (os.cpu_count()): more
#: processes than that only add start-up time and memory.
WORKERS_PER_CORE = 4
#: Free heap (bytes) glibc keeps, rather than returning it to the system, while a sweep runs:
#: each block's temporaries then reuse the previous block's pages instead of faulting in
#: fresh ones (a 2 M-point 1-D sweep: about 79,000 page faults without, 8,000 with).
#: Pages are only kept once a block has used them.
HEAP_TOP_PAD = 64 << 20
#: Allocations up to this size come from that heap rather than from mappings of their own
#: (a block's CSV / JSON text is a few megabytes): a 1 M-point JSON sweep 180,000 page
#: faults without, 62,000 with. glibc's own ceiling for the setting.
HEAP_MMAP_THRESHOLD = 32 << 20

HELP = """Solve a scenario over a grid or a random sample of parameters and map the regimes.

A regime is which pure outcomes are equilibria at a point: "deal only", "conflict only",
"both" (deal and conflict), "mixed only", or others joined with "+". Text output is the
regime summary (shares and, for one parameter, the exact values where the regime
changes); csv lists every point; json has both.

Examples:

  tradegame sweep --vary re_dependence=0:10:101

  tradegame sweep stockholm-2025 --vary re_dependence=0:10:101 --vary hawk_cost=0:5:51 --plot map.png

  tradegame sweep --sample 100000 --dist re_dependence=uniform:3:8 --seed 1

  tradegame sweep --game graded --levels 5 --vary leverage=0:10:41 --format csv -o sweep.csv

  tradegame sweep --game package --with purchases --vary purchase_cost_cn=0:2:41
"""


def keep_heap_between_blocks() -> None:
    """Ask glibc's allocator to keep HEAP_TOP_PAD of freed heap and to serve blocks up to
    HEAP_MMAP_THRESHOLD from it (mallopt M_TOP_PAD, M_MMAP_THRESHOLD); worker processes
    forked afterwards inherit both. Nothing elsewhere (another C library), or when the user
    set either through glibc's environment variables themselves."""
    if "MALLOC_TOP_PAD_" in os.environ or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-2, HEAP_TOP_PAD)  # M_TOP_PAD in glibc's malloc.h
        libc.mallopt(-3, HEAP_MMAP_THRESHOLD)  # M_MMAP_THRESHOLD
    except (ValueError, OSError, AttributeError):  # no such name, no glibc, no mallopt
        return


def max_workers() -> int:
    """The largest --workers accepted: WORKERS_PER_CORE × the machine's cores."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


def _fail(message: str, code: int) -> None:
    from cli.app import _fail as fail

    fail(message, code)


def register(app: typer.Typer) -> None:
    """Add the `sweep` command to the tradegame app."""

    @app.command(help=HELP, short_help="Solve over a grid or sample of parameters; map the regimes.")
    def sweep(
        target: Optional[str] = typer.Argument(
            None, help="Built-in scenario name or a scenario .toml. Default: baseline.", show_default=False
        ),
        vary: Optional[List[str]] = typer.Option(
            None, "--vary", metavar="NAME=START:STOP:COUNT",
            help="Vary a parameter on a grid (once or twice), e.g. re_dependence=0:10:101.",
        ),
        sample: Optional[int] = typer.Option(None, "--sample", metavar="N", help="Monte Carlo: draw N points from --dist."),
        dist: Optional[List[str]] = typer.Option(
            None, "--dist", metavar="NAME=KIND:ARGS",
            help="Distribution for --sample: uniform:A:B, normal:MU:SIGMA (clipped to the valid range), triangular:A:MODE:B.",
        ),
        seed: Optional[int] = typer.Option(None, "--seed", help="Random seed for --sample (reproducible draws)."),
        set_: Optional[List[str]] = typer.Option(
            None, "--set", metavar="NAME=VALUE", help="Fix a parameter for the whole sweep (repeatable)."
        ),
        game: str = typer.Option("simultaneous", "--game", metavar="FORM", help="simultaneous (2×2) or graded."),
        levels: int = typer.Option(5, "--levels", help="Openness levels per side in the graded game (2–101)."),
        fmt: str = typer.Option("text", "--format", "-f", help="text (summary), csv (every point) or json (both)."),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
        force: bool = typer.Option(False, "--force", help="Overwrite --output or --plot files that exist."),
        plot: Optional[Path] = typer.Option(None, "--plot", metavar="FILE.png", help="Draw the regime map (needs matplotlib)."),
        workers: int = typer.Option(1, "--workers", help="Solve blocks in N local processes, this one and N-1 started (or N Dask workers with --dask local); "
            "at most 4 per CPU core."),
        dask: Optional[str] = typer.Option(
            None, "--dask", metavar="ADDRESS", help="Run blocks on a Dask cluster (scheduler address, or 'local')."
        ),
        with_: Optional[List[str]] = typer.Option(
            None, "--with", metavar="INSTRUMENT",
            help="Put an optional instrument in the package form (repeatable or comma-separated), e.g. --with purchases.",
        ),
    ) -> None:
        from games.errors import InputError, SolverError

        from cli.package_view import parse_with

        try:
            run_sweep(target, vary or [], sample, dist or [], seed, set_ or [], game, levels, fmt, output, force, plot, workers, dask,
                      parse_with(with_))
        except InputError as exc:
            _fail(str(exc), 2)
        except SolverError as exc:
            _fail(str(exc), 1)


def run_sweep(
    target: str | None,
    vary: list[str],
    sample: int | None,
    dists: list[str],
    seed: int | None,
    sets: list[str],
    game: str,
    levels: int,
    fmt: str,
    output: Path | None,
    force: bool,
    plot: Path | None,
    workers: int,
    dask: str | None,
    instruments: tuple[str, ...] = (),
) -> None:
    """Check every option, run the sweep, then write the output and the plot."""
    from games.sweeps import sweep as sw
    from games.errors import InputError
    from games.model.scenarios import load, parse_assignments

    from cli.option_rules import check_command

    from cli.package_view import check_with

    check_command("sweep", target, game)
    check_with(instruments, game)
    if fmt not in FORMATS:
        raise InputError(f"option --format: expected one of {', '.join(FORMATS)}, got '{fmt}'")
    if not 1 <= workers <= max_workers():
        raise InputError(
            f"option --workers: expected a whole number from 1 to {max_workers()} "
            f"({WORKERS_PER_CORE} per core, {os.cpu_count() or 1} cores here), got {workers}"
        )
    if target and Path(target).suffix.lower() in (".nfg", ".efg"):
        raise InputError(f"argument TARGET: sweeps vary scenario parameters; {target} is a game file, not a scenario")
    _check_destination(output, force, "--output")
    _check_destination(plot, force, "--plot")
    if output is not None and plot is not None and _same_file(output, plot):
        # the summary would be written there, then refused (or, with --force, overwritten) by the picture
        raise InputError(f"option --plot: {plot} is also the --output file; give the picture a name of its own")
    if plot is not None:
        _require_matplotlib()
        from cli.sweep_plot import picture_format

        picture_format(plot)
    scenario = load(target)
    values = parse_assignments(sets, model=scenario.model, package=game.startswith("package"))
    if values:
        scenario = scenario.with_values(values)
    if game.startswith("package"):  # the package form is a model file's: the trade model's with its tariffs
        from cli.package_view import package_scenario

        scenario = package_scenario(scenario, instruments)
    scenario, game = added_player_form(scenario, game)
    spec = sw.make_spec(scenario.parameters, game, levels, vary, sample, dists, seed, model=scenario.model)
    if game.startswith("package"):
        idle = sorted(set(spec.names) & scenario.model.idle_parameters())
        if idle:
            needs = ", ".join(sorted(scenario.model.optional_uses[idle[0]]))
            option = "--dist" if sample is not None else "--vary"
            raise InputError(f"option {option}: parameter '{idle[0]}' enters the package form only with --with {needs}")
    clash = set(values) & set(spec.names)
    if clash:
        raise InputError(f"option --set: '{sorted(clash)[0]}' is also varied; drop one of --set and --vary/--dist")
    # rows are formatted block by block where each block is solved (in the worker processes
    # with --workers), and written in point order as they come
    keep_heap_between_blocks()
    from cli.sweep_spool import RowStore

    with _sigterm_as_exit():
        with _worker_spools(fmt, workers, dask) as spools:
            formatter = _formatter(fmt, spec, spools) if fmt in ("csv", "json") else None
            if fmt == "csv" and output is not None:  # the header needs no results: rows go straight into the file
                with atomic_file(output, force) as fh:
                    fh.write(csv_header(spec))
                    fh.flush()
                    with RowStore(out=fh.buffer) as store, _mapper(workers, dask) as mapper, _progress(spec) as progress:
                        result = sw.run(spec, progress=progress, mapper=mapper, rows=formatter, sink=store)
            else:
                with RowStore(b",\n  " if fmt == "json" else b"") as store:
                    with _mapper(workers, dask) as mapper, _progress(spec) as progress:
                        result = sw.run(spec, progress=progress, mapper=mapper, rows=formatter, sink=store if formatter else None)
                    writer = {"text": write_text, "csv": write_csv, "json": write_json}[fmt]
                    if output is None:
                        writer(result, scenario, sys.stdout, store)
                    else:
                        with atomic_file(output, force) as fh:
                            writer(result, scenario, fh, store)
        if plot is not None:
            from cli import sweep_plot

            sweep_plot.save(result, plot, force)


@contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """While the sweep runs and its files are written, SIGTERM (`kill`, `timeout`, a job
    scheduler) ends the command as an error would (SystemExit, status 143), so the worker
    processes are stopped and the worker spool directory and the temporary output file are
    removed instead of left behind. Only where SIGTERM still has its default action, in the
    main thread."""
    import signal
    import threading

    if not hasattr(signal, "SIGTERM") or threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


# ---------------------------------------------------------------- files
def _same_file(a: Path, b: Path) -> bool:
    """Do two paths name one file (the same path once resolved, or one existing file)?"""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _check_destination(path: Path | None, force: bool, option: str) -> None:
    from cli.outfiles import check_output

    if path is not None:
        check_output(path, force, option)


@contextmanager
def atomic_file(path: Path, force: bool, option: str = "--output", mode: str = "w") -> Iterator[TextIO]:
    """A temporary file that becomes path when complete (cli.outfiles: regular files only)."""
    from cli.outfiles import open_output

    with open_output(path, force, option, binary="b" in mode) as fh:
        yield fh


def _require_matplotlib() -> None:
    from games.errors import InputError

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InputError(
            "option --plot: needs matplotlib, which is not installed (pip install 'tradegame[plot]')"
        ) from None


def _formatter(fmt: str, spec, spools: str | None = None) -> Callable[..., bytes]:
    """The block formatter of csv / json rows (the trade model's, or a model file's with its
    own labels and players), giving UTF-8 bytes; with ``spools`` (a directory: local worker
    processes), each task's rows stay in the spool file of the process that formatted them."""
    from cli import sweep_rows
    from cli.sweep_spool import SpooledRows

    if spec.model is not None:
        rows = Utf8Rows(sweep_rows.model_csv_rows if fmt == "csv" else sweep_rows.model_json_rows)
    else:
        rows = Utf8Rows(sweep_rows.csv_rows if fmt == "csv" else sweep_rows.json_rows)
    return rows if spools is None else SpooledRows(rows, spools)


@dataclass(frozen=True)
class Utf8Rows:
    """A row formatter whose text comes back as UTF-8 bytes, encoded where the block is
    formatted (in the worker process with --workers): bytes cross between processes as they
    are and go to the file as they are, with no decoding and encoding again in this one."""

    formatter: Callable

    def __call__(self, *args) -> bytes:
        return self.formatter(*args).encode("utf-8")

    @property
    def joiner(self) -> bytes:
        return getattr(self.formatter, "joiner", "").encode("utf-8")

    @property
    def needs_spec(self) -> bool:
        return getattr(self.formatter, "needs_spec", False)


@contextmanager
def _worker_spools(fmt: str, workers: int, dask: str | None) -> Iterator[str | None]:
    """A temporary directory for the spool files of csv / json rows formatted by local worker
    processes (`cli.sweep_spool`), removed afterwards; None with one process or Dask (whose
    workers may not share this machine's files)."""
    if fmt not in ("csv", "json") or workers == 1 or dask is not None:
        yield None
        return
    import shutil
    import tempfile

    from cli.sweep_spool import close_spools, spool_error

    try:
        directory = tempfile.mkdtemp(prefix="tradegame-rows-")
    except OSError as exc:
        raise spool_error(tempfile.gettempdir(), exc) from None
    try:
        yield directory
    finally:
        close_spools(directory)
        shutil.rmtree(directory, ignore_errors=True)


# ---------------------------------------------------------------- parallel runs and progress
@contextmanager
def _mapper(workers: int, dask: str | None) -> Iterator[Callable | None]:
    """A map function running blocks locally, in processes, or on Dask (imported lazily)."""
    from games.errors import InputError, clip

    if dask is None:
        if workers == 1:
            yield None
            return
        yield _local_processes(workers)
        return
    import tempfile

    try:
        import dask as dask_config
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError("option --dask: needs dask.distributed, which is not installed (pip install 'dask[distributed]')") from None
    with ExitStack() as stack:
        try:
            if dask == "local":
                # the cluster's spill folders go to a temporary folder removed afterwards,
                # not to a dask-scratch-space folder left behind among the temporary files
                scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="tradegame-dask-", ignore_cleanup_errors=True))
                stack.enter_context(dask_config.config.set({"temporary-directory": scratch}))
                cluster = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True))
                client = stack.enter_context(Client(cluster))
            else:
                client = stack.enter_context(Client(dask, timeout=10))
        except OSError as exc:
            raise InputError(f"option --dask: cannot reach the Dask scheduler at {clip(dask)} ({exc})") from None
        except (ValueError, TypeError) as exc:  # not an address at all: distributed's parser says why
            raise InputError(
                f"option --dask: expected 'local' or a scheduler address such as tcp://127.0.0.1:8786, "
                f"got '{clip(dask)}' ({clip(str(exc), 200)})"
            ) from None

        def dask_map(fn, tasks):
            futures = client.map(fn, list(tasks), pure=False)
            for future in as_completed(futures):
                yield future.result()

        yield dask_map


def _local_processes(workers: int) -> Callable:
    """A map over `workers` local processes: this one and workers - 1 started for each call.

    Where processes can be forked, they are forked when the map is called, so they inherit
    what the sweep registered just before (`games.sweeps.sweep._INHERITED`: its design and
    samples are not sent with every task); elsewhere the platform's default start method
    is used and tasks carry their own values."""
    import multiprocessing

    forking = "fork" in multiprocessing.get_all_start_methods()

    def local_map(fn, tasks):
        if forking:  # one shared counter, no queues (cli.forks.forked_map)
            from cli.forks import forked_map

            yield from forked_map(fn, tasks, workers)
            return
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers - 1) as pool:
            yield from _shared(pool, fn, tasks, 2 * (workers - 1))

    local_map.forks_after_call = forking
    return local_map


def _shared(pool, fn, tasks, ahead: int):
    """fn over tasks, shared between the pool's processes and this one: a task goes to the
    pool while fewer than `ahead` wait there, otherwise this process solves it itself, so N
    workers are N - 1 started processes and this one (none started for nothing, and no
    results of this process's share sent between processes). Results come as they are
    ready, not in task order (`games.sweeps.sweep.run` puts each in its place); at most
    `ahead` tasks are submitted and not yet collected (each holds its points' values, so
    memory does not grow with the sweep)."""
    from collections import deque

    queue: deque = deque()
    for task in tasks:
        while queue and queue[0].done():
            yield queue.popleft().result()
        if len(queue) < ahead:
            queue.append(pool.submit(fn, task))
        else:
            yield fn(task)
    while queue:
        yield queue.popleft().result()


@contextmanager
def _progress(spec) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr for long runs, only when stderr is a terminal."""
    from games.sweeps.sweep import work

    if not sys.stderr.isatty() or work(spec) < PROGRESS_MIN_WORK:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("solving"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,} points"),
        TimeRemainingColumn(), console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task("sweep", total=spec.n_points)
        yield lambda done, total: bar.update(task, completed=done)


# ---------------------------------------------------------------- renderers
def _design_lines(result) -> list[str]:
    spec = result.spec
    if spec.is_grid:
        return [f"  {a.name}: {a.values[0]:g} to {a.values[-1]:g}, {len(a.values):,} values" for a in spec.axes]
    seed = "" if spec.seed is None else f", seed {spec.seed}"
    return [f"  {d.name} ~ {d.describe()}{seed}" for d in spec.distributions]


def summary_data(result, scenario) -> dict:
    """The JSON-ready summary: what was swept, regimes with shares, boundaries."""
    spec = result.spec
    INCENTIVE_WORDS = spec.incentive_words
    return {
        "scenario": scenario.name,
        "game": spec.form,
        "levels": spec.levels if spec.form == "graded" else 2,
        "method": result.method,
        "points": spec.n_points,
        "design": (
            {"grid": [{"parameter": a.name, "start": float(a.values[0]), "stop": float(a.values[-1]), "count": len(a.values)} for a in spec.axes]}
            if spec.is_grid
            else {"sample": spec.n_points, "seed": spec.seed,
                  "distributions": [{"parameter": d.name, "kind": d.kind, "args": list(d.args)} for d in spec.distributions]}
        ),
        "regimes": [
            {"regime": r.label, "count": r.count, "share": r.share, "ci95": list(r.ci95)} for r in result.regimes
        ],
        "boundaries": [
            {"parameter": b.parameter, "value": b.value, "below": b.below, "above": b.above, "at": b.at,
             "exact": b.exact, "incentives": list(b.incentives), "bracket": list(b.bracket) if b.bracket else None}
            for b in result.boundaries
        ],
        "boundary_curves": [
            {"parameters": list(c.parameters), "incentive": c.incentive, "incentive_words": INCENTIVE_WORDS[c.incentive],
             "equation": c.equation, "coefficients": list(c.coefficients),
             "coefficients_meaning": "c0 + c1·a + c2·b + c3·a·b = 0 with (a, b) the parameters",
             "sides": [{"negative": neg, "positive": pos} for neg, pos in c.sides]}
            for c in result.curves
        ],
    }


def added_player_form(scenario, game: str):
    """(scenario, form) to sweep: a model file's own form that adds players or terms
    ([forms.NAME] with players, define or payoffs) is the simultaneous game of the bigger
    model it makes, swept like any model's; anything else is returned as it is."""
    from dataclasses import replace

    model = scenario.model
    own = None if model is None else model.forms.get(game)
    if own is None or own.model is None:
        return scenario, game
    return replace(scenario, model=own.model), "simultaneous"


def _end_regimes(result) -> str:
    """Where a one-parameter grid's regimes differ with no boundary inside the range: at
    single points (its ends, or a value where a player is exactly indifferent and both
    sides agree), e.g. '(A) + (B) holds only at x = 0'."""
    from games.sweeps.sweep import regime_label

    import numpy as np

    from games.sweeps.sweep import line_axis

    axis, codes, names = line_axis(result.spec), np.asarray(result.codes), result.spec.outcome_names
    changed = codes[1:] != codes[:-1]  # alone: differs from each neighbour it has
    alone = np.concatenate([[True], changed]) & np.concatenate([changed, [True]])
    points: dict[str, list[str]] = {}
    for i in np.nonzero(alone)[0]:
        points.setdefault(regime_label(int(codes[i]), names), []).append(f"{float(axis.values[i]):.10g}")
    said = [f"{label} holds only at {axis.name} = {', '.join(values)}" for label, values in points.items()]
    return "; ".join(said) or "the regimes differ only at single grid points"


def _lone_ends(result) -> list[str]:
    """For a one-parameter grid with boundaries: each end of the range whose regime holds
    there alone (a player exactly indifferent at the end), which no boundary accounts for,
    e.g. '(A) + (B) holds only at the end, x = 2'."""
    from games.sweeps.sweep import line_axis, regime_label

    axis, codes, names = line_axis(result.spec), result.codes, result.spec.outcome_names
    if len(codes) < 2:
        return []
    said = []
    for end, near in ((0, 1), (len(codes) - 1, len(codes) - 2)):
        label = regime_label(int(codes[end]), names)
        if label == regime_label(int(codes[near]), names):
            continue
        lo, hi = sorted((float(axis.values[end]), float(axis.values[near])))
        if any(lo < b.value < hi for b in result.boundaries):
            continue
        said.append(f"{label} holds only at the end, {axis.name} = {float(axis.values[end]):.10g}")
    return said


def summary_text(result, scenario) -> str:
    from games.sweeps.sweep import curves_solvable, line_axis

    spec = result.spec
    INCENTIVE_WORDS = spec.incentive_words
    form = "simultaneous 2×2 game" if spec.form == "simultaneous" else f"graded game, {spec.levels} levels"
    if spec.model is not None:
        form = f"{spec.form} {'×'.join(map(str, spec.game_shape))} game of model {spec.model.name}"
    kind = "grid" if spec.is_grid else "Monte Carlo sample"
    lines = [f"Sweep of {scenario.name} ({form}): {spec.n_points:,} points, {kind}"]
    lines += _design_lines(result)
    lines.append(f"Method: {result.method}; every equilibrium verified.")
    lines.append("")
    lines.append("Regimes:")
    width = max(len(r.label) for r in result.regimes)
    for r in result.regimes:
        ci = "" if spec.is_grid else f"  (95% CI {r.ci95[0]:.1%}–{r.ci95[1]:.1%})"
        lines.append(f"  {r.label.ljust(width)}  {r.share:7.2%}  {r.count:>12,} points{ci}")
    if line_axis(spec) is not None:  # one parameter varies (a second may be fixed at one value)
        lines.append("")
        if not result.boundaries and len(result.regimes) > 1:
            lines.append("Boundaries: none inside the range; " + _end_regimes(result) + ".")
        elif not result.boundaries:
            lines.append("Boundaries: none; the regime is the same across the range.")
        else:
            exact = all(b.exact for b in result.boundaries)
            lines.append("Boundaries:" + ("" if exact else " (bisected between grid points)"))
            for b in result.boundaries:
                why = f"; there {' and '.join(INCENTIVE_WORDS[i] for i in b.incentives)} crosses 0" if b.incentives else ""
                at = f" (exactly at it: {b.at})" if b.at and b.at not in (b.below, b.above) else ""
                value = f"{b.value:.10g}" if b.exact else f"{b.value:.7g}"  # bisection stops at 1e-7 relative
                lines.append(f"  {b.parameter} = {value}: {b.below} below, {b.above} above{at}{why}")
            lines += [f"  {said}." for said in _lone_ends(result)]
    elif spec.is_grid and spec.closed_form:
        lines.append("")
        if not result.curves and len(result.regimes) == 1:
            lines.append("Boundaries: none inside the grid; the regime is the same everywhere.")
        elif not result.curves and not curves_solvable(spec):
            names = " and ".join(a.name for a in spec.axes)
            lines.append(f"Boundaries: not computed (exact lines need payoffs affine in each of {names}, "
                         "and these are not); each grid point's regime is counted above.")
        elif not result.curves:
            lines.append("Boundaries: none inside the grid; the regimes other than the main one hold only "
                         "where a player is exactly indifferent.")
        else:
            gain = "gain from opening" if spec.model is None else "gain from switching"
            lines.append(f"Boundaries (exact; each is where one {gain} is 0):")
            for c in result.curves:
                sides = "; ".join(f"{pos} where it is positive, {neg} where negative" for neg, pos in c.sides)
                lines.append(f"  {c.equation}: {INCENTIVE_WORDS[c.incentive]} is 0; {sides}")
    return "\n".join(lines)


def write_text(result, scenario, fh: TextIO, rows=None) -> None:
    fh.write(summary_text(result, scenario) + "\n")


def csv_header(spec) -> str:
    """The CSV header line: the varied parameters, then regime, n_equilibria, equilibria."""
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(list(spec.names) + ["regime", "n_equilibria", "equilibria"])
    return buf.getvalue()


def write_csv(result, scenario, fh: TextIO, rows: RowStore) -> None:
    """One row per point: parameter values, regime, how many equilibria, and each in words.

    rows holds the points' lines as `cli.sweep_rows.csv_rows` formatted them during the sweep.
    """
    fh.write(csv_header(result.spec))
    rows.copy_to(fh)


def write_json(result, scenario, fh: TextIO, rows: RowStore) -> None:
    """The summary plus every point with its equilibria (profile, payoffs, outcome).

    rows holds the points' objects as `cli.sweep_rows.json_rows` formatted them during the
    sweep, joined by ',\\n  '.
    """
    import json

    from games import trade

    data = {"sweep": summary_data(result, scenario)}
    if result.spec.model is not None:
        data["game"] = {
            "title": scenario.title,
            "players": list(result.spec.model.player_names),
            "strategies": [list(s) for s in result.spec.labels()],
        }
    else:
        data["game"] = {
            "title": trade.scenario_title(scenario.name),
            "players": list(trade.PLAYERS),
            "strategies": [list(trade.US_MOVES), list(trade.CN_MOVES)]
            if result.spec.form == "simultaneous"
            else [list(labels) for labels in trade.graded_labels(result.spec.strategy_levels())],
        }
    head = json.dumps(data, ensure_ascii=False, indent=1)
    fh.write(head[:-2] + ',\n "points": [')
    if result.spec.n_points:
        fh.write("\n  ")
        rows.copy_to(fh)
    fh.write("\n ]\n}\n")
