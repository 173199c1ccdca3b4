"""Build many plans at once: parallel worker processes, the build cache, a summary table.

`incident-guide build plans/` (a folder, or several files) lands here. Plans whose
guides are current (generator.cache) are not rebuilt and never start a worker; the
rest are built in worker processes (`--jobs`, default one per core) started with
the "forkserver" method where the platform has it ("spawn" elsewhere), so a worker
never inherits a half-initialised WeasyPrint from its parent. A broken plan is
reported as FILE:LINE:COL lines and the others carry on; the caller exits 1 if any
failed.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

PLAN_SUFFIXES = (".yaml", ".yml")
ENVIRONMENT = ("SOURCE_DATE_EPOCH",)
BUILT, UNCHANGED, FAILED = "built", "unchanged", "failed"


@dataclass(frozen=True)
class Job:
    """One plan to build, with everything a worker needs (picklable)."""

    plan: Path
    out_dir: Path
    options: dict = field(default_factory=dict)
    force: bool = False
    # The parent's working folder and the environment that shapes a guide: a forkserver
    # worker inherits neither from the parent, only from the server's start.
    cwd: str = field(default_factory=os.getcwd)
    env: dict = field(default_factory=lambda: {name: os.environ.get(name) for name in ENVIRONMENT})


@dataclass
class Result:
    plan: Path
    status: str  # built, unchanged or failed
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # FILE:LINE:COL: error: ... lines

    @property
    def ok(self) -> bool:
        return self.status != FAILED


class Collision(Exception):
    pass


def collect_plans(paths: Iterable[Path]) -> list[Path]:
    """Plan files named, and the *.yaml / *.yml files directly inside folders named; each once, in order."""
    plans: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.suffix.lower() in PLAN_SUFFIXES and not p.name.startswith(".") and p.is_file())
        else:
            found = [path]
        for plan in found:
            key = plan.resolve()
            if key not in seen:
                seen.add(key)
                plans.append(plan)
    return plans


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# --- one plan -----------------------------------------------------------------------

def cache_options(job: Job) -> dict:
    """What goes into the cache key besides the files: the build options, never a passphrase."""
    options = {k: v for k, v in job.options.items() if k != "passphrase"}
    options["sealed"] = bool(job.options.get("passphrase"))
    return options


def is_current(job: Job) -> bool:
    from generator import cache

    if job.force:
        return False
    if not cache.is_current(job.out_dir, job.plan, cache_options(job)):
        return False
    return _passphrase_unchanged(job)


def _passphrase_unchanged(job: Job) -> bool:
    """A sealed guide is current only if it opens with this run's passphrase (none is ever stored)."""
    passphrase = job.options.get("passphrase")
    if not passphrase:
        return True
    sealed = sorted(job.out_dir.glob("private/*.html"))
    if not sealed:
        return False
    from generator.render.seal import unseal_html

    try:
        for path in sealed:
            unseal_html(path.read_text(encoding="utf-8"), passphrase)
    except Exception:  # wrong passphrase, or not sealed
        return False
    return True


def run_job(job: Job) -> Result:
    """Build one plan unless current. Runs in a worker process; never raises for a problem in the plan."""
    from generator.errors import BuildError, FileError, PlanError

    started = time.perf_counter()
    _take_context(job)
    try:
        if is_current(job):
            return Result(job.plan, UNCHANGED, _recorded_files(job), time.perf_counter() - started)
        warnings: list[str] = []
        files = _build(job, warnings.append)  # writes the cache record with the guides, as one set
        return Result(job.plan, BUILT, files, time.perf_counter() - started, warnings)
    except PlanError as exc:
        return Result(job.plan, FAILED, [], time.perf_counter() - started, [str(p) for p in exc.problems])
    except FileError as exc:
        return Result(job.plan, FAILED, [], time.perf_counter() - started, [str(exc)])
    except OSError as exc:  # reading a template or the plan's folder failed: the user's system, not a bug
        reason = FileError.from_os_error(exc, str(job.plan))
        return Result(job.plan, FAILED, [], time.perf_counter() - started, [str(reason)])
    except BuildError as exc:
        return Result(job.plan, FAILED, [], time.perf_counter() - started, [f"{job.plan}:1:1: error: {exc}"])
    except Exception as exc:  # a bug: report it with the plan, keep the batch going
        return Result(job.plan, FAILED, [], time.perf_counter() - started,
                      [f"{job.plan}:1:1: error: internal error ({type(exc).__name__}: {exc}); please report this"])


def _take_context(job: Job) -> None:
    if os.getcwd() != job.cwd:
        os.chdir(job.cwd)
    for name, value in job.env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _recorded_files(job: Job) -> list[Path]:
    from generator import cache

    record = cache.read_record(job.out_dir)
    return [job.out_dir / name for name in sorted(record.outputs)] if record else []


def _build(job: Job, warn: Callable[[str], None]) -> list[Path]:
    """Build one plan with generator.build into job.out_dir (= OUTPUT/NAME); the files written."""
    from generator.build import build_plan

    if job.out_dir.name != job.plan.stem:
        raise ValueError(f"{job.out_dir} is not the output folder of {job.plan}")
    written = build_plan(job.plan, job.out_dir.parent, job.options.get("editions") or None, job.options.get("paper"),
                         on_warning=lambda problem: warn(str(problem)), passphrase=job.options.get("passphrase"),
                         cache_options=cache_options(job))
    return [Path(p) for p in written]


# --- many plans ---------------------------------------------------------------------

def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has already imported the printing side once.
        context.set_forkserver_preload(["generator.build", "generator.render.pdf"])
        return context
    return multiprocessing.get_context("spawn")


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
            done(index, Result(job.plan, UNCHANGED, _recorded_files(job), 0.0))
        else:
            pending.append((index, job))
    workers = max(1, min(workers, len(pending)))
    if workers == 1 or len(pending) <= 1:
        for index, job in pending:
            done(index, runner(job))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_worker_start) as pool:
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
                                            [f"{job.plan}:1:1: error: the build worker stopped ({type(exc).__name__}: {exc})"])
                        done(index, result)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    return [results[i] for i in range(len(jobs))]


def _worker_start() -> None:
    """Ctrl-C is the parent's to handle: it cancels what has not started; a worker finishes its plan quietly."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def plan_jobs(plans: Sequence[Path], output_root: Path, options: dict, force: bool) -> list[Job | Result]:
    """One job per plan, in order; a plan whose output folder another plan would also use fails instead."""
    by_name: dict[str, list[Path]] = {}
    for plan in plans:
        by_name.setdefault(plan.stem, []).append(plan)
    entries: list[Job | Result] = []
    for plan in plans:
        twins = by_name[plan.stem]
        if len(twins) > 1:
            others = ", ".join(str(p) for p in twins if p is not plan)
            entries.append(Result(plan, FAILED, [], 0.0, [
                f"{plan}:1:1: error: {others} would also write to {output_root / plan.stem}; rename one of them"]))
        else:
            entries.append(Job(plan, output_root / plan.stem, dict(options), force))
    return entries


# --- what the organizer sees --------------------------------------------------------

def summary_table(results: Sequence[Result], output_root: Path | None = None) -> str:
    rows = [("plan", "status", "files", "seconds")]
    for result in results:
        rows.append((str(result.plan), result.status, str(len(result.files)) if result.ok else "-", f"{result.seconds:.1f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for number, row in enumerate(rows):
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]:>{widths[3]}}".rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def totals_line(results: Sequence[Result], seconds: float) -> str:
    counts = {status: sum(r.status == status for r in results) for status in (BUILT, UNCHANGED, FAILED)}
    plans = len(results)
    return (f"{plans} plan{'s' if plans != 1 else ''}: {counts[BUILT]} built, {counts[UNCHANGED]} unchanged, "
            f"{counts[FAILED]} failed in {seconds:.1f} s")


def build_many(plans: Sequence[Path], output_root: Path, *, options: dict | None = None, force: bool = False,
               jobs: int | None = None, echo: Callable[[str], None] | None = None, progress: bool | None = None,
               runner: Callable[[Job], Result] = run_job) -> list[Result]:
    """Build every plan; print problems, progress, the table and the totals. Returns the results."""
    import click

    echo = echo or click.echo
    started = time.perf_counter()
    entries = plan_jobs(plans, Path(output_root), options or {}, force)
    job_list = [entry for entry in entries if isinstance(entry, Job)]
    if progress is None:
        progress = sys.stderr.isatty()
    total = len(job_list)
    finished = 0
    bar = None
    if progress and total > 1:
        bar = click.progressbar(length=total, label="Building", file=sys.stderr, show_pos=True,
                                item_show_func=lambda name: name)
        bar.__enter__()

    def on_result(result: Result) -> None:
        nonlocal finished
        finished += 1
        if bar is not None:
            bar.update(1, result.plan.name)
        else:
            click.echo(f"[{finished}/{total}] {result.plan} {result.status} ({result.seconds:.1f} s)", err=True)

    try:
        results = run_jobs(job_list, jobs or default_jobs(), on_result, runner)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    built = iter(results)
    ordered = [next(built) if isinstance(entry, Job) else entry for entry in entries]
    for result in ordered:
        for line in result.problems:
            echo(line)
        if result.status == FAILED:
            click.echo(f"{result.plan}: not built; earlier guides are unchanged", err=True)
        elif result.status == BUILT:
            for file in result.files:
                echo(f"wrote {file}")
    echo(summary_table(ordered))
    echo(totals_line(ordered, time.perf_counter() - started))
    return ordered
