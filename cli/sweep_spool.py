"""Where a sweep's CSV / JSON rows wait between being formatted and being written.

Rows are formatted a block at a time where the block is solved. With one process they
are appended to a temporary spool; with ``--workers`` each process appends the rows it
formatted to a spool file of its own (`SpooledRows`) and sends back only a `Piece` — which
file, where, how long — so hundreds of megabytes of text are neither pickled between
processes nor written a second time by the main one. `RowStore` keeps the pieces in point
order and copies them into the output at the end (or, for CSV written to a file, as they
come), in the kernel with ``os.sendfile`` where it can: the bytes do not pass through
this process.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, TextIO

#: Bytes read at a time where the kernel cannot copy (no sendfile, a stream without a file).
CHUNK = 1 << 20


@dataclass(frozen=True)
class Piece:
    """A run of rows (UTF-8 bytes) that the process which formatted them put in its spool file."""

    path: str
    offset: int
    length: int


#: This process's open spool file in each spool directory (keyed by process id too: a
#: forked process inherits the dictionary but must not append to its parent's file).
_APPENDING: dict[tuple[str, int], BinaryIO] = {}


def append_to_spool(directory: str, data: bytes) -> Piece:
    """Append data to this process's spool file in directory; where it now is."""
    key = (directory, os.getpid())
    try:
        fh = _APPENDING.get(key)
        if fh is None:
            fh = _APPENDING[key] = open(os.path.join(directory, f"rows-{os.getpid()}"), "ab")
        offset = fh.tell()
        fh.write(data)
        fh.flush()  # readable by the process that copies it out as soon as the piece is sent
    except OSError as exc:
        raise spool_error(os.path.dirname(directory) or directory, exc) from None
    return Piece(fh.name, offset, len(data))


def spool_error(directory: str, exc: OSError) -> Exception:
    """The error of a spool that cannot be written (a full disk, say): it names the temporary
    folder and how to choose another, rather than the output (whose folder may have room)."""
    from games.errors import SolverError, clip

    why = exc.strerror or type(exc).__name__
    return SolverError(
        f"sweep: cannot keep the rows in the temporary folder {clip(directory, 200)} ({why}); "
        "set TMPDIR to a folder with room"
    )


def close_spools(directory: str) -> None:
    """Close this process's spool file in directory (worker processes' close as they exit)."""
    fh = _APPENDING.pop((directory, os.getpid()), None)
    if fh is not None:
        fh.close()


@dataclass(frozen=True)
class SpooledRows:
    """A block formatter (giving UTF-8 bytes) whose tasks' rows stay in the spool file of the
    process that formatted them: `games.sweeps.sweep` calls ``deliver`` on a task's joined
    rows and sends back the `Piece` it returns. In the process that made it (``home``, the
    one writing the output) rows stay bytes: they go to the output with no detour."""

    formatter: Callable[..., bytes]
    directory: str
    home: int = field(default_factory=os.getpid)

    def __call__(self, *args) -> bytes:
        return self.formatter(*args)

    @property
    def joiner(self) -> bytes:
        return self.formatter.joiner

    @property
    def needs_spec(self) -> bool:
        return self.formatter.needs_spec

    def deliver(self, data: bytes) -> Piece | bytes:
        return data if os.getpid() == self.home else append_to_spool(self.directory, data)


class RowStore:
    """The sink of a sweep's rows (UTF-8 bytes or `Piece`s), in point order, blocks after the
    first preceded by separator.

    With ``out`` (a binary file), rows go straight into it as they come; otherwise they are
    kept — bytes in a temporary spool, pieces where they are — until `copy_to`. Use as a
    context manager (closes what it opened).
    """

    def __init__(self, separator: bytes = b"", out: BinaryIO | None = None) -> None:
        self.separator = separator
        self.out = out
        self.blocks = 0
        self._spool: BinaryIO | None = None
        self._readers: dict[str, int] = {}
        self._ranges: list[list[int]] = []  # [descriptor, offset, length], consecutive runs merged

    def __enter__(self) -> "RowStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for fd in self._readers.values():
            os.close(fd)
        self._readers.clear()
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def __call__(self, data: bytes | Piece) -> None:
        if not data or (isinstance(data, Piece) and not data.length):
            return
        if self.blocks and self.separator:
            self._add_bytes(self.separator)
        self.blocks += 1
        if isinstance(data, Piece):
            self._add_range(self._reader(data.path), data.offset, data.length)
        else:
            self._add_bytes(data)

    def _reader(self, path: str) -> int:
        fd = self._readers.get(path)
        if fd is None:
            fd = self._readers[path] = os.open(path, os.O_RDONLY)
        return fd

    def _add_bytes(self, data: bytes) -> None:
        if self.out is not None:
            self.out.write(data)
            return
        try:
            if self._spool is None:
                self._spool = tempfile.TemporaryFile("w+b")
            offset = self._spool.tell()
            self._spool.write(data)
        except OSError as exc:
            raise spool_error(tempfile.gettempdir(), exc) from None
        self._add_range(self._spool.fileno(), offset, len(data))

    def _add_range(self, fd: int, offset: int, length: int) -> None:
        if self.out is not None:
            self.out.flush()
            _copy_range(fd, offset, length, self.out)
            return
        last = self._ranges[-1] if self._ranges else None
        if last is not None and last[0] == fd and last[1] + last[2] == offset:
            last[2] += length
        else:
            self._ranges.append([fd, offset, length])

    def copy_to(self, fh: TextIO | BinaryIO) -> None:
        """Append the kept rows to fh: as bytes where fh is binary or has a byte buffer,
        else decoded as they go (a chunk may end inside a character)."""
        if self._spool is not None:
            try:
                self._spool.flush()
            except OSError as exc:
                raise spool_error(tempfile.gettempdir(), exc) from None
        out = fh if isinstance(fh, (io.RawIOBase, io.BufferedIOBase)) else getattr(fh, "buffer", None)
        if out is None:
            import codecs

            decoder = codecs.getincrementaldecoder("utf-8")()
            for fd, offset, length in self._ranges:
                for chunk in _chunks(fd, offset, length):
                    fh.write(decoder.decode(chunk))
            fh.write(decoder.decode(b"", final=True))
            return
        fh.flush()
        out.flush()
        for fd, offset, length in self._ranges:
            _copy_range(fd, offset, length, out)


def _chunks(fd: int, offset: int, length: int):
    end = offset + length
    while offset < end:
        chunk = os.pread(fd, min(CHUNK, end - offset), offset)
        if not chunk:
            raise OSError(f"a row spool ended {end - offset} bytes early")
        offset += len(chunk)
        yield chunk


def _copy_range(fd: int, offset: int, length: int, out: BinaryIO) -> None:
    """Bytes offset..offset+length of fd appended to out (flushed), in the kernel where possible."""
    if not sent_in_kernel(fd, offset, length, out):
        for chunk in _chunks(fd, offset, length):
            out.write(chunk)
        out.flush()


def sent_in_kernel(fd: int, offset: int, length: int, dst: BinaryIO) -> bool:
    """Append bytes offset..offset+length of the file fd to dst with os.sendfile, the bytes
    never passing through this process; False, having sent nothing, where that is not
    possible (no sendfile, a destination without a file descriptor or that refuses)."""
    if not hasattr(os, "sendfile"):
        return False
    try:
        dst_fd = dst.fileno()
    except (OSError, io.UnsupportedOperation, AttributeError):
        return False
    done = 0
    try:
        while done < length:
            sent = os.sendfile(dst_fd, fd, offset + done, length - done)
            if sent == 0:
                raise OSError(f"a row spool ended after {done} of {length} bytes")
            done += sent
    except OSError:
        if done:  # part of the rows already out: a real write error
            raise
        return False
    return True
