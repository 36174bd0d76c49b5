"""Plain-text scrapes -> title, authors, publication date, dateline, agency and body paragraphs.

A scrape is what a crawler saved as text: some navigation residue, the headline, a byline,
often the headline again, then the body whose first paragraph may open with a dateline.
`parse_text_scrape` takes it apart with general rules (no outlet-specific cases):

- Header blocks (before the body) are classified: navigation residue ("Open Menu", "date
  2024-09-26", "Skip to content"), bylines (names with "By/Von/Par/Por" or next to a
  "Published/Veröffentlicht/Publié/Publicado" date), a bare date line, the title (the first
  headline-like block) and copies of the title in another casing, which are dropped.
- The body starts at the first block that is none of those: a dateline paragraph, a long
  paragraph, or anything after the title that is not header material.
- `split_dateline` takes the dateline off the first body paragraph: "PARIS (Reuters) -",
  "BERLIN, 3. März (dpa) –", "MADRID, 5 mar (EFE).-", "WASHINGTON —", "ISLAMABAD:",
  "ISLAMABAD, (UrduPoint / Pakistan Point News - 26th Sep, 2024)". The place must be in capitals
  unless an agency in parentheses follows it with a dash, or the agency is a known one.
- Closing boilerplate goes through `boilerplate.clean_paragraphs`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.core.boilerplate import clean_paragraphs
from pipelines.core.dates import (
    MONTHS,
    LocalDateTime,
    find_datetime,
    parse_datetime,
    zone_for_place,
)
from pipelines.core.textnorm import fingerprint_form, normalize_line, normalize_text

MAX_HEADER_BLOCKS = 8  # the header (title, byline, residue) never runs longer than this
MAX_TITLE_WORDS = 30
MAX_BYLINE_WORDS = 30

_RESIDUE_RE = re.compile(
    r"\b(?:open menu|close menu|main menu|toggle navigation|navigation|skip to (?:main )?content|"
    r"sign in|log in|subscribe now|e-?paper|accept cookies|cookie settings|menü|"
    r"menu principal|menú|breadcrumb|ouvrir le menu|se connecter|"
    r"открыть меню|главное меню|личный кабинет)\b|\bmenu$|"
    r"^(?:menu|search|home|suche|rechercher|buscar|меню|поиск|войти|вход)$",
    re.IGNORECASE,
)
# UI labels a scrape keeps one per line ("Open Menu / Search / Sign in"), in any language.
_UI_LINE_MAX_WORDS = 3
_AGENCY_AFTER_DASH_RE = re.compile(r"(?P<agency>[^\W\d][\w&'/-]*(?: [\w&'/-]+){0,2})\.\s+(?=\S)")
_MENU_SEPARATOR_RE = re.compile(r"\s*[|•·»›>]\s*|\s+/\s+")
# "date 2024-09-26", "Datum: 3.3.2024", "Category: World": key/value metadata lines. Without
# a colon the value must be a number, or "Data centre plans ..." would be a key/value line.
_KEY_VALUE_RE = re.compile(
    r"^\W*(?:date|datum|fecha|data|time|category|kategorie|catégorie|categoría|section|"
    r"rubrik|rubrique|sección|tags?)\b(?:\s*[:\-]\s*\S|\s+\d)",
    re.IGNORECASE,
)
_BYLINE_KEYWORD_RE = re.compile(
    r"\b(?:published|updated|posted|last updated|first published|veröffentlicht|aktualisiert|"
    r"stand|publié(?:e)?|mis à jour|publicado|actualizado|actualización|atualizado|"
    r"опубликовано|обновлено)\b"
    r"(?:\s+(?:on|am|le|el|em|at|um))?\s*:?",
    re.IGNORECASE,
)
# Byline openers: "By", "Von", "Par", "Por", "Autor:", "Автор:", "Text:", "Texto:" ...
_BY_RE = re.compile(
    r"^(?:by|von|par|por|written by|reporting by|text|texto|autor(?:in|es|a)?|auteur|"
    r"автор(?:ы)?|текст)(?:\s*:\s*|\s+)",
    re.IGNORECASE,
)
_NAME_SPLIT_RE = re.compile(
    r"\s*(?:,|;|\||&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bи\b)\s*", re.IGNORECASE
)
_NAME_PARTICLES = frozenset(
    {"van", "von", "de", "da", "del", "della", "di", "du", "der", "den", "dos", "das", "la", "le",
     "bin", "ibn", "al", "el", "ben", "mc", "o'", "st.", "zu", "ter", "y"}
)  # fmt: skip
# Job titles that follow a name in a byline ("Jane Doe, Staff Writer"): not people.
_ROLE_WORDS = frozenset(
    {"writer", "reporter", "correspondent", "editor", "staff", "columnist", "contributor",
     "redakteur", "redakteurin", "korrespondent", "korrespondentin", "correspondant",
     "correspondante", "rédacteur", "rédactrice", "corresponsal", "redactor", "redactora",
     "корреспондент", "редактор", "обозреватель"}
)  # fmt: skip
_SENTENCE_END = (".", "!", "?", "…", '"', "»", ")", "。", "！", "？")

# Known news agencies, so that a mixed-case dateline such as "Islamabad (APP):" is accepted.
KNOWN_AGENCIES = frozenset(
    {"ap", "afp", "reuters", "dpa", "efe", "app", "pti", "ians", "ani", "xinhua", "tass",
     "kyodo", "yonhap", "ansa", "europa press", "upi", "bloomberg", "kna", "epd", "sda", "apa",
     "belga", "anp", "lusa", "nna", "wam", "spa", "irna", "anadolu", "aa", "unb", "bss",
     "bernama", "antara", "cna", "ria novosti", "interfax", "ukrinform", "mena", "apa-dpa",
     "dpa-afx", "agencia efe", "agence france-presse", "associated press", "sputnik", "ips",
     "ap photo", "cnn", "bbc", "ntb", "tt", "ritzau", "stt", "ctk", "pap", "hina", "mia", "ppi",
     "nni", "inp", "online", "sana", "petra", "kuna", "qna", "bna", "ona", "gna", "nan"}
)  # fmt: skip
_AGENCY_WORD_RE = re.compile(
    r"\b(?:news|press|presse|agency|agence|agencia|agência|agentur|nachrichten|wire|service)\b",
    re.IGNORECASE,
)
# All-caps openers that are kickers, not places.
_NOT_PLACES = frozenset(
    {"breaking", "breaking news", "update", "updated", "exclusive", "watch", "video", "photos",
     "live", "analysis", "opinion", "editorial", "note", "editor's note", "correction", "file",
     "urgent", "eilmeldung", "exklusiv", "dernière minute", "urgente", "última hora", "flash",
     "read more", "related", "q", "a"}
)  # fmt: skip
_PLACE_RE = re.compile(r"^[^\W\d_][\w'’.\-]*(?:\s+[^\W\d_][\w'’.\-]*){0,3}$")
# PLACE[, region or date] (AGENCY[ - date]) [separator]
_DATELINE_PAREN_RE = re.compile(
    r"^(?P<head>[^()\n]{2,60}?)\s*,?\s*\((?P<paren>[^()\n]{2,120})\)"
    r"\s*(?P<sep>\.?\s*[-–—:]+|\.(?=\s))?\s*(?=\S)"
)
# "МОСКВА, 17 декабря. /ТАСС/. Body" or "КАЗАНЬ, 26 марта. Body": Russian wire style, a
# capitalized place and a day-month date closed by a full stop, then the agency between
# slashes (optional).
_DATELINE_DOT_RE = re.compile(
    r"^(?P<place>[^()\n,./]{2,40}?),\s*(?P<date>\d{1,2}\.?\s+[^\W\d_]{3,12}\.?)\s*"
    r"(?:\.\s*|(?=/))(?:/\s*(?P<agency>[^/\n]{2,60}?)\s*/\s*\.?\s*)?(?=\S)"
)
# PLACE[, region or date] — : only in capitals, with a dash or colon.
_DATELINE_DASH_RE = re.compile(r"^(?P<head>[^()\n:]{2,60}?)\s*(?P<sep>\s[-–—]{1,2}|:)\s+(?=\S)")


@dataclass(frozen=True, slots=True)
class Dateline:
    """The opening of a story: place, agency and date as written."""

    place: str
    agency: str | None = None
    date: LocalDateTime | None = None


@dataclass(slots=True)
class ScrapeParts:
    paragraphs: list[str]
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: LocalDateTime | None = None
    date_source: str | None = None  # "byline", "text" (a date line) or "dateline"
    dateline: str | None = None
    agency: str | None = None


def parse_text_scrape(text: str, *, take_dateline: bool = True) -> ScrapeParts:
    """Split a plain-text scrape into its parts. Body paragraphs may come back empty.

    With `take_dateline` False the dateline stays in the text and is not reported.
    """
    blocks, ui_stacks = _blocks(normalize_text(text))
    parts = ScrapeParts(paragraphs=[])
    title_form = ""
    body_start = len(blocks)
    for i, block in enumerate(blocks[:MAX_HEADER_BLOCKS]):
        if take_dateline and split_dateline(block)[0] is not None:
            body_start = i
            break
        if ui_stacks[i] or _is_residue(block):
            continue
        byline = _parse_byline(block)
        if byline is not None:
            authors, date = byline
            parts.authors = parts.authors or authors
            if date is not None and (parts.date is None or not parts.date.has_time):
                parts.date, parts.date_source = date, "byline"
            continue
        date_line = _date_only_line(block)
        if date_line is not None:
            if parts.date is None:
                parts.date, parts.date_source = date_line, "text"
            continue
        if parts.title is None and _is_headline(block):
            parts.title, title_form = normalize_line(block), fingerprint_form(block)
            continue
        if title_form and fingerprint_form(block) == title_form:
            continue  # the headline again, in another casing
        body_start = i
        break

    body = blocks[body_start:]
    for k, para in enumerate(body[:3] if take_dateline else []):
        dateline, rest = split_dateline(para)
        if dateline is None:
            continue
        parts.dateline, parts.agency = dateline.place, dateline.agency
        if dateline.date is not None and parts.date is None:
            parts.date, parts.date_source = dateline.date, "dateline"
        body[k : k + 1] = [rest] if rest else []
        break
    parts.paragraphs = clean_paragraphs(body, (parts.title,) if parts.title else ())
    return parts


def _blocks(text: str) -> tuple[list[str], list[bool]]:
    """Paragraphs, and which of them are a stack of UI labels (see `_is_ui_stack`).

    A scrape without blank lines is split into lines instead.
    """
    blocks = [b for b in text.split("\n\n") if b]
    if len(blocks) <= 2 and text.count("\n") >= 4:
        blocks = [line for line in text.split("\n") if line.strip()]
    ui = [_is_ui_stack(b) for b in blocks]
    return [" ".join(b.split()) if len(b.split("\n")) <= 3 else b for b in blocks], ui


def _is_ui_stack(block: str) -> bool:
    """Three or more one-to-three-word lines with no sentence punctuation: the labels of a
    header's buttons ("Open menu / Search / Sign in"), whatever the language."""
    lines = block.split("\n")
    return len(lines) >= 3 and all(
        len(line.split()) <= _UI_LINE_MAX_WORDS
        and not line.rstrip().endswith((*_SENTENCE_END, ":"))
        for line in lines
    )


def _is_residue(block: str) -> bool:
    words = block.split()
    if len(words) > 12:
        return False
    if not any(ch.isalpha() for ch in block):
        return True
    # A menu bar or breadcrumb: three or more short items between separators.
    items = [item for item in _MENU_SEPARATOR_RE.split(block) if item]
    # Breadcrumb arrows mark a trail even with two items; bars and dots need three.
    needed = 2 if any(arrow in block for arrow in (" > ", " › ", " » ")) else 3
    if len(items) >= needed and all(len(item.split()) <= 3 for item in items):
        return True
    return bool(_RESIDUE_RE.search(block) or _KEY_VALUE_RE.match(block))


def _is_headline(block: str) -> bool:
    words = block.split()
    return (
        1 <= len(words) <= MAX_TITLE_WORDS
        and not block.endswith((".", ":", ";", ","))
        and "\n" not in block
    )


def _date_only_line(block: str) -> LocalDateTime | None:
    """A block that is a date and little else ("Thursday, 26 September 2024")."""
    if len(block.split()) > 8:
        return None
    found = find_datetime(block)
    if found is None:
        return None
    rest = block[: found.start] + block[found.end :]
    return found.local if len(rest.split()) <= 2 else None


def _parse_byline(block: str) -> tuple[list[str], LocalDateTime | None] | None:
    """(authors, date) if the block is a byline, else None."""
    if len(block.split()) > MAX_BYLINE_WORDS or "\n" in block:
        return None
    found = find_datetime(block)
    names_part = (block[: found.start] if found else block).strip()
    has_by = bool(_BY_RE.match(names_part))
    has_keyword = bool(_BYLINE_KEYWORD_RE.search(block))
    authors = _names(_BYLINE_KEYWORD_RE.sub(" ", _BY_RE.sub("", names_part)))
    if found is None:
        # "By Jane Doe and John Roe" without a date
        return (authors, None) if has_by and authors else None
    if len(block[found.end :].split()) > 6:
        return None  # a date inside a sentence, not a byline
    if not (authors or has_keyword or has_by):
        return None
    return authors, found.local


def byline_names(text: str) -> list[str]:
    """Person names in a byline: "Par Anne Roy et Paul Petit" -> ["Anne Roy", "Paul Petit"].

    Drops the opener ("By", "Par", "Por", "Von", "Автор:") and labels such as "Updated";
    a part that is not a 2-5 word capitalized name is ignored.
    """
    text = normalize_line(text)
    return _names(_BYLINE_KEYWORD_RE.sub(" ", _BY_RE.sub("", text)))


def author_names(value: str) -> list[str]:
    """Authors in a page's author metadata ("Par Anne Roy et Paul Petit; AFP").

    Each ";"- or "|"-separated part is read as a byline (`byline_names`); a part that holds
    no person name but is plain text (an agency, a desk: "Reuters", "Staff") is kept whole,
    while UI residue ("· Updated", "Mis à jour à") and addresses are dropped.
    """
    authors: list[str] = []
    for part in re.split(r"[;|]", normalize_line(value)):
        part = part.strip(" ,.")
        names = byline_names(part)
        if not names:
            bare = _BY_RE.sub("", part).strip(" ,.")
            plain = (
                2 <= len(bare) <= 80
                and bare[:1].isalnum()
                and "@" not in bare
                and "http" not in bare.lower()
                and not _BYLINE_KEYWORD_RE.search(bare)
            )
            names = [bare] if plain else []
        authors.extend(name for name in names if name not in authors)
    return authors


def _names(text: str) -> list[str]:
    names = []
    for part in _NAME_SPLIT_RE.split(text.strip(" |-–—,:")):
        part = part.strip(" .|-–—:")
        if _is_name(part) and part not in names:
            names.append(part)
    return names


def _is_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > 60:
        return False
    if any(word.casefold() in _ROLE_WORDS for word in words):
        return False
    capitalized = 0
    for word in words:
        if word.lower() in _NAME_PARTICLES:
            continue
        if not word[:1].isupper() or any(ch.isdigit() for ch in word):
            return False
        capitalized += 1
    return capitalized >= 2


def split_dateline(paragraph: str) -> tuple[Dateline | None, str]:
    """(dateline, rest of the paragraph); (None, paragraph) when it does not open with one."""
    m = _DATELINE_PAREN_RE.match(paragraph)
    if m:
        dateline = _paren_dateline(m.group("head"), m.group("paren"), m.group("sep"))
        if dateline is not None:
            return dateline, paragraph[m.end() :].strip()
    m = _DATELINE_DOT_RE.match(paragraph)
    if m:
        place, agency = m.group("place").strip(), m.group("agency")
        month = m.group("date").split()[-1].rstrip(".").casefold()
        if (
            _PLACE_RE.match(place)
            and _is_caps(place)
            and month in MONTHS
            and (agency is None or _is_agency(agency))
        ):
            return Dateline(place, agency), paragraph[m.end() :].strip()
    m = _DATELINE_DASH_RE.match(paragraph)
    if m:
        place, date = _place_and_date(m.group("head"))
        # Capitals only, not a kicker ("BREAKING:"); a colon also needs a known city.
        if (
            place
            and _is_caps(place)
            and place.casefold() not in _NOT_PLACES
            and (m.group("sep") != ":" or zone_for_place(place) is not None)
        ):
            rest = paragraph[m.end() :].strip()
            agency = None
            # "МОСКВА, 26 июня — РИА Новости. Body": a dated dash dateline whose agency
            # follows the dash and ends with a full stop.
            dated = date is not None or any(ch.isdigit() for ch in m.group("head"))
            tail = _AGENCY_AFTER_DASH_RE.match(rest) if dated else None
            if tail and _is_agency(tail.group("agency")) and _is_name_like(tail.group("agency")):
                agency, rest = tail.group("agency"), rest[tail.end() :].strip()
            return Dateline(place, agency, date), rest
    return None, paragraph


def _is_name_like(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words)


def _paren_dateline(head: str, paren: str, sep: str | None) -> Dateline | None:
    place, date = _place_and_date(head)
    if not place:
        return None
    agency, paren_date = _agency_and_date(paren)
    if agency is None and paren_date is None:
        return None
    known = agency is not None and agency.casefold() in KNOWN_AGENCIES
    dash = bool(sep and sep.strip(" .") != "")
    # A mixed-case place ("Islamabad (APP):") needs a known agency, or a dash and a known city:
    # "Apple (AAPL) shares rose" is not a dateline.
    if not (
        _is_caps(place)
        or known
        or (dash and agency is not None and zone_for_place(place) is not None)
    ):
        return None
    return Dateline(place, agency, date or paren_date)


def _place_and_date(head: str) -> tuple[str | None, LocalDateTime | None]:
    """Place (with a region such as "D.C." or "Calif.") and the date from a dateline head."""
    segments = [s.strip() for s in head.strip(" ,").split(",")]
    place_parts: list[str] = []
    date = None
    for k, seg in enumerate(segments):
        if not seg:
            continue
        if k == 0:
            if not _PLACE_RE.match(seg):
                return None, None
            place_parts.append(seg)
        elif any(ch.isdigit() for ch in seg) or find_datetime(seg) is not None:
            date = parse_datetime(", ".join(segments[k:]))
            break
        elif k == 1 and _PLACE_RE.match(seg) and len(seg.split()) <= 2:
            place_parts.append(seg)  # region: "WASHINGTON, D.C.", "HANOI, Vietnam"
        else:
            return None, None
    return (", ".join(place_parts) or None), date


def _agency_and_date(paren: str) -> tuple[str | None, LocalDateTime | None]:
    """ "UrduPoint / Pakistan Point News - 26th Sep, 2024" -> (agency, date)."""
    paren = paren.strip()
    date = None
    found = find_datetime(paren)
    if found is not None:
        date = found.local
        paren = (paren[: found.start] + paren[found.end :]).strip(" -–—,;/")
    agency = paren.strip(" -–—,;/") or None
    if agency is not None and not _is_agency(agency):
        return None, date
    return agency, date


def _is_agency(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 8 or len(text) > 60 or not text[:1].isalpha():
        return False
    if text.casefold() in KNOWN_AGENCIES or _AGENCY_WORD_RE.search(text):
        return True
    # An acronym, which German wires write in lower case: "(dpa)", "(epd)", "(kna)", "(sid)".
    if len(words) == 1 and 2 <= len(text) <= 5 and text.isalpha() and text.islower():
        return True
    # Otherwise a name: capitalized words or an acronym, no sentence inside parentheses.
    return all(w[:1].isupper() or w in {"/", "&", "-", "de", "of", "the"} for w in words)


def _is_caps(place: str) -> bool:
    letters = [ch for ch in place.split(",")[0] if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)
