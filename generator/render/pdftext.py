"""Text of the PDFs this tool prints, fast enough to check every guide.

A proposal for the leak check (generator.render.leaks.pdf_text), which uses pypdf's
`extract_text`: about 300 ms for the volunteer guide of the complete example, a
third of what WeasyPrint needs to print it. Half of that is pypdf's pure-Python
content-stream parser, the other half reading every object of the object streams
(the PDF/UA structure tree is most of them) before the first page can be found.

The guides come from one producer (WeasyPrint through pydyf): one cross-reference
stream, objects in object streams, Type0 fonts with Identity-H encoding and a
ToUnicode map, text drawn with `Tf`, `Tm` and `TJ` inside `BT`/`ET`. This module
reads exactly that: a small reader for the objects it needs, one regular expression
for the text operators. Anything else (a classic cross-reference table, another
font type, a literal string in page content, an inline image, another stream
filter) falls back to pypdf for the whole document, so it never reads less than
pypdf would. About 25 ms for the same guide.

What it returns:
- for each page, every text box on its own line, and again every line of the page
  with its boxes joined as they are drawn, so a phrase split across boxes ("Dial
  **999** now") and the cells of a table row are both searchable; text inside form
  XObjects (transparency groups) too;
- then what pypdf's page text leaves out: every string outside the page content
  (document information, outline titles, link targets such as tel: and mailto:,
  the PDF/UA alternative texts, named destinations) and the XMP metadata.
"""

from __future__ import annotations

import io
import re
import struct
import zlib


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
    try:
        document = _Document(pdf)
        maps: dict = {}
        parts = [_layout(_content_boxes(page["contents"], page["resources"], maps, document, 0))
                 for page in document.pages()]
        parts.append(_extras(document))
        return "\n".join(parts)
    except (Unsupported, KeyError, ValueError, IndexError, TypeError, zlib.error, RecursionError):
        return _pypdf_text(pdf)


def _pypdf_text(pdf: bytes) -> str:
    """What the leak check read before: pypdf's text of every page."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


# --- just enough of a PDF reader --------------------------------------------------------

class Ref(tuple):
    """An indirect reference `N G R`."""


class Name(str):
    """A /Name (kept with its slash)."""


class Stream(dict):
    """A stream's dictionary, with its decoded data."""

    raw: bytes = b""

    def get_data(self) -> bytes:
        filters = self.get("/Filter")
        filters = filters if isinstance(filters, list) else [filters] if filters else []
        data = self.raw
        for name in filters:
            if name != "/FlateDecode" or self.get("/DecodeParms"):
                raise Unsupported(f"stream filter {name}")
            data = zlib.decompress(data)
        return data


_OBJECT_TOKEN = re.compile(rb"""
    \s*(?:%[^\r\n]*\s*)*
    (?:(?P<dict><<|>>)
      |(?P<ref>(?P<num>\d+)\s+(?P<gen>\d+)\s+R(?![A-Za-z]))
      |(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))
      |(?P<name>/[^\s/\[\]<>(){}%]*)
      |(?P<hexstr><[0-9A-Fa-f\s]*>)
      |(?P<open>\[)|(?P<close>\])
      |(?P<lit>\()
      |(?P<word>true|false|null))
""", re.VERBOSE)
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f",
            ord("("): b"(", ord(")"): b")", ord("\\"): b"\\"}
_OBJ_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")


class _Document:
    """Objects of a PDF by number: the cross-reference stream, object streams, plain objects."""

    def __init__(self, data: bytes):
        self.data = data
        self.cache: dict[int, object] = {}
        self.streams: dict[int, tuple[bytes, list[tuple[int, int]], int]] = {}
        at = data.rfind(b"startxref")
        if at < 0:
            raise Unsupported("no startxref")
        xref = self._object_at(int(data[at + 9:].split()[0]))
        if not isinstance(xref, Stream) or xref.get("/Type") != "/XRef" or xref.get("/Prev") is not None:
            raise Unsupported("not a single cross-reference stream")
        self.trailer = xref
        self.entries: dict[int, tuple[int, int, int]] = {}
        widths = [int(w) for w in xref["/W"]]
        index = [int(i) for i in xref.get("/Index", [0, int(xref["/Size"])])]
        table = xref.get_data()
        size = sum(widths)
        position = 0
        for first, count in zip(index[::2], index[1::2]):
            for number in range(first, first + count):
                row = table[position:position + size]
                position += size
                fields, offset = [], 0
                for width in widths:
                    fields.append(int.from_bytes(row[offset:offset + width], "big") if width else 1)
                    offset += width
                self.entries[number] = tuple(fields)

    def get(self, value):
        """Follow references until a direct object."""
        depth = 0
        while isinstance(value, Ref):
            depth += 1
            if depth > 32:
                raise Unsupported("reference loop")
            value = self.object(value[0])
        return value

    def object(self, number: int):
        if number in self.cache:
            return self.cache[number]
        kind, first, second = self.entries.get(number, (0, 0, 0))
        if kind == 1:
            value = self._object_at(first, number)
        elif kind == 2:
            value = self._object_in_stream(first, second)
        else:
            value = None
        self.cache[number] = value
        return value

    def _object_at(self, offset: int, number: int | None = None):
        header = _OBJ_HEADER.match(self.data, offset)
        if header is None or (number is not None and int(header.group(1)) != number):
            raise Unsupported(f"no object at offset {offset}")
        value, position = _parse(self.data, header.end())
        if isinstance(value, dict):
            keyword = re.compile(rb"\s*stream\r?\n").match(self.data, position)
            if keyword:
                stream = Stream(value)
                length = self.get(value.get("/Length"))
                if not isinstance(length, int):
                    raise Unsupported("stream without a length")
                stream.raw = self.data[keyword.end():keyword.end() + length]
                return stream
        return value

    def _object_in_stream(self, stream_number: int, index: int):
        if stream_number not in self.streams:
            stream = self.object(stream_number)
            if not isinstance(stream, Stream) or stream.get("/Type") != "/ObjStm":
                raise Unsupported("not an object stream")
            data = stream.get_data()
            numbers = [int(n) for n in data[:int(stream["/First"])].split()]
            self.streams[stream_number] = (data, list(zip(numbers[::2], numbers[1::2])), int(stream["/First"]))
        data, table, first = self.streams[stream_number]
        _, offset = table[index]
        return _parse(data, first + offset)[0]

    # the parts of the document the text comes from
    @property
    def root(self) -> dict:
        return self.get(self.trailer["/Root"])

    def pages(self):
        pending = [(self.get(self.root["/Pages"]), None)]
        seen = 0
        while pending:
            node, inherited = pending.pop(0)
            seen += 1
            if seen > 100_000:
                raise Unsupported("page tree too large")
            resources = node.get("/Resources", inherited)
            if node.get("/Type") == "/Pages":
                pending[0:0] = [(self.get(kid), resources) for kid in self.get(node["/Kids"])]
            else:
                contents = self.get(node.get("/Contents"))
                if isinstance(contents, list):
                    streams = [self.get(part) for part in contents]
                    joined = Stream()
                    joined.raw = b"\n".join(part.get_data() for part in streams)
                    contents = joined
                yield {"contents": contents, "resources": self.get(resources), "node": node}


def _parse(data: bytes, position: int):
    """One PDF object starting at `position`: (value, position after it)."""
    stack: list[list] = []
    keys: list[bool] = []  # for each open container: is it a dictionary?
    while True:
        match = _OBJECT_TOKEN.match(data, position)
        if match is None:
            raise Unsupported(f"cannot read the object at {position}")
        position = match.end()
        kind = match.lastgroup if match.lastgroup not in ("num", "gen") else "ref"
        if kind == "dict" and match.group("dict") == b"<<":
            stack.append([])
            keys.append(True)
            continue
        if kind == "open":
            stack.append([])
            keys.append(False)
            continue
        if kind == "dict" or kind == "close":
            items = stack.pop()
            is_dict = keys.pop()
            if is_dict != (kind == "dict"):
                raise Unsupported("unbalanced brackets")
            value = dict(zip(items[::2], items[1::2])) if is_dict else items
        elif kind == "ref":
            value = Ref((int(match.group("num")), int(match.group("gen"))))
        elif kind == "number":
            text = match.group("number")
            value = float(text) if b"." in text else int(text)
        elif kind == "name":
            value = Name(match.group("name").decode("latin-1"))
        elif kind == "hexstr":
            value = _text(bytes.fromhex(_pad(match.group("hexstr")[1:-1]).decode("ascii")))
        elif kind == "lit":
            raw, position = _literal(data, position)
            value = _text(raw)
        else:
            value = {b"true": True, b"false": False, b"null": None}[match.group("word")]
        if not stack:
            return value, position
        stack[-1].append(value)


def _literal(data: bytes, position: int) -> tuple[bytes, int]:
    out = bytearray()
    depth = 1
    while position < len(data):
        byte = data[position]
        position += 1
        if byte == 0x5C:
            following = data[position]
            position += 1
            if following in _ESCAPES:
                out += _ESCAPES[following]
            elif 0x30 <= following <= 0x37:
                digits = bytes([following])
                while len(digits) < 3 and 0x30 <= data[position] <= 0x37:
                    digits += bytes([data[position]])
                    position += 1
                out.append(int(digits, 8) & 0xFF)
            elif following == 0x0D:
                if data[position] == 0x0A:
                    position += 1
            elif following != 0x0A:
                out.append(following)
        elif byte == 0x28:
            depth += 1
            out.append(byte)
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), position
            out.append(byte)
        else:
            out.append(byte)
    raise Unsupported("unterminated string")


def _text(raw: bytes) -> str:
    """A PDF text string: UTF-16 with a byte-order mark, UTF-8 with one, else PDFDocEncoding (read as Latin-1)."""
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    return raw.decode("latin-1")


# --- page content ---------------------------------------------------------------------

def _content_boxes(contents, resources, maps: dict, document: _Document, depth: int) -> list[tuple[object, str]]:
    """(line key, text) for every text box (BT ... ET), in drawing order."""
    if contents is None:
        return []
    if depth > 8:
        raise Unsupported("form XObjects nested too deep")
    data = contents.get_data()
    resources = document.get(resources) or {}
    fonts = document.get(resources.get("/Font")) or {}
    if b"(" in data or _UNSUPPORTED.search(_BLOCK.sub(b" ", data)):
        raise Unsupported("literal strings, inline images or text state outside BT")
    boxes: list[tuple[object, str]] = []
    font = None
    line: object = None
    for block in _BLOCK.finditer(data):
        box: list[str] = []
        for match in _TEXT_OPS.finditer(block.group(1)):
            if match.group("font") is not None:
                font = _font_map(fonts, match.group("font").decode("latin-1"), maps, document)
            elif match.group("matrix") is not None:
                line = (id(contents), float(match.group("y")))
            elif match.group("array") is not None:
                box.append(_decode(font, b"".join(_HEXSTR.findall(match.group("array")))))
            elif match.group("hex") is not None:
                box.append(_decode(font, match.group("hex")))
            elif match.group("move") is not None:
                if match.group("ty") is None or float(match.group("ty")) != 0:
                    line = (id(contents), object())
            elif match.group("quote") is not None:
                raise Unsupported("the ' and \" operators")
        if box:
            boxes.append((line, "".join(box)))
    if b"Do" in data:
        xobjects = document.get(resources.get("/XObject")) or {}
        for match in _DO.finditer(data):
            xobject = document.get(xobjects.get("/" + match.group(1).decode("latin-1")))
            if isinstance(xobject, Stream) and xobject.get("/Subtype") == "/Form":
                boxes += _content_boxes(xobject, xobject.get("/Resources") or resources, maps, document, depth + 1)
    return boxes


def _pad(hexdigits: bytes) -> bytes:
    if len(hexdigits) % 2 or not hexdigits.isalnum():
        hexdigits = re.sub(rb"\s", b"", hexdigits)
        if len(hexdigits) % 2:
            hexdigits += b"0"
    return hexdigits


def _decode(font: dict | None, hexdigits: bytes) -> str:
    """Glyph codes (two bytes each, Identity-H) to text through the font's ToUnicode map."""
    if font is None:
        raise Unsupported("text before a font is set")
    codes = bytes.fromhex(_pad(hexdigits).decode("ascii"))
    count = len(codes) // 2
    missing = "\ufffd"
    return "".join([font.get(code, missing) for code in struct.unpack(f">{count}H", codes[:count * 2])])


def _font_map(fonts: dict, name: str, maps: dict, document: _Document) -> dict:
    reference = fonts.get("/" + name)
    if reference is None:
        raise Unsupported(f"unknown font {name!r}")
    key = reference if isinstance(reference, Ref) else id(reference)
    if key not in maps:
        font = document.get(reference)
        if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H" or "/ToUnicode" not in font:
            raise Unsupported("a font this reader does not decode")
        maps[key] = _to_unicode(document.get(font["/ToUnicode"]).get_data())
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

def _extras(document: _Document) -> str:
    """Every string outside the page content: document information, outline titles, link
    targets, the structure tree's alternative texts, names; and the XMP metadata.

    Strings are found by scanning the object streams rather than walking the object
    graph: faster, and nothing is missed by a walk that does not know where to look.
    """
    found: list[str] = []
    top_level: list[int] = []
    for number, (kind, first, _) in document.entries.items():
        if kind == 2 and first not in document.streams:
            document._object_in_stream(first, 0)  # loads and decompresses the stream once
        elif kind == 1:
            top_level.append(number)
    for data, _, start in document.streams.values():
        found += _strings_in(data, start)
    for number in top_level:
        value = document.object(number)
        if isinstance(value, Stream):
            if value.get("/Type") == "/Metadata":
                found.append(value.get_data().decode("utf-8", "replace"))
            continue
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, str) and not isinstance(item, Name):
                found.append(item)
    return "\n".join(found)


_HEX_STRING = re.compile(rb"(?<!<)<([0-9A-Fa-f\s]*)>(?!>)")


def _strings_in(data: bytes, start: int) -> list[str]:
    """The (literal) and <hex> strings among the objects of an object stream."""
    found = []
    position = data.find(b"(", start)
    while position >= 0:
        raw, end = _literal(data, position + 1)
        found.append(_text(raw))
        position = data.find(b"(", end)
    for match in _HEX_STRING.finditer(data, start):
        found.append(_text(bytes.fromhex(_pad(match.group(1)).decode("ascii"))))
    return found
