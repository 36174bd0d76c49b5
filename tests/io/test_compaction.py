"""Compaction on a LocalStore: real Parquet files, merged, committed, vacuumed.

Files are laid out the way the streaming sink writes them (one per window), with synthetic
articles; the clock is injected.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from pipelines.commands.inspect import read_kind
from pipelines.commands.replay import dead_letter_rows
from pipelines.core.compaction import Commit, commit_key, compaction_id, output_id, output_key
from pipelines.core.layout import ARTICLES, DEAD_LETTERS, OutputKind, file_key
from pipelines.core.records import Article, DeadLetter, Entity, to_avro
from pipelines.io.compaction import compact_partition, list_visible, read_records
from pipelines.io.index import read_admitted
from pipelines.io.objectstore import LocalStore
from pipelines.io.parquet import from_parquet_bytes, to_parquet_bytes

DAY = datetime(2024, 10, 2, 9, 30, tzinfo=UTC)
P = "dt=2024-10-02"
T0 = datetime(2024, 10, 2, 13, 0, tzinfo=UTC)
MIB = 1024 * 1024


def _article(aid: str) -> dict[str, Any]:
    return to_avro(
        Article(
            article_id=aid,
            text=f"The harbour council met about item {aid} on Tuesday.",
            source=f"kafka:raw-articles/0/{aid}",
            ingested_at=DAY,
            content_fingerprint=f"fp-{aid}",
            published_at=DAY,
            language="en",
            entities=[Entity("Harbour Council", "ORG", 1)],
            enrichment_versions={"spacy": "3.8"},
        )
    )


def _write(store: LocalStore, ids: list[str], window: int, kind: OutputKind = ARTICLES) -> str:
    rows = [_article(i) for i in ids] if kind is ARTICLES else [_letter(i) for i in ids]
    key = file_key(kind, P, 0, ids, tag=f"w20241002T{window:06d}-p0")
    store.put(key, to_parquet_bytes(rows, kind.schema))
    return key


def _letter(source: str) -> dict[str, Any]:
    return to_avro(DeadLetter(source, "clean", "empty_text", "no text", DAY, b"<html/>"))


def _visible_ids(store: LocalStore, folder: str = "articles") -> Counter[str]:
    return Counter(
        r["article_id"]
        for k in list_visible(store, folder)
        for r in from_parquet_bytes(store.get(k))
    )


def _clock(when: datetime) -> Any:
    return lambda: when


class CrashAtCommit(LocalStore):
    """A compactor killed after writing its outputs, before its commit record."""

    def put(self, key: str, data: bytes) -> None:
        if key.startswith("_compactions/") and not key.endswith(".started.json"):
            raise OSError("killed before the commit")
        super().put(key, data)


def test_compaction_merges_once_and_vacuums_after_grace(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    windows = [["a1", "a2"], ["a3"], ["a3", "a4"], ["a5", "a6", "a7"]]  # a3 replayed twice
    inputs = [_write(store, ids, n) for n, ids in enumerate(windows)]
    before = _visible_ids(store)
    assert before["a3"] == 2

    report = compact_partition(store, "articles", P, 128 * MIB, 600, _clock(T0))

    (merge,) = report.merges
    assert merge.status == "committed"
    assert merge.inputs == sorted(inputs)
    assert (merge.rows_in, merge.rows_out) == (8, 7)
    assert (report.files_before, report.files_after) == (4, 1)
    after = _visible_ids(store)
    assert after == Counter(set(before))  # same articles, each once
    (out,) = list_visible(store, "articles")
    assert output_id(out) == compaction_id(inputs, 128 * MIB)
    rows = from_parquet_bytes(store.get(out))
    assert [r["article_id"] for r in rows] == sorted(after)  # sorted by identity
    assert rows[0] == _article("a1")  # every column survives, maps and nested records too
    assert pq.read_metadata(io.BytesIO(store.get(out))).row_group(0).column(0).compression == (
        "ZSTD"
    )
    (commit,) = read_records(store, "articles", P)[0]
    assert commit.outputs == (out,) and commit.rows == 7
    assert read_admitted(store).ids == set(after)
    assert len(read_kind(store, "articles")) == 7

    # Within the grace period the inputs stay for readers that listed them.
    assert all(store.exists(k) for k in inputs)
    assert report.deleted == []
    again = compact_partition(
        store, "articles", P, 128 * MIB, 600, _clock(T0 + timedelta(minutes=9))
    )
    assert again.merges == [] and again.deleted == []
    late = compact_partition(
        store, "articles", P, 128 * MIB, 600, _clock(T0 + timedelta(minutes=10))
    )
    assert late.deleted == sorted(inputs)
    assert not any(store.exists(k) for k in inputs)
    assert _visible_ids(store) == after
    assert not [k for k in store.list() if k.endswith(".started.json")]


def test_a_replayed_input_name_stays_hidden(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    first = _write(store, ["a1"], 1)
    _write(store, ["a2"], 2)
    compact_partition(store, "articles", P, 128 * MIB, 0, _clock(T0))
    assert not store.exists(first)  # --grace 0 deletes at once
    _write(store, ["a1"], 1)  # the streaming job replays that window after a restart
    assert _visible_ids(store) == Counter({"a1": 1, "a2": 1})
    compact_partition(store, "articles", P, 128 * MIB, 0, _clock(T0 + timedelta(minutes=1)))
    assert not store.exists(first)  # the next vacuum removes the hidden copy


def test_crash_between_outputs_and_commit_changes_nothing(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    inputs = [_write(store, [f"a{n}"], n) for n in range(3)]
    visible = list_visible(store, "articles")
    with pytest.raises(OSError, match="killed"):
        compact_partition(CrashAtCommit(tmp_path), "articles", P, 128 * MIB, 0, _clock(T0))
    cid = compaction_id(inputs, 128 * MIB)
    assert store.exists(output_key("articles", P, cid, 0))  # outputs written, uncommitted
    assert list_visible(store, "articles") == visible
    assert _visible_ids(store) == Counter({"a0": 1, "a1": 1, "a2": 1})

    # Re-running plans the same compaction: same id, same names, now committed.
    report = compact_partition(store, "articles", P, 128 * MIB, 0, _clock(T0))
    assert [m.id for m in report.merges] == [cid]
    assert list_visible(store, "articles") == [output_key("articles", P, cid, 0)]
    assert _visible_ids(store) == Counter({"a0": 1, "a1": 1, "a2": 1})


def test_outputs_of_a_dead_compaction_go_after_grace(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    inputs = [_write(store, [f"a{n}"], n) for n in range(2)]
    with pytest.raises(OSError, match="killed"):
        compact_partition(CrashAtCommit(tmp_path), "articles", P, 128 * MIB, 600, _clock(T0))
    dead = output_key("articles", P, compaction_id(inputs, 128 * MIB), 0)
    assert store.exists(dead)
    # A new window arrives, so the next plan is a different compaction.
    _write(store, ["a9"], 9)
    soon = compact_partition(
        store, "articles", P, 128 * MIB, 600, _clock(T0 + timedelta(minutes=1))
    )
    assert soon.merges[0].status == "committed" and soon.merges[0].id != compaction_id(
        inputs, 128 * MIB
    )
    assert store.exists(dead)  # might still be running: kept
    late = compact_partition(
        store, "articles", P, 128 * MIB, 600, _clock(T0 + timedelta(minutes=11))
    )
    assert dead in late.deleted and not store.exists(dead)
    assert _visible_ids(store) == Counter({"a0": 1, "a1": 1, "a9": 1})


def test_losing_a_race_leaves_the_winner_visible(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    inputs = sorted(_write(store, [f"a{n}"], n) for n in range(3))

    class RivalCommitsFirst(LocalStore):
        """While we merge, another compactor commits a merge of our first two inputs."""

        def put(self, key: str, data: bytes) -> None:
            super().put(key, data)
            if key.endswith(".started.json"):
                rival = inputs[:2]
                cid = compaction_id(rival, 128 * MIB)
                out = output_key("articles", P, cid, 0)
                super().put(out, to_parquet_bytes([_article("a0"), _article("a1")], "article"))
                commit = Commit(cid, "articles", P, tuple(rival), (out,), 2, T0)
                super().put(commit_key("articles", P, cid), json.dumps(commit.to_dict()).encode())

    report = compact_partition(
        RivalCommitsFirst(tmp_path), "articles", P, 128 * MIB, 600, _clock(T0)
    )
    (merge,) = report.merges
    assert merge.status == "raced" and not report.ok
    assert not any(store.exists(k) for k in merge.outputs)
    assert _visible_ids(store) == Counter({"a0": 1, "a1": 1, "a2": 1})
    assert len(list_visible(store, "articles")) == 2


def test_two_runs_of_the_same_merge_keep_the_committed_files(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    for n in range(3):
        _write(store, [f"a{n}"], n)

    class TwinRunsMeanwhile(LocalStore):
        """While we merge, an overlapping cron run does the same merge and commits first."""

        def put(self, key: str, data: bytes) -> None:
            super().put(key, data)
            if key.endswith(".started.json"):
                twin = compact_partition(store, "articles", P, 128 * MIB, 600, _clock(T0))
                assert twin.merges[0].status == "committed"

    report = compact_partition(
        TwinRunsMeanwhile(tmp_path), "articles", P, 128 * MIB, 600, _clock(T0)
    )
    (merge,) = report.merges
    assert merge.status == "raced"
    assert list_visible(store, "articles") == merge.outputs  # same names, kept
    assert _visible_ids(store) == Counter({"a0": 1, "a1": 1, "a2": 1})
    assert not [k for k in store.list() if k.endswith(".started.json")]


def test_small_target_gives_several_compactions_and_chains(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    inputs = [_write(store, [f"a{n:02d}", f"b{n:02d}"], n) for n in range(12)]
    expected = Counter({f"{c}{n:02d}": 1 for c in "ab" for n in range(12)})
    target = (tmp_path / inputs[0]).stat().st_size * 4 + 1
    first = compact_partition(store, "articles", P, target, 0, _clock(T0))
    assert [m.status for m in first.merges] == ["committed"] * 3  # 4 files each
    assert first.files_after == 3
    assert _visible_ids(store) == expected
    # Merged small files are still small: the next run merges the merged files (a chain).
    later = T0 + timedelta(minutes=1)
    second = compact_partition(store, "articles", P, target, 0, _clock(later))
    assert [m.status for m in second.merges] == ["committed"]
    assert second.files_after == 1
    assert _visible_ids(store) == expected
    assert len(read_records(store, "articles", P)[0]) == 4


def test_dry_run_writes_and_deletes_nothing(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    for n in range(3):
        _write(store, [f"a{n}"], n)
    listing = list(store.list())
    report = compact_partition(store, "articles", P, 128 * MIB, 0, _clock(T0), dry_run=True)
    assert [m.status for m in report.merges] == ["planned"]
    assert (report.files_before, report.files_after) == (3, 1)
    assert list(store.list()) == listing


def test_older_files_without_a_new_column_merge_with_nulls(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    key = _write(store, ["a1"], 1)
    table = pq.read_table(io.BytesIO(store.get(key))).drop_columns(["dateline"])
    buf = io.BytesIO()
    pq.write_table(table, buf)
    store.put(key, buf.getvalue())  # as if written before `dateline` existed
    _write(store, ["a2"], 2)
    (merge,) = compact_partition(store, "articles", P, 128 * MIB, 600, _clock(T0)).merges
    assert merge.status == "committed"
    rows = from_parquet_bytes(store.get(merge.outputs[0]))
    assert [r["dateline"] for r in rows] == [None, None]


def test_a_file_with_an_unknown_column_is_not_merged(tmp_path: Path) -> None:
    import pyarrow as pa

    store = LocalStore(tmp_path)
    key = _write(store, ["a1"], 1)
    table = pq.read_table(io.BytesIO(store.get(key)))
    table = table.append_column("retired", pa.array(["x"]))
    buf = io.BytesIO()
    pq.write_table(table, buf)
    store.put(key, buf.getvalue())
    _write(store, ["a2"], 2)
    report = compact_partition(store, "articles", P, 128 * MIB, 0, _clock(T0))
    assert report.merges[0].status.startswith("skipped: columns not in the current schema")
    assert not report.ok
    assert len(list_visible(store, "articles")) == 2
    assert [k for k in store.list() if k.startswith("_compactions/")] == []


def test_dead_letters_compact_and_replay_reads_each_once(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    _write(store, ["feed:1", "feed:2"], 1, DEAD_LETTERS)
    _write(store, ["feed:2", "feed:3"], 2, DEAD_LETTERS)  # feed:2 written by a replayed window
    report = compact_partition(store, "dead_letter", P, 128 * MIB, 600, _clock(T0))
    assert report.merges[0].status == "committed"
    sources = Counter(r["source"] for r in dead_letter_rows(store))
    assert sources == Counter({"feed:1": 1, "feed:2": 1, "feed:3": 1})
    assert read_admitted(store).dead_sources == {"feed:1", "feed:2", "feed:3"}
