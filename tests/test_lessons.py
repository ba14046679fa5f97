"""Every command in the classroom lessons prints exactly the output recorded under it.

The lessons (examples/classroom/NN-*.md) and the homework guide (examples/your-own-game.md)
show `$ tradegame ...` commands with their output. This test runs each one through the
real entry point and compares with the recorded text (trailing whitespace ignored). When
a change to tradegame changes an output on purpose, re-record with
``python examples/classroom/record.py`` and review the diff.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLASSROOM = ROOT / "examples" / "classroom"


def _recorder():
    spec = importlib.util.spec_from_file_location("classroom_record", CLASSROOM / "record.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


record = _recorder()
LESSONS = record.lesson_files()
NUMBERED = [p for p in LESSONS if re.match(r"\d\d-", p.name)]


def _needs_matplotlib(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return bool(re.search(r"^\$ tradegame (plot|report)\b", text, re.M))


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_recorded_outputs_are_true(path: Path):
    if _needs_matplotlib(path):
        pytest.importorskip("matplotlib")
    commands, results, work = record.run_lesson(path)
    try:
        assert commands, f"{path.name} has no `$ tradegame` commands"
        bad = record.problems(path, commands, results)
        assert not bad, "\n".join(bad)
        for c, r in zip(commands, results):
            if c.recorded != r.output:
                diff = "\n".join(difflib.unified_diff(
                    c.recorded.splitlines(), r.output.splitlines(), "recorded", "now", lineterm="", n=1))
                pytest.fail(f"{path.name}:{c.line + 1}: $ {c.text}\n{diff}\n"
                            "(re-record with: python examples/classroom/record.py)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.mark.parametrize("path", NUMBERED, ids=[p.name for p in NUMBERED])
def test_lesson_has_goals_story_questions_and_an_answer_key(path: Path):
    text = path.read_text(encoding="utf-8")
    for heading in ("## Learning goals", "## The story", "## Questions for students"):
        assert heading in text, f"{path.name}: missing section '{heading}'"
    answers = CLASSROOM / "answers" / path.name
    assert answers.is_file(), f"{path.name}: no answer key at answers/{path.name}"
    questions = re.findall(r"^(\d+)\. ", text.split("## Questions for students")[1].split("\n## ")[0], re.M)
    keyed = re.findall(r"^(\d+)\. ", answers.read_text(encoding="utf-8"), re.M)
    assert questions and set(questions) <= set(keyed), f"{path.name}: questions {questions}, answers {keyed}"


@pytest.mark.parametrize("path", NUMBERED, ids=[p.name for p in NUMBERED])
def test_pictures_shown_in_a_lesson_exist(path: Path):
    text = path.read_text(encoding="utf-8")
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (path.parent / target).is_file(), f"{path.name}: picture {target} missing (run record.py)"


def test_there_are_eight_lessons():
    assert len(NUMBERED) >= 8, [p.name for p in NUMBERED]


# ---------------------------------------------------------------- the recorder itself
SAMPLE = """Intro
```console
$ tradegame scenarios
old output
$ tradegame solve nope.toml  # exit 2
stale
```
```toml file=mine.toml
title = "x"
```
```text
$ tradegame not-run
```
"""


def test_parse_finds_commands_outputs_exit_marks_and_files():
    commands, files = record.parse(SAMPLE)
    assert [c.text for c in commands] == ["tradegame scenarios", "tradegame solve nope.toml"]
    assert [c.expected_exit for c in commands] == [0, 2]
    assert [c.recorded for c in commands] == ["old output", "stale"]
    assert files == [record.FileBlock("mine.toml", 'title = "x"\n')]


def test_rewrite_replaces_only_the_outputs():
    commands, _ = record.parse(SAMPLE)
    results = [record.Result(0, "new\ntwo lines"), record.Result(2, "err")]
    out = record.rewrite(SAMPLE, commands, results)
    assert "$ tradegame scenarios\nnew\ntwo lines\n$ tradegame solve nope.toml  # exit 2\nerr\n```" in out
    assert out.startswith("Intro\n```console\n") and out.endswith("```text\n$ tradegame not-run\n```\n")


def test_problems_flags_unexpected_exit_codes_and_crashes(tmp_path):
    commands, _ = record.parse(SAMPLE)
    ok = [record.Result(0, "fine"), record.Result(2, "tradegame: error: x")]
    assert record.problems(tmp_path / "l.md", commands, ok) == []
    wrong = [record.Result(1, "x"), record.Result(1, "tradegame: internal error: boom")]
    found = record.problems(tmp_path / "l.md", commands, wrong)
    assert len(found) == 2 and "expected 0" in found[0] and "crashed" in found[1]


def test_an_unexpected_failure_is_caught_by_running_it(tmp_path):
    result = record.run_command("tradegame solve no-such-scenario", tmp_path)
    assert result.exit_code == 2 and result.output.startswith("tradegame: error:")


def test_only_tradegame_commands_run(tmp_path):
    with pytest.raises(ValueError):
        record.run_command("rm -rf /", tmp_path)
