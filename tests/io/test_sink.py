"""io.sink.WriteParquet to a local folder: partitions, deterministic names, rewrite replaces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import apache_beam as beam
import pyarrow.dataset as ds
import pytest
from apache_beam.testing.test_pipeline import TestPipeline

from pipelines.config import S3Config
from pipelines.core.layout import ARTICLES
from pipelines.core.records import Article, to_avro
from pipelines.io.sink import WriteParquet


def _rows(n: int) -> list[dict]:
    base = datetime(2024, 9, 26, tzinfo=UTC)
    return [
        to_avro(
            Article(
                f"id{i}",
                f"text {i}",
                f"s{i}",
                base + timedelta(days=i % 3),  # ingested_at: the articles table's partition
                content_fingerprint=f"f{i}",
                word_count=2,
                published_at=base,
            )
        )
        for i in range(n)
    ]


def _run(rows: list[dict], out: Path, batch_rows: int = 1000) -> None:
    with TestPipeline() as p:
        _ = (
            p
            | beam.Create(rows)
            | WriteParquet(
                str(out), ARTICLES, S3Config(), shards=2, max_rows=7, batch_rows=batch_rows
            )
        )


# 1 and 2: rows of one (partition, shard) cross the shuffle in several batches.
@pytest.mark.parametrize("batch_rows", [1, 2, 1000])
def test_partitions_and_idempotent_rewrite(tmp_path: Path, batch_rows: int) -> None:
    out = tmp_path / "out"
    rows = _rows(30)
    _run(rows, out, batch_rows)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
    assert {f.split("/")[2] for f in files} == {"dt=2024-09-26", "dt=2024-09-27", "dt=2024-09-28"}
    table = ds.dataset(out / "articles" / "data", format="parquet", partitioning="hive").to_table()
    assert sorted(table.column("article_id").to_pylist()) == sorted(r["article_id"] for r in rows)
    assert max(ds.dataset(out / f).count_rows() for f in files) <= 7
    # Same rows again (in another order): same files, nothing added.
    _run(list(reversed(rows)), out, batch_rows)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet")) == files


def test_windowed_rows_get_window_and_pane_in_file_names(tmp_path: Path) -> None:
    from apache_beam.transforms import window

    rows = _rows(4)
    out = tmp_path / "out"
    with TestPipeline() as p:
        _ = (
            p
            | beam.Create(list(enumerate(rows)))
            | beam.Map(lambda ir: window.TimestampedValue(ir[1], 1000 + 20 * ir[0]))
            | beam.WindowInto(window.FixedWindows(10))
            | WriteParquet(str(out), ARTICLES, S3Config())
        )
    names = sorted(p.name for p in out.rglob("*.parquet"))
    assert len(names) == 4
    assert {n.split("-")[1] for n in names} == {
        "w19700101T001640",
        "w19700101T001700",
        "w19700101T001720",
        "w19700101T001740",
    }
    assert all("-p0-" in n for n in names)


class _WindowStart(beam.DoFn):
    def process(self, written, w=beam.DoFn.WindowParam):  # type: ignore[no-untyped-def]
        yield written.key.split("/")[2], int(w.start), written.rows


def test_each_written_file_is_emitted_in_its_window_once_it_exists(tmp_path: Path) -> None:
    from collections import Counter

    from apache_beam.testing.util import assert_that, equal_to
    from apache_beam.transforms import window

    rows = _rows(60)  # 45 files (a window's 4 rows in 3 days): more than kept in flight
    out = tmp_path / "out"
    # Row i: window start 1000 + 10 * (i // 4), partition day i % 3.
    expected = Counter((f"dt=2024-09-{26 + i % 3}", 1000 + 10 * (i // 4)) for i in range(len(rows)))
    with TestPipeline() as p:
        written = (
            p
            | beam.Create(list(enumerate(rows)))
            | beam.Map(lambda ir: window.TimestampedValue(ir[1], 1000 + 10 * (ir[0] // 4)))
            | beam.WindowInto(window.FixedWindows(10))
            | WriteParquet(str(out), ARTICLES, S3Config(), shards=1)
        )
        seen = (
            written
            | beam.ParDo(_WindowStart())
            | "Rewindow" >> beam.WindowInto(window.GlobalWindows())
        )
        assert_that(seen, equal_to([(*k, n) for k, n in expected.items()]))
    assert len(list(out.rglob("*.parquet"))) == len(expected)


def test_a_failed_put_fails_the_run(tmp_path: Path) -> None:
    import pytest

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output's folders should go")
    with pytest.raises(Exception, match="not-a-folder"):
        _run(_rows(5), blocker / "out")
