import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from playwright.sync_api import expect

from generator.render.seal import SealError, check_passphrase, padded_size, seal_html, unseal_html

from browser import run_axe

PASSPHRASE = "correct horse battery staple"
TITLE = "Responder guide (sealed)"
FIXTURE_V1 = Path(__file__).resolve().parents[1] / "fixtures" / "sealed" / "sealed-v1.html"

GUIDE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Guide for responders</title>
<style>h1 { color: rgb(170, 20, 60); } .phone { font-weight: 700; }</style>
</head>
<body>
<main>
<h1>PLAINTEXT-MARKER Responder guide</h1>
<p>Call Ana Example on <span class="phone">SECRET-PHONE +1 555 0100</span> first.</p>
</main>
</body>
</html>
"""
MARKERS = ["PLAINTEXT-MARKER", "SECRET-PHONE", "Ana Example", "Guide for responders"]

# The committed v1 fixture was sealed from exactly this text; it must keep opening.
FIXTURE_V1_GUIDE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Responder guide (fixture v1)</title>
<style>h1 { color: rgb(0, 90, 40); }</style>
</head>
<body>
<main>
<h1>Fixture v1 responder guide</h1>
<p>Fixture marker: call the on-call responder first.</p>
</main>
</body>
</html>
"""

WRONG = "That passphrase did not open this guide"
DAMAGED = "This sealed guide is damaged"
NO_CRYPTO = "This browser cannot decrypt here: open the file directly from disk or over https"


def sealed_params(page_html: str) -> dict:
    match = re.search(r'<script type="application/json" id="sealed">(.*?)</script>', page_html, re.S)
    return json.loads(match.group(1))


def replace_params(page_html: str, **changes) -> str:
    params = sealed_params(page_html) | changes
    return re.sub(
        r'(<script type="application/json" id="sealed">).*?(</script>)',
        lambda m: m.group(1) + json.dumps(params) + m.group(2),
        page_html,
        flags=re.S,
    )


def flip_ciphertext_byte(page_html: str) -> str:
    data = bytearray(base64.b64decode(sealed_params(page_html)["ciphertext"]))
    data[len(data) // 2] ^= 0x01
    return replace_params(page_html, ciphertext=base64.b64encode(bytes(data)).decode())


@pytest.fixture(scope="module")
def sealed_page() -> str:
    """One page sealed at the real default iteration count, shared by the tests that only read it."""
    return seal_html(GUIDE, PASSPHRASE, title=TITLE)


# ---------------------------------------------------------------- Python side


def test_round_trip(sealed_page):
    assert unseal_html(sealed_page, PASSPHRASE) == GUIDE


def test_stored_parameters_decrypt_with_plain_cryptography(sealed_page):
    p = sealed_params(sealed_page)
    assert (p["version"], p["kdf"], p["hash"], p["cipher"]) == (1, "PBKDF2", "SHA-256", "AES-GCM")
    assert p["iterations"] >= 600_000
    salt, iv = base64.b64decode(p["salt"]), base64.b64decode(p["iv"])
    assert (len(salt), len(iv)) == (16, 12)
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=p["iterations"])
    key = kdf.derive(PASSPHRASE.encode())
    plain = AESGCM(key).decrypt(iv, base64.b64decode(p["ciphertext"]), None)
    assert plain.decode().rstrip(" ") == GUIDE  # the guide, then spaces up to its size bucket
    assert len(plain) == padded_size(len(GUIDE.encode()))


def test_page_holds_no_plaintext_and_fetches_nothing(sealed_page):
    for marker in MARKERS:
        assert marker not in sealed_page
    assert f"<title>{TITLE}</title>" in sealed_page
    # Self-contained: nothing that could load another file or host.
    assert not re.search(r"\b(src|href|action|srcset)\s*=", sealed_page, re.I)
    assert "url(" not in sealed_page and "@import" not in sealed_page


def test_csp_allows_exactly_the_unlock_script(sealed_page):
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', sealed_page).group(1)
    assert "default-src 'none'" in csp
    scripts = re.findall(r"<script>(.*?)</script>", sealed_page, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert script_src == f"'sha256-{digest}'"
    assert "unsafe" not in script_src


def test_two_seals_of_the_same_input_differ():
    a = sealed_params(seal_html(GUIDE, PASSPHRASE, title=TITLE, iterations=1000))
    b = sealed_params(seal_html(GUIDE, PASSPHRASE, title=TITLE, iterations=1000))
    assert a["salt"] != b["salt"]
    assert a["iv"] != b["iv"]
    assert a["ciphertext"] != b["ciphertext"]


def test_default_iterations_and_raised_count_still_opens():
    raised = seal_html(GUIDE, PASSPHRASE, title=TITLE, iterations=700_000)
    assert sealed_params(raised)["iterations"] == 700_000
    assert unseal_html(raised, PASSPHRASE) == GUIDE


def test_title_and_lang_are_escaped():
    page = seal_html(GUIDE, PASSPHRASE, title='Guide <b>&</b> "x"', lang='de"><x', iterations=1000)
    assert "<title>Guide &lt;b&gt;&amp;&lt;/b&gt; &#34;x&#34;</title>" in page  # autoescape's (markupsafe's) spelling
    assert '<html lang="de&#34;&gt;&lt;x" dir="ltr">' in page


@pytest.mark.parametrize("short", ["", "hunter2", "elevenchars"])
def test_short_passphrase_refused(short):
    with pytest.raises(SealError, match="at least 12 characters"):
        check_passphrase(short)
    with pytest.raises(SealError, match="at least 12 characters"):
        seal_html(GUIDE, short, title=TITLE)


def test_twelve_characters_accepted():
    check_passphrase("twelve chars")


@pytest.mark.parametrize("weak", ["a" * 12, "password1234", "qwertyuiop12", "abcabcabcabcabc"])
def test_easily_guessed_passphrase_refused_however_long(weak):
    with pytest.raises(SealError, match="too easy to guess"):
        check_passphrase(weak)


def test_passphrase_is_unicode_normalised():
    composed, decomposed = "caf\u00e9 au lait matin", "cafe\u0301 au lait matin"
    page = seal_html(GUIDE, composed, title=TITLE, iterations=1000)
    assert unseal_html(page, decomposed) == GUIDE


def test_seal_error_is_a_build_error():
    from generator.errors import BuildError

    assert issubclass(SealError, BuildError)


def test_wrong_passphrase_raises(sealed_page):
    with pytest.raises(SealError, match=WRONG):
        unseal_html(sealed_page, "not the passphrase at all")


def _drop_data_block(page_html: str) -> str:
    return page_html.replace('id="sealed"', 'id="other"')


def _break_json(page_html: str) -> str:
    return page_html.replace('{"version"', '{"version" oops')


@pytest.mark.parametrize(
    "damage, message",
    [
        (flip_ciphertext_byte, WRONG),  # GCM cannot tell a wrong key from altered bytes
        (lambda s: replace_params(s, ciphertext="@@not base64@@"), DAMAGED),
        (lambda s: replace_params(s, salt=base64.b64encode(b"short").decode()), DAMAGED),
        (lambda s: replace_params(s, version=2), DAMAGED),
        (lambda s: replace_params(s, kdf="scrypt"), DAMAGED),
        (lambda s: replace_params(s, iterations=10**12), DAMAGED),
        (lambda s: replace_params(s, iterations="600000"), DAMAGED),
        (_break_json, DAMAGED),
        (_drop_data_block, DAMAGED),
    ],
)
def test_damaged_page_raises(damage, message):
    page = seal_html(GUIDE, PASSPHRASE, title=TITLE, iterations=1000)
    with pytest.raises(SealError, match=message):
        unseal_html(damage(page), PASSPHRASE)


def test_committed_v1_fixture_opens():
    assert unseal_html(FIXTURE_V1.read_text(encoding="utf-8"), PASSPHRASE) == FIXTURE_V1_GUIDE


# ---------------------------------------------------------------- in Chromium


class Tab:
    """A page in a fresh context that records console errors and uncaught exceptions."""

    def __init__(self, browser, **context_options):
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def open(self, tmp_path, page_html, name="guide.html"):
        path = tmp_path / name
        path.write_text(page_html, encoding="utf-8")
        self.page.goto(path.as_uri())
        return path

    def unlock(self, passphrase, keep=False):
        if keep:
            self.page.get_by_label("Keep unlocked in this tab").check()
        field = self.page.get_by_label("Passphrase")
        field.fill(passphrase)
        field.press("Enter")  # keyboard submit

    def alert(self):
        return self.page.get_by_role("alert")


@pytest.fixture
def tab(browser):
    tab = Tab(browser)
    yield tab
    tab.context.close()


def test_right_passphrase_shows_styled_guide(tab, tmp_path, sealed_page):
    tab.open(tmp_path, sealed_page)
    assert tab.page.title() == TITLE
    tab.unlock(PASSPHRASE)
    heading = tab.page.get_by_role("heading", level=1)
    expect(heading).to_have_text("PLAINTEXT-MARKER Responder guide")
    expect(tab.page.get_by_text("SECRET-PHONE +1 555 0100")).to_be_visible()
    # The guide's own inline <style> applies under the sealed page's CSP.
    assert heading.evaluate("h => getComputedStyle(h).color") == "rgb(170, 20, 60)"
    assert tab.page.locator(".phone").evaluate("e => getComputedStyle(e).fontWeight") == "700"
    assert tab.page.title() == "Guide for responders"
    expect(tab.page.locator("form")).to_have_count(0)
    assert tab.page.evaluate("sessionStorage.length") == 0
    assert tab.page.evaluate("localStorage.length") == 0
    assert tab.errors == []


def test_wrong_passphrase_shows_alert_and_no_plaintext(tab, tmp_path, sealed_page):
    path = tab.open(tmp_path, sealed_page)
    tab.unlock("not the passphrase at all")
    expect(tab.alert()).to_contain_text(WRONG)
    field = tab.page.get_by_label("Passphrase")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    content = tab.page.content()
    source = path.read_text(encoding="utf-8")
    for marker in MARKERS:
        assert marker not in content
        assert marker not in source
    # A second try with the right passphrase still works.
    tab.unlock(PASSPHRASE)
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("PLAINTEXT-MARKER Responder guide")
    assert tab.errors == []


def test_no_axe_violations_locked_and_unlocked(browser, tmp_path, sealed_page):
    tab = Tab(browser, bypass_csp=True)  # lets the injected axe script run
    try:
        tab.open(tmp_path, sealed_page)
        assert run_axe(tab.page) == []
        tab.unlock("not the passphrase at all")
        expect(tab.alert()).to_contain_text(WRONG)
        assert run_axe(tab.page) == []
        tab.unlock(PASSPHRASE)
        expect(tab.page.get_by_role("heading", level=1)).to_have_text("PLAINTEXT-MARKER Responder guide")
        assert run_axe(tab.page) == []
    finally:
        tab.context.close()


def test_locked_page_is_accessible_structure(tab, tmp_path, sealed_page):
    tab.open(tmp_path, sealed_page)
    page = tab.page
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("button", name="Unlock")).to_be_visible()
    expect(page.get_by_label("Passphrase")).to_have_attribute("type", "password")


STORED_KEYS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("incident-guide-sealed-keys", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("keys").objectStore("keys").getAll();
    all.onsuccess = () => resolve(all.result.map(e => ({type: e.key.type, extractable: e.key.extractable,
                                                         usages: e.key.usages, algorithm: e.key.algorithm.name})));
  };
})"""


def test_keep_unlocked_survives_reload_with_a_key_no_script_can_read(tab, tmp_path, sealed_page):
    tab.open(tmp_path, sealed_page)
    tab.unlock(PASSPHRASE, keep=True)
    heading = tab.page.get_by_role("heading", level=1)
    expect(heading).to_have_text("PLAINTEXT-MARKER Responder guide")
    tab.page.wait_for_function("sessionStorage.length > 0")
    stored = tab.page.evaluate("Object.values(sessionStorage)")
    assert len(stored) == 1 and PASSPHRASE not in stored[0]
    assert len(base64.b64decode(stored[0])) == 16  # only a random name, no key material
    keys = tab.page.evaluate(STORED_KEYS)
    assert keys == [{"type": "secret", "extractable": False, "usages": ["decrypt"], "algorithm": "AES-GCM"}]
    assert tab.page.evaluate("""() => new Promise(resolve => {
      const open = indexedDB.open("incident-guide-sealed-keys", 1);
      open.onsuccess = () => {
        const all = open.result.transaction("keys").objectStore("keys").getAll();
        all.onsuccess = () => crypto.subtle.exportKey("raw", all.result[0].key).then(() => resolve("exported"), e => resolve(e.name));
      };
    })""") == "InvalidAccessError"  # another script in this origin cannot read the key out
    assert tab.page.evaluate("localStorage.length") == 0
    assert tab.context.cookies() == []

    tab.page.reload()
    expect(heading).to_have_text("PLAINTEXT-MARKER Responder guide")
    expect(tab.page.locator("h1")).to_have_count(1)  # the guide replaced the lock page
    expect(tab.page.locator("form")).to_have_count(0)
    expect(heading).to_have_css("color", "rgb(170, 20, 60)")
    assert tab.page.evaluate("localStorage.length") == 0
    assert tab.errors == []


def test_without_keep_a_reload_locks_again(tab, tmp_path, sealed_page):
    tab.open(tmp_path, sealed_page)
    tab.unlock(PASSPHRASE)
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("PLAINTEXT-MARKER Responder guide")
    tab.page.reload()
    expect(tab.page.get_by_label("Passphrase")).to_be_visible()
    assert "PLAINTEXT-MARKER" not in tab.page.content()


def test_altered_ciphertext_fails_in_browser(tab, tmp_path):
    page = seal_html(GUIDE, PASSPHRASE, title=TITLE, iterations=1000)
    tab.open(tmp_path, flip_ciphertext_byte(page))
    tab.unlock(PASSPHRASE)
    expect(tab.alert()).to_contain_text(WRONG)
    expect(tab.alert()).to_contain_text("damaged")
    assert "PLAINTEXT-MARKER" not in tab.page.content()
    assert tab.errors == []


@pytest.mark.parametrize("damage", [_break_json, lambda s: replace_params(s, iv="!!")])
def test_damaged_parameters_announced_in_browser(tab, tmp_path, damage):
    page = seal_html(GUIDE, PASSPHRASE, title=TITLE, iterations=1000)
    tab.open(tmp_path, damage(page))
    expect(tab.alert()).to_contain_text(DAMAGED)
    tab.unlock(PASSPHRASE)
    expect(tab.alert()).to_contain_text(DAMAGED)
    assert tab.errors == []


def test_no_webcrypto_over_plain_http(tab, sealed_page):
    # http:// on a host other than localhost is not a secure context, so crypto.subtle is missing.
    url = "http://guide.example.test/guide.html"
    tab.page.route(url, lambda route: route.fulfill(body=sealed_page, content_type="text/html"))
    tab.page.goto(url)
    assert tab.page.evaluate("window.isSecureContext") is False
    expect(tab.alert()).to_contain_text(NO_CRYPTO)
    tab.unlock(PASSPHRASE)
    expect(tab.alert()).to_contain_text(NO_CRYPTO)
    assert tab.errors == []


def test_committed_v1_fixture_opens_in_browser(tab):
    tab.page.goto(FIXTURE_V1.as_uri())
    tab.unlock(PASSPHRASE)
    heading = tab.page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Fixture v1 responder guide")
    assert heading.evaluate("h => getComputedStyle(h).color") == "rgb(0, 90, 40)"
    assert tab.errors == []
