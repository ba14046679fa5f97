"""cli.forks.forked_map: every task once, in this process and forked ones; errors and early stops."""

import multiprocessing
import os
import time

import pytest

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")

from cli.forks import PIPE_BYTES, forked_map  # noqa: E402

PARENT = os.getpid()


def _square_slowly(task: int) -> tuple[int, int, int]:
    time.sleep(0.005)
    return task, task * task, os.getpid()


def test_every_task_once_in_both_processes():
    results = list(forked_map(_square_slowly, range(60), 2))
    assert sorted(t for t, _, _ in results) == list(range(60))
    assert all(sq == t * t for t, sq, _ in results)
    pids = {pid for _, _, pid in results}
    assert PARENT in pids and len(pids) == 2
    assert multiprocessing.active_children() == []


def test_three_processes_and_one():
    assert len({pid for _, _, pid in forked_map(_square_slowly, range(90), 3)}) == 3
    assert {pid for _, _, pid in forked_map(_square_slowly, range(5), 1)} == {PARENT}
    assert list(forked_map(_square_slowly, [], 2)) == []


def _where(task: int) -> tuple[int, int]:
    return os.getpid(), len(multiprocessing.active_children())


def test_no_process_is_started_for_a_single_task():
    """A sweep of one block with --workers 2 runs it here, without forking for nothing."""
    assert list(forked_map(_where, [0], 2)) == [(PARENT, 0)]
    assert list(forked_map(_where, [0], 4)) == [(PARENT, 0)]
    assert multiprocessing.active_children() == []


def test_no_more_processes_than_tasks():
    results = list(forked_map(_square_slowly, range(2), 4))
    assert sorted(t for t, _, _ in results) == [0, 1]
    assert len({pid for _, _, pid in results}) <= 2


def test_results_larger_than_the_pipe_arrive_whole():
    def big(task: int) -> bytes:
        return bytes([task % 256]) * (3 * PIPE_BYTES + task)

    results = list(forked_map(big, range(8), 2))
    assert sorted((len(r), r[0]) for r in results) == [(3 * PIPE_BYTES + t, t) for t in range(8)]


def _fails_elsewhere(task: int) -> int:
    time.sleep(0.002)
    if os.getpid() != PARENT and task >= 3:
        raise ValueError(f"task {task} failed in a started process")
    return task


def test_an_error_in_a_started_process_is_raised_here_and_the_others_stop():
    with pytest.raises(ValueError, match="failed in a started process"):
        list(forked_map(_fails_elsewhere, range(200), 2))
    assert multiprocessing.active_children() == []


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("no pickling")


def _fails_unpicklably(task: int) -> int:
    if os.getpid() != PARENT:
        raise _Unpicklable("the words survive")
    time.sleep(0.01)
    return task


def test_an_exception_that_does_not_pickle_comes_back_as_its_words():
    with pytest.raises(RuntimeError, match="_Unpicklable: the words survive"):
        list(forked_map(_fails_unpicklably, range(50), 2))


def _dies_elsewhere(task: int) -> int:
    time.sleep(0.005)
    if os.getpid() != PARENT and task >= 3:
        os.kill(os.getpid(), 9)  # as the kernel's out-of-memory killer would
    return task


def _exits_quietly_elsewhere(task: int) -> int:
    time.sleep(0.005)
    if os.getpid() != PARENT and task >= 3:
        os._exit(0)  # ends with a zero status but without its task's result
    return task


@pytest.mark.parametrize("fn", [_dies_elsewhere, _exits_quietly_elsewhere])
def test_a_started_process_that_ends_without_its_results_is_an_error(fn):
    """A process killed mid-task (or ending early) must not silently lose the task it took:
    the map raises instead of giving fewer results than tasks."""
    from games.errors import SolverError

    with pytest.raises(SolverError, match="worker process"):
        list(forked_map(fn, range(100), 2))
    assert multiprocessing.active_children() == []


def test_a_started_process_stops_quietly_when_nobody_reads_or_its_parent_is_gone():
    """A started process whose parent has ended (it was reparented) takes no more tasks, and
    one whose results can no longer be sent (the reading end closed) ends without raising,
    so no traceback is printed from an orphaned worker after the command has ended."""
    from multiprocessing import Pipe

    from cli.forks import _work

    calls = []

    def record(task):
        calls.append(task)
        return task

    tasks, taken = list(range(5)), iter(range(10))
    reader, writer = Pipe(duplex=False)
    _work(record, tasks, lambda: next(taken), writer, parent=os.getppid() + 1)
    assert calls == []  # not its parent: it never started a task
    reader.close()

    reader, writer = Pipe(duplex=False)
    reader.close()
    _work(record, tasks, lambda: next(taken), writer, parent=os.getppid())  # raised BrokenPipeError before
    assert calls == [0]


def test_closing_early_stops_the_started_processes():
    results = forked_map(_square_slowly, range(10_000), 2)
    next(results)
    results.close()
    assert multiprocessing.active_children() == []


def test_the_executor_path_shares_tasks_too():
    """Where processes cannot be forked an executor takes tasks while few wait, this process
    the rest (cli.sweep_cmd._shared; a thread pool stands in for the process pool)."""
    from concurrent.futures import ThreadPoolExecutor

    from cli.sweep_cmd import _shared

    with ThreadPoolExecutor(1) as pool:
        results = list(_shared(pool, _square_slowly, range(30), 2))
    assert sorted(t for t, _, _ in results) == list(range(30))



def test_a_counter_left_held_by_a_dead_process_is_noticed(monkeypatch):
    """The shared task counter's lock, held by a process that died (killed between taking
    the lock and freeing it), would never be free again: a waiting process checks, every
    LOCK_PATIENCE seconds, that the one that may hold it is alive."""
    from cli import forks

    monkeypatch.setattr(forks, "LOCK_PATIENCE", 0.02)
    context = multiprocessing.get_context("fork")
    counter, lock = context.RawValue("q", 5), context.Lock()
    assert forks._next_index(counter, lock, lambda: True) == 5 and counter.value == 6
    pid = os.fork()
    if pid == 0:  # takes the lock and dies holding it
        lock.acquire()
        os._exit(0)
    os.waitpid(pid, 0)
    checks: list[int] = []
    assert forks._next_index(counter, lock, lambda: checks.append(1) or len(checks) < 3) is None
    assert len(checks) == 3 and counter.value == 6


def test_the_map_does_not_hang_when_a_started_process_dies_holding_the_counter(monkeypatch):
    from cli import forks
    from games.errors import SolverError

    monkeypatch.setattr(forks, "LOCK_PATIENCE", 0.05)
    real = forks._next_index

    def dying_with_the_lock(counter, lock, others_alive):
        if os.getpid() != PARENT:
            lock.acquire()
            os.kill(os.getpid(), 9)
        return real(counter, lock, others_alive)

    monkeypatch.setattr(forks, "_next_index", dying_with_the_lock)
    with pytest.raises(SolverError, match="worker process"):
        list(forked_map(_square_slowly, range(50), 2))
    assert multiprocessing.active_children() == []
