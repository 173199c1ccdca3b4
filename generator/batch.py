"""Build many plans at once: parallel worker processes, the build cache, a summary table.

`incident-guide build plans/` (a folder, or several files) lands here. Plans whose
guides are current (generator.cache) are not rebuilt and never start a worker; the
rest are built in worker processes (`--jobs`, default one per core: the total number
of workers, whether they print plans or editions; a single plan to build gets them all
for its PDFs, see generator.printing) started with
the "forkserver" method where the platform has it ("spawn" elsewhere), so a worker
never inherits a half-initialised WeasyPrint from its parent. A broken plan is
returned with its problems and the others carry on; the command line prints the
results and exits 1 if any failed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Problem, UserError, printable
from .paths import guides_folder
from .sets import remove_leftovers
from .workers import kill_workers, pool_context, worker_start

if TYPE_CHECKING:
    from .build import Built
    from .printing import Printer

ENVIRONMENT = ("SOURCE_DATE_EPOCH",)
BUILT, UNCHANGED, FAILED = "built", "unchanged", "failed"


@dataclass(frozen=True)
class Job:
    """One plan to build, with everything a worker needs (picklable)."""

    plan: Path
    out_dir: Path
    options: dict[str, Any] = field(default_factory=dict)
    force: bool = False
    print_workers: int = 1  # worker processes for this plan's PDFs (the workers no other plan uses)
    # Start them before the plan is read (generator.printing.PrintWorkers): for the one plan a build runs here.
    workers_first: bool = False
    # The parent's working folder and the environment that shapes a guide: a forkserver
    # worker inherits neither from the parent, only from the server's start.
    cwd: str = field(default_factory=os.getcwd)
    env: dict[str, str | None] = field(default_factory=lambda: {name: os.environ.get(name) for name in ENVIRONMENT})
    root: Path | None = None  # the plans' folder tree its shared plans must be in (generator.plan.extends)


@dataclass
class Result:
    plan: Path
    status: str  # built, unchanged or failed
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)  # errors, or the warnings of a plan that built

    @property
    def ok(self) -> bool:
        return self.status != FAILED

    @property
    def draft(self) -> bool:
        """Built with DRAFT on every page: the plan still holds placeholders or a starter's samples."""
        from .build import is_draft

        return is_draft(self.problems)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# --- one plan -----------------------------------------------------------------------

def cache_options(job: Job) -> dict[str, Any]:
    """What goes into the cache key besides the files: the build options, never a passphrase."""
    options = {k: v for k, v in job.options.items() if k != "passphrase"}
    options["sealed"] = bool(job.options.get("passphrase"))
    return options


def is_current(job: Job) -> bool:
    from . import cache

    if job.force:
        return False
    return cache.is_current(job.out_dir, job.plan, cache_options(job), job.options.get("passphrase") or None)


def run_job(job: Job) -> Result:
    """Build one plan unless current. Runs in a worker process; never raises for a problem in the plan."""
    from .errors import problems_from

    started = time.perf_counter()
    _take_context(job)
    try:
        if is_current(job):  # the plan's warnings as its build recorded them: unchanged is not "now clean"
            files, recorded = _recorded(job)
            return Result(job.plan, UNCHANGED, files, time.perf_counter() - started, recorded)
        built = _build(job)  # writes the cache record with the guides, as one set
        return Result(job.plan, BUILT, built.written, time.perf_counter() - started, built.warnings)
    except Exception as exc:  # the plan's problems, the user's system in plain words, or a bug: the batch keeps going
        return Result(job.plan, FAILED, [], time.perf_counter() - started, problems_from(exc, job.plan))


def _take_context(job: Job) -> None:
    if os.getcwd() != job.cwd:
        os.chdir(job.cwd)
    for name, value in job.env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _recorded(job: Job) -> tuple[list[Path], list[Problem]]:
    """The files and warnings of the build that made job.out_dir, which is current; what a killed
    build left beside it (a hidden set, private files and all) is removed on the way."""
    from . import cache

    remove_leftovers(job.out_dir)
    record = cache.read_record(job.out_dir)
    if record is None:
        return [], []
    return [job.out_dir / name for name in sorted(record.outputs)], record.warnings


def _build(job: Job) -> Built:
    """Build one plan with generator.build into job.out_dir (= OUTPUT/NAME): the files written, the warnings, the PDFs.

    Without --force, a PDF whose print HTML and assets are unchanged is taken from the previous set.
    """
    from .printing import PrintWorkers, can_fork

    if job.workers_first and can_fork():
        # Started before generator.build is imported: WeasyPrint loads in a worker while this process reads the plan.
        with PrintWorkers(job.print_workers) as workers:
            return _build_into(job, workers)
    return _build_into(job)


def _build_into(job: Job, printer: Printer | None = None) -> Built:
    from .build import build_into

    return build_into(job.plan, job.out_dir, job.options.get("editions") or None, job.options.get("paper"),
                      passphrase=job.options.get("passphrase"), cache_options=cache_options(job),
                      print_workers=job.print_workers, reuse=not job.force, printer=printer, root=job.root)


# --- many plans ---------------------------------------------------------------------

def run_jobs(jobs: Sequence[Job], workers: int, on_result: Callable[[Result], None] | None = None,
             runner: Callable[[Job], Result] = run_job) -> list[Result]:
    """Run every job; results in the order of `jobs`. `on_result` is called as each one finishes."""
    results: dict[int, Result] = {}

    def done(index: int, result: Result) -> None:
        results[index] = result
        if on_result:
            on_result(result)

    pending = []
    for index, job in enumerate(jobs):
        # The cache check is cheap: current plans never reach a worker.
        try:
            current = is_current(job)
        except Exception:
            current = False
        if current:
            files, warnings = _recorded(job)
            done(index, Result(job.plan, UNCHANGED, files, 0.0, warnings))
        else:
            pending.append((index, job))
    if len(pending) == 1:
        # One plan to build: its editions get the workers, printed side by side (generator.printing).
        index, job = pending[0]
        pending = [(index, replace(job, print_workers=workers, workers_first=True))]
    workers = max(1, min(workers, len(pending)))
    if workers == 1 or len(pending) <= 1:
        for index, job in pending:
            done(index, runner(job))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context(), initializer=worker_start) as pool:
            futures = {pool.submit(runner, job): (index, job) for index, job in pending}
            try:
                remaining = set(futures)
                while remaining:
                    finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                    for future in finished:
                        index, job = futures[future]
                        try:
                            result = future.result()
                        except Exception as exc:  # the worker died (out of memory, a crash in a C library)
                            result = Result(job.plan, FAILED, [], 0.0,
                                            [Problem(str(job.plan), 1, 1, f"the build worker stopped ({type(exc).__name__}: {exc})")])
                        done(index, result)
            except BaseException:  # Ctrl-C, SIGTERM...: no worker may finish its plan (and swap in its set) after this
                kill_workers(pool)
                for _, job in pending:  # the unfinished sets the killed workers leave (each plan keeps its old or new set)
                    remove_leftovers(job.out_dir)
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    return [results[i] for i in range(len(jobs))]


def plan_jobs(plans: Sequence[Path], output_root: Path, options: dict[str, Any], force: bool,
              roots: dict[Path, Path] | None = None) -> list[Job | Result]:
    """One job per plan, in order; a plan whose output folder another plan would also use fails instead.
    `roots`: each plan's folder tree for the shared plans it extends (default: generator.plan.extends.default_root)."""
    by_name: dict[str, list[Path]] = {}
    for plan in plans:
        by_name.setdefault(plan.stem, []).append(plan)
    entries: list[Job | Result] = []
    for plan in plans:
        twins = by_name[plan.stem]
        try:
            guides_folder(output_root, plan)
        except UserError as exc:
            entries.append(Result(plan, FAILED, [], 0.0, exc.problems_at(plan)))
            continue
        if len(twins) > 1:
            others = ", ".join(str(p) for p in twins if p is not plan)
            entries.append(Result(plan, FAILED, [], 0.0, [
                Problem(str(plan), 1, 1, f"{others} would also write to {output_root / plan.stem}; rename one of them")]))
        else:
            entries.append(Job(plan, output_root / plan.stem, dict(options), force, root=(roots or {}).get(plan)))
    return entries


# --- what the organizer sees --------------------------------------------------------

def summary_table(results: Sequence[Result], output_root: Path | None = None) -> str:
    rows = [("plan", "status", "files", "seconds")]
    for result in results:
        rows.append((printable(result.plan), result.status, str(len(result.files)) if result.ok else "-", f"{result.seconds:.1f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for number, row in enumerate(rows):
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]:>{widths[3]}}".rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    drafts = [printable(result.plan) for result in results if result.status == BUILT and result.draft]
    if drafts:
        lines.append(f"DRAFT on every page (placeholders or a starter's sample values left, see the warnings): {', '.join(drafts)}")
    return "\n".join(lines)


def totals_line(results: Sequence[Result], seconds: float) -> str:
    counts = {status: sum(r.status == status for r in results) for status in (BUILT, UNCHANGED, FAILED)}
    plans = len(results)
    return (f"{plans} plan{'s' if plans != 1 else ''}: {counts[BUILT]} built, {counts[UNCHANGED]} unchanged, "
            f"{counts[FAILED]} failed in {seconds:.1f} s")


def build_many(plans: Sequence[Path], output_root: Path, *, options: dict[str, Any] | None = None, force: bool = False,
               jobs: int | None = None, on_result: Callable[[Result], None] | None = None,
               runner: Callable[[Job], Result] = run_job, roots: dict[Path, Path] | None = None) -> list[Result]:
    """Build every plan into OUTPUT_ROOT/NAME/; the results in the order of `plans`. Prints nothing:
    `on_result` is called as each plan that needed a worker finishes (for progress)."""
    entries = plan_jobs(plans, Path(output_root), options or {}, force, roots)
    built = iter(run_jobs([entry for entry in entries if isinstance(entry, Job)], jobs or default_jobs(), on_result, runner))
    return [next(built) if isinstance(entry, Job) else entry for entry in entries]
