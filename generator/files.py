"""Reading the user's files safely: only regular files, never a pipe or a device that would block or never end.

A plan, a picture next to it or a recorded input of the build cache may be a FIFO
(`mkfifo pipe.png`) or a device (`/dev/zero`); opening one for reading waits for a
writer or reads forever. Every file the tool reads on behalf of a plan is opened
here: without blocking, then checked with fstat() on the open descriptor (so a file
swapped for a FIFO after a stat() check is still caught).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

_CHUNK = 1 << 20


class NotRegularFile(OSError):
    """The path names a folder, a pipe, a socket or a device, not a regular file."""


def _open_regular(path: Path) -> int:
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "it is not a regular file (a folder, a pipe or a device)", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def read_regular(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file (at most limit + 1 when a limit is given); NotRegularFile otherwise."""
    with os.fdopen(_open_regular(Path(path)), "rb") as handle:
        return handle.read() if limit is None else handle.read(limit + 1)


def sha256_regular(path: str | Path) -> str:
    """SHA-256 of a regular file's content; NotRegularFile for anything else."""
    digest = hashlib.sha256()
    with os.fdopen(_open_regular(Path(path)), "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def real_path(path: str | Path) -> Path:
    """PATH with every symlink followed, like Path.resolve(), but a symlink loop stays a path (reading it then fails
    with ELOOP, said in plain words) instead of raising RuntimeError."""
    return Path(os.path.realpath(path))
