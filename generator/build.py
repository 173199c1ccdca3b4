"""Step 7, write: check a plan, render every edition into memory, then write the set atomically.

    plans/NAME.yaml -> output/NAME/public.pdf, public.html      ("How to report" sheet)
                       output/NAME/volunteer.pdf, volunteer.html
                       output/NAME/private/responder.pdf       (directory 0700, files 0600)
                       output/NAME/private/responder.html
                       output/NAME/private/rota-ID.ics         (each responder's shifts)
                       output/NAME/private/drill.pdf           (the tabletop drill kit)

Nothing is written until every file of the set has been rendered (and has passed
the leak check), so a plan with errors, a refused picture or a crash leaves the
previous guides untouched. Each file is written to a temporary file in its own
directory and renamed over the old one (os.replace), so a reader never sees half a
file; all temporary files are written before the first rename.

With a passphrase (`build --seal`) the private set is sealed before it is written:
responder.html encrypted with every rota-ID.ics inside it (download links, shown
after unlocking), responder.pdf encrypted (AES-256), and calendars an earlier
unsealed build left in private/ removed, so nothing private stays in clear. The
sealed page's lock screen goes through the leak check as a public page.
"""

from __future__ import annotations

import base64
import html
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from markupsafe import Markup

from generator.check import check_plan
from generator.errors import PlanError, Problem
from generator.paths import templates_dir
from generator.plan.load import SourceMap
from generator.plan.model import Audience, Plan, Scenario, usual_emergency_number
from generator.render.assets import AssetPolicy, RefusedResource
from generator.render.calendar import rota_calendars
from generator.render.edition import EDITIONS, PRIVATE_DIR, EditionSpec, make_edition
from generator.render.html import PAPER_SIZES, default_paper, plan_localizer, render_html, source_date_epoch
from generator.render.leaks import check_leaks
from generator.render.seal import check_passphrase, lock_screen_words, seal_html, seal_pdf

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
    """Build the guides of one plan into OUT_DIR/NAME/ (NAME: the plan's file name) and return the files written."""
    return build_into(path, Path(out_dir) / Path(path).stem, editions, paper, on_warning=on_warning, pdf=pdf, passphrase=passphrase)


def build_into(
    path: str | Path,
    target_dir: str | Path,
    editions: Iterable[str] | None = None,
    paper: str | None = None,
    *,
    on_warning: Callable[[Problem], None] | None = None,
    pdf: bool = True,
    passphrase: str | None = None,
) -> list[Path]:
    """Build the guides of one plan into TARGET_DIR itself (its private/ folder included) and return the files written.

    With a passphrase the private HTML guide is sealed (encrypted, opens in a browser).
    Raises PlanError (the same problems `check` prints) when the plan has errors, and
    BuildError when a guide cannot be made (a refused resource, a leak, a short
    passphrase); in both cases nothing is written.
    """
    path = Path(path)
    if passphrase is not None:
        check_passphrase(passphrase)
    plan, source = checked_plan(path, on_warning)
    specs = select_editions(editions)
    paper = paper or default_paper(plan)
    if paper not in PAPER_SIZES:
        raise ValueError(f"paper must be one of {PAPER_SIZES}, not {paper!r}")

    try:
        files = render_editions(plan, path, specs, paper, pdf=pdf)
    except RefusedResource as refused:
        raise PlanError([locate_refusal(path, refused)]) from None
    check_leaks(plan, files, source)  # the last lock: after rendering, before writing
    if passphrase is not None:
        files = seal_files(files, passphrase, plan)
        # the lock screen is readable by anyone holding the file: it may show public data only
        check_leaks(plan, [lock_screen(item) for item in files if item.private and item.kind == "html"], source)
    sealed_set = passphrase is not None and any(item.private for item in files)
    return write_files(Path(target_dir), files, remove_stale=sealed_set)


def checked_plan(path: Path, on_warning: Callable[[Problem], None] | None = None) -> tuple[Plan, SourceMap | None]:
    """The valid plan at `path` and its source positions; PlanError with every problem when it has errors."""
    result = check_plan(path)
    errors = [p for p in result.problems if p.severity == "error"]
    if errors or result.plan is None:
        raise PlanError(result.problems)
    for problem in result.problems:
        if on_warning:
            on_warning(problem)
    return result.plan, result.source


def drill_spec(audience: Audience) -> EditionSpec:
    """The drill kit's row, or its volunteer-level variant (not private: it holds nothing the volunteer guide may not)."""
    spec = EDITIONS["drill"]
    if audience is Audience.responder:
        return spec
    if audience is not Audience.volunteer:
        raise ValueError("a drill kit is for responders or volunteers")
    return replace(spec, audience=Audience.volunteer, stem="drill-volunteer", private=False)


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
    for volunteers; the leak check holds it to the volunteer audience. Raises ValueError
    for a scenario id the kit cannot use, PlanError and BuildError as build_plan does.
    """
    path = Path(path)
    plan, source = checked_plan(path, on_warning)
    spec = drill_spec(audience)
    chosen = drill_scenarios(plan, list(scenarios), audience)
    paper = paper or default_paper(plan)
    try:
        files = render_editions(plan.model_copy(update={"scenarios": chosen}), path, [spec], paper)
    except RefusedResource as refused:
        raise PlanError([locate_refusal(path, refused)]) from None
    check_leaks(plan, files, source)  # secrets from the whole plan, not only the chosen scenarios
    return write_files(Path(out_dir) / path.stem, files)


def drill_scenarios(plan: Plan, wanted: list[str], audience: Audience) -> list[Scenario]:
    """The scenarios a drill kit for `audience` uses: those named, in that order, or every one it may see."""
    usable = [scenario for scenario in plan.scenarios if audience.allows(scenario.item_audience())]
    names = ", ".join(scenario.id for scenario in usable) or "none"
    if not usable:
        raise ValueError("no scenario in the plan is marked `audience: volunteer`, so there is nothing to drill at "
                         "volunteer level" if audience is Audience.volunteer else "the plan has no scenarios")
    if not wanted:
        return usable
    by_id = {scenario.id: scenario for scenario in usable}
    chosen = []
    for ident in dict.fromkeys(wanted):
        if ident not in by_id:
            known = any(scenario.id == ident for scenario in plan.scenarios)
            reason = "is for responders only" if known else "is not in the plan"
            raise ValueError(f"scenario `{ident}` {reason}; this kit can use: {names}")
        chosen.append(by_id[ident])
    return chosen


def seal_files(files: list[RenderedFile], passphrase: str, plan: Plan) -> list[RenderedFile]:
    """The private set sealed: the HTML guide encrypted with the calendars inside it, the PDF encrypted, nothing in clear."""
    calendars = [item for item in files if item.kind == "ics"]
    sealed = []
    for item in files:
        if item.kind == "ics":
            continue  # offered for download inside the sealed guide instead
        if item.private and item.kind == "html":
            guide = with_calendars(item.content.decode("utf-8"), calendars, plan)
            loc = plan_localizer(plan)
            page = seal_html(guide, passphrase, lang=loc.language, words=lock_screen_words(loc), notice=lock_notice(plan))
            sealed.append(replace(item, content=page.encode("utf-8")))
        elif item.private and item.kind == "pdf":
            sealed.append(replace(item, content=seal_pdf(item.content, passphrase)))
        elif item.private:
            raise ValueError(f"no way to seal {item.path}")  # a new private file type must say how it is sealed
        else:
            sealed.append(item)
    return sealed


def with_calendars(guide: str, calendars: list[RenderedFile], plan: Plan) -> str:
    """The guide with each responder's calendar file as a download link (data: URL) at the end of its main part."""
    if not calendars:
        return guide
    items = []
    for item in calendars:
        responder = plan.responder(item.path.stem.removeprefix("rota-"))
        who = responder.name if responder else item.path.stem
        data = base64.b64encode(item.content).decode("ascii")
        items.append(f'<li><a download="{html.escape(item.path.name)}" href="data:text/calendar;charset=utf-8;base64,{data}">'
                     f"{html.escape(who)}</a> <span class=\"small\">({html.escape(item.path.name)})</span></li>")
    loc = plan_localizer(plan)
    title = loc.t("seal.calendars.title", "Shifts as calendar files")
    intro = loc.t("seal.calendars.intro", "Each responder's shifts, to import into their own calendar. They are kept inside this sealed guide, not next to it.")
    section = (f'<section class="calendars" aria-labelledby="calendars-title">\n<h2 id="calendars-title">{title}</h2>\n'
               f"<p>{intro}</p>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</section>\n")
    at = max(guide.rfind("</main>"), 0) or guide.rfind("</body>")
    return guide[:at] + section + guide[at:] if at > 0 else guide + section


def lock_notice(plan: Plan) -> str:
    """What the lock screen tells someone without the passphrase, from the public edition only."""
    from generator.render.html import phone_display
    from generator.render.leaks import visible_text
    from generator.render.markdown import to_inline_html

    public = make_edition(plan, Audience.public).plan
    numbers = [venue.emergency for venue in public.venues] or (
        [usual_emergency_number(public.event.country)] if public.event.country else [])
    lines = [f"<p><strong>{html.escape(public.event.name)}</strong></p>"]
    if numbers:
        call = plan_localizer(plan).t("seal.notice.emergency", "In an emergency call {numbers}.",
                                      numbers=Markup("<strong>{}</strong>").format(" / ".join(dict.fromkeys(numbers))))
        lines.append(f"<p>{call}</p>")
    for channel in public.reporting.channels:
        if channel.phone:
            hours = f" ({html.escape(channel.hours)})" if channel.hours else ""
            lines.append(f"<p>{html.escape(channel.label)}: <strong>{html.escape(phone_display(channel.phone, public.region))}"
                         f"</strong>{hours}</p>")
    if public.reporting.recognise_responders:
        text = visible_text(str(to_inline_html(public.reporting.recognise_responders)))
        lines.append(f"<p>{html.escape(' '.join(text.split()))}</p>")
    return '<div class="notice">\n' + "\n".join(lines) + "\n</div>"


def lock_screen(item: RenderedFile) -> RenderedFile:
    """A sealed page as someone without the passphrase reads it (the ciphertext left out), for the leak check."""
    page = re.sub(r'<script type="application/json" id="sealed">.*?</script>', "", item.content.decode("utf-8"), flags=re.DOTALL)
    return replace(item, content=page.encode("utf-8"), audience=Audience.public)


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
    for spec in specs:
        edition = make_edition(plan, spec.audience, spec.name)
        options: dict[str, Any] = dict(paper=paper, policy=policy, template=spec.template, source_date=source_date)
        if pdf and "pdf" in spec.formats:
            printed = render_pdf(render_html(edition, medium="print", **options), policy, paper=paper)
            files.append(RenderedFile(spec.file("pdf"), printed, spec.audience, spec.private, "pdf"))
        if "html" in spec.formats:
            screen = render_html(edition, medium="screen", **options)
            files.append(RenderedFile(spec.file("html"), screen.encode("utf-8"), spec.audience, spec.private, "html", spec.sealable))
    if "responder" in {spec.name for spec in specs}:
        # Each responder's shifts, to import into their own calendar (private: the rota is responder-only).
        for responder_id, calendar in rota_calendars(plan, plan_localizer(plan)).items():
            files.append(RenderedFile(PurePosixPath(PRIVATE_DIR) / f"rota-{responder_id}.ics", calendar,
                                      Audience.responder, True, "ics"))
    return files


def write_files(target: Path, files: list[RenderedFile], *, remove_stale: bool = False) -> list[Path]:
    """Write the whole set or nothing: every temporary file first, then one rename each.

    `remove_stale` (a sealed build) then deletes the files in private/ that the set no
    longer has, such as calendars an unsealed build left there in clear.
    """
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
        if remove_stale and (target / PRIVATE_DIR).is_dir():
            keep = {final for _, final in staged}
            for old in (target / PRIVATE_DIR).iterdir():
                if old.is_file() and not old.name.startswith(".") and old not in keep:
                    old.unlink()
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
