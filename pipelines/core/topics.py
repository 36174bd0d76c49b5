"""Topics: IPTC Media Topics top-level codes from an inspectable keyword lexicon.

The lexicon is `pipelines/core/data/iptc_topics_lexicon.json` (17 top-level topics, terms in
en/de/fr/es, with a version string); its "syntax" field says how terms match. Scoring:

- the article's words (lower-cased, split at non-word characters) are matched against the
  terms of its language (English when the lexicon has no list for it);
- a term counts at most `MAX_HITS_PER_TERM` (3) times, so one repeated word cannot decide;
  a match in the title counts twice;
- a topic qualifies with a score of at least `min_score` (3) from at least two different
  terms, and at least `RELATIVE_CUTOFF` (40%) of the best topic's score;
- at most `max_topics` (3) codes are returned, best first (ties: code order).

It is deliberately simple: a baseline that can be read, tested and tuned term by term.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

LEXICON_FILE = "iptc_topics_lexicon.json"
MAX_HITS_PER_TERM = 3
TITLE_WEIGHT = 2
RELATIVE_CUTOFF = 0.4
DEFAULT_MIN_SCORE = 3.0
DEFAULT_MAX_TOPICS = 3
MIN_PREFIX = 4

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Term:
    topic: str
    text: str
    words: tuple[str, ...]  # each word exact, or a prefix when it ends with "*"


@dataclass(frozen=True)
class _LanguageIndex:
    exact: dict[str, list[_Term]]  # first word -> terms
    prefix: dict[str, list[_Term]]  # first MIN_PREFIX letters of a prefix first word -> terms


@dataclass(frozen=True)
class Lexicon:
    name: str
    version: str
    names: dict[str, str]  # code -> IPTC name
    indexes: dict[str, _LanguageIndex]

    @property
    def version_id(self) -> str:
        return f"{self.name}-{self.version}"


def parse_lexicon(data: dict[str, Any]) -> Lexicon:
    """Build a lexicon from its JSON form; raises ValueError on a malformed term."""
    names: dict[str, str] = {}
    per_lang: dict[str, list[_Term]] = defaultdict(list)
    for topic in data["topics"]:
        code = topic["code"]
        if not re.fullmatch(r"medtop:\d{8}", code):
            raise ValueError(f"bad topic code {code!r}")
        names[code] = topic["name"]
        for lang, terms in topic["terms"].items():
            for text in terms:
                words = tuple(_term_words(text))
                per_lang[lang].append(_Term(code, text, words))
    indexes = {}
    for lang, terms in per_lang.items():
        exact: dict[str, list[_Term]] = defaultdict(list)
        prefix: dict[str, list[_Term]] = defaultdict(list)
        for term in terms:
            first = term.words[0]
            if first.endswith("*"):
                prefix[first[:MIN_PREFIX]].append(term)
            else:
                exact[first].append(term)
        indexes[lang] = _LanguageIndex(dict(exact), dict(prefix))
    return Lexicon(str(data["name"]), str(data["version"]), names, indexes)


def _term_words(text: str) -> list[str]:
    star = text.endswith("*")
    words = _WORD.findall(text.lower())
    if not words:
        raise ValueError(f"empty lexicon term {text!r}")
    if star:
        if len(words) == 1 and len(words[0]) < MIN_PREFIX:
            raise ValueError(f"prefix term {text!r} needs {MIN_PREFIX}+ letters before '*'")
        words[-1] += "*"
    return words


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon (parsed once per process)."""
    raw = resources.files("pipelines.core").joinpath("data", LEXICON_FILE).read_text("utf-8")
    return parse_lexicon(json.loads(raw))


def _word_matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


def _hits(words: list[str], index: _LanguageIndex) -> dict[_Term, int]:
    found: dict[_Term, int] = defaultdict(int)
    for i, word in enumerate(words):
        candidates = index.exact.get(word, []) + index.prefix.get(word[:MIN_PREFIX], [])
        for term in candidates:
            n = len(term.words)
            if i + n <= len(words) and all(
                _word_matches(p, w) for p, w in zip(term.words, words[i : i + n], strict=True)
            ):
                found[term] += 1
    return found


def score_topics(
    text: str, language: str | None = None, title: str | None = None, lexicon: Lexicon | None = None
) -> dict[str, float]:
    """Raw score per topic code, for topics matched by at least two different terms."""
    lex = lexicon or load_lexicon()
    index = lex.indexes.get(language or "en") or lex.indexes["en"]
    body = _hits(_WORD.findall(text.lower()), index)
    head = _hits(_WORD.findall(title.lower()), index) if title else {}
    scores: dict[str, float] = defaultdict(float)
    distinct: dict[str, int] = defaultdict(int)
    for term in set(body) | set(head):
        hits = min(body.get(term, 0) + TITLE_WEIGHT * head.get(term, 0), MAX_HITS_PER_TERM)
        scores[term.topic] += hits
        distinct[term.topic] += 1
    return {code: s for code, s in scores.items() if distinct[code] >= 2}


def classify_topics(
    text: str,
    language: str | None = None,
    title: str | None = None,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    max_topics: int = DEFAULT_MAX_TOPICS,
    lexicon: Lexicon | None = None,
) -> list[str]:
    """IPTC top-level codes for an article, best first (see module doc)."""
    scores = score_topics(text, language, title, lexicon)
    if not scores:
        return []
    best = max(scores.values())
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [code for code, s in ranked if s >= min_score and s >= RELATIVE_CUTOFF * best][
        :max_topics
    ]
