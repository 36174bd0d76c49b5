"""io.tables against the real SeaweedFS: one commit over several Iceberg tables, a crash
between the data-file writes and the snapshot commits, and two writers on one group."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from pipelines.config import CatalogConfig, Config
from pipelines.core.layout import ARTICLES, DUPLICATES, file_key
from pipelines.core.offsets import StreamState
from pipelines.io.parquet import arrow_schema, rows_to_table
from pipelines.io.probes import CatalogConflict
from pipelines.io.tables import CommitConflict, Tables
from tests.iceberg_reader import duckdb_rows

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 6, 10, tzinfo=UTC)


def _tables(stack: Config, s3_uri: str, tmp_path: Path) -> Tables:
    catalog = CatalogConfig(uri=f"sqlite:///{tmp_path / 'catalog.db'}")
    return Tables(s3_uri, catalog, stack.s3)


def _put(tables: Tables, kind, name: str, rows: list[dict]) -> str:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    pq.write_table(rows_to_table(rows, kind.schema), buf, compression="zstd")
    key = file_key(kind, "dt=2026-12-06", 0, [name])
    tables.store.put(key, buf.getvalue())
    return key


def _article(aid: str) -> dict:
    row = {f.name: None for f in arrow_schema("article")}
    row.update(
        article_id=aid, text="t", word_count=1, content_fingerprint=aid, ingested_at=NOW,
        source=f"kafka:t/0/{aid}", authors=[], entities=[], countries=[], keywords=[],
        topics=[], enrichment_versions={},
    )  # fmt: skip
    return row


def _duplicate(aid: str) -> dict:
    return {
        "article_id": aid, "url": None, "duplicate_of": "a", "kind": "exact",
        "similarity": 1.0, "source": f"kafka:t/0/{aid}", "detected_at": NOW,
    }  # fmt: skip


def _count(tables: Tables, name: str, s3) -> int:  # type: ignore[no-untyped-def]
    return int(duckdb_rows(tables.metadata_location(name), "count(*)", s3=s3)[0][0])


def test_a_crash_after_the_primary_commit_is_rolled_forward(
    stack: Config, s3_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = _tables(stack, s3_uri, tmp_path)
    files = {
        "articles": [_put(tables, ARTICLES, "a", [_article("a")])],
        "duplicates": [_put(tables, DUPLICATES, "b", [_duplicate("b")])],
    }

    def crash(_pending: object) -> None:
        raise KeyboardInterrupt("killed between the articles and duplicates commits")

    monkeypatch.setattr(tables, "_finish", crash)
    with pytest.raises(KeyboardInterrupt):
        tables.commit(files, {"newswire.input": "x"})
    assert _count(tables, "articles", stack.s3) == 1
    assert _count(tables, "duplicates", stack.s3) == 0  # the crash left it behind
    tables.close()

    restarted = _tables(stack, s3_uri, tmp_path)
    assert len(restarted.recover()) == 1
    assert _count(restarted, "duplicates", stack.s3) == 1
    cid = restarted.commit_ids("duplicates").pop()
    restarted._finish({"commit_id": cid, "files": files, "summary": {}})
    assert _count(restarted, "duplicates", stack.s3) == 1  # a second roll-forward adds nothing
    assert restarted.recover() == []  # done once, nothing pending
    assert _count(restarted, "articles", stack.s3) == 1
    restarted.close()


def test_a_crash_before_the_primary_commit_leaves_orphans_that_are_removed(
    stack: Config, s3_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = _tables(stack, s3_uri, tmp_path)
    kept = _put(tables, ARTICLES, "kept", [_article("kept")])
    tables.commit({"articles": [kept]})
    orphan = _put(tables, ARTICLES, "lost", [_article("lost")])

    def crash(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt("killed before the snapshot commit")

    monkeypatch.setattr(tables, "_commit_table", crash)
    with pytest.raises(KeyboardInterrupt):
        tables.commit({"articles": [orphan]})
    tables.close()

    restarted = _tables(stack, s3_uri, tmp_path)
    assert restarted.recover() == []  # never reached the primary: nothing to roll forward
    # A young pending record may be a live writer's: it stays, and protects its files.
    assert restarted.remove_orphans(timedelta(0)) == []
    assert restarted.recover(stale_after=timedelta(0)) == []  # now taken as a crash's
    assert restarted.remove_orphans(timedelta(hours=1)) == []  # too young to be sure
    assert restarted.remove_orphans(timedelta(0)) == [orphan]
    assert not restarted.store.exists(orphan) and restarted.store.exists(kept)
    assert [r[0] for r in duckdb_rows(
        restarted.metadata_location("articles"), "article_id", s3=stack.s3
    )] == ["kept"]  # fmt: skip
    restarted.close()


def test_a_second_writer_of_the_same_group_fails_before_committing(
    stack: Config, s3_uri: str, tmp_path: Path
) -> None:
    tables = _tables(stack, s3_uri, tmp_path)
    start = tables.stream_state("g", "t")
    first = start.advanced("job1-1", [(0, 0, 1)])
    key = _put(tables, ARTICLES, "a", [_article("a")])
    tables.commit({"articles": [key]}, stream=("g", first, start.commit_id), commit_id="job1-1")
    rival = start.advanced("job2-1", [(0, 0, 1)])
    other = _put(tables, ARTICLES, "b", [_article("b")])
    with pytest.raises(CommitConflict, match="two jobs on one topic and output"):
        tables.commit(
            {"articles": [other]}, stream=("g", rival, start.commit_id), commit_id="job2-1"
        )
    assert tables.stream_state("g", "t") == StreamState("t", 1, "job1-1", {0: [(0, 1)]})
    assert _count(tables, "articles", stack.s3) == 1
    tables.close()


def test_a_writer_that_read_the_state_before_another_committed_fails_too(
    stack: Config, s3_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the check above cannot see alone: the second writer read the table just
    before the first committed (found by the two-jobs streaming test)."""
    first, second = _tables(stack, s3_uri, tmp_path), _tables(stack, s3_uri, tmp_path)
    start = first.stream_state("g", "t")
    stale = second.table("articles", refresh=True)  # read before the first writer commits
    key = _put(first, ARTICLES, "a", [_article("a")])
    first.commit(
        {"articles": [key]},
        stream=("g", start.advanced("one-1", [(0, 0, 1)]), ""),
        commit_id="one-1",
    )
    real = Tables.table
    calls = {"n": 0}

    def table(self: Tables, name: str, refresh: bool = False) -> object:
        calls["n"] += 1
        return stale if calls["n"] == 1 else real(self, name, refresh)

    monkeypatch.setattr(Tables, "table", table)
    other = _put(second, ARTICLES, "b", [_article("b")])
    with pytest.raises(CommitConflict, match="two jobs on one topic and output"):
        second.commit(
            {"articles": [other]},
            stream=("g", start.advanced("two-1", [(0, 0, 1)]), ""),
            commit_id="two-1",
        )
    monkeypatch.undo()
    assert second.stream_state("g", "t").commit_id == "one-1"
    assert _count(second, "articles", stack.s3) == 1
    first.close()
    second.close()


def test_an_output_deleted_outside_the_catalog_is_named_at_once_not_retried(
    stack: Config, s3_uri: str, tmp_path: Path, s3_client: Any
) -> None:
    """Its files gone, the catalog still lists the tables: a missing metadata file is not a
    store outage, so it fails at once (not after `retry_for_s`) and says what to do."""
    from pipelines.io.objectstore import split_s3_uri

    tables = _tables(stack, s3_uri, tmp_path)
    tables.close()
    bucket, prefix = split_s3_uri(s3_uri)
    for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            s3_client.delete_object(Bucket=bucket, Key=obj["Key"])
    catalog = CatalogConfig(uri=f"sqlite:///{tmp_path / 'catalog.db'}")
    with pytest.raises(CatalogConflict, match="NEWSWIRE_CATALOG_NAMESPACE") as caught:
        Tables(s3_uri, catalog, stack.s3, retry_for_s=60.0)
    assert "no longer exists" in str(caught.value)


def test_two_outputs_with_one_namespace_are_refused(
    stack: Config, s3_uri: str, tmp_path: Path
) -> None:
    """`.../a/news` and `.../b/news` both default to namespace `news`: the second is refused
    rather than writing into the first one's tables."""
    catalog = CatalogConfig(uri=f"sqlite:///{tmp_path / 'catalog.db'}")
    Tables(f"{s3_uri}/a/news", catalog, stack.s3).close()
    with pytest.raises(CatalogConflict, match="NEWSWIRE_CATALOG_NAMESPACE"):
        Tables(f"{s3_uri}/b/news", catalog, stack.s3)
