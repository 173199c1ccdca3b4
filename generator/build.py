"""The build: a plan in, a set of guides written whole, each step taking the last one's value.

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

build_into: checked plan (with its warnings) -> editions and their print HTML
(generator.render.rendered) -> the PDFs reused from the previous set and the tasks to print
(order_prints) -> submitted to the printer, which returns at once; the screen HTML
and calendars are made while they print, then each PDF is collected as it comes back,
and every file is searched by the leak check as soon as it is finished (finished_files)
-> the leak check over the whole set -> sealed (`--seal`) -> written (generator.write)
-> Built: the files written, the warnings, each edition's PDF for the record.

Nothing is written until every file of the set has been rendered and has passed the
leak check, so a plan with errors, a refused picture or a crash leaves the previous
guides untouched; the set is swapped in whole (generator.write.OutputSet).

With a passphrase (`build --seal`) the private set is sealed before it is written:
responder.html encrypted with every rota-ID.ics inside it (download links, shown
after unlocking), responder.pdf encrypted (AES-256), and nothing an earlier unsealed
build left in clear in private/ carried over (even when only other editions are built),
so nothing private stays in clear. The
sealed page's lock screen goes through the leak check as a public page.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

from . import cache
from .assets import AssetPolicy, RefusedResource
from .check import check_plan, locate_refusal
from .errors import PlanError, Problem, UserError, did_you_mean
from .paths import PRIVATE_DIR, guides_folder, templates_dir
from .plan.load import SourceMap
from .plan.model import Audience, Plan, Scenario
from .printing import Printer, Prints, PrintTask, print_here, print_side_by_side
from .render.edition import EDITIONS, EditionSpec, drill_spec
from .render.leaks import LeakSearch, check_leaks
from .render.paper import check_paper, default_paper
from .render.rendered import Editions, RenderedFile, in_set_order, make_editions, screen_files
from .render.seal import check_passphrase, lock_screen, seal_files
from .write import OutputSet


@dataclass(frozen=True)
class Built:
    """What build_into did: the files written, what check said of the plan, each edition's PDF (printed or reused)."""

    written: list[Path]
    warnings: list[Problem]
    prints: list[cache.EditionPrint]


def build_plan(path: str | Path, out_dir: str | Path = "output", editions: Iterable[str] | None = None, paper: str | None = None,
               **options: Any) -> list[Path]:
    """Build the guides of one plan into OUT_DIR/NAME/ (NAME: the plan's file name); the files written. `options` are build_into's."""
    return build_into(path, guides_folder(Path(out_dir), Path(path)), editions, paper, **options).written


def build_into(
    path: str | Path,
    target_dir: str | Path,
    editions: Iterable[str] | None = None,
    paper: str | None = None,
    *,
    pdf: bool = True,
    passphrase: str | None = None,
    print_workers: int = 1,
    reuse: bool = False,
    cache_options: dict[str, object] | None = None,
    printer: Printer | None = None,
    root: str | Path | None = None,
) -> Built:
    """Build the guides of one plan into TARGET_DIR itself (its private/ folder included): what was written, the plan's warnings and PDFs.

    With a passphrase the private set is sealed (the HTML guide opens in a browser, the PDFs in a PDF reader).
    `print_workers` > 1 prints the PDFs side by side in that many worker processes
    (`printer`, when given, prints them instead: generator.printing.PrintWorkers started early);
    `reuse` takes an edition's PDF from the previous set (TARGET_DIR/.build.json)
    when its print HTML and assets are unchanged.
    `cache_options` are the options recorded in .build.json (generator.batch passes
    the ones it checks the record against). Raises PlanError (the same problems
    `check` prints) when the plan has errors, BuildError when a guide cannot be made
    (a refused resource, a leak, a short passphrase) and FileError when the output
    folder cannot be written; in every case the earlier guides are left as they were.
    `root` is the plans' folder tree the shared plans it extends must be in (generator.plan.extends).
    """
    path = Path(path)
    editions = list(editions) if editions else None  # read twice: the editions to make, the options recorded
    if passphrase is not None:
        check_passphrase(passphrase)
    # Hashed before it is read: an edit saved during the build makes the record stale, never wrong.
    plan_digest = cache.fingerprint_plan(path)
    checked = checked_plan(path, root)
    plan = checked.plan
    specs = select_editions(editions)
    paper_size = check_paper(paper) if paper else default_paper(plan)
    if cache_options is None:
        cache_options = {"editions": sorted(editions) if editions else None, "paper": paper, "sealed": passphrase is not None}
    target = Path(target_dir)
    previous = cache.read_record(target)
    with OutputSet(target) as output:  # made before rendering: an unwritable folder fails at once
        policy = AssetPolicy(path.parent, templates_dir())
        search = LeakSearch(plan)  # each file is searched as it is made, while the PDFs print
        try:
            made = make_editions(plan, path, specs, paper_size, policy, draft=checked.draft, pdf=pdf)
            order = order_prints(made, previous, reuse_from=target if reuse else None, keyed=True)
            files = finished_files(made, order, printer or print_side_by_side(print_workers), search)
        except RefusedResource as refused:
            raise PlanError([locate_refusal(path, refused, checked.source)]) from None
        check_leaks(plan, files, checked.source, search)  # the last lock: every file, after rendering, before writing
        prints = edition_prints(made, order, files)
        if passphrase is not None:
            files = seal_files(files, passphrase, plan)
            # the lock screen is readable by anyone holding the file: it may show public data only
            check_leaks(plan, [lock_screen(item) for item in files if item.private and item.kind == "html"], checked.source)
        print_ = cache.fingerprint(path, cache_options, uses={**policy.used, **order.kept_uses}, plan_digest=plan_digest,
                                   shared=checked.shared)
        record = cache.record_bytes(print_, {item.path.as_posix(): hashlib.sha256(item.content).hexdigest() for item in files},
                                    prints, checked.warnings)
        # A sealed set carries over from private/ only what is sealed (not what an unsealed build left in clear).
        written = output.commit(files, record, replaces_rota="responder" in {spec.name for spec in specs},
                                drops_clear_private=passphrase is not None,
                                replaces=replaced_files(specs))
    return Built(written, list(checked.warnings), prints)


def replaced_files(specs: list[EditionSpec]) -> frozenset[str]:
    """The files a build of these editions replaces wherever they are: theirs, and with the drill kit the volunteer-level
    kit the `drill` command writes (made from what was volunteer-level then; `drill --audience volunteer` makes it again)."""
    files = frozenset().union(*(spec.every_file() for spec in specs))
    if any(spec.name == "drill" for spec in specs):
        files |= drill_spec(Audience.volunteer).every_file()
    return files


class CheckedPlan(NamedTuple):
    plan: Plan
    source: SourceMap | None  # positions in the plan, for the leak check's problems
    draft: bool  # placeholders or a starter's sample values left: DRAFT on every page
    shared: dict[str, str] = {}  # the shared plans it extends, real path -> SHA-256 of what was read (for the cache)
    warnings: tuple[Problem, ...] = ()  # what check said of the plan that is not an error


def checked_plan(path: Path, root: str | Path | None = None) -> CheckedPlan:
    """The valid plan at `path`, its source positions, whether it is a draft and its warnings; PlanError with every problem when it has errors."""
    result = check_plan(path, root)
    if result.note is not None and result.plan is None and not any(p.severity == "error" for p in result.problems):
        raise PlanError([Problem(str(path), 1, 1, "this is a shared plan (it has no `event:`): it is built through the events "
                                 "that extend it, never on its own",
                                 hint="build an event plan that starts with `extends:` naming this file, or the folder that holds them")])
    errors = [p for p in result.problems if p.severity == "error"]
    if errors or result.plan is None:
        raise PlanError(result.problems)
    return CheckedPlan(result.plan, result.source, is_draft(result.problems), result.shared, tuple(result.problems))


@dataclass(frozen=True)
class PrintOrder:
    """The PDFs to make: those taken from the previous set (their inputs unchanged) and the tasks for the printer."""

    keys: dict[str, str]  # edition name -> what its PDF is printed from (cache.edition_key); empty when not recorded
    reused: dict[str, bytes]  # edition name -> the PDF taken from the previous set
    names: list[str]  # the editions of `tasks`, in order
    tasks: list[PrintTask]
    kept_uses: dict[str, str]  # what the reused PDFs read when they were printed, kept in the record


def order_prints(made: Editions, earlier: cache.Record | None = None, *, reuse_from: Path | None = None,
                 keyed: bool = False) -> PrintOrder:
    """Which PDFs to print: all, or (`reuse_from`: the previous set) those whose print HTML and assets changed.
    `keyed`: each PDF's inputs are hashed for the record (generator.cache.edition_key)."""
    keys: dict[str, str] = {}
    uses: dict[str, str] = {}
    if made.prints and (keyed or reuse_from is not None):
        # What the PDFs may read besides their print HTML: the files the last build read, hashed again, and those read now.
        uses = {**cache.current_uses(made.plan_path, earlier.uses if earlier else ()), **made.policy.used}
        templates = cache.templates_fingerprint()
        keys = {name: cache.edition_key(html + made.shorts.get(name, ""), made.paper, uses, templates)
                for name, html in made.prints.items()}
    reused: dict[str, bytes] = {}
    if reuse_from is not None:
        for name in made.prints:
            found = cache.reusable_pdf(reuse_from, earlier, name, keys[name])
            if found is not None:
                reused[name] = found
    names = [name for name in made.prints if name not in reused]
    tasks = [PrintTask(made.prints[name], made.plan_path.parent, made.paper, made.spec(name).print_css, made.spec(name).fit_css,
                       made.shorts.get(name, "")) for name in names]
    # a reused PDF read nothing this time: keep its files in the record
    kept = {name: digest for name, digest in uses.items() if len(digest) == 64} if reused else {}
    return PrintOrder(keys, reused, names, tasks, kept)


def finished_files(made: Editions, order: PrintOrder, printer: Printer, search: LeakSearch | None = None) -> list[RenderedFile]:
    """Every file of the set, in memory: the PDFs printed (or reused) while the screen HTML and calendars are made.
    `search` (the leak check's) reads each file as soon as it is finished."""
    files = []
    with printer(order.tasks, made.policy) as printing:
        # the screen HTML and calendars while the PDFs print, then each PDF as it comes back (in any order)
        for item in chain(screen_files(made), pdf_files(made, order, printing)):
            if search is not None:
                search.search(item)
            files.append(item)
    return in_set_order(made.specs, files)


def pdf_files(made: Editions, order: PrintOrder, printing: Prints) -> Iterator[RenderedFile]:
    """The PDFs reused, then those printed, as each comes back."""
    def pdf(name: str, content: bytes) -> RenderedFile:
        spec = made.spec(name)
        return RenderedFile(spec.file("pdf"), content, spec.audience, spec.private, "pdf")

    for name, content in order.reused.items():
        yield pdf(name, content)
    for index, content in printing:
        yield pdf(order.names[index], content)


def edition_prints(made: Editions, order: PrintOrder, files: list[RenderedFile]) -> list[cache.EditionPrint]:
    """Each edition's PDF for the record: what it was printed from, its bytes' hash, whether it was reused."""
    contents = {item.path: item.content for item in files}
    return [cache.EditionPrint(name, made.spec(name).file("pdf").as_posix(), order.keys[name],
                               hashlib.sha256(contents[made.spec(name).file("pdf")]).hexdigest(), name in order.reused)
            for name in made.prints]


def render_editions(plan: Plan, plan_path: Path, specs: list[EditionSpec], paper: str, *, draft: bool = False) -> list[RenderedFile]:
    """Every file of every edition, in memory, every PDF printed here, one after the other."""
    made = make_editions(plan, plan_path, specs, paper, AssetPolicy(plan_path.parent, templates_dir()), draft=draft)
    return finished_files(made, order_prints(made), print_here)


def build_drill(
    path: str | Path,
    out_dir: str | Path = "output",
    scenarios: Iterable[str] = (),
    audience: Audience = Audience.responder,
    paper: str | None = None,
    *,
    checked: CheckedPlan | None = None,
) -> list[Path]:
    """Print the drill kit for the chosen scenarios (default: all its audience may see) and return the file written.

    The volunteer-level kit (output/NAME/drill-volunteer.pdf) holds only scenarios marked
    for volunteers; the leak check holds it to the volunteer audience. Raises UserError
    for a scenario id the kit cannot use, PlanError and BuildError as build_plan does.
    `checked`: the plan at `path` already checked (the command line tells its warnings first).
    """
    path = Path(path)
    plan, source, draft = checked[:3] if checked is not None else checked_plan(path)[:3]
    spec = drill_spec(audience)
    chosen = drill_scenarios(plan, list(scenarios), audience)
    paper = paper or default_paper(plan)
    with OutputSet(guides_folder(Path(out_dir), path)) as output:  # made before rendering, as for a build
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


def select_editions(names: Iterable[str] | None) -> list[EditionSpec]:
    wanted = list(names or ())
    if not wanted:
        return list(EDITIONS.values())
    unknown = [name for name in wanted if name not in EDITIONS]
    if unknown:  # the command line's choices are these names; a caller in Python gets the same user error
        raise UserError(f"`{unknown[0]}` is not an edition",
                        hint=did_you_mean(unknown[0], EDITIONS) or f"use one of {', '.join(EDITIONS)}")
    return [spec for key, spec in EDITIONS.items() if key in wanted]


def is_draft(problems: Iterable[Problem]) -> bool:
    """A plan still holding placeholders or a starter's sample values is printed with DRAFT on every page."""
    return any(problem.rule == "PLACEHOLDER" for problem in problems)


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
