"""Worker processes: how they start, what they do with signals, how they are stopped.

generator.batch builds plans in a pool of them, generator.printing prints PDFs in them;
both start them here. The "forkserver" method is used where the platform has it ("spawn"
elsewhere), so a worker never inherits a half-initialised WeasyPrint from its parent.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor

from . import scratch
from .stopping import COMMAND_PID, die_with_parent


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method for a pool of workers: a forkserver that has imported the printing side once, or spawn."""
    scratch.folder()  # made before the forkserver starts: it and its workers find it in the environment
    methods = multiprocessing.get_all_start_methods()
    os.environ[COMMAND_PID] = str(os.getpid())  # the workers' (or their server's) parent, for started_by()
    # The forkserver listens on a socket in the temporary folder; a $TMPDIR too deep for one (108 bytes) gets spawn.
    if "forkserver" in methods and len(os.fsencode(tempfile.gettempdir())) <= scratch.SOCKET_ROOM:
        context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has already imported the printing side once, and that dies with this process.
        context.set_forkserver_preload([f"{__package__}.forkserver_guard", f"{__package__}.build", f"{__package__}.render.pdf"])
        return context
    return multiprocessing.get_context("spawn")


def started_by() -> int:
    """The process this worker was started from: its forkserver, or the command that spawned it.

    Not os.getppid(): a worker whose parent dies as it starts is already a child of another process then, and
    would wait for that one to die instead.
    """
    guard = sys.modules.get(f"{__package__}.forkserver_guard")
    server = getattr(guard, "SERVER", None)
    if isinstance(server, int) and server != os.getpid():
        return server
    command = os.environ.get(COMMAND_PID, "")
    return int(command) if command.isdigit() else os.getppid()


def worker_start() -> None:
    """Ctrl-C is the parent's to handle: it stops every worker. A worker dies with the forkserver it was forked
    from, which exits as soon as the command's process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(started_by())


def worker_signals() -> None:
    """A print worker stops when its build says so (its process group is killed) or dies: Ctrl-C is the build's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Stop every worker of `pool` at once (SIGKILL): none may finish its work after this. Returns once they are
    gone, so what they leave behind can be removed."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        try:
            os.kill(process.pid, signal.SIGKILL)
        except OSError:
            pass
    for process in processes:
        process.join(timeout=5)
