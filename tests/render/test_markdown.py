"""Prose is Markdown, sanitized to a small allowlist: nothing in a plan can run or fetch."""

import pytest

from generator.assets import RefusedResource
from generator.errors import BuildError
from generator.render.markdown import to_html, to_inline_html


def test_markdown_becomes_html():
    html = to_html("Call **999** first.\n\n- one\n- two")
    assert "<strong>999</strong>" in html
    assert "<ul>" in html and "<li>one</li>" in html


def test_inline_drops_the_paragraph_around_one_paragraph():
    assert to_inline_html("Call **999** now.") == "Call <strong>999</strong> now."
    assert to_inline_html("one\n\ntwo").startswith("<p>")


@pytest.mark.parametrize("hostile, gone", [
    ("<script>alert(1)</script>", ["<script", "alert(1)"]),
    ("<style>body{display:none}</style>", ["<style", "display:none"]),
    ('<iframe src="https://evil.example/"></iframe>', ["<iframe", "evil.example"]),
    ('<object data="x.swf"></object><embed src="x.swf">', ["<object", "<embed"]),
    ('<link rel="attachment" href="/etc/passwd">', ["<link", "/etc/passwd"]),
    ('<form action="https://evil.example/"><input name=q></form>', ["<form", "<input", "evil.example"]),
    ('<a href="javascript:alert(1)">x</a>', ["javascript:"]),
    ("[x](javascript:alert(1))", ["javascript:"]),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', ["data:", "<script"]),
    ('<img src="x.png" alt="a map" onerror="alert(1)">', ["onerror", "alert(1)"]),
    ('<p onclick="alert(1)" style="color:red">x</p>', ["onclick", "style="]),
    ('<a href="https://example.org/" rel="attachment">x</a>', ["attachment"]),
    ('<svg><image href="file:///etc/passwd"/></svg>', ["<svg", "/etc/passwd"]),
    ("<base href='https://evil.example/'>", ["<base", "evil.example"]),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', ["<meta", "evil.example"]),
])
def test_hostile_html_is_removed(hostile, gone):
    html = to_html(f"Before {hostile} after")
    for text in gone:
        assert text not in html
    assert "Before" in html and "after" in html


def test_safe_links_stay_with_noopener():
    html = to_html("[code](https://example.org/coc) [mail](mailto:a@example.org) [call](tel:+442079460000)")
    assert 'href="https://example.org/coc"' in html
    assert 'href="mailto:a@example.org"' in html
    assert 'href="tel:+442079460000"' in html
    assert 'rel="noopener noreferrer"' in html


def test_template_syntax_is_text():
    assert "{{ 7*7 }}" in to_html("{{ 7*7 }} {% raw %}")
    assert "49" not in to_html("{{ 7*7 }}")


def test_pictures_go_through_the_image_source():
    seen = []

    def source(src):
        seen.append(src)
        return "data:image/png;base64,AAAA"

    html = to_html("![the quiet room](maps/room.png)", source)
    assert seen == ["maps/room.png"]
    assert 'src="data:image/png;base64,AAAA"' in html and 'alt="the quiet room"' in html


def test_a_refused_picture_fails_loudly():
    def refuse(src):
        raise RefusedResource(src, "not allowed")

    with pytest.raises(RefusedResource, match="http://127.0.0.1:9/x.png"):
        to_html("![x](http://127.0.0.1:9/x.png)", refuse)


def test_odd_picture_schemes_are_dropped():
    html = to_html('<img src="javascript:alert(1)" alt="x"> <img src="ftp://example.org/x.png" alt="y">')
    assert "javascript:" not in html and "ftp:" not in html


@pytest.mark.parametrize("text", ["![](room.png)", '<img src="room.png">', '<img src="room.png" alt=" ">'])
def test_a_picture_needs_a_description(text):
    with pytest.raises(BuildError, match="room.png` needs a description"):
        to_html(text)


def test_one_converter_and_a_cache_by_text():
    from generator.render import markdown

    text = "A *repeated* paragraph that several editions show."
    first = to_html(text)
    converter = markdown._converter
    before = markdown.convert.cache_info()
    assert to_html(text) == first
    after = markdown.convert.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses
    # a different text after a cached one: the reset converter keeps nothing from the last use
    to_html("[x]: https://example.org/one\n\nSee [x].")
    assert str(to_html("See [x].")) == "<p>See [x].</p>"
    assert markdown._converter is converter


def test_a_span_may_say_its_language_and_direction_and_nothing_else():
    html = str(to_inline_html('担当は<span lang="ja">今井</span>、<bdi dir="ltr">+20 2 2345 6789</bdi>'))
    assert html == '担当は<span lang="ja">今井</span>、<bdi dir="ltr">+20 2 2345 6789</bdi>'
    hostile = str(to_inline_html('<span lang="ja&quot; onclick=x" dir="sideways" style="color:red" class="c">x</span>'))
    assert hostile == "<span>x</span>"
