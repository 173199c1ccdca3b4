"""`incident-guide serve PLAN`: the preview's state and its server, run until Ctrl-C or a stop signal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import UserError
from ..stopping import Stopped, end_now, stop_on_signals
from .port import DEFAULT_PORT
from .server import PreviewServer
from .state import Preview


def serve(plan: Path, *, port: int = DEFAULT_PORT, pdf: bool = False, open_browser: bool = False,
          echo: Callable[[str], None] | None = None) -> None:
    """Run the preview until Ctrl-C."""
    echo = echo or (lambda line: print(line, flush=True))
    preview = Preview(plan, pdf=pdf)
    try:
        server = PreviewServer(preview, port)
    except OSError as exc:
        preview.close()
        raise UserError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc})", hint="try --port 0 for any free port") from None
    stopped = False
    try:
        with stop_on_signals():  # SIGTERM and SIGHUP too, so the private build folder is removed either way
            preview.start()  # watching before the first build, so a save during it is not lost
            preview.rebuild()
            echo(f"Preview of {plan} at {server.url} (Ctrl-C to stop)")
            if open_browser:
                import webbrowser

                webbrowser.open(server.url)
            server.serve_forever(poll_interval=0.2)
    except Stopped:
        stopped = True
        echo("stopped")
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        server.server_close()
        preview.close(wait=0.5)
    if stopped:
        # Told to stop by a signal: end now, within the second (a print still running in a thread would
        # otherwise go on, and could write into the removed folder, while Python shuts down).
        end_now(0)
