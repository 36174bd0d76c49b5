"""Text normalization shared by the CLEAN step: Unicode, invisible characters, whitespace, counting.

- `normalize_text` puts any extracted text into one canonical shape: NFC, invisible
  characters dropped, horizontal whitespace collapsed, paragraph breaks (blank lines) kept as
  exactly "\\n\\n"; quotes and dashes stay as published.
- `split_paragraphs` / `join_paragraphs` convert between that shape and a paragraph list.
- `word_count` counts words (letters/digits, with inner apostrophes and hyphens kept).
- `content_fingerprint` hashes a casefolded, punctuation- and whitespace-free form of the text,
  so copies that differ only in formatting share the exact-duplicate key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

# Characters replaced in every text. Quotes, apostrophes and dashes are kept as published
# (comparisons go through `fingerprint_form`, which ignores punctuation): folding them changed
# what the author wrote ("„Zitat“" became '"Zitat"') and gained nothing.
_CHAR_MAP: dict[str, str] = {
    "\u2028": "\n",  # line separator
    "\u2029": "\n\n",  # paragraph separator
    "\r": "\n",
    "\t": " ",
    "\x0b": " ",
    "\x0c": "\n",
    # Invisible characters that only break tokenization. ZWJ/ZWNJ are kept: they are
    # meaningful in Arabic-script and Indic text.
    "\u00ad": "",  # soft hyphen
    "\u200b": "",  # zero-width space
    "\u2060": "",  # word joiner
    "\ufeff": "",  # BOM / zero-width no-break space
}
# A regex finds the few characters to replace much faster than str.translate walks every one.
_CHAR_RE = re.compile("[" + re.escape("".join(_CHAR_MAP)) + "]")
# Other control characters (C0 except \n, C1) are garbage from bad decoding.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Any Unicode space separator (NBSP, thin space, ideographic space, ...) becomes " ".
_HSPACE_RE = re.compile(r"[^\S\n]+")
_PARA_SPLIT_RE = re.compile(r"\n\s*\n")
_WORD_RE = re.compile(r"\w+(?:['’\-\u2010\u2011]\w+)*")
_TOKEN_RE = re.compile(r"\w+")


def normalize_text(text: str) -> str:
    """Canonical form of a text: NFC, single spaces, "\\n\\n" paragraphs, no invisible characters.

    Single newlines inside a paragraph are kept (verse, addresses, list items).
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    text = _CHAR_RE.sub(lambda m: _CHAR_MAP[m.group()], text)
    text = _CONTROL_RE.sub("", text)
    paragraphs = []
    for block in _PARA_SPLIT_RE.split(text):
        lines = [_HSPACE_RE.sub(" ", line).strip() for line in block.split("\n")]
        para = "\n".join(line for line in lines if line)
        if para:
            paragraphs.append(para)
    return "\n\n".join(paragraphs)


def normalize_line(text: str) -> str:
    """`normalize_text` for one-line values (titles, names): all whitespace becomes one space."""
    return " ".join(normalize_text(text).split())


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of an already normalized text."""
    return [p for p in text.split("\n\n") if p]


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Normalize and join paragraphs with a blank line, dropping empty ones."""
    return normalize_text("\n\n".join(paragraphs))


def word_count(text: str) -> int:
    """Number of words; "don't" and "well-known" count as one."""
    return sum(1 for _ in _WORD_RE.finditer(text))


def fingerprint_form(text: str) -> str:
    """The form `content_fingerprint` hashes: NFKC, casefolded word tokens joined by spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_TOKEN_RE.findall(folded))


def content_fingerprint(text: str) -> str:
    """Exact-duplicate key: 32 hex chars of BLAKE2b over `fingerprint_form(text)`."""
    return hashlib.blake2b(fingerprint_form(text).encode("utf-8"), digest_size=16).hexdigest()
