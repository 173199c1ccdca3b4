"""Every way to stop a command ends everything it started.

- `stop_on_signals(deadline=True)`: in the command's process, SIGTERM (`kill`, `timeout`, CI
  cancellation, service managers), SIGHUP (the terminal closed) and SIGINT (Ctrl-C)
  raise Stopped, a KeyboardInterrupt, in the main thread: the code running unwinds, stops
  the workers it started (generator.printing, generator.batch) and removes its
  temporary folder (generator.scratch). Only the first signal does so; later ones are
  ignored while it cleans up, and the process ends GRACE seconds after the signal at the
  latest, even if Python lost the Stopped (it drops an exception raised inside a fork
  handler or a finalizer); a build checks once more before it swaps in a set.
- `die_with_parent(pid)`: in a worker process, first thing: it is killed when its parent
  dies, however that happens (Linux PR_SET_PDEATHSIG; elsewhere the worker checks
  between tasks), and exits at once if the parent is already gone.
- `exit_now(code)`: a worker process ends with os._exit, without the finalizers it
  inherited (multiprocessing's queue threads, atexit handlers), which can block forever.
- `end_now(code, said)`: the command's process ends the same way once what it started is
  stopped: it says so on stderr and removes its temporary folder first (a Stopped that
  reached the command line, the deadline, `serve` told to stop).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any, NoReturn

# The command that started a forkserver, named in the environment it starts with (generator.forkserver_guard).
COMMAND_PID = "INCIDENT_GUIDE_COMMAND_PID"
SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))
_PR_SET_PDEATHSIG = 1
GRACE = 1.0  # seconds from a stop signal to the end of the process, at the latest (the promise is two)
_state = {"depth": 0, "stopping": False, "signum": 0, "deadline": False}  # stop_on_signals() in effect; a stop under way


class Stopped(KeyboardInterrupt):
    """The command was told to stop by a signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


@contextlib.contextmanager
def stop_on_signals(deadline: bool = False) -> Iterator[None]:
    """Within: the stop signals raise Stopped once (see the module's text). Outside the main thread: nothing.

    `deadline` (a command's process, which ends after a stop): the process ends GRACE seconds after the
    signal however its clean-up goes."""
    if threading.current_thread() is not threading.main_thread() or _state["depth"]:
        yield  # not where signals arrive, or already on (the command's, around serve's own)
        return
    _state.update(depth=1, stopping=False, deadline=deadline)

    def stop(signum: int, _frame: FrameType | None) -> None:
        if _state["stopping"]:
            return  # cleaning up after the first one
        _state.update(stopping=True, signum=signum)
        if _state["deadline"]:
            _deadline(signum)
        raise Stopped(signum)

    previous: dict[int, Any] = {}
    for signum in SIGNALS:
        previous[signum] = signal.signal(signum, stop)
    unraisable = sys.unraisablehook

    def lost(info: Any) -> None:  # a Stopped Python could not raise: the deadline ends the process instead
        if not isinstance(info.exc_value, Stopped):
            unraisable(info)

    sys.unraisablehook = lost
    try:
        yield
    finally:
        sys.unraisablehook = unraisable
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _state.update(depth=0, stopping=False, signum=0)


def raise_if_requested() -> None:
    """Raise Stopped if a stop signal has come: checked before anything irreversible (swapping in a set),
    in case the first Stopped was lost."""
    if _state["stopping"]:
        raise Stopped(_state["signum"])


def _deadline(signum: int) -> None:
    """However the clean-up goes (or if Stopped is lost: Python drops an exception raised inside a fork
    handler or a finalizer), the process ends GRACE seconds after the signal; its workers die with it."""
    if not hasattr(signal, "setitimer"):
        return

    def overdue(_signum: int, _frame: FrameType | None) -> None:
        end_now(128 + signum, f"stopped ({signal_name(signum)})")

    signal.signal(signal.SIGALRM, overdue)
    signal.setitimer(signal.ITIMER_REAL, GRACE)


def signal_name(signum: int) -> str:
    """SIGTERM for 15: how a stop is named to the user."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def end_now(code: int, said: str | None = None) -> NoReturn:
    """End the command's process now, its workers already stopped: say `said` on stderr, remove its
    temporary folder (generator.scratch), exit with `code` without Python's slow shutdown (seconds once
    WeasyPrint is loaded, and a print still running in a thread would go on meanwhile)."""
    from . import scratch

    if said:
        try:
            sys.stderr.write(said + "\n")
        except (OSError, ValueError):
            pass
    scratch.remove_now()
    exit_now(code)


def end_stopped(stopped: Stopped) -> NoReturn:
    """End the command that `stopped` reached: `stopped (SIGTERM)` on stderr, exit 128 + the signal's number."""
    end_now(stopped.exit_status, f"stopped ({signal_name(stopped.signum)})")


def die_with_parent(parent: int) -> None:
    """Be killed when `parent` (this process's parent) dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)  # this program's own C library (find_library would run gcc)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        exit_now(1)


def parent_gone(parent: int) -> bool:
    return os.getppid() != parent


def exit_now(code: int) -> NoReturn:
    """End this worker process now, without running what it inherited for exit."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)
