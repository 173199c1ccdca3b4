"""The build cache: skip a guide whose inputs have not changed since it was built.

A build's inputs are fingerprinted by content (SHA-256), never by modification time:
- the plan file, and where it is;
- every file of the plan's folder the renderer read (pictures in the plan's prose), as
  the renderer reports it (generator.assets.AssetPolicy.used): like a compiler's
  dependency file, the record lists them and a later run hashes the same list again;
- every shared plan the plan extends (generator.plan.extends), at any level, as read;
- every file under templates/ (templates, CSS, fonts, pictures; not the starters);
- the tool: its version, the source of the generator package, and the versions of
  the libraries that shape the output (WeasyPrint and friends);
- the build options (editions, paper, whether private editions are sealed) and
  SOURCE_DATE_EPOCH.

The record lives in output/NAME/.build.json (mode 0600), is written by the build
inside the new set of guides (generator.build), and holds the fingerprint and the
SHA-256 of every file the build wrote. An output is current only when the
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
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from .errors import Problem
from .files import real_path, sha256_regular
from .paths import PRIVATE_DIR, templates_dir

RECORD = ".build.json"
RECORD_FORMAT = 1
# Libraries whose version changes the bytes of a guide.
LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "jinja2", "markdown", "nh3", "segno",
             "phonenumbers", "cryptography", "icalendar", "babel")



# The package itself (`incident_guide` when installed, `generator` in the checkout): its version and source.
_PACKAGE = sys.modules[__name__.rpartition(".")[0]]

def _hash_or_missing(path: Path) -> str:
    try:
        return sha256_regular(path)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:  # a folder, a FIFO, no permission: still part of the fingerprint
        return f"unreadable:{exc.errno}"


# --- the tool ---------------------------------------------------------------------

@functools.cache
def _package_fingerprint() -> str:
    """The generator package's own source: a changed line of code is a changed tool."""
    root = Path(_PACKAGE.__file__ or __file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + sha256_regular(path).encode() + b"\n")
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
        "version": _PACKAGE.__version__,  # read each time: tests change it
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


_SEEN: dict[str, tuple[tuple[int, int, int, int], str]] = {}


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


def fingerprint(plan_path: str | Path, options: dict[str, Any] | None = None, *, uses: Mapping[str, str] | None = None,
                plan_digest: str | None = None, templates: Path | None = None, shared: Mapping[str, str] | None = None) -> Fingerprint:
    """The inputs of a build. `uses`: the files the renderer read, path -> SHA-256 (AssetPolicy.used);
    `shared`: the shared plans the plan extends, real path -> SHA-256."""
    plan_path = Path(plan_path)
    files = {"plan": plan_digest or _hash_or_missing(plan_path)}
    for used, digest in sorted((uses or {}).items()):
        files[f"uses:{used}"] = digest
    for extended, digest in sorted((shared or {}).items()):
        files[f"shared:{extended}"] = digest
    for name, digest in templates_fingerprint(templates).items():
        files[f"templates/{name}"] = digest
    options = dict(options or {})
    options.setdefault("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH", ""))
    return Fingerprint(str(real_path(plan_path)), files, _plain(options), tool_fingerprint())


def fingerprint_plan(plan_path: Path) -> str:
    """The plan's own entry in the fingerprint (a FIFO or a folder is never waited on)."""
    return _hash_or_missing(Path(plan_path))


def current_uses(plan_path: Path, recorded: Iterable[str]) -> dict[str, str]:
    """The recorded inputs hashed again; a path outside the plan's folder is never opened."""
    folder = real_path(plan_path).parent
    hashes = {}
    for name in recorded:
        path = Path(name)
        hashes[name] = _hash_or_missing(path) if path.is_absolute() and real_path(path).is_relative_to(folder) else "outside"
    return hashes


def current_shared(recorded: Iterable[str]) -> dict[str, str]:
    """The recorded shared plans hashed again (a FIFO or a folder is never waited on)."""
    return {name: _hash_or_missing(Path(name)) if Path(name).is_absolute() else "relative" for name in recorded}


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
    uses: list[str] = field(default_factory=list)  # the files of the plan's folder the renderer read
    editions: dict[str, EditionPrint] = field(default_factory=dict)  # edition name -> its PDF
    warnings: list[Problem] = field(default_factory=list)  # what check said of the plan, told again when unchanged
    shared: list[str] = field(default_factory=list)  # the shared plans the plan extends (real paths)


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
    files = data.get("files")
    if not isinstance(key, str) or not isinstance(outputs, dict) or not isinstance(files, dict):
        return None
    uses = sorted(str(name)[len("uses:"):] for name in files if str(name).startswith("uses:"))
    shared = sorted(str(name)[len("shared:"):] for name in files if str(name).startswith("shared:"))
    return Record(key, {str(k): str(v) for k, v in outputs.items()}, uses, _editions(data.get("editions")),
                  _warnings(data.get("warnings")), shared)


def _warnings(data: object) -> list[Problem]:
    found = []
    for entry in data if isinstance(data, list) else []:
        try:
            found.append(Problem.from_json(entry))
        except (TypeError, ValueError):  # a record written by another version: tell nothing rather than fail
            continue
    return found


def _editions(data: object) -> dict[str, EditionPrint]:
    if not isinstance(data, dict):
        return {}
    found = {}
    for name, entry in data.items():
        if isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("file", "key", "sha256")):
            found[str(name)] = EditionPrint(str(name), entry["file"], entry["key"], entry["sha256"],
                                            bool(entry.get("reused")))
    return found


def is_current(out_dir: Path, plan_path: Path, options: dict[str, Any] | None = None, passphrase: str | None = None, *,
               templates: Path | None = None) -> bool:
    """True when out_dir holds exactly what a build of this plan with these options would write.

    A sealed build also needs this run's passphrase: its sealed guides must open with it
    (the passphrase itself is never recorded).
    """
    record = read_record(out_dir)
    if record is None or not record.outputs:
        return False
    print_ = fingerprint(plan_path, options, uses=current_uses(plan_path, record.uses), templates=templates,
                         shared=current_shared(record.shared))
    if record.key != print_.key:
        return False
    out_dir = real_path(out_dir)
    for name, digest in record.outputs.items():
        path = real_path(out_dir / name)
        if not path.is_relative_to(out_dir) or _hash_or_missing(path) != digest:
            return False
        if name.startswith(f"{PRIVATE_DIR}/") and not (_owner_only(path) and _owner_only(path.parent)):
            return False  # loosened since (a copy, a sync tool): the build writes it again, private
    return passphrase is None or _sealed_open_with(out_dir, record, passphrase)


def _owner_only(path: Path) -> bool:
    """Whether no one but the owner may read (or enter) `path`."""
    try:
        return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
    except OSError:
        return False


def _sealed_open_with(out_dir: Path, record: Record, passphrase: str) -> bool:
    from .render.edition import EDITIONS
    from .render.seal import SealError, unseal_html

    sealed = [name for spec in EDITIONS.values() if spec.sealable and (name := spec.file("html").as_posix()) in record.outputs]
    try:
        for name in sealed:
            unseal_html((out_dir / name).read_text(encoding="utf-8"), passphrase)
    except (SealError, OSError, UnicodeDecodeError):  # another passphrase, or not sealed
        return False
    return True


def record_bytes(print_: Fingerprint, outputs: Mapping[str, str], editions: Iterable[EditionPrint] = (),
                 warnings: Iterable[Problem] = ()) -> bytes:
    """The text of .build.json: the fingerprint, the SHA-256 of every file written (relative name -> digest),
    from what each PDF was printed, and the plan's warnings."""
    data = {"format": RECORD_FORMAT, **print_.as_json(), "outputs": dict(sorted(outputs.items())),
            "editions": {edition.name: edition.as_json() for edition in editions},
            "warnings": [warning.as_json() for warning in warnings]}
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")



# --- one edition's PDF, reused from the previous set ---------------------------------

def edition_key(print_html: str, paper: str, uses: Mapping[str, str], templates: Mapping[str, str] | None = None) -> str:
    """What an edition's PDF is made of: its print HTML, the paper, the assets it may read, the tool.

    The assets are every template file (stylesheets, fonts, pictures) and the files of the
    plan's folder the build reads (`uses`, path -> SHA-256); an edit that changes neither an
    edition's print HTML nor these leaves its PDF as it was. `templates`: templates_fingerprint(),
    when the caller has it already (one build's editions share it).
    """
    templates = templates_fingerprint() if templates is None else templates
    assets = {f"templates/{name}": digest for name, digest in templates.items()}
    for used, digest in uses.items():
        assets[f"uses:{used}"] = digest
    text = json.dumps({"html": hashlib.sha256(print_html.encode("utf-8")).hexdigest(), "paper": paper,
                       "assets": assets, "tool": tool_fingerprint()}, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def reusable_pdf(out_dir: Path, record: Record | None, name: str, key: str) -> bytes | None:
    """The PDF the last build (its `record`) printed for edition `name` from the same inputs, if it is still there unchanged."""
    entry = record.editions.get(name) if record else None
    if entry is None or entry.key != key:
        return None
    out_dir = real_path(out_dir)
    path = real_path(out_dir / entry.file)
    if not path.is_relative_to(out_dir):
        return None
    try:
        content = path.read_bytes()
    except OSError:
        return None
    return content if hashlib.sha256(content).hexdigest() == entry.sha256 else None
