"""Integration: `newswire backfill` of a generated corpus into SeaweedFS.

Each well-formed article is written once, exact duplicates are removed, planted
near-duplicates are marked (recall >= 90%, marks across different stories <= 2%), every
malformed item lands in dead_letter/ with its reason, pyarrow and DuckDB read the output with
the right types, and running the same backfill again adds no rows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipelines.config import Config
from pipelines.io.objectstore import open_store

pytestmark = pytest.mark.integration
COUNT = 400


def _backfill(corpus: Path, output: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "backfill", "--input", str(corpus),
         "--output", output],
        capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stderr


def _download(config: Config, uri: str, dest: Path) -> dict[str, int]:
    """Copy every Parquet file under `uri` to `dest`; return rows per top-level folder."""
    import pyarrow.parquet as pq

    store = open_store(uri, config.s3)
    rows: Counter[str] = Counter()
    for key in store.list():
        if key.endswith(".parquet"):
            path = dest / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(store.get(key))
            rows[key.split("/")[0]] += pq.read_metadata(path).num_rows
    store.close()
    return dict(rows)


def test_backfill_generated_corpus(stack: Config, s3_uri: str, tmp_path: Path) -> None:
    import duckdb
    import pyarrow as pa
    import pyarrow.dataset as ds

    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "samples", "generate", "--count", str(COUNT),
         "--out", str(corpus), "--seed", "17"],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    manifest = json.loads((corpus / "manifest.json").read_text())["items"]
    summary = _backfill(corpus, s3_uri)
    assert "written" in summary

    first = tmp_path / "first"
    counts = _download(stack, s3_uri, first)
    articles = ds.dataset(first / "articles", format="parquet", partitioning="hive").to_table()
    ids = Counter(articles.column("article_id").to_pylist())
    assert [i for i, n in ids.items() if n > 1] == [], "an article was written twice"

    well_formed = {m["article_id"] for m in manifest if m["kind"] in ("original", "near_duplicate")}
    assert set(ids) == well_formed
    exact_only = {m["article_id"] for m in manifest if m["kind"] == "exact_duplicate"} - well_formed
    assert not exact_only & set(ids)

    # Pairs are judged by the generator's story ids. A planted copy counts as found when it is
    # marked as a duplicate of its story, or when its original is marked as a duplicate of it
    # (first seen wins by publication time, and some originals carry no date at all).
    story = {m["article_id"]: m["story"] for m in manifest if m["article_id"]}
    marked = {
        a: d
        for a, d in zip(
            articles.column("article_id").to_pylist(),
            articles.column("duplicate_of").to_pylist(),
            strict=True,
        )
        if d
    }
    planted = {
        m["article_id"]: m["duplicate_of"] for m in manifest if m["kind"] == "near_duplicate"
    }
    found = sum(
        1
        for copy, original in planted.items()
        if story.get(marked.get(copy)) == story[copy] or marked.get(original) == copy
    )
    assert found / len(planted) >= 0.90, f"near-duplicate recall {found}/{len(planted)}"
    false_marks = [a for a, d in marked.items() if story.get(d) != story[a]]
    assert len(false_marks) / max(len(marked), 1) <= 0.02, false_marks

    dead = (
        ds.dataset(first / "dead_letter", format="parquet", partitioning="hive")
        .to_table()
        .to_pylist()
    )
    dead_sources = {d["source"]: d["error_code"] for d in dead}
    for m in manifest:
        if m["kind"] == "malformed":
            matches = [s for s in dead_sources if s.endswith(m["source"])]
            assert matches, f"malformed item not in dead_letter/: {m['source']} ({m['reason']})"
            assert dead_sources[matches[0]], "dead letter without a reason"

    # Types as query engines see them.
    schema = articles.schema
    assert schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("entities").type.value_type.field("count").type == pa.int32()
    con = duckdb.connect()
    row = con.execute(
        "SELECT count(*), typeof(any_value(published_at)), typeof(any_value(authors)), "
        "count(DISTINCT dt) FROM read_parquet(?, hive_partitioning = true)",
        [str(first / "articles" / "**" / "*.parquet")],
    ).fetchone()
    assert row[0] == len(well_formed)
    assert row[1] == "TIMESTAMP WITH TIME ZONE" and row[2] == "VARCHAR[]" and row[3] > 1

    # The same backfill again: no new rows anywhere.
    _backfill(corpus, s3_uri)
    again = _download(stack, s3_uri, tmp_path / "second")
    assert again == counts


def test_backfill_from_a_bounded_kafka_range(stack: Config, kafka_topic: str, s3_uri: str) -> None:
    from kafka import KafkaProducer

    from pipelines.core import schemas
    from pipelines.core.avro import SingleObjectCodec
    from pipelines.core.records import to_avro
    from pipelines.samples.generator import generate_corpus

    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    corpus = generate_corpus(120, seed=5)
    raws = corpus.raw_articles()
    producer = KafkaProducer(**stack.kafka.client_kwargs(), acks="all")
    for raw in raws:
        producer.send(kafka_topic, key=raw.article_id.encode(), value=codec.encode(to_avro(raw)))
    producer.send(kafka_topic, key=b"junk", value=b"not an avro message")
    producer.flush()
    producer.close()
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "backfill", "--from-topic", kafka_topic,
         "--start", "0", "--output", s3_uri],
        capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]
    store = open_store(s3_uri, stack.s3)
    import io

    import pyarrow.parquet as pq

    def rows(folder: str) -> list[dict]:
        out: list[dict] = []
        for key in store.list(folder + "/"):
            if key.endswith(".parquet"):
                out += pq.read_table(io.BytesIO(store.get(key))).to_pylist()
        return out

    articles, dead = rows("articles"), rows("dead_letter")
    store.close()
    expected = {
        m["article_id"]
        for m in corpus.manifest["items"]
        if m["kind"] in ("original", "near_duplicate")
    }
    assert Counter(a["article_id"] for a in articles) == Counter(expected)
    assert all(a["source"].startswith(f"kafka:{kafka_topic}/") for a in articles)
    assert [(d["step"], d["error_code"]) for d in dead] == [("decode", "not_single_object")]


def test_a_large_input_runs_in_slices_and_dedups_across_them(tmp_path: Path) -> None:
    """--files-per-run splits the input into runs; the fingerprint index carries dedup from
    one run to the next, so the result holds the same number of articles as one run, and no
    text twice."""
    import pyarrow.dataset as ds

    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "samples", "generate", "--count", "90",
         "--out", str(corpus), "--seed", "23", "--exact-duplicates", "0.2"],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip

    def backfill(output: Path, *extra: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "backfill", "--input", str(corpus),
             "--output", str(output), *extra],
            capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-4000:]
        return proc.stderr

    log = backfill(tmp_path / "sliced", "--files-per-run", "16")  # 45 files: 16 + 16 + 13
    assert "backfill run 3/3: 13 files" in log
    backfill(tmp_path / "whole", "--files-per-run", "0")

    def articles(folder: Path) -> list[dict]:  # type: ignore[type-arg]
        table = ds.dataset(folder / "articles", format="parquet", partitioning="hive")
        return table.to_table(columns=["article_id", "content_fingerprint"]).to_pylist()

    sliced, whole = articles(tmp_path / "sliced"), articles(tmp_path / "whole")
    assert len(sliced) == len(whole) > 40
    assert len({r["article_id"] for r in sliced}) == len(sliced)
    # Exact copies in different slices: the later one was recognised through the index.
    assert len({r["content_fingerprint"] for r in sliced}) == len(sliced)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "cpus"),  # the DirectRunner in this process: one worker per CPU
        (["--cpu-workers", "3"], 3),
        (["--cpu-workers", "0"], 0),
        (["--workers", "2"], 0),  # the DirectRunner's own processes parallelize
        (["--runner=FlinkRunner"], 0),
    ],
)
def test_cpu_workers_default_to_one_per_cpu_only_for_the_in_process_direct_runner(
    argv: list[str], expected: object
) -> None:
    import os

    from pipelines.cli import build_parser
    from pipelines.commands.backfill import cpu_workers

    args, args.passthrough = build_parser().parse_known_args(
        ["backfill", "--input", "x", "--output", "o", *argv]
    )
    want = len(os.sched_getaffinity(0)) if expected == "cpus" else expected
    assert cpu_workers(args) == want
