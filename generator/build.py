"""Step 7, write: check a plan, render every edition into memory, then write the set atomically.

    plans/NAME.yaml -> output/NAME/public.pdf, public.html      ("How to report" sheet)
                       output/NAME/volunteer.pdf, volunteer.html
                       output/NAME/private/responder.pdf       (directory 0700, files 0600)
                       output/NAME/private/responder.html
                       output/NAME/private/rota-ID.ics         (each responder's shifts)
                       output/NAME/desk.pdf                    (one page per event day for the info desk)
                       output/NAME/cards.pdf                   (badge cards for attendees, eight to a sheet)
                       output/NAME/report-form.pdf             (blank form; under private/ unless volunteers take reports)

Nothing is written until every file of the set has been rendered (and has passed
the leak check), so a plan with errors, a refused picture or a crash leaves the
previous guides untouched. Each file is written to a temporary file in its own
directory and renamed over the old one (os.replace), so a reader never sees half a
file; all temporary files are written before the first rename.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from generator.check import check_plan
from generator.errors import PlanError, Problem
from generator.plan.model import Audience, Plan
from generator.render.assets import AssetPolicy, RefusedResource
from generator.render.calendar import rota_calendars
from generator.render.edition import make_edition
from generator.render.leaks import check_leaks
from generator.render.seal import check_passphrase, seal_html
from generator.render.html import PAPER_SIZES, default_paper, render_html, source_date_epoch, templates_dir

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
    level_from: str | None = None  # a plan field whose audience sets this edition's (the report form's)

    def for_plan(self, plan: Plan) -> EditionSpec:
        """This row with its audience (and privacy) taken from the plan when `level_from` says so."""
        level = plan.field_audience(self.level_from) if self.level_from else None
        if level is None:
            return self
        return replace(self, audience=level, private=level is Audience.responder)

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
        EditionSpec("desk", Audience.volunteer, "desk.html.j2", "desk", private=False, formats=("pdf",)),
        EditionSpec("cards", Audience.public, "cards.html.j2", "cards", private=False, formats=("pdf",)),
        EditionSpec("report-form", Audience.responder, "report_form.html.j2", "report-form", private=True,
                    formats=("pdf",), level_from="report_form"),
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
) -> list[Path]:
    """Build the guides of one plan into OUT_DIR/NAME/ and return the files written.

    With a passphrase the private HTML guide is sealed (encrypted, opens in a browser).
    Raises PlanError (the same problems `check` prints) when the plan has errors, and
    BuildError when a guide cannot be made (a refused resource, a leak, a short
    passphrase); in both cases nothing is written.
    """
    path = Path(path)
    if passphrase is not None:
        check_passphrase(passphrase)
    result = check_plan(path)
    errors = [p for p in result.problems if p.severity == "error"]
    if errors or result.plan is None:
        raise PlanError(result.problems)
    for problem in result.problems:
        if on_warning:
            on_warning(problem)
    plan = result.plan
    specs = select_editions(editions)
    paper = paper or default_paper(plan)
    if paper not in PAPER_SIZES:
        raise ValueError(f"paper must be one of {PAPER_SIZES}, not {paper!r}")

    try:
        files = render_editions(plan, path, specs, paper, pdf=pdf)
    except RefusedResource as refused:
        raise PlanError([locate_refusal(path, refused)]) from None
    check_leaks(plan, files)  # the last lock: after rendering, before writing
    if passphrase is not None:
        files = [seal_file(item, passphrase, plan) for item in files]
    return write_files(Path(out_dir) / path.stem, files)


def seal_file(item: RenderedFile, passphrase: str, plan: Plan) -> RenderedFile:
    """The private HTML guide, encrypted; every other file as it is."""
    if not (item.private and item.kind == "html"):
        return item
    sealed = seal_html(item.content.decode("utf-8"), passphrase, title="Sealed responder guide", lang=plan.event.languages[0])
    return replace(item, content=sealed.encode("utf-8"))


def locate_refusal(path: Path, refused: RefusedResource) -> Problem:
    """A refused file or address, reported where the plan names it (the first place it is written)."""
    try:
        text = path.read_text(encoding="utf-8")
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


def render_editions(plan: Plan, plan_path: Path, specs: list[EditionSpec], paper: str, *, pdf: bool = True) -> list[RenderedFile]:
    """Every file of every edition, in memory. Prints PDFs (and imports WeasyPrint) only here; `pdf=False` for HTML only (serve)."""
    if pdf:
        from generator.render.pdf import render_pdf  # lazy: WeasyPrint is slow to import

    policy = AssetPolicy(plan_path.parent, templates_dir())
    source_date = source_date_epoch()
    files: list[RenderedFile] = []
    # rows whose level the plan sets take it now; a row with nothing to print (no report form) is dropped
    specs = [spec.for_plan(plan) for spec in specs if not spec.level_from or getattr(plan, spec.level_from)]
    for spec in specs:
        edition = make_edition(plan, spec.audience)
        options = dict(paper=paper, policy=policy, template=spec.template, source_date=source_date)
        if pdf and "pdf" in spec.formats:
            printed = render_pdf(render_html(edition, medium="print", **options), policy, paper=paper)
            files.append(RenderedFile(spec.file("pdf"), printed, spec.audience, spec.private, "pdf"))
        if "html" in spec.formats:
            screen = render_html(edition, medium="screen", **options)
            files.append(RenderedFile(spec.file("html"), screen.encode("utf-8"), spec.audience, spec.private, "html"))
    if any(spec.name == "responder" for spec in specs):  # the calendars go with the responder guide
        # Each responder's shifts, to import into their own calendar (private: the rota is responder-only).
        for responder_id, calendar in rota_calendars(plan).items():
            files.append(RenderedFile(PurePosixPath(PRIVATE_DIR) / f"rota-{responder_id}.ics", calendar,
                                      Audience.responder, True, "ics"))
    return files


def write_files(target: Path, files: list[RenderedFile]) -> list[Path]:
    """Write the whole set or nothing: every temporary file first, then one rename each."""
    target.mkdir(parents=True, exist_ok=True)
    if any(f.private for f in files):
        private = target / PRIVATE_DIR
        private.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        os.chmod(private, PRIVATE_DIR_MODE)  # also tighten a folder made by hand
    staged: list[tuple[str, Path]] = []
    try:
        for item in files:
            final = target / item.path
            staged.append((_write_temporary(final, item.content, PRIVATE_FILE_MODE if item.private else SHARED_FILE_MODE), final))
        for temporary, final in staged:
            os.replace(temporary, final)
    finally:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
    return [final for _, final in staged]


def _write_temporary(final: Path, content: bytes, mode: int) -> str:
    descriptor, temporary = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


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
