"""`sweep` option bounds: seeds outside 0..2**64-1 and --workers beyond the documented cap
(4 per core) are bad input — exit 2, one line naming the option — not internal errors."""

from __future__ import annotations

import os

import pytest

from cli.sweep_cmd import WORKERS_PER_CORE, max_workers
from tests.test_hostile_cli import _run_main

SAMPLE = ["sweep", "--sample", "5", "--dist", "re_dependence=uniform:3:8"]


def _refused(run, *fragments: str) -> str:
    assert run.exit_code == 2, (run.exit_code, run.stderr)
    lines = run.stderr.strip().split("\n")
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "internal error" not in run.stderr and not run.stdout.strip()
    return lines[0]


@pytest.mark.parametrize("seed", ["-1", "-99999999999999999999", str(2**64)])
def test_out_of_range_seeds_are_bad_input(seed):
    _refused(_run_main(SAMPLE + ["--seed", seed]), "option --seed", "0 to")


@pytest.mark.parametrize("seed", ["0", str(2**64 - 1)])
def test_seeds_at_the_ends_of_the_range_work_and_reproduce(seed):
    first = _run_main(SAMPLE + ["--seed", seed, "--format", "csv"])
    again = _run_main(SAMPLE + ["--seed", seed, "--format", "csv"])
    assert first.exit_code == 0, first.stderr
    assert first.stdout == again.stdout and len(first.stdout.strip().split("\n")) == 6


def test_the_workers_cap_is_four_per_core():
    assert WORKERS_PER_CORE == 4
    assert max_workers() == 4 * (os.cpu_count() or 1)


@pytest.mark.parametrize("extra", [1, 500])
def test_workers_over_the_cap_are_refused_naming_it(extra):
    line = _refused(_run_main(["sweep", "--vary", "re_dependence=0:10:3", "--workers", str(max_workers() + extra)]),
                    "option --workers", str(max_workers()))
    assert "per core" in line


@pytest.mark.parametrize("workers", ["0", "-3"])
def test_workers_below_one_are_refused(workers):
    _refused(_run_main(["sweep", "--vary", "re_dependence=0:10:3", "--workers", workers]), "option --workers")


@pytest.mark.parametrize("option", ["-o", "--plot"])
def test_unwritable_sweep_outputs_are_bad_input(option):
    if not os.path.isdir("/sys"):
        pytest.skip("no /sys here")
    target = "/sys/tradegame-sweep.png"
    opt = "--output" if option == "-o" else "--plot"
    _refused(_run_main(["sweep", "--vary", "re_dependence=0:10:3", option, target]), f"option {opt}", target)
