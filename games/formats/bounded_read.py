"""Read a user's input file with a byte budget, refusing anything that is not a regular file.

A size check on ``st_size`` alone is not enough: it is 0 for ``/dev/zero``, for a FIFO and
for many files under ``/proc``, and a file can grow while it is read. So the file is
checked with ``os.stat`` before it is opened (a FIFO opened for reading would block until
a writer appears; a device could stream forever), opened with ``O_NONBLOCK``, checked
again on the open descriptor, and read in chunks until the budget is exceeded — at most
``limit + 1`` bytes, whatever the file is. A file far over the limit is refused after
reading the limit at most, usually at once from its size.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from games.errors import InputError, clip

#: Bytes read per system call.
CHUNK = 1 << 20


def kind_of(mode: int) -> str:
    """A short name for what a file mode describes: 'a directory', 'a FIFO', ..."""
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _megabytes(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit:,} bytes"


def read_limited(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file at path, at most `limit`; else an `InputError`.

    `what` names the expected file in messages (for example "a .nfg game file").
    Symbolic links are followed, but what they lead to must be a regular file.
    """
    shown = clip(path, 1000)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        dangling = os.path.islink(path)
        reason = "a symbolic link to a file that does not exist" if dangling else "No such file or directory"
        raise InputError(f"{shown}: cannot read file ({reason})") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise InputError(f"{shown}: cannot read file ({getattr(exc, 'strerror', None) or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{shown}: {kind_of(info.st_mode)}, not a regular file; expected {what}")
    if info.st_size > limit:
        raise InputError(f"{shown}: file is larger than {_megabytes(limit)}, the limit for {what}")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"{shown}: cannot read file ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)  # the file may have been swapped between stat and open
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{shown}: {kind_of(info.st_mode)}, not a regular file; expected {what}")
        data = bytearray()
        while len(data) <= limit:
            chunk = os.read(fd, min(CHUNK, limit + 1 - len(data)))
            if not chunk:
                break
            data += chunk
    except OSError as exc:
        raise InputError(f"{shown}: cannot read file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(f"{shown}: file is larger than {_megabytes(limit)}, the limit for {what}")
    return bytes(data)


def read_limited_text(path: str | Path, limit: int, what: str = "file") -> str:
    """`read_limited` decoded as UTF-8; binary data is refused with one line.

    A leading byte-order mark (what some Windows editors put before UTF-8 text) is dropped:
    kept, it made every reader fail on its first character with a message about the
    format ("not valid TOML", "expected 'NFG' at the start") instead of reading the file."""
    data = read_limited(path, limit, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{clip(path, 1000)}: expected {what} in UTF-8 text, found binary data") from None
