"""Sweeps in worker processes give the same bytes as in one process, for every sweep kind
(2×2 grid, 2-D grid, Monte Carlo sample, graded game, two- and three-player model files)
and every output format, and the CSV and JSON rows describe the same points."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest

from cli import sweep_cmd, sweep_rows
from games.sweeps import sweep
from games.model.catalog import builtin_model
from games.model.scenarios import load

MODELS = Path(__file__).resolve().parent.parent / "examples" / "models"


def _trade(vary=(), **kw):
    return sweep.make_spec(dict(load("stockholm-2025").parameters), vary=list(vary), **kw)


def _model(name: str, vary: list[str], **kw):
    scenario = load(str(MODELS / f"{name}.toml"))
    return sweep.make_spec(dict(scenario.parameters), vary=vary, model=scenario.model, **kw)


SPECS = {
    "1-D grid": lambda: _trade(["leverage=0:10:2001"]),
    "2-D grid": lambda: _trade(["leverage=0:10:41", "hawk_cost=0:5:49"]),
    "sample": lambda: _trade(sample=1500, dists=["leverage=uniform:0:10", "re_dependence=normal:6:4"], seed=4),
    "graded": lambda: _trade(["leverage=0:10:61"], form="graded", levels=3),
    "model, 2 players": lambda: _model("brinkmanship", ["stake=0:20:801"]),
    "model, 3 players": lambda: _model("public-goods", ["mpcr=0:2:801"]),
}


def _rows(spec, fmt: str, mapper=None) -> tuple[object, str]:
    if spec.model is not None:
        formatter = sweep_rows.model_csv_rows if fmt == "csv" else sweep_rows.model_json_rows
    else:
        formatter = sweep_rows.csv_rows if fmt == "csv" else sweep_rows.json_rows
    parts: list[str] = []
    result = sweep.run(spec, rows=formatter, sink=parts.append, block_size=7, mapper=mapper)
    return result, formatter.joiner.join(p for p in parts if p)


@pytest.fixture(scope="module")
def two_workers():
    with sweep_cmd._mapper(2, None) as mapper:
        yield mapper


@pytest.mark.parametrize("name", SPECS)
def test_two_workers_write_the_same_bytes_as_one(name, two_workers):
    spec = SPECS[name]()
    for fmt in ("csv", "json"):
        one, text_one = _rows(spec, fmt)
        two, text_two = _rows(spec, fmt, two_workers)
        assert text_two == text_one
        assert np.array_equal(one.codes, two.codes)
        assert one.regimes == two.regimes and one.boundaries == two.boundaries
    csv_points = list(csv.reader(io.StringIO(_rows(spec, "csv")[1])))
    json_points = json.loads("[" + _rows(spec, "json")[1] + "]")
    assert len(csv_points) == len(json_points) == spec.n_points
    for row, point in zip(csv_points, json_points):
        assert [float(v) for v in row[: len(spec.names)]] == [point["values"][n] for n in spec.names]
        assert row[len(spec.names)] == point["regime"]
        assert int(row[len(spec.names) + 1]) == len(point["equilibria"])
        assert row[-1] == "; ".join(e["outcome"] for e in point["equilibria"])


@pytest.mark.parametrize("fmt", ["text", "csv", "json"])
@pytest.mark.parametrize("target, vary", [
    (None, ["leverage=0:10:3001"]),
    (str(MODELS / "brinkmanship.toml"), ["stake=0:20:501"]),
])
def test_cli_output_files_are_identical_with_two_workers(tmp_path, fmt, target, vary):
    outputs = []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}.{fmt}"
        sweep_cmd.run_sweep(target, vary, None, [], None, [], "simultaneous", 5, fmt, out, False, None, workers, None)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0]


def test_a_model_pickles_for_worker_processes():
    import pickle

    model = builtin_model("trade")
    again = pickle.loads(pickle.dumps(model))
    assert again.name == model.name and dict(again.parameters) == dict(model.parameters)
    with pytest.raises(TypeError):
        again.parameters["x"] = 1  # still read-only


def _pid_after_a_while(task: int) -> tuple[int, int]:
    import os
    import time

    time.sleep(0.02)
    return task, os.getpid()


def test_two_workers_are_this_process_and_one_started():
    """--workers 2 starts one process and solves the rest here: every task's result comes
    back once, some from each of the two processes."""
    import os

    with sweep_cmd._mapper(2, None) as mapper:
        results = list(mapper(_pid_after_a_while, iter(range(12))))
    assert sorted(t for t, _ in results) == list(range(12))
    pids = {pid for _, pid in results}
    assert os.getpid() in pids and len(pids) == 2


def test_forked_workers_get_the_spec_by_key_not_its_values():
    """A mapper whose processes fork when it is called gets tasks that name the spec (its
    samples, 10 M values perhaps, stay where they are); the results are the same, and
    the registry is empty again afterwards, also when a block fails."""
    spec = SPECS["sample"]()
    seen = []

    def recording_map(fn, tasks):
        for task in tasks:
            seen.append(task)
            yield fn(task)  # in this process, which holds the registry as a forked child would

    recording_map.forks_after_call = True
    plain = sweep.run(spec, block_size=100)
    named = sweep.run(spec, block_size=100, mapper=recording_map)
    assert seen and all(isinstance(task[0], int) for task in seen)
    assert all(not isinstance(item, np.ndarray) for task in seen for item in task)
    assert np.array_equal(plain.codes, named.codes) and plain.regimes == named.regimes
    assert sweep._INHERITED == {}

    def failing_map(fn, tasks):
        for task in tasks:
            raise RuntimeError("a worker died")
            yield task

    failing_map.forks_after_call = True
    with pytest.raises(RuntimeError):
        sweep.run(spec, block_size=100, mapper=failing_map)
    assert sweep._INHERITED == {}


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_worker_rows_stay_in_their_spool_files_and_are_cleaned_up(tmp_path, monkeypatch, fmt):
    """With --workers 2 each process keeps the rows it formatted in a spool file of its own
    and sends back where they are (cli.sweep_spool.Piece): the sink gets pieces of two
    processes' files, the output is byte for byte the one-process output, and no spool
    file is left behind."""
    import tempfile

    from cli import sweep_spool
    from games.sweeps import batch

    monkeypatch.setattr(batch, "CHUNK_2X2", 400)  # several blocks, so both processes format some
    from games.sweeps import batch_2x2

    real, home = batch_2x2.candidates_verified, os.getpid()

    def slowly_here(A, B, keep_p=False):
        if os.getpid() == home:
            time.sleep(0.03)  # so the started process surely takes blocks too
        return real(A, B, keep_p=keep_p)

    monkeypatch.setattr(batch_2x2, "candidates_verified", slowly_here)
    spools = tmp_path / "tmp"
    spools.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spools))
    seen: list[object] = []
    original = sweep_spool.RowStore.__call__

    def recording(self, data):
        seen.append(data)
        return original(self, data)

    monkeypatch.setattr(sweep_spool.RowStore, "__call__", recording)
    outputs = []
    for workers in (1, 2):
        seen.clear()  # what the sink got in the last run: the two-worker one
        out = tmp_path / f"out{workers}.{fmt}"
        sweep_cmd.run_sweep(None, ["leverage=0:10:3001"], None, [], None, [], "simultaneous", 5, fmt, out, False, None, workers, None)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") > 3000
    pieces = [d for d in seen if isinstance(d, sweep_spool.Piece)]
    assert len({p.path for p in pieces}) == 1 and sum(p.length for p in pieces) > 0  # the started process's
    assert str(os.getpid()) not in pieces[0].path  # this process's own rows came as bytes
    assert sum(isinstance(d, bytes) and len(d) > 10 for d in seen) >= 1
    assert list(spools.iterdir()) == []


def test_a_mapper_that_loses_a_block_gives_an_error_not_a_partial_sweep():
    """sweep.run counts the points that came back: a mapper that drops (or repeats) a
    block's result is an error, whatever the mapper."""
    from games.errors import SolverError

    spec = SPECS["1-D grid"]()

    def losing_map(fn, tasks):
        results = [fn(task) for task in tasks]
        return results[:-1]

    def repeating_map(fn, tasks):
        results = [fn(task) for task in tasks]
        return results + results[:1]

    for mapper in (losing_map, repeating_map):
        with pytest.raises(SolverError, match="points came back"):
            sweep.run(spec, mapper=mapper, block_size=300)


_TERMINATED_MIDWAY = r"""
import os, signal, sys, time
from pathlib import Path
from games.sweeps import batch, batch_2x2
from cli import sweep_cmd
from cli.app import main

spools, parent, real = Path(sys.argv[1]), os.getpid(), batch_2x2.candidates_verified

def terminated_once_rows_are_spooled(A, B, keep_p=False):
    if os.getpid() == parent:  # this process: stopped (SIGTERM, as `kill` or `timeout` would) once a worker has spooled rows
        deadline = time.time() + 20
        while not any(p.is_file() for p in spools.rglob("*")) and time.time() < deadline:
            time.sleep(0.01)
        os.kill(parent, signal.SIGTERM)
        time.sleep(5)
    return real(A, B, keep_p=keep_p)

batch.CHUNK_2X2 = 300
batch_2x2.candidates_verified = terminated_once_rows_are_spooled
sys.argv = ["tradegame", "sweep", "--vary", "leverage=0:10:30000", "-f", sys.argv[2], "-o", sys.argv[3], "--workers", "2"]
main()
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_sweep_stopped_by_sigterm_leaves_no_spool_files_and_no_processes(tmp_path, fmt):
    """`kill` (or `timeout`, a job scheduler) stops the command with SIGTERM: the worker
    spool directory (its files hundreds of megabytes in a large sweep), the temporary output
    file and the started processes must not outlive it, as nothing does with one worker."""
    import subprocess
    import sys

    spools = tmp_path / "tmp"
    spools.mkdir()
    out = tmp_path / f"out.{fmt}"
    env = dict(os.environ, TMPDIR=str(spools), PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    proc = subprocess.Popen([sys.executable, "-c", _TERMINATED_MIDWAY, str(spools), fmt, str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
    time.sleep(0.2)
    assert proc.returncode in (143, -15)
    assert list(spools.iterdir()) == [], "spool directory left behind"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"], "output or temporary file left behind"
    assert b"Traceback" not in err, err.decode()
    assert _group_members(proc.pid) == [], "worker processes still running"


def _group_members(group: int) -> list[int]:
    """Processes (not zombies) still in process group `group`."""
    members = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                members.append(int(entry))
    return members
