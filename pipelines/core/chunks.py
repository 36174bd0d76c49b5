"""Chunk tasks: what a CPU worker process runs for a step, one chunk of records at a time.

    CleanChunk(settings, now)(raws)    -> [Article | ArticleError, ...]   one per input, in order
    SignChunk(settings)(articles)      -> [(Article, signature bytes) | ArticleError, ...]
    EnrichChunk(settings)(articles)    -> [Article | ArticleError, ...]

A task is a picklable callable over a list; an exception confined to one record becomes that
record's `ArticleError` (it pickles back to the parent, where the transform dead-letters
it). This module imports neither Beam nor any client: a spawned worker
unpickles a task by importing it, and should load only what the step needs.
Enrichment models are loaded once per process (`enrich_models`) and shared by every chunk.
`TimeLimit` is how long a task may take per record before the record becomes a dead letter
(`time_limit_exceeded`; transforms.workers enforces it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.core.clean import CleanSettings, clean_article
from pipelines.core.clean import preload as preload_clean
from pipelines.core.dedup import DedupSettings, sign
from pipelines.core.enrich import EnrichmentModels, EnrichSettings, enrich_articles, load_models
from pipelines.core.errors import ArticleError
from pipelines.core.records import Article, RawArticle

WORKER_CRASHED = "worker_crashed"  # the record killed the worker process that ran it alone
TIME_LIMIT_EXCEEDED = "time_limit_exceeded"  # the record ran past its TimeLimit, alone


@dataclass(frozen=True)
class TimeLimit:
    """How long a CPU step may spend on one record: `base_s` plus `per_mb_s` per MB of it.

    Defaults (Config.time_limit_s, time_limit_s_per_mb): 10 s + 5 s/MB, about ten to twenty
    times what cleaning and enrichment take on a 2-core machine once loaded (real pages: at
    most 0.5 s, 0.3 s at the 99th percentile; text-heavy pages of 1-19 MB: 0.45 s/MB to
    clean, 0.5 s/MB to enrich).
    """

    base_s: float = 10.0
    per_mb_s: float = 5.0

    def of(self, record: Any) -> float:
        return self.base_s + self.per_mb_s * record_size(record) / 1_000_000


def record_size(record: Any) -> int:
    """Bytes of a RawArticle's body, else characters of an Article's text."""
    body = getattr(record, "body", None)
    if body is not None:
        return len(body)
    return len(getattr(record, "text", "") or "")


def per_element(fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    """Apply `fn` to each item; a raised exception becomes that item's `ArticleError`."""
    out: list[Any] = []
    for item in items:
        try:
            out.append(fn(item))
        except Exception as exc:  # returned as the item's error, never dropped
            out.append(ArticleError.of(exc))
    return out


class CleanChunk:
    """Clean raw articles; the settings and the clock travel to the worker with the task."""

    def __init__(self, settings: CleanSettings, now: Callable[[], datetime]) -> None:
        self.settings = settings
        self.now = now

    def preload(self) -> None:
        preload_clean()

    def one(self, raw: RawArticle) -> Article:
        return clean_article(raw, ingested_at=self.now(), settings=self.settings)

    def __call__(self, raws: list[RawArticle]) -> list[Any]:
        return per_element(self.one, raws)


class SignChunk:
    """MinHash-sign articles for deduplication (a few milliseconds of hashing each)."""

    def __init__(self, settings: DedupSettings) -> None:
        self.settings = settings

    def one(self, article: Article) -> tuple[Article, bytes]:
        return sign(article, self.settings)

    def __call__(self, articles: list[Article]) -> list[Any]:
        return per_element(self.one, articles)


# Models per process, by settings: loading takes seconds and hundreds of MB.
_MODELS: dict[EnrichSettings, EnrichmentModels] = {}
_MODELS_LOCK = threading.Lock()


def enrich_models(settings: EnrichSettings) -> EnrichmentModels:
    """This process's enrichment models for `settings`, loaded on first use."""
    with _MODELS_LOCK:
        if settings not in _MODELS:
            _MODELS[settings] = load_models(settings)
        return _MODELS[settings]


class EnrichChunk:
    """Enrich articles with this process's models (NER batched over the chunk)."""

    def __init__(self, settings: EnrichSettings) -> None:
        self.settings = settings

    def preload(self) -> None:
        enrich_models(self.settings)

    def __call__(self, articles: list[Article]) -> list[Any]:
        return list(enrich_articles(articles, enrich_models(self.settings)))
