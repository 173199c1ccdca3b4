"""Plans in 25 countries on every continent: every printed emergency number is one the phone-number
library accepts there, and each service in the country's data is named with its own number on the
cover (issue 27). HTML for all of them; the printed page 1 for a few."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from phonenumbers import shortnumberinfo

from generator.plan.emergency import usual_services
from generator.plan.load import load_text
from generator.plan.model import Audience, Service
from generator.plan.validate import validate
from generator.render.edition import make_edition
from generator.render.html import render_html

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
# Africa, Asia, Europe, North America, South America, Oceania; many with police and ambulance apart
COUNTRIES = ["EG", "MA", "ZA", "KE", "JP", "KR", "CN", "IN", "TH", "IL", "SG", "CH", "FR", "DE", "IT", "GB", "PL", "AT",
             "US", "MX", "BR", "CL", "AR", "AU", "NZ"]
LABELS = {Service.police: "Police", Service.ambulance: "Ambulance", Service.fire: "Fire"}


def plan_text(country: str) -> str:
    lines = ["    emergency_services:\n"]
    for number, services in usual_services(country):
        lines.append(f'      - {{number: "{number}", services: [{", ".join(s.value for s in services)}]}}\n')
    text = BASE.replace("    country: GB\n", f"    country: {country}\n").replace('    emergency_number: "999"\n', "".join(lines))
    return re.sub(r"phone: 020 7946 (\d{4})", r'phone: "+44 20 7946 \1"', text)


def label(services: list[Service]) -> str:
    if services == [Service.all]:
        return "Emergency"
    words = [LABELS[s] for s in services]
    return words[0] + "".join(f" and {w.lower()}" for w in words[1:])


def visible(html: str) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def test_the_countries_cover_every_continent_and_split_services():
    assert len(COUNTRIES) >= 20
    split = [c for c in COUNTRIES if not any(services == [Service.all] for _, services in usual_services(c))]
    assert {"JP", "EG", "MA", "KR", "BR", "CN"} <= set(split)


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_number_on_the_cover_is_real_and_named_by_service(country):
    plan = validate(load_text(plan_text(country), "plan.yaml"))
    html = render_html(make_edition(plan, Audience.volunteer))
    box = html[html.index('<section class="emergency"'):]
    box = box[:box.index("</section>")]
    dialled = re.findall(r'class="emergency-number" dir="ltr" href="tel:(\d+)"', html)
    assert dialled and all(shortnumberinfo.is_emergency_number(n, country) for n in dialled), dialled
    text = visible(box)
    for number, services in usual_services(country):
        if services == [Service.all]:
            assert re.search(rf"Emergency: [\d /]*\b{number}\b", text), (number, text)
        else:
            assert f"{label(services)}: {number}" in text, (label(services), number, text)
    footer = visible(html[html.rindex("<footer"):])
    for number, _services in usual_services(country):
        assert number in footer


def test_the_sentences_route_each_emergency_to_its_number():
    plan = validate(load_text(plan_text("JP"), "plan.yaml"))
    html = visible(render_html(make_edition(plan, Audience.volunteer)))
    assert "Violence, a threat, anyone in danger: police 110." in html
    assert "A medical emergency or a fire: 119." in html
    assert "emergency number first, then" not in html  # the one-number sentence is not used
    public = visible(render_html(make_edition(plan, Audience.public))).replace(" ;", ";")
    assert "call police 110; ambulance and fire 119 first, then tell us" in public


def test_the_locale_names_the_services():
    text = plan_text("JP").replace("  timezone: Europe/London\n", "  timezone: Asia/Tokyo\n  locale: ja-JP\n")
    html = visible(render_html(make_edition(validate(load_text(text, "plan.yaml")), Audience.volunteer)))
    assert "警察：110" in html and "救急・消防：119" in html


@pytest.mark.slow
@pytest.mark.parametrize("country, expected", [
    ("JP", ["Police: 110", "Ambulance and fire: 119"]),
    ("EG", ["Police: 122", "Ambulance: 123", "Fire: 180"]),
    ("CH", ["Emergency: 112", "Police: 117", "Ambulance: 144", "Fire: 118"]),
])
def test_page_one_of_the_printed_volunteer_guide_names_every_service(tmp_path, country, expected):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_text(country), encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "generator.cli", "build", str(plan), "-o", str(out), "--edition", "volunteer"],
                   check=True, capture_output=True, timeout=300, cwd=ROOT)
    [pdf] = list(out.rglob("volunteer.pdf"))
    page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    flat = " ".join(page1.split())
    for line in expected:
        assert line in flat, (line, flat[:600])
    assert "112" not in flat or country == "CH"


def test_a_number_for_everything_leads_and_the_services_own_numbers_follow_in_sentences():
    plan = validate(load_text(plan_text("CH"), "plan.yaml"))
    public = visible(render_html(make_edition(plan, Audience.public))).replace(" ;", ";").replace(" )", ")")
    assert "call 112 (police 117; ambulance 144; fire 118) first, then tell us" in public
    volunteer = render_html(make_edition(plan, Audience.volunteer))
    calls = re.findall(r'<p class="emergency-call( emergency-call-all)?">(.*?)</p>', volunteer)
    assert [bool(all_) for all_, _ in calls] == [True, False, False, False]
    assert [visible(text) for _, text in calls] == ["Emergency: 112", "Police: 117", "Ambulance: 144", "Fire: 118"]


@pytest.mark.slow
def test_every_printed_sheet_names_each_service_with_its_number(tmp_path):
    """Japan on the desk sheet, cards, poster, public sheet and drill kit: 110 for the police, 119 for the rest."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_text("JP"), encoding="utf-8")
    out = tmp_path / "out"
    editions = ["desk", "cards", "poster", "public", "drill"]
    subprocess.run([sys.executable, "-m", "generator.cli", "build", str(plan), "-o", str(out),
                    *[arg for name in editions for arg in ("--edition", name)]], check=True, capture_output=True, timeout=600, cwd=ROOT)
    for name in editions:
        [pdf] = list(out.rglob(f"{name}.pdf"))
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
        text = text.replace(" ;", ";")
        if name == "poster":  # its large numbers sit on their own lines, which pdftotext reads out of order
            assert all(word in text for word in ("police", "110", "ambulance and", "fire", "119")), text
        else:
            assert re.search(r"[Pp]olice:? 110", text) and re.search(r"[Aa]mbulance and fire:? 119", text), (name, text[:400])
        assert not re.search(r"(?<!\d)(112|911|999)(?!\d)", text), name


def test_each_note_on_an_emergency_number_is_printed_with_that_number():
    """A note on the ambulance number sits under it on the cover, and is said with its number on the public sheet."""
    text = plan_text("CH").replace('{number: "144", services: [ambulance]}',
                                   '{number: "144", services: [ambulance], when: "Medical emergencies and poisoning."}')
    text = text.replace('{number: "112", services: [all]}', '{number: "112", services: [all], when: "From any mobile phone."}')
    plan = validate(load_text(text, "plan.yaml"))
    cover = visible(render_html(make_edition(plan, Audience.volunteer)))
    assert "Emergency: 112 From any mobile phone. Police: 117 Ambulance: 144 Medical emergencies and poisoning. Fire: 118" in cover
    public = visible(render_html(make_edition(plan, Audience.public))).replace(" :", ":")
    assert "112: From any mobile phone." in public and "144: Medical emergencies and poisoning." in public
