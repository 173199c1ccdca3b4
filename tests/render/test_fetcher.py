"""Guides read only the bundled assets and regular files in the plan's own folder.

Hostile plans: a local HTTP server that must see no request, a file:// canary outside
the plan's folder that must not be read (the fetcher is asked and refuses), symlink
escapes, attachments.
"""

import base64
import http.server
import io
import re
import threading

import pytest
from PIL import Image
from pypdf import PdfReader

from generator.assets import AssetPolicy, RefusedResource
from generator.build import build_plan
from generator.errors import BuildError, PlanError
from generator.paths import templates_dir
from generator.render.fetcher import GuideURLFetcher, Refused
from generator.render.pdf import render_pdf

CANARY_TEXT = b"CANARY-7f3a"


def png(text: bytes = b"") -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(stream, format="PNG")
    return stream.getvalue() + text  # trailing bytes keep it a valid PNG


@pytest.fixture
def folders(tmp_path):
    plan_dir = tmp_path / "plan"
    outside = tmp_path / "outside"
    plan_dir.mkdir()
    outside.mkdir()
    (plan_dir / "room.png").write_bytes(png())
    (outside / "canary.png").write_bytes(png(CANARY_TEXT))
    (plan_dir / "escape.png").symlink_to(outside / "canary.png")
    (plan_dir / "maps").mkdir()
    return plan_dir, outside


@pytest.fixture
def policy(folders):
    return AssetPolicy(folders[0], templates_dir())


@pytest.fixture
def server():
    """A local HTTP server that records every request it gets."""
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(png())

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def page(body: str) -> str:
    return f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>{body}</main></body></html>'


# --- the policy -----------------------------------------------------------------

def test_policy_serves_the_plans_folder_and_bundled_fonts(policy, folders):
    assert policy.locate("room.png") == (folders[0] / "room.png").resolve()
    font = (templates_dir() / "fonts" / "NotoSans-Regular.ttf").as_uri()
    assert policy.locate(font).name == "NotoSans-Regular.ttf"


@pytest.mark.parametrize("url, reason", [
    ("http://127.0.0.1:9/x.png", "network"),
    ("https://example.org/x.png", "network"),
    ("ftp://example.org/x.png", "network"),
    ("../outside/canary.png", "plan's folder"),
    ("escape.png", "plan's folder"),  # a symlink pointing outside
    ("file:///etc/passwd", "plan's folder"),
    ("maps", "not a regular file"),
    ("missing.png", "no such file"),
    ("file://otherhost/x.png", "local files"),
])
def test_policy_refuses(policy, url, reason):
    with pytest.raises(RefusedResource, match=reason) as caught:
        policy.locate(url)
    assert url in str(caught.value)
    assert policy.refused and policy.refused[-1].url == url


def test_template_files_other_than_assets_are_refused(policy):
    with pytest.raises(RefusedResource):
        policy.locate((templates_dir() / "guide.html.j2").as_uri())


def test_inline_image_makes_a_data_uri(policy):
    assert policy.inline_image("room.png").startswith("data:image/png;base64,")
    with pytest.raises(RefusedResource):
        policy.inline_image("data:text/html;base64,PHNjcmlwdD4=")


# --- the WeasyPrint fetcher -----------------------------------------------------

def test_fetcher_serves_allowed_files_and_data_urls(policy, folders):
    fetcher = GuideURLFetcher(policy)
    response = fetcher.fetch((folders[0] / "room.png").as_uri())
    assert response.read() == png() and response.content_type == "image/png"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_fetcher_refuses_and_records(policy, folders):
    fetcher = GuideURLFetcher(policy)
    canary = (folders[1] / "canary.png").as_uri()
    with pytest.raises(Refused):
        fetcher.fetch(canary)
    assert fetcher.asked == [canary] and fetcher.refused[0].url == canary


def test_closed_fetcher_refuses_everything(policy, folders):
    fetcher = GuideURLFetcher(policy)
    fetcher.close()
    with pytest.raises(Refused, match="attachments"):
        fetcher.fetch((folders[0] / "room.png").as_uri())


def test_file_canary_outside_the_plan_is_asked_for_and_refused(policy, folders):
    canary = (folders[1] / "canary.png").as_uri()
    fetcher = GuideURLFetcher(policy)
    with pytest.raises(BuildError, match="canary.png"):
        render_pdf(page(f'<img src="{canary}" alt="a map">'), policy, fetcher=fetcher)
    assert canary in fetcher.asked
    assert [e.url for e in fetcher.refused] == [canary]


def test_symlink_escape_is_refused(policy, folders):
    fetcher = GuideURLFetcher(policy)
    with pytest.raises(BuildError, match="escape.png"):
        render_pdf(page('<img src="escape.png" alt="a map">'), policy, fetcher=fetcher)
    assert fetcher.refused


def test_the_network_is_never_asked(policy, server):
    base, seen = server
    for body in (f'<img src="{base}/img.png" alt="x">',
                 f'<link rel="stylesheet" href="{base}/style.css">',
                 f'<div style="background: url({base}/bg.png)">x</div>'):
        fetcher = GuideURLFetcher(policy)
        with pytest.raises(BuildError, match="127.0.0.1"):
            render_pdf(page(body), policy, fetcher=fetcher)
        assert fetcher.refused
    assert seen == []


@pytest.mark.parametrize("body", [
    '<link rel="attachment" href="room.png">',
    '<a rel="attachment" href="room.png">the map</a>',
])
def test_attachments_are_refused(policy, body):
    with pytest.raises(BuildError, match="attachment"):
        render_pdf(page(body), policy)


def images_in(pdf: bytes) -> int:
    """How many different pictures the PDF holds."""
    found = set()
    for pdf_page in PdfReader(io.BytesIO(pdf)).pages:
        resources = pdf_page["/Resources"].get_object()
        for ref in resources.get("/XObject", {}).values():
            if ref.get_object().get("/Subtype") == "/Image":
                found.add(ref.idnum)
    return len(found)


@pytest.mark.slow
def test_an_allowed_picture_is_printed(policy):
    pdf = render_pdf(page('<img src="room.png" alt="The quiet room">'), policy)
    assert images_in(pdf) == 1


# --- whole builds of hostile plans ------------------------------------------------

def _set_directions(text):
    def change(data):
        data["venues"][0]["directions"] = text
    return change


@pytest.mark.slow
def test_plan_with_a_network_picture_fails_and_the_server_sees_nothing(write_plan, server, tmp_path):
    base, seen = server
    plan = write_plan(_set_directions(f"Map: ![map]({base}/map.png)"))
    with pytest.raises(PlanError, match=f"{base}/map.png") as caught:
        build_plan(plan, tmp_path / "out")
    [problem] = caught.value.problems
    line = plan.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert line[problem.column - 1:].startswith(f"{base}/map.png"), "the error points at the address in the plan"
    assert seen == []
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_plan_with_a_network_link_builds_and_the_server_sees_nothing(write_plan, server, tmp_path):
    base, seen = server
    plan = write_plan(_set_directions(f"See [the map]({base}/map.html)."))
    written = build_plan(plan, tmp_path / "out", editions=["volunteer"])
    assert f'href="{base}/map.html"'.encode() in next(p for p in written if p.suffix == ".html").read_bytes()
    assert seen == []


@pytest.mark.slow
def test_plan_with_a_file_canary_fails_and_embeds_nothing(write_plan, folders, tmp_path):
    canary = folders[1] / "canary.png"
    plan = write_plan(_set_directions(f"![map]({canary.as_uri()})"), folder=folders[0])
    with pytest.raises(PlanError, match="canary.png") as caught:
        build_plan(plan, tmp_path / "out")
    assert "plan's folder" in str(caught.value)
    assert caught.value.problems[0].line > 1
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_plan_with_a_picture_next_to_it_embeds_it(write_plan, folders, tmp_path):
    plan = write_plan(_set_directions("![Map of the entrance](room.png)"), folder=folders[0])
    written = {p.name: p for p in build_plan(plan, tmp_path / "out", editions=["volunteer"])}
    assert b'src="data:image/png;base64,' in written["volunteer.html"].read_bytes()
    assert images_in(written["volunteer.pdf"].read_bytes()) == 1


@pytest.mark.slow
def test_hostile_prose_and_template_syntax_in_a_whole_build(write_plan, folders, tmp_path):
    (folders[0] / "secret.txt").write_text("SECRET-ATTACHMENT")

    def hostile(data):
        data["responders"][0]["name"] = "{{ 7*7 }} Amara {% raw %}"
        data["venues"][0]["directions"] = ('Main entrance. <link rel="attachment" href="secret.txt">'
                                           '<script>document.title="pwned"</script>'
                                           '<a rel="attachment" href="secret.txt">notes</a>')

    plan = write_plan(hostile, folder=folders[0])
    written = {p.name: p for p in build_plan(plan, tmp_path / "out", editions=["volunteer"])}
    html = written["volunteer.html"].read_text(encoding="utf-8")
    assert "{{ 7*7 }} Amara {% raw %}" in html
    assert html.count("<script") == 1 and "pwned" not in html  # only the guide's own script (allowed by its hash)
    assert html.index("<script>document.addEventListener") < html.index("</head>")
    assert "<link" not in html and "attachment" not in html and "secret.txt" not in html
    pdf = PdfReader(written["volunteer.pdf"])
    assert "{{ 7*7 }} Amara {% raw %}" in pdf.pages[0].extract_text()
    assert "/EmbeddedFiles" not in pdf.trailer["/Root"].get("/Names", {})
    assert b"SECRET-ATTACHMENT" not in written["volunteer.pdf"].read_bytes()


@pytest.mark.parametrize(("picture", "reason"), [
    ("![x](/etc/hostname)", "only files in the plan's folder"),
    ("<img alt=p src=/etc/passwd>", "only files in the plan's folder"),
    ("![y](http://127.0.0.1:8765/md.png)", "never load anything from the network"),
    ('<img src="map.png">', "needs a description"),
    ("![map](map.png)", None),  # in the plan's folder, with a description: fine
])
def test_check_finds_a_picture_in_markdown_text_that_the_build_would_refuse_where_it_is_named(tmp_path, write_plan,
                                                                                                picture, reason):
    from generator.check import check_plan

    Image.new("RGB", (20, 10)).save(tmp_path / "map.png")

    def with_picture(data):
        data["venues"][0]["directions"] = f"Side door. {picture}"  # Markdown text
        data["reporting"]["channels"][0]["hours"] = "![x](/etc/shadow)"  # one line of plain text: never read as a picture

    plan = write_plan(with_picture)
    errors = [p for p in check_plan(plan).problems if p.severity == "error"]
    if reason is None:
        assert errors == []
        return
    [problem] = errors
    src = re.search(r"\]\(([^)]*)\)|src=\"?([^\">]*)", picture)
    named = next(group for group in src.groups() if group)
    line = plan.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert line[problem.column - 1:].startswith(named) and reason in problem.message


def test_a_data_picture_is_checked_as_a_picture_file_is(policy):
    """70 characters of GIF that unpack into 13000 × 13000 pixels (a picture bomb) are refused on screen and on paper,
    as the same picture in a file is; so is a data: picture whose content is not what it says."""
    bomb = "data:image/gif;base64,R0lGODlhyDLIMoAAAAAAAP///ywAAAAAyDLIMgACAkwBADs="
    with pytest.raises(RefusedResource, match="13000 × 13000 pixels"):
        policy.inline_image(bomb)
    with pytest.raises(Refused):
        GuideURLFetcher(policy).fetch(bomb)
    with pytest.raises(RefusedResource, match="not a PNG picture"):
        policy.inline_image("data:image/png;base64," + base64.b64encode(b"<svg/>").decode())
    small = "data:image/png;base64," + base64.b64encode(png()).decode()
    assert policy.inline_image(small) == small and GuideURLFetcher(policy).fetch(small).read() == png()
