"""Bounded work: 2,000 generated hostile inputs, each answered or refused within a budget.

Every case runs through the real entry point in a worker subprocess capped at
``MEMORY_MB`` of address space (`resource.setrlimit`) and ``SECONDS`` per case, so a
blow-up fails this test instead of the machine. Each must end in exit 0 or in exit 2 with
exactly one line on stderr: never a timeout, an out-of-memory, a kill or a traceback.
The cases (tests/hostile_cases.py) include tie-heavy trees, all-equal N-player games,
oversized declarations, deep and wide trees, hostile scenario TOML and formula bombs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile_cases import cases

#: The documented budget (docs/trust.md, "Limits"): address space of one tradegame run.
MEMORY_MB = 1200
#: Per-case time limit: the budget is "a few seconds"; the margin absorbs a loaded CI machine.
SECONDS = 30.0

COUNTS = {"nfg": 700, "efg": 500, "scenario": 500, "model": 300}
ROOT = Path(__file__).resolve().parents[1]


def _run_batch(batch: list[dict]) -> tuple[list[dict], str, int]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", COLUMNS="80")
    proc = subprocess.run(
        [sys.executable, "-m", "tests.hostile_worker", str(MEMORY_MB), str(SECONDS)],
        input=json.dumps(batch), capture_output=True, text=True, cwd=ROOT, env=env,
        timeout=SECONDS * len(batch) + 120,
    )
    results, last = [], ""
    for line in proc.stdout.splitlines():
        if line.startswith("start "):
            last = line[6:]
        elif line.startswith("{"):
            results.append(json.loads(line))
    return results, last if len(results) < len(batch) else "", proc.returncode


def _problem(result: dict) -> str | None:
    code, err = result["code"], result["stderr"]
    if code == 0:
        return None
    if code == 2 and err.count("\n") == 1 and "Traceback" not in err:
        return None
    return f"{result['name']}: exit {code} after {result['seconds']} s: {err.strip()[:300]!r}"


#: cases one worker process runs before a fresh one takes over, so what one case leaves in
#: memory (caches, fragmentation) cannot be charged to a later one
CASES_PER_WORKER = 50


@pytest.mark.parametrize("kind", sorted(COUNTS))
def test_hostile_inputs_end_in_an_answer_or_one_line(kind):
    every = cases(kind, COUNTS[kind])
    results = []
    for k in range(0, len(every), CASES_PER_WORKER):
        batch = every[k:k + CASES_PER_WORKER]
        done, died_on, returncode = _run_batch(batch)
        assert not died_on, f"the worker died (exit {returncode}) on case {died_on}"
        assert len(done) == len(batch)
        results += done
    problems = [p for p in (_problem(r) for r in results) if p]
    assert not problems, "\n".join(problems[:10])
