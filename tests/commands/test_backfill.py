"""Integration: `newswire backfill` of a generated corpus into SeaweedFS (Iceberg tables).

Each well-formed article is written once, exact duplicates are removed, planted
near-duplicates are marked (recall >= 90%, marks across different stories <= 2%), every
malformed item lands in dead_letter with its reason, pyiceberg and DuckDB read the output with
the right types, every input item is accounted for exactly once over several slices, and
running the same backfill again adds no rows.

Every test has its own catalog (SQLite in its tmp_path) and output prefix, hence namespace.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from pipelines.config import CatalogConfig, Config, S3Config
from pipelines.io.index import output_keys
from pipelines.io.tables import TABLE_NAMES, Tables

pytestmark = pytest.mark.integration
COUNT = 400


def _catalog(tmp_path: Path) -> CatalogConfig:
    return CatalogConfig(uri=f"sqlite:///{tmp_path / 'catalog.db'}")


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "NEWSWIRE_CATALOG_URI": _catalog(tmp_path).uri}


def _cli(tmp_path: Path, *argv: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *argv],
        capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL,
        env={**_env(tmp_path), **(env or {})},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stderr


def _backfill(
    tmp_path: Path, corpus: Path, output: str, *extra: str, env: dict[str, str] | None = None
) -> str:
    return _cli(tmp_path, "backfill", "--input", str(corpus), "--output", output, *extra, env=env)


def _generate(corpus: Path, count: int, seed: int, *extra: str) -> list[dict[str, Any]]:
    subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "samples", "generate", "--count", str(count),
         "--out", str(corpus), "--seed", str(seed), *extra],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    items: list[dict[str, Any]] = json.loads((corpus / "manifest.json").read_text())["items"]
    return items


@contextmanager
def _tables(tmp_path: Path, output: str, s3: S3Config) -> Iterator[Tables]:
    tables = Tables(output, _catalog(tmp_path), s3, create=False)
    try:
        yield tables
    finally:
        tables.close()


def _rows(tables: Tables, name: str, columns: tuple[str, ...] = ("*",)) -> list[dict[str, Any]]:
    """What a reader of the table sees: a pyiceberg scan of its current snapshot."""
    rows: list[dict[str, Any]] = (
        tables.table(name, refresh=True).scan(selected_fields=columns).to_arrow().to_pylist()
    )
    return rows


def _counts(tables: Tables) -> dict[str, int]:
    """Rows per table (one column read: dead letters may have no article id)."""
    column = {"dead_letter": "source"}
    return {
        name: len(_rows(tables, name, (column.get(name, "article_id"),))) for name in TABLE_NAMES
    }


def _download(tables: Tables, name: str, dest: Path) -> Path:
    """Copy the table's current data files (hive-style dt= folders) under `dest`."""
    for key in output_keys(tables, tables.data_files(name)):
        path = dest / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(tables.store.get(key))
    return dest / name


def test_backfill_generated_corpus(stack: Config, s3_uri: str, tmp_path: Path) -> None:
    import duckdb
    import pyarrow as pa

    corpus = tmp_path / "corpus"
    manifest = _generate(corpus, COUNT, 17)
    summary = _backfill(tmp_path, corpus, s3_uri)
    assert "written" in summary

    first = tmp_path / "first"
    with _tables(tmp_path, s3_uri, stack.s3) as tables:
        counts = _counts(tables)
        articles = tables.table("articles").scan().to_arrow()
        dead = _rows(tables, "dead_letter")
        folder = _download(tables, "articles", first)
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
        [str(folder / "**" / "*.parquet")],
    ).fetchone()
    assert row[0] == len(well_formed)
    # Articles are partitioned by ingest date: the day(s) of this run.
    assert row[1] == "TIMESTAMP WITH TIME ZONE" and row[2] == "VARCHAR[]" and row[3] >= 1

    # The same backfill again: no new rows anywhere.
    log = _backfill(tmp_path, corpus, s3_uri)
    assert "already ingested (input" in log
    with _tables(tmp_path, s3_uri, stack.s3) as tables:
        assert _counts(tables) == counts


def test_backfill_from_a_bounded_kafka_range(
    stack: Config, kafka_topic: str, s3_uri: str, tmp_path: Path
) -> None:
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
    argv = ("backfill", "--from-topic", kafka_topic, "--start", "0", "--output", s3_uri)
    _cli(tmp_path, *argv)
    with _tables(tmp_path, s3_uri, stack.s3) as tables:
        articles, dead = _rows(tables, "articles"), _rows(tables, "dead_letter")
        # The same range again: recognised by its topic and offsets, nothing added.
        assert "already ingested (input" in _cli(tmp_path, *argv)
        assert len(_rows(tables, "articles", ("article_id",))) == len(articles)
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
    corpus = tmp_path / "corpus"
    _generate(corpus, 90, 23, "--exact-duplicates", "0.2")

    def backfill(output: Path, *extra: str) -> str:
        return _backfill(tmp_path, corpus, str(output), *extra)

    log = backfill(tmp_path / "sliced", "--files-per-run", "16")  # 45 files: 16 + 16 + 13
    assert "backfill run 3/3: 13 files" in log
    backfill(tmp_path / "whole", "--files-per-run", "0", "--mb-per-run", "0")
    # Runs end at --mb-per-run too: the feeds (many articles each) are not one run.
    from pipelines.core.slicing import split_runs
    from pipelines.io.files import list_input_files

    sizes = [os.path.getsize(f) for f in list_input_files([str(corpus)], S3Config())]
    runs = split_runs(sizes, 0, 120_000)
    assert 3 < len(runs) < len(sizes)
    log = backfill(tmp_path / "by-bytes", "--files-per-run", "0", "--mb-per-run", "0.12")
    assert f"backfill run {len(runs)}/{len(runs)}: {len(runs[-1])} files" in log

    def articles(folder: Path) -> list[dict[str, Any]]:
        with _tables(tmp_path, str(folder), S3Config()) as tables:
            return _rows(tables, "articles", ("article_id", "content_fingerprint"))

    sliced, whole = articles(tmp_path / "sliced"), articles(tmp_path / "whole")
    assert len(sliced) == len(whole) > 40
    assert len({r["article_id"] for r in sliced}) == len(sliced)
    # Exact copies in different slices: the later one was recognised through the index.
    assert len({r["content_fingerprint"] for r in sliced}) == len(sliced)


def test_a_poison_page_is_a_dead_letter_and_the_backfill_goes_on(tmp_path: Path) -> None:
    """A page that kills its CPU worker, and one that spins past its time limit, each become a
    dead letter of their own; every other article is written. The faults are injected by
    `tests/commands/faults/sitecustomize.py` into the command's processes (workers included)."""
    corpus = tmp_path / "corpus"
    manifest = _generate(corpus, 12, 29, "--malformed", "0")
    page = next((corpus / "html").rglob("*.html")).read_bytes()
    poison = corpus / "html" / "poison.example"
    poison.mkdir()
    for name, marker in (("crash", b"POISON:EXIT"), ("spin", b"POISON:SPIN")):
        poisoned = page.replace(b"<head>", b"<head><!-- %s -->" % marker)
        (poison / f"{name}.html").write_bytes(poisoned)
    faults = str(Path(__file__).parent / "faults")
    env = {
        "PYTHONPATH": os.pathsep.join([faults, os.environ.get("PYTHONPATH", "")]),
        "NEWSWIRE_TIME_LIMIT_S": "1",
        "NEWSWIRE_TIME_LIMIT_S_PER_MB": "0",
    }
    _backfill(tmp_path, corpus, str(tmp_path / "out"), "--cpu-workers", "1", env=env)

    with _tables(tmp_path, str(tmp_path / "out"), S3Config()) as tables:
        articles = _rows(tables, "articles", ("article_id",))
        dead = _rows(tables, "dead_letter", ("source", "step", "error_code"))
    assert sorted((Path(d["source"]).name, d["step"], d["error_code"]) for d in dead) == [
        ("crash.html", "clean", "worker_crashed"),
        ("spin.html", "clean", "time_limit_exceeded"),
    ]
    well_formed = {m["article_id"] for m in manifest if m["kind"] in ("original", "near_duplicate")}
    assert {a["article_id"] for a in articles} == well_formed


def _slice_of_each_file(corpus: Path, slices: int) -> tuple[int, dict[str, int]]:
    """--files-per-run giving `slices` runs, and the run (0-based) of each corpus file, as
    the backfill slices its input (`io.files.list_input_files`, in order)."""
    from pipelines.io.files import list_input_files

    files = [os.path.relpath(f, corpus) for f in list_input_files([str(corpus)], S3Config())]
    per_run = math.ceil(len(files) / slices)
    assert math.ceil(len(files) / per_run) == slices
    return per_run, {f: i // per_run for i, f in enumerate(files)}


def test_every_input_item_is_accounted_for_once_over_slices_and_a_rerun_adds_nothing(
    stack: Config, s3_uri: str, tmp_path: Path
) -> None:
    """Over 3 slices into SeaweedFS: every generated item is exactly one row of articles,
    duplicates or dead_letter (near duplicates dropped, so each item is one row), copies whose
    original sat in an earlier slice included; the same backfill again adds no row."""
    corpus = tmp_path / "corpus"
    manifest = _generate(corpus, 120, 41, "--exact-duplicates", "0.2")
    per_run, slice_of = _slice_of_each_file(corpus, 3)
    first_slice = {
        m["article_id"]: slice_of[m["file"]] for m in manifest if m["kind"] == "original"
    }
    later_copies = {
        m["article_id"]
        for m in manifest
        if m["kind"] == "exact_duplicate" and slice_of[m["file"]] > first_slice[m["duplicate_of"]]
    }
    assert later_copies, "the corpus should hold copies of articles of an earlier slice"

    extra = ("--files-per-run", str(per_run), "--near-duplicates", "drop")
    log = _backfill(tmp_path, corpus, s3_uri, *extra)
    assert "backfill run 3/3" in log
    with _tables(tmp_path, s3_uri, stack.s3) as tables:
        articles = _rows(tables, "articles", ("article_id",))
        duplicates = _rows(tables, "duplicates", ("article_id", "duplicate_of", "kind"))
        dead = _rows(tables, "dead_letter", ("source",))
        counts = _counts(tables)
        snapshots = len(tables.table("articles", refresh=True).metadata.snapshots)
    assert len(articles) + len(duplicates) + len(dead) == len(manifest)
    well_formed = Counter(m["article_id"] for m in manifest if m["kind"] != "malformed")
    assert Counter(r["article_id"] for r in articles + duplicates) == well_formed
    assert len(dead) == sum(1 for m in manifest if m["kind"] == "malformed")
    # A copy of an article an earlier slice wrote: an exact duplicate of it, not dropped.
    for copy in later_copies:
        assert (copy, copy, "exact") in {
            (d["article_id"], d["duplicate_of"], d["kind"]) for d in duplicates
        }

    log = _backfill(tmp_path, corpus, s3_uri, *extra)
    assert log.count("already ingested (input") == 3
    with _tables(tmp_path, s3_uri, stack.s3) as tables:
        assert _counts(tables) == counts
        assert len(tables.table("articles", refresh=True).metadata.snapshots) == snapshots


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "cpus"),  # the DirectRunner in this process: one worker per CPU
        (["--cpu-workers", "3"], 3),
        (["--cpu-workers", "0"], 0),
        (["--workers", "2"], 1),  # the DirectRunner's own processes parallelize; 1 isolates
        (["--", "--runner=FlinkRunner"], 1),
    ],
)
def test_cpu_workers_default_to_one_per_cpu_for_the_in_process_direct_runner_else_one(
    argv: list[str], expected: object
) -> None:
    import os

    from pipelines.cli import parse
    from pipelines.commands.backfill import cpu_workers

    args = parse(["backfill", "--input", "x", "--output", "o", *argv])
    want = len(os.sched_getaffinity(0)) if expected == "cpus" else expected
    assert cpu_workers(args) == want


def test_exit_status_fails_on_an_unreadable_named_input_and_on_dead_letters_when_asked(
    tmp_path: Path,
) -> None:
    """0: done (a folder's unreadable file is a dead letter, not a failure); 1: a file named
    on the command line could not be read, or --fail-on-dead-letters and a dead letter."""
    corpus = tmp_path / "corpus"
    _generate(corpus, 3, 5, "--malformed", "0")
    page = next(p for p in sorted(corpus.rglob("*.txt")))
    empty = corpus / "empty.html"
    empty.write_bytes(b"")

    def backfill(name: str, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "backfill", *argv,
             "--output", str(tmp_path / name), "--cpu-workers", "0", "--no-summary"],
            capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL,
            env=_env(tmp_path),
        )  # fmt: skip

    folder = backfill("a", "--input", str(corpus))
    assert folder.returncode == 0, folder.stderr[-3000:]
    strict = backfill("b", "--input", str(corpus), "--fail-on-dead-letters")
    assert strict.returncode == 1, strict.stderr[-3000:]
    assert "dead letters (--fail-on-dead-letters)" in strict.stderr
    named = backfill("c", "--input", str(page), str(empty))
    assert named.returncode == 1, named.stderr[-3000:]
    assert f"error: could not read {empty} (empty:" in named.stderr


def test_the_time_limit_travels_from_the_environment_to_the_pipeline_settings() -> None:
    from pipelines.cli import build_parser
    from pipelines.commands.backfill import settings_for
    from pipelines.core.chunks import TimeLimit

    config = Config.from_env({"NEWSWIRE_TIME_LIMIT_S": "3", "NEWSWIRE_TIME_LIMIT_S_PER_MB": "0.5"})
    args, args.passthrough = build_parser().parse_known_args(
        ["backfill", "--input", "x", "--output", "o"]
    )
    assert settings_for(args, config).time_limit == TimeLimit(base_s=3.0, per_mb_s=0.5)
    assert settings_for(args, Config()).time_limit == TimeLimit(base_s=10.0, per_mb_s=5.0)
