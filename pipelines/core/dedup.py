"""Near-duplicate decisions: settings, first-seen ordering, the fingerprint index, memories.

Pure functions used by the DEDUPLICATE step (`pipelines.transforms.dedup`), by the quality
benchmark (`benchmarks.quality.near_dup_variants`) and by tests. No Beam here: the transform
only keys and groups what these functions compute, so a single-process run of
`near_duplicate_matches` gives the same answer as the pipeline.

Method
------
- Signatures (`core.minhash`): MinHash over the hashed `shingle_size`-word shingles of a text.
- Candidates (`core.lsh`): LSH bands of the signature; threshold 0.4 (the default), num_perm
  128 -> rows 2, bands 64: P(candidate) = 0.99999 at s=0.4, 0.93 at s=0.2, 0.47 at s=0.1,
  0.056 at s=0.03, 0.006 at s=0.01 (different stories are mostly below 0.03; the extra
  candidates cost one comparison each, bounded per bucket). With threshold 0.5 -> rows 3,
  bands 42: P = 0.996 at s=0.5, 0.04 at s=0.1.
- Default threshold 0.4 with 3-word shingles: on republished-copy variants of 181 real
  articles (benchmarks/quality/near_dup_variants.py) pair recall 0.95-0.99 at precision 1.0,
  while different stories stay below Jaccard 0.17 and same-topic follow-ups below 0.2.
- First seen wins: candidates are ordered by `order_key` (earliest published_at, None after any
  date, then earliest ingested_at, then article_id). Entries of the fingerprint index (articles
  admitted by earlier runs) rank before every new article: they are already published, so they
  stay the originals.
- Within one LSH bucket each later candidate is paired with at most `max_bucket_compare`
  earliest earlier members (bounding work on hot buckets); over all buckets a later article is
  a near-duplicate of the *earliest* paired article with estimated Jaccard >= threshold.
  Chains: if C is close enough to A, C points at A even when it was found through B; if C is
  only close to B (itself a duplicate of A), C points at B, and following `duplicate_of`
  from B reaches A. Similarity is never assumed transitive.
"""

from __future__ import annotations

from bisect import insort
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pipelines.core.clock import as_utc
from pipelines.core.defaults import NEAR_DUP_THRESHOLD
from pipelines.core.errors import ArticleError
from pipelines.core.lsh import band_keys, band_keys_of_bytes, lsh_params
from pipelines.core.minhash import (
    Signature,
    estimated_jaccard,
    minhash,
    shingle_hashes,
    signature_from_bytes,
    signature_to_bytes,
)
from pipelines.core.records import Article, Duplicate

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# (previous-run flag, has-no-date flag, published µs, ingested µs, article_id); smaller = earlier.
Rank = tuple[int, int, int, int, str]


@dataclass(frozen=True, slots=True)
class DedupSettings:
    """Parameters that must be identical wherever signatures are computed or compared.

    `bands`/`rows` of 0 mean "derive from threshold with `lsh_params`" (see `lsh`); they stay
    0 in the object, so `dataclasses.replace(settings, threshold=t)` re-derives them.
    `params_id` names the parameters that make signatures comparable; index entries carry it.
    """

    shingle_size: int = 3
    num_perm: int = 128
    seed: int = 0x5EED_D1CE
    threshold: float = NEAR_DUP_THRESHOLD
    bands: int = 0
    rows: int = 0
    min_recall: float = 0.99  # LSH candidate probability required at s = threshold
    max_bucket_compare: int = 20
    max_chars: int = 500_000  # only this much of a text is shingled

    def __post_init__(self) -> None:
        if self.shingle_size < 1 or self.num_perm < 1 or self.max_bucket_compare < 1:
            raise ValueError("shingle_size, num_perm and max_bucket_compare must be >= 1")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if (self.bands == 0) != (self.rows == 0):
            raise ValueError("set both bands and rows, or neither")
        bands, rows = self.lsh
        if bands * rows > self.num_perm:
            raise ValueError("bands * rows must not exceed num_perm")

    @property
    def lsh(self) -> tuple[int, int]:
        """(bands, rows) in use: the explicit ones, else derived from the threshold."""
        if self.bands and self.rows:
            return self.bands, self.rows
        return lsh_params(self.threshold, self.num_perm, self.min_recall)

    @property
    def params_id(self) -> str:
        return f"minhash-v1-k{self.shingle_size}-p{self.num_perm}-s{self.seed:x}-c{self.max_chars}"


# --- shingles and signatures -------------------------------------------------------------


def signature(text: str, settings: DedupSettings) -> Signature:
    """MinHash signature of a text's word shingles. Raises ArticleError("empty_text")."""
    hashes = shingle_hashes(text, settings.shingle_size, settings.max_chars)
    return minhash(hashes, settings.num_perm, settings.seed)


def sign(article: Article, settings: DedupSettings) -> tuple[Article, bytes]:
    """(article, its signature as bytes), after checking the fields dedup relies on."""
    if not article.article_id:
        raise ArticleError("missing_article_id", "article has no article_id")
    if not article.content_fingerprint:
        raise ArticleError("missing_fingerprint", "article has no content_fingerprint")
    return article, signature_to_bytes(signature(article.text, settings))


# --- first-seen ordering -----------------------------------------------------------------


def duplicate_record(
    article: Article, original: str, kind: str, similarity: float, detected_at: datetime
) -> Duplicate:
    """The `duplicates/` row saying `article` is a `kind` ("exact" or "near") duplicate of
    the article with id `original`."""
    return Duplicate(
        article_id=article.article_id,
        duplicate_of=original,
        kind=kind,
        similarity=similarity,
        source=article.source,
        detected_at=detected_at,
        url=article.url,
    )


def _micros(dt: datetime) -> int:
    return (as_utc(dt) - _EPOCH) // timedelta(microseconds=1)


def order_key(
    published_at: datetime | None,
    ingested_at: datetime | None,
    article_id: str,
    *,
    previous: bool = False,
    date_only: bool = False,
) -> Rank:
    """Sort key for "first seen wins"; the smallest key is the original.

    Earliest published_at first (None after any date), then earliest ingested_at (None last),
    then article_id. `previous=True` (fingerprint-index entries) ranks before any new article.
    `date_only`: the source gave a day but no time; it counts as the end of that day, since it
    cannot be shown to precede a timed publication on the same day.
    """
    if date_only and published_at is not None:
        published_at = published_at + timedelta(days=1) - timedelta(microseconds=1)
    return (
        0 if previous else 1,
        0 if published_at is not None else 1,
        _micros(published_at) if published_at is not None else 0,
        _micros(ingested_at) if ingested_at is not None else 1 << 62,
        article_id,
    )


def is_previous(rank: Rank) -> bool:
    return rank[0] == 0


# --- fingerprint index -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One admitted article in the fingerprint index (appended each run, read by the next)."""

    article_id: str
    content_fingerprint: str
    signature: bytes
    canonical_url: str | None = None
    published_at: datetime | None = None
    ingested_at: datetime | None = None
    duplicate_of: str | None = None
    dedup_params: str = ""

    def rank(self) -> Rank:
        return order_key(self.published_at, self.ingested_at, self.article_id, previous=True)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "content_fingerprint": self.content_fingerprint,
            "signature": self.signature,
            "canonical_url": self.canonical_url,
            "published_at": self.published_at,
            "ingested_at": self.ingested_at,
            "duplicate_of": self.duplicate_of,
            "dedup_params": self.dedup_params,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> IndexEntry:
        """Inverse of to_dict; naive datetimes (Parquet without a zone) are taken as UTC."""
        return cls(
            article_id=d["article_id"],
            content_fingerprint=d["content_fingerprint"],
            signature=bytes(d["signature"]),
            canonical_url=d.get("canonical_url"),
            published_at=_aware(d.get("published_at")),
            ingested_at=_aware(d.get("ingested_at")),
            duplicate_of=d.get("duplicate_of"),
            dedup_params=d.get("dedup_params") or "",
        )


BAND_TAG = b"b"  # a `lookup_keys` band key's tag (ids and fingerprints: b"i", b"f")


def lookup_keys(
    article_id: str, content_fingerprint: str, signature: bytes | None, settings: DedupSettings
) -> list[bytes]:
    """The keys by which an article meets others in the dedup groups: its id, its fingerprint
    and, with a signature (bytes, computed with `settings`), its LSH band keys. Tagged, so the
    three kinds share one set. An index entry no new article shares a key with takes part in
    no decision of a run (`relevant_entry`)."""
    keys = [b"i" + article_id.encode(), b"f" + content_fingerprint.encode()]
    if signature is not None:
        bands, rows = settings.lsh
        keys.extend(band_keys_of_bytes(signature, bands, rows, tag=BAND_TAG))
    return keys


def comparable(entry: IndexEntry, settings: DedupSettings) -> bool:
    """Whether an index entry's signature was made with `settings` (else only its id and
    fingerprint count)."""
    return (
        entry.dedup_params == settings.params_id and len(entry.signature) == 4 * settings.num_perm
    )


class RelevantIndex:
    """Picks, from a stream of index entries, those that can change a decision about the new
    articles whose `lookup_keys` are `wanted`; the others meet no new article in any group,
    so a run need not carry them (the index grows with every run, a run should not).

    Needed: an entry sharing a new article's id or fingerprint (`add` returns True: pass it
    on now), and, per LSH band a new article has, the `max_bucket_compare` earliest
    comparable entries in it (`held`, once every entry was added): within a bucket a new
    article is paired with the earliest members only (`bucket_pairs`), and index entries rank
    before every new article. An entry in no band of a new article pairs with none of them.
    Holds at most that many entries per band of the new articles (fewer when buckets are
    small); the union over several streams (bundles) of what each picks is still enough.
    """

    def __init__(self, wanted: frozenset[bytes] | set[bytes], settings: DedupSettings) -> None:
        self.wanted = wanted
        self.settings = settings
        self.cap = settings.max_bucket_compare
        self._earliest: dict[bytes, list[tuple[Rank, int]]] = {}  # band key -> sorted
        self._entries: dict[int, IndexEntry] = {}  # held, by arrival number
        self._buckets: dict[int, int] = {}  # arrival number -> buckets holding it
        self._seen = 0

    def add(self, entry: IndexEntry) -> bool:
        """True when the entry is needed as it is (same id or fingerprint as a new article);
        else it may be held for `held`."""
        keys = lookup_keys(entry.article_id, entry.content_fingerprint, None, self.settings)
        if not self.wanted.isdisjoint(keys):
            return True
        if not comparable(entry, self.settings):
            return False
        bands, rows = self.settings.lsh
        wanted = self.wanted
        # Most entries of a large index share no band with the new articles: found without
        # decoding the signature or ranking the entry.
        keys = [
            k for k in band_keys_of_bytes(entry.signature, bands, rows, BAND_TAG) if k in wanted
        ]
        if not keys:
            return False
        number, self._seen = self._seen, self._seen + 1
        rank = entry.rank()
        for key in keys:
            earliest = self._earliest.setdefault(key, [])
            if len(earliest) >= self.cap and (rank, number) > earliest[-1]:
                continue
            insort(earliest, (rank, number))
            self._entries[number] = entry
            self._buckets[number] = self._buckets.get(number, 0) + 1
            if len(earliest) > self.cap:
                self._release(earliest.pop()[1])
        return False

    def _release(self, number: int) -> None:
        self._buckets[number] -= 1
        if not self._buckets[number]:
            del self._buckets[number], self._entries[number]

    def held(self) -> list[IndexEntry]:
        """The entries among the earliest of a band of the new articles, in arrival order."""
        return [self._entries[n] for n in sorted(self._entries)]

    def bands(self) -> list[tuple[bytes, Rank, str]]:
        """(band key, rank, article_id) of each held entry in each band it is among the
        earliest of: all a run's LSH buckets need of the held entries (their other bands
        meet no new article, or only behind earlier entries)."""
        return [
            (key[1:], rank, self._entries[number].article_id)
            for key, earliest in self._earliest.items()
            for rank, number in earliest
        ]


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


# --- near-duplicate decisions ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article (or index entry) taking part in LSH buckets."""

    article_id: str
    rank: Rank
    signature: Signature = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Match:
    """`article_id` is a near-duplicate of the earlier `duplicate_of`."""

    article_id: str
    duplicate_of: str
    similarity: float
    original_rank: Rank

    def precedes(self, other: Match) -> bool:
        return self.original_rank < other.original_rank


def bucket_pairs(
    members: Iterable[tuple[Rank, str]], max_compare: int
) -> Iterator[tuple[str, str, Rank]]:
    """(later_id, earlier_id, earlier_rank) pairs to verify within one LSH bucket.

    Members are sorted by rank; each later member that is not from the index is paired with
    the at most `max_compare` earliest members before it (the earliest are the ones that win).
    """
    ordered = sorted(members)
    for i in range(1, len(ordered)):
        rank, later = ordered[i]
        if is_previous(rank):
            continue
        for j in range(min(i, max_compare)):
            yield later, ordered[j][1], ordered[j][0]


def near_duplicate_matches(
    candidates: Iterable[Candidate], settings: DedupSettings
) -> dict[str, Match]:
    """Single-process reference of the pipeline's near-duplicate pass: article_id -> Match.

    Bands every candidate, pairs within buckets (`bucket_pairs`), verifies each distinct pair
    once, and keeps per article the earliest original with estimated Jaccard >= threshold.
    """
    bands, rows = settings.lsh
    by_id: dict[str, Candidate] = {}
    buckets: dict[bytes, list[tuple[Rank, str]]] = defaultdict(list)
    for c in candidates:
        by_id[c.article_id] = c
        for key in band_keys(c.signature, bands, rows):
            buckets[key].append((c.rank, c.article_id))
    pairs: dict[tuple[str, str], Rank] = {}
    for members in buckets.values():
        if len(members) > 1:
            for later, earlier, earlier_rank in bucket_pairs(members, settings.max_bucket_compare):
                pairs[(later, earlier)] = earlier_rank
    best: dict[str, Match] = {}
    for (later, earlier), earlier_rank in pairs.items():
        sim = estimated_jaccard(by_id[later].signature, by_id[earlier].signature)
        if sim >= settings.threshold:
            m = Match(later, earlier, sim, earlier_rank)
            if later not in best or m.precedes(best[later]):
                best[later] = m
    return best


# --- memory of earlier windows (streaming) -----------------------------------------------


class NearDuplicateIndex:
    """LSH buckets over the signatures of articles already admitted, kept in memory.

    A streaming job finds near-duplicates within each window with the keyed pipeline above;
    this index is its memory of earlier windows: `match` finds the earliest admitted article
    (by `Rank`) with estimated Jaccard >= threshold among the at most `max_bucket_compare`
    earliest members of each bucket the signature falls in, the same rule as within a window.
    Bounded: beyond `max_entries` the oldest additions are forgotten first.
    """

    def __init__(self, settings: DedupSettings, max_entries: int = 200_000) -> None:
        self.settings = settings
        self.max_entries = max_entries
        self._bands, self._rows = settings.lsh
        self._entries: dict[str, tuple[Rank, Signature, list[bytes]]] = {}  # insertion order
        self._buckets: dict[bytes, list[tuple[Rank, str]]] = defaultdict(list)

    @classmethod
    def from_entries(
        cls, entries: Iterable[IndexEntry], settings: DedupSettings, max_entries: int
    ) -> NearDuplicateIndex:
        """The memory of earlier runs: the most recent originals of the fingerprint index whose
        signatures are comparable (same parameters), at most `max_entries`."""
        index = cls(settings, max_entries)
        kept = [
            e for e in entries if e.duplicate_of is None and e.dedup_params == settings.params_id
        ]
        kept.sort(key=lambda e: e.ingested_at or datetime.min.replace(tzinfo=UTC))
        for e in kept[-max_entries:]:
            index.add(e.article_id, signature_from_bytes(e.signature), e.rank())
        return index

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    def add(self, article_id: str, signature: Signature, rank: Rank) -> None:
        if article_id in self._entries:
            return
        keys = band_keys(signature, self._bands, self._rows)
        self._entries[article_id] = (rank, signature, keys)
        for key in keys:
            bucket = self._buckets[key]
            bucket.append((rank, article_id))
            if len(bucket) > 1 and bucket[-2] > bucket[-1]:
                bucket.sort()
        while len(self._entries) > self.max_entries:
            self._forget(next(iter(self._entries)))

    def _forget(self, article_id: str) -> None:
        rank, _, keys = self._entries.pop(article_id)
        for key in keys:
            bucket = self._buckets[key]
            bucket.remove((rank, article_id))
            if not bucket:
                del self._buckets[key]

    def match(self, article_id: str, signature: Signature) -> Match | None:
        """The earliest indexed article this one is a near-duplicate of, if any."""
        s = self.settings
        best: Match | None = None
        checked: set[str] = set()
        for key in band_keys(signature, self._bands, self._rows):
            for rank, other in self._buckets.get(key, [])[: s.max_bucket_compare]:
                if other == article_id or other in checked:
                    continue
                checked.add(other)
                if best is not None and not rank < best.original_rank:
                    continue
                sim = estimated_jaccard(signature, self._entries[other][1])
                if sim >= s.threshold:
                    best = Match(article_id, other, sim, rank)
        return best


class FirstSeen:
    """Exact duplicates across windows (streaming): content fingerprint -> the article_id
    first seen with it.

    An entry lasts `ttl_s` of event time (seconds, measured against the latest timestamp
    seen, so a replayed backlog expires nothing early) and at most `max_entries` are kept,
    the oldest forgotten first. The in-memory twin of a keyed state with an expiry timer.
    """

    def __init__(self, ttl_s: float, max_entries: int = 1_000_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._first: dict[str, tuple[str, float]] = {}  # insertion order = first sighting
        self._latest = float("-inf")

    def __len__(self) -> int:
        return len(self._first)

    def first(self, fingerprint: str, article_id: str, at: float) -> str | None:
        """The article_id first seen with `fingerprint`, or None when this is the first
        (then remembered as such). `at`: the article's event time, in seconds."""
        self._latest = max(self._latest, at)
        self._expire()
        seen = self._first.get(fingerprint)
        if seen is not None:
            return seen[0]
        self._first[fingerprint] = (article_id, at)
        if len(self._first) > self.max_entries:
            del self._first[next(iter(self._first))]
        return None

    def _expire(self) -> None:
        # Sightings are in arrival order, near enough to event-time order in a stream; an
        # out-of-order old entry behind a younger one only lives until that one expires.
        horizon = self._latest - self.ttl_s
        while self._first:
            oldest = next(iter(self._first))
            if self._first[oldest][1] >= horizon:
                return
            del self._first[oldest]
