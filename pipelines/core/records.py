"""Typed records that flow through the pipeline.

The Avro schemas in `schemas/` are the single source of truth; these dataclasses mirror them
field for field (a test checks that), and `to_avro`/`from_avro` convert. Timestamps are
timezone-aware UTC `datetime`s.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipelines.core.clock import as_utc

RAW_TRUNCATE_BYTES = 1 << 20  # dead letters keep at most 1 MiB of the raw input


@dataclass(frozen=True, slots=True)
class BodyRef:
    """Claim check: where a body too large for Kafka was put in object storage."""

    uri: str
    size: int
    sha256: str


@dataclass(slots=True)
class RawArticle:
    """What a producer sends: one raw page or scrape plus metadata (schemas/raw_article.avsc)."""

    article_id: str
    content_type: str  # "text/html" or "text/plain"
    body: bytes
    source: str
    url: str | None = None
    fetched_at: datetime | None = None
    encoding: str | None = None
    outlet: str | None = None
    language_hint: str | None = None
    body_ref: BodyRef | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    label: str
    count: int


@dataclass(slots=True)
class Article:
    """A cleaned article; dedup and enrich fill in their fields (schemas/article.avsc)."""

    article_id: str
    text: str
    source: str
    ingested_at: datetime
    content_fingerprint: str = ""
    url: str | None = None
    canonical_url: str | None = None
    source_domain: str | None = None
    outlet: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    published_at_source: str | None = None
    language: str | None = None
    dateline: str | None = None
    agency: str | None = None
    word_count: int = 0
    duplicate_of: str | None = None
    duplicate_similarity: float | None = None
    entities: list[Entity] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    enrichment_versions: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class DeadLetter:
    """An input that failed a step, with a stable reason (schemas/dead_letter.avsc)."""

    source: str
    step: str
    error_code: str
    error_message: str
    failed_at: datetime
    raw: bytes = b""
    article_id: str | None = None

    def __post_init__(self) -> None:
        if len(self.raw) > RAW_TRUNCATE_BYTES:
            self.raw = self.raw[:RAW_TRUNCATE_BYTES]


@dataclass(slots=True)
class Duplicate:
    """One article found to duplicate an earlier one (schemas/duplicate.avsc)."""

    article_id: str
    duplicate_of: str
    kind: str  # "exact" or "near"
    similarity: float
    source: str
    detected_at: datetime
    url: str | None = None


def to_avro(record: Any) -> dict[str, Any]:
    """Dataclass -> dict in the shape fastavro writes (nested records become dicts)."""
    return {name: _plain(getattr(record, name)) for name in _field_names(type(record))}


# Values that are already in fastavro's shape: most fields, so they skip the generic checks
# (this runs once per row written; dataclasses.fields/is_dataclass cost microseconds each).
_AS_IS = (str, bytes, int, float, datetime, type(None))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _plain(value: Any) -> Any:
    if isinstance(value, _AS_IS):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_avro(value)
    return value


def _utc(value: Any) -> Any:
    # fastavro returns aware datetimes for timestamp-micros; normalise to UTC anyway.
    return as_utc(value) if isinstance(value, datetime) else value


def raw_article_from_avro(
    d: dict[str, Any], lineage: str | None = None, fetched_default: datetime | None = None
) -> RawArticle:
    """RawArticle from its Avro record. With `lineage`, that becomes the article's `source` and
    the producer's own source moves to `attributes["producer_source"]`; `fetched_default`
    stands in for a missing `fetched_at`."""
    ref = d.get("body_ref")
    fetched = d.get("fetched_at")
    attributes = dict(d.get("attributes") or {})  # a fresh dict per record
    source = d["source"]
    if lineage is not None:
        attributes["producer_source"], source = source, lineage
    # Positional, in field order, built once: this runs once per Kafka message (benchmarks, Avro).
    return RawArticle(
        d["article_id"],
        d["content_type"],
        d["body"],
        source,
        d.get("url"),
        fetched_default if fetched is None else _utc(fetched),
        d.get("encoding"),
        d.get("outlet"),
        d.get("language_hint"),
        BodyRef(**ref) if ref else None,
        attributes,
    )


@dataclass(frozen=True, slots=True)
class Message:
    """One message as read from Kafka, before decoding.

    `source` is the lineage kafka:<topic>/<partition>/<offset>. `covers_from` is the offset
    the reader stood at before this record (the previous record's offset + 1, or where it
    started): the record accounts for the offsets [covers_from, offset + 1) of its partition,
    gaps included (core.offsets).
    """

    value: bytes
    source: str
    key: bytes | None = None
    timestamp: datetime | None = None
    covers_from: int | None = None


# Python's datetime ends with year 9999; Kafka's timestamps are any int64 a producer sends.
_MAX_KAFKA_MS = 253_402_300_800_000  # 10000-01-01T00:00:00Z


def kafka_time(ms: int | None) -> datetime | None:
    """A Kafka record timestamp (ms since the epoch) as a UTC datetime, or None when it is
    absent, not after the epoch, or past year 9999 (a producer's clock or a hostile writer)."""
    if ms is None or ms <= 0 or ms >= _MAX_KAFKA_MS:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC)
