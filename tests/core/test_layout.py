from __future__ import annotations

from datetime import UTC, datetime

from pipelines.core import layout


def test_articles_partition_by_ingest_date_as_their_table_does() -> None:
    # The articles table is partitioned by day(ingested_at) (io.tables): each data file must
    # hold one such day, whatever the publication date.
    row = {
        "article_id": "a",
        "published_at": datetime(2024, 9, 26, 23, 0, tzinfo=UTC),
        "ingested_at": datetime(2025, 1, 1, tzinfo=UTC),
    }
    assert layout.partition(row, layout.ARTICLES) == "dt=2025-01-01"
    row["published_at"] = None
    assert layout.partition(row, layout.ARTICLES) == "dt=2025-01-01"
    assert layout.partition({"article_id": "a"}, layout.INDEX) == ""


def test_file_key_depends_on_row_identities_not_order() -> None:
    a = layout.file_key(layout.ARTICLES, "dt=2024-01-01", 3, ["x", "y"])
    b = layout.file_key(layout.ARTICLES, "dt=2024-01-01", 3, ["y", "x"])
    c = layout.file_key(layout.ARTICLES, "dt=2024-01-01", 3, ["x", "z"])
    assert a == b != c
    assert a.startswith("articles/data/dt=2024-01-01/part-003-") and a.endswith(".parquet")
    assert layout.file_key(layout.INDEX, "", 0, ["x"]).startswith("fingerprints/data/part-000-")


def test_shard_is_stable_and_in_range() -> None:
    rows = [{"article_id": f"id{i}"} for i in range(200)]
    shards = [layout.shard(r, layout.ARTICLES, 4) for r in rows]
    assert set(shards) == {0, 1, 2, 3}
    assert shards == [layout.shard(r, layout.ARTICLES, 4) for r in rows]
