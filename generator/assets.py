"""Which files a guide may use: the bundled template assets and the plan's own folder.

A plan may come from a stranger, and its Markdown may point at anything
(`![x](file:///etc/passwd)`, `![x](http://intranet/)`, `../../secret.png`). Both
renderers ask this policy before they read a byte: the HTML renderer to inline an
image as a data: URI, WeasyPrint through generator.render.fetcher. Paths are
resolved (symlinks followed) before they are compared, so a link inside the plan's
folder that points outside it is refused too.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

from .errors import BuildError
from .files import read_regular

# Template folders whose files a guide may load (fonts, stylesheets, pictures).
ASSET_DIRS = ("fonts", "css", "images")
# A bigger picture makes the self-contained HTML unusable on a phone.
MAX_BYTES = 5_000_000
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp)(;[a-z0-9=.+-]*)*,", re.IGNORECASE)
# The pictures a guide may show, with the first bytes of each kind of file.
_PICTURE_SIGNATURES = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",),
                       "image/gif": (b"GIF87a", b"GIF89a"), "image/webp": (b"RIFF",)}
_PICTURES_ONLY = "only PNG, JPEG, GIF and WebP pictures can be used"
# A logo at 300 dpi across a whole A4 page is 9 million pixels.
MAX_PIXELS = 25_000_000
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9.+-]*):")


def url_scheme(url: str) -> str | None:
    """`https` for "HTTPS://example.org", None for a relative reference: the one reading of a URL's scheme."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


class RefusedResource(BuildError):
    """The plan refers to a file or address a guide may not use."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"refused to use `{url}` in a guide: {reason}")


@dataclass
class AssetPolicy:
    """Decides what may be read; remembers every request and every refusal (for tests and messages)."""

    plan_dir: Path
    templates_dir: Path
    requests: list[str] = field(default_factory=list)
    refused: list[RefusedResource] = field(default_factory=list)
    # Every file of the plan's folder a guide read, with the SHA-256 of the bytes read: the build cache's inputs.
    used: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.plan_dir = Path(self.plan_dir).resolve()
        self.templates_dir = Path(self.templates_dir).resolve()

    @property
    def base_url(self) -> str:
        """Relative references in the plan's prose are relative to the plan's folder."""
        return self.plan_dir.as_uri() + "/"

    def absolute(self, url: str) -> str:
        return url if url_scheme(url) else urljoin(self.base_url, url)

    def refuse(self, url: str, reason: str) -> RefusedResource:
        error = RefusedResource(url, reason)
        self.refused.append(error)
        return error

    def locate(self, url: str) -> Path:
        """The regular file a file: URL (or a path relative to the plan) names, if a guide may read it."""
        self.requests.append(url)
        absolute = self.absolute(url)
        parts = urlsplit(absolute)
        if parts.scheme.lower() != "file":
            raise self.refuse(url, "guides never load anything from the network; "
                                   "put the file next to the plan and refer to it by its name")
        if parts.netloc not in ("", "localhost"):
            raise self.refuse(url, "only local files can be used")
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            raise self.refuse(url, "there is no such file") from None
        roots = [self.plan_dir] + [self.templates_dir / name for name in ASSET_DIRS]
        if not any(path.is_relative_to(root.resolve()) for root in roots):
            raise self.refuse(url, f"only files in the plan's folder ({self.plan_dir}) can be used")
        if not path.is_file():
            raise self.refuse(url, "it is not a regular file")
        if path.stat().st_size > MAX_BYTES:
            raise self.refuse(url, f"it is larger than {MAX_BYTES // 1_000_000} MB")
        return path

    def read(self, url: str) -> tuple[bytes, str, Path]:
        """(content, media type, path) of an allowed file."""
        path = self.locate(url)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        try:
            content = read_regular(path, MAX_BYTES)
        except OSError:
            raise self.refuse(url, "it is not a regular file that can be read") from None
        if len(content) > MAX_BYTES:
            raise self.refuse(url, f"it is larger than {MAX_BYTES // 1_000_000} MB")
        if not self.is_template_asset(path):  # templates are fingerprinted whole
            self.used[path.as_posix()] = hashlib.sha256(content).hexdigest()
        return content, media_type, path

    def is_template_asset(self, path: Path) -> bool:
        """Whether a file located by this policy is one of the tool's own (fonts, stylesheets, pictures)."""
        return any(path.is_relative_to(self.templates_dir / name) for name in ASSET_DIRS)

    def inline_image(self, src: str) -> str:
        """An image reference from the plan's prose as a data: URI, for the self-contained HTML."""
        if src.lower().startswith("data:"):
            self.check_data_picture(src)
            return src
        content, media_type, _ = self.read(src)
        self.check_picture(src, content, media_type)
        return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"

    def check_data_picture(self, src: str) -> None:
        """Refuse a data: URI that is not a picture a guide can show, as a picture file would be (its kind, its
        content, its pixels: 70 characters of GIF unpack into 13000 × 13000)."""
        header = _DATA_IMAGE.match(src)
        if header is None:
            raise self.refuse(src[:40], "only PNG, JPEG, GIF and WebP pictures can be embedded")
        payload = src[header.end():]
        try:
            content = (base64.b64decode(payload, validate=False) if "base64" in header.group(0).lower()
                       else urllib.parse.unquote_to_bytes(payload))
        except ValueError:
            raise self.refuse(src[:40], "its picture cannot be read") from None
        if len(content) > MAX_BYTES:
            raise self.refuse(src[:40], f"it is larger than {MAX_BYTES // 1_000_000} MB")
        self.check_picture(src[:40], content, "image/" + header.group(1).lower())

    def picture(self, url: str) -> Path:
        """The picture file `url` names, if a guide may show it: allowed as a file, named and made as a picture."""
        content, media_type, path = self.read(url)
        self.check_picture(url, content, media_type)
        return path

    def check_picture(self, url: str, content: bytes, media_type: str) -> None:
        """Refuse what is not a picture a guide can show: another kind of file, content that is not what its
        name says, or more pixels than a page needs (a small file can unpack into gigabytes: a picture bomb)."""
        signatures = _PICTURE_SIGNATURES.get(media_type)
        if signatures is None:
            raise self.refuse(url, _PICTURES_ONLY)
        kind = media_type.removeprefix("image/").upper()
        if not content.startswith(signatures) or (media_type == "image/webp" and content[8:12] != b"WEBP"):
            raise self.refuse(url, f"its content is not a {kind} picture")
        width, height = _picture_size(content)
        if width * height == 0:
            raise self.refuse(url, f"it cannot be read as a {kind} picture")
        if width * height > MAX_PIXELS:
            raise self.refuse(url, f"it is {width} × {height} pixels, more than a printed page needs; "
                                   f"make it smaller (at most {MAX_PIXELS // 1_000_000} million pixels, e.g. 2000 × 2000)")


def _picture_size(content: bytes) -> tuple[int, int]:
    """(width, height) from a picture's header, without unpacking its pixels; (0, 0) when it cannot be read."""
    import io
    import warnings

    from PIL import Image  # WeasyPrint's own picture library: loaded only where a picture is looked at

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as picture:
                return picture.size
    except Image.DecompressionBombError:
        return MAX_PIXELS + 1, 1
    except (OSError, ValueError, SyntaxError):  # what Pillow raises for a damaged or unknown file
        return 0, 0
