"""Deterministic synthetic news corpus with ground truth, for the demo, tests and benchmarks.

`generate(count, seed)` yields `SampleItem`s: raw inputs exactly as `newswire produce` reads
them (HTML pages, plain-text scrapes, JSON-lines records, WARC response records) plus, for
each, its ground-truth manifest entry (`SampleItem.truth`). Nothing touches the disk; the
`write_corpus` function of `pipelines.samples.writer` lays the items out in a folder with
`manifest.json`.

Stories are composed from our own templates (`lang_en`, `lang_de`, `lang_fr`, `lang_es`,
`lang_ru`): a topic, a real city, invented people, organisations, outlets and agencies, and
random numbers; 320-560 words in English plus a quarter of long reads of 550-700, 260-420 in
the other languages. Each story uses only part of its topic's sentences and every sentence is
re-worded per use (`LanguagePack.variants`), so distinct stories stay far apart for
near-duplicate scoring (3-word-shingle Jaccard below ~0.35 at 2,000 items) while syndicated
copies stay close (0.5-0.95).

The corpus mixes, by default, 70 % originals, 8 % exact duplicates (the same bytes again,
sometimes under a URL with tracking parameters), 15 % syndicated near-duplicates (another
outlet's page: edited headline, rewritten lead, trimmed / dropped / reordered / inserted
paragraphs, light copy edits, tracking parameters on the URL) and 7 % malformed inputs, one
of `MALFORMED_REASONS` each, whose codes are the ones `pipelines.io.inputs` reports.

Published times are real instants shown in the local time of the dateline city (or of the
outlet's newsroom); the manifest gives them in UTC plus the local wall time and the zone.
Same `count`, `seed` and `Mix` -> byte-identical items and manifest, on any machine (tzdata
aside).
"""

from __future__ import annotations

import functools
import html
import json
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.core.records import RawArticle
from pipelines.core.urls import article_id_for, canonical_url
from pipelines.samples import lang_de, lang_en, lang_es, lang_fr, lang_ru
from pipelines.samples.language import LanguagePack, Topic, capitalize, expand, vary
from pipelines.samples.pages import (
    Page,
    no_text_html,
    related_headlines,
    render_html,
    render_text,
    slugify,
)
from pipelines.samples.world import (
    AGENCIES,
    CITIES,
    COUNTRIES,
    HOME_COUNTRIES,
    City,
    Outlet,
    outlets_for,
)

PACKS: dict[str, LanguagePack] = {
    p.code: p for p in (lang_en.PACK, lang_de.PACK, lang_fr.PACK, lang_es.PACK, lang_ru.PACK)
}
LANGUAGE_WEIGHTS = {"en": 0.50, "de": 0.13, "fr": 0.13, "es": 0.13, "ru": 0.11}
FORMAT_WEIGHTS = {"html": 0.35, "text": 0.15, "jsonl": 0.35, "warc": 0.15}
KINDS = ("original", "exact_duplicate", "near_duplicate", "malformed")
# Codes as `pipelines.io.inputs` reports them; cycled in this order so every reason appears.
MALFORMED_REASONS = (
    "empty",
    "binary_content",
    "invalid_json",
    "no_text",
    "undecodable",
    "truncated_warc_record",
)
JSONL_PER_FILE = 200
WARC_PER_FILE = 100
WORD_RANGE = {"en": (320, 560)}
LONG_READ = {"en": (550, 700)}
DEFAULT_WORD_RANGE = (260, 380)
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_MINUTES = 545 * 24 * 60  # publication times spread over 2024-01-01 .. 2025-06-29
TRACKING = (
    "utm_source=newsletter&utm_medium=email&utm_campaign=morning-briefing",
    "utm_source=twitter&utm_medium=social",
    "at_medium=RSS&at_campaign=rss",
    "fbclid=IwAR{r}",
    "utm_source=partner&utm_medium=referral&ref=syndication",
)
# URL section per language and topic.
SECTIONS = {
    "en": {"transport": "local", "energy": "business", "health": "health", "trade": "business",
           "technology": "tech", "agriculture": "business", "environment": "environment",
           "housing": "local", "culture": "culture", "sports": "sport"},
    "de": {"transport": "lokales", "energy": "wirtschaft", "health": "gesundheit",
           "housing": "lokales", "environment": "umwelt", "culture": "kultur"},
    "fr": {"transport": "societe", "energy": "economie", "health": "sante", "housing": "societe",
           "environment": "planete", "culture": "culture"},
    "es": {"transport": "local", "energy": "economia", "health": "salud", "housing": "local",
           "environment": "medio-ambiente", "culture": "cultura"},
    "ru": {"transport": "gorod", "energy": "ekonomika", "health": "zdorovie",
           "housing": "nedvizhimost", "environment": "ekologiya", "culture": "kultura"},
}  # fmt: skip


@dataclass(frozen=True)
class Mix:
    """Share of each kind of item; normalised, so they need not sum to exactly 1."""

    original: float = 0.70
    exact_duplicate: float = 0.08
    near_duplicate: float = 0.15
    malformed: float = 0.07

    def counts(self, count: int) -> dict[str, int]:
        shares = {k: max(0.0, float(getattr(self, k))) for k in KINDS}
        total = sum(shares.values()) or 1.0
        n = {k: int(count * v / total) for k, v in shares.items() if k != "original"}
        n["original"] = count - sum(n.values())
        if count > 0 and n["original"] < 1:  # duplicates need something to duplicate
            biggest = max((k for k in n if k != "original"), key=lambda k: n[k])
            n[biggest] -= 1
            n["original"] = 1
        return {k: n[k] for k in KINDS}


@dataclass
class Story:
    """The outlet-independent content of one original story."""

    story_id: int
    lang: str
    topic: str
    city: City
    outlet: Outlet
    headline: str
    paragraphs: list[str]
    authors: list[str]
    published: datetime
    dateline: str | None
    agency: str | None
    lead_in: str  # dateline text the first paragraph starts with ("" if none)
    url: str
    section: str
    slots: dict[str, str]
    tags: list[str]


@dataclass
class SampleItem:
    """One raw input and its ground truth.

    `payload` is what goes into the file (the whole file for single-file items, one line for
    JSON lines, the HTTP body for WARC records); `body` / `url` / `content_type` / `encoding`
    / `fetched_at` / `outlet` / `language` are what the producer should read from it.
    """

    file: str
    index: int | None
    fmt: str  # "html", "text", "jsonl" or "warc"
    kind: str
    payload: bytes
    body: bytes
    content_type: str
    encoding: str | None
    url: str | None
    fetched_at: datetime | None
    outlet: str | None = None
    language: str | None = None
    truth: dict[str, Any] = field(default_factory=dict)
    http_headers: list[tuple[str, str]] = field(default_factory=list)  # WARC records only
    text: str = ""  # the article's own text (paragraphs), what a perfect cleaner would keep

    @property
    def source(self) -> str:
        return self.file if self.index is None else f"{self.file}:{self.index}"

    @property
    def article_id(self) -> str | None:
        value = self.truth.get("article_id")
        return str(value) if value else None

    def raw_article(self, root: str = "") -> RawArticle | None:
        """The RawArticle a producer reading this item sends (None for malformed items).

        `root` prefixes the source the way the producer sees the file ("corpus/" + file).
        """
        if self.kind == "malformed" or self.article_id is None:
            return None
        source = f"{root}{self.file}" if self.index is None else f"{root}{self.file}:{self.index}"
        return RawArticle(
            article_id=self.article_id,
            content_type=self.content_type,
            body=self.body,
            source=source,
            url=self.url,
            fetched_at=self.fetched_at,
            encoding=self.encoding,
            outlet=self.outlet,
            language_hint=self.language,
        )


@dataclass
class Corpus:
    items: list[SampleItem]
    manifest: dict[str, Any]

    def __iter__(self) -> Iterator[SampleItem]:
        return iter(self.items)

    def raw_articles(self, root: str = "") -> list[RawArticle]:
        return [r for item in self.items if (r := item.raw_article(root)) is not None]


# --- helpers ---------------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _person(pack: LanguagePack, rng: random.Random, taken: set[str]) -> tuple[str, str, bool]:
    for _ in range(50):
        female = rng.random() < 0.5
        last = rng.choice(pack.last)
        if last in taken:
            continue
        taken.add(last)
        first = rng.choice(pack.first_f if female else pack.first_m)
        last = pack.feminine_last(last) if female else last
        return f"{first} {last}", last, female
    raise RuntimeError("name pool exhausted")


def make_slots(
    pack: LanguagePack, rng: random.Random, topic: Topic, city: City, published: datetime
) -> dict[str, str]:
    """All slot values of one story: people, organisations, numbers, topic vocabulary."""
    lang = pack.code
    stem, stem2 = rng.sample(list(pack.org_stems), 2)
    slots: dict[str, str] = dict(pack.extra)
    slots.update(
        stem=stem,
        stem2=stem2,
        city=city.name(lang),
        country=COUNTRIES[city.country][lang],
        year=str(published.year - rng.randint(2, 8)),
        next_year=str(published.year + rng.randint(1, 4)),
        months=str(rng.choice((6, 8, 10, 12, 14, 18, 20, 30, 36))),
        km=str(rng.randint(3, 28)),
        days=str(rng.randrange(20, 150, 10)),
        pct=str(rng.randint(3, 45)),
        pct2=str(rng.randint(4, 38)),
        amount=pack.format_money(
            rng.choice((18, 24, 35, 48, 60, 75, 90, 120, 150, 240, 380, 450, 600, 1200, 2500))
        ),
        amount2=pack.format_money(rng.choice((3, 5, 8, 12, 15, 22, 30))),
        count=pack.format_number(rng.randrange(1200, 90000, 50)),
        count2=pack.format_number(rng.randrange(30, 900, 10)),
        weekday=pack.weekdays[(published - timedelta(days=rng.randint(0, 1))).weekday()],
    )
    for key, choices in topic.vocab.items():
        if key.endswith("_acc"):
            continue
        i = rng.randrange(len(choices))
        slots[key] = expand(choices[i], rng, slots)
        acc = topic.vocab.get(f"{key}_acc")
        if acc:
            slots[f"{key}_acc"] = expand(acc[i], rng, slots)

    def org_pair(template: str, base: dict[str, str]) -> tuple[str, str]:
        nominative, _, of = template.partition("||")
        return expand(nominative, rng, base), expand(of or nominative, rng, base)

    slots["org"], slots["org_of"] = org_pair(rng.choice(topic.orgs), slots)
    slots["org2"], slots["org2_of"] = org_pair(rng.choice(topic.orgs), {**slots, "stem": stem2})
    if slots["org2"] == slots["org"]:
        slots["org2"], slots["org2_of"] = org_pair(topic.orgs[0], {**slots, "stem": stem2})
    taken: set[str] = set()
    roles = (rng.choice(topic.roles1), *rng.sample(list(topic.roles2), 2))
    for n, role in zip((1, 2, 3), roles, strict=True):
        name, last, female = _person(pack, rng, taken)
        slots[f"p{n}"] = name
        slots[f"p{n}_last"] = last
        slots[f"p{n}_role"] = expand(role.form(female), rng, slots)
        slots[f"a{n}"] = "а" if female and lang == "ru" else ""
    return slots


@functools.cache
def _related_slots(lang: str, topic_key: str) -> tuple[dict[str, str], ...]:
    pack = PACKS[lang]
    rng = random.Random(f"related:{lang}:{topic_key}")
    topic = pack.topics[topic_key]
    return tuple(
        make_slots(pack, rng, topic, rng.choice(CITIES), _published(rng)) for _ in range(12)
    )


def _quote(
    pack: LanguagePack, rng: random.Random, text: str, slots: dict[str, str], who: int, first: bool
) -> str:
    # The first quote of a person introduces them with name and role; later ones use the
    # family name only.
    forms = [f for f in pack.quote_forms if ("{role}" in f) == first] or list(pack.quote_forms)
    marks = {"q": "\x00Q", "name": "\x00N", "last": "\x00L", "role": "\x00R", "a": "\x00A"}
    form = expand(rng.choice(forms), rng, {**pack.extra, **marks})
    quote = expand(text, rng, slots)
    return (
        form.replace("\x00Q", quote)
        .replace("\x00N", slots[f"p{who}"])
        .replace("\x00L", slots[f"p{who}_last"])
        .replace("\x00R", slots[f"p{who}_role"])
        .replace("\x00A", slots[f"a{who}"])
    )


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def compose(
    pack: LanguagePack, rng: random.Random, topic: Topic, slots: dict[str, str]
) -> list[str]:
    """Paragraphs of one story: lead, details, quotes, numbers, background, reactions, outlook.

    Most stories use about 60 % of their topic's sentences, so two stories on one topic share
    few of them (what keeps distinct stories clearly apart for near-duplicate scoring); long
    reads (a quarter of the English stories, 550-700 words) use all of them.
    """
    long_read = pack.code in LONG_READ and rng.random() < 0.25
    pools: dict[str, list[str]] = {
        "lead": list(topic.leads),
        "detail": list(topic.details),
        "quote": list(topic.quotes),
        "critic": list(topic.critic_quotes),
        "background": list(pack.background),
        "numbers": list(pack.numbers),
        "context": list(pack.context),
        "outlook": list(pack.outlook),
        "reaction": list(pack.reactions),
    }
    for pool in pools.values():
        rng.shuffle(pool)
    if not long_read:
        for name in ("detail", "quote", "critic"):
            pools[name] = pools[name][: max(2, (len(pools[name]) * 6 + 9) // 10)]

    introduced: set[int] = set()

    def fresh() -> None:
        # Secondary numbers change from sentence to sentence; the story's main figures
        # ({amount}, {pct}, {count}) stay the same throughout.
        slots["pct2"] = str(rng.randint(4, 38))
        slots["count2"] = pack.format_number(rng.randrange(30, 900, 10))
        slots["amount2"] = pack.format_money(rng.choice((3, 5, 8, 12, 15, 22, 30)))

    def take(name: str) -> str | None:
        pool = pools[name]
        if not pool:
            return None
        fresh()
        text = vary(expand(pool.pop(), rng, slots), rng, pack.variants)
        for who in (2, 3):
            if slots[f"p{who}"] in text:
                introduced.add(who)
        return text

    def quote(name: str, who: int) -> str | None:
        pool = pools[name]
        if not pool:
            return None
        fresh()
        text = _quote(pack, rng, pool.pop(), slots, who, first=who not in introduced)
        text = vary(text, rng, pack.variants)
        introduced.add(who)
        return text

    low, high = LONG_READ[pack.code] if long_read else WORD_RANGE.get(pack.code, DEFAULT_WORD_RANGE)
    target = rng.randint(low, high)
    plan: list[tuple[Callable[[], str | None], ...]] = [
        (lambda: take("lead"), lambda: take("detail") if rng.random() < 0.4 else None),
        (lambda: take("detail"), lambda: take("detail")),
        (lambda: quote("quote", 1), lambda: take("detail") if rng.random() < 0.5 else None),
        (lambda: take("numbers"), lambda: take("detail")),
        (lambda: take("background"), lambda: take("background")),
        (lambda: take("reaction"), lambda: quote("critic", 2)),
        (lambda: take("detail"), lambda: take("context")),
        (lambda: quote("quote", 1),),
        (lambda: take("context"), lambda: take("numbers")),
        (lambda: take("detail"), lambda: take("detail"), lambda: take("background")),
        (lambda: take("reaction"), lambda: quote("critic", 2)),
        (lambda: take("context"), lambda: take("detail")),
        (lambda: take("numbers"), lambda: take("background")),
        (lambda: quote("quote", 1), lambda: take("context")),
        (lambda: take("detail"), lambda: take("numbers")),
    ]
    paragraphs: list[str] = []
    words = 0
    for step in plan:
        if paragraphs and words >= target:
            break
        sentences = [s for s in (f() for f in step) if s]
        if sentences:
            paragraphs.append(" ".join(sentences))
            words += len(paragraphs[-1].split())
    # Still short of the target: more of whatever is left, two sentences a paragraph.
    fillers = ["detail", "context", "background", "numbers", "reaction"]
    while words < target and any(pools[n] for n in fillers):
        names = [n for n in fillers if pools[n]]
        sentences = [s for s in (take(rng.choice(names)) for _ in range(2)) if s]
        if sentences:
            paragraphs.append(" ".join(sentences))
            words += len(paragraphs[-1].split())
    closing = [s for s in (take("outlook"), take("outlook") if rng.random() < 0.4 else None) if s]
    if closing:
        paragraphs.append(" ".join(closing))
    return paragraphs


def _published(rng: random.Random) -> datetime:
    return START + timedelta(minutes=rng.randrange(SPAN_MINUTES))


def _url(rng: random.Random, outlet: Outlet, section: str, slug: str, when: datetime) -> str:
    local = when.astimezone(ZoneInfo(outlet.zone))
    path = outlet.path.format(
        section=section,
        slug=slug,
        n=rng.randint(10**6, 10**8),
        y=local.year,
        m=f"{local.month:02d}",
        d=f"{local.day:02d}",
    )
    host = f"www.{outlet.domain}" if len(outlet.domain) % 2 else outlet.domain
    return f"https://{host}{path}"


def _with_tracking(rng: random.Random, url: str) -> str:
    params = rng.choice(TRACKING).replace("{r}", format(rng.getrandbits(48), "x"))
    return f"{url}{'&' if '?' in url else '?'}{params}"


# --- the generator ---------------------------------------------------------------------------


class _Generator:
    def __init__(self, count: int, seed: int, mix: Mix) -> None:
        self.count = count
        self.seed = seed
        self.mix = mix
        self.stories: list[Story] = []
        self.originals: list[SampleItem] = []  # well-formed original items, for exact duplicates
        self.dup_counts: dict[int, int] = {}
        self.malformed = 0
        self.jsonl_file = 0
        self.jsonl_next = 0
        self.warc_file = 0
        self.warc_next = 1  # record 0 of every WARC file is its warcinfo record
        self.used: set[tuple[str, str]] = set()

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    # placement ---------------------------------------------------------------------------

    def _jsonl_slot(self) -> tuple[str, int]:
        if self.jsonl_next >= JSONL_PER_FILE:
            self.jsonl_file += 1
            self.jsonl_next = 0
        slot = (f"feeds/feed-{self.jsonl_file:03d}.jsonl", self.jsonl_next)
        self.jsonl_next += 1
        return slot

    def _warc_slot(self, last: bool = False) -> tuple[str, int]:
        if self.warc_next > WARC_PER_FILE:
            self.warc_file += 1
            self.warc_next = 1
        slot = (f"warc/crawl-{self.warc_file:03d}.warc.gz", self.warc_next)
        self.warc_next += 1
        if last:  # nothing can follow a truncated record: start a new file next time
            self.warc_file += 1
            self.warc_next = 1
        return slot

    # stories -----------------------------------------------------------------------------

    def new_story(self, rng: random.Random, lang: str | None = None) -> Story:
        lang = lang or _weighted(rng, LANGUAGE_WEIGHTS)
        pack = PACKS[lang]
        topic_key = city = None
        for _ in range(30):  # prefer a (topic, city) pair not written about yet
            topic_key = rng.choice(sorted(pack.topics))
            home = [c for c in CITIES if c.country in HOME_COUNTRIES[lang]]
            city = rng.choice(home if rng.random() < 0.6 else CITIES)
            if (topic_key, city.key) not in self.used:
                break
        assert topic_key is not None and city is not None
        self.used.add((topic_key, city.key))
        topic = pack.topics[topic_key]
        outlet = rng.choice(outlets_for(lang))
        published = _published(rng)
        slots = make_slots(pack, rng, topic, city, published)
        headline = capitalize(expand(rng.choice(topic.headlines), rng, slots))
        paragraphs = compose(pack, rng, topic, slots)
        roll = rng.random()
        dateline = agency = None
        lead_in = ""
        if roll < 0.75:
            dateline = city.name(lang).upper()
            form = pack.dateline_forms[-1]
            if roll < 0.6:
                agency = rng.choice(AGENCIES[lang])[1]
                form = rng.choice(pack.dateline_forms[:-1])
            zone = ZoneInfo(city.zone)
            lead_in = form.format(
                place=dateline,
                agency=agency or "",
                date=pack.format_short_date(published.astimezone(zone)),
            )
            paragraphs[0] = lead_in + paragraphs[0]
        taken: set[str] = {slots["p1_last"], slots["p2_last"], slots["p3_last"]}
        n_authors = rng.choices((0, 1, 2), weights=(0.15, 0.6, 0.25))[0]
        authors = [_person(pack, rng, taken)[0] for _ in range(n_authors)]
        section = SECTIONS[lang][topic_key]
        slug = slugify(headline)
        story = Story(
            story_id=len(self.stories),
            lang=lang,
            topic=topic_key,
            city=city,
            outlet=outlet,
            headline=headline,
            paragraphs=paragraphs,
            authors=authors,
            published=published,
            dateline=dateline,
            agency=agency,
            lead_in=lead_in,
            url=_url(rng, outlet, section, slug, published),
            section=section,
            slots=slots,
            tags=[city.name(lang), capitalize(slots["stem"]), section.replace("-", " ").title()][
                : rng.randint(1, 3)
            ],
        )
        self.stories.append(story)
        return story

    def _story_page(self, rng: random.Random, story: Story) -> Page:
        """The story's page as its own outlet published it."""
        return self._page(
            rng, story, story.outlet, story.headline, story.paragraphs, story.authors,
            story.published, story.url,
        )  # fmt: skip

    def _page(
        self,
        rng: random.Random,
        story: Story,
        outlet: Outlet,
        headline: str,
        paragraphs: list[str],
        authors: list[str],
        published: datetime,
        url: str,
    ) -> Page:
        pack = PACKS[story.lang]
        zone = story.city.zone if story.dateline else outlet.zone
        show_date = not (outlet.meta == "none" and rng.random() < 0.25)

        def slot_maker(topic: Topic) -> dict[str, str]:
            # Related-link headlines only need plausible facts: reuse a small fixed pool of
            # slot sets per topic (cheap) and move the story to a random city.
            city = rng.choice(CITIES)
            slots = rng.choice(_related_slots(pack.code, topic.key))
            return {
                **slots,
                "city": city.name(pack.code),
                "country": COUNTRIES[city.country][pack.code],
            }

        return Page(
            lang=story.lang,
            outlet=outlet,
            headline=headline,
            paragraphs=paragraphs,
            authors=authors,
            published=published,
            zone=zone,
            show_date=show_date,
            url=url,
            section=story.section,
            related=related_headlines(pack, rng, slot_maker, rng.randint(3, 6)),
            tags=story.tags,
        )

    def _truth(
        self, page: Page, story: Story, kind: str, duplicate_of: str | None
    ) -> dict[str, Any]:
        local = page.local
        return {
            "kind": kind,
            "duplicate_of": duplicate_of,
            "story": story.story_id,
            "reason": None,
            "title": page.headline,
            "authors": list(page.authors),
            "published_at": page.published.strftime("%Y-%m-%dT%H:%M:%SZ")
            if page.show_date
            else None,
            "published_local": local.replace(tzinfo=None).isoformat(timespec="seconds")
            if page.show_date
            else None,
            "zone": page.zone,
            "dateline": story.dateline,
            "agency": story.agency,
            "language": story.lang,
            "outlet": page.outlet.name,
            "canonical_url": canonical_url(page.url),
            "topic": story.topic,
            "city": story.city.names["en"],
            "country": story.city.country,
            "words": _words(page.paragraphs),
        }

    def render(
        self, rng: random.Random, page: Page, fmt: str, fetched: datetime, n: int
    ) -> SampleItem:
        """Lay one page out in `fmt` at the next free place of that format."""
        item = self._render(rng, page, fmt, fetched, n)
        item.text = "\n\n".join(page.paragraphs)
        return item

    def _render(
        self, rng: random.Random, page: Page, fmt: str, fetched: datetime, n: int
    ) -> SampleItem:
        pack = PACKS[page.lang]
        if fmt == "text" or (fmt == "jsonl" and rng.random() < 0.2):
            text = render_text(page, pack, rng)
            content_type, field_name = "text/plain", "text"
        else:
            text = render_html(page, pack, rng)
            content_type, field_name = "text/html", "html"
        if fmt == "jsonl":
            file, index = self._jsonl_slot()
            url: str | None = page.url if rng.random() < 0.5 else _with_tracking(rng, page.url)
            record: dict[str, Any] = {"url": url, field_name: text}
            # Optional fields are sometimes missing, as in real feeds.
            outlet = page.outlet.name if rng.random() < 0.9 else None
            language = page.lang if rng.random() < 0.8 else None
            fetched_at: datetime | None = fetched if rng.random() < 0.9 else None
            if fetched_at:
                record["fetched_at"] = fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            if outlet:
                record["source"] = outlet
            if language:
                record["language"] = language
            body = text.encode("utf-8")
            line = json.dumps(record, ensure_ascii=rng.random() < 0.3).encode("utf-8")
            return SampleItem(
                file,
                index,
                fmt,
                "",
                line,
                body,
                content_type,
                "utf-8",
                url,
                fetched_at,
                outlet,
                language,
            )
        if fmt == "warc":
            file, index = self._warc_slot()
            charset = page.outlet.charset
            body = text.encode(charset, errors="xmlcharrefreplace")
            url = page.url if rng.random() < 0.7 else _with_tracking(rng, page.url)
            headers = [
                ("Content-Type", f"{content_type}; charset={charset}"),
                ("Content-Length", str(len(body))),
                ("Date", fetched.strftime("%a, %d %b %Y %H:%M:%S GMT")),
                ("Server", rng.choice(("nginx", "Apache", "cloudflare"))),
            ]
            item = SampleItem(file, index, fmt, "", body, body, content_type, charset, url, fetched)
            item.http_headers = headers
            return item
        # single files: the producer knows no URL and takes the file's mtime as fetch time
        charset = page.outlet.charset if content_type == "text/html" else "utf-8"
        body = text.encode(charset, errors="xmlcharrefreplace")
        ext = "html" if content_type == "text/html" else "txt"
        if ext == "html":
            file = f"html/{page.outlet.domain}/{slugify(page.headline)[:60]}-{n:05d}.html"
        else:
            name = page.outlet.domain.split(".")[0]
            day = page.local.date().isoformat()
            file = f"text/{name}-{day}-{slugify(page.headline)[:40]}-{n:05d}.txt"
        return SampleItem(
            file,
            None,
            "html" if ext == "html" else "text",
            "",
            body,
            body,
            content_type,
            charset,
            None,
            fetched,
        )

    def _finish(self, item: SampleItem, kind: str, truth: dict[str, Any]) -> SampleItem:
        item.kind = kind
        item.truth = {
            "file": item.file,
            "index": item.index,
            "source": item.source,
            "format": item.fmt,
            "article_id": article_id_for(item.url, item.body),
            "url": item.url,
            "content_type": item.content_type,
            "encoding": item.encoding,
            **truth,
        }
        return item

    # kinds -------------------------------------------------------------------------------

    def original(self, i: int) -> SampleItem:
        rng = self.rng("item", i)
        story = self.new_story(rng)
        fetched = story.published + timedelta(minutes=rng.randint(5, 60 * 24 * 3))
        page = self._story_page(rng, story)
        item = self.render(rng, page, _weighted(rng, FORMAT_WEIGHTS), fetched, i)
        item = self._finish(item, "original", self._truth(page, story, "original", None))
        self.originals.append(item)
        return item

    def exact_duplicate(self, i: int) -> SampleItem:
        rng = self.rng("item", i)
        # Prefer originals that have no copy yet, so duplicates spread over many stories.
        fresh = [o for o in self.originals if self.dup_counts.get(id(o), 0) == 0]
        source = rng.choice(fresh or self.originals)
        self.dup_counts[id(source)] = self.dup_counts.get(id(source), 0) + 1
        fetched = (source.fetched_at or START) + timedelta(minutes=rng.randint(30, 60 * 24 * 10))
        copy = replace(source, truth={}, http_headers=list(source.http_headers))
        if source.fmt == "jsonl":
            copy.file, copy.index = self._jsonl_slot()
            record = json.loads(source.payload)
            if record.get("url") and rng.random() < 0.5:
                record["url"] = _with_tracking(rng, canonical_url(record["url"]) or record["url"])
            if "fetched_at" in record:
                record["fetched_at"] = fetched.strftime("%Y-%m-%dT%H:%M:%SZ")
                copy.fetched_at = fetched
            copy.url = record.get("url")
            copy.payload = json.dumps(record, ensure_ascii=rng.random() < 0.3).encode("utf-8")
        elif source.fmt == "warc":
            copy.file, copy.index = self._warc_slot()
            copy.fetched_at = fetched
            if copy.url and rng.random() < 0.5:
                copy.url = _with_tracking(rng, canonical_url(copy.url) or copy.url)
            copy.http_headers = [
                (k, fetched.strftime("%a, %d %b %Y %H:%M:%S GMT") if k == "Date" else v)
                for k, v in copy.http_headers
            ]
        else:
            stem, _, ext = source.file.rpartition(".")
            copy.file = (
                f"{stem}-copy{i:05d}.{ext}"
                if source.fmt == "text"
                else f"html/mirror/{stem.split('/')[-1]}-{i:05d}.{ext}"
            )
            copy.fetched_at = fetched
        truth = {
            k: v
            for k, v in source.truth.items()
            if k
            not in (
                "file",
                "index",
                "source",
                "format",
                "article_id",
                "url",
                "content_type",
                "encoding",
            )
        }
        truth.update(kind="exact_duplicate", duplicate_of=source.article_id)
        return self._finish(copy, "exact_duplicate", truth)

    def near_duplicate(self, i: int) -> SampleItem:
        rng = self.rng("item", i)
        original = rng.choice(self.originals)
        story = self.stories[original.truth["story"]]
        pack = PACKS[story.lang]
        outlet = rng.choice([o for o in outlets_for(story.lang) if o != story.outlet])
        slots = {**story.slots, "outlet": outlet.name}
        # Edited headline: another of the topic's headlines for the same facts, or a tag-on.
        topic = pack.topics[story.topic]
        if rng.random() < 0.5:
            headline = capitalize(expand(rng.choice(topic.headlines), rng, slots))
            if headline == story.headline:
                headline = expand(
                    rng.choice(pack.headline_edits), rng, {**pack.extra, "h": story.headline}
                )
        else:
            headline = expand(
                rng.choice(pack.headline_edits), rng, {**pack.extra, "h": story.headline}
            )
        paragraphs = list(story.paragraphs)
        # A desk editor's changes: 2-4 of these, so similarity to the original ranges from
        # "nearly identical" to "clearly reworked".
        edits = rng.sample(("trim", "swap", "insert", "words", "drop", "lead"), rng.randint(2, 4))
        if "lead" in edits:  # a rewritten intro on the same facts, same dateline
            lead = vary(expand(rng.choice(topic.leads), rng, slots), rng, pack.variants)
            paragraphs[0] = story.lead_in + lead
        if "trim" in edits:
            del paragraphs[max(5, len(paragraphs) - rng.randint(1, 3)) :]
        if "drop" in edits and len(paragraphs) > 6:
            for _ in range(rng.randint(1, 2)):
                del paragraphs[rng.randrange(2, len(paragraphs) - 1)]
        if "swap" in edits and len(paragraphs) > 4:
            j = rng.randrange(1, len(paragraphs) - 2)
            paragraphs[j], paragraphs[j + 1] = paragraphs[j + 1], paragraphs[j]
        if "insert" in edits:
            text = expand(rng.choice(pack.inserted), rng, slots)
            paragraphs.insert(rng.randrange(2, len(paragraphs) + 1), text)
        if "words" in edits:
            for j in rng.sample(range(len(paragraphs)), min(6, len(paragraphs))):
                paragraphs[j] = vary(paragraphs[j], rng, pack.variants)
                for old, new in pack.word_swaps:
                    if old in paragraphs[j]:
                        paragraphs[j] = paragraphs[j].replace(old, new, 1)
                        break
        if rng.random() < 0.3:
            note = pack.boiler.editor_note.format_map({**pack.extra, "outlet": outlet.name})
            paragraphs.append(note)
        authors = story.authors if rng.random() < 0.7 else []
        published = story.published + timedelta(minutes=rng.randint(20, 60 * 36))
        url = _url(rng, outlet, story.section, slugify(headline), published)
        if rng.random() < 0.6:
            url = _with_tracking(rng, url)
        fetched = published + timedelta(minutes=rng.randint(5, 60 * 24 * 3))
        page = self._page(rng, story, outlet, headline, paragraphs, authors, published, url)
        item = self.render(rng, page, _weighted(rng, FORMAT_WEIGHTS), fetched, i)
        return self._finish(
            item, "near_duplicate", self._truth(page, story, "near_duplicate", original.article_id)
        )

    def malformed_item(self, i: int) -> SampleItem:
        rng = self.rng("item", i)
        reason = MALFORMED_REASONS[self.malformed % len(MALFORMED_REASONS)]
        self.malformed += 1
        lang = _weighted(rng, LANGUAGE_WEIGHTS)
        fetched = _published(rng)
        n = f"{i:05d}"
        item: SampleItem
        if reason == "empty":
            ext = rng.choice(("html", "txt"))
            folder, fmt = ("html/incoming", "html") if ext == "html" else ("text", "text")
            item = SampleItem(
                f"{folder}/empty-{n}.{ext}", None, fmt, "", b"", b"", "", None, None, fetched
            )
        elif reason == "binary_content":
            data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(rng.randint(800, 6000))
            item = SampleItem(
                f"html/incoming/page-{n}.html",
                None,
                "html",
                "",
                data,
                data,
                "",
                None,
                None,
                fetched,
            )
        elif reason == "no_text":
            data = no_text_html(rng, lang).encode("utf-8")
            item = SampleItem(
                f"html/incoming/app-{n}.html",
                None,
                "html",
                "",
                data,
                data,
                "text/html",
                "utf-8",
                None,
                fetched,
            )
        elif reason == "undecodable":
            # A page declared UTF-8 with its paragraphs pasted in from a windows-1252 source.
            story = self.new_story(rng, lang=rng.choice(("en", "de", "fr", "es")))
            self.stories.pop()
            page = self._story_page(rng, story)
            page.outlet = replace(page.outlet, charset="utf-8")
            text = render_html(page, PACKS[story.lang], rng)
            # Every paragraph pasted from the legacy source; one UTF-8 phrase left beside them.
            suffix = " – Café Zürich."
            paras = [html.escape(p, quote=False) for p in story.paragraphs]
            if paras[0] not in text:  # cannot happen with our pages; keep the item malformed anyway
                text = text.replace("</body>", f"<p>{paras[0]}</p></body>")
            text = text.replace(paras[0], paras[0] + suffix + "\x00KEEP", 1)
            for i, para in enumerate(paras):
                text = text.replace(para, f"\x00PASTE{i}\x00", 1)
            data = text.replace("\x00KEEP", "").encode("utf-8")
            for i, para in enumerate(paras):
                pasted = (para + suffix).encode("cp1252", errors="replace")
                data = data.replace(f"\x00PASTE{i}\x00".encode(), pasted)
            item = SampleItem(
                f"html/incoming/legacy-{n}.html",
                None,
                "html",
                "",
                data,
                data,
                "text/html",
                None,
                None,
                fetched,
            )
        elif reason == "invalid_json":
            file, index = self._jsonl_slot()
            broken = rng.choice(
                (
                    '{"url": "https://example.net/news/'
                    + n
                    + '", "html": "<html><body><p>Transmission interrupted',
                    "<html><head><title>502 Bad Gateway</title></head>"
                    "<body>502 Bad Gateway</body></html>",
                    "{'url': 'https://example.net/item/"
                    + n
                    + "', 'text': 'single quotes are not JSON'}",
                )
            )
            data = broken.encode("utf-8")
            item = SampleItem(file, index, "jsonl", "", data, data, "", None, None, fetched)
        else:  # truncated_warc_record
            story = self.new_story(rng, lang=lang)
            self.stories.pop()
            page = self._story_page(rng, story)
            text = render_html(page, PACKS[lang], rng)
            file, index = self._warc_slot(last=True)
            body = text.encode("utf-8")
            item = SampleItem(
                file, index, "warc", "", body, body, "text/html", "utf-8", story.url, fetched
            )
            item.http_headers = [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
            ]
        item.kind = "malformed"
        item.truth = {
            "file": item.file,
            "index": item.index,
            "source": item.source,
            "format": item.fmt,
            "article_id": None,
            "url": None,
            "content_type": None,
            "encoding": None,
            "kind": "malformed",
            "duplicate_of": None,
            "story": None,
            "reason": reason,
            "title": None,
            "authors": [],
            "published_at": None,
            "published_local": None,
            "zone": None,
            "dateline": None,
            "agency": None,
            "language": lang if reason in ("undecodable", "truncated_warc_record") else None,
            "outlet": None,
            "canonical_url": None,
            "topic": None,
            "city": None,
            "country": None,
            "words": 0,
        }
        return item

    def kinds(self) -> list[str]:
        counts = self.mix.counts(self.count)
        kinds = [k for k in KINDS for _ in range(counts[k])]
        rng = self.rng("kinds")
        rng.shuffle(kinds)
        # Something must exist before it can be duplicated: move the first original to the front.
        if kinds and kinds[0] != "original" and "original" in kinds:
            j = kinds.index("original")
            kinds[0], kinds[j] = kinds[j], kinds[0]
        return kinds

    def items(self) -> Iterator[SampleItem]:
        for i, kind in enumerate(self.kinds()):
            if kind == "original":
                yield self.original(i)
            elif kind == "exact_duplicate":
                yield self.exact_duplicate(i)
            elif kind == "near_duplicate":
                yield self.near_duplicate(i)
            else:
                yield self.malformed_item(i)


def generate(count: int, seed: int = 0, mix: Mix | None = None) -> Iterator[SampleItem]:
    """Yield `count` items, each with its manifest entry in `.truth`. Deterministic."""
    if count < 0:
        raise ValueError("count must be >= 0")
    yield from _Generator(count, seed, mix or Mix()).items()


def build_manifest(
    truths: list[dict[str, Any]], seed: int, mix: Mix | None = None
) -> dict[str, Any]:
    """The manifest document: run parameters, counts, and one truth entry per item."""
    mix = mix or Mix()
    counts = {k: 0 for k in KINDS}
    reasons: dict[str, int] = {}
    for truth in truths:
        counts[truth["kind"]] += 1
        if truth["kind"] == "malformed":
            reason = str(truth["reason"])
            reasons[reason] = reasons.get(reason, 0) + 1
    return {
        "generator": "pipelines.samples.generator",
        "version": 1,
        "seed": seed,
        "count": len(truths),
        "mix": {k: getattr(mix, k) for k in KINDS},
        "counts": counts,
        "malformed_reasons": reasons,
        "items": truths,
    }


def generate_corpus(count: int, seed: int = 0, mix: Mix | None = None) -> Corpus:
    """All items in memory plus the manifest (what benchmarks use: no files)."""
    items = list(generate(count, seed, mix))
    return Corpus(items, build_manifest([item.truth for item in items], seed, mix))
