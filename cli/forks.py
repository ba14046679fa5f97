"""A map over this process and forked copies of it, for `tradegame sweep --workers N`.

The tasks are listed before the processes fork, and every process — this one and the
N − 1 forked — takes the next task from one shared counter as soon as it is free: no task
is sent anywhere, none waits in a queue for a process that is busy, and no thread in this
process competes with its own share of the work. Each started process sends back its
results through a pipe of its own (widened to 1 MB where Linux allows, so a process
rarely waits for this one to read), and this process reads them between its own tasks.

On the 2×2 sweep's blocks this gets about what halves fixed in advance get (see
`benchmarks/run.py --workers`), where an executor's queues and management thread lost
most of the second core; and unlike fixed halves, uneven tasks (graded games) stay
balanced. Where processes cannot be forked, `cli.sweep_cmd` uses an executor.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator

#: Bytes a result pipe may hold before its writer waits (Linux F_SETPIPE_SZ; a 2×2 sweep
#: task's regime codes are about 300 KB).
PIPE_BYTES = 1 << 20
#: Seconds a process waits for the shared task counter before it checks that the process
#: which may hold it is still alive (one killed while holding it would never free it).
LOCK_PATIENCE = 1.0


def forked_map(fn: Callable, tasks: Iterable, processes: int) -> Iterator:
    """fn over tasks in this process and processes - 1 forked ones; results as they are
    ready, not in task order. A task's exception is raised here (the others are stopped),
    and so is a `games.errors.SolverError` when a forked process ends without the results
    of the tasks it took (killed, say, by the out-of-memory killer): never fewer results
    than tasks. Closing the generator early stops the forked processes."""
    tasks = list(tasks)
    context = multiprocessing.get_context("fork")
    counter = context.RawValue("q", 0)
    lock = context.Lock()

    children: dict[Connection, multiprocessing.process.BaseProcess] = {}
    parent = os.getpid()

    def take() -> int:
        """The next task's index: in this process, an error if a started process died
        holding the counter (it would never be free again); in a started one, past the last
        task once this process has gone."""
        if os.getpid() == parent:
            index = _next_index(counter, lock, lambda: all(c.exitcode in (None, 0) for c in children.values()))
            if index is None:
                raise _lost("it died holding the shared task counter")
            return index
        index = _next_index(counter, lock, lambda: os.getppid() == parent)
        return len(tasks) if index is None else index

    received = 0
    try:
        for _ in range(min(processes, len(tasks)) - 1):  # none started for a task this process would take anyway
            reader, writer = context.Pipe(duplex=False)
            _widen(writer)
            child = context.Process(target=_work, args=(fn, tasks, take, writer, parent), daemon=True)
            child.start()
            writer.close()
            children[reader] = child
        while True:
            for value in _received(children, block=False):
                received += 1
                yield value
            index = take()
            if index >= len(tasks):
                break
            received += 1
            yield fn(tasks[index])
        while children:
            for value in _received(children, block=True):
                received += 1
                yield value
        if received != len(tasks):  # a process ended cleanly without the result of a task it took
            raise _lost(f"{len(tasks) - received} of {len(tasks)} tasks' results never came back")
    finally:
        for reader, child in children.items():  # stopped early (an error, or the consumer closed us)
            child.terminate()
            reader.close()
        for child in children.values():
            child.join()


def _work(fn: Callable, tasks: list, take: Callable[[], int], out: Connection, parent: int) -> None:
    """A forked process's loop: the next task until none is left, each result sent back.

    SIGTERM (the map stopping it) ends it at once, whatever handler the parent had; it
    stops taking tasks once the parent has gone (reparented), and a parent that no longer
    reads (gone, or stopped the map) ends it quietly rather than with a traceback."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        while os.getppid() == parent and (index := take()) < len(tasks):
            if not _send(out, (True, fn(tasks[index]))):
                return
    except BaseException as exc:  # sent back to be raised where the map was called
        _send(out, (False, exc))
    finally:
        out.close()


def _next_index(counter, lock, others_alive: Callable[[], bool]) -> int | None:
    """Take the next index from the shared counter; None if the lock stays held and
    others_alive() says the process that may hold it is gone (checked every LOCK_PATIENCE s)."""
    while not lock.acquire(timeout=LOCK_PATIENCE):
        if not others_alive():
            return None
    try:
        index = counter.value
        counter.value = index + 1
    finally:
        lock.release()
    return index


def _send(out: Connection, message: tuple) -> bool:
    """message sent to the map's process; False if it was not (a pipe nobody reads any
    more, or a value that does not pickle: then its words are sent as the error)."""
    try:
        out.send(message)
        return True
    except OSError:  # a broken pipe: the map's process has ended or stopped reading
        return False
    except Exception as exc:  # a result or an exception that does not pickle: its words
        bad = exc if message[0] else message[1]
        try:
            out.send((False, RuntimeError(f"{type(bad).__name__}: {bad}")))
        except OSError:
            pass
        return False


def _received(children: dict, block: bool) -> Iterator:
    """Results the started processes have sent (waiting for one if block); a process that
    has finished is joined and forgotten."""
    for reader in wait(list(children), timeout=None if block else 0):
        try:
            ok, value = reader.recv()
        except EOFError:  # no task left for it (it closed its end), or it died
            child = children.pop(reader)
            child.join()
            reader.close()
            if child.exitcode:  # killed (the out-of-memory killer, a signal) or crashed mid-task
                raise _lost(_ending(child.exitcode))
            continue
        if not ok:
            raise value
        yield value


def _lost(why: str) -> Exception:
    """The error of a started process that ended without sending the results of the tasks it
    took: their points would otherwise be silently missing."""
    from games.errors import SolverError

    return SolverError(f"--workers: a worker process ended before sending its results ({why}); "
                       "out of memory? try fewer workers")


def _ending(exitcode: int) -> str:
    if exitcode < 0:
        import signal

        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


def _widen(conn: Connection) -> None:
    """Let the pipe hold PIPE_BYTES where the platform allows; otherwise leave it."""
    try:
        import fcntl

        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass
