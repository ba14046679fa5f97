"""Run every `$ tradegame ...` command in the lessons and keep the recorded output true.

Usage (from the repository root)::

    python examples/classroom/record.py            # rewrite every lesson's outputs in place
    python examples/classroom/record.py --check    # only compare; exit 1 on any difference
    python examples/classroom/record.py examples/classroom/02-chicken.md

A lesson shows commands in fenced ```console blocks: a line ``$ tradegame ...`` followed
by its output, up to the next ``$`` line or the end of the block. A command expected to
fail ends with a shell comment naming its exit code, e.g. ``$ tradegame solve x.toml  # exit 2``;
any other non-zero exit, or an "internal error", stops the recorder: a lesson never
records a broken command. A fenced block whose info string carries ``file=NAME`` (for
example ```toml file=my-scenario.toml) is written to NAME before the commands run, as a
student would save it by copy and paste.

Each lesson's commands run in a fresh scratch folder that holds a link to the repository's
``examples/`` folder, so paths like ``examples/classroom/brinkmanship.toml`` work. The
lessons write their pictures into the scratch folder they name, ``/tmp/tradegame-lessons``
(`LESSON_OUTPUT`; a student makes it once with ``mkdir -p``, the recorder makes it
before running), with ``--force`` so a lesson can be run again; nothing is written into
the repository. When recording, the pictures a lesson writes are copied to
``examples/classroom/images/`` so lessons can show them.
tests/test_lessons.py uses the same functions to check every recorded output.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
IMAGES = HERE / "images"
PICTURE_SUFFIXES = (".png", ".svg")
#: the scratch folder the lessons name for the files they write
LESSON_OUTPUT = Path("/tmp/tradegame-lessons")

#: Run the real entry point (the `tradegame` console script's `main`) in a fresh interpreter.
BOOT = "from cli.app import main; main()"

_EXIT_MARK = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")
_FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([^\s`]*)\s*(.*)$")


@dataclass(frozen=True)
class Command:
    """One `$ tradegame ...` line of a lesson and the output recorded under it."""

    line: int  # 0-based index of the `$` line in the file
    text: str  # the command as typed, without `$ ` (continuations joined)
    expected_exit: int
    recorded: str  # output as recorded in the lesson (trailing whitespace stripped)
    span: tuple[int, int]  # [start, end) line indices of the recorded output


@dataclass(frozen=True)
class FileBlock:
    """A fenced block to save as a file before the commands run."""

    name: str
    content: str


@dataclass(frozen=True)
class Result:
    exit_code: int
    output: str


def lesson_files() -> list[Path]:
    """Every document whose commands are checked: the lessons and the homework guide."""
    files = sorted(HERE.glob("[0-9][0-9]-*.md"))
    guide = ROOT / "examples" / "your-own-game.md"
    return files + ([guide] if guide.exists() else [])


def normalize(text: str) -> str:
    """Strip trailing whitespace on every line and trailing blank lines."""
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def parse(text: str) -> tuple[list[Command], list[FileBlock]]:
    """The commands (with recorded outputs) and the file blocks of a lesson."""
    lines = text.split("\n")
    commands: list[Command] = []
    files: list[FileBlock] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, lang, info = m.group(2), m.group(3), m.group(4)
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        body = lines[i + 1 : end]
        name = re.search(r"file=(\S+)", info)
        if name:
            files.append(FileBlock(name.group(1), "\n".join(body) + "\n"))
        elif lang == "console":
            commands += _commands(body, i + 1)
        i = end + 1
    return commands, files


def _commands(body: list[str], offset: int) -> list[Command]:
    out = []
    k = 0
    while k < len(body):
        if not body[k].startswith("$ "):
            k += 1
            continue
        start = k
        text = body[k][2:]
        while text.endswith("\\") and k + 1 < len(body):
            k += 1
            text = text[:-1].rstrip() + " " + body[k].strip()
        k += 1
        out_start = k
        while k < len(body) and not body[k].startswith("$ "):
            k += 1
        expected = 0
        m = _EXIT_MARK.search(text)
        if m:
            expected = int(m.group(1))
            text = text[: m.start()]
        out.append(
            Command(
                line=offset + start,
                text=text.strip(),
                expected_exit=expected,
                recorded=normalize("\n".join(body[out_start:k])),
                span=(offset + out_start, offset + k),
            )
        )
    return out


def environment() -> dict[str, str]:
    """A stable environment: fixed width, no colour, the repository on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEGAME_")}
    env.update(
        COLUMNS="80", LINES="40", NO_COLOR="1", TERM="dumb", PYTHONHASHSEED="0",
        MPLBACKEND="Agg", PYTHONIOENCODING="utf-8",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.pop("FORCE_COLOR", None)
    return env


def run_command(text: str, workdir: Path, timeout: float = 120) -> Result:
    """Run one `tradegame ...` command line in workdir; stdout and stderr together."""
    argv = shlex.split(text)
    if not argv or argv[0] != "tradegame":
        raise ValueError(f"lesson commands must start with 'tradegame', got: {text}")
    for target in output_paths(text):
        if target.is_absolute():  # the lesson's scratch folder, made as the lesson tells students
            target.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [sys.executable, "-c", BOOT, *argv[1:]],
        cwd=workdir, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        timeout=timeout, check=False,
    )
    return Result(proc.returncode, normalize(proc.stdout.decode("utf-8", "replace")))


def output_paths(text: str) -> list[Path]:
    """The files a command writes (its ``-o`` / ``--output`` values)."""
    argv = shlex.split(text)
    out = []
    for k, arg in enumerate(argv):
        if arg in ("-o", "--output") and k + 1 < len(argv):
            out.append(Path(argv[k + 1]))
        elif arg.startswith("--output="):
            out.append(Path(arg.split("=", 1)[1]))
    return out


def scratch_folder() -> Path:
    """A fresh folder with `examples` linked to the repository's examples."""
    work = Path(tempfile.mkdtemp(prefix="tradegame-lesson-"))
    (work / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    return work


def run_lesson(path: Path) -> tuple[list[Command], list[Result], Path]:
    """Run a lesson's commands in order in a scratch folder; the folder is returned."""
    commands, files = parse(path.read_text(encoding="utf-8"))
    work = scratch_folder()
    for fb in files:
        (work / fb.name).write_text(fb.content, encoding="utf-8")
    results = [run_command(c.text, work) for c in commands]
    return commands, results, work


def problems(path: Path, commands: list[Command], results: list[Result]) -> list[str]:
    """Commands whose exit code is not the expected one or that hit an internal error."""
    out = []
    for c, r in zip(commands, results):
        where = f"{path.name}:{c.line + 1}: $ {c.text}"
        if "internal error" in r.output or "Traceback" in r.output:
            out.append(f"{where}\n  crashed: {r.output.splitlines()[-1] if r.output else ''}")
        elif r.exit_code != c.expected_exit:
            out.append(f"{where}\n  exit {r.exit_code}, expected {c.expected_exit}: {r.output[-300:]}")
    return out


def rewrite(text: str, commands: list[Command], results: list[Result]) -> str:
    """The lesson text with every command's recorded output replaced by the new one."""
    lines = text.split("\n")
    for c, r in sorted(zip(commands, results), key=lambda cr: cr[0].line, reverse=True):
        new = r.output.split("\n") if r.output else []
        lines[c.span[0] : c.span[1]] = new
    return "\n".join(lines)


def _copy_pictures(work: Path, commands: list[Command]) -> list[str]:
    copied = []
    written = [work / p for c in commands for p in output_paths(c.text)]  # absolute paths stay as they are
    for pic in sorted(set(written) | set(work.iterdir())):
        if pic.suffix.lower() in PICTURE_SUFFIXES and pic.is_file():
            IMAGES.mkdir(exist_ok=True)
            shutil.copyfile(pic, IMAGES / pic.name)
            copied.append(pic.name)
    return copied


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a.startswith("-") and a != "--check" for a in args):
        print("usage: python examples/classroom/record.py [--check] [LESSON.md ...]\n"
              "  re-run every lesson's commands and rewrite their recorded output (and pictures);\n"
              "  --check only reports the commands whose output differs (exit 1 if any)", file=sys.stderr)
        return 0 if any(a in ("-h", "--help") for a in args) else 2
    check = "--check" in args
    paths = [Path(a) for a in args if a != "--check"] or lesson_files()
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"record.py: no such lesson file: {missing[0]}", file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        commands, results, work = run_lesson(path)
        try:
            bad = problems(path, commands, results)
            if bad:
                print("\n".join(bad), file=sys.stderr)
                status = 1
                continue
            changed = [c for c, r in zip(commands, results) if c.recorded != r.output]
            if check:
                for c in changed:
                    print(f"{path}:{c.line + 1}: output differs: $ {c.text}", file=sys.stderr)
                status = status or (1 if changed else 0)
                continue
            new = rewrite(text, commands, results)
            if new != text:
                path.write_text(new, encoding="utf-8")
            pics = _copy_pictures(work, commands) if path.resolve().parent == HERE else []
            extra = f"; pictures: {', '.join(pics)}" if pics else ""
            print(f"{path}: {len(commands)} commands, {len(changed)} outputs updated{extra}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
