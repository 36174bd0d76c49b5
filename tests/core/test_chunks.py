"""Chunk tasks: one result per record, in order; a record's failure stays with that record."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from pipelines.core.chunks import CleanChunk, EnrichChunk, SignChunk, per_element
from pipelines.core.clean import CleanSettings
from pipelines.core.dedup import DedupSettings, signature, signature_from_bytes
from pipelines.core.enrich import EnrichSettings
from pipelines.core.errors import ArticleError
from pipelines.core.records import Article, RawArticle

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SCRAPE = (
    b"Home | World | Sport\n\nHarbour Plan Approved After Long Debate\n\n"
    b"LISBON (Reuters) - The city council approved a plan on Monday to rebuild the old harbour "
    b"front, ending a debate that lasted more than two years and divided local residents.\n\n"
    b"The plan adds a tram line, two parks and a sea wall designed for storms that engineers "
    b"expect to grow stronger over the coming decades, officials said after the vote.\n"
)


def _now() -> datetime:
    return NOW


def _half(n: int) -> int:
    if n % 2:
        raise ArticleError("odd", str(n))
    if n == 4:
        raise ZeroDivisionError("four")
    return n // 2


def test_per_element_keeps_order_and_turns_each_exception_into_that_items_failure() -> None:
    assert per_element(_half, [0, 1, 2, 4, 6]) == [
        0,
        ArticleError("odd", "1"),
        1,
        ArticleError("unexpected_error", "ZeroDivisionError: four"),
        3,
    ]


def test_failure_carries_code_of_article_errors_and_names_other_exceptions() -> None:
    assert ArticleError.of(ArticleError("no_text", "empty")) == ArticleError("no_text", "empty")
    assert ArticleError.of(KeyError("x")) == ArticleError("unexpected_error", "KeyError: 'x'")


def test_clean_chunk_cleans_and_fails_per_record_and_survives_pickling() -> None:
    task = pickle.loads(pickle.dumps(CleanChunk(CleanSettings(), _now)))
    ok, empty = task(
        [
            RawArticle("ok", "text/plain", SCRAPE, "a.txt"),
            RawArticle("empty", "text/plain", b"", "b.txt"),
        ]
    )
    assert isinstance(ok, Article)
    assert ok.title == "Harbour Plan Approved After Long Debate"
    assert ok.ingested_at == NOW
    assert isinstance(empty, ArticleError) and empty.code == "empty"


def test_sign_chunk_signs_and_fails_per_record_and_survives_pickling() -> None:
    settings = DedupSettings()
    text = "The city council approved a plan to rebuild the old harbour front on Monday."
    good = Article("a", text, "s", NOW, content_fingerprint="f")
    task = pickle.loads(pickle.dumps(SignChunk(settings)))
    signed, no_fp, no_text = task(
        [
            good,
            Article("b", text, "s", NOW, content_fingerprint=""),
            Article("c", " -- ", "s", NOW, content_fingerprint="g"),
        ]
    )
    assert signed[0] is not None and signed[0].article_id == "a"
    assert (signature_from_bytes(signed[1]) == signature(text, settings)).all()
    assert no_fp == ArticleError("missing_fingerprint", "article has no content_fingerprint")
    assert isinstance(no_text, ArticleError) and no_text.code == "empty_text"


def test_enrich_chunk_enriches_with_this_processes_models() -> None:
    task = pickle.loads(pickle.dumps(EnrichChunk(EnrichSettings())))
    task.preload()
    cleaned = CleanChunk(CleanSettings(), _now)([RawArticle("ok", "text/plain", SCRAPE, "a.txt")])
    (enriched,) = task(cleaned)
    assert isinstance(enriched, Article)
    assert enriched.language == "en"
    assert "PT" in enriched.countries
