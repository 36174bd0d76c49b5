"""Template machinery shared by the per-language packs of the sample generator.

A template is plain text with two kinds of markup:

- ``[a|b|c]`` picks one alternative (alternatives may nest: ``[a [x|y]|b]``);
- ``{slot}`` is filled from the story's slot values; ``{Slot}`` (first letter upper-case)
  gives the same value with its first letter capitalised, for slots that start a sentence.

Each language module (``lang_en``, ``lang_de``, ...) builds one `LanguagePack`: names, topic
texts, generic sentence frames, page boilerplate and date/number formatting. The generator
only ever talks to a pack, so adding a language is adding a module.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

_ALTERNATIVE_RE = re.compile(r"\[([^\[\]]*)\]")
_SLOT_RE = re.compile(r"\{(\w+)\}")
_SPACES_RE = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT_RE = re.compile(r" +([,.;:!?])(?=\s|$)")


def expand(template: str, rng: random.Random, slots: Mapping[str, str]) -> str:
    """Resolve alternatives (innermost first), then fill slots; tidy doubled spaces."""
    text = template
    while True:
        m = _ALTERNATIVE_RE.search(text)
        if m is None:
            break
        text = text[: m.start()] + rng.choice(m.group(1).split("|")) + text[m.end() :]

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in slots:
            return slots[name]
        lower = name[:1].lower() + name[1:]
        if lower in slots:
            return capitalize(slots[lower])
        raise KeyError(f"template slot {{{name}}} has no value (template: {template!r})")

    if "{" in text:
        text = _SLOT_RE.sub(fill, text)
    # The French typographic space before ; : ! ? is written as a no-break space in the packs,
    # so this only removes stray plain spaces left by empty alternatives.
    if "  " in text:
        text = _SPACES_RE.sub(" ", text)
    if " ," in text or " ." in text:
        text = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", text)
    return text.strip()


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Role:
    """A job title in masculine and feminine form; both may contain slots such as {org}."""

    m: str
    f: str = ""

    def form(self, female: bool) -> str:
        return self.f if female and self.f else self.m


@dataclass(frozen=True)
class Topic:
    """Everything a language needs to write stories about one subject.

    `vocab` holds noun phrases that the generic frames of the pack also use ({project},
    {metric}, {facility}, {group}, {issue}), so one frame reads right for every topic.
    Person 1 is the official in charge (`roles1`), person 2 an outside voice (`roles2`).
    """

    key: str
    headlines: Sequence[str]
    leads: Sequence[str]
    details: Sequence[str]
    quotes: Sequence[str]
    critic_quotes: Sequence[str]
    vocab: Mapping[str, Sequence[str]]
    orgs: Sequence[str]
    roles1: Sequence[Role]
    roles2: Sequence[Role]


@dataclass(frozen=True)
class Boilerplate:
    """Page furniture around the article, in one language."""

    sections: Sequence[str]  # navigation menu entries
    advert: str  # label of an ad slot
    advert_texts: Sequence[str]  # ad copy
    related: str  # heading of the related-links box
    most_read: str
    newsletter: str  # sign-up box text
    subscribe: str  # button label
    cookie: str  # cookie banner text
    accept: str
    share: Sequence[str]  # share buttons
    read_also: str  # inline "read also:" label
    comments: str  # "{n} comments"
    footer: Sequence[str]  # footer links
    rights: str  # "© {year} {outlet}. All rights reserved."
    menu: str  # text-scrape residue: "Open Menu"
    scrape_tail: Sequence[str]  # lines a text scrape picks up after the article
    tags: str  # "Tags:" label
    photo: str  # "Photo: {name}"
    updated: str  # "Updated {time}"
    skip: str  # "Skip to content"
    search: str
    login: str
    weather: str
    editor_note: str  # inserted-paragraph template for syndicated copies (slots: outlet)


@dataclass(frozen=True)
class LanguagePack:
    code: str
    name: str
    first_m: Sequence[str]
    first_f: Sequence[str]
    last: Sequence[str]
    feminine_last: Callable[[str], str]  # family-name form for a woman (Russian: -ov -> -ova)
    org_stems: Sequence[str]
    topics: Mapping[str, Topic]
    # Generic sentence frames, used with any topic.
    background: Sequence[str]
    numbers: Sequence[str]
    context: Sequence[str]
    outlook: Sequence[str]
    reactions: Sequence[str]  # sentences about person 2 and the group affected
    quote_forms: Sequence[str]  # {q} quote text, {name}, {last}, {role}, {a} (ru suffix)
    inserted: Sequence[str]  # paragraphs a syndicating outlet adds
    headline_edits: Sequence[str]  # {h}: the original headline
    word_swaps: Sequence[tuple[str, str]]  # light copy edits for syndicated versions
    byline: str  # "By {authors}"
    and_word: str
    dateline_forms: Sequence[str]  # {place} {agency} {date}: lead-in of the first paragraph
    scrape_published: str  # "{authors} Published {date} | {time}"
    boiler: Boilerplate
    format_date: Callable[[datetime], str]  # "September 26, 2024"
    format_time: Callable[[datetime], str]  # "2:40 PM" / "14:40"
    format_short_date: Callable[[datetime], str]  # dateline date: "26th Sep, 2024"
    format_number: Callable[[int], str]  # 12500 -> "12,500"
    format_money: Callable[[int], str]  # millions -> "$48 million"
    weekdays: Sequence[str]
    extra: Mapping[str, str] = field(default_factory=dict)
    # Interchangeable wordings, applied per occurrence after expansion: regex -> choices
    # (choices may use \\1 for a captured group). They make two stories built from the same
    # frames differ word by word, as two reporters' copy would.
    variants: Sequence[tuple[str, Sequence[str]]] = ()


def vary(text: str, rng: random.Random, variants: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Replace each match of each variant pattern by one of its choices, independently."""
    if not variants:
        return text
    # Only patterns whose key word occurs in the text can match: run just those, in one pass.
    triggers = _TRIGGERS.get(id(variants))
    if triggers is None:
        triggers = _TRIGGERS[id(variants)] = tuple(_trigger(c[0]) for _, c in variants)
    active = tuple(i for i, t in enumerate(triggers) if t in text)
    if not active:
        return text
    key = (id(variants), active)
    compiled = _COMBINED.get(key)
    if compiled is None:
        chosen = tuple((variants[i][0], tuple(variants[i][1])) for i in active)
        compiled = _COMBINED[key] = _combined(chosen)
    combined, parts = compiled
    return combined.sub(functools.partial(_pick, rng, parts), text)


def _trigger(original: str) -> str:
    """The longest word of a variant's first (original) wording: it must occur to match."""
    return max(re.findall(r"[^\W\d_]+", original), key=len)


def _pick(
    rng: random.Random, parts: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...], m: re.Match[str]
) -> str:
    # The branch that matched; re-match it alone so its own groups (\1) expand.
    pattern, choices = parts[int(str(m.lastgroup)[1:])]
    choice = rng.choice(choices)
    if "\\" not in choice:
        return choice
    own = pattern.match(m.string, m.start())
    return own.expand(choice) if own else m.group(0)


# Packs are module-level constants, so their variant tuples live as long as the process.
_TRIGGERS: dict[int, tuple[str, ...]] = {}
_COMBINED: dict[
    tuple[int, tuple[int, ...]],
    tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]],
] = {}


def _combined(
    variants: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]]:
    # One pass over the text instead of one per pattern. Branch groups are named v0, v1, ...;
    # the patterns' own numbered groups are only used when the branch is re-matched alone.
    branches = "|".join(f"(?P<v{i}>{p})" for i, (p, _) in enumerate(variants))
    return re.compile(branches), tuple((re.compile(p), c) for p, c in variants)
