"""Time every generated hostile case of the bounded-work suite and print the slowest.

    python benchmarks/hostile_times.py                  # all 2,000 cases (minutes)
    python benchmarks/hostile_times.py --every 5        # every fifth case of each kind
    python benchmarks/hostile_times.py --kinds efg,nfg --top 30

Runs the cases of tests/hostile_cases.py exactly as tests/test_bounded_work.py does (worker
processes under the same memory cap, through `cli.app.main()`), and prints the total time
per kind, the slowest cases with their kind, arguments and exit code, and any case that
did not end in exit 0 or 2. The per-case time is measured inside the worker, start-up
excluded. Run by hand; no test asserts a time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile_cases import SUITE_COUNTS, cases  # noqa: E402
from tests.hostile_worker import run_cases  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default=",".join(SUITE_COUNTS), help="comma-separated: nfg, efg, scenario, model")
    parser.add_argument("--every", type=int, default=1, help="run every N-th case of each kind")
    parser.add_argument("--top", type=int, default=20, help="how many of the slowest cases to print")
    parser.add_argument("--seconds", type=float, default=30.0, help="per-case time limit")
    parser.add_argument("--memory-mb", type=int, default=1200, help="address-space cap of a worker")
    parser.add_argument("--workers", type=int, default=1, help="worker processes at once (1: cleanest times)")
    args = parser.parse_args()

    timed, by_name = [], {}
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, load {os.getloadavg()[0]:.2f}, "
          f"every {args.every}, {args.workers} worker(s)")
    for kind in args.kinds.split(","):
        chosen = cases(kind, SUITE_COUNTS[kind])[:: max(1, args.every)]
        by_name.update({c["name"]: c for c in chosen})
        started = time.perf_counter()
        batches = run_cases(chosen, args.memory_mb, args.seconds, 100, args.workers)
        wall = time.perf_counter() - started
        results = [r for b in batches for r in b.results]
        for b in batches:
            if b.died_on:
                print(f"  worker died (exit {b.returncode}) on {b.died_on}")
        total = sum(r["seconds"] for r in results)
        print(f"{kind:9s} {len(results):5d} cases  {total:7.1f} s in cases  {wall:7.1f} s wall")
        timed += results
    print(f"\nload {os.getloadavg()[0]:.2f}; the {args.top} slowest:")
    for r in sorted(timed, key=lambda r: -r["seconds"])[: args.top]:
        print(f"{r['seconds']:7.2f} s  {r['name']:14s} exit {r['code']!s:7s} {' '.join(by_name[r['name']]['args'])}")
    bad = [r for r in timed if not (r["code"] == 0 or (r["code"] == 2 and r["stderr"].count("\n") == 1))]
    if bad:
        print("\nnot an answer or one line:")
        for r in bad[:20]:
            print(f"  {r['name']}: exit {r['code']} after {r['seconds']} s: {r['stderr'].strip()[:200]!r}")


if __name__ == "__main__":
    main()
