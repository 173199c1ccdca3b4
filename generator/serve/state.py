"""The preview's state: what the last build of the plan gave, and when to build again.

A Preview builds one plan into a private folder (HTML, and PDF when asked), keeps the
State of the last attempt (never raising for a problem in the plan: every error becomes
problems through generator.errors.problems_from, as on the command line), watches the
plan, the files its last build read and the templates, and rebuilds after a save.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, UserError, problems_from

DEBOUNCE_MS = 80
Builder = Callable[[Path, Path, bool], list[Path]]


def default_builder(plan: Path, out_dir: Path, pdf: bool) -> list[Path]:
    """Build the guides of `plan` into `out_dir`: HTML only unless `pdf`."""
    from ..build import build_into

    return build_into(plan, out_dir, pdf=pdf).written


@dataclass
class State:
    version: int = 0  # bumps after every build attempt that changed what is shown
    ok: bool = False
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # built files, relative to the build folder
    pdf_version: int = -1  # the version whose PDFs are in the build folder
    seconds: float = 0.0


class Preview:
    """Builds one plan into a private folder and knows what the last build gave."""

    def __init__(self, plan: Path, *, out_dir: Path | None = None, pdf: bool = False, builder: Builder | None = None,
                 echo: Callable[[str], None] | None = None, templates: Path | None = None):
        self.plan = Path(plan)
        # A private temporary folder (0700) unless told where: the real output/ stays untouched.
        self._own_dir: Path | None = None
        if out_dir is None:
            from .. import scratch

            self._own_dir = Path(tempfile.mkdtemp(prefix="preview-", dir=scratch.folder()))
            out_dir = self._own_dir / "guides"  # not the plan's name: `..yaml` would lead out of it
        self.out_dir = Path(out_dir)
        self.pdf = pdf
        self.builder = builder or default_builder
        self.echo = echo or (lambda line: print(line, file=sys.stderr, flush=True))
        if templates is None:
            from ..paths import templates_dir

            templates = templates_dir()
        self.templates = Path(templates).resolve()
        self.state = State()
        self._lock = threading.Lock()
        self._pdf_lock = threading.Lock()  # one print at a time; who waited for it takes its PDFs
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._rewatch = threading.Event()
        self._roots: list[str] | None = None  # the folders watched now
        self._marks: tuple[tuple[int, int] | None, ...] = ()  # which folders they were (_folder_marks)
        self._threads: list[threading.Thread] = []

    # --- building -------------------------------------------------------------------
    def rebuild(self, *, pdf: bool | None = None) -> State:
        """Build now (HTML, plus PDF when asked); never raises for a problem in the plan, the system or a bug."""
        pdf = self.pdf if pdf is None else pdf
        with self._lock:
            started = time.perf_counter()
            inputs = self._inputs()
            try:
                written = self.builder(self.plan, self.out_dir, pdf)
            except Exception as exc:  # the plan's problems, a full disk, a bug in a template or the tool: show it, keep serving
                problems = problems_from(exc, self.plan)
            else:
                problems = []
            seconds = time.perf_counter() - started
            old = self.state
            if problems:
                new = State(old.version + 1, False, problems, old.files, old.pdf_version, seconds)
                self.echo(f"{time.strftime('%H:%M:%S')} {self.plan}: {len(problems)} problem{'s' if len(problems) != 1 else ''}; "
                          "fix and save, the preview keeps going")
                for problem in problems:
                    self.echo(str(problem))
            else:
                out = self.out_dir.resolve()
                files = sorted(Path(p).resolve().relative_to(out).as_posix() for p in written)
                new = State(old.version + 1, True, [], files, old.version + 1 if pdf else -1, seconds)
                kind = "HTML and PDF" if pdf else "HTML"
                self.echo(f"{time.strftime('%H:%M:%S')} rebuilt {self.plan} ({kind}) in {seconds:.1f} s")
            self.state = new
            if self._inputs() != inputs:  # saved while building (the watcher may not have been ready): build again
                self._dirty.set()
            if self._roots is not None and self.watch_roots() != self._roots:
                self._rewatch.set()  # the build read a file in a folder not watched yet
            return new

    def _inputs(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The plan's content and the pictures the last build read, by hash."""
        from ..cache import current_shared, current_uses, fingerprint_plan, read_record

        record = read_record(self.out_dir)
        uses = current_uses(self.plan, set(record.uses) if record else set())
        return fingerprint_plan(self.plan), tuple(sorted({**uses, **(current_shared(record.shared) if record else {})}.items()))

    def ensure_pdf(self) -> State:
        """Print the PDFs of what is shown now, unless they are already printed."""
        with self._pdf_lock:  # a request that came during a print finds its PDFs done here
            state = self.state
            if state.ok and state.pdf_version == state.version:
                return state
            return self.rebuild(pdf=True)

    # --- watching -------------------------------------------------------------------
    def watched(self, path: str | Path) -> bool:
        """Does a change at `path` affect the guides? The plan, a picture it uses, a template."""
        path = Path(path).resolve()
        if path == self.plan.resolve():
            return True
        if path.is_relative_to(self.templates):
            relative = path.relative_to(self.templates)
            return not (relative.parts and relative.parts[0] == "starters") and not path.name.endswith(("~", ".swp", ".tmp"))
        if not self.state.ok and path.parent == self.plan.resolve().parent:
            return True  # a failed build may be waiting for a missing picture: any file saved next to the plan
        return path.as_posix() in self.uses()

    def _shared_plans(self) -> set[str]:
        """The shared plans the plan extends (read now: the watch starts before the first build)."""
        from ..plan.extends import load_plan

        try:
            return set(load_plan(self.plan).shared)
        except UserError:
            return set()

    def uses(self) -> set[str]:
        """The files of the plan's folder and the shared plans the last build read (its .build.json), to watch like the plan."""
        from ..cache import read_record

        record = read_record(self.out_dir)
        return set(record.uses) | set(record.shared) if record else set()

    def start(self) -> None:
        """Watch for changes and rebuild in the background."""
        for target in (self._watch_loop, self._build_loop):
            thread = threading.Thread(target=target, daemon=True, name=f"preview-{target.__name__}")
            thread.start()
            self._threads.append(thread)

    def watch_roots(self) -> list[str]:
        """The folders to watch, each alone (not what is below it): the plan's, those of the shared plans and pictures the
        last build read, and the templates' own. Not the plan's folder's whole tree: a link in it to / or /usr would be
        followed, using up the system's watches or stopping at the first folder it may not read."""
        folders = {self.plan.resolve().parent, *(Path(name).parent for name in self._shared_plans() | self.uses())}
        folders |= {Path(folder) for folder, _, _ in os.walk(self.templates)}  # the tool's own tree: no links out
        return sorted(str(folder) for folder in folders if folder.is_dir())

    def _watch_loop(self) -> None:
        import watchfiles

        # The plan's folder, not the file: editors that save by renaming a new file would end a file watch.
        # Watched again when a build reads a file in another folder (a picture in a subfolder), and when a watched
        # folder is removed, replaced or comes back (a watch on a removed folder sees nothing after it).
        try:
            while not self._stop.is_set():
                self._rewatch.clear()
                self._roots = self.watch_roots()
                self._marks = self._folder_marks()
                for _changes in watchfiles.watch(*self._roots, watch_filter=lambda _change, path: self.watched(path),
                                                 debounce=DEBOUNCE_MS, step=20, stop_event=_Either(self._stop, self._rewatch),
                                                 rust_timeout=500, yield_on_timeout=False, raise_interrupt=False,
                                                 recursive=False):
                    self._dirty.set()
        except Exception as exc:  # too many watches...: say so, keep serving
            self.echo(f"error: stopped watching for changes ({type(exc).__name__}: {exc}); restart `serve` to watch again")

    def _folder_marks(self) -> tuple[tuple[int, int] | None, ...]:
        """Which folder each watched one (and the plan's) is now: None where it is gone."""
        marks: list[tuple[int, int] | None] = []
        for folder in (str(self.plan.resolve().parent), *(self._roots or ())):
            try:
                found = os.stat(folder)
                marks.append((found.st_dev, found.st_ino))
            except OSError:
                marks.append(None)
        return tuple(marks)

    def _build_loop(self) -> None:
        idle = 0
        while not self._stop.is_set():
            if not self._dirty.wait(timeout=0.2) or self._stop.is_set():
                idle += 1
                if idle % 5 == 0 and self._roots is not None and self._folder_marks() != self._marks:
                    self._rewatch.set()  # a watched folder went or came back: watch it again, and build
                    self._dirty.set()
                continue
            self._dirty.clear()
            self.rebuild()

    def close(self, wait: float = 5) -> bool:
        """Stop watching and building, remove the build folder; False when a build still runs after `wait` seconds."""
        self._stop.set()
        self._dirty.set()
        deadline = time.monotonic() + wait
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if self._own_dir:
            shutil.rmtree(self._own_dir, ignore_errors=True)
        return not any(thread.is_alive() for thread in self._threads)


class _Either:
    """Set when either event is: watchfiles' stop_event for stopping for good or to watch other folders."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)
