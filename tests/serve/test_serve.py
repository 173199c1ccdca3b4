"""`serve`: the preview rebuilds on save, reloads, shows errors in the page, and serves nothing else.

The server runs in a thread on a free loopback port. Waits are bounded polls, never
timing assertions.
"""

from __future__ import annotations

import contextlib
import errno
import html
import http.client
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from generator.plan.validate import read_plan
from generator.serve import Preview, PreviewServer, inject, preview_csp

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "templates" / "starters" / "meetup.yaml"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"


def quick_builder(calls: list):
    """Stands in for the renderer in most tests: validates the plan, writes a page per edition."""

    def build(plan: Path, out_dir: Path, pdf: bool) -> list[Path]:
        calls.append(pdf)
        data = read_plan(plan)  # raises PlanError with FILE:LINE:COL problems
        (out_dir / "private").mkdir(parents=True, exist_ok=True)
        written = []
        for name in ("volunteer.html", "private/responder.html"):
            path = out_dir / name
            path.write_text(f'<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="{CSP}">'
                            f"</head><body><h1>{data.event.name}</h1></body></html>\n", encoding="utf-8")
            written.append(path)
            if pdf:
                path.with_suffix(".pdf").write_bytes(b"%PDF-1.7 " + data.event.name.encode())
                written.append(path.with_suffix(".pdf"))
        return written

    return build


class Client:
    """Requests with this run's token cookie (what a browser holds after opening the printed URL)."""

    def __init__(self, server: PreviewServer, cookie: str | None = None):
        self.port = server.server_address[1]
        self.cookie = f"{server.cookie_name}={server.token}" if cookie is None else cookie

    def get(self, path: str, host: str | None = None) -> tuple[int, str, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", host or f"127.0.0.1:{self.port}")
            if self.cookie:
                connection.putheader("Cookie", self.cookie)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace"), dict(response.getheaders())
        finally:
            connection.close()

    def version(self) -> int:
        return json.loads(self.get("/__version")[1])["version"]

    def wait_for(self, path: str, needle: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        body = ""
        while time.monotonic() < deadline:
            body = self.get(path)[1]
            if needle in body:
                return body
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} not served at {path} within {timeout} s; last page:\n{body[:2000]}")


@pytest.fixture
def running(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    plan = plans / "meetup.yaml"
    plan.write_text(STARTER.read_text(encoding="utf-8").replace("CHANGE ME: your meetup's name", "First Meetup"), encoding="utf-8")
    (tmp_path / "secret.txt").write_text("TOP SECRET outside the build folder")
    out = tmp_path / "preview"
    out.mkdir()
    calls: list = []
    lines: list[str] = []
    preview = Preview(plan, out_dir=out, builder=quick_builder(calls), echo=lines.append)
    server = PreviewServer(preview, port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    preview.rebuild()
    preview.start()
    time.sleep(0.2)  # let the watcher settle before the first edit
    try:
        yield type("Running", (), {"plan": plan, "out": out, "preview": preview, "server": server, "calls": calls,
                                   "lines": lines, "client": Client(server), "tmp": tmp_path})
    finally:
        server.shutdown()
        server.server_close()
        preview.close()


def edit(plan: Path, old: str, new: str) -> None:
    text = plan.read_text(encoding="utf-8")
    assert old in text
    plan.write_text(text.replace(old, new), encoding="utf-8")


def test_serves_the_built_page_with_a_reload_script(running):
    status, body, headers = running.client.get("/volunteer.html")
    assert status == 200 and "First Meetup" in body
    assert headers["Cache-Control"] == "no-store"
    nonce = re.search(r'<script nonce="([^"]+)">', body).group(1)
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', body).group(1))
    assert f"script-src 'nonce-{nonce}'" in csp and "connect-src 'self'" in csp
    assert "default-src 'none'" in csp and "img-src data:" in csp  # the page's own policy is kept
    built = (running.out / "volunteer.html").read_text()
    assert "<script" not in built and "nonce" not in built  # only the served copy is changed
    assert running.calls == [False]  # no PDF printed


def test_index_lists_the_editions(running):
    status, body, _ = running.client.get("/")
    assert status == 200
    assert 'href="/volunteer.html"' in body and 'href="/private/responder.html"' in body
    assert 'href="/pdf/volunteer.pdf"' in body


def test_saved_change_is_served(running):
    before = running.client.version()
    edit(running.plan, "First Meetup", "Second Meetup")
    running.client.wait_for("/volunteer.html", "Second Meetup")
    assert running.client.version() > before


def test_a_save_during_the_first_build_is_not_lost(tmp_path):
    plan = tmp_path / "meetup.yaml"
    plan.write_text(STARTER.read_text(encoding="utf-8").replace("CHANGE ME: your meetup's name", "First Meetup"), encoding="utf-8")
    calls: list = []
    quick = quick_builder(calls)

    def slow_first_build(plan_path: Path, out_dir: Path, pdf: bool) -> list[Path]:
        written = quick(plan_path, out_dir, pdf)
        if len(calls) == 1:  # the organizer saves while the first build is still running
            edit(plan_path, "First Meetup", "Saved Meanwhile")
        return written

    preview = Preview(plan, out_dir=tmp_path / "preview" / "meetup", builder=slow_first_build, echo=lambda line: None)
    server = PreviewServer(preview, port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        preview.rebuild()
        preview.start()  # even a watcher started only now must not miss it
        Client(server).wait_for("/volunteer.html", "Saved Meanwhile", timeout=30)
    finally:
        server.shutdown()
        server.server_close()
        preview.close()


def test_template_change_triggers_a_rebuild(tmp_path, running):
    # a template folder of our own, so the test never writes to the real one
    templates = tmp_path / "templates"
    (templates / "css").mkdir(parents=True)
    running.preview.templates = templates.resolve()
    assert running.preview.watched(templates / "css" / "x.css")
    assert not running.preview.watched(templates / "starters" / "x.yaml")
    assert not running.preview.watched(running.tmp / "secret.txt")
    assert running.preview.watched(running.plan)


def test_broken_plan_shows_errors_and_a_fixed_plan_recovers(running):
    edit(running.plan, "kind: meetup", "kind: meetupp")
    body = running.client.wait_for("/volunteer.html", "problem")
    assert re.search(r"meetup\.yaml:\d+:\d+: error: ", body)
    assert "<script nonce=" in body  # the error page reloads too
    assert any(": error: " in line for line in running.lines)  # and the terminal shows it
    edit(running.plan, "kind: meetupp", "kind: meetup")
    edit(running.plan, "First Meetup", "Fixed Meetup")
    body = running.client.wait_for("/volunteer.html", "Fixed Meetup")
    assert "problem" not in body


def test_a_full_disk_is_said_in_plain_words_not_as_a_bug(running, monkeypatch):
    """The preview tells an operating-system error as the command line does (generator.errors.problems_from)."""
    real = Path.write_text

    def full_disk(self: Path, *args, **kwargs):
        if self.is_relative_to(running.out):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_disk)
    edit(running.plan, "First Meetup", "Second Meetup")
    body = html.unescape(running.client.wait_for("/volunteer.html", "problem"))
    assert f"{running.out / 'volunteer.html'}: error: the disk is full (no space left on device)" in body
    assert "bug" not in body and "internal error" not in body
    assert f"{running.out / 'volunteer.html'}: error: the disk is full (no space left on device)" in running.lines
    assert not any("bug" in line for line in running.lines)
    monkeypatch.undo()  # space again: the next save recovers
    edit(running.plan, "Second Meetup", "Third Meetup")
    running.client.wait_for("/volunteer.html", "Third Meetup")


def test_a_bug_is_one_line_asking_for_a_report_and_the_preview_keeps_going(running, monkeypatch):
    def broken(plan: Path, out_dir: Path, pdf: bool) -> list[Path]:
        raise KeyError("no-such-key")

    monkeypatch.setattr(running.preview, "builder", broken)
    state = running.preview.rebuild()
    assert not state.ok and [p.message.split(";")[0] for p in state.problems] == ["internal error (KeyError: 'no-such-key')"]
    assert "please report it" in running.lines[-1] and "\n" not in running.lines[-1]
    assert "please report it" in running.client.get("/")[1]


def test_errors_are_escaped(running):
    edit(running.plan, "format: 1\n", "format: 1\n'<img src=x onerror=alert(1)>': 1\n")
    body = running.client.wait_for("/", "problem")
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body, body


TRAVERSALS = [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
    "/private/../../secret.txt", "/private/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt", "//../secret.txt",
    "/%252e%252e/secret.txt", "/./../secret.txt", "/pdf/../../secret.pdf", "/pdf/%2e%2e/secret.pdf",
    "/.build.json", "/private/.hidden", "/secret.txt%00.html", "/etc/passwd", "/" + "../" * 12 + "etc/passwd",
]


def test_nothing_outside_the_build_folder_is_served(running):
    (running.out / ".build.json").write_text("{}")
    (running.out / "private" / ".hidden").write_text("hidden")
    for path in TRAVERSALS:
        status, body, _ = running.client.get(path)
        assert status == 404, (path, status)
        assert "TOP SECRET" not in body and "hidden" not in body, path
    assert True not in running.calls  # no /pdf/ request above printed anything


def test_symlink_out_of_the_build_folder_is_refused(running):
    (running.out / "link.html").symlink_to(running.tmp / "secret.txt")
    status, body, _ = running.client.get("/link.html")
    assert status == 404 and "TOP SECRET" not in body


def test_other_host_names_are_refused(running):
    status, body, _ = running.client.get("/volunteer.html", host="attacker.example:80")
    assert status == 421 and "First Meetup" not in body
    assert running.client.get("/volunteer.html", host=f"localhost:{running.client.port}")[0] == 200


def test_requests_without_this_runs_token_are_refused(running):
    server = running.server
    for cookie in ("", f"{server.cookie_name}=wrong-token", f"other=1; preview-token-1={server.token}"):
        stranger = Client(server, cookie=cookie)
        for path in ("/", "/private/responder.html", "/volunteer.html", "/__version", "/pdf/private/responder.pdf",
                     "/private/responder.html?token=wrong"):
            status, body, _ = stranger.get(path)
            assert status == 403, (cookie, path, status)
            assert "First Meetup" not in body
    assert True not in running.calls


def test_the_printed_url_lets_the_browser_in(running):
    server = running.server
    assert server.token in server.url and len(server.token) >= 24
    query = server.url.split("/", 3)[3]  # "?token=..."
    status, _, headers = Client(server, cookie="").get("/private/responder.html" + query)
    assert status == 303 and headers["Location"] == "/private/responder.html"  # the token leaves the address bar
    cookie = headers["Set-Cookie"].split(";")[0]
    assert cookie == f"{server.cookie_name}={server.token}" and "HttpOnly" in headers["Set-Cookie"]
    status, body, _ = Client(server, cookie=cookie).get("/private/responder.html")
    assert status == 200 and "First Meetup" in body
    other = PreviewServer(running.preview, port=0)
    try:
        assert other.token != server.token  # a new token each run
    finally:
        other.server_close()


def test_pdf_is_printed_on_request_only(running):
    assert True not in running.calls
    status, body, headers = running.client.get("/pdf/volunteer.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith("%PDF")
    printed = running.calls.count(True)
    assert printed == 1
    running.client.get("/pdf/private/responder.pdf")
    assert running.calls.count(True) == 1  # already printed for this version
    assert running.client.get("/pdf/missing.pdf")[0] == 404


def test_only_loopback():
    with pytest.raises(ValueError):
        PreviewServer(Preview(STARTER, out_dir=Path("/nonexistent"), builder=lambda *a: []), port=0, host="0.0.0.0")


def test_preview_csp_keeps_the_policy_and_adds_only_the_nonce():
    assert preview_csp(CSP, "abc") == CSP + "; script-src 'nonce-abc'; connect-src 'self'"
    assert preview_csp("default-src 'none'; script-src 'none'; connect-src 'none'", "n") == \
        "default-src 'none'; script-src 'nonce-n'; connect-src 'self'"
    # a nonce would disable 'unsafe-inline', which a sealed page may rely on: leave it
    assert "nonce" not in preview_csp("script-src 'unsafe-inline'", "n")
    assert "'sha256-x' 'nonce-n'" in preview_csp("script-src 'sha256-x'", "n")


def test_inject_puts_the_script_before_the_last_body_end():
    page = f'<html><head><meta http-equiv="Content-Security-Policy" content="{CSP}"></head><body><p>&lt;/body&gt;</p></body></html>'
    served = inject(page, 7)
    assert served.index("<script nonce=") < served.rindex("</body>")
    assert "var v=7;" in served


def test_real_guides_preview_and_reload(tmp_path):
    """With the real renderer: HTML only, the guide's own CSP kept, a saved change served."""
    plan = tmp_path / "meetup.yaml"
    plan.write_text(STARTER.read_text(encoding="utf-8").replace("CHANGE ME: your meetup's name", "Real Meetup"), encoding="utf-8")
    lines: list[str] = []
    preview = Preview(plan, echo=lines.append)
    server = PreviewServer(preview, port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    own = preview.out_dir
    try:
        state = preview.rebuild()
        assert state.ok, state.problems
        assert "volunteer.html" in state.files and "private/responder.html" in state.files
        assert not any(name.endswith(".pdf") for name in state.files)  # no PDF unless asked
        preview.start()
        time.sleep(0.2)
        client = Client(server)
        status, body, _ = client.get("/volunteer.html")
        assert status == 200 and "Real Meetup" in body and "<script nonce=" in body
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', body).group(1)
        assert "'" not in csp  # escaped in the attribute
        assert "default-src 'none'" in html.unescape(csp) and "connect-src 'self'" in html.unescape(csp)
        edit(plan, "Real Meetup", "Renamed Meetup")
        client.wait_for("/volunteer.html", "Renamed Meetup")
        assert any("rebuilt" in line for line in lines)
    finally:
        server.shutdown()
        server.server_close()
        preview.close()
    assert not own.exists()  # the private build folder is removed
    assert not (tmp_path / "output").exists()


def test_concurrent_pdf_requests_wait_for_one_print(tmp_path):
    """Six PDF requests at once for the same version: one print, and each request gets its PDF."""
    plan = tmp_path / "meetup.yaml"
    plan.write_text(STARTER.read_text(encoding="utf-8"), encoding="utf-8")
    calls: list = []
    quick = quick_builder(calls)

    def slow_pdf(plan: Path, out_dir: Path, pdf: bool) -> list[Path]:
        if pdf:
            time.sleep(1)  # long enough for every request to arrive while it prints
        return quick(plan, out_dir, pdf)

    preview = Preview(plan, out_dir=tmp_path / "preview", builder=slow_pdf, echo=lambda line: None)
    server = PreviewServer(preview, port=0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        preview.rebuild()
        client = Client(server)
        answers: list = []
        requests = [threading.Thread(target=lambda name=name: answers.append(client.get(f"/pdf/{name}")))
                    for name in ("volunteer.pdf", "private/responder.pdf") * 3]
        for request in requests:
            request.start()
        for request in requests:
            request.join(timeout=60)
        assert len(answers) == 6 and all(status == 200 and body.startswith("%PDF") for status, body, _ in answers)
        assert calls.count(True) == 1
    finally:
        server.shutdown()
        server.server_close()
        preview.close()


def test_a_browser_that_leaves_early_is_one_quiet_line(running, capsys):
    try:
        raise BrokenPipeError(32, "Broken pipe")
    except BrokenPipeError:
        running.server.handle_error(None, ("127.0.0.1", 50000))
    assert running.lines[-1].endswith("a browser closed the connection before its answer was sent")
    assert capsys.readouterr().err == ""


@contextlib.contextmanager
def serving(preview: Preview):
    """The preview served on a free port, built once and watching; a Client to it. Stopped and removed after."""
    server = PreviewServer(preview, port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        preview.rebuild()
        preview.start()
        yield Client(server)
    finally:
        server.shutdown()
        server.server_close()
        preview.close()


def test_links_beside_the_plan_are_not_watched_into(tmp_path):
    """A link to / or /usr next to the plan: only the plan's own folders are watched, each alone, and saves still show."""
    plans = tmp_path / "plans"
    (plans / "pictures").mkdir(parents=True)
    plan = plans / "meetup.yaml"
    plan.write_text(STARTER.read_text(encoding="utf-8").replace("CHANGE ME: your meetup's name", "First Meetup"), encoding="utf-8")
    (plans / "rootlink").symlink_to("/")
    (plans / "usrlink").symlink_to("/usr")
    lines: list[str] = []
    preview = Preview(plan, out_dir=tmp_path / "preview", builder=quick_builder([]), echo=lines.append)
    roots = preview.watch_roots()
    assert str(plans.resolve()) in roots
    assert all(Path(root).is_relative_to(plans.resolve()) or Path(root).is_relative_to(preview.templates) for root in roots)
    with serving(preview) as client:
        time.sleep(0.3)
        edit(plan, "First Meetup", "Second Meetup")
        client.wait_for("/volunteer.html", "Second Meetup", timeout=30)
        assert not any("stopped watching" in line for line in lines), lines


def test_a_plan_folder_removed_and_put_back_is_watched_again(tmp_path):
    """A watch on a removed folder sees nothing after it: when the folder comes back, it is watched again and built."""
    plans = tmp_path / "plans"
    plans.mkdir()
    plan = plans / "meetup.yaml"
    text = STARTER.read_text(encoding="utf-8").replace("CHANGE ME: your meetup's name", "First Meetup")
    plan.write_text(text, encoding="utf-8")
    lines: list[str] = []
    preview = Preview(plan, out_dir=tmp_path / "preview", builder=quick_builder([]), echo=lines.append)
    with serving(preview) as client:
        time.sleep(0.3)
        shutil.rmtree(plans)
        time.sleep(1.5)
        plans.mkdir()
        plan.write_text(text.replace("First Meetup", "Back Again Meetup"), encoding="utf-8")
        client.wait_for("/volunteer.html", "Back Again Meetup", timeout=30)
        time.sleep(1.5)  # watched again: a later save shows too
        plan.write_text(text.replace("First Meetup", "Saved Later Meetup"), encoding="utf-8")
        client.wait_for("/volunteer.html", "Saved Later Meetup", timeout=30)
