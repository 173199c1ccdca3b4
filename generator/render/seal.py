"""Seal (after print, before write): the private set encrypted with a passphrase, so nothing private is left in clear.

The responder guide becomes one offline HTML page that decrypts itself in the browser
(templates/sealed.html.j2, its script templates/js/unlock.js, its style templates/css/sealed.css),
with each responder's calendar file inside it (seal_files); the private PDFs are encrypted.

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
the caller (lock_notice: event name, emergency number, public hotline): nothing above
public, as the build's leak check of lock_screen() makes sure.

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
import json
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from markupsafe import Markup

from ..errors import BuildError
from ..paths import templates_dir
from .locale import Localizer, plan_localizer
from .styles import stylesheet

if TYPE_CHECKING:
    from ..plan.model import Plan
    from .rendered import RenderedFile  # typing only: unsealing (the build cache's check) renders nothing

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

# The data block of a sealed page: unsealing reads it, the lock screen's leak check leaves it out.
SEALED_DATA = re.compile(r'<script type="application/json" id="sealed">(.*?)</script>', re.S)

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
    control = next((char for char in passphrase if unicodedata.category(char) == "Cc"), None)
    if control is not None:  # a browser's password box drops a line break: the sealed page would never open
        raise SealError(f"The passphrase holds a control character (U+{ord(control):04X}, e.g. a line break), which a "
                        "password box cannot take; type it with ordinary letters, digits and spaces.")
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
        return SEALED_DATA.search(content.decode("utf-8", errors="replace")) is not None
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
    direction: str = "ltr",
    iterations: int = DEFAULT_ITERATIONS,
    words: dict[str, str] | None = None,
    notice: str = "",
    guide_scripts: Sequence[str] = (),
) -> str:
    """Return a self-contained HTML page that shows `html_text` once `passphrase` is entered.

    `title`, `words` (lock_screen_words) and `notice` (ready HTML, shown above the form) are
    the only readable text in the page: give them public information only. `lang` and
    `direction` are the lock screen's (Localizer.language and .direction). `guide_scripts`
    are the CSP sources of the guide's own scripts. Lower `iterations` only in tests.
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
    script = _unlock_script()
    script_words = {name: words[name] for name in ("unlocking", "wrong", "damaged", "no_crypto")}
    return _render(
        "sealed.html.j2",
        lang=lang,
        dir=direction,
        title=title,
        words=words,
        notice=Markup(notice),
        script_hash=base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode(),
        guide_scripts=guide_scripts,
        style=stylesheet("sealed.css"),
        data=Markup(data),
        script_words=Markup(json.dumps(script_words, ensure_ascii=False).replace("<", "\\u003c")),
        script=Markup(script),
    )


def _unlock_script() -> str:
    """The lock screen's script, inlined as it is: the page's CSP allows it by the hash of exactly this text."""
    text = (templates_dir() / "js" / "unlock.js").read_text(encoding="utf-8")
    if "</" in text:
        raise ValueError("templates/js/unlock.js must not contain `</`")
    return text


def _render(template: str, **values: object) -> str:
    from .environment import environment  # lazy: unsealing (the build cache's check) renders nothing

    return environment().get_template(template).render(**values)


def _read_params(sealed: str) -> tuple[bytes, bytes, bytes, int]:
    """Return (salt, iv, ciphertext, iterations) from a sealed page, or raise SealError(DAMAGED)."""
    match = SEALED_DATA.search(sealed)
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


# --- the private set sealed ------------------------------------------------------------


def seal_files(files: Sequence[RenderedFile], passphrase: str, plan: Plan) -> list[RenderedFile]:
    """The private set sealed: the HTML guide encrypted with the calendars inside it, the PDF encrypted, nothing in clear."""
    from .now_script import NOW_SCRIPT_HASH
    calendars = [item for item in files if item.kind == "ics"]
    loc = plan_localizer(plan)
    sealed = []
    for item in files:
        if item.kind == "ics":
            continue  # offered for download inside the sealed guide instead
        if item.private and item.kind == "html":
            guide = with_calendars(item.content.decode("utf-8"), calendars, plan)
            # the unlocked guide runs under the sealed page's policy: allow its own script (the "on now" marker) by hash
            page = seal_html(guide, passphrase, lang=loc.language, direction=loc.direction, words=lock_screen_words(loc),
                             notice=lock_notice(plan), guide_scripts=(NOW_SCRIPT_HASH,))
            sealed.append(replace(item, content=page.encode("utf-8")))
        elif item.private and item.kind == "pdf":
            sealed.append(replace(item, content=seal_pdf(item.content, passphrase)))
        elif item.private:
            raise ValueError(f"no way to seal {item.path}")  # a new private file type must say how it is sealed
        else:
            sealed.append(item)
    return sealed


def with_calendars(guide: str, calendars: Sequence[RenderedFile], plan: Plan) -> str:
    """The guide with each responder's calendar file as a download link (data: URL) at the end of its main part."""
    from .edition import ROTA_PREFIX

    if not calendars:
        return guide
    links = []
    for item in calendars:
        responder = plan.responder(item.path.stem.removeprefix(ROTA_PREFIX))
        who = responder.name if responder else item.path.stem
        links.append((item.path.name, who, base64.b64encode(item.content).decode("ascii")))
    section = _render("partials/sealed_calendars.html.j2", calendars=links, t=plan_localizer(plan).t)
    at = max(guide.rfind("</main>"), 0) or guide.rfind("</body>")
    return guide[:at] + section + guide[at:] if at > 0 else guide + section


def lock_notice(plan: Plan) -> str:
    """What the lock screen tells someone without the passphrase, from the public edition only."""
    from ..plan.model import Audience
    from .bidi import isolate_ltr_runs
    from .edition import make_edition
    from .extract import visible_text
    from .formatting import phone_display
    from .markdown import to_inline_html
    from .words import emergency_route

    public = make_edition(plan, Audience.public).plan
    loc = plan_localizer(plan)
    services = public.emergency_services
    recognise = public.reporting.recognise_responders
    notice = _render(
        "partials/sealed_notice.html.j2",
        t=loc.t,
        event=public.event.name,
        emergency=emergency_route(loc, services) if services else None,
        phones=[(channel.label, phone_display(channel.phone, public.region), channel.hours)
                for channel in public.reporting.channels if channel.phone],
        recognise=" ".join(visible_text(str(to_inline_html(recognise))).split()) if recognise else None,
    )
    return isolate_ltr_runs(notice) if loc.direction == "rtl" else notice  # numbers read in order, as in the guides


def lock_screen(item: RenderedFile) -> RenderedFile:
    """A sealed page as someone without the passphrase reads it (the ciphertext left out), for the leak check."""
    from ..plan.model import Audience

    page = SEALED_DATA.sub("", item.content.decode("utf-8"))
    return replace(item, content=page.encode("utf-8"), audience=Audience.public)
