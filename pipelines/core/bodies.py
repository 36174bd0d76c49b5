"""Checks on a raw body and its decoding to text: one rule for the read step and for CLEAN.

The producer (`io/inputs.make_article`) runs them before sending a page and records the
encoding it found; CLEAN runs them again on what arrives (a topic has other writers), starting
from that recorded encoding, and lands on the same text.

`checked_body` (size and content), in order; each failure is an ArticleError code:
- `too_large`: over `max_bytes`, or a gzip body inflating past it;
- `empty`: nothing but whitespace;
- `undecodable`: gzip data that does not inflate; no encoding fits (below);
- `binary_content`: NUL bytes, or more than 1 in 20 control bytes, in the first 8 KiB (a
  UTF-16 byte-order mark excepted).

`decode_body`, the encoding (after the WHATWG Encoding standard where it speaks):
1. A byte-order mark wins (UTF-8, UTF-16LE, UTF-16BE).
2. Labels, in order: the given one (HTTP header, producer), then the XML declaration and
   `<meta charset>` in the first 4 KiB, read as WHATWG reads them (latin-1 and ASCII are
   windows-1252, GB2312 is GBK, EUC-KR is windows-949). The first that decodes the whole
   body strictly wins; an ASCII label tries UTF-8 first (pages labelled ASCII are UTF-8 in
   practice, and windows-1252 is what browsers use when they are not).
3. Strict UTF-8.
4. UTF-8 with stray bytes: when at most one in ten of the body's non-ASCII characters is not
   UTF-8 (a character cut in two, a legacy byte in an attribute), the body is UTF-8 and the
   stray bytes become U+FFFD, as a browser shows them.
5. A legacy page without a fitting label: charset_normalizer's guess, else windows-1252. A
   single-byte guess for a body that also holds UTF-8 is two encodings mixed: `undecodable`.

`looks_like_html` is the one HTML sniff; `has_visible_text` whether a page shows any word.
"""

from __future__ import annotations

import codecs
import html
import re
import zlib

from pipelines.core.errors import ArticleError

SNIFF_CHARS = 65536  # how much of a text `looks_like_html` looks at
_PRESCAN_BYTES = 4096
_BINARY_HEAD = 8192

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""")
_CHARSET_PARAM_RE = re.compile(r"charset\s*=\s*[\"']?([^\s;\"']+)", re.IGNORECASE)
_HTML_SNIFF_RE = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|main|span|table|"
    r"br|h[1-6]|a|ul|li|img|script|link)[\s>/]",
    re.IGNORECASE,
)
# A lead byte followed by the right number of continuation bytes: real UTF-8 sequences.
_UTF8_SEQUENCE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_CONTROL_BYTES = frozenset(range(0, 32)) - {9, 10, 12, 13, 27}
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)  # translate() deletes these
# Skips what is never shown (head, scripts, styles, templates, comments, tags) and captures the
# text between tags.
_TEXT_SCAN_RE = re.compile(
    r"<head\b.*?</head\s*>|<(script|style|template)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|(?P<text>[^<]+)",
    re.I | re.S,
)
_WORD_RE = re.compile(r"\w")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG Encoding: what a label means where it differs from Python's codec of that name.
_WHATWG = {
    "ascii": "windows-1252",
    "iso8859-1": "windows-1252",
    "iso8859-9": "windows-1254",
    "iso8859-11": "cp874",
    "gb2312": "gbk",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    "utf-8-sig": "utf-8",
    "utf-16": "utf-8",  # a label, not a BOM, cannot mean UTF-16 for a page read as ASCII
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
}
_STRAY_SHARE = 10  # at most 1 in this many non-ASCII characters may be stray bytes


def checked_body(body: bytes, max_bytes: int | None) -> bytes:
    """The body to decode: size, gzip and binary checks (see the module docstring)."""
    _check_size(body, max_bytes)
    if body[:2] == b"\x1f\x8b":  # gzip sent as is: inflate, with the same size limit
        limit = max_bytes if max_bytes is not None else 0
        inflater = zlib.decompressobj(wbits=31)
        try:
            body = inflater.decompress(body, limit + 1 if limit else 0)
        except zlib.error as err:
            raise ArticleError("undecodable", f"bad gzip data: {err}") from err
        if inflater.unconsumed_tail:
            raise ArticleError("too_large", f"inflates beyond the {limit:,}-byte limit")
        _check_size(body, max_bytes)
    _check_binary(body)
    return body


def _check_size(body: bytes, max_bytes: int | None) -> None:
    if max_bytes is not None and len(body) > max_bytes:
        raise ArticleError("too_large", f"{len(body):,} bytes is over the {max_bytes:,}-byte limit")
    if not body.strip():
        raise ArticleError("empty", "no content" if not body else "only whitespace")


def _check_binary(body: bytes) -> None:
    head = body[:_BINARY_HEAD]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    if b"\x00" in head:
        raise ArticleError("binary_content", "contains NUL bytes: not text")
    controls = len(head.translate(None, _NOT_CONTROL))
    if controls > len(head) // 20:
        raise ArticleError(
            "binary_content", f"{controls} control bytes in the first {len(head)}: not text"
        )


def charset_param(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type value ("text/html; charset=utf-8")."""
    m = _CHARSET_PARAM_RE.search(content_type or "")
    return m.group(1) if m else None


def _lookup(label: str) -> str | None:
    label = label.strip().strip("\"'").lower()
    for name in (label, label.replace("windows-", "cp", 1)):
        try:
            return codecs.lookup(name).name
        except LookupError:
            continue
    return None


def encoding_name(label: str | None) -> str | None:
    """The encoding a charset label means (WHATWG), spelled the usual way ("windows-1252"),
    or None for an unknown label."""
    name = _lookup(label) if label else None
    if name is None:
        return None
    name = _WHATWG.get(name, name)
    if name.startswith("cp") and name[2:].isdigit() and len(name) == 6:
        return f"windows-{name[2:]}"
    if name.startswith("iso8859-"):
        return "iso-8859-" + name.removeprefix("iso8859-")
    return name.replace("_", "-")


def _candidates(body: bytes, given: str | None) -> list[str]:
    """The encodings to try, from the labels, in order (step 2)."""
    head = body[:_PRESCAN_BYTES]
    labels = [given]
    for pattern in (_XML_DECL_RE, _META_CHARSET_RE):
        m = pattern.search(head)
        if m:
            labels.append(m.group(1).decode("ascii", "replace"))
    names: list[str] = []
    for label in labels:
        name = encoding_name(label)
        if name is None:
            continue
        for codec in ("utf-8", name) if label and _lookup(label) == "ascii" else (name,):
            if codec not in names:
                names.append(codec)
    return names


def decode_body(body: bytes, given: str | None = None) -> tuple[str, str]:
    """(encoding, text) of a checked body; raises ArticleError("undecodable")."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, body[len(bom) :].decode(name, errors="replace")
    for name in [*_candidates(body, given), "utf-8"]:
        try:
            return name, body.decode(name)
        except UnicodeDecodeError:
            continue
    text = body.decode("utf-8", errors="replace")
    utf8 = len(_UTF8_SEQUENCE_RE.findall(body))
    if utf8 and text.count("\ufffd") * _STRAY_SHARE <= utf8:
        return "utf-8", text
    name = _guess(body) or "windows-1252"
    if name != "windows-1252" and _same_text(body, name, "windows-1252"):
        name = "windows-1252"  # the guess often names a sibling that reads these bytes alike
    if utf8 and _single_byte(name):
        raise ArticleError(
            "undecodable", f"mixed encodings: {utf8} UTF-8 sequences beside {name} bytes"
        )
    try:
        return name, body.decode(name)
    except UnicodeDecodeError as exc:
        raise ArticleError(
            "undecodable",
            f"no encoding fits: byte 0x{body[exc.start]:02x} at offset {exc.start} "
            f"is not valid {name}",
        ) from exc


def _guess(body: bytes) -> str | None:
    from charset_normalizer import from_bytes  # lazy: only for bodies no label or UTF-8 fits

    sample = body if len(body) <= 200_000 else body[:100_000] + body[-100_000:]
    best = from_bytes(sample).best()
    return encoding_name(best.encoding) if best is not None else None


def _same_text(body: bytes, one: str, other: str) -> bool:
    try:
        return body.decode(one) == body.decode(other)
    except UnicodeDecodeError:
        return False


def _single_byte(name: str) -> bool:
    """Whether every byte is one character in this encoding (windows-1252, KOI8-R...)."""
    return len(bytes(range(0x80, 0x100)).decode(name, errors="replace")) == 0x80


def looks_like_html(text: str) -> bool:
    """True if the start of the text has HTML markup."""
    return _HTML_SNIFF_RE.search(text[:SNIFF_CHARS]) is not None


def has_visible_text(markup: str) -> bool:
    """Whether any letter or digit would be shown: stops at the first one (cheap on real pages)."""
    for m in _TEXT_SCAN_RE.finditer(markup):
        chunk = m.group("text")
        if chunk is not None and _WORD_RE.search(html.unescape(chunk)):
            return True
    return False
