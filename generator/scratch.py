"""The one temporary folder of a command, removed when it ends, and what killed commands left.

Everything a command writes to the temporary folder goes into one private folder
(mode 0700), `$TMPDIR/incident-guide-PID-RANDOM/`: WeasyPrint's copies of the bundled
fonts, multiprocessing's sockets, the preview's built guides (`serve`). The process that
made it removes it when it exits (also after SIGTERM, SIGHUP or Ctrl-C: the command
turns them into an orderly stop, generator.stopping); worker processes use their
parent's folder (named in INCIDENT_GUIDE_SCRATCH) and never remove it. A command killed
outright (SIGKILL, power cut) leaves its folder: the next command that needs one removes
every such folder of this user whose process is gone.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from multiprocessing import util
from pathlib import Path

from .sets import process_alive

PREFIX = "incident-guide-"
ENVIRONMENT = "INCIDENT_GUIDE_SCRATCH"
_FOLDER = re.compile(rf"^{re.escape(PREFIX)}(?P<pid>\d+)-[A-Za-z0-9_]+$")
# Earlier versions' preview folders (no process id in the name): removed once nothing has been built in them for a day.
OLD_PREVIEW, OLD_PREVIEW_AGE = "incident-guide-preview-", 24 * 3600
SOCKET_ROOM = 107 - len("/pymp-12345678/listener-12345678")  # sun_path holds 108 bytes with the final NUL
_made: dict[int, Path] = {}  # by the pid of the process that made it


def folder() -> Path:
    """This command's private temporary folder, made on first use (a worker gets its parent's)."""
    pid = os.getpid()
    if pid in _made:
        return _made[pid]
    inherited = os.environ.get(ENVIRONMENT)
    if inherited and Path(inherited).is_dir() and multiprocessing.parent_process() is not None:
        return Path(inherited)  # a worker of the command (another command run from this one makes its own)
    for made in _made.values():  # a forked worker: its parent's folder, which the parent removes
        if made.is_dir():
            return made
    remove_leftovers()
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{pid}-", dir=_system_temp()))
    _made[pid] = path
    os.environ[ENVIRONMENT] = str(path)  # forkserver and spawned workers inherit it
    # At exit, after multiprocessing has removed its own folder (pymp-*, in this one when temporary_files() is on):
    # its finalizers run from one atexit handler, in order of priority, and its folder's is -100.
    util.Finalize(None, remove, args=(pid,), exitpriority=-101)
    return path


def remove(pid: int | None = None) -> None:
    """Remove the folder this process made (only in that process)."""
    pid = os.getpid() if pid is None else pid
    if pid != os.getpid() or pid not in _made:
        return
    path = _made.pop(pid)
    shutil.rmtree(path, ignore_errors=True)
    if os.environ.get(ENVIRONMENT) == str(path):
        del os.environ[ENVIRONMENT]


def remove_leftovers(under: Path | None = None) -> None:
    """Remove the folders of earlier commands of this user that were killed before they could."""
    try:
        entries = list((under or Path(_system_temp())).iterdir())
    except OSError:
        return
    for entry in entries:
        match = _FOLDER.match(entry.name)
        try:
            info = entry.lstat()
        except OSError:
            continue
        if match:
            if int(match["pid"]) == os.getpid() or process_alive(int(match["pid"])):
                continue
        elif not (entry.name.startswith(OLD_PREVIEW) and time.time() - info.st_mtime > OLD_PREVIEW_AGE):
            continue
        if info.st_uid == os.getuid() and stat.S_ISDIR(info.st_mode):
            shutil.rmtree(entry, ignore_errors=True)


def _system_temp() -> str:
    """The temporary folder the user chose ($TMPDIR...), even while tempfile points into ours."""
    saved = tempfile.tempdir
    tempfile.tempdir = None
    try:
        return tempfile.gettempdir()
    finally:
        tempfile.tempdir = saved


def remove_now() -> None:
    """Before ending without Python's exit (generator.stopping.exit_now): this folder, and multiprocessing's
    own (pymp-*) when it is elsewhere, as multiprocessing's exit would have removed it."""
    config = getattr(multiprocessing.current_process(), "_config", {})
    theirs = config.get("tempdir") if isinstance(config, dict) else None
    if isinstance(theirs, str) and Path(theirs).name.startswith("pymp-"):
        shutil.rmtree(theirs, ignore_errors=True)
    remove()


@contextlib.contextmanager
def temporary_files() -> Iterator[Path]:
    """Within: the temporary files of this process (and its forked children) go into folder().

    Unless its path is too long for the socket multiprocessing makes in it (108 bytes at most: a deep
    $TMPDIR); then they go to $TMPDIR, where multiprocessing removes its own at exit, and so does remove_now().
    """
    path = folder()
    if len(os.fsencode(path)) > SOCKET_ROOM:
        yield path
        return
    saved, saved_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = str(path)
    # Programs it starts write there too: cffi's find_library runs gcc when WeasyPrint loads its libraries,
    # and a stop at that moment would leave gcc's files in $TMPDIR.
    os.environ["TMPDIR"] = str(path)
    try:
        yield path
    finally:
        tempfile.tempdir = saved
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
