"""Write the file named by ``-o/--output`` (or ``--plot``) safely; every command uses this module.

The rules, documented in docs/trust.md:

- Only regular files are written. A device, a FIFO, a socket or a directory as the target
  is refused with one line (exit 2), with or without ``--force`` (``-o /dev/null --force``
  run as root would otherwise replace ``/dev/null`` for every program on the machine). A
  symbolic link leading to one of those is refused too.
- A name that exists — a dangling symbolic link included (``lstat``) — is refused without
  ``--force``. With ``--force`` a regular file or a symbolic link is replaced by the new
  file (the link itself, not what it points to).
- The text is written to a temporary file in the target's folder, which becomes the target
  only when complete: nothing half-written is left on failure or interruption.
- Without ``--force`` the target is created exclusively (``os.link`` of the temporary
  file, which fails if the name exists), so of several concurrent writers to one new name
  exactly one succeeds. With ``--force`` the last complete file wins (``os.replace``).
- Every file gets the mode a new file gets from the umask (0666 & ~umask), whatever
  command wrote it.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from games.formats.bounded_read import kind_of
from games.errors import InputError, clip

#: link() failures that mean "this file system has no hard links", not "the name exists".
_NO_HARD_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, getattr(errno, "ENOTSUP", -1), getattr(errno, "EOPNOTSUPP", -1)}


def file_mode() -> int:
    """The permission bits of a newly created file under the current umask (0666 & ~umask)."""
    try:  # Linux reports the umask without changing it (os.umask is process-wide, not thread-safe)
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _cannot(option: str, path: Path, exc: BaseException) -> InputError:
    reason = getattr(exc, "strerror", None) or str(exc)
    return InputError(f"option {option}: cannot write {clip(path, 1000)} ({reason})")


def check_output(path: Path, force: bool, option: str = "--output", probe: bool = True) -> None:
    """Refuse a target that is not a regular file, exists without force, or has no folder.

    Called before the work starts (so a long run is not wasted, and nothing is printed
    before a refusal), then again just before the finished file takes the target's name.
    With `probe`, a temporary file is created and removed in the folder, so a folder that
    cannot be written (read-only, permission denied, /sys) is refused up front too.
    """
    shown = clip(path, 1000)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise _cannot(option, path, exc) from None
    if info is not None:
        mode = info.st_mode
        if stat.S_ISLNK(mode):
            try:
                mode = os.stat(path).st_mode
            except OSError:  # a dangling link exists all the same
                mode = stat.S_IFREG
        if not stat.S_ISREG(mode):
            raise InputError(
                f"option {option}: {shown} is {kind_of(mode)}; tradegame writes only regular files, "
                "even with --force (choose a file name)"
            )
        if not force:
            what = "exists (a symbolic link)" if stat.S_ISLNK(info.st_mode) else "exists"
            raise InputError(f"option {option}: {shown} {what}; pass --force to overwrite it")
    folder = Path(path).parent
    if not folder.is_dir():
        raise InputError(f"option {option}: folder {clip(folder, 1000)} does not exist")
    if probe:
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tradegame-probe.", suffix=".tmp")
            os.close(fd)
            os.unlink(tmp)
        except (OSError, ValueError) as exc:
            raise _cannot(option, path, exc) from None


def _publish(tmp: str, path: Path, force: bool, option: str) -> None:
    """Give the complete temporary file the target's name: exclusively, or replacing (force)."""
    check_output(path, force, option, probe=False)
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise InputError(f"option {option}: {clip(path, 1000)} exists; pass --force to overwrite it") from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        # No hard links here: claim the name exclusively, then move the finished file onto it.
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise InputError(f"option {option}: {clip(path, 1000)} exists; pass --force to overwrite it") from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


@contextmanager
def open_output(path: Path, force: bool, option: str = "--output", binary: bool = False) -> Iterator[IO]:
    """A file object to write the output into; on success it becomes `path` (see the module rules).

    On any error, or if the body raises, the temporary file is removed and `path` is
    untouched. Errors of the file system become one-line `InputError`s naming the option.
    """
    path = Path(path)
    check_output(path, force, option, probe=False)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp")
    except (OSError, ValueError) as exc:
        raise _cannot(option, path, exc) from None
    try:
        if hasattr(os, "fchmod"):  # POSIX; elsewhere the platform's default applies
            os.fchmod(fd, file_mode())
        if binary:
            fh = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        with fh:
            yield fh
        _publish(tmp, path, force, option)
    except OSError as exc:
        _discard(tmp)
        raise _cannot(option, path, exc) from None
    except BaseException:
        _discard(tmp)
        raise


def write_output(path: Path, data: str | bytes, force: bool, option: str = "--output") -> None:
    """Write text (UTF-8) or bytes to path, safely (see the module rules)."""
    with open_output(path, force, option, binary=isinstance(data, bytes)) as fh:
        fh.write(data)


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
