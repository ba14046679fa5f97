"""Lessons can be run twice and leave nothing behind.

Re-running lesson 1 once stopped at "pd-matrix.png exists; pass --force", and running
the lessons left seven PNG files in the repository root. Every command that writes a
file writes it into the scratch folder the lessons name (outside the working folder),
with --force; running those commands twice works and leaves the working folder as it was.
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
    spec = importlib.util.spec_from_file_location("classroom_record_rerun", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


record = _recorder()
WRITERS = [
    (path, c)
    for path in record.lesson_files()
    for c in record.parse(path.read_text(encoding="utf-8"))[0]
    if record.output_paths(c.text)
]


def test_there_are_file_writing_commands():
    assert len(WRITERS) >= 7


@pytest.mark.parametrize("path,command", WRITERS, ids=[f"{p.name}:{c.line + 1}" for p, c in WRITERS])
def test_writes_go_to_the_named_scratch_folder_with_force(path, command):
    for target in record.output_paths(command.text):
        assert target.is_absolute() and target.parent == record.LESSON_OUTPUT, target
    assert "--force" in command.text.split()


def test_running_the_picture_commands_twice_works_and_leaves_nothing(tmp_path):
    pytest.importorskip("matplotlib")
    work = record.scratch_folder()
    try:
        before = set(work.iterdir())
        # lesson 1's picture: the one that used to stop a second run
        lesson1 = [c for p, c in WRITERS if p.name.startswith("01-")]
        assert lesson1
        for _ in range(2):
            for c in lesson1:
                result = record.run_command(c.text, work)
                assert result.exit_code == 0, result.output
                assert result.output == c.recorded
        assert set(work.iterdir()) == before  # nothing written where the commands ran
    finally:
        shutil.rmtree(work, ignore_errors=True)
