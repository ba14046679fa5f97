"""Run a batch of hostile cases in this process, under a memory cap, each under a time limit.

Used by tests/test_bounded_work.py and benchmarks/hostile_times.py through `run_cases`,
which starts it as subprocesses: ``python -m tests.hostile_worker LIMIT_MB SECONDS <
cases.json``. Before each case it prints ``start NAME`` (flushed), after it one JSON line
with the exit code, the stderr lines and the time taken; if the process is killed or runs
out of memory, the parent knows which case did it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


class CaseTimeout(BaseException):
    """Raised by the alarm: a case ran past its time limit (BaseException so nothing swallows it)."""


def _alarm(*_):
    raise CaseTimeout()


def run_case(case: dict, seconds: float) -> dict:
    from cli.app import main

    with tempfile.TemporaryDirectory() as folder:
        for name, text in case["files"].items():
            with open(os.path.join(folder, name), "w", encoding="utf-8", errors="surrogatepass") as fh:
                fh.write(text)
        out, err = io.StringIO(), io.StringIO()
        saved_argv, saved_cwd = sys.argv, os.getcwd()
        os.chdir(folder)
        sys.argv = ["tradegame", *case["args"]]
        code: object = 0
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except CaseTimeout:
            code = "timeout"
        except MemoryError:
            code = "memory"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.argv = saved_argv
            os.chdir(saved_cwd)
        elapsed = time.perf_counter() - started
    result = {"name": case["name"], "code": code, "stderr": err.getvalue()[-2000:], "seconds": round(elapsed, 3)}
    if case.get("keep_stdout"):
        result["stdout"] = out.getvalue()
    return result


def main() -> None:
    limit_mb, seconds = int(sys.argv[1]), float(sys.argv[2])
    cases = json.load(sys.stdin)
    import cli.app  # noqa: F401  (imports count against the cap too, as for a user)

    resource.setrlimit(resource.RLIMIT_AS, (limit_mb * 2**20, limit_mb * 2**20))
    signal.signal(signal.SIGALRM, _alarm)
    for case in cases:
        print("start " + case["name"], flush=True)
        print(json.dumps(run_case(case, seconds)), flush=True)


ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Batch:
    """What one worker process did: a result per finished case, and the case it died on (or '')."""

    results: tuple[dict, ...]
    died_on: str
    returncode: int


def run_batch(batch: list[dict], memory_mb: int, seconds: float) -> Batch:
    """Run cases in one fresh worker process (its own memory cap); report each case."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", COLUMNS="80")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tests.hostile_worker", str(memory_mb), str(seconds)],
            input=json.dumps(batch), capture_output=True, text=True, cwd=ROOT, env=env,
            timeout=seconds * len(batch) + 120,
        )
        stdout, returncode = proc.stdout, proc.returncode
    except subprocess.TimeoutExpired as exc:  # the alarm itself failed to fire: name the case
        out = exc.stdout or ""
        stdout, returncode = out.decode() if isinstance(out, bytes) else out, -9
    results, last = [], ""
    for line in stdout.splitlines():
        if line.startswith("start "):
            last = line[6:]
        elif line.startswith("{"):
            results.append(json.loads(line))
    return Batch(tuple(results), last if len(results) < len(batch) else "", returncode)


def run_cases(cases: list[dict], memory_mb: int, seconds: float, per_worker: int, workers: int) -> list[Batch]:
    """Run cases in worker processes of ``per_worker`` cases each, ``workers`` at a time.

    A fresh process every ``per_worker`` cases keeps what one case leaves in memory (caches,
    fragmentation) from being charged to later ones; the imports are paid once per process.
    """
    batches = [cases[k:k + per_worker] for k in range(0, len(cases), per_worker)]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda b: run_batch(b, memory_mb, seconds), batches))


if __name__ == "__main__":
    main()
