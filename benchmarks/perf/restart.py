"""Measure 6, a streaming restart against history: `newswire run` started on an output whose
tables already hold 100 and then 10,000 articles (with their fingerprint entries), until it
has written one new record and drained. Reported: wall time and the peak RSS of its process
tree at the larger history over the smaller one (target: no growth beyond noise, 1.2x).

The history is committed straight to the tables (synthetic rows, random MinHash signatures
of the job's own size), so the measure is the restart's reading of history, not ingestion.
"""

from __future__ import annotations

import io
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.perf.common import (
    PYTHON,
    ProcessRun,
    Row,
    Target,
    child_env,
    create_topic,
    delete_prefix,
    delete_topics,
    finish_row,
    log,
    median_run,
    run_monitored,
    s3_uri,
)

HISTORIES = (100, 10_000)


def seed_history(config: Any, output: str, count: int) -> None:
    """Commit `count` articles and their fingerprint entries to the output's tables."""
    import pyarrow.parquet as pq

    from pipelines.core.dedup import DedupSettings
    from pipelines.core.layout import ARTICLES, INDEX, file_key
    from pipelines.io.parquet import arrow_schema, rows_to_table
    from pipelines.io.tables import Tables

    rng = random.Random(count)
    settings = DedupSettings()
    at = datetime.now(UTC) - timedelta(hours=1)
    articles, entries = [], []
    for i in range(count):
        aid = f"history-{count}-{i}"
        row: dict[str, Any] = {f.name: None for f in arrow_schema("article")}
        row.update(
            article_id=aid, text=f"history article {i}", word_count=3,
            content_fingerprint=f"fp-{aid}", ingested_at=at, source=f"seed:{i}", authors=[],
            entities=[], countries=[], keywords=[], topics=[], enrichment_versions={},
        )  # fmt: skip
        articles.append(row)
        entry = {
            "article_id": aid, "content_fingerprint": f"fp-{aid}",
            "signature": rng.randbytes(4 * settings.num_perm), "canonical_url": None,
            "published_at": None, "ingested_at": at, "duplicate_of": None,
            "dedup_params": settings.params_id,
        }  # fmt: skip
        entries.append(entry)
    tables = Tables(output, config.catalog, config.s3)
    try:
        keys = {}
        for name, kind, rows, part in (
            ("articles", ARTICLES, articles, f"dt={at.date().isoformat()}"),
            ("fingerprints", INDEX, entries, ""),
        ):
            buf = io.BytesIO()
            pq.write_table(rows_to_table(rows, kind.schema), buf, compression="zstd")
            key = file_key(kind, part, 0, [str(r["article_id"]) for r in rows])
            tables.store.put(key, buf.getvalue())
            keys[name] = [key]
        tables.commit(keys, {"newswire.input": f"bench-history-{count}"})
    finally:
        tables.close()


def _send(config: Any, topic: str, raws: list[Any]) -> None:
    from pipelines.io.kafka_producer import ArticleProducer

    producer = ArticleProducer(config.kafka, topic=topic)
    producer.setup()
    try:
        for raw in raws:
            producer.send(raw)
        producer.flush()
    finally:
        producer.close()


RUNS = 3  # restarts at each history size, alternating; the figures are their medians


def run(config: Any, raws: list[Any], work: Path) -> list[Row]:
    outputs = {n: s3_uri(config, work.name, f"restart-{n}") for n in HISTORIES}
    topics = {n: create_topic(config, partitions=1, prefix="bench-restart") for n in HISTORIES}
    runs: dict[int, list[ProcessRun]] = {n: [] for n in HISTORIES}
    try:
        for count in HISTORIES:
            seed_history(config, outputs[count], count)
        for i in range(RUNS):
            for count in HISTORIES:
                _send(config, topics[count], raws[i : i + 1])  # one new record per restart
                cmd = [
                    PYTHON, "-m", "pipelines.cli", "run", "--topic", topics[count],
                    "--output", outputs[count], "--group", f"restart-{count}", "--window", "2s",
                    "--idle-after", "1s", "--stop-after-idle", "3s", "--dlq-topic", "none",
                ]  # fmt: skip
                log_file = work / f"restart-{count}-{i}.log"
                done = run_monitored(cmd, log_file, child_env(work / "tmp"), timeout_s=600)
                runs[count].append(done)
                log(
                    f"restart {i + 1}/{RUNS} with {count:,} articles written: "
                    f"{done.seconds:.1f}s, peak {done.peak_rss_mb:.0f} MB"
                )
    finally:
        for count in HISTORIES:
            delete_prefix(config, outputs[count])
        delete_topics(config, list(topics.values()))
    measured = {n: median_run(runs[n]) for n in HISTORIES}
    small, large = (measured[n] for n in HISTORIES)
    what = f"restart with {HISTORIES[1]:,} vs {HISTORIES[0]:,} articles written"
    return [
        finish_row(
            Row(
                measure="6 restart",
                what=f"{what}: wall time",
                unit="s",
                ours=round(large.seconds, 1),
                baseline=round(small.seconds, 1),
                ours_label=f"{HISTORIES[1]:,} written",
                baseline_label=f"{HISTORIES[0]:,} written",
                target=Target("<=", 1.2),
                note=f"median of {RUNS} restarts each, alternating",
            )
        ),
        finish_row(
            Row(
                measure="6 restart",
                what=f"{what}: peak RSS",
                unit="MB",
                ours=round(large.peak_rss_mb),
                baseline=round(small.peak_rss_mb),
                ours_label=f"{HISTORIES[1]:,} written",
                baseline_label=f"{HISTORIES[0]:,} written",
                target=Target("<=", 1.2),
                note=f"median of {RUNS} restarts each, alternating",
            )
        ),
    ]


def main() -> int:
    import tempfile

    from pipelines.config import Config
    from pipelines.samples import generate_corpus

    config = Config.from_env(os.environ)
    raws = generate_corpus(20, seed=1).raw_articles()
    with tempfile.TemporaryDirectory(prefix="bench-restart-") as tmp:
        for row in run(config, raws, Path(tmp)):
            print(row.what, row.ours, row.baseline, row.ratio)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
