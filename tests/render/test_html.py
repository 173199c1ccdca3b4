"""The HTML guides: golden files, safe rendering, self-contained pages, what each edition holds."""

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from generator.assets import AssetPolicy, RefusedResource
from generator.paths import templates_dir
from generator.plan.model import Audience
from generator.plan.validate import read_plan
from generator.render.calendar import rota_calendars
from generator.render.edition import EDITIONS, make_edition
from generator.render.environment import environment
from generator.render.formatting import phone_display
from generator.render.html import render_html
from generator.render.locale import Localizer
from generator.render.now_script import NOW_SCRIPT, NOW_SCRIPT_HASH
from generator.render.paper import default_paper

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
GOLDEN = ROOT / "tests" / "golden" / "complete-conference"


@pytest.fixture(scope="module")
def plan():
    return read_plan(EXAMPLE)


@pytest.fixture(scope="module")
def pages(plan):
    """Every edition's HTML guide of the example plan, by edition name."""
    policy = AssetPolicy(EXAMPLE.parent, templates_dir())
    return {spec.name: render_html(make_edition(plan, spec.audience, spec.name), policy=policy, template=spec.template)
            for spec in EDITIONS.values() if "html" in spec.formats}


STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.S)
STYLESHEETS = {path.name: path.read_text(encoding="utf-8").strip() for path in sorted((templates_dir() / "css").glob("*.css"))}


def _without_css(html: str) -> str:
    """`html` with each <style> element's rules replaced by the names of the stylesheets it inlines, or
    "generated rules" (page header, fonts, paper size): an edit to the CSS is no change to the golden files."""

    def placeholder(style: re.Match[str]) -> str:
        css = style.group(1)
        names = sorted((name for name, text in STYLESHEETS.items() if text in css), key=lambda name: css.index(STYLESHEETS[name]))
        return f"<style>/* {' '.join(names) or 'generated rules'} */</style>"

    return STYLE_ELEMENT.sub(placeholder, html)


def _compare_with_golden(golden: Path, text: str, update_golden: bool) -> None:
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))  # as is: a calendar's lines end in CRLF
    assert golden.is_file(), "run pytest --update-golden to create the golden files"
    assert text == golden.read_bytes().decode("utf-8"), (
        f"{golden.relative_to(ROOT)} differs; if the change is intended, run pytest --update-golden and review the diff")


@pytest.mark.parametrize("edition", [name for name, spec in EDITIONS.items() if "html" in spec.formats])
def test_golden(pages, edition, update_golden):
    _compare_with_golden(GOLDEN / f"{edition}.html", _without_css(pages[edition]), update_golden)


@pytest.mark.parametrize("edition", [name for name, spec in EDITIONS.items() if "html" not in spec.formats])
def test_golden_printed_only(plan, edition, update_golden):
    """The editions printed only (desk sheet, cards, poster, report form, drill kit): their print HTML, byte for byte."""
    spec = EDITIONS[edition].for_plan(plan)
    policy = AssetPolicy(EXAMPLE.parent, templates_dir())
    html = render_html(make_edition(plan, spec.audience, spec.name), medium="print", policy=policy, template=spec.template)
    _compare_with_golden(GOLDEN / f"{edition}.print.html", _without_css(html), update_golden)


def test_golden_calendars(plan, update_golden):
    """Each responder's rota calendar (private/rota-ID.ics), byte for byte."""
    calendars = rota_calendars(plan)
    assert len(calendars) == 5
    for responder_id, calendar in calendars.items():
        _compare_with_golden(GOLDEN / f"rota-{responder_id}.ics", calendar.decode("utf-8"), update_golden)


def test_the_golden_files_hold_no_css():
    """The golden pages name the stylesheets they inline instead of holding them (_without_css)."""
    pages = sorted(GOLDEN.glob("*.html"))
    assert pages
    for page in pages:
        styles = STYLE_ELEMENT.findall(page.read_text(encoding="utf-8"))
        assert styles, page.name
        assert not [css for css in styles if "{" in css], f"{page.relative_to(ROOT)} holds CSS; run pytest --update-golden"


def test_the_environment_is_strict():
    env = environment()
    assert env.autoescape is True
    assert env.undefined is jinja2.StrictUndefined


# A block the guides share, by a mark only its one writing has: the phone link (its filter), the emergency box,
# the responses' order and ladder, the assessment's questions, the published member list and the venues' numbers,
# the QR codes to the code of conduct, a timeline's line, the DRAFT mark.
SHARED_BLOCKS = {
    "|tel": "partials/_contact.html.j2",
    'class="emergency-calls"': "partials/_emergency.html.j2",
    '"public.emergency"': "partials/_emergency.html.j2",
    "guide.emergency_notes": "partials/_emergency.html.j2",
    'class="ladder"': "partials/_policy.html.j2",
    "guide.question_groups": "partials/_policy.html.j2",
    "public-team-list": "partials/_contact.html.j2",
    "in guide.public_numbers": "partials/_contact.html.j2",
    '"qr.guidelines"': "partials/_contact.html.j2",
    '"responses.mildest-first"': "partials/_policy.html.j2",
    '"public.timeline"': "partials/_policy.html.j2",
    '"draft.mark"': "partials/_page.html.j2",
}


@pytest.mark.parametrize("mark", SHARED_BLOCKS)
def test_each_shared_block_is_written_once_in_the_templates(mark):
    """Templates call the shared macro rather than copy the block (a copy drifts: #21)."""
    found = sorted(path.relative_to(templates_dir()).as_posix() for path in templates_dir().rglob("*.j2")
                   if mark in path.read_text(encoding="utf-8"))
    assert found == [SHARED_BLOCKS[mark]], found


def test_template_syntax_and_html_in_plan_text_print_as_typed(plan):
    amara = plan.responders[0].model_copy(update={"name": "{{ 7*7 }} <b>Amara</b>", "how_to_recognise": "{% raw %}"})
    changed = plan.model_copy(update={"responders": [amara, *plan.responders[1:]]})
    html = render_html(make_edition(changed, Audience.volunteer))
    assert "{{ 7*7 }} &lt;b&gt;Amara&lt;/b&gt;" in html
    assert "{% raw %}" in html
    assert "49" not in html.replace("0249", "")
    assert "<b>Amara" not in html


class Page(HTMLParser):
    """Tags, attributes and landmarks of a page."""

    def __init__(self, source):
        super().__init__()
        self.tags = []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.mark.parametrize("edition", ["volunteer", "responder"])
def test_html_is_self_contained(pages, edition):
    page = Page(pages[edition])
    assert not page.all("link") and not page.all("iframe")
    # one inline script at most (the "on now" marker), allowed by its hash and nothing else
    scripts = page.all("script")
    assert len(scripts) == (0 if edition == "public" else 1) and all("src" not in s for s in scripts)
    assert not page.all("img") or all(img["src"].startswith("data:") for img in page.all("img"))
    for name, attrs in page.tags:
        for key in ("src", "srcset", "data", "poster", "action", "background"):
            assert key not in attrs or attrs[key].startswith("data:"), (name, attrs)
    for link in page.all("a"):
        assert re.match(r"^(#|tel:|mailto:|https?://)", link["href"]), link
    assert "url(" not in pages[edition] and "@import" not in pages[edition]
    csp = next(m for m in page.all("meta") if m.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp["content"]
    if scripts:
        assert f"script-src '{NOW_SCRIPT_HASH}';" in csp["content"] and NOW_SCRIPT in pages[edition]
        assert "'unsafe-inline'" not in csp["content"].split("script-src")[1].split(";")[0]


@pytest.mark.parametrize("edition", ["volunteer", "responder"])
def test_html_is_phone_ready_and_semantic(pages, edition):
    page = Page(pages[edition])
    html = pages[edition]
    assert page.all("html")[0]["lang"] == "en"
    assert any(m.get("name") == "viewport" for m in page.all("meta"))
    assert "@media print" in html and "@media (max-width" in html
    for landmark in ("header", "main", "footer"):
        assert len(page.all(landmark)) == 1, landmark
    # the jump menu in the sticky header and the contents: two navigations, each with its own name
    assert [n.get("aria-label") or n.get("aria-labelledby") for n in page.all("nav")] == ["Jump to a section", "toc-title"]
    assert len(page.all("h1")) == 1
    assert any(a["href"] == "tel:999" for a in page.all("a"))
    assert any(a["href"] == "tel:+442079460201" for a in page.all("a"))
    assert any(a["href"].startswith("mailto:") for a in page.all("a"))
    assert "font-family: system-ui" in html and "@font-face" not in html


@pytest.mark.parametrize("edition", ["volunteer", "responder"])
def test_qr_codes_are_inline_svg_with_a_title(pages, edition):
    svgs = re.findall(r'<svg role="img"[^>]*class="qr"[^>]*><title>([^<]+)</title>', pages[edition])
    assert svgs == [
        "QR code linking to the code of conduct: https://summit.example.org/code-of-conduct",
        "QR code linking to the reporting guidelines: https://summit.example.org/code-of-conduct/reporting",
    ]


def test_volunteer_edition_holds_only_volunteer_data(pages, plan):
    html = pages["volunteer"]
    for responder in plan.responders:
        assert responder.name in html
        assert responder.email not in html and all(handle not in html for handle in responder.chat)
    assert "020 7946 0204" not in html  # Priya's phone is for responders only
    assert "A banned person tries to come in" in html
    assert "A reporter is afraid of being identified" not in html  # a responder-only scenario
    assert "Who leads on each day" in html and "Rota" not in html
    assert "Who to call, by day" in html


def test_responder_edition_holds_everything(pages, plan):
    html = pages["responder"]
    for scenario in plan.scenarios:
        assert scenario.title in html
    for responder in plan.responders:
        assert responder.email in html and all(handle in html for handle in responder.chat)
    for day in ("Wednesday, 9 June 2027", "Thursday, 10 June 2027", "Friday, 11 June 2027"):
        assert f">{day}</caption>" in html
    assert html.count("(lead)</td>") == len(plan.rota)
    for title in ("Report form", "Impact and risk", "Possible responses", "Communication", "Roles and governance"):
        assert f">{title}</h2>" in html


def test_cover_shows_the_emergency_number_first_then_the_address(pages):
    html = pages["volunteer"]
    emergency = html.index('class="emergency-number"')
    assert emergency < html.index("14 Ropewalk Lane") < html.index("Response team")
    assert "London SE1 9ZZ" in html


def test_phone_numbers_are_national_at_home_and_international_abroad():
    assert phone_display("+442079460201", "GB") == "020 7946 0201"
    assert phone_display("+442079460201", "US") == "+44 20 7946 0201"
    assert phone_display("+12025550143", "US") == "(202) 555-0143"
    assert phone_display("999", "GB") == "999"


@pytest.mark.parametrize("country, paper", [("GB", "a4"), ("DE", "a4"), ("US", "letter"), ("CA", "letter"),
                                            ("MX", "letter"), ("PH", "letter"), ("JP", "a4")])
def test_default_paper_follows_the_venue_country(plan, country, paper):
    venue = plan.venues[0].model_copy(update={"country": country})
    assert default_paper(plan.model_copy(update={"venues": [venue]})) == paper


def test_dates_follow_the_locale():
    gb, us, de = Localizer("en-GB"), Localizer("en-US"), Localizer("de-DE")
    assert gb.date_range(dt.date(2027, 6, 9), dt.date(2027, 6, 11)).replace("\u2009", " ") == "9 \u2013 11 June 2027"
    assert gb.date_range(dt.date(2027, 6, 30), dt.date(2027, 7, 2)).replace("\u2009", " ") == "30 June \u2013 2 July 2027"
    assert gb.date_range(dt.date(2027, 6, 9), None) == "Wednesday, 9 June 2027"
    assert us.long_date(dt.date(2027, 6, 9)) == "Wednesday, June 9, 2027"
    assert de.long_date(dt.date(2027, 6, 9)) == "Mittwoch, 9. Juni 2027"
    assert us.time(dt.time(21, 0)).replace("\u202f", " ") == "9:00 PM"
    assert de.time(dt.time(21, 0)) == "21:00"
    assert de.time(dt.time(0, 0), end_of_day=True) == "24:00"
    assert us.time(dt.time(0, 0), end_of_day=True).replace("\u202f", " ") == "12:00 AM"


def test_a_refused_picture_in_prose_stops_the_html(plan, tmp_path):
    venue = plan.venues[0].model_copy(update={"directions": "![map](http://127.0.0.1:9/map.png)"})
    changed = plan.model_copy(update={"venues": [venue]})
    with pytest.raises(RefusedResource, match="127.0.0.1:9"):
        render_html(make_edition(changed, Audience.volunteer), policy=AssetPolicy(tmp_path, templates_dir()))


def test_templates_are_found(monkeypatch):
    assert (templates_dir() / "guide.html.j2").is_file()
    assert (templates_dir() / "fonts" / "OFL.txt").is_file()


def test_rota_is_one_table_per_day_in_the_event_time_zone(plan):
    from generator.render.guide import Guide

    utc = dt.UTC
    shifts = [
        plan.rota[0].model_copy(update={"start": dt.datetime(2027, 6, 9, 7, 0, tzinfo=utc),
                                        "end": dt.datetime(2027, 6, 9, 15, 0, tzinfo=utc)}),
        plan.rota[1].model_copy(update={"start": dt.datetime(2027, 6, 10, 19, 0, tzinfo=utc),
                                        "end": dt.datetime(2027, 6, 11, 5, 0, tzinfo=utc)}),
    ]
    guide = Guide(make_edition(plan.model_copy(update={"rota": shifts}), Audience.responder), "screen", "a4")
    days = guide.rota_days
    assert [day for day, _ in days] == [dt.date(2027, 6, 9), dt.date(2027, 6, 10)]
    first, second = days[0][1][0], days[1][1][0]
    assert (first.start, first.end) == ("08:00", "16:00")  # 07:00 UTC is 08:00 in London in June
    assert (second.start, second.end, second.end_day) == ("20:00", "06:00", "Fri 11 Jun")
    assert guide.zone_note == "British Summer Time"  # CLDR's name, in the guide's language
    french = plan.model_copy(update={"rota": shifts, "event": plan.event.model_copy(update={"locale": "fr-FR"})})
    assert Guide(make_edition(french, Audience.responder), "screen", "a4").zone_note == "heure d’été britannique"


def test_the_waivers_table_says_what_each_waiver_covers(plan):
    """The model gives the item each waiver sits on; the guide words it, in plan order."""
    from generator.plan.model import Waiver
    from generator.render.guide import Guide

    def waived(item, rule):
        return item.model_copy(update={"waivers": [Waiver(rule=rule, reason=f"Because of {rule}.")]})

    reporting = plan.reporting.model_copy(update={"channels": [plan.reporting.channels[0], waived(plan.reporting.channels[1], "CHANNEL-GAP")]})
    changed = plan.model_copy(update={
        "waivers": [Waiver(rule="TEAM-SIZE", reason="Small team.")],
        "venues": [waived(plan.venues[0], "VENUE-ADDRESS")],
        "responders": [waived(plan.responders[0], "LEAD-FALLBACK"), *plan.responders[1:]],
        "rota": [plan.rota[0], waived(plan.rota[1], "SHIFT-LONG")],
        "reporting": reporting,
        "scenarios": [waived(scenario, "SCENARIO-ESCALATION") for scenario in plan.scenarios[:1]],
    })
    guide = Guide(make_edition(changed, Audience.responder), "screen", "a4")
    shift = plan.rota[1]
    assert [(str(what), waiver.rule) for what, waiver in guide.waivers] == [
        ("the whole plan", "TEAM-SIZE"),
        (f"venue {plan.venues[0].name}", "VENUE-ADDRESS"),
        (f"responder {plan.responders[0].name}", "LEAD-FALLBACK"),
        (f"shift {shift.start:%a %-d %b %H:%M}\u2009\u2013\u2009{shift.end:%H:%M}", "SHIFT-LONG"),  # CLDR's range
        (f"channel {plan.reporting.channels[1].label}", "CHANNEL-GAP"),
        (f"scenario {plan.scenarios[0].title}", "SCENARIO-ESCALATION"),
    ]


@pytest.mark.parametrize("width", [390, 1280])
def test_a_three_by_three_matrix_shares_its_width_in_chromium(browser, tmp_path, width):
    """plans/conference-team.yaml has three risk levels: each risk column gets an equal share, none a
    sliver; on a phone the matrix scrolls sideways in its own region rather than widen the page."""
    path = ROOT / "plans" / "conference-team.yaml"
    html = render_html(make_edition(read_plan(path), Audience.responder),
                       policy=AssetPolicy(path.parent, templates_dir()))
    assert html.count('<table class="matrix" style="--risk-levels: 3">') == 2
    page_file = tmp_path / "responder.html"
    page_file.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto(page_file.as_uri())
        tables = page.evaluate("""() => [...document.querySelectorAll("table.matrix")].map(table => ({
            table: table.getBoundingClientRect().width,
            columns: [...table.querySelectorAll("thead th")].map(th => th.getBoundingClientRect().width)}))""")
        page_width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        page.close()
    assert page_width <= width
    for found in tables:
        corner, *risks = found["columns"]
        assert len(risks) == 3
        assert max(risks) - min(risks) < 2, found
        assert min(risks) >= 0.2 * found["table"], found
        assert min(risks) >= 100, found  # about 7 rem: a word per line at most, never a syllable


def test_a_qr_code_is_encoded_once_per_url():
    from generator.render.qr import qr_svg

    qr_svg.cache_clear()
    first = qr_svg("https://conduct.example.org/report", "Report form")
    assert qr_svg("https://conduct.example.org/report", "Report form") is first
    assert qr_svg.cache_info().hits == 1 and first.startswith('<svg role="img"')


def test_compiled_templates_are_kept_between_runs():
    import jinja2

    assert isinstance(environment().bytecode_cache, jinja2.FileSystemBytecodeCache)


def test_compiled_templates_are_kept_in_the_users_cache_folder_and_bounded(tmp_path, monkeypatch):
    """Not in the temporary folder (Jinja's default): $XDG_CACHE_HOME/incident-guide/templates, oldest files removed."""
    import os

    from generator.render import environment as module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(module, "BYTECODE_CACHE_FILES", 3)
    folder = tmp_path / "incident-guide" / "templates"
    folder.mkdir(parents=True)
    for age in range(5):
        (folder / f"__jinja2_{age}.cache").write_bytes(b"x")
        os.utime(folder / f"__jinja2_{age}.cache", (1_000_000 + age, 1_000_000 + age))
    cache = module._bytecode_cache()
    assert cache is not None and cache.directory == str(folder)
    assert sorted(path.name for path in folder.iterdir()) == ["__jinja2_2.cache", "__jinja2_3.cache", "__jinja2_4.cache"]


def test_the_escalation_chain_points_to_where_the_leads_are(pages):
    """'Lead responder on shift' in the chain links to the section that says who that is, in each guide."""
    for edition, target in (("volunteer", "sec-leads"), ("responder", "sec-rota")):
        html = pages[edition]
        chain = html[html.index('<ol class="chain">'):]
        chain = chain[:chain.index("</ol>")]
        assert f'<a href="#{target}">' in chain and f'id="{target}"' in html, edition
