"""Printing the PDFs of one plan: in this process, or side by side in worker processes.

generator.build renders every edition's print HTML first, then hands the ones that
must be printed to a printer: `print_here` prints them one after the other in this
process; `print_side_by_side` and `PrintWorkers` print them in worker processes, the
largest first, so on two cores a build takes about as long as its largest document.
While they print, the build renders the screen HTML (`meanwhile`).

PrintWorkers (where processes can fork) may be started before the plan is even read
(generator.batch does so for the one plan of a build): its first worker imports
WeasyPrint, loads the fonts and parses the print stylesheets while this process
checks the plan and renders the HTML, then forks the other workers, which inherit
that work; this process never imports WeasyPrint. Where there is no fork,
generator.batch's forkserver is used. A worker returns the PDF's bytes and the files
it read; a refusal comes back as the same RefusedResource the build reports.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import os
import queue
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Self

from generator.errors import BuildError
from generator.render.assets import AssetPolicy, RefusedResource
from generator.sets import process_alive


@dataclass(frozen=True)
class PrintTask:
    """One edition's print HTML and what printing it needs (picklable)."""

    html: str
    plan_dir: Path
    paper: str
    stylesheets: tuple[str, ...] = ()  # the edition's own (EditionSpec.print_css)
    fit_css: tuple[str, ...] = ()  # added when it runs past one page (EditionSpec.fit_css)
    short_html: str = ""  # printed instead when it still runs past one page (EditionSpec.short_fallback)


@dataclass(frozen=True)
class Printed:
    """A worker's answer: the PDF, the files it read, or the refusal or error that stopped it."""

    pdf: bytes = b""
    requests: tuple[str, ...] = ()
    refused: tuple[str, str] | None = None  # (url, reason) of a RefusedResource
    error: str | None = None  # the message of any other BuildError
    crash: str | None = None  # the traceback of a bug in the tool


def _nothing() -> None:
    return None


def _ignore(index: int, pdf: bytes) -> None:
    return None


class Printer(Protocol):
    """Prints every task and returns the PDFs in the same order; calls `meanwhile` once, while they print,
    and `printed(index, pdf)` as each one is done (in any order)."""

    def __call__(self, tasks: Sequence[PrintTask], policy: AssetPolicy, meanwhile: Callable[[], None] = _nothing,
                 printed: Callable[[int, bytes], None] = _ignore) -> list[bytes]:
        ...


def print_here(tasks: Sequence[PrintTask], policy: AssetPolicy, meanwhile: Callable[[], None] = _nothing,
               printed: Callable[[int, bytes], None] = _ignore) -> list[bytes]:
    """Print in this process, one after the other (imports WeasyPrint)."""
    from generator.render.pdf import render_pdf

    meanwhile()
    pdfs = []
    for index, task in enumerate(tasks):
        pdfs.append(render_pdf(task.html, policy, paper=task.paper, stylesheets=task.stylesheets, fit_css=task.fit_css,
                               short_html=task.short_html or None))
        printed(index, pdfs[-1])
    return pdfs


def print_task(task: PrintTask) -> Printed:
    """Print one task in a worker process; never raises for a problem in the plan."""
    from generator.paths import templates_dir
    from generator.render.pdf import render_pdf

    policy = AssetPolicy(task.plan_dir, templates_dir())
    try:
        pdf = render_pdf(task.html, policy, paper=task.paper, stylesheets=task.stylesheets, fit_css=task.fit_css,
                         short_html=task.short_html or None)
    except RefusedResource as refused:
        return Printed(requests=tuple(policy.requests), refused=(refused.url, refused.reason))
    except BuildError as error:
        return Printed(requests=tuple(policy.requests), error=str(error))
    return Printed(pdf, tuple(policy.requests))


def print_side_by_side(workers: int) -> Printer:
    """A printer with up to `workers` worker processes; one document (or one worker) prints here."""

    def printer(tasks: Sequence[PrintTask], policy: AssetPolicy, meanwhile: Callable[[], None] = _nothing,
                printed: Callable[[int, bytes], None] = _ignore) -> list[bytes]:
        if workers <= 1 or len(tasks) <= 1:
            meanwhile()
            pdfs = print_here(tasks, policy)
        elif can_fork():
            with PrintWorkers(min(workers, len(tasks))) as pool:
                return pool(tasks, policy, meanwhile, printed)
        else:
            meanwhile()
            pdfs = _print_in_workers(tasks, policy, min(workers, len(tasks)))
        for index, pdf in enumerate(pdfs):
            printed(index, pdf)
        return pdfs

    return printer


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _largest_first(tasks: Sequence[PrintTask]) -> list[int]:
    """The order to print in: the largest document first, the others fill the remaining workers around it."""
    return sorted(range(len(tasks)), key=lambda index: -len(tasks[index].html))


class PrintWorkers:
    """Up to `workers` forked print worker processes, started now and used for one call (see the module's text).

    Leaving without a call, or on an error, stops them at once.
    """

    def __init__(self, workers: int) -> None:
        context = multiprocessing.get_context("fork")
        self.workers = max(1, workers)
        self._tasks: multiprocessing.queues.Queue[Any] = context.Queue()
        self._answers: multiprocessing.queues.Queue[Any] = context.Queue()
        self._first = context.Process(target=_first_worker, args=(self._tasks, self._answers, os.getpid()),
                                      name="incident-guide print worker")
        self._first.start()
        self._used = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(stop=kind is not None or not self._used)

    def close(self, stop: bool = False) -> None:
        if stop and self._first.is_alive():
            self._first.terminate()  # its own workers are stopped with it
        self._first.join(timeout=30)
        if self._first.is_alive():
            self._first.kill()
            self._first.join()
        for channel in (self._tasks, self._answers):
            channel.close()
            channel.cancel_join_thread()

    def __call__(self, tasks: Sequence[PrintTask], policy: AssetPolicy, meanwhile: Callable[[], None] = _nothing,
                 printed: Callable[[int, bytes], None] = _ignore) -> list[bytes]:
        if self._used:
            raise RuntimeError("PrintWorkers print one set of documents")
        if not tasks:
            meanwhile()
            return []
        self._used = True
        workers = min(self.workers, len(tasks))
        self._tasks.put(workers)
        for index in _largest_first(tasks):
            self._tasks.put((index, tasks[index]))
        for _ in range(workers):
            self._tasks.put(None)
        meanwhile()
        answers: dict[int, Printed] = {}
        while len(answers) < len(tasks):
            try:
                index, answer = self._answers.get(timeout=1)
            except queue.Empty:
                if not self._first.is_alive():
                    raise RuntimeError(f"a print worker stopped (exit status {self._first.exitcode})") from None
                continue
            if index is None:
                raise RuntimeError(f"a print worker stopped ({answer})")
            answers[index] = answer
            if answer.pdf:
                printed(index, answer.pdf)
        return _pdfs([answers[index] for index in range(len(tasks))], policy)


def _first_worker(tasks: multiprocessing.queues.Queue[Any], answers: multiprocessing.queues.Queue[Any], build: int) -> None:
    """Import WeasyPrint and parse the stylesheets, fork the other workers (they inherit that), then print."""
    from generator.batch import _worker_start

    _worker_start()

    def stop(*_: object) -> None:
        answers.cancel_join_thread()  # the build no longer reads them
        sys.exit(1)  # through multiprocessing's exit, which stops the other workers too

    signal.signal(signal.SIGTERM, stop)
    from generator.render.pdf import parse_every_stylesheet

    parse_every_stylesheet()
    count = _next(tasks, build)
    context = multiprocessing.get_context("fork")
    others = [context.Process(target=_serve, args=(tasks, answers, build, True), daemon=True) for _ in range(count - 1)]
    # No stop while forking: a worker forked but not yet counted among the children would outlive this one.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    for other in others:
        other.start()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    _serve(tasks, answers, build)
    for other in others:
        other.join()
        if other.exitcode:
            answers.put((None, f"exit status {other.exitcode}"))


def _serve(tasks: multiprocessing.queues.Queue[Any], answers: multiprocessing.queues.Queue[Any], build: int,
           forked: bool = False) -> None:
    """Print tasks until the stop mark (None)."""
    first = os.getppid() if forked else None  # a worker the first one forked lives only as long as it
    if forked:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    while (item := _next(tasks, build, first)) is not None:
        index, task = item
        try:
            answer = print_task(task)
        except Exception:  # a bug: the build reports it as an internal error
            answer = Printed(crash=traceback.format_exc())
        answers.put((index, answer))
    if first is not None and os.getppid() != first:
        os._exit(1)  # nobody waits for its answers: do not wait to hand them over


def _next(tasks: multiprocessing.queues.Queue[Any], build: int, first: int | None = None) -> Any:
    """The next message from the build; a worker whose build (or first worker) is gone exits."""
    while True:
        try:
            return tasks.get(timeout=1)
        except queue.Empty:
            if not process_alive(build) or (first is not None and os.getppid() != first):
                os._exit(1)


def _print_in_workers(tasks: Sequence[PrintTask], policy: AssetPolicy, workers: int) -> list[bytes]:
    from generator.batch import _context, _worker_start

    with ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_worker_start) as pool:
        futures: dict[int, Future[Printed]] = {index: pool.submit(print_task, tasks[index]) for index in _largest_first(tasks)}
        answers = [futures[index].result() for index in range(len(tasks))]
    return _pdfs(answers, policy)


def _pdfs(answers: list[Printed], policy: AssetPolicy) -> list[bytes]:
    """The PDFs of the workers' answers; the first refusal, error or crash among them is raised here."""
    for answer in answers:
        policy.requests.extend(answer.requests)
    for answer in answers:
        if answer.refused is not None:
            raise policy.refuse(*answer.refused)
        if answer.error is not None:
            raise BuildError(answer.error)
        if answer.crash is not None:
            raise RuntimeError(f"a print worker failed:\n{answer.crash}")
    return [answer.pdf for answer in answers]
