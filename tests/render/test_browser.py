"""The HTML guides in Debian's Chromium: zero axe-core violations, no request leaves the file, fits a phone."""

from pathlib import Path

import pytest

from browser import run_axe

EDITIONS = {"volunteer": "volunteer.html", "responder": "private/responder.html"}
VIEWPORTS = {"phone": {"width": 375, "height": 740}, "laptop": {"width": 1280, "height": 800}}


def open_page(browser, path: Path, viewport: dict, requests: list):
    # bypass_csp only so that axe can be injected; the page's own policy is tested below
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    return context, page


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_axe_finds_nothing_and_no_request_leaves_the_file(browser, example_guides, edition, viewport):
    path = example_guides[EDITIONS[edition]]
    requests = []
    context, page = open_page(browser, path, VIEWPORTS[viewport], requests)
    try:
        violations = run_axe(page)
        assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        assert requests == [path.as_uri()]
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport]["width"], f"the page is {width}px wide"
    finally:
        context.close()


@pytest.fixture
def server():
    """A local HTTP server that records every request it gets."""
    import http.server
    import threading

    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def test_the_content_security_policy_blocks_any_request(browser, example_guides, server, tmp_path):
    """Even markup that would fetch (planted into a copy of a guide) is blocked by the page's own policy."""
    base, seen = server
    original = example_guides["volunteer.html"].read_text(encoding="utf-8")
    planted = original.replace("</main>", f'<img src="{base}/img.png" alt="x"><iframe src="{base}/frame" title="x"></iframe>'
                                          f'<div style="background-image: url({base}/bg.png)">x</div></main>')
    copy = tmp_path / "copy.html"
    copy.write_text(planted, encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(copy.as_uri())
        page.wait_for_timeout(300)
    finally:
        context.close()
    assert seen == []


def test_print_stylesheet(browser, example_guides):
    requests = []
    context, page = open_page(browser, example_guides["private/responder.html"], VIEWPORTS["laptop"], requests)
    style = "([selector, property]) => getComputedStyle(document.querySelector(selector))[property]"
    try:
        page.emulate_media(media="print")
        assert page.evaluate(style, ["nav.toc", "display"]) == "none"
        # no forced page break: one after a block that just overflowed left a page nearly empty
        # (test_print_from_browser.py prints the pages and measures them)
        assert page.evaluate(style, [".cover", "breakAfter"]) == "auto"
        assert page.evaluate(style, [".report-form", "breakBefore"]) == "auto"
        assert page.evaluate(style, ["h2", "breakAfter"]) == "avoid"
        assert page.evaluate(style, [".scenario", "breakInside"]) == "avoid"
        assert page.evaluate(style, ["thead", "display"]) == "table-header-group"
        page.emulate_media(media="screen")
        assert page.evaluate(style, ["nav.toc", "display"]) == "block"
    finally:
        context.close()


PHONE_WIDTHS = (360, 375, 390)


def test_no_example_guide_scrolls_sideways_on_a_phone(browser, tmp_path):
    """Every example plan's volunteer and responder HTML fits 360, 375 and 390 px; wide tables scroll in their own box."""
    from generator.assets import AssetPolicy
    from generator.paths import templates_dir
    from generator.plan.model import Audience
    from generator.plan.validate import read_plan
    from generator.render.edition import make_edition
    from generator.render.html import render_html

    plans = sorted((Path(__file__).resolve().parents[2] / "plans").glob("*.yaml"))
    context = browser.new_context()
    try:
        too_wide = []
        for plan_path in plans:
            plan = read_plan(plan_path)
            for audience in (Audience.volunteer, Audience.responder):
                page_file = tmp_path / f"{plan_path.stem}-{audience.value}.html"
                page_file.write_text(render_html(make_edition(plan, audience), template=f"{audience.value}.html.j2",
                                                 policy=AssetPolicy(plan_path.parent, templates_dir())), encoding="utf-8")
                page = context.new_page()
                page.goto(page_file.as_uri())
                for width in PHONE_WIDTHS:
                    page.set_viewport_size({"width": width, "height": 844})
                    scroll_width = page.evaluate("document.documentElement.scrollWidth")
                    if scroll_width > width:
                        too_wide.append((page_file.name, width, scroll_width))
                page.close()
    finally:
        context.close()
    assert too_wide == []


def test_the_responder_guide_on_a_phone(browser, example_guides):
    """Jump menu with every scenario, the emergency number in the sticky header, jumps land below it,
    and the shift on now is marked by the script the page's CSP allows by its hash."""
    path = example_guides["private/responder.html"]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        blocked = []
        page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
        page.clock.install(time="2027-06-09T09:30:00Z")  # 10:30 in London: the 08:00-16:00 shift
        page.goto(path.as_uri())
        assert "Emergency: 999" in page.inner_text("header.masthead")
        jump = page.eval_on_selector_all(".jump a", "links => links.map(a => a.getAttribute('href'))")
        assert "#sec-scenarios" in jump and "#scenario-banned-person" in jump and "#sec-rota" in jump
        page.click(".jump summary")
        page.click('.jump a[href="#scenario-banned-person"]')
        page.wait_for_function("location.hash === '#scenario-banned-person'")
        header = page.evaluate("document.querySelector('header.masthead').getBoundingClientRect().bottom")
        heading = page.evaluate("document.querySelector('#scenario-banned-person').getBoundingClientRect().top")
        assert heading >= header - 1, (heading, header)
        marked = page.eval_on_selector_all("tr.now", "rows => rows.map(row => row.innerText)")
        assert len(marked) == 1 and marked[0].startswith("08:00") and "On now" in marked[0]
        assert page.locator("a[href='#top']").count() >= 10
        assert blocked == []
    finally:
        context.close()


def test_a_draft_plan_from_init_has_no_axe_violations(browser, tmp_path):
    """A new user's first build, still a DRAFT: its banner sits in a landmark and can be read."""
    from generator.build import build_plan
    from generator.init import write_starter

    starter = write_starter(tmp_path / "meetup.yaml", "meetup").path
    written = build_plan(starter, tmp_path / "out", editions=["public", "volunteer"])
    for page_file in (p for p in written if p.suffix == ".html"):
        assert 'class="draft-mark"' in page_file.read_text(encoding="utf-8")
        context, page = open_page(browser, page_file, VIEWPORTS["phone"], [])
        try:
            violations = run_axe(page)
            assert violations == [], (page_file.name, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations])
        finally:
            context.close()
