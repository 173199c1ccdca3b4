"""Step 7, write: check a plan, render every edition into memory, then write the set atomically.

    plans/NAME.yaml -> output/NAME/public.pdf, public.html      ("How to report" sheet)
                       output/NAME/volunteer.pdf, volunteer.html
                       output/NAME/private/responder.pdf       (directory 0700, files 0600)
                       output/NAME/private/responder.html
                       output/NAME/private/rota-ID.ics         (each responder's shifts)
                       output/NAME/procedure.pdf               (the whole published procedure, when the plan makes parts public)
                       output/NAME/desk.pdf                    (one page per event day for the info desk)
                       output/NAME/cards.pdf                   (badge cards for attendees, eight to a sheet)
                       output/NAME/poster.pdf                  (one page to hang at the venue, A3 or tabloid)
                       output/NAME/report-form.pdf             (blank form; under private/ unless volunteers take reports)
                       output/NAME/private/resolution-record.pdf (how a report was resolved, for the team's records)
                       output/NAME/private/drill.pdf           (the tabletop drill kit)

Nothing is written until every file of the set has been rendered (and has passed
the leak check), so a plan with errors, a refused picture or a crash leaves the
previous guides untouched. The new set (with the files of editions not rebuilt,
linked from the old set, and the cache record .build.json) is written into a fresh
sibling folder, output/.NAME.PID.RANDOM.new, which then takes the place of
output/NAME in one rename (renameat2 RENAME_EXCHANGE on Linux): a reader, or a build
killed at any moment, sees exactly the old set or exactly the new one. Folders left by
a killed build are removed by the next build of the plan.

With a passphrase (`build --seal`) the private set is sealed before it is written:
responder.html encrypted with every rota-ID.ics inside it (download links, shown
after unlocking), responder.pdf encrypted (AES-256), and nothing an earlier unsealed
build left in clear in private/ carried over (even when only other editions are built),
so nothing private stays in clear. The
sealed page's lock screen goes through the leak check as a public page.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple, Self

from . import cache
from .assets import AssetPolicy, RefusedResource
from .check import check_plan
from .errors import FileError, PlanError, Problem, UserError, did_you_mean
from .files import read_regular
from .paths import PRIVATE_DIR, templates_dir
from .plan.load import SourceMap
from .plan.model import Audience, Plan, Scenario
from .printing import Printer, PrintTask, print_here, print_side_by_side
from .render.edition import EDITIONS, EditionSpec, drill_spec, make_edition
from .render.html import render_html
from .render.leaks import LeakSearch, check_leaks
from .render.paper import check_paper, default_paper
from .render.seal import check_passphrase, is_sealed, lock_screen, seal_files
from .render.source_date import source_date_epoch
from .render.words import plan_localizer
from .sets import remove_leftovers, staging_folder
from .stopping import raise_if_requested

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SHARED_FILE_MODE = 0o644


@dataclass(frozen=True)
class RenderedFile:
    """A finished guide file, still in memory: what the leak check reads before anything is written."""

    path: PurePosixPath  # relative to output/NAME/, e.g. private/responder.pdf
    content: bytes
    audience: Audience
    private: bool
    kind: str  # "html", "pdf" or "ics"
    sealable: bool = False  # encrypted by `build --seal`


def build_plan(path: str | Path, out_dir: str | Path = "output", editions: Iterable[str] | None = None, paper: str | None = None,
               **options: Any) -> list[Path]:
    """Build the guides of one plan into OUT_DIR/NAME/ (NAME: the plan's file name); `options` are build_into's."""
    return build_into(path, Path(out_dir) / Path(path).stem, editions, paper, **options)


def build_into(
    path: str | Path,
    target_dir: str | Path,
    editions: Iterable[str] | None = None,
    paper: str | None = None,
    *,
    on_warning: Callable[[Problem], None] | None = None,
    pdf: bool = True,
    passphrase: str | None = None,
    print_workers: int = 1,
    reuse: bool = False,
    on_edition: Callable[[cache.EditionPrint], None] | None = None,
    cache_options: dict[str, object] | None = None,
    printer: Printer | None = None,
    root: str | Path | None = None,
) -> list[Path]:
    """Build the guides of one plan into TARGET_DIR itself (its private/ folder included) and return the files written.

    With a passphrase the private set is sealed (the HTML guide opens in a browser, the PDFs in a PDF reader).
    `print_workers` > 1 prints the PDFs side by side in that many worker processes
    (`printer`, when given, prints them instead: generator.printing.PrintWorkers started early);
    `reuse` takes an edition's PDF from the previous set (TARGET_DIR/.build.json)
    when its print HTML and assets are unchanged; `on_edition` hears about each PDF.
    `cache_options` are the options recorded in .build.json (generator.batch passes
    the ones it checks the record against). Raises PlanError (the same problems
    `check` prints) when the plan has errors, BuildError when a guide cannot be made
    (a refused resource, a leak, a short passphrase) and FileError when the output
    folder cannot be written; in every case the earlier guides are left as they were.
    `root` is the plans' folder tree the shared plans it extends must be in (generator.plan.extends).
    """
    path = Path(path)
    if passphrase is not None:
        check_passphrase(passphrase)
    # Hashed before it is read: an edit saved during the build makes the record stale, never wrong.
    plan_digest = cache.fingerprint_plan(path)
    warnings: list[Problem] = []

    def warned(problem: Problem) -> None:
        warnings.append(problem)
        if on_warning:
            on_warning(problem)

    plan, source, draft, shared = checked_plan(path, warned, root)
    specs = select_editions(editions)
    paper_size = check_paper(paper) if paper else default_paper(plan)
    if cache_options is None:
        cache_options = {"editions": sorted(editions) if editions else None, "paper": paper, "sealed": passphrase is not None}
    target = Path(target_dir)
    previous = cache.read_record(target)

    def reused(name: str, key: str) -> bytes | None:
        return cache.reusable_pdf(target, previous, name, key)

    printed: list[cache.EditionPrint] = []

    def heard(edition: cache.EditionPrint) -> None:
        printed.append(edition)
        if on_edition:
            on_edition(edition)

    with OutputSet(target) as output:  # made before rendering: an unwritable folder fails at once
        policy = AssetPolicy(path.parent, templates_dir())
        search = LeakSearch(plan)  # each file is searched as it is made, while the PDFs print
        try:
            files = render_editions(plan, path, specs, paper_size, pdf=pdf, printer=printer or print_side_by_side(print_workers),
                                    reuse=reused if reuse else None, on_edition=heard, draft=draft, policy=policy,
                                    earlier_uses=previous.uses if previous else (), on_file=search.search)
        except RefusedResource as refused:
            raise PlanError([locate_refusal(path, refused, source)]) from None
        check_leaks(plan, files, source, search)  # the last lock: every file, after rendering, before writing
        sealed = passphrase is not None
        if passphrase is not None:
            files = seal_files(files, passphrase, plan)
            # the lock screen is readable by anyone holding the file: it may show public data only
            check_leaks(plan, [lock_screen(item) for item in files if item.private and item.kind == "html"], source)
        print_ = cache.fingerprint(path, cache_options, uses=policy.used, plan_digest=plan_digest, shared=shared)
        record = cache.record_bytes(print_, {item.path.as_posix(): hashlib.sha256(item.content).hexdigest() for item in files},
                                    printed, warnings)
        # A sealed set carries over from private/ only what is sealed (not what an unsealed build left in clear).
        responder = "responder" in {spec.name for spec in specs}
        return output.commit(files, record, replaces_rota=responder, drops_clear_private=sealed)


class CheckedPlan(NamedTuple):
    plan: Plan
    source: SourceMap | None  # positions in the plan, for the leak check's problems
    draft: bool  # placeholders or a starter's sample values left: DRAFT on every page
    shared: dict[str, str] = {}  # the shared plans it extends, real path -> SHA-256 of what was read (for the cache)


def checked_plan(path: Path, on_warning: Callable[[Problem], None] | None = None, root: str | Path | None = None) -> CheckedPlan:
    """The valid plan at `path`, its source positions and whether it is a draft; PlanError with every problem when it has errors."""
    result = check_plan(path, root)
    if result.note is not None and result.plan is None and not any(p.severity == "error" for p in result.problems):
        raise PlanError([Problem(str(path), 1, 1, "this is a shared plan (it has no `event:`): it is built through the events "
                                 "that extend it, never on its own",
                                 hint="build an event plan that starts with `extends:` naming this file, or the folder that holds them")])
    errors = [p for p in result.problems if p.severity == "error"]
    if errors or result.plan is None:
        raise PlanError(result.problems)
    for problem in result.problems:
        if on_warning:
            on_warning(problem)
    return CheckedPlan(result.plan, result.source, is_draft(result.problems), result.shared)


def build_drill(
    path: str | Path,
    out_dir: str | Path = "output",
    scenarios: Iterable[str] = (),
    audience: Audience = Audience.responder,
    paper: str | None = None,
    *,
    on_warning: Callable[[Problem], None] | None = None,
) -> list[Path]:
    """Print the drill kit for the chosen scenarios (default: all its audience may see) and return the file written.

    The volunteer-level kit (output/NAME/drill-volunteer.pdf) holds only scenarios marked
    for volunteers; the leak check holds it to the volunteer audience. Raises UserError
    for a scenario id the kit cannot use, PlanError and BuildError as build_plan does.
    """
    path = Path(path)
    plan, source, draft, _shared = checked_plan(path, on_warning)
    spec = drill_spec(audience)
    chosen = drill_scenarios(plan, list(scenarios), audience)
    paper = paper or default_paper(plan)
    with OutputSet(Path(out_dir) / path.stem) as output:  # made before rendering, as for a build
        try:
            files = render_editions(plan.model_copy(update={"scenarios": chosen}), path, [spec], paper, draft=draft)
        except RefusedResource as refused:
            raise PlanError([locate_refusal(path, refused)]) from None
        check_leaks(plan, files, source)  # secrets from the whole plan, not only the chosen scenarios
        return output.commit(files, None, replaces_rota=False)


def drill_scenarios(plan: Plan, wanted: list[str], audience: Audience) -> list[Scenario]:
    """The scenarios a drill kit for `audience` uses: those named, in that order, or every one it may see."""
    usable = [scenario for scenario in plan.scenarios if audience.allows(scenario.item_audience())]
    names = ", ".join(scenario.id for scenario in usable) or "none"
    if not usable:
        if audience is Audience.volunteer:
            raise UserError("no scenario in the plan is marked `audience: volunteer`, so there is nothing to drill at volunteer level",
                            hint="add `audience: volunteer` to the scenarios a volunteer may rehearse")
        raise UserError("the plan has no scenarios", hint="add `scenarios:` to the plan")
    if not wanted:
        return usable
    by_id = {scenario.id: scenario for scenario in usable}
    chosen = []
    for ident in dict.fromkeys(wanted):
        if ident not in by_id:
            known = any(scenario.id == ident for scenario in plan.scenarios)
            reason = "is for responders only" if known else "is not in the plan"
            raise UserError(f"scenario `{ident}` {reason}", hint=did_you_mean(ident, by_id) or f"this kit can use: {names}")
        chosen.append(by_id[ident])
    return chosen


def locate_refusal(path: Path, refused: RefusedResource, source: SourceMap | None = None) -> Problem:
    """A refused file or address, reported where the plan names it (the first place it is written);
    in a shared plan the plan extends, when only that names it."""
    try:
        text = read_regular(path).decode("utf-8", "replace")
    except OSError:
        text = ""
    texts = source.texts if source is not None and refused.url and refused.url not in text else {}
    for shared, shared_text in texts.items():
        if shared != str(path) and refused.url and refused.url in shared_text:
            found = locate_refusal(Path(shared), refused)
            return Problem(found.file, found.line, found.column, found.message, via=str(path))
    # where the url is a link's or a picture's target (`](url`, `src="url`, `[ref]: url`), else anywhere
    named = re.search(r"(?:\]\(\s*<?|\]:[ \t]*<?|\bsrc\s*=\s*\\?[\"']?)(" + re.escape(refused.url) + ")", text) if refused.url else None
    index = named.start(1) if named else text.find(refused.url) if refused.url else -1
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


def is_draft(problems: Iterable[Problem]) -> bool:
    """A plan still holding placeholders or a starter's sample values is printed with DRAFT on every page."""
    return any(problem.rule == "PLACEHOLDER" for problem in problems)


def render_editions(plan: Plan, plan_path: Path, specs: list[EditionSpec], paper: str, *, pdf: bool = True,
                    printer: Printer | None = None, reuse: Callable[[str, str], bytes | None] | None = None,
                    on_edition: Callable[[cache.EditionPrint], None] | None = None, draft: bool = False,
                    policy: AssetPolicy | None = None, earlier_uses: Iterable[str] = (),
                    on_file: Callable[[RenderedFile], None] | None = None) -> list[RenderedFile]:
    """Every file of every edition, in memory; `pdf=False` for HTML only (serve).

    First every edition's HTML (screen, and print where it has a PDF), then the PDFs in
    one go: `reuse(name, key)` may hand back the PDF an earlier build printed from the
    same print HTML and assets (generator.cache.edition_key); the rest go together to
    `printer` (default: here, one after the other), which may print them side by side.
    `on_edition` hears, for each PDF, what it was made from and whether it was reused;
    `on_file` gets each file as soon as it is finished (the leak check's search), the
    screen HTML and calendars while the PDFs print, each PDF as it comes back.
    """
    policy = policy or AssetPolicy(plan_path.parent, templates_dir())
    source_date = source_date_epoch()
    # rows whose level the plan sets take it now; a row with nothing to print (no report form, no venue for a desk sheet) is dropped
    specs = [spec.for_plan(plan) for spec in specs if spec.exists_for(plan)]
    prints: dict[str, str] = {}
    finished: dict[PurePosixPath, RenderedFile] = {}

    def finish(item: RenderedFile) -> None:
        finished[item.path] = item
        if on_file:
            on_file(item)

    def options(spec: EditionSpec) -> dict[str, Any]:
        return dict(paper=paper, policy=policy, template=spec.template, source_date=source_date, draft=draft)

    editions = {spec.name: make_edition(plan, spec.audience, spec.name) for spec in specs}
    shorts: dict[str, str] = {}  # the public sheet in short, printed when even the tighter layout runs past one page
    for spec in specs:
        if pdf and "pdf" in spec.formats:
            prints[spec.name] = render_html(editions[spec.name], medium="print", **options(spec))
            if spec.short_fallback:
                shorts[spec.name] = render_html(editions[spec.name], medium="print", short=True, **options(spec))

    def meanwhile() -> None:
        """What the PDFs do not need, made while they print."""
        for spec in specs:
            if "html" in spec.formats:
                screen = render_html(editions[spec.name], medium="screen", **options(spec)).encode("utf-8")
                finish(RenderedFile(spec.file("html"), screen, spec.audience, spec.private, "html", spec.sealable))
        if "responder" in editions:
            from .render.calendar import rota_calendars  # lazy: icalendar only where calendars are written

            # Each responder's shifts, to import into their own calendar (private: the rota is responder-only).
            for responder_id, calendar in rota_calendars(plan, plan_localizer(plan)).items():
                finish(RenderedFile(PurePosixPath(PRIVATE_DIR) / f"rota-{responder_id}.ics", calendar,
                                    Audience.responder, True, "ics"))

    def printed(name: str, content: bytes) -> None:
        spec = next(spec for spec in specs if spec.name == name)
        finish(RenderedFile(spec.file("pdf"), content, spec.audience, spec.private, "pdf"))

    # What the PDFs may read besides their print HTML: the files the last build read, hashed again, and those read now.
    uses = {**cache.current_uses(plan_path, earlier_uses), **policy.used} if reuse or on_edition else {}
    pdfs, reused = print_editions(prints, specs, paper, uses, plan_path, policy, printer or print_here, reuse, on_edition,
                                  meanwhile, printed, shorts)
    if reused:  # a reused PDF read nothing this time: keep its files in the record
        policy.used.update({name: digest for name, digest in uses.items() if len(digest) == 64})
    for spec in specs:  # the PDFs as the printer returned them (one that never said `printed` too)
        if spec.name in pdfs and getattr(finished.get(spec.file("pdf")), "content", None) is not pdfs[spec.name]:
            finished[spec.file("pdf")] = RenderedFile(spec.file("pdf"), pdfs[spec.name], spec.audience, spec.private, "pdf")
    # In the order of the editions (each one's PDF, then its HTML), then the calendars.
    order = [spec.file(suffix) for spec in specs for suffix in ("pdf", "html")]
    files = [finished.pop(path) for path in order if path in finished]
    return files + list(finished.values())


def print_editions(prints: dict[str, str], specs: list[EditionSpec], paper: str, uses: dict[str, str], plan_path: Path,
                   policy: AssetPolicy, printer: Printer, reuse: Callable[[str, str], bytes | None] | None,
                   on_edition: Callable[[cache.EditionPrint], None] | None,
                   meanwhile: Callable[[], None] = lambda: None,
                   printed: Callable[[str, bytes], None] = lambda name, pdf: None,
                   shorts: dict[str, str] | None = None) -> tuple[dict[str, bytes], set[str]]:
    """Each edition's PDF by name (and the names reused): reused where its inputs are unchanged, the others printed
    in one call, during which `meanwhile` runs; `printed(name, pdf)` hears of each PDF as soon as it is there."""
    if not prints:
        meanwhile()
        return {}, set()
    templates = cache.templates_fingerprint() if reuse or on_edition else {}
    shorts = shorts or {}
    keys = {name: cache.edition_key(html + shorts.get(name, ""), paper, uses, templates) for name, html in prints.items()} \
        if reuse or on_edition else {}
    pdfs: dict[str, bytes] = {}
    for name in prints:
        found = reuse(name, keys[name]) if reuse else None
        if found is not None:
            pdfs[name] = found
    reused = set(pdfs)
    waiting = [name for name in prints if name not in reused]

    def reused_then_meanwhile() -> None:
        for name in reused:
            printed(name, pdfs[name])
        meanwhile()

    by_name = {spec.name: spec for spec in specs}
    done = printer([PrintTask(prints[name], plan_path.parent, paper, by_name[name].print_css, by_name[name].fit_css, shorts.get(name, ""))
                    for name in waiting], policy,
                   reused_then_meanwhile,
                   lambda index, pdf: printed(waiting[index], pdf))
    pdfs.update(zip(waiting, done, strict=True))
    if on_edition:
        files = {spec.name: spec.file("pdf").as_posix() for spec in specs}
        for name in prints:
            on_edition(cache.EditionPrint(name, files[name], keys[name], hashlib.sha256(pdfs[name]).hexdigest(),
                                          name in reused))
    return pdfs, reused


# --- the whole set, or nothing ---------------------------------------------------------

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
               drops_clear_private: bool = False) -> list[Path]:
        """Write the new set (files, the earlier files not rebuilt, the record), then swap it in; the files written.

        `record` None keeps the earlier record (the drill command adds a kit to a built set);
        `drops_clear_private` carries over from private/ only the files that are sealed (a sealed set).
        """
        with _file_errors(self.target, self.staging):
            self._fill(files, record, replaces_rota, drops_clear_private)
            raise_if_requested()  # told to stop (SIGTERM...): the old set stays
            _swap(self.staging, self.target)
        self._made = []
        old = self.staging  # after the exchange it holds the previous set
        if old.is_symlink():  # OUT/NAME was a link: remove the link, never what it points to
            old.unlink()
        elif old.exists():
            shutil.rmtree(old, ignore_errors=True)
        _sync_folder(self.target.parent)
        return [self.target / item.path for item in files]

    def _fill(self, files: list[RenderedFile], record: bytes | None, replaces_rota: bool, drops_clear_private: bool) -> None:
        new_names = {item.path.as_posix() for item in files} | ({cache.RECORD} if record is not None else set())
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
            if rel in replaced or (name.startswith(".") and name.endswith(".tmp")) or (replaces_rota and _ROTA_FILE.match(rel)) \
                    or (drops_clear_private and rel.startswith(f"{PRIVATE_DIR}/") and not _sealed_file(Path(folder) / name)):
                continue  # rebuilt now, a temporary file of an older version of the tool, or private and in clear
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
