"""The fingerprint index is read from the `fingerprints` table's current snapshot: a file in
its data folder that no snapshot references (a crashed run's) is never read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.config import CatalogConfig, S3Config
from pipelines.core.dedup import IndexEntry
from pipelines.io.index import IndexEntries, ReadFingerprintIndex, index_files
from pipelines.io.parquet import to_parquet_bytes
from pipelines.io.tables import Tables

WHEN = datetime(2024, 10, 2, 8, tzinfo=UTC)


def _entry(article_id: str) -> IndexEntry:
    return IndexEntry(
        article_id=article_id,
        content_fingerprint=f"fp-{article_id}",
        signature=b"\x00" * 8,
        ingested_at=WHEN,
        dedup_params="test",
    )


@pytest.fixture
def output(tmp_path: Path) -> Iterator[tuple[str, CatalogConfig, Tables]]:
    """An output whose fingerprint table holds a committed file (a, b) and, in the same
    folder, an uncommitted one (c)."""
    out = str(tmp_path / "out")
    catalog = CatalogConfig(uri=f"sqlite:///{tmp_path / 'catalog.db'}")
    tables = Tables(out, catalog, S3Config())
    rows = [_entry("a").to_dict(), _entry("b").to_dict()]
    tables.store.put(
        "fingerprints/data/part-000-x.parquet", to_parquet_bytes(rows, "fingerprint_index")
    )
    tables.commit({"fingerprints": ["fingerprints/data/part-000-x.parquet"]})
    orphan = [_entry("c").to_dict()]
    tables.store.put(
        "fingerprints/data/part-000-y.parquet", to_parquet_bytes(orphan, "fingerprint_index")
    )
    yield out, catalog, tables
    tables.close()


def test_index_files_are_the_committed_ones(output: tuple[str, CatalogConfig, Tables]) -> None:
    _, _, tables = output
    assert index_files(tables) == ["fingerprints/data/part-000-x.parquet"]


def test_read_fingerprint_index_reads_only_committed_files(
    output: tuple[str, CatalogConfig, Tables],
) -> None:
    out, _, tables = output
    with TestPipeline() as p:
        ids = (
            p
            | ReadFingerprintIndex(out, S3Config(), index_files(tables))
            | beam.Map(lambda e: e.article_id)
        )
        assert_that(ids, equal_to(["a", "b"]))


def test_index_entries_with_a_catalog_reads_the_table(
    output: tuple[str, CatalogConfig, Tables], tmp_path: Path
) -> None:
    out, catalog, _ = output
    assert sorted(e.article_id for e in IndexEntries(out, S3Config(), catalog)()) == ["a", "b"]
    # An output without tables yet: nothing committed, nothing read.
    assert IndexEntries(str(tmp_path / "new"), S3Config(), catalog)() == []
