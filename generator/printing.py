"""Printing the PDFs of one plan: in this process, or side by side in worker processes.

generator.build renders every edition's print HTML first, then hands the ones that
must be printed to a printer, which returns at once with the PDFs on their way (Prints):
`print_here` prints them one after the other in this process as they are asked for;
`print_side_by_side` and `PrintWorkers` print them in worker processes, the largest
first, so on two cores a build takes about as long as its largest document. While they
print, the build renders the screen HTML.

PrintWorkers (where processes can fork) may be started before the plan is even read
(generator.batch does so for the one plan of a build): its first worker imports
WeasyPrint, loads the fonts and parses the print stylesheets while this process
checks the plan and renders the HTML, then forks the other workers, which inherit
that work; this process never imports WeasyPrint. Where there is no fork,
the forkserver of generator.workers is used, and it starts the first worker where this
process runs threads (a fork would copy their locks). How workers stop: PrintWorkers. A worker returns the PDF's bytes and the files
it read; a refusal comes back as the same RefusedResource the build reports (located in the plan by the build), any other
error as the problems generator.errors.problems_from makes of it, file, line, column, rule and hint kept, raised again here.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.queues
import os
import queue
import signal
import threading
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol, Self

from .assets import AssetPolicy, RefusedResource
from .errors import Problem, is_internal, problems_from, raise_problems
from .sets import process_alive
from .stopping import die_with_parent, exit_now, parent_gone
from .workers import kill_workers, pool_context, started_by, worker_signals, worker_start


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
    """A worker's answer: the PDF, the files it read, or the refusal or problems that stopped it."""

    pdf: bytes = b""
    requests: tuple[str, ...] = ()
    refused: tuple[str, str] | None = None  # (url, reason) of a RefusedResource
    problems: tuple[Problem, ...] = ()  # what any other error was (generator.errors.problems_from)
    internal: bool = False  # the problems are a bug in the tool
    traceback: str = ""  # of that bug, shown with --debug


class Prints:
    """PDFs on their way: what a printer returns at once, so the caller goes on while they print.

    Iterating gives (index, pdf) as each one is done, in any order, and raises the first refusal
    or problem (in the order of the tasks) once every answer is in; `pdfs()` waits for them all.
    Leaving the `with` on an error stops what still prints.
    """

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(stop=kind is not None)

    def close(self, stop: bool = False) -> None:
        return None

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        raise NotImplementedError

    def pdfs(self) -> list[bytes]:
        """Every PDF, in the order of the tasks."""
        done = dict(self)
        return [done[index] for index in range(len(done))]


class Printer(Protocol):
    """Starts printing every task and returns the PDFs on their way (Prints)."""

    def __call__(self, tasks: Sequence[PrintTask], policy: AssetPolicy) -> Prints:
        ...


class _PrintHere(Prints):
    def __init__(self, tasks: Sequence[PrintTask], policy: AssetPolicy) -> None:
        self.tasks, self.policy = tasks, policy

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        from .render.pdf import render_pdf

        for index, task in enumerate(self.tasks):
            yield index, render_pdf(task.html, self.policy, paper=task.paper, stylesheets=task.stylesheets, fit_css=task.fit_css,
                                    short_html=task.short_html or None)


def print_here(tasks: Sequence[PrintTask], policy: AssetPolicy) -> Prints:
    """Print in this process, one after the other, as the PDFs are asked for (imports WeasyPrint)."""
    return _PrintHere(tasks, policy)


def print_task(task: PrintTask) -> Printed:
    """Print one task in a worker process; never raises for a problem in the plan."""
    from .paths import templates_dir
    from .render.pdf import render_pdf

    policy = AssetPolicy(task.plan_dir, templates_dir())
    try:
        pdf = render_pdf(task.html, policy, paper=task.paper, stylesheets=task.stylesheets, fit_css=task.fit_css,
                         short_html=task.short_html or None)
    except RefusedResource as refused:
        return Printed(requests=tuple(policy.requests), refused=(refused.url, refused.reason))
    except Exception as error:
        return failed(error, tuple(policy.requests))
    return Printed(pdf, tuple(policy.requests))


def failed(error: Exception, requests: tuple[str, ...] = ()) -> Printed:
    """A worker's answer for an error: its problems, for the build to raise again (_pdfs)."""
    internal = is_internal(error)
    return Printed(requests=requests, problems=tuple(problems_from(error)), internal=internal,
                   traceback=traceback.format_exc() if internal else "")


def print_side_by_side(workers: int) -> Printer:
    """A printer with up to `workers` worker processes; one document (or one worker) prints here."""

    def printer(tasks: Sequence[PrintTask], policy: AssetPolicy) -> Prints:
        if workers <= 1 or len(tasks) <= 1:
            return print_here(tasks, policy)
        if can_fork():
            pool = PrintWorkers(min(workers, len(tasks)))
            try:
                return pool(tasks, policy)
            except BaseException:
                pool.close(stop=True)
                raise
        return _PrintPool(tasks, policy, min(workers, len(tasks)))

    return printer


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _largest_first(tasks: Sequence[PrintTask]) -> list[int]:
    """The order to print in: the largest document first, the others fill the remaining workers around it."""
    return sorted(range(len(tasks)), key=lambda index: -len(tasks[index].html))


class PrintWorkers(Prints):
    """Up to `workers` forked print worker processes, started now and used for one call (see the module's text).

    The first worker is forked from this process and makes its own process group; the others,
    forked by it once WeasyPrint is loaded (only while it runs a single thread: checked before
    forking), are in that group, so stopping them all is one SIGKILL to the group. Every worker
    dies with its parent (generator.stopping.die_with_parent) and ends with os._exit, so nothing
    it inherited for exit (multiprocessing's queue threads, atexit) runs or waits. Tasks come
    through a multiprocessing queue (its feeding thread runs in this process); each worker writes
    its answers itself into a pipe that this process reads. Leaving without a call, or on an
    error, stops them at once. Called with the tasks, it is their Prints.
    """

    def __init__(self, workers: int) -> None:
        from . import scratch

        scratch.folder()  # the workers' temporary files (WeasyPrint's fonts) go into this process's folder
        context: Any = multiprocessing.get_context("fork")
        parent: int | None = os.getpid()
        if not _single_threaded() and "forkserver" in multiprocessing.get_all_start_methods():
            # This process runs threads (a library caller, a test run): the first worker comes from the forkserver.
            context, parent = pool_context(), None
        self.workers = max(1, workers)
        self._tasks: multiprocessing.queues.Queue[Any] = context.Queue()
        self._answers, writer = context.Pipe(duplex=False)
        self._lock = context.Lock()  # kept: start() drops its arguments, and a lost lock's name could be removed first
        self._first = context.Process(target=_first_worker, args=(self._tasks, writer, self._lock, os.getpid(), parent),
                                      name="incident-guide print worker")
        self._first.start()
        writer.close()  # only the workers hold it now: once they are all gone, reading the answers meets end-of-file
        self._group = self._first.pid or 0
        try:
            os.setpgid(self._group, self._group)  # the worker does it too: whichever comes first
        except OSError:
            pass  # already done, or the worker has already exited
        self._used = False
        self._reader: threading.Thread | None = None
        self._inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._tasks_given = 0
        self._policy: AssetPolicy | None = None
        self._closed = False

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(stop=kind is not None or not self._used)

    def close(self, stop: bool = False) -> None:
        if self._closed:
            return
        self._closed = True
        if stop:
            self._kill()
        self._first.join(timeout=30)
        if self._first.is_alive():
            self._kill()
            self._first.join()
        self._kill()  # a worker the first one forked and left behind (it never does unless it was killed)
        self._tasks.close()
        self._tasks.cancel_join_thread()
        if self._reader is not None:
            self._reader.join(timeout=5)  # every worker is gone, so it has read the end of the answers
        if self._reader is None or not self._reader.is_alive():
            self._answers.close()

    def _read(self) -> None:
        while True:
            try:
                self._inbox.put(self._answers.recv())
            except (EOFError, OSError):
                self._inbox.put(None)
                return

    def _kill(self) -> None:
        if self._first.is_alive():
            self._first.kill()  # also before it has made its group
        try:
            os.killpg(self._group, signal.SIGKILL)
        except OSError:  # no such group: every worker has exited
            pass

    def __call__(self, tasks: Sequence[PrintTask], policy: AssetPolicy) -> Self:
        if self._used:
            raise RuntimeError("PrintWorkers print one set of documents")
        self._policy = policy
        if not tasks:
            return self
        self._used = True
        self._tasks_given = len(tasks)
        workers = min(self.workers, len(tasks))
        self._tasks.put(workers)
        for index in _largest_first(tasks):
            self._tasks.put((index, tasks[index]))
        for _ in range(workers):
            self._tasks.put(None)
        # Answers are read as they come, so no worker waits for this process (busy with the screen HTML) to take a PDF.
        self._reader = threading.Thread(target=self._read, name="print answers", daemon=True)
        self._reader.start()
        return self

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        answers: dict[int, Printed] = {}
        while len(answers) < self._tasks_given:
            try:
                item = self._inbox.get(timeout=1)
            except queue.Empty:
                continue
            if item is None:  # every worker has exited
                self._first.join(timeout=5)
                raise RuntimeError(f"a print worker stopped (exit status {self._first.exitcode})") from None
            index, answer = item
            if index is None:
                if isinstance(answer, OSError):
                    raise answer  # said in plain words, as the system's (errors.problems_from)
                raise RuntimeError(f"a print worker stopped ({answer})")
            answers[index] = answer
            if answer.pdf:
                yield index, answer.pdf
        if self._policy is not None:
            _pdfs([answers[index] for index in range(self._tasks_given)], self._policy)


def _first_worker(tasks: multiprocessing.queues.Queue[Any], answers: Connection, lock: Any, build: int,
                  parent: int | None) -> None:
    """Import WeasyPrint and parse the stylesheets, fork the other workers (they inherit that), then print.

    `parent` is the build's process, or None when started by the forkserver (which dies with the build).
    """
    code = 1
    try:
        die_with_parent(parent if parent is not None else started_by())
        try:
            os.setpgid(0, 0)
        except OSError:
            pass  # the build has already made the group
        worker_signals()
        from .render.pdf import parse_every_stylesheet

        parse_every_stylesheet()
        count = _next(tasks, build)
        if not _single_threaded():
            count = 1  # a fork now could copy a lock that another thread holds: print everything here
        first = os.getpid()
        others = []
        for _ in range(count - 1):
            pid = os.fork()
            if pid == 0:
                _other_worker(tasks, answers, lock, build, first)  # never returns
            others.append(pid)
        _serve(tasks, answers, lock, build)
        code = 0
        for pid in others:
            status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            if status:
                code = 1
                with lock:
                    answers.send((None, f"exit status {status}"))
    except OSError as error:  # the system's, not a bug: a full or read-only temporary folder (the fonts' copies go there)
        code = 1
        if error.filename is None:
            import tempfile

            error.filename = tempfile.gettempdir()  # where it was writing ($TMPDIR), for the message to name
        with contextlib.suppress(Exception), lock:
            answers.send((None, error))
    except BaseException:
        code = 1
    finally:
        exit_now(code)


def _other_worker(tasks: multiprocessing.queues.Queue[Any], answers: Connection, lock: Any, build: int, first: int) -> None:
    code = 1
    try:
        die_with_parent(first)
        _serve(tasks, answers, lock, build, first)
        code = 0
    except BaseException:
        code = 1
    finally:
        exit_now(code)


def _single_threaded() -> bool:
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return threading.active_count() == 1


def _serve(tasks: multiprocessing.queues.Queue[Any], answers: Connection, lock: Any, build: int,
           first: int | None = None) -> None:
    """Print tasks until the stop mark (None)."""
    while (item := _next(tasks, build, first)) is not None:
        index, task = item
        try:
            answer = print_task(task)
        except Exception as error:  # before printing began (the templates' folder, say)
            answer = failed(error)
        with lock:
            answers.send((index, answer))


def _next(tasks: multiprocessing.queues.Queue[Any], build: int, first: int | None = None) -> Any:
    """The next message from the build; a worker whose build (or first worker) is gone exits."""
    while True:
        try:
            return tasks.get(timeout=1)
        except queue.Empty:
            if not process_alive(build) or (first is not None and parent_gone(first)):
                exit_now(1)


class _PrintPool(Prints):
    """A pool of workers from generator.workers, where processes cannot fork."""

    def __init__(self, tasks: Sequence[PrintTask], policy: AssetPolicy, workers: int) -> None:
        self.policy = policy
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=pool_context(), initializer=worker_start)
        self._futures: dict[Future[Printed], int] = {self._pool.submit(print_task, tasks[index]): index
                                                     for index in _largest_first(tasks)}

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        answers: dict[int, Printed] = {}
        for future in as_completed(self._futures):
            index = self._futures[future]
            answers[index] = future.result()
            if answers[index].pdf:
                yield index, answers[index].pdf
        _pdfs([answers[index] for index in range(len(answers))], self.policy)

    def close(self, stop: bool = False) -> None:
        if stop:
            kill_workers(self._pool)
        self._pool.shutdown(wait=not stop, cancel_futures=stop)


def _pdfs(answers: list[Printed], policy: AssetPolicy) -> list[bytes]:
    """The PDFs of the workers' answers; the first refusal or problems among them are raised here."""
    for answer in answers:
        policy.requests.extend(answer.requests)
    for answer in answers:
        if answer.refused is not None:
            raise policy.refuse(*answer.refused)
        raise_problems(answer.problems, answer.internal, answer.traceback)
    return [answer.pdf for answer in answers]
