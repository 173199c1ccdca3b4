"""The folders a build of OUTPUT/NAME makes beside it, and removing those a killed build left.

A build writes its new set into OUTPUT/.NAME.PID.RANDOM.new and swaps it in (generator.build);
a build killed half-way leaves that folder (or, without an atomic exchange, .NAME.PID.RANDOM.old).
Light on imports: a build with nothing to do clears them too, without loading the plan model.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

from .errors import FileError

_SET_FOLDER = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]+\.(?:new|old)$")


def staging_folder(target: Path) -> Path:
    """A fresh sibling folder name for the next set of TARGET."""
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.new")


def remove_leftovers(target: Path) -> None:
    """Remove the unfinished or previous sets that builds of this plan killed mid-way left next to TARGET."""
    try:
        entries = list(target.parent.iterdir())
    except FileNotFoundError:
        return
    for entry in entries:
        match = _SET_FOLDER.match(entry.name)
        if not match or match["name"] != target.name or not entry.is_dir() or entry.is_symlink():
            continue
        if int(match["pid"]) != os.getpid() and process_alive(int(match["pid"])):
            continue  # another build of the same plan is running now
        remove_set(entry, "a set of guides an earlier build left")


def remove_set(folder: Path, what: str) -> None:
    """Remove a hidden set of guides; one that cannot be removed is the user's to remove, said plainly, since it may
    hold private files in clear (an earlier unsealed build) that nobody would look for there."""
    try:
        shutil.rmtree(folder)
    except OSError as error:
        reason = FileError.from_os_error(error).reason
        raise FileError(str(folder), f"{what} could not be removed from this hidden folder ({reason}: {error.filename}). "
                                     "It may hold private files in clear: remove it by hand") from None


def process_alive(pid: int) -> bool:
    """Whether a process with this id is running (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
