"""Every console block in README.md and docs/ shows what tradegame prints today.

A ```console block holds ``$ tradegame ...`` lines, each followed by its output. Each
command is run through the real entry point (in a scratch folder, 80 columns, as the
lesson recorder does) and its output compared with the block. A block may leave parts
out: a line ``...`` stands for any number of lines, and a line ending in `` ...`` for
any line that starts with what comes before it.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _recorder():
    path = ROOT / "examples" / "classroom" / "record.py"
    spec = importlib.util.spec_from_file_location("classroom_record_docs", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


record = _recorder()
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CASES = [
    (path, command)
    for path in DOCS
    for command in record.parse(path.read_text(encoding="utf-8"))[0]
]


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether actual fits expected, where '...' lines and ' ...' line ends are wildcards."""
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if (i, j) in memo:
            return memo[i, j]
        if i == len(expected):
            result = j == len(actual)
        elif expected[i].strip() in ("...", "…"):
            result = any(go(i + 1, k) for k in range(j, len(actual) + 1))
        elif j == len(actual):
            result = False
        elif expected[i].rstrip().endswith(" ..."):
            result = actual[j].startswith(expected[i].rstrip()[:-4]) and go(i + 1, j + 1)
        else:
            result = expected[i].rstrip() == actual[j].rstrip() and go(i + 1, j + 1)
        memo[i, j] = result
        return result

    return go(0, 0)


def test_the_matcher():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "b"], ["a", "b"])
    assert matches(["x: 1 ..."], ["x: 1 and more"])
    assert not matches(["a", "d"], ["a", "b", "d"])
    assert not matches(["No one gains"], ["Neither side gains"])


def test_the_readme_tour_is_checked():
    assert any(path.name == "README.md" for path, _ in CASES)
    assert len({path for path, _ in CASES}) >= 4


@pytest.mark.parametrize("path,command", CASES, ids=[f"{p.name}:{c.line + 1}" for p, c in CASES])
def test_console_block_shows_todays_output(path, command):
    work = record.scratch_folder()
    try:
        result = record.run_command(command.text, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert result.exit_code == command.expected_exit, result.output[-500:]
    expected = command.recorded.split("\n") if command.recorded else []
    actual = result.output.split("\n") if result.output else []
    assert matches(expected, actual), (
        f"{path.name}:{command.line + 1}: $ {command.text}\n--- now:\n{result.output}"
    )
