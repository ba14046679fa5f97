"""cli.sweep_spool: each process appends to its own spool file; pieces say where rows are."""

import multiprocessing
import os

import pytest

from cli.sweep_spool import Piece, SpooledRows, append_to_spool, close_spools

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")


def _in_child(fn):
    """fn() run in a forked process; what it returned (through a pipe)."""
    reader, writer = multiprocessing.get_context("fork").Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:
        try:
            writer.send(fn())
        finally:
            os._exit(0)
    writer.close()
    value = reader.recv()
    os.waitpid(pid, 0)
    return value


def test_pieces_follow_one_another_in_a_process_file(tmp_path):
    directory = str(tmp_path)
    a = append_to_spool(directory, b"first\n")
    b = append_to_spool(directory, "sécond\n".encode())
    close_spools(directory)
    assert a == Piece(a.path, 0, 6) and b == Piece(a.path, 6, len("sécond\n".encode()))
    assert open(a.path, "rb").read() == "first\nsécond\n".encode()
    c = append_to_spool(directory, b"again")  # a closed spool is opened again, appending
    close_spools(directory)
    assert c == Piece(a.path, a.length + b.length, 5)


@needs_fork
def test_a_forked_process_appends_to_a_file_of_its_own(tmp_path):
    directory = str(tmp_path)
    mine = append_to_spool(directory, b"parent rows\n")  # open here before the fork: inherited
    theirs = _in_child(lambda: append_to_spool(directory, b"child rows\n"))
    close_spools(directory)
    assert theirs.path != mine.path and theirs.offset == 0
    assert open(mine.path, "rb").read() == b"parent rows\n"
    assert open(theirs.path, "rb").read() == b"child rows\n"


@needs_fork
def test_rows_stay_bytes_at_home_and_become_pieces_elsewhere(tmp_path):
    rows = SpooledRows(lambda *args: b"x", str(tmp_path))
    assert rows.deliver(b"home rows") == b"home rows"
    piece = _in_child(lambda: rows.deliver(b"away rows"))
    assert isinstance(piece, Piece) and open(piece.path, "rb").read() == b"away rows"
