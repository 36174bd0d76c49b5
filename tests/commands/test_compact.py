"""`newswire compact`: argument checks, and real compactions of Iceberg tables on SeaweedFS
that pyiceberg and an independent reader (DuckDB's iceberg extension) see through unchanged;
snapshot expiry and orphan removal (`Tables.expire_snapshots`, `Tables.remove_orphans`).

Each integration test has its own output prefix (so its own catalog namespace) and its own
SQLite catalog under tmp_path.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipelines.cli import main
from pipelines.commands.compact import COMPACTED, parse_age, parse_size, plan_groups
from pipelines.config import CatalogConfig, Config
from pipelines.core.records import Article, DeadLetter, to_avro
from pipelines.io.parquet import to_parquet_bytes
from pipelines.io.tables import Tables, state_key
from tests.iceberg_reader import duckdb_rows

DAY = datetime(2024, 10, 2, 8, 15, tzinfo=UTC)
NEXT_DAY = DAY + timedelta(days=1)
P = "dt=2024-10-02"
STATE = state_key("x")


def _article(article_id: str, when: datetime = DAY) -> dict[str, Any]:
    return to_avro(
        Article(
            article_id=article_id,
            text=f"Ferry timetable {article_id} changes from Monday.",
            source=f"kafka:raw-articles/1/{article_id}",
            ingested_at=when,
            content_fingerprint=f"fp-{article_id}",
            published_at=when,
            language="en",
        )
    )


def _put(tables: Tables, key: str, rows: list[dict[str, Any]], schema: str = "article") -> str:
    tables.store.put(key, to_parquet_bytes(rows, schema))
    return key


def _commit_window(tables: Tables, name: str, partition: str, rows: list[dict[str, Any]]) -> str:
    """One small file committed on its own, the way a streaming window leaves it."""
    schema = {"articles": "article", "dead_letter": "dead_letter"}[name]
    key = _put(tables, f"{name}/data/{partition}/part-{uuid.uuid4().hex[:8]}.parquet", rows, schema)
    tables.commit({name: [key]})
    return key


def _fill(tables: Tables) -> None:
    """dt=2024-10-02: 5 article files (one row written twice, by a replayed window), 2 dead-letter
    files; dt=2024-10-03: 2 article files. The stream state property `newswire.stream.x`."""
    for n in range(5):
        rows = [_article(f"w{n}-a{i}") for i in range(3)]
        if n == 4:
            rows.append(_article("w0-a0"))  # the replay
        _commit_window(tables, "articles", P, rows)
    for n in range(2):
        letter = DeadLetter(f"feed.jsonl:{n}", "clean", "empty_text", "no text", DAY, b"")
        _commit_window(tables, "dead_letter", P, [to_avro(letter)])
    for n in range(2):
        _commit_window(tables, "articles", "dt=2024-10-03", [_article(f"next-{n}", NEXT_DAY)])
    with tables.table("articles", refresh=True).transaction() as tx:
        tx.set_properties({STATE: '{"topic": "t", "commit_id": "c1"}'})


def _files(tables: Tables, name: str, day: str) -> list[str]:
    return [f for f in tables.data_files(name) if f"/dt={day}/" in f]


def _ids(tables: Tables, name: str = "articles") -> list[str]:
    table = tables.table(name, refresh=True)
    return sorted(table.scan(selected_fields=("article_id",)).to_arrow()["article_id"].to_pylist())


@pytest.fixture
def output(stack: Config, s3_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """(config, output URI, Tables) with a catalog of this test's own, also for the CLI."""
    uri = f"sqlite:///{tmp_path / 'catalog.db'}"
    monkeypatch.setenv("NEWSWIRE_CATALOG_URI", uri)
    config = replace(stack, catalog=CatalogConfig(uri=uri))
    tables = Tables(s3_uri, config.catalog, config.s3)
    yield config, s3_uri, tables
    tables.close()


def test_parse_size_and_age() -> None:
    assert parse_size("128MiB") == 128 * 1024 * 1024
    assert parse_size("128MB") == 128_000_000
    assert parse_size("64k") == 64_000
    assert parse_age("1h") == timedelta(hours=1)
    assert parse_age("7d") == timedelta(days=7)
    assert parse_age("90") == timedelta(seconds=90)


def test_plan_groups_merges_only_small_files() -> None:
    sizes = {"a": 10, "b": 60, "c": 20, "d": 15}  # b is at least half the target: done
    assert plan_groups(sizes, 100) == [["a", "c", "d"]]
    assert plan_groups({"a": 10, "b": 60}, 100) == []  # one small file: nothing to do
    assert plan_groups(dict.fromkeys("abcde", 40), 100) == [["a", "b"], ["c", "d", "e"]]


@pytest.mark.parametrize(
    "extra",
    [["--dt", "02/10/2024"], ["--dt", "2024-10-02", "--kind", "_index"],
     ["--dt", "2024-10-02", "--target-size", "big"],
     ["--dt", "2024-10-02", "--expire-older-than", "-1h"],
     ["--dt", "2024-10-02", "--remove-orphans-older-than", "soon"],
     [], ["--all", "--dt", "2024-10-02"]],
)  # fmt: skip
def test_bad_arguments_exit_2(tmp_path: Path, extra: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["compact", str(tmp_path), *extra])
    assert exc.value.code == 2


@pytest.mark.parametrize("uri", ["gs://bucket/news", "s3:/bucket/news"])
def test_unsupported_or_malformed_uri_exits_2(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["compact", uri, "--dt", "2024-10-02"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "unsupported" in err or "did you mean" in err


@pytest.mark.integration
def test_compact_replaces_small_files_in_one_snapshot(
    output: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    config, uri, tables = output
    _fill(tables)
    assert len(_files(tables, "articles", "2024-10-02")) == 5
    ids_before = _ids(tables)
    assert len(ids_before) == 18  # 15 + the replayed row + 2 of the next day
    letters_before = tables.table("dead_letter").scan().to_arrow().num_rows
    snapshot_before = tables.table("articles", refresh=True).current_snapshot().snapshot_id
    other_day = _files(tables, "articles", "2024-10-03")

    # A dry run plans and changes nothing.
    assert main(["compact", uri, "--dt", "2024-10-02", "--dry-run", "--json"]) == 0
    planned = json.loads(capsys.readouterr().out)["reports"]
    assert [(r["table"], len(r["merges"])) for r in planned] == [
        ("articles", 1),
        ("duplicates", 0),
        ("dead_letter", 1),
    ]
    assert planned[0]["merges"][0]["status"] == "planned"
    after_dry_run = tables.table("articles", refresh=True).current_snapshot().snapshot_id
    assert after_dry_run == snapshot_before

    assert main(["compact", uri, "--dt", "2024-10-02"]) == 0
    out = capsys.readouterr().out
    assert f"articles/{P}: merged 5 files" in out and "16 -> 15 rows" in out
    assert f"dead_letter/{P}: merged 2 files" in out

    merged = _files(tables, "articles", "2024-10-02")
    assert len(merged) == 1 and "/articles/data/dt=2024-10-02/compact-" in merged[0]
    assert _files(tables, "articles", "2024-10-03") == other_day  # not asked for: untouched
    assert len(_files(tables, "dead_letter", "2024-10-02")) == 1
    ids_after = _ids(tables)
    assert ids_after == sorted(set(ids_before))  # the same rows, the replayed one once
    assert tables.table("dead_letter").scan().to_arrow().num_rows == letters_before

    articles = tables.table("articles", refresh=True)
    snapshot = articles.current_snapshot()
    assert snapshot.parent_snapshot_id == snapshot_before  # one snapshot for the merge
    assert snapshot.summary.operation.value == "overwrite"
    assert snapshot.summary[COMPACTED] == "5"
    assert snapshot.summary["deleted-data-files"] == "5"
    assert snapshot.summary["added-data-files"] == "1"
    assert articles.properties[STATE] == '{"topic": "t", "commit_id": "c1"}'

    # An independent reader sees the same rows, from the same metadata.
    location = tables.metadata_location("articles")
    assert [r[0] for r in duckdb_rows(location, "article_id", s3=config.s3)] == ids_after
    day_rows = duckdb_rows(
        location, "article_id, text", s3=config.s3, where="ingested_at < '2024-10-03'"
    )
    assert len(day_rows) == 15 and ("w0-a0", "Ferry timetable w0-a0 changes from Monday.") in (
        day_rows
    )

    # Run again: nothing left to merge on that day.
    assert main(["compact", uri, "--dt", "2024-10-02", "--kind", "articles"]) == 0
    assert f"articles/{P}: nothing to do (1 file)" in capsys.readouterr().out


@pytest.mark.integration
def test_all_visits_every_partition_and_the_index(
    output: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    config, uri, tables = output
    _fill(tables)
    for n in range(3):
        row = {
            "article_id": f"a{n}",
            "content_fingerprint": f"fp{n}",
            "signature": b"s",
            "dedup_params": "",
        }
        key = _put(tables, f"fingerprints/data/part-{n}.parquet", [row], "fingerprint_index")
        tables.commit({"fingerprints": [key]})
    assert main(["compact", uri, "--all"]) == 0
    out = capsys.readouterr().out
    assert f"articles/{P}: 5 -> 1 data files" in out
    assert "articles/dt=2024-10-03: 2 -> 1 data files" in out
    assert f"dead_letter/{P}: 2 -> 1 data files" in out
    assert "fingerprints: 3 -> 1 data files" in out
    assert "duplicates" not in out  # nothing to merge there: not reported
    assert len(tables.data_files("fingerprints")) == 1
    location = tables.metadata_location("fingerprints")
    assert duckdb_rows(location, "article_id", s3=config.s3) == [("a0",), ("a1",), ("a2",)]


@pytest.mark.integration
def test_a_commit_racing_the_compaction_keeps_its_rows(
    output: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pyiceberg.table import Transaction

    config, uri, tables = output
    _fill(tables)
    other = Tables(uri, config.catalog, config.s3)
    original = Transaction.commit_transaction
    raced: list[str] = []

    def racing(self: Transaction) -> Any:
        # Just before the compaction's commit, a streaming window commits into the same day.
        if not raced:
            raced.append("racing")  # the racing commit itself goes through here too
            raced[0] = _commit_window(other, "articles", P, [_article("late")])
        return original(self)

    monkeypatch.setattr(Transaction, "commit_transaction", racing)
    try:
        assert main(["compact", uri, "--dt", "2024-10-02", "--kind", "articles"]) == 0
    finally:
        other.close()
    assert "merged 5 files" in capsys.readouterr().out
    assert raced
    files = _files(tables, "articles", "2024-10-02")
    assert len(files) == 2 and any(f.endswith(raced[0]) for f in files)  # merged + the late one
    assert "late" in _ids(tables)
    location = tables.metadata_location("articles")
    assert ("late",) in duckdb_rows(location, "article_id", s3=config.s3)
    assert len(duckdb_rows(location, "article_id", s3=config.s3)) == 15 + 2 + 1


@pytest.mark.integration
def test_expiry_keeps_the_current_snapshot_and_orphans_go(
    output: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    config, uri, tables = output
    _fill(tables)
    inputs = _files(tables, "articles", "2024-10-02")
    assert len(tables.table("articles", refresh=True).metadata.snapshots) > 5

    # Compact and expire everything but the current snapshot. The orphan limit (1h) keeps the
    # replaced inputs: they were written moments ago.
    args = ["--expire-older-than", "0s", "--remove-orphans-older-than", "1h"]
    assert main(["compact", uri, "--dt", "2024-10-02", *args]) == 0
    out = capsys.readouterr().out
    assert "expired" in out and "removed 0 files" in out
    articles = tables.table("articles", refresh=True)
    assert [s.snapshot_id for s in articles.metadata.snapshots] == [
        articles.current_snapshot().snapshot_id
    ]
    assert articles.current_snapshot().summary.operation.value == "overwrite"
    assert articles.properties[STATE] == '{"topic": "t", "commit_id": "c1"}'
    keys = set(tables.store.list("articles/data/"))
    assert all(f.split(uri.rstrip("/") + "/", 1)[1] in keys for f in inputs)  # still stored
    location = tables.metadata_location("articles")
    assert len(duckdb_rows(location, "article_id", s3=config.s3)) == 15 + 2

    # Two hours later (as the clock says), the replaced inputs are orphans and go.
    deleted = tables.remove_orphans(timedelta(hours=1), now=datetime.now(UTC) + timedelta(hours=2))
    assert sorted(tables._path(k) for k in deleted if k.startswith("articles/")) == sorted(inputs)
    remaining = set(tables.store.list("articles/data/"))
    assert {tables._path(k) for k in remaining} == set(tables.data_files("articles"))
    assert len(duckdb_rows(location, "article_id", s3=config.s3)) == 15 + 2


@pytest.mark.integration
def test_remove_orphans_keeps_referenced_and_young_files(output: Any) -> None:
    _, _, tables = output
    referenced = _commit_window(tables, "articles", P, [_article("kept")])
    old = _put(tables, f"articles/data/{P}/orphan-old.parquet", [_article("lost")])
    time.sleep(1.5)  # object times have one-second resolution
    young = _put(tables, f"articles/data/{P}/orphan-young.parquet", [_article("writing")])
    times = tables.store.modified("articles/data/")
    now = times[young]
    limit = now - times[old]
    assert limit >= timedelta(seconds=1)
    assert now - times[referenced] >= limit  # as old as the orphan, but referenced

    assert tables.remove_orphans(limit, now=now) == [old]
    assert set(tables.store.list("articles/data/")) == {referenced, young}
    assert _ids(tables) == ["kept"]
    # Nothing else is old enough now.
    assert tables.remove_orphans(limit, now=now) == []
