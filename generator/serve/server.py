"""The preview's HTTP side: who may ask (this run's token, a loopback host name), and what is served
for each address: the index or the problems page, a built page with its reload script, a PDF printed
on request, /__version for the reload script; only files inside the build folder, never a hidden one."""

from __future__ import annotations

import json
import secrets
import sys
import time
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .pages import error_page, index_page, inject
from .port import DEFAULT_PORT
from .state import Preview

TOKEN_PARAMETER = "token"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf", ".css": "text/css; charset=utf-8",
                 ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml",
                 ".ics": "text/calendar; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


def _parts(url_path: str) -> list[str] | None:
    """The folders and file an address names, or None: no `..`, no hidden name, no backslash or NUL."""
    decoded = unquote(url_path)
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [part for part in decoded.split("/") if part]
    if not parts or any(part in (".", "..") or part.startswith(".") for part in parts):
        return None
    return parts


def served_file(root: Path, url_path: str) -> Path | None:
    """The built file a request names, or None: only regular files inside the build folder `root`."""
    parts = _parts(url_path)
    if parts is None:
        return None
    root = root.resolve()
    try:
        candidate = root.joinpath(*parts).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


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
            page = index_page(preview.plan, state) if state.ok else error_page(preview.plan, state)
            return self._page(HTTPStatus.OK, page, head)
        if raw_path.startswith("/pdf/"):
            name = raw_path[len("/pdf/"):]
            if not name.endswith(".pdf") or _parts(name) is None:
                return self._not_found(head)
            state = preview.ensure_pdf()  # prints the PDFs if this version has none yet
            if not state.ok:
                return self._page(HTTPStatus.OK, error_page(preview.plan, state), head)
            target = served_file(preview.out_dir, name)
            if target is None:
                return self._not_found(head)
            return self._file(target, head)
        target = served_file(preview.out_dir, raw_path)
        if target is None:
            return self._not_found(head)
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
            return self._not_found(head)
        if path.suffix == ".html":
            return self._page(HTTPStatus.OK, inject(body.decode("utf-8", "replace"), self.server.preview.state.version), head)
        return self._send(HTTPStatus.OK, CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"), body, head)

    def _not_found(self, head: bool) -> None:
        return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", head)

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
