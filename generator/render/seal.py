"""Seal the private responder guide: one offline HTML page that decrypts itself in the browser.

The guide is encrypted with AES-256-GCM under a key derived from a passphrase with
PBKDF2-HMAC-SHA256. Every parameter needed to decrypt is stored in the page, so a
guide sealed today still opens after the default iteration count is raised.

Page format (version 1): a `<script type="application/json" id="sealed">` block holding
    {"version": 1, "kdf": "PBKDF2", "hash": "SHA-256", "iterations": 600000,
     "cipher": "AES-GCM", "salt": b64(16 bytes), "iv": b64(12 bytes),
     "ciphertext": b64(ciphertext followed by the 16-byte GCM tag)}
base64 is standard with padding; the passphrase is NFC-normalised and UTF-8 encoded.
The plaintext is the guide's UTF-8 HTML followed by spaces up to a Padmé size bucket
(at most 12% more), so the file does not give away the guide's exact length; the
spaces after `</html>` change nothing when the page is shown.

"Keep unlocked in this tab" keeps a non-extractable AES key (a CryptoKey object in
IndexedDB, under a random name that only this tab's sessionStorage knows), never key
bytes a script could read back. The lock screen shows the public `notice` given by
the caller (event name, emergency number, public hotline): nothing above public.

The private PDF is sealed with standard PDF encryption (AES-256, revision 6); its password
is the passphrase, NFC-normalised, as UTF-8. Readers do not agree on every password, so the
passphrase rule keeps to what they share (README: "Sealed PDFs and readers"):
- The PDF standard (ISO 32000-2, 7.6.4.3.3) uses the first 127 bytes; pdf.js (Firefox),
  MuPDF and qpdf cut what is typed there, PDFium (Chromium) and qpdf's own encryption do
  not, so a PDF sealed with a longer password opens in some and not in others: a passphrase
  is at most 127 bytes.
- The standard prepares a password with SASLprep (Acrobat does; pdf.js, PDFium, MuPDF and
  qpdf do not): a passphrase that SASLprep would change (a ligature, full-width letters,
  a no-break space) is refused, so every reader sees the same bytes.
- Poppler's command-line tools (pdftotext, pdfinfo) read a password into a 33-byte buffer:
  they cannot open a PDF sealed with a passphrase of more than 32 bytes. The build says
  so (PDF_READER_NOTE); poppler's viewers (Evince, Okular) are not limited this way.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import json
import os
import re
import unicodedata
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from ..errors import BuildError
from .locale import RTL_LANGUAGES, Localizer

FORMAT_VERSION = 1
DEFAULT_ITERATIONS = 600_000
# A damaged or hostile file must not make the browser spin for hours.
MAX_ITERATIONS = 100_000_000
MIN_PASSPHRASE_LENGTH = 12
# zxcvbn's score 3 is "safely unguessable": about 10^10 guesses, moderate protection against offline attack
MIN_PASSPHRASE_SCORE = 3
ZXCVBN_MAX_LENGTH = 72
SALT_BYTES = 16
IV_BYTES = 12
TAG_BYTES = 16

WRONG_PASSPHRASE = "That passphrase did not open this guide. Check it and try again."
DAMAGED = "This sealed guide is damaged and cannot be opened. Ask for a fresh copy."


class SealError(BuildError):
    """A guide could not be sealed or unsealed; the message is meant for the person at the keyboard."""


# The PDF standard uses at most this many bytes of a password (ISO 32000-2, 7.6.4.3.3, revision 6), PDFium all of them
MAX_PASSPHRASE_BYTES = 127
# Poppler's command-line tools (pdftotext, pdfinfo, pdftoppm) read -upw into a 33-byte buffer: 32 bytes at most
POPPLER_TOOLS_PASSWORD_BYTES = 32
PDF_READER_NOTE = ("note: the passphrase is longer than 32 bytes, so poppler's command-line tools (pdftotext, pdfinfo) "
                   "cannot open the sealed PDFs in private/ (they cut a password at 32 bytes); PDF viewers such as Firefox, "
                   "Chromium, Evince, Okular and MuPDF open them with the whole passphrase")
# SASLprep (RFC 4013) maps these to nothing (RFC 3454 table B.1) and other spaces to a plain space (table C.1.2)
_SASL_NOTHING = re.compile("[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]")
_SASL_SPACE = re.compile("[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]")


def pdf_password(passphrase: str) -> str:
    """The passphrase as the sealed PDF's password: NFC-normalised (pikepdf writes it as UTF-8)."""
    return unicodedata.normalize("NFC", passphrase)


def readers_note(passphrase: str) -> str | None:
    """What to tell the user about readers that cannot open a PDF sealed with this passphrase, or None."""
    return PDF_READER_NOTE if len(pdf_password(passphrase).encode("utf-8")) > POPPLER_TOOLS_PASSWORD_BYTES else None


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase that is short or easy to guess (judged by zxcvbn's strength estimate), or that
    PDF readers would turn into different passwords (longer than 127 bytes, or changed by SASLprep)."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise SealError(
            f"The passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters long; "
            "a few unrelated words work well."
        )
    typed = unicodedata.normalize("NFC", passphrase)
    size = len(typed.encode("utf-8"))
    if size > MAX_PASSPHRASE_BYTES:
        raise SealError(f"The passphrase is {size} bytes long (UTF-8); PDF readers disagree about passwords longer than "
                        f"{MAX_PASSPHRASE_BYTES} bytes, so the sealed PDF would open in some and not in others. "
                        "Keep it shorter: four to eight words are plenty.")
    prepared = unicodedata.normalize("NFKC", _SASL_SPACE.sub(" ", _SASL_NOTHING.sub("", typed)))
    if prepared != typed:
        changed = sorted({char for char in typed if unicodedata.normalize("NFKC", char) != char or _SASL_NOTHING.match(char)
                          or _SASL_SPACE.match(char)})
        names = ", ".join(f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}" for char in changed)
        raise SealError(f"The passphrase holds characters that some PDF readers change before use ({names}), so it would open "
                        "the sealed PDF in some readers and not in others; type it with ordinary letters, digits and spaces.")
    from zxcvbn import zxcvbn  # only when sealing

    # zxcvbn slows down sharply on long input and refuses more than 72 characters (a ValueError from 4.5 on): 72 say enough
    estimate = zxcvbn(passphrase[:ZXCVBN_MAX_LENGTH])
    if estimate["score"] < MIN_PASSPHRASE_SCORE:
        feedback = estimate["feedback"]
        why = " ".join(part for part in [feedback.get("warning") or "", *feedback.get("suggestions", [])] if part)
        raise SealError("The passphrase is too easy to guess" + (f" ({why.rstrip('.')})" if why else "")
                        + "; four or more unrelated words work well.")


def padded_size(length: int) -> int:
    """Padmé: round `length` up so that only its top bits show (at most 12% more; Nikitin et al., 2019)."""
    if length < 2:
        return length
    exponent = length.bit_length() - 1
    low_bits = exponent - exponent.bit_length()
    mask = (1 << low_bits) - 1
    return (length + mask) & ~mask


def seal_pdf(pdf: bytes, passphrase: str) -> bytes:
    """The PDF encrypted with AES-256 (revision 6), its password the passphrase as pdf_password() makes it."""
    import io

    import pikepdf

    check_passphrase(passphrase)
    secret = pdf_password(passphrase)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.save(out, encryption=pikepdf.Encryption(user=secret, owner=secret, R=6, aes=True))
    return out.getvalue()


def is_sealed(name: str, content: bytes) -> bool:
    """Whether a private file holds nothing in clear: a page made by seal_html, or a PDF that needs a passphrase."""
    if name.endswith(".html"):
        return _DATA_RE.search(content.decode("utf-8", errors="replace")) is not None
    if not name.endswith(".pdf"):
        return False
    import io

    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(content)):
            return False
    except pikepdf.PasswordError:
        return True
    except pikepdf.PdfError:
        return False


def _derive_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def lock_screen_words(loc: Localizer | None = None) -> dict[str, str]:
    """The sealed page's own words (before unlocking), in the guide's locale."""
    loc = loc or Localizer("en-GB")
    return {
        "title": loc.text("seal.title"),
        "intro": loc.text("seal.intro"),
        "noscript": loc.text("seal.noscript"),
        "passphrase": loc.text("seal.passphrase"),
        "keep": loc.text("seal.keep"),
        "keep_hint": loc.text("seal.keep-hint"),
        "unlock": loc.text("seal.unlock"),
        "unlocking": loc.text("seal.unlocking"),
        "wrong": loc.text("seal.wrong"),
        "damaged": loc.text("seal.damaged"),
        "no_crypto": loc.text("seal.no-crypto"),
    }


def seal_html(
    html_text: str,
    passphrase: str,
    *,
    title: str | None = None,
    lang: str = "en",
    iterations: int = DEFAULT_ITERATIONS,
    words: dict[str, str] | None = None,
    notice: str = "",
    guide_scripts: Sequence[str] = (),
) -> str:
    """Return a self-contained HTML page that shows `html_text` once `passphrase` is entered.

    `title`, `words` (lock_screen_words) and `notice` (ready HTML, shown above the form) are
    the only readable text in the page: give them public information only. Lower
    `iterations` only in tests.
    """
    words = dict(words or lock_screen_words())
    title = title or words["title"]
    check_passphrase(passphrase)
    if not isinstance(iterations, int) or not 1 <= iterations <= MAX_ITERATIONS:
        raise SealError(f"iterations must be a whole number from 1 to {MAX_ITERATIONS}")
    salt = os.urandom(SALT_BYTES)
    iv = os.urandom(IV_BYTES)
    key = _derive_key(passphrase, salt, iterations)
    plaintext = html_text.encode("utf-8")
    plaintext += b" " * (padded_size(len(plaintext)) - len(plaintext))
    ciphertext = AESGCM(key).encrypt(iv, plaintext, None)
    params = {
        "version": FORMAT_VERSION,
        "kdf": "PBKDF2",
        "hash": "SHA-256",
        "iterations": iterations,
        "cipher": "AES-GCM",
        "salt": _b64(salt),
        "iv": _b64(iv),
        "ciphertext": _b64(ciphertext),
    }
    # Base64 and fixed names never contain "<", but keep the data block unbreakable anyway.
    data = json.dumps(params).replace("<", "\\u003c")
    script_hash = base64.b64encode(hashlib.sha256(_UNLOCK_SCRIPT.encode("utf-8")).digest()).decode()
    script_words = {name: words[name] for name in ("unlocking", "wrong", "damaged", "no_crypto")}
    return _PAGE.format(
        lang=html.escape(lang, quote=True),
        dir="rtl" if lang.split("-")[0] in RTL_LANGUAGES else "ltr",
        title=html.escape(title),
        words=json.dumps(script_words, ensure_ascii=False).replace("<", "\\u003c"),
        **{name: html.escape(words[name]) for name in ("intro", "noscript", "passphrase", "keep", "keep_hint", "unlock")},
        csp=_CSP.format(script_hash=script_hash, guide_scripts="".join(f" '{source}'" for source in guide_scripts)),
        style=_STYLE,
        notice=notice,
        data=data,
        script=_UNLOCK_SCRIPT,
    )


_DATA_RE = re.compile(r'<script type="application/json" id="sealed">(.*?)</script>', re.S)


def _read_params(sealed: str) -> tuple[bytes, bytes, bytes, int]:
    """Return (salt, iv, ciphertext, iterations) from a sealed page, or raise SealError(DAMAGED)."""
    match = _DATA_RE.search(sealed)
    if not match:
        raise SealError(DAMAGED)
    try:
        params = json.loads(match.group(1))
        salt = base64.b64decode(params["salt"], validate=True)
        iv = base64.b64decode(params["iv"], validate=True)
        ciphertext = base64.b64decode(params["ciphertext"], validate=True)
        iterations = params["iterations"]
        ok = (
            params["version"] == FORMAT_VERSION
            and params["kdf"] == "PBKDF2"
            and params["hash"] == "SHA-256"
            and params["cipher"] == "AES-GCM"
            and type(iterations) is int
            and 1 <= iterations <= MAX_ITERATIONS
            and len(salt) == SALT_BYTES
            and len(iv) == IV_BYTES
            and len(ciphertext) >= TAG_BYTES
        )
    except (ValueError, KeyError, TypeError, binascii.Error):
        ok = False
    if not ok:
        raise SealError(DAMAGED)
    return salt, iv, ciphertext, iterations


def unseal_html(sealed: str, passphrase: str) -> str:
    """Decrypt a page made by seal_html; raise SealError on a wrong passphrase or a damaged page."""
    salt, iv, ciphertext, iterations = _read_params(sealed)
    key = _derive_key(passphrase, salt, iterations)
    try:
        plaintext = AESGCM(key).decrypt(iv, ciphertext, None)
    except InvalidTag:
        # GCM cannot tell a wrong passphrase from altered bytes.
        raise SealError(WRONG_PASSPHRASE + " If you are sure it is right, the file is damaged.") from None
    return plaintext.decode("utf-8").rstrip(" ")  # the padding


# The unlocked guide is written into this same document (document.open/write), and it keeps this
# page's CSP (checked in Chromium: with a style hash only, the guide's <style> was blocked). So the
# guide's inline styles need style-src 'unsafe-inline'; per-style hashes would break on any style=""
# attribute the renderer emits. Scripts stay hash-only (a <script> inside the guide is blocked) and
# default-src 'none' blocks every request, so CSS can neither run code nor send anything anywhere.
# A sandboxed srcdoc iframe would inherit the same CSP and make printing and screen reading worse.
_CSP = (
    "default-src 'none'; script-src 'sha256-{script_hash}'{guide_scripts}; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

_STYLE = """
  body { font: 1.125rem/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; }
  main { max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }
  h1 { font-size: 1.75rem; line-height: 1.2; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input[type=password] { font: inherit; width: 100%; box-sizing: border-box; padding: .5rem;
    border: 2px solid #555; border-radius: 4px; }
  .keep { display: flex; gap: .5rem; align-items: center; margin-top: 1rem; }
  .keep label { display: inline; font-weight: normal; margin: 0; }
  .keep input { width: 1.25rem; height: 1.25rem; }
  button { font: inherit; margin-top: 1.25rem; padding: .5rem 1.25rem; border: 2px solid #0b4f8a;
    border-radius: 4px; background: #0b4f8a; color: #fff; cursor: pointer; }
  :focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
  .hint { color: #444; font-size: 1rem; }
  .notice { border: 2px solid #555; border-radius: 4px; padding: .25rem 1rem; }
  .notice p { margin: .5rem 0; }
  #alert:not(:empty) { border-left: 4px solid #b00020; padding: .5rem .75rem; background: #fdecee;
    color: #7a0015; }
"""

_UNLOCK_SCRIPT = """
(function () {
  "use strict";
  var form = document.getElementById("unlock");
  var field = document.getElementById("passphrase");
  var keep = document.getElementById("keep");
  var alertBox = document.getElementById("alert");
  var statusBox = document.getElementById("status");
  var WORDS = JSON.parse(document.getElementById("words").textContent);
  var MSG_WRONG = WORDS.wrong;
  var MSG_DAMAGED = WORDS.damaged;
  var MSG_NO_CRYPTO = WORDS.no_crypto;

  function fail(message) {
    statusBox.textContent = "";
    alertBox.textContent = message;
    field.setAttribute("aria-invalid", "true");
    field.focus();
    field.select();
  }

  function fromB64(b64) {
    var text = atob(b64);
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }

  function toB64(buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)));
  }

  function readParams() {
    try {
      var p = JSON.parse(document.getElementById("sealed").textContent);
      var v = {
        salt: fromB64(p.salt), iv: fromB64(p.iv), data: fromB64(p.ciphertext), iterations: p.iterations
      };
      var ok = p.version === 1 && p.kdf === "PBKDF2" && p.hash === "SHA-256" &&
        p.cipher === "AES-GCM" && Number.isInteger(p.iterations) &&
        p.iterations >= 1 && p.iterations <= 100000000 &&
        v.salt.length === 16 && v.iv.length === 12 && v.data.length >= 16;
      return ok ? v : null;
    } catch (e) {
      return null;
    }
  }

  var params = readParams();
  var subtle = window.crypto && window.crypto.subtle;
  // "Keep unlocked in this tab": the key itself is a non-extractable CryptoKey in IndexedDB, under a
  // random name; only this tab's sessionStorage knows the name (per sealed file: its salt is fresh).
  var slotName = params && "incident-guide:sealed-slot:" + toB64(params.salt);
  var KEEP_MS = 24 * 60 * 60 * 1000;  // keys left behind by closed tabs are removed after a day

  function withStore(mode, action) {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("incident-guide-sealed-keys", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("keys"); };
      request.onerror = function () { reject(request.error); };
      request.onsuccess = function () {
        var db = request.result;
        var tx = db.transaction("keys", mode);
        var pending = action(tx.objectStore("keys"));
        tx.oncomplete = function () { db.close(); resolve(pending && pending.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }

  function slot() {
    try { return sessionStorage.getItem(slotName); } catch (e) { return null; }
  }

  function keepKey(key) {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var name = toB64(bytes);
    return withStore("readwrite", function (keys) { return keys.put({ key: key, saved: Date.now() }, name); })
      .then(function () { sessionStorage.setItem(slotName, name); })
      .catch(function () { /* storage turned off: the guide still opens, it just will not stay open */ });
  }

  function forgetKey() {
    var name = slot();
    if (!name) return;
    try { sessionStorage.removeItem(slotName); } catch (e) { /* nothing stored */ }
    withStore("readwrite", function (keys) { return keys.delete(name); }).catch(function () {});
  }

  function pruneOldKeys() {
    withStore("readwrite", function (keys) {
      var cursor = keys.openCursor();
      cursor.onsuccess = function () {
        var entry = cursor.result;
        if (!entry) return;
        if (!entry.value || !(entry.value.saved > Date.now() - KEEP_MS)) entry.delete();
        entry.continue();
      };
    }).catch(function () {});
  }

  function decrypt(key) {
    return subtle.decrypt({ name: "AES-GCM", iv: params.iv }, key, params.data);
  }

  function showGuide(plain) {
    // document.open() is ignored while the page is still being parsed: wait for load.
    if (document.readyState !== "complete") {
      window.addEventListener("load", function () { showGuide(plain); });
      return;
    }
    document.open();
    document.write(new TextDecoder().decode(plain));
    document.close();
  }

  function unlock(passphrase) {
    var keepIt = keep.checked;
    var raw = new TextEncoder().encode(passphrase.normalize("NFC"));
    return subtle.importKey("raw", raw, "PBKDF2", false, ["deriveKey"]).then(function (base) {
      return subtle.deriveKey(
        { name: "PBKDF2", hash: "SHA-256", salt: params.salt, iterations: params.iterations },
        base, { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
    }).then(function (key) {
      return decrypt(key).then(function (plain) {
        if (!keepIt) {
          forgetKey();
          return showGuide(plain);
        }
        // Keep the key, never the passphrase, and only after it has worked.
        return keepKey(key).then(function () { showGuide(plain); });
      });
    });
  }

  function tryStoredKey() {
    var name = slot();
    if (!name || !window.indexedDB) return;
    statusBox.textContent = WORDS.unlocking;
    withStore("readonly", function (keys) { return keys.get(name); }).then(function (entry) {
      if (!entry || !entry.key) throw new Error("no stored key");
      return decrypt(entry.key);
    }).then(showGuide).catch(function () {
      forgetKey();
      statusBox.textContent = "";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    alertBox.textContent = "";
    if (!subtle) return fail(MSG_NO_CRYPTO);
    if (!params) return fail(MSG_DAMAGED);
    field.removeAttribute("aria-invalid");
    statusBox.textContent = WORDS.unlocking;
    unlock(field.value).catch(function () { fail(MSG_WRONG); });
  });

  if (!subtle) {
    alertBox.textContent = MSG_NO_CRYPTO;
  } else if (!params) {
    alertBox.textContent = MSG_DAMAGED;
  } else {
    if (window.indexedDB) pruneOldKeys();
    tryStoredKey();
  }
}());
"""

_PAGE = """<!DOCTYPE html>
<html lang="{lang}" dir="{dir}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<main>
<h1>{title}</h1>
{notice}
<div>
<p>{intro}</p>
<noscript><p>{noscript}</p></noscript>
<form id="unlock">
<label for="passphrase">{passphrase}</label>
<input id="passphrase" name="passphrase" type="password" autocomplete="current-password" required aria-describedby="alert">
<div class="keep"><input id="keep" type="checkbox" aria-describedby="keep-hint"><label for="keep">{keep}</label></div>
<p class="hint" id="keep-hint">{keep_hint}</p>
<button type="submit">{unlock}</button>
</form>
<p id="status" role="status" aria-live="polite"></p>
<div id="alert" role="alert" aria-live="assertive"></div>
</div>
</main>
<script type="application/json" id="sealed">{data}</script>
<script type="application/json" id="words">{words}</script>
<script>{script}</script>
</body>
</html>
"""
