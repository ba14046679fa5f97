"""Bounded work: 2,000 generated hostile inputs, each answered or refused within a budget.

Every case runs through the real entry point in a worker subprocess capped at
``MEMORY_MB`` of address space (`resource.setrlimit`) and ``SECONDS`` per case, so a
blow-up fails this test instead of the machine. Each must end in exit 0 or in exit 2 with
exactly one line on stderr: never a timeout, an out-of-memory, a kill or a traceback.
The cases (tests/hostile_cases.py) include tie-heavy trees, all-equal N-player games,
oversized declarations, deep and wide trees, hostile scenario TOML and formula bombs.

``TRADEGAME_HOSTILE_EVERY=N`` runs every N-th case only (names and seeds unchanged, so a
failure found on the subset is the same case in the full run);
``TRADEGAME_HOSTILE_WORKERS`` sets how many worker processes run at once (default: two,
or one on a one-core machine). benchmarks/hostile_times.py times the same cases.
"""

from __future__ import annotations

import os

import pytest

from tests.hostile_cases import SUITE_COUNTS, cases
from tests.hostile_worker import run_cases

#: The documented budget (docs/trust.md, "Bounded work"): address space of one tradegame run.
MEMORY_MB = 1200
#: Per-case time limit. The contract is "a few seconds"; every generated case ends in about
#: two on the development machine under load, and the margin absorbs a busier CI machine.
SECONDS = 10.0
#: Cases one worker process runs before a fresh one takes over (imports paid once per process).
CASES_PER_WORKER = 100
EVERY = max(1, int(os.environ.get("TRADEGAME_HOSTILE_EVERY", "1")))
WORKERS = max(1, int(os.environ.get("TRADEGAME_HOSTILE_WORKERS", str(min(2, os.cpu_count() or 1)))))


def _problem(result: dict) -> str | None:
    code, err = result["code"], result["stderr"]
    if code == 0:
        return None
    if code == 2 and err.count("\n") == 1 and "Traceback" not in err:
        return None
    return f"{result['name']}: exit {code} after {result['seconds']} s: {err.strip()[:300]!r}"


def test_the_suite_generates_at_least_2000_cases():
    assert sum(SUITE_COUNTS.values()) >= 2000
    assert all(len(cases(kind, 3)) == 3 for kind in SUITE_COUNTS)


@pytest.mark.parametrize("kind", sorted(SUITE_COUNTS))
def test_hostile_inputs_end_in_an_answer_or_one_line(kind):
    every = cases(kind, SUITE_COUNTS[kind])[::EVERY]
    batches = run_cases(every, MEMORY_MB, SECONDS, CASES_PER_WORKER, WORKERS)
    results = []
    for batch in batches:
        assert not batch.died_on, f"the worker died (exit {batch.returncode}) on case {batch.died_on}"
        results += batch.results
    assert len(results) == len(every)
    problems = [p for p in (_problem(r) for r in results) if p]
    assert not problems, "\n".join(problems[:10])


def test_a_large_all_tied_four_player_game_is_answered_within_the_budget():
    """4 players × 32 strategies, every payoff 0: 1,048,576 profiles, all of them equilibria.

    The file is read in one pass (plain decimals), the equilibria are counted on the mask
    and only the first hundred built, and JSON streams the payoff arrays — each command
    answers under the same memory cap as the hostile cases. The answers are checked too:
    the count of pure equilibria is every profile, and JSON gives back the file's payoffs."""
    import json

    from tests.hostile_cases import _nfg

    shape = [32, 32, 32, 32]
    text = _nfg(shape, lambda *_: "0", title="all tied")
    runs = [["solve", "--method", "pure"], ["explain"], ["solve", "--method", "pure", "--format", "json"]]
    every = [{"name": f"large-{k}", "files": {"game.nfg": text}, "args": args + ["game.nfg"], "keep_stdout": True}
             for k, args in enumerate(runs)]
    (batch,) = run_cases(every, MEMORY_MB, 4 * SECONDS, len(every), 1)
    assert not batch.died_on, f"the worker died (exit {batch.returncode}) on case {batch.died_on}"
    for result in batch.results:
        assert result["code"] == 0, _problem(result) or result["stderr"][:300]
    assert "1,048,576 pure equilibria in all" in " ".join(batch.results[0]["stdout"].split())
    data = json.loads(batch.results[2]["stdout"])
    assert len(data["equilibria"]) == 100
    payoffs = data["payoff_matrices"]
    assert len(payoffs) == 4 and len(payoffs[3]) == 32 and len(payoffs[3][31][31][31]) == 32
    assert all(v == 0 for row in payoffs[2][5][7] for v in row)
