"""Step 8, write: a set of guides written whole or not at all.

The new set (the files of this build, the files of editions not rebuilt linked from
the old set, and the cache record) is written into a fresh sibling folder,
output/.NAME.PID.RANDOM.new, which then takes the place of output/NAME in one rename
(renameat2 RENAME_EXCHANGE on Linux): a reader, or a build killed at any moment, sees
exactly the old set or exactly the new one. Folders left by a killed build are removed
by the next build of the plan (generator.sets).
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
import sys
from pathlib import Path
from typing import Self

from . import cache
from .errors import FileError
from .paths import PRIVATE_DIR
from .render.edition import is_guide_file, is_rota_file
from .render.rendered import RenderedFile
from .render.seal import is_sealed
from .sets import remove_leftovers, remove_set, staging_folder
from .stopping import raise_if_requested

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SHARED_FILE_MODE = 0o644
_RENAME_EXCHANGE = 2


class OutputSet:
    """The next set of OUTPUT/NAME, built in a sibling folder and swapped in with one rename.

    Entering makes the folder (so an unwritable output fails before anything is
    rendered) and removes what killed builds left; leaving without commit() removes
    the unfinished set. OS errors come out as FileError naming the path.
    """

    def __init__(self, target: Path):
        self.target = Path(target)
        self.staging = staging_folder(self.target)
        self._made: list[Path] = []

    def __enter__(self) -> Self:
        with _file_errors(self.target, self.staging):
            if self.target.exists() and not self.target.is_dir():  # a file of the user's: never swapped away
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(self.target))
            self._made = _make_folders(self.target.parent)
            remove_leftovers(self.target)
            os.mkdir(self.staging)  # 0777 less the umask, like any folder the user makes
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
        if exc_info[0] is not None:
            for folder in reversed(self._made):  # a failed first build leaves no empty output folder behind
                try:
                    folder.rmdir()
                except OSError:
                    break

    def commit(self, files: list[RenderedFile], record: bytes | None, *, replaces_rota: bool,
               drops_clear_private: bool = False, replaces: frozenset[str] = frozenset()) -> list[Path]:
        """Write the new set (files, the earlier files not rebuilt, the record), then swap it in; the files written.

        `record` None keeps the earlier record (the drill command adds a kit to a built set);
        `drops_clear_private` carries over from private/ none of the tool's files in clear (a sealed set; the user's own
        files there are theirs);
        `replaces`: the files of the editions built, wherever they were (EditionSpec.every_file): an earlier one
        this build did not write again is not carried over (a public report form once the form is private).
        """
        with _file_errors(self.target, self.staging):
            self._fill(files, record, replaces_rota, drops_clear_private, replaces)
            raise_if_requested()  # told to stop (SIGTERM...): the old set stays
            _swap(self.staging, self.target)
        self._made = []
        old = self.staging  # after the exchange it holds the previous set
        if old.is_symlink():  # OUT/NAME was a link: remove the link, never what it points to
            old.unlink()
        elif old.exists():
            remove_set(old, f"the new guides are in {self.target}, but the earlier set they replace")
        _sync_folder(self.target.parent)
        return [self.target / item.path for item in files]

    def _fill(self, files: list[RenderedFile], record: bytes | None, replaces_rota: bool, drops_clear_private: bool,
              replaces: frozenset[str]) -> None:
        new_names = {item.path.as_posix() for item in files} | ({cache.RECORD} if record is not None else set()) | replaces
        if self.target.is_dir():
            os.chmod(self.staging, stat.S_IMODE(self.target.stat().st_mode))
            _keep_earlier(self.target, self.staging, new_names, replaces_rota, drops_clear_private)
        private = self.staging / PRIVATE_DIR
        if any(item.private for item in files):
            private.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        if private.is_dir():  # also tighten a folder made by hand and the earlier files kept in it
            for directory, _, names in os.walk(private):
                os.chmod(directory, PRIVATE_DIR_MODE)
                for name in names:
                    if not os.path.islink(os.path.join(directory, name)):
                        os.chmod(os.path.join(directory, name), PRIVATE_FILE_MODE)
        for item in files:
            _write_file(self.staging / item.path, item.content, PRIVATE_FILE_MODE if item.private else SHARED_FILE_MODE)
        if record is not None:
            _write_file(self.staging / cache.RECORD, record, PRIVATE_FILE_MODE)
        for folder in {(self.staging / item.path).parent for item in files}:
            _sync_folder(folder)
        _sync_folder(self.staging)


def _keep_earlier(old: Path, new: Path, replaced: set[str], replaces_rota: bool, drops_clear_private: bool = False) -> None:
    """Link into the new set every earlier file this build does not replace (another edition's, the user's own)."""
    for folder, subfolders, names in os.walk(old):
        relative = Path(folder).relative_to(old)
        for sub in subfolders:
            (new / relative / sub).mkdir(exist_ok=True)
            os.chmod(new / relative / sub, stat.S_IMODE((Path(folder) / sub).stat().st_mode))
        for name in names:
            rel = (relative / name).as_posix()
            if rel in replaced or (name.startswith(".") and name.endswith(".tmp")) or (replaces_rota and is_rota_file(rel)) \
                    or (drops_clear_private and rel.startswith(f"{PRIVATE_DIR}/") and is_guide_file(rel)
                        and not _sealed_file(Path(folder) / name)):
                continue  # rebuilt now, a temporary file of an older version of the tool, or a private guide in clear
            source, copy = Path(folder) / name, new / rel
            if source.is_symlink():
                os.symlink(os.readlink(source), copy)
                continue
            try:
                os.link(source, copy)
            except OSError:
                shutil.copy2(source, copy)


def _sealed_file(path: Path) -> bool:
    return not path.is_symlink() and path.is_file() and is_sealed(path.name, path.read_bytes())


def _make_folders(folder: Path) -> list[Path]:
    """mkdir -p, returning the folders it made (outermost first)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    made = []
    for path in reversed(missing):
        path.mkdir(exist_ok=True)
        made.append(path)
    return made


def _write_file(path: Path, content: bytes, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    with os.fdopen(descriptor, "wb") as stream:
        os.fchmod(descriptor, mode)  # whatever the umask
        stream.write(content)
        stream.flush()
        os.fsync(descriptor)


def _sync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _swap(new: Path, target: Path) -> None:
    """Put NEW in TARGET's place in one step; afterwards NEW holds the previous set (or nothing)."""
    if not target.exists() and not target.is_symlink():
        os.rename(new, target)
        return
    if _exchange(new, target):
        return
    # No atomic exchange (not Linux, or a file system without it): TARGET is briefly absent, never mixed.
    old = target.with_name(new.name[: -len(".new")] + ".old")
    os.rename(target, old)
    os.rename(new, target)
    os.rename(old, new)


def _exchange(first: Path, second: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): True when done, False where the system does not offer it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_cwd = -100
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


class _file_errors:
    """OS errors while writing the output become FileError (PATH: error: MESSAGE), the user's to fix.

    An error without a file name (a write() on a full disk) is said of TARGET, the folder being written.
    """

    def __init__(self, target: Path, staging: Path):
        self.target = target
        self.staging = staging

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: object) -> None:
        if isinstance(error, OSError) and not isinstance(error, FileError):
            named = Path(os.fsdecode(error.filename)) if error.filename is not None else self.target
            if named.is_relative_to(self.staging):  # the hidden set being made: the user knows it as TARGET
                named = self.target / named.relative_to(self.staging)
            error.filename = str(named)
            raise FileError.from_os_error(error) from None
