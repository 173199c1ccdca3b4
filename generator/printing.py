"""Printing the PDFs of one plan: in this process, or side by side in worker processes.

generator.build renders every edition's print HTML first, then hands the ones that
must be printed to a printer: `print_here` prints them one after the other in this
process; `print_side_by_side` prints them in worker processes, the largest first, so
on two cores a build takes about as long as its largest document. The pool lives for
one build's documents; generator.batch gives a plan the workers when it is the only
one to build (`--jobs` counts every worker). The workers are forked from this
process after it has imported WeasyPrint, loaded the fonts and parsed the print
stylesheets (generator.render.pdf.print_styles), so that work is done once, not once
per worker (and not again in a forkserver that would import the whole tool a second
time); where there is no fork, generator.batch's forkserver is used.
A worker returns the PDF's bytes and the files it read; a refusal comes back as
the same RefusedResource the build reports.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildError
from generator.render.assets import AssetPolicy, RefusedResource


@dataclass(frozen=True)
class PrintTask:
    """One edition's print HTML and what printing it needs (picklable)."""

    html: str
    plan_dir: Path
    paper: str
    stylesheets: tuple[str, ...] = ()  # the edition's own (EditionSpec.print_css)


@dataclass(frozen=True)
class Printed:
    """A worker's answer: the PDF, the files it read, or the refusal or error that stopped it."""

    pdf: bytes = b""
    requests: tuple[str, ...] = ()
    refused: tuple[str, str] | None = None  # (url, reason) of a RefusedResource
    error: str | None = None  # the message of any other BuildError


# A printer prints every task and returns the PDFs in the same order.
Printer = Callable[[Sequence[PrintTask], AssetPolicy], list[bytes]]


def print_here(tasks: Sequence[PrintTask], policy: AssetPolicy) -> list[bytes]:
    """Print in this process, one after the other (imports WeasyPrint)."""
    from generator.render.pdf import render_pdf

    return [render_pdf(task.html, policy, paper=task.paper, stylesheets=task.stylesheets) for task in tasks]


def print_task(task: PrintTask) -> Printed:
    """Print one task in a worker process; never raises for a problem in the plan."""
    from generator.paths import templates_dir
    from generator.render.pdf import render_pdf

    policy = AssetPolicy(task.plan_dir, templates_dir())
    try:
        pdf = render_pdf(task.html, policy, paper=task.paper, stylesheets=task.stylesheets)
    except RefusedResource as refused:
        return Printed(requests=tuple(policy.requests), refused=(refused.url, refused.reason))
    except BuildError as error:
        return Printed(requests=tuple(policy.requests), error=str(error))
    return Printed(pdf, tuple(policy.requests))


def print_side_by_side(workers: int) -> Printer:
    """A printer with up to `workers` worker processes; one document (or one worker) prints here."""

    def printer(tasks: Sequence[PrintTask], policy: AssetPolicy) -> list[bytes]:
        if workers <= 1 or len(tasks) <= 1:
            return print_here(tasks, policy)
        return _print_in_workers(tasks, policy, min(workers, len(tasks)))

    return printer


def _print_in_workers(tasks: Sequence[PrintTask], policy: AssetPolicy, workers: int) -> list[bytes]:
    from generator.batch import _context, _worker_start
    from generator.render.pdf import print_styles

    context: multiprocessing.context.BaseContext
    if "fork" in multiprocessing.get_all_start_methods():
        # WeasyPrint imported, fonts loaded and stylesheets parsed once, here; the workers inherit them.
        for paper, stylesheets in {(task.paper, task.stylesheets) for task in tasks}:
            print_styles(paper, stylesheets)
        context = multiprocessing.get_context("fork")
    else:
        context = _context()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start) as pool:
        # The largest document first: the others fill the remaining workers around it.
        order = sorted(range(len(tasks)), key=lambda index: -len(tasks[index].html))
        futures: dict[int, Future[Printed]] = {index: pool.submit(print_task, tasks[index]) for index in order}
        answers = [futures[index].result() for index in range(len(tasks))]
    for answer in answers:
        policy.requests.extend(answer.requests)
    for answer in answers:
        if answer.refused is not None:
            raise policy.refuse(*answer.refused)
        if answer.error is not None:
            raise BuildError(answer.error)
    return [answer.pdf for answer in answers]
