"""Locales: complete catalogs, no English outside them, local formats, right to left, phones, wording."""

from __future__ import annotations

import enum
import io
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest
from babel.messages.pofile import read_po

from generator.errors import PlanError
from generator.messages import CATALOG_LANGUAGES, english_messages, locale_dir
from generator.paths import templates_dir
from generator.plan.load import load_file
from generator.plan.model import Audience, ResponsesOrder
from generator.plan.validate import read_plan, validate
from generator.render import catalogs
from generator.render.calendar import rota_calendars
from generator.render.edition import EDITIONS, make_edition
from generator.render.html import render_html
from generator.render.locale import PSEUDO, Localizer
from generator.render.rendered import RenderedFile
from generator.render.seal import lock_notice, lock_screen_words, with_calendars

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
TEMPLATES = templates_dir()
WRAPPED = re.compile(r"\u27e6[^\u27e6\u27e7]*\u27e7")  # innermost first: messages nest (a title in a sentence)


def unwrapped(text: str) -> str:
    while WRAPPED.search(text):
        text = WRAPPED.sub(" ", text)
    return text


@pytest.fixture(scope="module")
def plan():
    return read_plan(EXAMPLE)


def with_locale(plan, tag):
    return plan.model_copy(update={"event": plan.event.model_copy(update={"locale": tag})})


# --- catalogs -------------------------------------------------------------------

def test_catalogs_and_wording_reference_are_current():
    stale = [str(path.relative_to(ROOT)) for path, content in catalogs.updated_files().items()
             if not path.is_file() or path.read_bytes() != content]
    assert not stale, f"out of date: {stale}; run python -m generator.render.catalogs"


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_every_catalog_has_every_message_translated_and_none_fuzzy(language):
    with (locale_dir() / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    messages = {str(m.context): m for m in catalog if m.id}
    problems = []
    for ident, english in english_messages().items():
        message = messages.get(ident)
        if message is None or not message.string:
            problems.append(f"{ident}: not translated ({english!r})")
        elif message.fuzzy:
            problems.append(f"{ident}: fuzzy")
        elif catalogs.placeholders(str(message.string)) != catalogs.placeholders(english):
            problems.append(f"{ident}: placeholders {sorted(catalogs.placeholders(str(message.string)))} "
                            f"instead of {sorted(catalogs.placeholders(english))}")
    assert not problems, f"templates/locale/{language}: " + "; ".join(problems)


# --- no English outside the catalogs ------------------------------------------------

class _Text(HTMLParser):
    """Visible text plus the attributes people read (alt, title, aria-label, description)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "code"):  # code: plan keys and commands, typed as they are
            self._skip += 1
        attributes = dict(attrs)
        for name in ("alt", "title", "aria-label", "placeholder"):
            if attributes.get(name):
                self.parts.append(attributes[name])
        if tag == "meta" and attributes.get("name") == "description":
            self.parts.append(attributes.get("content") or "")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "code"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _plan_words(plan) -> set[str]:
    words: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                words.update(re.findall(r"[A-Za-z]+", str(key)))
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif value is not None:
            words.update(re.findall(r"[A-Za-z]+", str(value)))

    walk(plan.model_dump(mode="json", by_alias=True))
    return words


def _where(word: str) -> str:
    """Template and Python lines that hold `word` outside a t() call, to name in the failure."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.j2")) + sorted((ROOT / "generator").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            outside_messages = re.sub(r't\("[^"]*"', " ", line)
            if re.search(rf"\b{re.escape(word)}\b", outside_messages):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    return ", ".join(found[:3]) or "(not found in the sources)"


def test_pseudo_locale_leaves_no_english_outside_the_catalogs(plan):
    """Every message becomes ⟦…⟧ and dates come from Japanese CLDR data, so a Latin word left
    over that the plan does not hold is English printed without the catalogs."""
    pseudo = with_locale(plan, PSEUDO)
    allowed = _plan_words(plan) | {"QR", "https", "http", "mailto", "tel", "incident", "guide", "ics"}  # ics: the calendar files' names
    leftovers: dict[str, str] = {}
    outputs = {f"{a.value} ({medium})": render_html(make_edition(pseudo, a), medium=medium)
               for a in Audience for medium in ("screen", "print")}
    for audience in (Audience.responder, Audience.volunteer):
        outputs[f"drill kit ({audience.value})"] = render_html(make_edition(pseudo, audience), medium="print", template="drill.html.j2")
    calendars = rota_calendars(pseudo, Localizer(PSEUDO))
    outputs.update({f"calendar {rid}": ics.decode() for rid, ics in calendars.items()})
    outputs["sealed page"] = " ".join(lock_screen_words(Localizer(PSEUDO)).values())
    files = [RenderedFile(PurePosixPath(f"rota-{rid}.ics"), ics, Audience.responder, True, "ics") for rid, ics in calendars.items()]
    outputs["sealed lock screen and calendars"] = lock_notice(pseudo) + with_calendars("<main></main>", files, pseudo)
    for name, content in outputs.items():
        if name.startswith("calendar"):
            lines = [line.split(":", 1)[1] for line in content.replace("\r\n ", "").splitlines()
                     if line.startswith(("SUMMARY", "DESCRIPTION", "X-WR-CALNAME"))]
            text = "\n".join(lines).replace("\\n", "\n").replace("\\,", ",")
        elif name == "sealed page":
            text = content
        else:
            parser = _Text()
            parser.feed(content)
            css = " ".join(re.findall(r'content: ([^;]*);', content))  # running header and footer
            css = re.sub(r"\\([0-9a-f]{1,6}) ?", lambda m: chr(int(m.group(1), 16)), css)
            text = " ".join(parser.parts) + " " + " ".join(re.findall(r'"([^"]*)"', css))
        for word in re.findall(r"[A-Za-z]{2,}", unwrapped(text)):
            if word not in allowed:
                leftovers.setdefault(word, name)
    assert not leftovers, "English outside the catalogs (add it to templates/locale/messages.pot, print it with t(\"id\")):\n" + "\n".join(
        f"  {word!r} in {name}; source: {_where(word)}" for word, name in sorted(leftovers.items()))


class _Bare(HTMLParser):
    """Words in the text between tags and in readable attributes, with their line."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("alt", "title", "aria-label", "placeholder") and re.search(r"[A-Za-z]{2,}", value or ""):
                self.found.append((self.getpos()[0], value))

    def handle_data(self, data):
        # words, and the marks each locale writes its own way (guide.punct): French puts a space before a colon
        if re.search(r"[A-Za-z]{2,}|[:;()\"“”«»]", data):
            self.found.append((self.getpos()[0] + data[:len(data) - len(data.lstrip())].count("\n"), data.strip()))


def test_templates_hold_no_bare_text():
    """Text between tags or in alt/title/aria-label attributes, and punctuation between values, must come
    from t(); names the file and line."""
    jinja_parts = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
    found = []
    for path in sorted(TEMPLATES.rglob("*.j2")):
        source = path.read_text(encoding="utf-8")
        skeleton = jinja_parts.sub(lambda m: " " + "\n" * m.group(0).count("\n"), source)
        parser = _Bare()
        parser.feed(skeleton)
        found += [f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}" for line, text in parser.found]
    for path in sorted((TEMPLATES / "css").glob("*.css")):  # nor generated content in the stylesheets
        for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for value in re.findall(r'content:\s*"([^"]*)"', text):
                if re.search(r"[A-Za-z]{2,}|[:;()]|\\(201[cdCD]|ab|bb|300[cd])\b", value):
                    found.append(f"{path.relative_to(ROOT)}:{line}: {value!r}")
    assert not found, "text outside t() in the templates:\n  " + "\n  ".join(found)


# --- the locale's words and formats --------------------------------------------------

def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def printed(plan):
    """The volunteer guide of the complete example printed in four locales."""
    from generator.assets import AssetPolicy
    from generator.render.pdf import render_pdf

    policy = AssetPolicy(EXAMPLE.parent, TEMPLATES)
    pages = {}
    for tag in ("en-US", "en-GB", "de-DE", "ar-EG"):
        edition = make_edition(with_locale(plan, tag), Audience.volunteer)
        html = render_html(edition, medium="print", policy=policy)
        pages[tag] = _pdf_text(render_pdf(html, policy, stylesheets=edition.spec.print_css))
    return pages


@pytest.mark.slow
def test_printed_guides_speak_the_locale(printed):
    squash = {tag: " ".join(text.split()) for tag, text in printed.items()}
    assert "Wed 9 Jun" in squash["en-GB"] and "16:00" in squash["en-GB"]
    assert "Wed, Jun 9" in squash["en-US"] and re.search(r"4:00\s?PM", squash["en-US"])
    assert "16:00" not in squash["en-US"]
    assert "Mi., 9. Juni" in squash["de-DE"] and "Seite 1 von" in squash["de-DE"]
    assert "Leitfaden für Helfende" in squash["de-DE"] and "Awareness-Team" in squash["de-DE"]
    assert "يونيو" in squash["ar-EG"] and "دليل المتطوعين" in squash["ar-EG"]
    for tag in ("de-DE", "ar-EG"):
        for heading in ("Other numbers", "Volunteer guide", "Contents", "Who leads on each day", "Not for public distribution"):
            assert heading not in squash[tag], f"{heading!r} in the {tag} guide"


def test_lang_and_dir_follow_the_locale(plan):
    arabic = render_html(make_edition(with_locale(plan, "ar-EG"), Audience.volunteer))
    assert '<html lang="ar" dir="rtl">' in arabic
    assert re.search(r'<a class="phone" dir="ltr" href="tel:\+44', arabic)
    printed = render_html(make_edition(with_locale(plan, "ar-EG"), Audience.volunteer), medium="print")
    assert "@top-right { content: string(event)" in printed and "@bottom-left { content: " in printed
    german = render_html(make_edition(with_locale(plan, "de-DE"), Audience.public))
    assert '<html lang="de" dir="ltr">' in german and "So meldest du einen Verstoß" in german
    spanish_meetup = read_plan(ROOT / "plans" / "meetup-leaders.yaml")
    assert spanish_meetup.locale == "en-US"


def test_a_locale_without_a_catalog_marks_the_tools_english_words_in_a_page_in_its_language(plan):
    hebrew = Localizer("he-IL")
    assert (hebrew.language, hebrew.text_language, hebrew.direction) == ("en", "he", "rtl")
    # the English marked, the plan's value in it marked with the plan's language; digits need no mark
    assert hebrew.t("cover.address-days", days="יום ג׳") == \
        '<span lang="en">Tell them the address (<span lang="he">יום ג׳</span>)</span>'
    assert hebrew.t("emergency.service-number", service="Q&A", number=100) == "Q&amp;A: 100"  # punctuation alone: unmarked
    # an English message filled in is joined into its sentence: one run of text, which isolates whole
    police = hebrew.t("emergency.service-number", service=hebrew.t("emergency.label.police"), number="100")
    assert police == '<span lang="en">Police: 100</span>'
    assert hebrew.t("punct.comma") == ", " and hebrew.text("cover.address") == "Tell them the address"
    page = render_html(make_edition(with_locale(plan, "he-IL"), Audience.volunteer))
    assert '<html lang="he" dir="rtl">' in page and '<span lang="en"><bdi dir="ltr">Volunteer guide</bdi></span>' in page
    for tag in ("ar-EG", "en-GB", "ja-JP", PSEUDO):  # with a catalog (or English itself) nothing is marked
        assert '<span lang="en">' not in render_html(make_edition(with_locale(plan, tag), Audience.volunteer))


def test_locale_defaults_from_the_first_language_and_the_venue(plan):
    assert plan.locale == "en-GB"
    german = plan.model_copy(update={"event": plan.event.model_copy(update={"languages": ["de"]})})
    assert german.locale == "de"  # CLDR has no de-GB: the language alone
    venue = plan.venues[0].model_copy(update={"country": "DE"})
    assert german.model_copy(update={"venues": [venue]}).locale == "de-DE"


def test_paper_follows_the_locale_country(plan):
    from generator.render.paper import default_paper

    assert default_paper(with_locale(plan, "en-US")) == "letter"
    assert default_paper(with_locale(plan, "en-GB")) == "a4"


# --- phones ------------------------------------------------------------------

def test_public_sheet_of_a_conference_prints_international_numbers(plan):
    public = render_html(make_edition(plan, Audience.public))
    volunteer = render_html(make_edition(plan, Audience.volunteer))
    assert ">+44 20 7946 0300<" in public and "020 7946 0300" not in public
    assert ">020 7946 0300<" in volunteer
    assert 'href="tel:+442079460300"' in public and 'href="tel:+442079460300"' in volunteer
    local = plan.model_copy(update={"event": plan.event.model_copy(update={"international": False})})
    assert ">020 7946 0300<" in render_html(make_edition(local, Audience.public))


# --- the organizers' wording -----------------------------------------------------------

def _plan_with(tmp_path, extra: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8").replace("\ntaking_reports:", extra + "\ntaking_reports:", 1)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_wording_overrides_replace_three_messages(tmp_path):
    path = _plan_with(tmp_path, "\nwording:\n"
                      "  public.title: The team *listens*, decides what happens next and tells you. <script>x</script>\n"
                      "  section.responder.responses: What we can do\n"
                      "  toc.title: In this guide\n")
    changed = read_plan(path)
    public = render_html(make_edition(changed, Audience.public))
    assert "The team <em>listens</em>, decides what happens next and tells you." in public
    assert "<script>x" not in public and "How to report a code of conduct problem<" not in public
    responder = render_html(make_edition(changed, Audience.responder))
    assert "What we can do" in responder and ">Possible responses<" not in responder
    assert '<h2 id="toc-title">In this guide</h2>' in responder


def test_no_wording_can_step_out_of_an_attribute(plan):
    """A sentence the plan rewrites is text wherever the guide puts it, also in an attribute (aria-label, alt):
    its quotation marks cannot end the attribute and add another, such as a style that hides the drill's cards."""
    hostile = 'Cards " style="display:none" data-injected="1'
    changed = plan.model_copy(update={"wording": {ident: hostile for ident in english_messages()}})

    class Attributes(HTMLParser):
        def __init__(self, source: str):
            super().__init__()
            self.injected: list[str] = []
            self.feed(source)

        def handle_starttag(self, tag, attrs):
            self.injected += [tag for name, _ in attrs if name == "data-injected"]

    for name, spec in EDITIONS.items():
        edition = make_edition(changed, spec.audience, name)
        for medium in ("screen", "print"):
            page = render_html(edition, medium=medium, template=spec.template)
            assert Attributes(page).injected == [], (name, medium)
            assert "Cards &#34; style=&#34;display:none&#34;" in page or "Cards &quot; style" in page, (name, medium)


def test_an_unknown_wording_id_is_a_located_error_with_a_hint(tmp_path):
    path = _plan_with(tmp_path, "\nwording:\n  public.tittle: Report it here\n")
    with pytest.raises(PlanError) as caught:
        validate(load_file(path, keep_going=True))
    problem = caught.value.problems[0]
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "public.tittle" in text)
    assert (problem.line, problem.column) == (line, 3)
    assert "`public.tittle` is not a message id" in problem.message and problem.hint == "did you mean `public.title`?"


def test_the_default_promises_nothing_a_team_may_not_do(plan):
    public = render_html(make_edition(plan, Audience.public))
    assert "you decide what happens next" not in public
    assert "The response team decides what happens next, and will keep you informed." in public
    responder = render_html(make_edition(plan, Audience.responder))
    assert "Mildest first" not in responder  # the example does not say how its responses are ordered
    ordered = plan.model_copy(update={"responses_order": ResponsesOrder.mildest_first})
    assert "Mildest first." in render_html(make_edition(ordered, Audience.responder))


def test_every_edition_of_a_right_to_left_plan_is_laid_out_right_to_left(plan):
    from generator.render.edition import EDITIONS

    arabic = with_locale(plan, "ar-EG")
    for spec in EDITIONS.values():
        spec = spec.for_plan(arabic)
        for medium in ("print", "screen"):
            html = render_html(make_edition(arabic, spec.audience, spec.name), medium=medium, template=spec.template)
            assert re.search(r"<html lang=\"ar\" dir=\"rtl\">", html), (spec.name, medium)
            # a phone number alone in right-to-left text would print its digit groups backwards
            phones = re.findall(r"<a [^>]*href=\"tel:[^>]*>", html)
            assert [tag for tag in phones if 'dir="ltr"' not in tag] == [], (spec.name, medium)


@pytest.mark.slow
def test_a_long_role_word_is_hyphenated_in_the_team_table_not_cut_anywhere():
    """German 'Ansprechperson' is wider than the cover's role column: it breaks at a syllable, with a hyphen."""
    from pypdf import PdfReader

    from generator.assets import AssetPolicy
    from generator.plan.validate import read_plan
    from generator.render.pdf import render_pdf

    berlin = ROOT / "plans" / "berlin-meetup-de.yaml"
    policy = AssetPolicy(berlin.parent, TEMPLATES)
    covers = {}
    for audience in (Audience.responder, Audience.volunteer):
        edition = make_edition(read_plan(berlin), audience)
        html = render_html(edition, medium="print", policy=policy)
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(html, policy, stylesheets=edition.spec.print_css))).pages]
        covers[audience] = pages[0]
    assert not re.search(r"Ansprechp\s*\n\s*erson", covers[Audience.responder]), "cut inside a syllable, without a hyphen"
    assert re.search(r"Ansprech[-\u2010]\s*\n\s*person", covers[Audience.responder])  # WeasyPrint's hyphen is U+2010
    # beside the safety room the role column is as wide as its longest word: no hyphen there
    assert "Ansprechperson" in covers[Audience.volunteer] and not re.search(r"Lei[-\u2010]\s*\n", covers[Audience.volunteer])


# --- every word of the tool's own comes from the catalogs ------------------------------

def _plan_texts(plan) -> list[re.Pattern[str]]:
    """Every text of the plan as it may print (as written, each line, its Markdown or URL as shown), longest first,
    as whole words; a `{name}` a policy sentence fills matches any short run."""
    from generator.plan.secrets import leaf_audiences
    from generator.render.formatting import bare_url
    from generator.render.markdown import to_html

    found: set[str] = set()
    for _path, value, _level in leaf_audiences(plan):
        # a kind (`lead`) prints as a message, an id or a reference (`lead`, `amara`) as what it names
        if not isinstance(value, str) or isinstance(value, enum.Enum) or re.fullmatch(r"[a-z0-9_-]+", value):
            continue
        for text in (value, *value.splitlines()):
            found |= {text, _words(str(to_html(text)))}
            if text.startswith(("http:", "https:")):
                found.add(_words(str(bare_url(text))))
    texts = sorted({" ".join(text.split()) for text in found if text.strip()}, key=len, reverse=True)
    return [re.compile(r"(?<!\w)" + re.sub(r"\\\{[a-z_]+\\\}", ".{0,80}?", re.escape(text)) + r"(?!\w)") for text in texts]


def _words(html: str) -> str:
    """Every text node and readable attribute of some HTML, one space apart (the same for a page and a plan text)."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_every_screen_edition_in_the_pseudo_locale_prints_nothing_of_the_tools_own_outside_the_catalogs(plan):
    """The screen HTML of every edition in en-XA, where every catalog message reads ⟦…⟧: once the messages and the
    plan's own texts are taken out, no Latin letter is left (names raised above volunteer level, so the words an
    edition prints for a hidden name show too)."""
    from generator.render.edition import drill_spec

    raised = plan.model_copy(update={"responders": [
        r.model_copy(update={"visibility": {**r.visibility, "name": Audience.responder}}) if r.role.value == "lead" else r
        for r in plan.responders]})
    pseudo = with_locale(raised, PSEUDO)
    leftovers: dict[str, str] = {}
    plan_texts = _plan_texts(pseudo)  # the whole plan's: an edition's cut copy holds the words for hidden names
    specs = [*EDITIONS.values(), drill_spec(Audience.volunteer)]
    for spec in specs:
        if not spec.exists_for(pseudo):
            continue
        spec = spec.for_plan(pseudo)
        edition = make_edition(pseudo, spec.audience, spec.name)
        page = render_html(edition, medium="screen", template=spec.template)
        text = " ".join(unwrapped(_words(page)).split())
        for pattern in plan_texts:
            text = pattern.sub(" ", text)
        for word in re.findall(r"[A-Za-z]{2,}", text):
            leftovers.setdefault(word, f"{spec.stem} ({spec.name}): …{text[max(0, text.find(word) - 40):text.find(word) + 40]}…")
    assert not leftovers, "text of the tool's own outside the catalogs:\n" + "\n".join(
        f"  {word!r} in {where}" for word, where in sorted(leftovers.items()))
    volunteer = render_html(make_edition(pseudo, Audience.volunteer), medium="screen")
    assert "⟦a responder⟧" in volunteer and "⟦the lead on call⟧" in volunteer  # the hidden names are messages too
