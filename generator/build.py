"""Step 7, write: check a plan, render every edition into memory, then switch to the new set in one step.

    plans/NAME.yaml -> output/NAME/public.pdf, public.html      ("How to report" sheet)
                       output/NAME/volunteer.pdf, volunteer.html
                       output/NAME/private/responder.pdf       (directory 0700, files 0600)
                       output/NAME/private/responder.html
                       output/NAME/private/rota-ID.ics         (each responder's shifts)
                       output/NAME/.build.json                 (the build cache's record)

Nothing is written until every file of the set has been rendered (and has passed
the leak check), so a plan with errors, a refused picture or a crash leaves the
previous guides untouched. The new set (with the files of editions not rebuilt,
linked from the old set, and the cache record) is written into a fresh sibling
folder, output/.NAME.PID.RANDOM.new, which then takes the place of output/NAME in
one rename (renameat2 RENAME_EXCHANGE on Linux): a reader, or a build killed at any
moment, sees exactly the old set or exactly the new one. Folders left by a killed
build are removed by the next build of the plan.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Self

from generator import cache
from generator.check import check_plan
from generator.errors import FileError, PlanError, Problem
from generator.files import read_regular
from generator.plan.model import Audience, Plan
from generator.render.assets import AssetPolicy, RefusedResource
from generator.render.calendar import rota_calendars
from generator.render.edition import make_edition
from generator.render.html import (
    PAPER_SIZES,
    default_paper,
    render_html,
    source_date_epoch,
    templates_dir,
)
from generator.render.leaks import check_leaks
from generator.render.seal import check_passphrase, seal_html

PRIVATE_DIR = "private"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SHARED_FILE_MODE = 0o644


@dataclass(frozen=True)
class EditionSpec:
    """One row of the editions table: who reads it, its template, its files, whether it is private."""

    name: str
    audience: Audience
    template: str
    stem: str
    private: bool
    formats: tuple[str, ...] = ("pdf", "html")  # a printed-only output (a desk sheet, cards) says ("pdf",)

    def file(self, suffix: str) -> PurePosixPath:
        folder = PurePosixPath(PRIVATE_DIR) if self.private else PurePosixPath()
        return folder / f"{self.stem}.{suffix}"


# The editions `build` writes, in order. A new edition is a new row plus its template in templates/.
EDITIONS: dict[str, EditionSpec] = {
    spec.name: spec
    for spec in (
        EditionSpec("public", Audience.public, "public.html.j2", "public", private=False),
        EditionSpec("volunteer", Audience.volunteer, "volunteer.html.j2", "volunteer", private=False),
        EditionSpec("responder", Audience.responder, "responder.html.j2", "responder", private=True),
    )
}


@dataclass(frozen=True)
class RenderedFile:
    """A finished guide file, still in memory: what the leak check reads before anything is written."""

    path: PurePosixPath  # relative to output/NAME/, e.g. private/responder.pdf
    content: bytes
    audience: Audience
    private: bool
    kind: str  # "html", "pdf" or "ics"


def build_plan(
    path: str | Path,
    out_dir: str | Path = "output",
    editions: Iterable[str] | None = None,
    paper: str | None = None,
    *,
    on_warning: Callable[[Problem], None] | None = None,
    pdf: bool = True,
    passphrase: str | None = None,
    cache_options: dict[str, object] | None = None,
) -> list[Path]:
    """Build the guides of one plan into OUT_DIR/NAME/ and return the files written.

    With a passphrase the private HTML guide is sealed (encrypted, opens in a browser).
    `cache_options` are the options recorded in .build.json (generator.batch passes
    the ones it checks the record against). Raises PlanError (the same problems
    `check` prints) when the plan has errors, BuildError when a guide cannot be made
    (a refused resource, a leak, a short passphrase) and FileError when the output
    folder cannot be written; in every case the earlier guides are left as they were.
    """
    path = Path(path)
    if passphrase is not None:
        check_passphrase(passphrase)
    # Hashed before it is read: an edit saved during the build makes the record stale, never wrong.
    plan_digest = cache.fingerprint_plan(path)
    result = check_plan(path)
    errors = [p for p in result.problems if p.severity == "error"]
    if errors or result.plan is None:
        raise PlanError(result.problems)
    for problem in result.problems:
        if on_warning:
            on_warning(problem)
    plan = result.plan
    specs = select_editions(editions)
    paper_size = paper or default_paper(plan)
    if paper_size not in PAPER_SIZES:
        raise ValueError(f"paper must be one of {PAPER_SIZES}, not {paper_size!r}")
    if cache_options is None:
        cache_options = {"editions": sorted(editions) if editions else None, "paper": paper, "sealed": passphrase is not None}

    with OutputSet(Path(out_dir) / path.stem) as output:  # made before rendering: an unwritable folder fails at once
        policy = AssetPolicy(path.parent, templates_dir())
        try:
            files = render_editions(plan, path, specs, paper_size, pdf=pdf, policy=policy)
        except RefusedResource as refused:
            raise PlanError([locate_refusal(path, refused)]) from None
        check_leaks(plan, files)  # the last lock: after rendering, before writing
        if passphrase is not None:
            files = [seal_file(item, passphrase, plan) for item in files]
        print_ = cache.fingerprint(path, cache_options, uses=policy.used, plan_digest=plan_digest)
        record = cache.record_bytes(print_, {item.path.as_posix(): hashlib.sha256(item.content).hexdigest() for item in files})
        return output.commit(files, record, replaces_rota=any(spec.audience is Audience.responder for spec in specs))


def seal_file(item: RenderedFile, passphrase: str, plan: Plan) -> RenderedFile:
    """The private HTML guide, encrypted; every other file as it is."""
    if not (item.private and item.kind == "html"):
        return item
    sealed = seal_html(item.content.decode("utf-8"), passphrase, title="Sealed responder guide", lang=plan.event.languages[0])
    return replace(item, content=sealed.encode("utf-8"))


def locate_refusal(path: Path, refused: RefusedResource) -> Problem:
    """A refused file or address, reported where the plan names it (the first place it is written)."""
    try:
        text = read_regular(path).decode("utf-8", "replace")
    except OSError:
        text = ""
    index = text.find(refused.url) if refused.url else -1
    if index < 0:
        return Problem(str(path), 1, 1, str(refused))
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return Problem(str(path), line, column, str(refused))


def select_editions(names: Iterable[str] | None) -> list[EditionSpec]:
    if not names:
        return list(EDITIONS.values())
    unknown = [name for name in names if name not in EDITIONS]
    if unknown:
        raise ValueError(f"unknown edition {unknown[0]!r}; use one of {', '.join(EDITIONS)}")
    return [spec for key, spec in EDITIONS.items() if key in set(names)]


def render_editions(plan: Plan, plan_path: Path, specs: list[EditionSpec], paper: str, *, pdf: bool = True,
                    policy: AssetPolicy | None = None) -> list[RenderedFile]:
    """Every file of every edition, in memory. Prints PDFs (and imports WeasyPrint) only here; `pdf=False` for HTML only (serve)."""
    if pdf:
        from generator.render.pdf import (
            render_pdf,  # lazy: WeasyPrint is slow to import
        )

    policy = policy or AssetPolicy(plan_path.parent, templates_dir())
    source_date = source_date_epoch()
    files: list[RenderedFile] = []
    for spec in specs:
        edition = make_edition(plan, spec.audience)
        options = dict(paper=paper, policy=policy, template=spec.template, source_date=source_date)
        if pdf and "pdf" in spec.formats:
            printed = render_pdf(render_html(edition, medium="print", **options), policy, paper=paper)
            files.append(RenderedFile(spec.file("pdf"), printed, spec.audience, spec.private, "pdf"))
        if "html" in spec.formats:
            screen = render_html(edition, medium="screen", **options)
            files.append(RenderedFile(spec.file("html"), screen.encode("utf-8"), spec.audience, spec.private, "html"))
    if any(spec.audience is Audience.responder for spec in specs):
        # Each responder's shifts, to import into their own calendar (private: the rota is responder-only).
        for responder_id, calendar in rota_calendars(plan).items():
            files.append(RenderedFile(PurePosixPath(PRIVATE_DIR) / f"rota-{responder_id}.ics", calendar,
                                      Audience.responder, True, "ics"))
    return files


# --- the whole set, or nothing ---------------------------------------------------------

_SET_FOLDER = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]+\.(?:new|old)$")
_ROTA_FILE = re.compile(r"^private/rota-[^/]*\.ics$")
_RENAME_EXCHANGE = 2


class OutputSet:
    """The next set of OUTPUT/NAME, built in a sibling folder and swapped in with one rename.

    Entering makes the folder (so an unwritable output fails before anything is
    rendered) and removes what killed builds left; leaving without commit() removes
    the unfinished set. OS errors come out as FileError naming the path.
    """

    def __init__(self, target: Path):
        self.target = Path(target)
        self.staging = self.target.with_name(f".{self.target.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
        self._made: list[Path] = []

    def __enter__(self) -> Self:
        with _file_errors():
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

    def commit(self, files: list[RenderedFile], record: bytes, *, replaces_rota: bool) -> list[Path]:
        """Write the new set (files, the earlier files not rebuilt, the record), then swap it in; the files written."""
        with _file_errors():
            self._fill(files, record, replaces_rota)
            _swap(self.staging, self.target)
        self._made = []
        old = self.staging  # after the exchange it holds the previous set
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)
        _sync_folder(self.target.parent)
        return [self.target / item.path for item in files]

    def _fill(self, files: list[RenderedFile], record: bytes, replaces_rota: bool) -> None:
        new_names = {item.path.as_posix() for item in files} | {cache.RECORD}
        if self.target.is_dir():
            os.chmod(self.staging, stat.S_IMODE(self.target.stat().st_mode))
            _keep_earlier(self.target, self.staging, new_names, replaces_rota)
        if any(item.private for item in files):
            private = self.staging / PRIVATE_DIR
            private.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
            os.chmod(private, PRIVATE_DIR_MODE)  # also tighten a folder made by hand
        for item in files:
            _write_file(self.staging / item.path, item.content, PRIVATE_FILE_MODE if item.private else SHARED_FILE_MODE)
        _write_file(self.staging / cache.RECORD, record, PRIVATE_FILE_MODE)
        for folder in {(self.staging / item.path).parent for item in files}:
            _sync_folder(folder)
        _sync_folder(self.staging)


def _keep_earlier(old: Path, new: Path, replaced: set[str], replaces_rota: bool) -> None:
    """Link into the new set every earlier file this build does not replace (another edition's, the user's own)."""
    for folder, subfolders, names in os.walk(old):
        relative = Path(folder).relative_to(old)
        for sub in subfolders:
            (new / relative / sub).mkdir(exist_ok=True)
            os.chmod(new / relative / sub, stat.S_IMODE((Path(folder) / sub).stat().st_mode))
        for name in names:
            rel = (relative / name).as_posix()
            if rel in replaced or (name.startswith(".") and name.endswith(".tmp")) or (replaces_rota and _ROTA_FILE.match(rel)):
                continue  # rebuilt now, or a temporary file of an older version of the tool
            source, copy = Path(folder) / name, new / rel
            if source.is_symlink():
                os.symlink(os.readlink(source), copy)
                continue
            try:
                os.link(source, copy)
            except OSError:
                shutil.copy2(source, copy)


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
        if int(match["pid"]) != os.getpid() and _process_alive(int(match["pid"])):
            continue  # another build of the same plan is running now
        shutil.rmtree(entry, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


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
    """OS errors while writing the output become FileError (PATH: error: MESSAGE), the user's to fix."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: object) -> None:
        if isinstance(error, OSError) and not isinstance(error, FileError):
            raise FileError.from_os_error(error) from None


def exposed_to_git(out_dir: str | Path) -> bool:
    """True when OUT_DIR lies inside a git work tree that would not ignore the guides written there."""
    folder = Path(out_dir).resolve()
    existing = next((p for p in (folder, *folder.parents) if p.is_dir()), None)
    if existing is None:
        return False
    try:
        inside = subprocess.run(["git", "-C", str(existing), "rev-parse", "--is-inside-work-tree"],
                                capture_output=True, text=True, timeout=10)
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return False
        probe = folder / "plan" / PRIVATE_DIR / "responder.html"
        ignored = subprocess.run(["git", "-C", str(existing), "check-ignore", "-q", "--no-index", str(probe)],
                                 capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):  # no git: nothing to warn about
        return False
    return ignored.returncode == 1  # 0: ignored, 1: not ignored, 128: error
