"""Input files are read with a byte budget, and only regular files are read at all.

`/dev/zero`, `/dev/urandom`, a link to `/dev/zero`, a FIFO (which would block a reader
until a writer comes), a socket and a directory must each end at once with one line and
exit 2; a file over the limit is refused without being read whole, whatever `st_size`
says. A blocking read would hang the test, so each CLI run here is done in a thread with
a generous join timeout: a hang fails the test instead of the suite.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from games.formats.bounded_read import read_limited, read_limited_text
from games.errors import InputError
from games.formats.nfg import MAX_FILE_BYTES
from games.model.scenarios import MAX_SCENARIO_BYTES
from tests.test_hostile_cli import _run_main

#: Seconds a run may take before it counts as hanging (far above the time it needs).
HANG = 60


def _run_bounded(args: list[str]):
    """`_run_main` in a daemon thread; a run still going after HANG seconds fails the test."""
    box: list = []
    worker = threading.Thread(target=lambda: box.append(_run_main(args)), daemon=True)
    worker.start()
    worker.join(HANG)
    assert box, f"tradegame {' '.join(args)} did not end (blocked or reading without bound)"
    return box[0]


def _refused(run, *fragments: str) -> None:
    assert run.exit_code == 2, (run.exit_code, run.stderr)
    lines = run.stderr.strip().split("\n")
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert not run.stdout.strip()


def _link(tmp_path: Path, name: str, to: str) -> Path:
    if not os.path.exists(to):
        pytest.skip(f"no {to} here")
    path = tmp_path / name
    path.symlink_to(to)
    return path


@pytest.mark.parametrize("suffix", [".nfg", ".efg", ".toml"])
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_links_to_endless_devices_are_refused_at_once(tmp_path, device, suffix):
    path = _link(tmp_path, f"game{suffix}", device)
    _refused(_run_bounded(["solve", str(path)]), str(path), "character device", "not a regular file")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_named_directly_are_refused(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    _refused(_run_bounded(["solve", device]), device, "character device")


@pytest.mark.parametrize("suffix", [".nfg", ".efg", ".toml"])
@pytest.mark.parametrize("command", ["solve", "explain", "show", "export", "compare"])
def test_a_fifo_does_not_block(tmp_path, suffix, command):
    path = tmp_path / f"pipe{suffix}"
    os.mkfifo(path)
    args = [command, str(path)] + (["baseline"] if command == "compare" else [])
    if command in ("show", "export") and suffix == ".efg":
        args = ["solve", str(path)]
    _refused(_run_bounded(args), str(path), "FIFO")


@pytest.mark.parametrize("suffix", [".nfg", ".efg", ".toml"])
def test_a_directory_and_a_socket_are_refused(tmp_path, suffix):
    folder = tmp_path / f"dir{suffix}"
    folder.mkdir()
    _refused(_run_bounded(["solve", str(folder)]), str(folder), "directory")
    sock_path = tmp_path / f"s{suffix}"
    if len(str(sock_path)) > 100:
        pytest.skip("socket path too long for AF_UNIX")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind(str(sock_path))
        _refused(_run_bounded(["solve", str(sock_path)]), str(sock_path), "socket")


def test_report_and_plot_refuse_a_fifo(tmp_path):
    pipe = tmp_path / "pipe.efg"
    os.mkfifo(pipe)
    _refused(_run_bounded(["report", str(pipe), "-o", str(tmp_path / "r.md"), "--no-pictures"]), "FIFO")
    _refused(_run_bounded(["plot", "tree", str(pipe), "-o", str(tmp_path / "t.png")]), "FIFO")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.efg"]


@pytest.mark.parametrize(("suffix", "limit"), [(".nfg", MAX_FILE_BYTES), (".efg", MAX_FILE_BYTES), (".toml", MAX_SCENARIO_BYTES)])
def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path, suffix, limit):
    path = tmp_path / f"huge{suffix}"
    with open(path, "wb") as fh:
        fh.truncate(20 * 10**9)  # 20 GB of holes: reading it whole would take minutes
    _refused(_run_bounded(["solve", str(path)]), str(path), "larger than", f"{limit / 1e6:g} MB")


def test_a_file_just_over_the_limit_is_refused_and_one_at_it_is_read(tmp_path):
    path = tmp_path / "x.toml"
    path.write_bytes(b"#" * 11)
    assert read_limited(path, 11) == b"#" * 11
    with pytest.raises(InputError, match="larger than 10 bytes"):
        read_limited(path, 10)


def test_the_budget_holds_when_the_size_is_not_known_in_advance():
    """Files under /proc report st_size 0 but have content: the budget, not the size, stops the read."""
    maps = Path("/proc/self/maps")
    if not maps.exists() or maps.stat().st_size != 0:
        pytest.skip("no zero-size /proc file here")
    assert len(read_limited(maps, 10**7)) > 100
    with pytest.raises(InputError, match="larger than 100 bytes"):
        read_limited(maps, 100)


def test_binary_data_and_missing_files_are_one_line_errors(tmp_path):
    path = tmp_path / "bin.nfg"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="UTF-8"):
        read_limited_text(path, 100, "a .nfg game file")
    with pytest.raises(InputError, match="cannot read file"):
        read_limited_text(tmp_path / "missing.nfg", 100)


def test_a_regular_file_through_a_symlink_is_read(tmp_path):
    real = tmp_path / "real.nfg"
    real.write_text('NFG 1 R "pd" { "A" "B" } { 2 2 }\n3 3 0 5 5 0 1 1\n')
    link = tmp_path / "link.nfg"
    link.symlink_to(real)
    run = _run_bounded(["solve", str(link), "--format", "json"])
    assert run.exit_code == 0, run.stderr


def test_a_dangling_symlink_input_is_named_as_such(tmp_path):
    link = tmp_path / "gone.efg"
    link.symlink_to(tmp_path / "nowhere.efg")
    _refused(_run_bounded(["solve", str(link)]), str(link), "symbolic link to a file that does not exist")
    _refused(_run_bounded(["solve", str(tmp_path / "missing.nfg")]), "No such file or directory")
