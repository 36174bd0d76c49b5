"""pipelines.streaming's replay admission (no stack): what a restart lets through again.

After a crash the job replays from the last committed offsets; `SkipAdmitted` reads what the
output already holds. The end-to-end crash tests are in tests/test_streaming.py.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.config import S3Config
from pipelines.core.layout import ARTICLES, DUPLICATES, file_key
from pipelines.core.records import Article, Duplicate, to_avro
from pipelines.io.objectstore import LocalStore
from pipelines.io.parquet import to_parquet_bytes
from pipelines.streaming import DUPLICATES as DUPLICATES_TAG
from pipelines.streaming import _FirstSeenInMemory, _SkipAdmitted

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


def test_a_replay_skips_what_is_written_and_records_copies_of_written_text(
    tmp_path: Path,
) -> None:
    store = LocalStore(tmp_path)
    written = [_article("a", "fp-a")]
    store.put(
        file_key(ARTICLES, "dt=2024-10-02", 0, ["a"]),
        to_parquet_bytes([to_avro(a) for a in written], ARTICLES.schema),
    )
    dup = Duplicate("d", "a", "exact", 1.0, "kafka:raw-articles/0/d", NOW, None)
    store.put(
        file_key(DUPLICATES, "dt=2026-01-01", 0, ["d"]),
        to_parquet_bytes([to_avro(dup)], DUPLICATES.schema),
    )
    replayed = [
        _article("a", "fp-a"),  # written: skipped
        _article("d", "fp-a"),  # recorded as a duplicate: skipped
        _article("c", "fp-a"),  # the text of a, never recorded: a duplicate of a, not lost
        _article("n", "fp-n"),  # new
    ]
    p = TestPipeline()
    out = (
        p
        | beam.Create(replayed)
        | beam.ParDo(_SkipAdmitted(str(tmp_path), S3Config(), _now)).with_outputs(
            DUPLICATES_TAG, main="articles"
        )
    )
    assert_that(out.articles | beam.Map(lambda a: a.article_id), equal_to(["n"]), label="New")
    assert_that(
        out[DUPLICATES_TAG] | beam.Map(lambda d: (d.article_id, d.duplicate_of, d.kind)),
        equal_to([("c", "a", "exact")]),
        label="Copies",
    )
    p.run().wait_until_finish()


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
