"""`-o/--output` never writes over what is not a regular file, and creates files safely.

Every command that writes a file (export, sweep -o and --plot, plot, report) goes through
`cli.outfiles`. Checked here through the real entry point: devices, FIFOs, sockets,
directories and links to them are refused with one line and left as they were, with or
without --force; a dangling link counts as existing; files get the umask's mode; of
several concurrent writers to one new name exactly one succeeds.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import stat
import threading
from pathlib import Path

import pytest

from cli.outfiles import check_output, file_mode, open_output, write_output
from games.errors import InputError
from tests.test_hostile_cli import _run_main

#: One fast command per writer; each is given "-o PATH" (and --force where asked).
WRITERS = {
    "export": ["export", "stockholm-2025", "--to", "nfg"],
    "sweep": ["sweep", "--vary", "re_dependence=0:10:3"],
    "sweep-plot": ["sweep", "--vary", "re_dependence=0:10:3", "--plot"],
    "plot": ["plot", "matrix", "escalation-2025"],
    "report": ["report", "baseline", "--no-pictures"],
}
SUFFIX = {"export": ".nfg", "sweep": ".txt", "sweep-plot": ".png", "plot": ".png", "report": ".md"}


def _write_args(writer: str, path: Path, force: bool = False) -> list[str]:
    args = list(WRITERS[writer])
    if writer != "sweep-plot":
        args.append("-o")
    args.append(str(path))
    return args + (["--force"] if force else [])


def _one_line_error(run, *fragments: str) -> None:
    assert run.exit_code == 2, (run.exit_code, run.stderr)
    lines = run.stderr.strip().split("\n")
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in run.stderr


# ---------------------------------------------------------------- targets that are not files
def _char_device(path: Path) -> None:
    """A node like /dev/null (major 1, minor 3); needs root."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path):
    if len(str(path)) > 100:
        pytest.skip("socket path too long for AF_UNIX")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    return sock


def _directory(path: Path) -> None:
    path.mkdir()


MAKERS = {"device": _char_device, "fifo": _fifo, "socket": _socket, "directory": _directory}
KIND_WORDS = {"device": "character device", "fifo": "FIFO", "socket": "socket", "directory": "directory"}


def _identity(path: Path) -> tuple:
    info = os.lstat(path)
    return stat.S_IFMT(info.st_mode), info.st_ino, info.st_rdev


@pytest.mark.parametrize("kind", sorted(MAKERS))
@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_non_regular_targets_are_refused_even_with_force(tmp_path, kind, force, writer):
    target = tmp_path / f"t{SUFFIX[writer]}"
    keep = MAKERS[kind](target)
    before = _identity(target)
    try:
        run = _run_main(_write_args(writer, target, force))
    finally:
        if keep is not None:
            keep.close()
    _one_line_error(run, str(target), KIND_WORDS[kind])
    assert _identity(target) == before  # the node itself is untouched, not replaced
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


@pytest.mark.parametrize("kind", ["device", "fifo", "directory"])
def test_a_link_to_a_non_regular_file_is_refused(tmp_path, kind):
    node = tmp_path / "node"
    MAKERS[kind](node)
    before = _identity(node)
    link = tmp_path / "out.nfg"
    link.symlink_to(node)
    run = _run_main(_write_args("export", link, force=True))
    _one_line_error(run, "out.nfg", KIND_WORDS[kind])
    assert link.is_symlink() and _identity(node) == before


# ---------------------------------------------------------------- dangling links
def test_a_dangling_symlink_counts_as_existing(tmp_path):
    link = tmp_path / "out.nfg"
    link.symlink_to(tmp_path / "nowhere" / "x.nfg")
    run = _run_main(_write_args("export", link))
    _one_line_error(run, "exists", "--force")
    assert link.is_symlink()
    run = _run_main(_write_args("export", link, force=True))
    assert run.exit_code == 0, run.stderr
    assert not link.is_symlink() and link.read_text().startswith("NFG 1 R")
    assert not (tmp_path / "nowhere").exists()  # the link is replaced, nothing created through it


def test_existing_regular_file_needs_force_and_is_then_replaced(tmp_path):
    out = tmp_path / "out.nfg"
    out.write_text("old")
    _one_line_error(_run_main(_write_args("export", out)), "exists", "--force")
    assert out.read_text() == "old"
    assert _run_main(_write_args("export", out, force=True)).exit_code == 0
    assert out.read_text().startswith("NFG 1 R")


# ---------------------------------------------------------------- modes
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_every_output_file_gets_the_umask_mode(tmp_path, writer, umask):
    target = tmp_path / f"out{SUFFIX[writer]}"
    old = os.umask(umask)
    try:
        run = _run_main(_write_args(writer, target))
    finally:
        os.umask(old)
    assert run.exit_code == 0, run.stderr
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o666 & ~umask


def test_file_mode_reads_the_umask_without_changing_it():
    old = os.umask(0o027)
    try:
        assert file_mode() == 0o640
        assert os.umask(0o027) == 0o027
    finally:
        os.umask(old)


# ---------------------------------------------------------------- failures leave nothing behind
def test_an_error_while_writing_leaves_no_file(tmp_path):
    out = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        with open_output(out, force=False) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []
    out.write_text("kept")
    with pytest.raises(RuntimeError):
        with open_output(out, force=True) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")
    assert out.read_text() == "kept" and [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_target_that_turns_into_a_fifo_during_the_work_is_not_replaced(tmp_path):
    out = tmp_path / "out.csv"
    with pytest.raises(InputError, match="FIFO"):
        with open_output(out, force=True) as fh:
            fh.write("data")
            os.mkfifo(out)
    assert stat.S_ISFIFO(os.lstat(out).st_mode) and len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize("where", ["/sys", "/proc"])
def test_unwritable_places_are_bad_input_naming_option_and_path(where):
    if not os.path.isdir(where):
        pytest.skip(f"no {where} here")
    target = f"{where}/tradegame-test.nfg"
    run = _run_main(_write_args("export", Path(target)))
    _one_line_error(run, "option --output", target)
    assert not os.path.exists(target)


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(InputError, match="folder .* does not exist"):
        check_output(tmp_path / "no" / "x.nfg", force=True)


# ---------------------------------------------------------------- concurrency
def test_concurrent_threads_writing_one_new_file_exactly_one_wins(tmp_path):
    for round_ in range(5):
        out = tmp_path / f"out{round_}.txt"
        gate = threading.Barrier(8)
        results: list[str] = []

        def writer(k: int) -> None:
            gate.wait()
            try:
                write_output(out, f"writer {k}\n" * 1000, force=False)
                results.append(f"ok {k}")
            except InputError as exc:
                assert "exists" in str(exc)
                results.append("refused")

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wins = [r for r in results if r.startswith("ok")]
        assert len(wins) == 1 and len(results) == 8
        k = int(wins[0].split()[1])
        assert out.read_text() == f"writer {k}\n" * 1000  # one writer's whole file, not a mix
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"out{r}.txt" for r in range(5)]


def _export_in_child(target: str, gate, codes) -> None:
    gate.wait()
    run = _run_main(["export", "stockholm-2025", "--to", "nfg", "-o", target])
    codes.put(run.exit_code)


def test_concurrent_exports_in_processes_exactly_one_succeeds(tmp_path):
    ctx = multiprocessing.get_context("fork")
    for round_ in range(3):
        target = str(tmp_path / f"race{round_}.nfg")
        gate, codes = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_export_in_child, args=(target, gate, codes)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        got = sorted(codes.get(timeout=5) for _ in procs)
        assert got == [0, 2, 2, 2], got
        assert Path(target).read_text().startswith("NFG 1 R")
    assert len(list(tmp_path.iterdir())) == 3


def test_concurrent_forced_writers_leave_one_whole_file(tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("old\n")
    gate = threading.Barrier(6)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        gate.wait()
        try:
            write_output(out, f"writer {k}\n" * 5000, force=True)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    text = out.read_text()
    assert text in {f"writer {k}\n" * 5000 for k in range(6)}
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
