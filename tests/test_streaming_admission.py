"""pipelines.streaming's exact-duplicate memory across windows on one-process runners (no
stack). The end-to-end crash tests are in tests/test_streaming.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that

from pipelines.core.records import Article
from pipelines.streaming import DUPLICATES as DUPLICATES_TAG
from pipelines.streaming import _FirstSeenInMemory

DAY = datetime(2024, 10, 2, 9, 30, tzinfo=UTC)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _article(aid: str, fingerprint: str) -> Article:
    return Article(
        article_id=aid,
        text=f"The harbour council met about item {aid} on Tuesday.",
        source=f"kafka:raw-articles/0/{aid}",
        ingested_at=DAY,
        content_fingerprint=fingerprint,
        published_at=DAY,
        language="en",
    )


def _now() -> datetime:
    return NOW


def test_first_seen_in_memory_passes_one_article_per_text_in_its_window() -> None:
    # Prism's variant of KeepFirstSeen: a process-wide memory instead of keyed state.
    articles = [_article("a", "fp-x"), _article("b", "fp-x"), _article("c", "fp-y")]
    articles.append(_article("a", "fp-x"))  # the same article sent again
    p = TestPipeline()
    out = (
        p
        | beam.Create([(a, 100.0 + i) for i, a in enumerate(articles)])
        | beam.MapTuple(lambda a, ts: beam.window.TimestampedValue(a, ts))
        | beam.WindowInto(beam.window.FixedWindows(60))
        | beam.ParDo(_FirstSeenInMemory(3600.0, uuid.uuid4().hex, _now)).with_outputs(
            DUPLICATES_TAG, main="articles"
        )
    )
    kept = out.articles | "Kept" >> beam.Map(
        lambda a, w=beam.DoFn.WindowParam: ("kept", a.article_id, a.content_fingerprint, w.end)
    )
    dups = out[DUPLICATES_TAG] | "Dups" >> beam.Map(
        lambda d, w=beam.DoFn.WindowParam: (d.kind, d.article_id, d.duplicate_of, w.end)
    )

    def one_per_text_the_rest_its_copies(rows: list[Any]) -> None:
        assert all(end == 120 for *_, end in rows)  # every output stays in its window
        kept = {fp: aid for what, aid, fp, _ in rows if what == "kept"}
        assert sorted(kept) == ["fp-x", "fp-y"] and kept["fp-y"] == "c"
        # Which of a and b came first is the runner's order; the others are its copies.
        original = kept["fp-x"]
        copies = sorted(aid for what, aid, of, _ in rows if what == "exact" and of == original)
        sent = ["a", "b", "a"]  # the sends of fp-x
        sent.remove(original)  # its first sighting was kept
        assert copies == sorted(sent)
        assert len(rows) == 2 + len(sent)

    assert_that((kept, dups) | beam.Flatten(), one_per_text_the_rest_its_copies)
    p.run().wait_until_finish()
