"""`serve`: a live preview of one plan's HTML guides on 127.0.0.1.

- Builds the HTML editions into the command's private temporary folder
  (generator.scratch: mode 0700, removed on exit, and by the next command when this one
  was killed), never into output/: the preview leaves the real guides and their cache alone.
- Rebuilds on every save of the plan, of a picture the last build read (listed in
  its .build.json, as the renderer reported it), or of a file under
  templates/ (watchfiles, debounced), and reloads the open page: the served copy of
  each page (never the built file) gets a small script that polls /__version. The
  page's Content-Security-Policy is kept, with only a nonce for that script and
  `connect-src 'self'` added.
- A plan with errors shows them in the page (escaped FILE:LINE:COL lines) and in the
  terminal, and the preview carries on; saving a fixed plan recovers.
- PDFs are printed only when asked: `--pdf`, or a request for /pdf/NAME.pdf. Requests
  for the PDFs of one version while they print wait for that one print.
- Serves only files inside the build folder: no `..`, no hidden files, no symlink
  out; requests naming another host (DNS rebinding) are refused.
- Each run makes a random token, part of the URL it prints (as notebook servers do);
  opening that URL sets a cookie holding it, and any request with neither gets 403,
  so another local user who can reach 127.0.0.1 cannot read the responder guide.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import Problem, UserError
from .stopping import Stopped, exit_now, stop_on_signals

DEFAULT_PORT = 8800
TOKEN_PARAMETER = "token"
POLL_MS = 250
DEBOUNCE_MS = 80
Builder = Callable[[Path, Path, bool], list[Path]]

_CSP_META = re.compile(r"""<meta\s+http-equiv=(["']?)Content-Security-Policy\1\s+content=(["'])(.*?)\2\s*/?>""", re.IGNORECASE | re.DOTALL)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf", ".css": "text/css; charset=utf-8",
                 ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml",
                 ".ics": "text/calendar; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


def default_builder(plan: Path, out_dir: Path, pdf: bool) -> list[Path]:
    """Build the guides of `plan` into `out_dir`: HTML only unless `pdf`."""
    from .build import build_into

    return [Path(p) for p in build_into(plan, out_dir, pdf=pdf)]


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
            from . import scratch

            self._own_dir = Path(tempfile.mkdtemp(prefix="preview-", dir=scratch.folder()))
            out_dir = self._own_dir / self.plan.stem
        self.out_dir = Path(out_dir)
        self.pdf = pdf
        self.builder = builder or default_builder
        self.echo = echo or (lambda line: print(line, file=sys.stderr, flush=True))
        if templates is None:
            from .paths import templates_dir

            templates = templates_dir()
        self.templates = Path(templates).resolve()
        self.state = State()
        self._lock = threading.Lock()
        self._pdf_lock = threading.Lock()  # one print at a time; who waited for it takes its PDFs
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # --- building -------------------------------------------------------------------
    def rebuild(self, *, pdf: bool | None = None) -> State:
        """Build now (HTML, plus PDF when asked); never raises for a problem in the plan."""
        from .errors import internal_error

        pdf = self.pdf if pdf is None else pdf
        with self._lock:
            started = time.perf_counter()
            inputs = self._inputs()
            try:
                written = self.builder(self.plan, self.out_dir, pdf)
            except UserError as exc:
                problems = exc.problems_at(self.plan)
            except Exception as exc:  # a bug in a template or the tool: show it, keep serving
                problems = [internal_error(exc, self.plan)]
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
            return new

    def _inputs(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The plan's content and the pictures the last build read, by hash."""
        from .cache import current_shared, current_uses, fingerprint_plan, read_record

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
        from .plan.extends import load_plan

        try:
            return set(load_plan(self.plan).shared)
        except UserError:
            return set()

    def uses(self) -> set[str]:
        """The files of the plan's folder and the shared plans the last build read (its .build.json), to watch like the plan."""
        from .cache import read_record

        record = read_record(self.out_dir)
        return set(record.uses) | set(record.shared) if record else set()

    def start(self) -> None:
        """Watch for changes and rebuild in the background."""
        for target in (self._watch_loop, self._build_loop):
            thread = threading.Thread(target=target, daemon=True, name=f"preview-{target.__name__}")
            thread.start()
            self._threads.append(thread)

    def _watch_loop(self) -> None:
        import watchfiles

        shared = {str(Path(name).parent) for name in self._shared_plans()}  # they may be in another folder of the tree
        roots = sorted({str(self.plan.resolve().parent), str(self.templates), *shared})
        # The plan's folder, not the file: editors that save by renaming a new file would end a file watch.
        try:
            for _changes in watchfiles.watch(*roots, watch_filter=lambda _change, path: self.watched(path),
                                             debounce=DEBOUNCE_MS, step=20, stop_event=self._stop,
                                             rust_timeout=500, yield_on_timeout=False, raise_interrupt=False):
                self._dirty.set()
        except Exception as exc:  # the folder vanished, too many watches...: say so, keep serving
            self.echo(f"error: stopped watching for changes ({type(exc).__name__}: {exc}); restart `serve` to watch again")

    def _build_loop(self) -> None:
        while not self._stop.is_set():
            if not self._dirty.wait(timeout=0.2) or self._stop.is_set():
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

    # --- what may be served ---------------------------------------------------------
    def resolve(self, url_path: str) -> Path | None:
        """The built file a request names, or None: only regular files inside the build folder."""
        decoded = unquote(url_path)
        if "\x00" in decoded or "\\" in decoded:
            return None
        parts = [part for part in decoded.split("/") if part]
        if not parts or any(part in (".", "..") or part.startswith(".") for part in parts):
            return None
        root = self.out_dir.resolve()
        try:
            candidate = root.joinpath(*parts).resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate


# --- pages ----------------------------------------------------------------------------

def reload_script(version: int, nonce: str) -> str:
    return (f'<script nonce="{nonce}">(function(){{var v={version};'
            'function poll(){fetch("/__version",{cache:"no-store"}).then(function(r){return r.json()})'
            '.then(function(d){if(d.version!==v){location.reload()}else{setTimeout(poll,' + str(POLL_MS) + ')}})'
            '.catch(function(){setTimeout(poll,1000)})}'
            f'setTimeout(poll,{POLL_MS})}})();</script>')


def preview_csp(policy: str, nonce: str) -> str:
    """The page's own policy plus what the reload script needs: its nonce, and fetch to this server."""
    directives = {}
    order = []
    for part in policy.split(";"):
        words = part.split()
        if words:
            name = words[0].lower()
            if name not in directives:
                order.append(name)
                directives[name] = words[1:]
    script = directives.get("script-src")
    if script is None:
        order.append("script-src")
        directives["script-src"] = [f"'nonce-{nonce}'"]
    elif not ("'unsafe-inline'" in script and not any(s.startswith(("'nonce-", "'sha")) for s in script)):
        # a nonce would switch off 'unsafe-inline', so add it only where inline scripts are not already allowed
        directives["script-src"] = [s for s in script if s != "'none'"] + [f"'nonce-{nonce}'"]
    connect = directives.get("connect-src")
    if connect is None:
        order.append("connect-src")
        directives["connect-src"] = ["'self'"]
    elif "'self'" not in connect:
        directives["connect-src"] = [s for s in connect if s != "'none'"] + ["'self'"]
    return "; ".join(" ".join([name, *directives[name]]) for name in order)


def inject(page: str, version: int) -> str:
    """The served copy of a built page: its CSP opened just enough for the reload script."""
    nonce = secrets.token_urlsafe(16)
    match = _CSP_META.search(page)
    if match:
        policy = html.unescape(match.group(3))
        meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(preview_csp(policy, nonce), quote=True)}">'
        page = page[: match.start()] + meta + page[match.end():]
    script = reload_script(version, nonce)
    ends = list(_BODY_END.finditer(page))
    if ends:
        at = ends[-1].start()
        return page[:at] + script + page[at:]
    return page + script


def error_page(plan: Path, state: State) -> str:
    nonce = secrets.token_urlsafe(16)
    lines = "\n".join(f"<li><code>{html.escape(str(problem))}</code></li>" for problem in state.problems)
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">
<title>Problems in {html.escape(plan.name)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}}li{{margin:.4rem 0;white-space:pre-wrap}}
h1{{color:#8b0000}}code{{font-size:1rem}}</style></head>
<body><main><h1 role="alert">{len(state.problems)} problem{'s' if len(state.problems) != 1 else ''} in {html.escape(str(plan))}</h1>
<p>The guide is not rebuilt until the plan is fixed. Save the plan and this page reloads.</p>
<ul>
{lines}
</ul></main>{reload_script(state.version, nonce)}</body></html>
"""


def index_page(preview: Preview) -> str:
    nonce = secrets.token_urlsafe(16)
    state = preview.state
    pages = sorted((name for name in state.files if name.endswith(".html")), key=lambda n: (n.startswith("private/"), n))
    items = []
    for name in pages:
        pdf = name[: -len(".html")] + ".pdf"
        items.append(f'<li><a href="/{html.escape(name)}">{html.escape(name)}</a> '
                     f'(<a href="/pdf/{html.escape(pdf)}">PDF</a>, printed when you open it)</li>')
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">
<title>Preview of {html.escape(preview.plan.name)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem}}li{{margin:.4rem 0}}</style></head>
<body><main><h1>Preview of {html.escape(str(preview.plan))}</h1>
<p>Pages reload when you save the plan or a template. Files in private/ are the responder edition: not for sharing.</p>
<ul>
{''.join(items)}
</ul></main>{reload_script(state.version, nonce)}</body></html>
"""


# --- the server -----------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "incident-guide-preview"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # the terminal shows builds and problems, not every poll
        pass

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        if not self._host_allowed():
            return self._send(HTTPStatus.MISDIRECTED_REQUEST, "text/plain; charset=utf-8", b"preview: unknown host\n", head)
        preview = self.server.preview
        url = urlsplit(self.path)
        raw_path = url.path
        given = parse_qs(url.query).get(TOKEN_PARAMETER, [""])[0]
        if given and secrets.compare_digest(given, self.server.token):
            # the printed URL: remember the token in a cookie, then show the page without it in the address bar
            self._redirect(raw_path, head)
            return
        if not self._token_cookie_valid():
            return self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8",
                              b"preview: open the address that `serve` printed (it holds this run's token)\n", head)
        if raw_path == "/__version":
            state = preview.state
            body = json.dumps({"version": state.version, "ok": state.ok}).encode()
            return self._send(HTTPStatus.OK, "application/json", body, head)
        if raw_path == "/":
            state = preview.state
            page = index_page(preview) if state.ok else error_page(preview.plan, state)
            return self._page(HTTPStatus.OK, page, head)
        if raw_path.startswith("/pdf/"):
            name = raw_path[len("/pdf/"):]
            if not name.endswith(".pdf") or not _safe_name(name):
                return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", head)
            state = preview.ensure_pdf()  # prints the PDFs if this version has none yet
            if not state.ok:
                return self._page(HTTPStatus.OK, error_page(preview.plan, state), head)
            target = preview.resolve(name)
            if target is None:
                return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", head)
            return self._file(target, head)
        target = preview.resolve(raw_path)
        if target is None:
            return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", head)
        if target.suffix == ".html" and not preview.state.ok:
            return self._page(HTTPStatus.OK, error_page(preview.plan, preview.state), head)
        return self._file(target, head)

    def _token_cookie_valid(self) -> bool:
        cookies = SimpleCookie()
        try:
            cookies.load(self.headers.get("Cookie") or "")
        except CookieError:
            return False
        morsel = cookies.get(self.server.cookie_name)
        return morsel is not None and secrets.compare_digest(morsel.value, self.server.token)

    def _redirect(self, path: str, head: bool) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", path or "/")
        self.send_header("Set-Cookie", f"{self.server.cookie_name}={self.server.token}; Path=/; HttpOnly; SameSite=Strict")
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()

    def _host_allowed(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        port = self.server.server_address[1]
        return host in (f"127.0.0.1:{port}", f"localhost:{port}")

    def _file(self, path: Path, head: bool) -> None:
        try:
            body = path.read_bytes()
        except OSError:
            return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", head)
        if path.suffix == ".html":
            return self._page(HTTPStatus.OK, inject(body.decode("utf-8", "replace"), self.server.preview.state.version), head)
        return self._send(HTTPStatus.OK, CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"), body, head)

    def _page(self, status: HTTPStatus, text: str, head: bool) -> None:
        return self._send(status, "text/html; charset=utf-8", text.encode("utf-8"), head)

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.end_headers()
        if not head:
            self.wfile.write(body)


def _safe_name(url_path: str) -> bool:
    decoded = unquote(url_path)
    parts = [p for p in decoded.split("/") if p]
    return bool(parts) and "\\" not in decoded and "\x00" not in decoded and not any(p in (".", "..") or p.startswith(".") for p in parts)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that left before its answer was sent (a closed tab, a cancelled download) is one quiet line."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            self.preview.echo(f"{time.strftime('%H:%M:%S')} a browser closed the connection before its answer was sent")
            return
        super().handle_error(request, client_address)

    def __init__(self, preview: Preview, port: int = DEFAULT_PORT, host: str = "127.0.0.1"):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the preview only listens on the loopback interface")
        self.preview = preview
        self.token = secrets.token_urlsafe(24)  # a new one each run: only who sees the printed URL gets in
        super().__init__((host, port), Handler)
        self.cookie_name = f"preview-token-{self.server_address[1]}"  # cookies ignore the port: one name per server

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/?{TOKEN_PARAMETER}={self.token}"


def serve(plan: Path, *, port: int = DEFAULT_PORT, pdf: bool = False, open_browser: bool = False,
          echo: Callable[[str], None] | None = None) -> None:
    """Run the preview until Ctrl-C."""
    echo = echo or (lambda line: print(line, flush=True))
    preview = Preview(plan, pdf=pdf)
    try:
        server = PreviewServer(preview, port)
    except OSError as exc:
        preview.close()
        raise UserError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc}); try --port 0 for any free port") from None
    stopped: Stopped | None = None
    try:
        with stop_on_signals():  # SIGTERM and SIGHUP too, so the private build folder is removed either way
            preview.start()  # watching before the first build, so a save during it is not lost
            preview.rebuild()
            echo(f"Preview of {plan} at {server.url} (Ctrl-C to stop)")
            if open_browser:
                import webbrowser

                webbrowser.open(server.url)
            server.serve_forever(poll_interval=0.2)
    except Stopped as stop:
        stopped = stop
        echo("stopped")
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        server.server_close()
        preview.close(wait=0.5)
    if stopped is not None:
        # Told to stop by a signal: end now, within the second. A print still running in a thread would
        # otherwise go on (and could write into the removed folder) while Python shuts down, which takes
        # seconds once WeasyPrint is loaded.
        from . import scratch

        scratch.remove_now()
        exit_now(0)
