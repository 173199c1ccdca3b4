"""Every way to stop a command ends everything it started.

- `stop_on_signals()`: in the command's process, SIGTERM (`kill`, `timeout`, CI
  cancellation, service managers), SIGHUP (the terminal closed) and SIGINT (Ctrl-C)
  raise Stopped, a KeyboardInterrupt, in the main thread: the code running unwinds, stops
  the workers it started (generator.printing, generator.batch) and removes its
  temporary folder (generator.scratch). Only the first signal does so; later ones are
  ignored while it cleans up.
- `die_with_parent(pid)`: in a worker process, first thing: it is killed when its parent
  dies, however that happens (Linux PR_SET_PDEATHSIG; elsewhere the worker checks
  between tasks), and exits at once if the parent is already gone.
- `exit_now(code)`: a worker process ends with os._exit, without the finalizers it
  inherited (multiprocessing's queue threads, atexit handlers), which can block forever.
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

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))
_PR_SET_PDEATHSIG = 1
_state = {"depth": 0, "stopping": False}  # stop_on_signals() in effect; a stop under way


class Stopped(KeyboardInterrupt):
    """The command was told to stop by a signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within: the stop signals raise Stopped once (see the module's text). Outside the main thread: nothing."""
    if threading.current_thread() is not threading.main_thread() or _state["depth"]:
        yield  # not where signals arrive, or already on (the command's, around serve's own)
        return
    _state.update(depth=1, stopping=False)

    def stop(signum: int, _frame: FrameType | None) -> None:
        if _state["stopping"]:
            return  # cleaning up after the first one
        _state["stopping"] = True
        raise Stopped(signum)

    previous: dict[int, Any] = {}
    for signum in SIGNALS:
        previous[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _state.update(depth=0, stopping=False)


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
