"""Every small word in the locale (issue 27, point 5): level names, punctuation, joins, language and time-zone names.

Each shipped locale's guides are rendered (HTML, screen and print) from the complete example plan, its text in
English; the plan's own strings are masked, so what is left is the tool's: it must use the locale's marks and words.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from generator.messages import english_messages
from generator.plan.language import SHIPPED
from generator.plan.model import Audience
from generator.plan.validate import read_plan
from generator.render.edition import EDITIONS, drill_spec, make_edition
from generator.render.guide import Guide
from generator.render.html import render_html
from generator.render.locale import Localizer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
MASK = "\u3013"  # 〓: stands for a plan value; neither Latin nor a mark
FOREIGN = ("ja-JP", "fr-FR", "ar-EG", "de-DE", "es-ES", "pt-BR")


@pytest.fixture(scope="module")
def plan():
    return read_plan(EXAMPLE)


def localized(plan, tag):
    return plan.model_copy(update={"event": plan.event.model_copy(update={"locale": tag})})


def _plan_strings(plan) -> list[str]:
    found: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value.strip():
            found.append(value)

    walk(plan.model_dump(mode="json"))
    return found


def _text(page: str) -> str:
    page = re.sub(r"<(style|script|code)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<span class="poster-', " <span ", page)  # the poster's lines (display: block)
    page = re.sub(r"</?(?:a|strong|em|b|i|bdi|span|abbr|small|wbr)\b[^>]*>", "", page)  # inline: no word break
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"[ \t\r\n]+", " ", text)


def tool_text(plan, tag) -> dict[str, str]:
    """Visible text of every edition with the plan's own strings (and addresses, times, numbers) masked."""
    changed = localized(plan, tag)
    strings = sorted({piece.strip() for value in _plan_strings(changed)
                      for piece in re.split(r"\*\*|\*|\n|\[|\]\([^)]*\)|`|\{[a-z_]+\}", value) if len(piece.strip()) > 1}, key=len, reverse=True)
    plan_values = re.compile("|".join((r"(?<![A-Za-z])(?<!\w\.)" if piece[0].isalnum() else "") + re.escape(piece)
                                      + (r"(?![A-Za-z]|\.\w)" if piece[-1].isalnum() else "") for piece in strings))
    out = {}
    for where, page in rendered_pages(changed):
        text = plan_values.sub(MASK, _text(page))
        text = re.sub(r"\S+@\S+|https?://\S+|\b[\w.-]+\.(?:org|com|net)\S*", MASK, text)  # links as printed (bare)
        text = plan_values.sub(MASK, text)
        out[where] = re.sub(r"\+?\d[\d ]*\d|\d", "0", text)
    return out


def rendered_pages(plan):
    """("edition (medium)", HTML) for every edition of the plan, on screen and as printed."""
    for spec in (*EDITIONS.values(), drill_spec(Audience.volunteer)):
        if not spec.exists_for(plan):
            continue
        spec = spec.for_plan(plan)
        edition = make_edition(plan, spec.audience, spec.name)
        for medium in ("screen", "print"):
            yield f"{spec.name} ({medium})", render_html(edition, medium=medium, template=spec.template)


def _around(text: str, match: re.Match[str]) -> str:
    return text[max(0, match.start() - 30):match.end() + 30]


@pytest.mark.slow  # renders every edition, ~3 s
@pytest.mark.parametrize("without_assessment", [False, True], ids=["plan-levels", "default-levels"])
def test_french_puts_a_narrow_no_break_space_before_double_marks(plan, without_assessment):
    if without_assessment:
        plan = plan.model_copy(update={"assessment": None})
    bad = []
    for where, text in tool_text(plan, "fr-FR").items():
        for match in re.finditer(r"(?<![\u202f0]):(?!0)|(?<!\u202f)[;?!»]|«(?!\u202f)", text):
            bad.append(f"{where}: {_around(text, match)!r}")
    assert not bad, "French marks without a narrow no-break space:\n" + "\n".join(bad[:20])


@pytest.mark.slow  # renders every edition, ~2 s
def test_japanese_has_no_latin_full_stop_colon_comma_or_parenthesis(plan):
    bad = []
    for where, text in tool_text(plan.model_copy(update={"assessment": None}), "ja-JP").items():
        # after Japanese text or a plan value: a Latin full stop, comma or colon is the tool's (times are masked to 0)
        for match in re.finditer(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef" + MASK + r"][.,:]|(?<!0):(?!0)"
                                 r"|(?:[\u3000-\u30ff\u4e00-\u9fff] |" + MASK + r" ?)\(", text):  # CLDR's own 6月9日(水) is right
            bad.append(f"{where}: {_around(text, match)!r}")
    assert not bad, "Latin punctuation in Japanese:\n" + "\n".join(bad[:20])


@pytest.mark.slow  # renders every edition, ~2 s
def test_arabic_has_arabic_commas_and_question_marks(plan):
    bad = []
    for where, text in tool_text(plan.model_copy(update={"assessment": None}), "ar-EG").items():
        for match in re.finditer(r"[\u0600-\u06ff" + MASK + r"][,;?]", text):
            bad.append(f"{where}: {_around(text, match)!r}")
    assert not bad, "Latin commas or question marks in Arabic:\n" + "\n".join(bad[:20])


def _english_words() -> set[str]:
    words: set[str] = set()
    for text in english_messages().values():
        words.update(re.findall(r"[A-Za-z]{2,}", re.sub(r"\{[a-z_]+\}", " ", text)))
    return words


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text))


@pytest.mark.slow  # renders every edition, ~3 s a locale
@pytest.mark.parametrize("tag", FOREIGN)
def test_no_english_word_of_the_tools_own(plan, tag):
    """Builds in ja, fr, ar, de, es and pt-BR: no word of the tool's English messages that neither the locale's
    own words nor the plan (its text is English here) hold."""
    own = set().union(*(_words(text) for text in Localizer(tag).all_texts()))
    english = _english_words() - own - {"QR", "SMS", "Chat", "E"}
    for variant in (plan, plan.model_copy(update={"assessment": None})):
        allowed = set().union(*(_words(value) for value in _plan_strings(localized(variant, tag))))
        leftovers = {}
        for where, text in tool_text(variant, tag).items():
            for word in _words(text) & english - allowed:
                at = text.find(word)
                leftovers.setdefault(word, f"{where}: {text[max(0, at - 30):at + 30]!r}")
        assert not leftovers, f"English in {tag}:\n" + "\n".join(f"  {w}: {ctx}" for w, ctx in sorted(leftovers.items()))


def test_default_level_names_are_the_catalogs(plan):
    bare = plan.model_copy(update={"assessment": None})
    for tag, low in (("ja-JP", "影響：低"), ("ar-EG", "الأثر: منخفض"), ("fr-FR", "Impact faible"), ("en-GB", "Low impact")):
        guide = Guide(make_edition(localized(bare, tag), Audience.responder), "screen", "a4")
        assert guide.level_name("impact", "low") == low


@pytest.mark.parametrize("tag", SHIPPED)
def test_languages_and_time_zones_are_named_in_the_locale(plan, tag):
    changed = localized(plan, tag)
    guide = Guide(make_edition(changed, Audience.responder), "screen", "a4")
    codes = changed.responders[0].languages
    named = str(guide.language_list(codes))
    assert not re.search(r"\b(?:en|ja|de|fr|es|pt)\b", named), named
    assert "Europe/" not in guide.zone_note
    if tag == "ja-JP":
        assert guide.language_list(["ja", "en"]) == "日本語、英語" and guide.zone_note == "英国夏時間"
    if tag == "fr-FR":
        assert guide.language_list(["ja", "en"]) == "japonais, anglais"


def test_a_short_number_keeps_its_grouping(write_plan):
    def change(data):
        data["venues"][0]["numbers"].append({"label": "Samaritans", "number": "116 123", "when": "Someone wants to talk."})

    volunteer = render_html(make_edition(read_plan(write_plan(change)), Audience.volunteer))
    assert ">116 123<" in volunteer and 'href="tel:116123"' in volunteer


@pytest.mark.parametrize("tag", ["en-GB", "fr-FR", "ja-JP"])
def test_a_stop_is_not_doubled_after_a_text_that_ends_with_one(tag):
    from markupsafe import Markup

    from generator.render.guide import punctuation

    marks = punctuation(Localizer(tag))
    stop = marks.stop.strip()
    day = Localizer("fr-FR").short_date(__import__("datetime").date(2027, 10, 22))  # "ven. 22 oct.": ends with a full stop
    assert str(marks.ended("Room A")) == "Room A" + str(marks.stop)
    assert str(marks.then("Room A")) == "Room A" + str(marks.between)
    if stop == ".":
        assert day.endswith(".") and str(marks.ended(day)) == day
        assert str(marks.then(Markup("<em>Gate 4.</em>"))) == "<em>Gate 4.</em>" + str(marks.between)[1:]
    assert str(marks.ended("<b>")) == "&lt;b&gt;" + str(marks.stop)  # a plan's text is escaped


@pytest.mark.slow
def test_a_night_shift_ending_on_a_later_day_wraps_its_date_inside_its_cell(tmp_path, write_plan):
    """`16:00 – 02:00 (ven. 11 juin)` is too wide for the rota's time column: the date goes under the times, not over the lead."""
    import subprocess

    from generator.build import build_plan

    def night(data):
        data["event"]["locale"] = "fr-FR"
        evening, overnight = (shift for shift in data["rota"] if str(shift["start"])[11:16] in ("16:00", "00:00")
                              and str(shift["start"]).startswith(("2027-06-10 16", "2027-06-11 00")))
        evening["end"] = overnight["start"] = "2027-06-11 02:00"  # the evening shift ends after midnight

    [pdf] = [p for p in build_plan(write_plan(night), tmp_path, editions=["responder"]) if p.suffix == ".pdf"]
    listing = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>', listing)
    words = [(float(x0), float(y), float(x1), word) for x0, y, x1, word in words]
    [(_, line_y, times_end, _)] = [word for before, word in zip(words, words[1:], strict=False) if word[3] == "02:00" and before[3] == "–"]
    lead_x = min(x0 for x0, y, _, _ in words if abs(y - line_y) < 1 and x0 > times_end)
    day_x, day_y, _, _ = min((word for word in words if word[3] == "(ven." and word[1] >= line_y), key=lambda word: word[1])
    assert day_y > line_y and day_x < lead_x, (line_y, lead_x, day_x, day_y)  # Friday 11 June, under the times


@pytest.mark.parametrize("tag", ["en-GB", "fr-FR", "ja-JP", "de-DE"])
def test_words_to_say_get_the_locales_quotation_marks_unless_the_plan_wrote_its_own(tag):
    from markupsafe import Markup

    from generator.render.guide import punctuation

    marks = punctuation(Localizer(tag))
    assert str(marks.quoted("Thank you for telling me.")) == f"{marks.quote_open}Thank you for telling me.{marks.quote_close}"
    for own in ("« Merci de me l'avoir dit. »", "„Danke.“", "「ありがとう。」", '"Thanks."', Markup("<em>“Thanks.”</em>")):
        assert str(marks.quoted(own)) == str(Markup.escape(own)), own
    assert str(marks.quoted("«Merci», dis-le.")).startswith(str(marks.quote_open))  # quoted words inside a sentence
    assert str(marks.quoted("<b>")) == f"{marks.quote_open}&lt;b&gt;{marks.quote_close}"


@pytest.mark.slow
def test_a_twelve_hour_shift_wraps_in_the_rotas_time_column(tmp_path, write_plan):
    """`3:00 PM – 11:00 PM` is wider than the time column: it wraps at the dash instead of running over the lead."""
    import subprocess

    from generator.build import build_plan

    def american(data):
        data["event"]["locale"] = "en-US"

    [pdf] = [p for p in build_plan(write_plan(american), tmp_path, editions=["responder"]) if p.suffix == ".pdf"]
    listing = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [[(float(x0), float(y), float(x1), word) for x0, y, x1, word in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>', page)] for page in listing.split("<page ")[1:]]
    time_token = re.compile(r"\d{1,2}:\d\d|AM|PM|–")
    rows = [(words, y) for words in pages for _, y, _, word in words if word == "(lead)"]
    assert rows
    for words, row in rows:  # each rota row: its times end before its lead's name begins
        line = sorted(w for w in words if abs(w[1] - row) < 1)
        times = [w for w in line if time_token.fullmatch(w[3])]
        names = [w for w in line if not time_token.fullmatch(w[3]) and times and w[0] > times[0][0]]
        assert times and names and max(w[2] for w in times) < min(w[0] for w in names), line


def test_japanese_joins_a_name_and_its_mark_and_a_response_and_its_description_without_a_space(plan):
    """The space the templates put between two parts is none where the language writes none (between 。 and what follows)."""
    from generator.render.guide import punctuation

    assert punctuation(Localizer("ja-JP")).space == "" and punctuation(Localizer("en-GB")).space == " "
    page = render_html(make_edition(localized(plan, "ja-JP"), Audience.responder), medium="print")
    assert "</bdi></strong>（" in page and "</bdi></strong> （" not in page
    ladders = re.findall(r'<ol class="ladder">.*?</ol>', page, flags=re.DOTALL)
    assert ladders and all("。</strong> " not in ladder for ladder in ladders)


@pytest.mark.slow  # renders every edition, ~2 s
def test_japanese_puts_no_space_after_its_own_full_stops_and_colons(plan):
    """Two sentences, or a label and its value, follow each other with no space in Japanese ("場面：勉強会の…",
    "…通報してください。次に…"); a space the templates wrote between them is the tool's, whatever follows."""
    bad = []
    for where, page in rendered_pages(localized(plan, "ja-JP")):
        inline = re.sub(r"</?(?:a|strong|em|b|i|bdi|span|abbr|small)\b[^>]*>", "", page)
        bad += [f"{where}: {_around(inline, match)!r}" for match in re.finditer(r"[。：] (?=[^\s<])", inline)]
    assert not bad, "A space after a Japanese full stop or colon:\n" + "\n".join(bad[:20])


@pytest.mark.slow  # renders every edition, ~2 s
def test_japanese_separates_items_of_a_line_with_its_own_space_not_a_latin_dot(plan):
    """'警察：110 · 救急・消防：119' reads '警察：110　救急・消防：119' (the footer, the event's line, the responses)."""
    bad = [f"{where}: {_around(text, match)!r}" for where, text in tool_text(plan, "ja-JP").items()
           for match in re.finditer("\u00b7", text)]
    assert not bad, "A Latin middle dot in Japanese:\n" + "\n".join(bad[:20])
    from generator.plan.model import EmergencyService, Service

    services = [EmergencyService(number="110", services=[Service.police]),
                EmergencyService(number="119", services=[Service.ambulance, Service.fire])]
    venue = plan.venues[0].model_copy(update={"emergency_number": None, "emergency_services": services})
    tokyo = localized(plan.model_copy(update={"venues": [venue]}), "ja-JP")
    footer = Guide(make_edition(tokyo, Audience.volunteer), "print", "a4", None, None, None, False).emergency_footer
    assert footer == "警察：110\u3000救急・消防：119"
