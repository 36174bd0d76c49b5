"""Keywords: a small, deterministic, download-free scorer of our own.

Candidates are 1- to 3-word phrases inside runs of content words: a run ends at punctuation,
a line break, a stop word (spaCy's list for the article's language, plus news reporting
verbs, amounts such as "million" or "percent", calendar words and generic words in English;
contractions of stop words count as stop words), a number or a URL. Some words may sit in a
phrase but are no keyword alone: generic modifiers ("new"), attributions ("officials"),
units of measure and spans of time ("miles", "months"), and English verb forms in "-ed" that
the body writes in lower case and never after "the" or "a" ("spilled", not "the accused").
A phrase ending in an English plural is merged into its singular when both occur ("storms"
and "storm": one keyword). Each candidate is scored

    score = occurrences * words * (1 + 0.5 * earliness)

that is, the content words it covers, where occurrences counts the title twice and
earliness is 1 at the start of the text and 0 at its end (news puts what matters first).
Phrases of two or more words need two occurrences in the body (the title alone, often in
Title Case, is not enough). A shorter candidate gives way to the longer ones containing it
when one of them occurs at least 60% as often ("automotive" to "automotive sector") or when
the phrases one word longer hold at least half its occurrences ("hurricane" to "hurricane
season" and "hurricane center"; a word mostly used alone stays). The top `max_keywords`
are picked greedily, skipping any that contains, is contained in or chains onto a phrase
already picked ("York State attorney" after "New York State"); ties break on the text.
Each word of a keyword is lower case unless the body never writes it in lower case
("Taizhou", "EV sector"). A possessive "'s" is dropped ("Pakistan's" -> "Pakistan").

Languages written without spaces (zh, ja, th, lo, km, my) get no keywords: word
segmentation would need a model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

KEYWORDS_VERSION = "2"
DEFAULT_MAX_KEYWORDS = 10
MAX_PHRASE_WORDS = 3
_TITLE_WEIGHT = 2
_EARLY_BONUS = 0.5
_ABSORB_ONE = 0.6  # one longer phrase this often: the shorter adds nothing
_ABSORB_ALL = 0.5  # longer phrases hold this share of its occurrences: it is used in them
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my"})

_EXTRA_STOP_WORDS = {
    "en": {
        "said",
        "says",
        "say",
        "told",
        "added",
        "according",
        "including",
        "reported",
        "also",
        "would",
        "could",
        "mr",
        "mrs",
        "ms",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "year",
        "years",
        "week",
        "today",
        "yesterday",
        # generic words that carry no topic ("new" is not one: "New York")
        "like",
        "good",
        "way",
        "want",
        "wants",
        "make",
        "makes",
        "made",
        "get",
        "gets",
        "got",
        "going",
        "thing",
        "things",
        "lot",
        "time",
        "times",
        "people",
        "need",
        "needs",
        "use",
        "used",
        "day",
        "days",
        # reporting verbs: how a story is told, never what it is about
        "stated",
        "noted",
        "noting",
        "explained",
        "explains",
        "warned",
        "warns",
        "announced",
        "announces",
        "confirmed",
        "confirms",
        "argued",
        "argues",
        "insisted",
        "insists",
        "suggested",
        "suggests",
        "commented",
        "remarked",
        "acknowledged",
        "acknowledges",
        "declared",
        "replied",
        "responded",
        "stressed",
        "emphasised",
        "emphasized",
        "adding",
        "saying",
        "tells",
        "asked",
        "asks",
        # amounts: spaCy's list has most number words but not these
        "zero",
        "seven",
        "thirteen",
        "fourteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "thirty",
        "seventy",
        "eighty",
        "ninety",
        "hundreds",
        "thousand",
        "thousands",
        "million",
        "millions",
        "billion",
        "billions",
        "trillion",
        "trillions",
        "dozen",
        "dozens",
        "percent",
        "half",
    },
    "de": {
        "sagte",
        "sagt",
        "erklärte",
        "teilte",
        "laut",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
        "jahr",
        "jahren",
    },
    "fr": {
        "dit",
        "déclaré",
        "selon",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "année",
        "ans",
    },
    "es": {
        "dijo",
        "según",
        "afirmó",
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
        "año",
        "años",
    },
}
# Words that may sit inside a phrase ("New York", "new rules", "health officials",
# "Kilometre Zero") but are no keyword alone: generic modifiers, the people a story is
# attributed to, units of measure and spans of time.
_NOT_ALONE = frozenset(
    {
        "new",
        "old",
        "first",
        "last",
        "next",
        "former",
        "other",
        "same",
        "official",
        "officials",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "mile",
        "miles",
        "kilometre",
        "kilometres",
        "kilometer",
        "kilometers",
        "km",
        "feet",
        "foot",
        "metre",
        "metres",
        "meter",
        "meters",
        "acre",
        "acres",
        "hectares",
        "ton",
        "tons",
        "tonnes",
        "litre",
        "litres",
        "liter",
        "liters",
        "gallons",
        "degrees",
        "dollars",
        "euros",
        "cents",
        "hour",
        "hours",
        "minutes",
        "month",
        "months",
        "decade",
        "decades",
    }
)
_ARTICLES = frozenset({"the", "a", "an"})
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_POSSESSIVE = re.compile(r"['’]s$")
_URL = re.compile(r"(?:https?://|www\.)\S+")


@lru_cache(maxsize=64)
def _spacy_stop_words(lang: str) -> set[str]:
    """spaCy's `lang/<code>/stop_words.py` read on its own: importing the whole language
    package compiles its tokenizer rules (seconds of CPU per process) for a word list."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None or not lang.isalpha():
        return set()
    path = Path(spec.origin).parent / "lang" / lang / "stop_words.py"
    if not path.is_file():
        return set()
    module_spec = importlib.util.spec_from_file_location(f"_newswire_stop_words_{lang}", path)
    if module_spec is None or module_spec.loader is None:
        return set()
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return set(getattr(module, "STOP_WORDS", set()))


@lru_cache(maxsize=64)
def stop_words(language: str | None) -> frozenset[str]:
    """spaCy's stop-word list for `language` (English when unknown) plus our additions."""
    lang = language or "en"
    words = _spacy_stop_words(lang) | _EXTRA_STOP_WORDS.get(lang, set())
    return frozenset(w.casefold() for w in words)


@dataclass
class _Candidate:
    words: int
    count: int = 0  # weighted: a title occurrence counts twice
    body_count: int = 0
    first: int = 0


@dataclass
class _Seen:
    """What the text says about each candidate and how each word is written."""

    phrases: dict[str, _Candidate] = field(default_factory=dict)
    word_forms: dict[str, dict[str, int]] = field(default_factory=dict)
    lowercase_words: set[str] = field(default_factory=set)
    after_article: set[str] = field(default_factory=set)  # "the bombing": used as a noun


def _runs(
    text: str, stops: frozenset[str], after_article: set[str] | None = None
) -> Iterable[list[tuple[int, str, str]]]:
    """Runs of (token index, word, lower-case word) content words; punctuation or a stop word
    ends a run. Words right after an English article are added to `after_article`."""
    run: list[tuple[int, str, str]] = []
    last_end = 0
    previous = ""
    for index, m in enumerate(_WORD.finditer(text)):
        word = _POSSESSIVE.sub("", m.group())
        if "'" in word or "’" in word:  # "We’d", "don't": a contraction of a stop word
            norm = word.replace("’", "'").casefold()
            if norm in stops or norm.split("'")[0] in stops or norm.endswith("n't"):
                word = ""
        gap = text[last_end : m.start()]
        last_end = m.end()
        if gap.strip() or "\n" in gap:  # punctuation or a line break between the words
            if run:
                yield run
            run = []
        low = word.casefold()
        if after_article is not None and previous in _ARTICLES and not gap.strip():
            after_article.add(low)
        previous = low
        if (
            low in stops
            or len(word) < 2
            or (len(word) == 2 and not word.isupper())
            or not _HAS_LETTER.search(word)
        ):
            if run:
                yield run
            run = []
            continue
        run.append((index, word, low))
    if run:
        yield run


def _collect(text: str, stops: frozenset[str], seen: _Seen, *, in_title: bool) -> int:
    """Add the n-grams of `text` to `seen`; returns the number of tokens seen."""
    tokens = 0
    for run in _runs(text, stops, None if in_title else seen.after_article):
        tokens = run[-1][0] + 1
        if not in_title:  # titles are often in Title Case: they say nothing about casing
            for _, w, low in run:
                if w == low:
                    seen.lowercase_words.add(low)
                forms = seen.word_forms.setdefault(low, {})
                forms[w] = forms.get(w, 0) + 1
        lows = [low for _, _, low in run]
        for n in range(1, MAX_PHRASE_WORDS + 1):
            for i in range(len(run) - n + 1):
                key = lows[i] if n == 1 else " ".join(lows[i : i + n])
                cand = seen.phrases.get(key)
                if cand is None:
                    first = 0 if in_title else run[i][0]
                    cand = seen.phrases[key] = _Candidate(words=n, first=first)
                if in_title:
                    cand.count += _TITLE_WEIGHT
                else:
                    cand.count += 1
                    cand.body_count += 1
    return tokens


def extract_keywords(
    text: str,
    language: str | None = None,
    title: str | None = None,
    max_keywords: int = DEFAULT_MAX_KEYWORDS,
) -> list[str]:
    """Top keywords of an article, best first (see module doc for the scoring)."""
    if language in NO_SPACE_LANGUAGES or max_keywords <= 0:
        return []
    stops = stop_words(language)
    text = _URL.sub(" | ", text)  # a URL is not prose; "|" ends the run around it
    seen = _Seen()
    if title:
        _collect(title, stops, seen, in_title=True)
    total = max(_collect(text, stops, seen, in_title=False), 1)

    _fold_inflections(seen)
    scored: dict[str, float] = {}
    for key, cand in seen.phrases.items():
        if (cand.words > 1 and cand.body_count < 2) or key in _NOT_ALONE:
            continue
        if cand.words == 1 and _verb_form(key, seen):
            continue
        earliness = 1.0 - min(cand.first, total) / total
        scored[key] = cand.count * cand.words * (1.0 + _EARLY_BONUS * earliness)

    # A shorter phrase inside a longer one that occurs nearly as often adds nothing, nor
    # does one used mostly inside longer phrases.
    absorbed: set[str] = set()
    inside: dict[str, int] = {}  # occurrences inside the phrases one word longer
    for key in scored:
        words = key.split()
        count = seen.phrases[key].count
        for n in range(1, len(words)):
            for i in range(len(words) - n + 1):
                inner = " ".join(words[i : i + n])
                if inner in scored and count >= _ABSORB_ONE * seen.phrases[inner].count:
                    absorbed.add(inner)
                if n == len(words) - 1 and inner in scored:
                    inside[inner] = inside.get(inner, 0) + count
    for inner, count in inside.items():
        if count >= _ABSORB_ALL * seen.phrases[inner].count:
            absorbed.add(inner)

    picked: list[str] = []
    for key in sorted(scored, key=lambda k: (-scored[k], k)):
        if key in absorbed or any(_overlaps(key, p) for p in picked):
            continue
        picked.append(key)
        if len(picked) == max_keywords:
            break
    return [_display(key, seen) for key in picked]


def _singulars(word: str) -> list[str]:
    """What an English plural's singular may be, by suffix alone ("storms" -> "storm",
    "cities" -> "city", "taxes" / "tornadoes" -> "tax" / "tornado"); [] for no plural."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return []
    out = [word[:-1]]
    if word.endswith("es"):
        out.append(word[:-2])
    if len(word) > 4 and word.endswith("ies"):
        out.append(word[:-3] + "y")
    return out


def _fold_inflections(seen: _Seen) -> None:
    """Merge a phrase whose last word is an English plural into its singular when both occur
    ("storms" into "storm", "reservoir plans" into "reservoir plan"): one keyword, counted
    once, written as the text writes it more often. Only for English-like plurals in "s";
    a word with no singular partner ("Texas", "news") is left alone."""
    groups: dict[str, list[str]] = {}
    for key in seen.phrases:
        words = key.split()
        for singular in _singulars(words[-1]):
            base = " ".join([*words[:-1], singular])
            if base in seen.phrases:
                groups.setdefault(base, [base]).append(key)
                break
    for members in groups.values():
        keys = sorted(
            (k for k in members if k in seen.phrases), key=lambda k: (-seen.phrases[k].count, k)
        )
        if len(keys) < 2:
            continue
        head = seen.phrases[keys[0]]
        for other in keys[1:]:
            cand = seen.phrases.pop(other)
            head.count += cand.count
            head.body_count += cand.body_count
            head.first = min(head.first, cand.first)


def _verb_form(word: str, seen: _Seen) -> bool:
    """A word the body writes in lower case ending in "-ed" ("spilled", "predicted") and
    never right after "the" or "a" ("the accused") is a verb form: no keyword alone, though
    it may sit in a phrase ("armed forces"). ("-ing" words are not: "bombing", "flooding"
    are what stories are about as often as not; measured.)"""
    return (
        len(word) >= 5
        and word.endswith("ed")
        and not word.endswith("eed")
        and word in seen.lowercase_words
        and word not in seen.after_article
    )


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _overlaps(a: str, b: str) -> bool:
    """One phrase contains the other, or they chain ("New York State", "York State attorney")."""
    wa, wb = a.split(), b.split()
    if _contains(wa, wb) if len(wa) >= len(wb) else _contains(wb, wa):
        return True
    shorter = min(len(wa), len(wb))
    return any(wa[-k:] == wb[:k] or wb[-k:] == wa[:k] for k in range(1, shorter))


def _display(key: str, seen: _Seen) -> str:
    """Each word as the body writes it if it is never written in lower case, else lower case."""
    out = []
    for word in key.split():
        forms = seen.word_forms.get(word)
        if not forms or word in seen.lowercase_words:
            out.append(word)
        else:
            out.append(sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])
    return " ".join(out)
