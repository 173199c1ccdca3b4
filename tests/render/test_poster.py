"""poster.pdf: one page one size up from the plan's paper, the number to call largest, QR codes labelled with their addresses."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest
import yaml
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

import generator.render.html as html_module
from generator.build import build_plan
from generator.check import check_plan
from generator.cli import main
from generator.errors import PlanError
from generator.paths import templates_dir
from generator.plan.model import Audience
from generator.render.edition import EDITIONS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
ONLINE = ROOT / "plans" / "online-community.yaml"
MEETUP = ROOT / "plans" / "meetup-leaders.yaml"
PX_TO_PT = 0.75  # pdfium reports WeasyPrint's text sizes in CSS px
A3 = (841.89, 1190.55)
TABLOID = (792.0, 1224.0)
REAL_ENVIRONMENT = html_module.environment


def squash(text: str) -> str:
    return "".join(text.split())


def poster_facts(pdf: Path) -> tuple[int, tuple[float, float], str, str]:
    """(pages, page size in pt, the page's text, the text set in the largest type) of a poster."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        text = page.get_textpage()
        sizes = []
        for index in range(text.count_chars()):
            char = text.get_text_range(index, 1)
            if not char.isspace():
                sizes.append((round(pdfium_raw.FPDFText_GetFontSize(text.raw, index) * PX_TO_PT, 1), char))
        largest = max(size for size, _ in sizes)
        words = text.get_text_range().replace("\ufffe", "-")  # pdfium marks a hyphen that ends a line
        return (len(document), (round(page.get_width(), 2), round(page.get_height(), 2)), words,
                "".join(char for size, char in sizes if size == largest))
    finally:
        document.close()


def poster(plan: Path, out: Path, **options: object) -> Path:
    [pdf] = build_plan(plan, out, editions=["poster"], **options)
    assert pdf.name == "poster.pdf" and pdf.parent.name == plan.stem  # public: never under private/
    return pdf


def png(path: Path) -> None:
    stream = io.BytesIO()
    Image.new("RGB", (120, 48), (30, 90, 160)).save(stream, format="PNG")
    path.write_bytes(stream.getvalue())


def test_the_poster_is_a_public_printed_edition_built_by_default():
    spec = EDITIONS["poster"]
    assert (spec.audience, spec.formats, spec.private, spec.file("pdf").as_posix()) == (Audience.public, ("pdf",), False, "poster.pdf")
    result = CliRunner().invoke(main, ["build", "--help"])
    assert "poster" in result.output


@pytest.mark.slow
def test_the_complete_example_poster_has_the_hotline_largest_and_labelled_qr_codes(tmp_path):
    pages, size, text, largest = poster_facts(poster(EXAMPLE, tmp_path))
    assert pages == 1 and size == A3
    squashed = squash(text)
    assert largest == "+442079460300"  # a conference prints international numbers; nothing else as large
    assert "Codeofconducthotline(callsandtexts)" in squashed and "Emergency" not in text
    assert "call999first" in squashed
    assert "Reportonline" + "summit.example.org/code-of-conduct/report" in squashed
    assert "Codeofconduct" + "summit.example.org/code-of-conduct" in squashed
    assert "conduct@example.org" in squashed and "orangelanyard" in squashed
    assert "02079460301" not in squashed and "+442079460301" not in squashed  # the volunteers' direct line is not public


@pytest.mark.slow
def test_a_national_event_prints_national_numbers_and_letter_plans_print_tabloid(tmp_path, write_plan):
    def national(data):
        data["event"]["international"] = False

    _, _, text, largest = poster_facts(poster(write_plan(national), tmp_path / "a"))
    assert largest == "02079460300"
    pages, size, text, largest = poster_facts(poster(MEETUP, tmp_path / "b"))
    assert (pages, size) == (1, TABLOID)
    assert largest == "(312)555-0150"  # a meetup is not international by default
    assert "Codeofconduct" + "lakeshore-python.example.org/conduct" in squash(text)  # a single QR code, its address whole
    pages, size, _, _ = poster_facts(poster(EXAMPLE, tmp_path / "c", paper="letter"))
    assert (pages, size) == (1, TABLOID)


@pytest.mark.slow
def test_the_online_community_poster_leads_with_its_email_and_local_emergency_services(tmp_path):
    pages, _, text, largest = poster_facts(poster(ONLINE, tmp_path))
    squashed = squash(text)
    assert pages == 1 and largest == "conduct@example.org"
    assert "contactyourlocalemergencyservices" in squashed
    assert "Reportonline" + "treadle.example.org/code-of-conduct/report" in squashed
    assert "Codeofconduct" + "treadle.example.org/code-of-conduct" in squashed


@pytest.mark.slow
def test_a_plan_without_an_online_form_gets_no_form_qr_code(tmp_path, write_plan):
    def no_links(data):
        data["reporting"]["channels"] = [c for c in data["reporting"]["channels"] if "link" not in c]

    _, _, text, _ = poster_facts(poster(write_plan(no_links), tmp_path))
    assert "Report online" not in text and "code-of-conduct/report" not in text
    assert "Codeofconduct" + "summit.example.org/code-of-conduct" in squash(text)


@pytest.mark.slow
def test_a_plan_with_many_long_channels_still_prints_one_page(tmp_path, write_plan):
    where = ("Anyone with an orange lanyard near the registration desk, the main hall, the sponsor area, the quiet room "
             "or the café on the ground floor will take you to a responder straight away, day or night.")

    def crowded(data):
        many = []
        for n in range(12):
            many.append({"kind": "phone", "label": f"Hotline {n} for every kind of problem, in any language, answered at any hour "
                         "by a trained responder who will listen", "phone": f"020 7946 03{10 + n}",
                         "hours": "Around the clock from the first day of the summit to the last day of the workshops and the week after",
                         "where": where, "audience": "public"})
            many.append({"kind": "email", "label": f"Mailbox {n}", "email": f"a-rather-long-mailbox-name-{n}@conduct.example.org",
                         "audience": "public"})
        data["reporting"]["channels"] = many + data["reporting"]["channels"]
        data["reporting"]["recognise_responders"] = where * 3

    pages, size, text, largest = poster_facts(poster(write_plan(crowded), tmp_path))
    squashed = squash(text)
    assert (pages, size) == (1, A3)
    assert largest == "+442079460310"
    assert "Reportonline" + "summit.example.org/code-of-conduct/report" in squashed  # the QR codes are never the part left out
    assert "a-rather-long-mailbox-name-0@conduct.example.org" in squashed  # an address is wrapped, never cut
    assert "Mailbox5" not in squashed  # at most three other channels


@pytest.mark.slow
def test_a_poster_with_room_prints_the_plans_texts_whole(tmp_path, write_plan):
    where = ("Anyone with an orange lanyard, or ask at the registration desk, the cloakroom or the café on the ground "
             "floor to be taken to one: they will walk you to the quiet room.")

    def roomy(data):
        data["reporting"]["channels"][2]["where"] = where
    pages, _, text, _ = poster_facts(poster(write_plan(roomy), tmp_path))
    assert pages == 1 and squash(where) in squash(text)  # clamped to two lines only when the poster would not fit


@pytest.mark.slow
def test_the_logo_prints_on_the_poster_and_the_public_sheet(tmp_path, write_plan):
    png(tmp_path / "logo.png")

    def with_logo(data):
        data["event"]["logo"] = "logo.png"

    written = build_plan(write_plan(with_logo), tmp_path / "out", editions=["poster", "public"])
    files = {path.name: path for path in written}
    for name in ("poster.pdf", "public.pdf"):
        [page] = PdfReader(files[name]).pages
        assert [image.image.size for image in page.images] == [(120, 48)], name
    html = files["public.html"].read_text(encoding="utf-8")
    assert '<img class="public-logo" src="data:image/png;base64,' in html and 'alt="Logo of Riverside Open Source Summit 2027"' in html
    [page] = PdfReader(poster(EXAMPLE, tmp_path / "none")).pages
    assert len(page.images) == 0


def _logo_position(plan: Path) -> tuple[int, int]:
    lines = plan.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.strip().startswith("logo:"))
    return line, lines[line - 1].index("logo:") + len("logo: ") + 1


@pytest.mark.parametrize(("logo", "reason"), [
    ("https://example.org/logo.png", "never load anything from the network"),
    ("../outside/secret.png", "only files in the plan's folder"),
    ("escape.png", "only files in the plan's folder"),  # a symbolic link out of the folder
    ("missing.png", "there is no such file"),
    ("notes.png", "its content is not a PNG picture"),
    ("logo.svg", "only PNG, JPEG, GIF and WebP pictures"),
    ("pictures", "not a regular file"),
    ("bomb.png", "it is 12000 × 12000 pixels, more than a printed page needs"),  # 20 KB, 144 million pixels
    ("gigapixel.png", "more than a printed page needs"),  # past Pillow's own limit
    ("cut.png", "it cannot be read as a PNG picture"),
])
def test_a_logo_the_guides_may_not_use_is_an_error_at_its_value(tmp_path, write_plan, logo, reason):
    plans = tmp_path / "plans"
    outside = tmp_path / "outside"
    outside.mkdir()
    png(outside / "secret.png")
    (plans / "pictures").mkdir(parents=True)
    (plans / "escape.png").symlink_to(outside / "secret.png")
    (plans / "notes.png").write_text("not a picture", encoding="utf-8")
    (plans / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    Image.new("1", (12000, 12000)).save(plans / "bomb.png")
    Image.new("1", (20000, 20000)).save(plans / "gigapixel.png")
    (plans / "cut.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)

    def with_logo(data):
        data["event"]["logo"] = logo

    plan = write_plan(with_logo, folder=plans)
    [problem] = [p for p in check_plan(plan).problems if p.severity == "error"]
    assert (problem.file, problem.line, problem.column) == (str(plan), *_logo_position(plan))
    assert problem.message.startswith("the logo `") and reason in problem.message
    result = CliRunner().invoke(main, ["check", str(plan)])
    assert result.exit_code == 1
    assert f"{plan}:{problem.line}:{problem.column}: error: the logo" in result.output
    with pytest.raises(PlanError):
        build_plan(plan, tmp_path / "out", editions=["poster"])
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_leak_check_covers_the_poster(tmp_path, monkeypatch):
    copy = tmp_path / "templates"
    shutil.copytree(templates_dir(), copy)
    template = copy / "poster.html.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("</main>", "<p>Or ring Priya: 020 7946 0204</p></main>"),
                        encoding="utf-8")
    monkeypatch.setattr(html_module, "environment", lambda directory=None: REAL_ENVIRONMENT(copy))
    with pytest.raises(PlanError) as caught:
        build_plan(EXAMPLE, tmp_path / "out", editions=["poster"])
    [problem] = caught.value.problems
    assert "phone number (responder only)" in problem.message and "poster.pdf" in problem.message
    assert not (tmp_path / "out").exists()


def test_the_number_is_fitted_to_the_call_box_and_the_page_to_the_paper():
    from generator.render.styles import poster_css, poster_number_style

    def size(text: str, paper: str = "a4") -> int:
        return int(poster_number_style(text, paper, 78, 54).removeprefix("font-size: ").removesuffix("pt"))

    assert "size: A3" in poster_css("a4") and "size: 11in 17in" in poster_css("letter")
    assert size("020 7946 0300") == 78
    assert 54 < size("+55 11 91234-5678") < 78
    assert size("+55 11 91234-5678", "letter") < size("+55 11 91234-5678")  # tabloid is narrower than A3
    assert size("+1 (555) 555-0123 ext. 4567") == 54  # the smallest it gets; longer wraps


@pytest.mark.slow
def test_the_main_channels_note_and_an_in_person_channels_label_are_printed(tmp_path, write_plan):
    """"Read after the event; for anything urgent, find a Ranger" is part of what the e-mail channel is; on the cards,
    where to find a responder is said under that channel's own label, not run on from the e-mail address."""
    def email_first(data):
        channels = data["reporting"]["channels"]
        email = next(c for c in channels if c["kind"] == "email")
        email["note"] = "Read after the event; for anything urgent, find a Ranger."
        data["reporting"]["channels"] = [email, *(c for c in channels if c.get("kind") not in ("email", "phone", "sms"))]

    plan = write_plan(email_first)
    _, _, text, largest = poster_facts(poster(plan, tmp_path))
    assert "@" in largest and "Readaftertheevent;foranythingurgent,findaRanger." in squash(text)
    [cards] = build_plan(plan, tmp_path, editions=["cards"])
    in_person = next(c for c in yaml.safe_load(plan.read_text())["reporting"]["channels"] if c.get("where"))
    assert squash(in_person["label"] + ":") in squash(PdfReader(cards).pages[0].extract_text())
