"""Text of the PDFs this tool prints, fast enough to check every guide.

A proposal for the leak check (generator.render.leaks.pdf_text), which uses pypdf's
`extract_text`: that takes about 60 ms per page, a third of the time WeasyPrint
needs to print the page, most of it in pypdf's pure-Python content-stream parser.
The guides come from one producer (WeasyPrint through pydyf): Type0 fonts with
Identity-H encoding and a ToUnicode map, text drawn with `Tf`, `Tm` and `TJ` inside
`BT`/`ET`. This module reads exactly that, with one regular expression, and hands
any page it does not recognise (another font type, no ToUnicode map, an inline
image) to pypdf, so it never reads less than pypdf would.

What it returns, page after page:
- every text box on its own line, and again every line of the page with its boxes
  joined as they are drawn, so a phrase split across boxes ("Dial **999** now") and
  cells of a table row are both searchable;
- text inside form XObjects (transparency groups), recursively;
- then what pypdf's page text leaves out: the document information (title, author,
  subject, keywords), outline titles, link targets (tel:, mailto:, https:), and the
  alternative texts of the tagged structure (PDF/UA `/Alt`, `/ActualText`, `/E`).
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# Inside BT ... ET: the operators that choose a font, move to a line, and show text.
_TEXT_OPS = re.compile(rb"""
    /(?P<font>[^\s/\[\]<>(){}%]+)\s+[-+\d.]+\s+Tf
  | (?P<matrix>(?:[-+\d.]+\s+){5}(?P<y>[-+\d.]+))\s+Tm
  | \[(?P<array>[^\]]*)\]\s*TJ
  | <(?P<hex>[0-9A-Fa-f\s]*)>\s*Tj
  | (?P<move>[-+\d.]+\s+(?P<ty>[-+\d.]+)\s+T[dD]|T\*)
  | (?P<quote>['"])
""", re.VERBOSE)
_BLOCK = re.compile(rb"(?<![^\s\]>)])BT\s(.*?)(?<=\s)ET(?![^\s\[<(/%])", re.DOTALL)
_DO = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s+Do(?![^\s\[<(/%])")
# Things this reader leaves to pypdf: literal strings, inline images, a font chosen outside BT.
_UNSUPPORTED = re.compile(rb"\(|(?<![^\s])BI(?![^\s])|(?<![A-Za-z])Tf(?![A-Za-z])")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.DOTALL)
_HEXSTR = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_RANGE_LINE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])")


class Unsupported(Exception):
    """A page this reader does not handle; pypdf reads it instead."""


def extract_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    maps: dict = {}
    parts = []
    for page in reader.pages:
        try:
            boxes = _content_boxes(page.get_contents(), page.get("/Resources"), maps, depth=0)
            parts.append(_layout(boxes))
        except Unsupported:
            parts.append(page.extract_text() or "")
    parts.append(_extras(reader))
    return "\n".join(parts)


# --- page content ---------------------------------------------------------------------

def _content_boxes(contents, resources, maps: dict, depth: int) -> list[tuple[object, str]]:
    """(line key, text) for every text box (BT ... ET), in drawing order."""
    if contents is None:
        return []
    if depth > 8:
        raise Unsupported("form XObjects nested too deep")
    data = contents.get_data()
    resources = _resolve(resources) or DictionaryObject()
    fonts = _resolve(resources.get("/Font")) or {}
    if b"(" in data or _UNSUPPORTED.search(_BLOCK.sub(b" ", data)):
        raise Unsupported("literal strings, inline images or text state outside BT")
    boxes: list[tuple[object, str]] = []
    font = None
    line: object = None
    for block in _BLOCK.finditer(data):
        box: list[str] = []
        for match in _TEXT_OPS.finditer(block.group(1)):
            kind = match.lastgroup
            if match.group("font") is not None:
                font = _font_map(fonts, match.group("font").decode("latin-1"), maps)
            elif match.group("matrix") is not None:
                line = (id(contents), float(match.group("y")))
            elif match.group("array") is not None:
                box.append("".join(_decode(font, text) for text in _HEXSTR.findall(match.group("array"))))
            elif match.group("hex") is not None:
                box.append(_decode(font, match.group("hex")))
            elif match.group("move") is not None:
                if match.group("ty") is None or float(match.group("ty")) != 0:
                    line = (id(contents), object())
            elif kind == "quote":
                raise Unsupported("the ' and \" operators")
        if box:
            boxes.append((line, "".join(box)))
    if b"Do" in data:
        xobjects = _resolve(resources.get("/XObject")) or {}
        for match in _DO.finditer(data):
            xobject = _resolve(xobjects.get("/" + match.group(1).decode("latin-1")))
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                boxes += _content_boxes(xobject, xobject.get("/Resources") or resources, maps, depth + 1)
    return boxes


def _pad(hexdigits: bytes) -> bytes:
    hexdigits = re.sub(rb"\s", b"", hexdigits)
    return hexdigits + b"0" if len(hexdigits) % 2 else hexdigits


def _decode(font: dict | None, hexdigits: bytes) -> str:
    if font is None:
        raise Unsupported("text before a font is set")
    codes = bytes.fromhex(_pad(hexdigits).decode())
    return "".join(font.get(int.from_bytes(codes[i:i + 2], "big"), "\ufffd") for i in range(0, len(codes) - 1, 2))


def _font_map(fonts, name: str, maps: dict) -> dict:
    reference = fonts.get("/" + name) if hasattr(fonts, "get") else None
    if reference is None:
        raise Unsupported(f"unknown font {name!r}")
    key = (reference.idnum, reference.generation) if isinstance(reference, IndirectObject) else id(reference)
    if key not in maps:
        font = _resolve(reference)
        if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H" or "/ToUnicode" not in font:
            raise Unsupported("a font this reader does not decode")
        maps[key] = _to_unicode(_resolve(font["/ToUnicode"]).get_data())
    return maps[key]


def _to_unicode(cmap: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap):
        values = _HEXSTR.findall(block)
        for source, target in zip(values[::2], values[1::2]):
            mapping[int(source, 16)] = _utf16(target)
    for block in _BFRANGE.findall(cmap):
        for low, high, target in _RANGE_LINE.findall(block):
            low, high = int(low, 16), int(high, 16)
            if target.startswith(b"["):
                for offset, each in enumerate(_HEXSTR.findall(target)):
                    mapping[low + offset] = _utf16(each)
            else:
                digits = target[1:-1]
                start = int(digits, 16)
                for offset in range(high - low + 1):
                    mapping[low + offset] = _utf16(f"{start + offset:0{len(digits)}x}".encode())
    if not mapping:
        raise Unsupported("empty ToUnicode map")
    return mapping


def _utf16(hexdigits: bytes) -> str:
    return bytes.fromhex(_pad(hexdigits).decode()).decode("utf-16-be", "replace")


def _layout(boxes: list[tuple[object, str]]) -> str:
    """Each box on a line of its own, then each drawn line with its boxes joined."""
    own = [text for _, text in boxes]
    lines: list[str] = []
    last = object()
    for key, text in boxes:
        if key == last and lines:
            lines[-1] += text
        else:
            lines.append(text)
        last = key
    return "\n".join(own) + "\n" + "\n".join(lines)


# --- outside the page content -------------------------------------------------------

def _resolve(value):
    while isinstance(value, IndirectObject):
        value = value.get_object()
    return value


def _extras(reader: PdfReader) -> str:
    found: list[str] = []
    info = reader.metadata or {}
    for key in ("/Title", "/Author", "/Subject", "/Keywords"):
        if info.get(key):
            found.append(str(info[key]))
    found += _outline_titles(reader.outline)
    for page in reader.pages:
        for annotation in _resolve(page.get("/Annots")) or []:
            action = _resolve(_resolve(annotation).get("/A")) or {}
            if action.get("/URI"):
                found.append(str(action["/URI"]))
            if _resolve(annotation).get("/Contents"):
                found.append(str(_resolve(annotation)["/Contents"]))
    root = _resolve(reader.trailer["/Root"])
    tree = _resolve(root.get("/StructTreeRoot"))
    if tree is not None:
        found += _structure_texts(tree)
    return "\n".join(found)


def _outline_titles(outline) -> list[str]:
    titles = []
    for item in outline or []:
        if isinstance(item, list):
            titles += _outline_titles(item)
        elif getattr(item, "title", None):
            titles.append(str(item.title))
    return titles


def _structure_texts(tree) -> list[str]:
    texts: list[str] = []
    seen: set = set()
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, ArrayObject):
            pending.extend(node)
        elif isinstance(node, DictionaryObject):
            for key in ("/Alt", "/ActualText", "/E", "/T"):
                if key in node and not isinstance(_resolve(node[key]), (DictionaryObject, ArrayObject)):
                    texts.append(str(_resolve(node[key])))
            if "/K" in node:
                pending.append(node["/K"])
    return texts
