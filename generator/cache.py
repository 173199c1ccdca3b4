"""The build cache: skip a guide whose inputs have not changed since it was built.

A build's inputs are fingerprinted by content (SHA-256), never by modification time:
- the plan file, and where it is;
- every file the plan's prose uses (pictures referenced in Markdown, relative to the
  plan's folder), and the absence of those that are missing;
- every file under templates/ (templates, CSS, fonts, pictures; not the starters);
- the tool: its version, the source of the generator package, and the versions of
  the libraries that shape the output (WeasyPrint and friends);
- the build options (editions, paper, whether private editions are sealed) and
  SOURCE_DATE_EPOCH.

The record lives in output/NAME/.build.json (mode 0600) and holds the fingerprint
and the SHA-256 of every file the build wrote. An output is current only when the
fingerprint matches and every recorded file is still there with the same bytes, so
a deleted or edited guide is rebuilt. A passphrase is never recorded: when private
editions are sealed, the caller proves the passphrase against the sealed file
(see `Record.outputs` and generator.batch).

Nothing here imports WeasyPrint; checking the cache costs milliseconds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import generator
from generator.paths import templates_dir

RECORD = ".build.json"
RECORD_FORMAT = 1
# Libraries whose version changes the bytes of a guide.
LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "jinja2", "markdown", "nh3", "segno",
             "phonenumbers", "cryptography", "icalendar", "babel")
_CHUNK = 1 << 20
_MAY_USE_FILE = re.compile(r"!\[|<img|\]:", re.IGNORECASE)
# In the raw plan: a picture reference, or a backslash (a YAML escape could spell one).
_RAW_MAY_USE_FILE = re.compile(rb"!\[|<img|\]:|\\", re.IGNORECASE)
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9.+-]*):")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _hash_or_missing(path: Path) -> str:
    try:
        return sha256_file(path)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:  # a folder, no permission: still part of the fingerprint
        return f"unreadable:{exc.errno}"


# --- the tool ---------------------------------------------------------------------

@functools.cache
def _package_fingerprint() -> str:
    """The generator package's own source: a changed line of code is a changed tool."""
    root = Path(generator.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + sha256_file(path).encode() + b"\n")
    return digest.hexdigest()


@functools.cache
def _library_versions() -> tuple[tuple[str, str], ...]:
    versions = []
    for name in LIBRARIES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "absent"))
    return tuple(versions)


def tool_fingerprint() -> dict[str, Any]:
    return {
        "version": generator.__version__,  # read each time: tests change it
        "source": _package_fingerprint(),
        "libraries": dict(_library_versions()),
    }


# --- templates ----------------------------------------------------------------------

def templates_fingerprint(directory: Path | None = None) -> dict[str, str]:
    """SHA-256 of every file under templates/ except the starters (they never reach a guide).

    Within one process a file whose size and modification time have not changed is
    not read again (a batch of 16 plans hashes the fonts once, not 16 times); any
    change to either is read and hashed.
    """
    directory = Path(directory or templates_dir())
    hashes = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if relative.parts[0] == "starters" or "__pycache__" in relative.parts or not path.is_file():
            continue
        hashes[relative.as_posix()] = _hash_known(path)
    return hashes


_SEEN: dict[str, tuple[tuple[int, ...], str]] = {}


def _hash_known(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return _hash_or_missing(path)
    signature = (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)
    known = _SEEN.get(str(path))
    if known and known[0] == signature:
        return known[1]
    digest = _hash_or_missing(path)
    _SEEN[str(path)] = (signature, digest)
    return digest


# --- files the plan uses ------------------------------------------------------------

def used_files(plan_path: Path, data: Any = None) -> list[Path]:
    """Local files the plan's prose refers to as pictures, resolved against the plan's folder.

    Reads the plan with the project's own loader and renders only the prose that may
    hold a picture with the same Markdown library the guides use, so the list matches
    what the renderer will ask for. A plan that does not load uses nothing (its build
    fails anyway).
    """
    if data is None:
        try:
            if not _RAW_MAY_USE_FILE.search(Path(plan_path).read_bytes()):
                return []  # no picture can be spelled without these: skip parsing the YAML
        except OSError:
            return []
        from generator.errors import PlanError
        from generator.plan.load import load_file

        try:
            data = load_file(plan_path).data
        except PlanError:
            return []
    sources: list[str] = []
    texts = [text for text in _strings(data) if _MAY_USE_FILE.search(text)]
    if texts:
        import markdown

        for text in texts:
            html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
            for match in _IMG_SRC.finditer(html):
                sources.append(next(group for group in match.groups()[1:] if group is not None))
    base = Path(plan_path).resolve().parent.as_uri() + "/"
    found: dict[str, Path] = {}
    for src in sources:
        src = src.strip()
        scheme = _SCHEME.match(src)
        if scheme and scheme.group(1).lower() not in ("file",):
            continue  # data:, or refused by the renderer (network)
        parts = urlsplit(src if scheme else urljoin(base, src))
        path = Path(url2pathname(unquote(parts.path)))
        found[str(path)] = path
    return [found[key] for key in sorted(found)]


def _strings(value: Any) -> Iterable[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


# --- the fingerprint and the record -------------------------------------------------

@dataclass(frozen=True)
class Fingerprint:
    plan: str  # resolved path
    files: dict[str, str]  # "plan", "uses:/abs/path", "templates/css/x.css" -> sha256
    options: dict[str, Any]
    tool: dict[str, Any]

    @property
    def key(self) -> str:
        text = json.dumps({"plan": self.plan, "files": self.files, "options": self.options, "tool": self.tool},
                          sort_keys=True, ensure_ascii=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "plan": self.plan, "files": self.files, "options": self.options, "tool": self.tool}


def fingerprint(plan_path: str | Path, options: dict[str, Any] | None = None, *, templates: Path | None = None) -> Fingerprint:
    plan_path = Path(plan_path)
    files = {"plan": _hash_or_missing(plan_path)}
    for used in used_files(plan_path):
        files[f"uses:{used.as_posix()}"] = _hash_or_missing(used)
    for name, digest in templates_fingerprint(templates).items():
        files[f"templates/{name}"] = digest
    options = dict(options or {})
    options.setdefault("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH", ""))
    return Fingerprint(str(plan_path.resolve()), files, _plain(options), tool_fingerprint())


def _plain(value: Any) -> Any:
    """Options as JSON-safe data, sorted where order means nothing."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "value"):  # enums
        return value.value
    return value


@dataclass(frozen=True)
class EditionPrint:
    """One edition's PDF in a build: what it was printed from (`key`), its bytes' hash, whether it was reused."""

    name: str
    file: str  # relative to the output folder, e.g. private/responder.pdf
    key: str
    sha256: str
    reused: bool

    def as_json(self) -> dict[str, str | bool]:
        return {"file": self.file, "key": self.key, "sha256": self.sha256, "reused": self.reused}


@dataclass
class Record:
    key: str
    outputs: dict[str, str] = field(default_factory=dict)  # path relative to the output folder -> sha256
    editions: dict[str, EditionPrint] = field(default_factory=dict)  # edition name -> its PDF


def record_path(out_dir: Path) -> Path:
    return Path(out_dir) / RECORD


def read_record(out_dir: Path) -> Record | None:
    try:
        data = json.loads(record_path(out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        return None
    outputs = data.get("outputs")
    key = data.get("key")
    if not isinstance(key, str) or not isinstance(outputs, dict):
        return None
    return Record(key, {str(k): str(v) for k, v in outputs.items()}, _editions(data.get("editions")))


def _editions(data: object) -> dict[str, EditionPrint]:
    if not isinstance(data, dict):
        return {}
    found = {}
    for name, entry in data.items():
        if isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("file", "key", "sha256")):
            found[str(name)] = EditionPrint(str(name), entry["file"], entry["key"], entry["sha256"],
                                            bool(entry.get("reused")))
    return found


def is_current(out_dir: Path, print_: Fingerprint, passphrase: str | None = None) -> bool:
    """True when out_dir holds exactly what a build with these inputs would write.

    A sealed build also needs this run's passphrase: its sealed guides must open with it
    (the passphrase itself is never recorded).
    """
    record = read_record(out_dir)
    if record is None or record.key != print_.key or not record.outputs:
        return False
    out_dir = Path(out_dir).resolve()
    for name, digest in record.outputs.items():
        path = (out_dir / name).resolve()
        if not path.is_relative_to(out_dir) or _hash_or_missing(path) != digest:
            return False
    return passphrase is None or _sealed_open_with(out_dir, record, passphrase)


def _sealed_open_with(out_dir: Path, record: Record, passphrase: str) -> bool:
    from generator.render.edition import EDITIONS
    from generator.render.seal import SealError, unseal_html

    sealed = [name for spec in EDITIONS.values() if spec.sealable and (name := spec.file("html").as_posix()) in record.outputs]
    try:
        for name in sealed:
            unseal_html((out_dir / name).read_text(encoding="utf-8"), passphrase)
    except (SealError, OSError, UnicodeDecodeError):  # another passphrase, or not sealed
        return False
    return True


def write_record(out_dir: Path, print_: Fingerprint, outputs: Iterable[Path],
                 editions: Iterable[EditionPrint] = ()) -> Path:
    """Remember what a successful build wrote, and from what each PDF was printed. Written atomically, mode 0600."""
    out_dir = Path(out_dir)
    resolved = out_dir.resolve()
    hashes = {}
    for output in outputs:  # paths as the build returned them: absolute, or relative to the working folder
        path = Path(output).resolve()
        hashes[path.relative_to(resolved).as_posix()] = sha256_file(path)
    data = {"format": RECORD_FORMAT, **print_.as_json(), "outputs": dict(sorted(hashes.items())),
            "editions": {edition.name: edition.as_json() for edition in editions}}
    target = record_path(out_dir)
    temporary = target.with_name(f"{RECORD}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


# --- one edition's PDF, reused from the previous set ---------------------------------

def edition_key(print_html: str, paper: str, plan_path: Path) -> str:
    """What an edition's PDF is made of: its print HTML, the paper, the assets it may read, the tool.

    The assets are every template file (stylesheets, fonts, pictures) and the files the
    plan's prose uses; an edit that changes neither an edition's print HTML nor these
    leaves its PDF as it was.
    """
    assets = {f"templates/{name}": digest for name, digest in templates_fingerprint().items()}
    for used in used_files(Path(plan_path)):
        assets[f"uses:{used.as_posix()}"] = _hash_or_missing(used)
    text = json.dumps({"html": hashlib.sha256(print_html.encode("utf-8")).hexdigest(), "paper": paper,
                       "assets": assets, "tool": tool_fingerprint()}, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def reusable_pdf(out_dir: Path, name: str, key: str) -> bytes | None:
    """The PDF the last build printed for edition `name` from the same inputs, if it is still there unchanged."""
    record = read_record(out_dir)
    entry = record.editions.get(name) if record else None
    if entry is None or entry.key != key:
        return None
    out_dir = Path(out_dir).resolve()
    path = (out_dir / entry.file).resolve()
    if not path.is_relative_to(out_dir):
        return None
    try:
        content = path.read_bytes()
    except OSError:
        return None
    return content if hashlib.sha256(content).hexdigest() == entry.sha256 else None
