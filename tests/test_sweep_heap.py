"""A sweep reuses its blocks' memory: page faults do not grow with the number of points.

`cli.sweep_cmd.keep_heap_between_blocks` asks glibc to keep freed heap between blocks; without
it each block's temporaries are returned to the system and faulted in again (a 2 M-point
1-D sweep took about 80,000 minor page faults, a tenth of that many points 13,000). Counted
with getrusage, not timed.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    not hasattr(os, "confstr") or not os.confstr("CS_GNU_LIBC_VERSION"), reason="glibc's allocator only"
)


def _faults(points: int, tmp_path: Path, fmt: str = "text") -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
    subprocess.run(
        [sys.executable, "-m", "cli.app", "sweep", "--vary", f"re_dependence=0:20:{points}", "-f", fmt, "-o", str(tmp_path / f"s.{fmt}"), "--force"],
        check=True, env=env, cwd=ROOT, capture_output=True,
    )
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before


def test_page_faults_do_not_grow_with_the_points(tmp_path):
    small = _faults(200_000, tmp_path)
    large = _faults(2_000_000, tmp_path)
    # ten times the points: the same memory reused, not 10 x more faulted in (4,000 pages = 16 MB)
    assert large - small < 4_000, (small, large)


def test_json_rows_come_from_the_kept_heap(tmp_path):
    """A block's JSON text (megabytes) is served from the kept heap, not mapped afresh: about
    0.06 page faults a point, not 0.18 (a 1 M-point JSON sweep: 62,000 against 180,000)."""
    small = _faults(50_000, tmp_path, "json")
    large = _faults(250_000, tmp_path, "json")
    assert large - small < 24_000, (small, large)
