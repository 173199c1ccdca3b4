"""Message ids alone: each English default is written once, in the source catalog, and every call names an id it holds."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from generator import messages
from generator.messages import UnknownMessage, english_messages, read_translations, source_path
from generator.render import catalogs
from generator.render.locale import Localizer

ROOT = Path(__file__).resolve().parents[1]


def test_no_message_id_has_two_english_texts_anywhere():
    """The templates, the package and the source catalog: one English text per id (the calls pass none at all)."""
    texts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    source = source_path().read_text(encoding="utf-8")
    for context, msgid in re.findall(r'^msgctxt "(.*)"\nmsgid "(.*)"$', source, re.M):
        texts[context][msgid].append("templates/locale/messages.pot")
    for call in catalogs.calls():
        if call.english is not None:
            texts[call.ident][call.english].append(call.where)
    twice = {ident: dict(variants) for ident, variants in texts.items() if len(variants) > 1}
    assert not twice, f"message ids with two English texts: {twice}"
    counted = Counter(re.findall(r'^msgctxt "(.*)"$', source, re.M))
    assert not [ident for ident, count in counted.items() if count > 1], "an id written twice in messages.pot"


def test_every_call_names_a_known_id_and_passes_no_english():
    found = catalogs.calls()
    assert len(found) > 400  # the scanner sees the templates and the package
    assert catalogs.problems(found, catalogs.read_source()) == []


def test_every_id_in_the_source_catalog_is_used():
    used = {call.ident for call in catalogs.calls()}
    assert set(english_messages()) == used


@pytest.mark.slow  # runs Babel's extractors over the whole tree
def test_the_scanner_finds_every_call_babel_finds():
    """catalogs.calls() against Babel's own extractors (jinja2's parser for the templates): the same ids in each file."""
    keywords = {name: (1,) for name in catalogs.FUNCTIONS}
    theirs: Counter[tuple[str, str]] = Counter()
    for folder, method, prefix in ((ROOT / "templates", "jinja2", "templates"), (ROOT / "generator", "python", "generator")):
        pattern = "**.j2" if method == "jinja2" else "**.py"
        options = {pattern: {"trim_blocks": "true", "lstrip_blocks": "true", "extensions": ""}}
        for filename, _line, message, _comments, _context in extract_from_dir(str(folder), method_map=[(pattern, method)],
                                                                               keywords=keywords, options_map=options):
            # Babel also takes docstrings after a `def text(` for messages: only ids count
            if isinstance(message, str) and re.fullmatch(r"[a-z][a-z0-9-]*(\.[a-z0-9-]+)+", message):
                theirs[(f"{prefix}/{filename}", message)] += 1
    mine = Counter((call.path, call.ident) for call in catalogs.calls())
    assert mine == theirs


def test_the_scanner_catches_an_english_default_in_a_template_and_in_python():
    template = '<p>{{ t("toc.title", "In this " "guide") }} {{ t("emergency.line", numbers=n) }}</p>\n{{ t("nope.new") }}'
    found = catalogs.template_calls("templates/x.html.j2", template)
    assert [(c.ident, c.english) for c in found] == [("toc.title", "In this guide"), ("emergency.line", None), ("nope.new", None)]
    assert template[:found[0].span[0]] + template[found[0].span[1]:] == \
        '<p>{{ t("toc.title") }} {{ t("emergency.line", numbers=n) }}</p>\n{{ t("nope.new") }}'
    python = 'é = "…" + loc.t("toc.title", "In this guide")\nx = loc.t(\n    "toc.title", "In this guide",\n    n=1)\n' \
             'y = loc.text("toc.title", other)\n'.encode()
    calls = catalogs.python_calls("generator/x.py", python)
    assert [(c.ident, c.english, c.positional, c.line) for c in calls] == [
        ("toc.title", "In this guide", False, 1), ("toc.title", "In this guide", False, 2), ("toc.title", None, True, 5)]
    for call in reversed(calls[:2]):  # ast counts columns in UTF-8 bytes: the spans are byte offsets
        python = python[:call.span[0]] + python[call.span[1]:]
    assert python.decode() == 'é = "…" + loc.t("toc.title")\nx = loc.t(\n    "toc.title",\n    n=1)\ny = loc.text("toc.title", other)\n'
    calls = [calls[0], calls[2]]
    wrong = catalogs.problems(found + calls, catalogs.read_source())
    assert wrong == [
        'templates/x.html.j2:1: t("toc.title", …) passes an English default; pass the id alone (the English is in '
        'templates/locale/messages.pot)',
        "templates/x.html.j2:2: message id `nope.new` is not in templates/locale/messages.pot; add it there with its English text",
        'generator/x.py:1: t("toc.title", …) passes an English default; pass the id alone (the English is in '
        'templates/locale/messages.pot)',
        'generator/x.py:5: t("toc.title", …) has a second positional argument; values go by name',
    ]


def test_a_call_with_an_unknown_id_or_an_english_default_is_a_bug_at_run_time():
    loc = Localizer("en-GB")
    assert loc.t("toc.title") == english_messages()["toc.title"]
    with pytest.raises(UnknownMessage, match="no.such-id"):
        loc.t("no.such-id")
    with pytest.raises(TypeError):
        loc.t("toc.title", "In this guide")  # type: ignore[call-arg]


def _po(path: Path, language: str, entries: list[tuple[str, str, str, bool]]) -> None:
    catalog = Catalog(locale=language)
    for context, english, translation, fuzzy in entries:
        catalog.add(english, translation, context=context, flags=["fuzzy"] if fuzzy else [])
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_only_translations_of_the_current_english_count(tmp_path):
    path = tmp_path / "messages.po"
    _po(path, "de", [("a.same", "Same", "Gleich", False), ("a.changed", "Old text", "Alter Text", False),
                     ("a.fuzzy", "Checked", "Geprüft", True)])
    source = {"a.same": "Same", "a.changed": "New text", "a.fuzzy": "Checked"}
    assert read_translations(path, "de", source) == {"a.same": "Gleich"}


def test_changed_english_keeps_the_old_translation_flagged_fuzzy(tmp_path, monkeypatch):
    path = tmp_path / "messages.po"
    _po(path, "fr", [("a.same", "Same", "Pareil", False), ("a.changed", "Old text", "Ancien texte", False)])
    monkeypatch.setattr(catalogs, "catalog_path", lambda language: path)
    source = Catalog()
    source.add("Same", context="a.same")
    source.add("New text", context="a.changed")
    source.add("Brand new", context="a.new")
    updated = {str(m.context): m for m in catalogs.updated(source, "fr") if m.id}
    assert (updated["a.same"].string, updated["a.same"].fuzzy) == ("Pareil", False)
    changed = updated["a.changed"]
    assert (changed.id, changed.string, changed.fuzzy, changed.previous_id) == ("New text", "Ancien texte", True, ["Old text"])
    assert (updated["a.new"].string or "", updated["a.new"].fuzzy) == ("", False)
    written = catalogs._po_bytes(catalogs.updated(source, "fr")).decode()
    assert '#, fuzzy\n#| msgid "Old text"\nmsgctxt "a.changed"\nmsgid "New text"\nmsgstr "Ancien texte"' in written
    path.write_text(written, encoding="utf-8")  # a second run keeps the flag and the English it was translated from
    assert catalogs._po_bytes(catalogs.updated(source, "fr")).decode() == written
    source.get("New text", context="a.changed").id = "Newer text"  # changed again before anyone checked it
    again = {str(m.context): m for m in catalogs.updated(source, "fr") if m.id}
    assert (again["a.changed"].string, again["a.changed"].fuzzy, again["a.changed"].previous_id) == ("Ancien texte", True, ["Old text"])
    assert read_translations(path, "fr", {"a.same": "Same", "a.changed": "New text"}) == {"a.same": "Pareil"}


def test_one_source_updates_every_language_apart(tmp_path, monkeypatch):
    """Babel's update adopts the source's message objects: one language's old translation must not reach the next."""
    paths = {"fr": tmp_path / "fr.po", "de": tmp_path / "de.po"}
    _po(paths["fr"], "fr", [("a.changed", "Old text", "Ancien texte", False)])
    _po(paths["de"], "de", [("a.changed", "Old text", "Alter Text", False)])
    monkeypatch.setattr(catalogs, "catalog_path", lambda language: paths[language])
    source = Catalog()
    source.add("New text", context="a.changed")
    strings = {language: [m.string for m in catalogs.updated(source, language) if m.id] for language in ("fr", "de")}
    assert strings == {"fr": ["Ancien texte"], "de": ["Alter Text"]}
    assert [m.string or "" for m in source if m.id] == [""]


def test_every_edition_title_is_a_message():
    from generator.render.edition import EDITIONS

    assert all(spec.title in english_messages() for spec in EDITIONS.values())
    assert english_messages()[EDITIONS["volunteer"].title] == "Volunteer guide"


def test_messages_module_imports_nothing_from_the_plan_or_the_renderer():
    source = Path(messages.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^\s*from \.(plan|render)|^\s*import generator\.(plan|render)", source, re.M)
