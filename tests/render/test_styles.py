"""The print stylesheets: print.css for every PDF, each edition's own after it, no rule that styles nothing."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import cssselect2
import pytest
import tinycss2
import tinyhtml5

from generator.assets import AssetPolicy
from generator.build import checked_plan
from generator.paths import templates_dir
from generator.render.edition import EDITIONS, make_edition
from generator.render.html import render_html

PLANS = sorted((Path(__file__).parents[2] / "plans").glob("*.yaml"))
CSS = templates_dir() / "css"
PRINTED = [spec for spec in EDITIONS.values() if "pdf" in spec.formats]


@cache
def print_pages(name: str) -> tuple[cssselect2.ElementWrapper, ...]:
    """The print HTML of edition `name` for every example plan that has it, and the first in Arabic (right to left)."""
    pages = []
    plans = [(path, checked_plan(path).plan) for path in PLANS]
    first = plans[0][1]
    plans.append((PLANS[0], first.model_copy(update={"event": first.event.model_copy(update={"locale": "ar-EG"})})))
    for path, plan in plans:
        spec = EDITIONS[name].for_plan(plan)
        if not spec.exists_for(plan):
            continue
        html = render_html(make_edition(plan, spec.audience, spec.name), medium="print", template=spec.template,
                           policy=AssetPolicy(path.parent, templates_dir()))
        pages.append(cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(html, namespace_html_elements=False)))
    return tuple(pages)


def selectors(sheet: str) -> list[str]:
    rules = tinycss2.parse_stylesheet((CSS / sheet).read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True)
    return [tinycss2.serialize(rule.prelude).strip() for rule in rules if rule.type == "qualified-rule"]


def styles_something(selector: str, names: list[str]) -> bool:
    compiled = cssselect2.compile_selector_list(re.sub(r"::(after|before)", "", selector))
    return any(part.test(element) for name in names for page in print_pages(name)
               for element in page.iter_subtree() for part in compiled)


def test_every_printed_edition_names_its_own_stylesheets_and_they_exist():
    for spec in PRINTED:
        assert spec.print_css, spec.name
        for sheet in (*spec.print_css, *spec.fit_css):
            assert (CSS / sheet).is_file(), sheet
            assert sheet not in ("base.css", "print.css"), "the common sheets come first for every edition anyway"
            assert sheet.startswith("print-"), "a print worker parses templates/css/print-*.css before it knows the editions"


@pytest.mark.slow  # lays the editions out with WeasyPrint
@pytest.mark.parametrize("sheet", sorted({sheet for spec in PRINTED for sheet in (*spec.print_css, *spec.fit_css)}))
def test_an_edition_stylesheet_holds_only_rules_its_editions_use(sheet):
    names = [spec.name for spec in PRINTED if sheet in (*spec.print_css, *spec.fit_css)]
    unused = [selector for selector in selectors(sheet) if not styles_something(selector, names)]
    assert unused == [], f"{sheet}: these rules style nothing in {', '.join(names)} of any example plan"


@pytest.mark.slow  # lays every edition out with WeasyPrint, ~10 s
def test_print_css_holds_only_rules_some_edition_uses():
    names = [spec.name for spec in PRINTED]
    unused = [selector for selector in selectors("print.css") if not styles_something(selector, names)]
    assert unused == []


@pytest.mark.slow  # lays the editions out with WeasyPrint
def test_print_css_holds_only_what_editions_with_different_stylesheets_share():
    """A rule that only the editions of one print-EDITION.css use belongs in that sheet."""
    own = {sheet: {spec.name for spec in PRINTED if sheet in spec.print_css}
           for spec in PRINTED for sheet in spec.print_css}
    misplaced = []
    for selector in selectors("print.css"):
        users = {spec.name for spec in PRINTED if styles_something(selector, [spec.name])}
        homes = [sheet for sheet, names in own.items() if users <= names]
        if homes:
            misplaced.append(f"{selector} -> {homes[0]}")
    assert misplaced == []
