"""`newswire compact`: argument checks, and a real compaction on SeaweedFS that `newswire
inspect` and the streaming restart admission (`read_admitted`) see through unchanged."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipelines.cli import main
from pipelines.commands.compact import parse_size
from pipelines.config import Config
from pipelines.core.layout import ARTICLES, DEAD_LETTERS, file_key
from pipelines.core.records import Article, DeadLetter, to_avro
from pipelines.io.compaction import list_data, list_visible
from pipelines.io.index import read_admitted
from pipelines.io.objectstore import ObjectStore, open_store
from pipelines.io.parquet import to_parquet_bytes

DAY = datetime(2024, 10, 2, 8, 15, tzinfo=UTC)
P = "dt=2024-10-02"


def _fill(store: ObjectStore, windows: int = 5) -> None:
    """Small files the way the streaming sink leaves them: one per window."""
    for n in range(windows):
        ids = [f"w{n}-a{i}" for i in range(3)]
        rows = [
            to_avro(
                Article(
                    article_id=i,
                    text=f"Ferry timetable {i} changes from Monday.",
                    source=f"kafka:raw-articles/1/{i}",
                    ingested_at=DAY,
                    content_fingerprint=f"fp-{i}",
                    published_at=DAY,
                    language="en",
                )
            )
            for i in ids
        ]
        tag = f"w20241002T08{n:02d}00-p0"
        store.put(file_key(ARTICLES, P, 0, ids, tag), to_parquet_bytes(rows, "article"))
    for n in range(2):
        letter = DeadLetter(f"feed.jsonl:{n}", "clean", "empty_text", "no text", DAY, b"")
        key = file_key(DEAD_LETTERS, P, 0, [str(n)], f"w20241002T08{n:02d}00-p0")
        store.put(key, to_parquet_bytes([to_avro(letter)], "dead_letter"))


def _inspect(uri: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["inspect", uri, "--json"]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_parse_size() -> None:
    assert parse_size("128MiB") == 128 * 1024 * 1024
    assert parse_size("128MB") == 128_000_000
    assert parse_size("64k") == 64_000
    assert parse_size("4096") == 4096


@pytest.mark.parametrize(
    "extra",
    [["--dt", "02/10/2024"], ["--dt", "2024-10-02", "--kind", "_index"],
     ["--dt", "2024-10-02", "--target-size", "big"], ["--dt", "2024-10-02", "--grace", "-1m"],
     [], ["--all", "--dt", "2024-10-02"]],
)  # fmt: skip
def test_bad_arguments_exit_2(tmp_path: Path, extra: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["compact", str(tmp_path), *extra])
    assert exc.value.code == 2


def test_unsupported_uri_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compact", "gs://bucket/news", "--dt", "2024-10-02"]) == 2
    assert "unsupported" in capsys.readouterr().err


def test_nothing_to_do_on_an_empty_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compact", str(tmp_path), "--dt", "2024-10-02"]) == 0
    out = capsys.readouterr().out
    assert out.count("nothing to do") == 3


@pytest.mark.integration
def test_compact_on_seaweedfs_keeps_what_readers_see(
    stack: Config, s3_uri: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(s3_uri, stack.s3)
    try:
        _fill(store)
        before = _inspect(s3_uri, capsys)
        admitted = read_admitted(store)
        assert before["articles"] == 15 and before["dead_letters"] == 2

        listing = sorted(store.list())
        assert main(["compact", s3_uri, "--dt", "2024-10-02", "--dry-run", "--json"]) == 0
        planned = json.loads(capsys.readouterr().out)
        assert [(r["folder"], len(r["merges"])) for r in planned] == [
            ("articles", 1),
            ("duplicates", 0),
            ("dead_letter", 1),
        ]
        assert planned[0]["merges"][0]["status"] == "planned"
        assert sorted(store.list()) == listing  # a dry run touches nothing

        assert main(["compact", s3_uri, "--dt", "2024-10-02", "--grace", "10m"]) == 0
        out = capsys.readouterr().out
        assert "articles/dt=2024-10-02: merged 5 files" in out
        assert "15 -> 15 rows" in out
        assert len(list_visible(store, "articles")) == 1
        assert len(list_data(store, "articles")) == 6  # inputs kept for the grace period
        after = _inspect(s3_uri, capsys)
        assert {k: after[k] for k in ("articles", "dead_letters", "per_day")} == {
            k: before[k] for k in ("articles", "dead_letters", "per_day")
        }
        again = read_admitted(store)
        assert (again.ids, again.fingerprints, again.dead_sources) == (
            admitted.ids,
            admitted.fingerprints,
            admitted.dead_sources,
        )

        # --grace 0: the merged inputs go now; readers still see the same.
        assert main(["compact", s3_uri, "--dt", "2024-10-02", "--grace", "0"]) == 0
        assert "deleted 5 files" in capsys.readouterr().out
        assert list_data(store, "articles") == list_visible(store, "articles")
        assert _inspect(s3_uri, capsys)["articles"] == 15
    finally:
        store.close()


def test_all_visits_every_partition_with_several_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(str(tmp_path), Config().s3)
    _fill(store)  # dt=2024-10-02: 5 article files, 2 dead-letter files
    lone = to_avro(Article(article_id="x", text="A lone file.", source="s", ingested_at=DAY))
    store.put("articles/dt=2024-10-03/part-000-x.parquet", to_parquet_bytes([lone], "article"))
    assert main(["compact", str(tmp_path), "--all", "--grace", "0"]) == 0
    out = capsys.readouterr().out
    assert "articles/dt=2024-10-02: 5 -> 1 visible files" in out
    assert "dead_letter/dt=2024-10-02: 2 -> 1 visible files" in out
    assert "2024-10-03" not in out  # one file: nothing to merge, not visited
    assert list_visible(store, "articles", "dt=2024-10-03") == [
        "articles/dt=2024-10-03/part-000-x.parquet"
    ]
    assert len(list_data(store, "articles", P)) == 1  # grace 0: inputs already deleted
