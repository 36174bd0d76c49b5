"""Measure 2, the framework tax: Kafka -> Parquet on S3 with identity transforms.

The same topic (the generated corpus's records, as our producer sends them) is read twice,
each time by a child process timed from start to exit:

- ours: a Beam batch job of the pipeline's own pieces, DirectRunner as `newswire backfill`
  runs it: `ReadKafkaRange` -> `DecodeArticles` -> `WriteParquet` (schema raw_article, one
  file), so only the framework's reading, decoding, shuffling and writing is measured;
- the limit: kafka-python consuming every partition to its end, `fastavro.schemaless_reader`
  per message into the same rows, and one pyarrow Parquet write of them to the same S3.

Both write one zstd Parquet file of the same rows. Child modes (used by the orchestrator):
``python -m benchmarks.perf.tax ours|limit --topic T --output s3://bucket/prefix``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
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
    rate,
    run_monitored,
    s3_uri,
)


def _kind() -> Any:
    from pipelines.core.layout import OutputKind

    # No partition field: every row goes to one file, as the limit writes it.
    return OutputKind("raw", "raw_article", ("source",), ())


def ours(topic: str, output: str) -> dict[str, Any]:
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipelines.commands.backfill import direct_runner
    from pipelines.config import Config
    from pipelines.core.records import to_avro
    from pipelines.io.kafka_source import ReadKafkaRange
    from pipelines.io.sink import WriteParquet
    from pipelines.transforms.decode import DecodeArticles

    config = Config.from_env(os.environ)
    # As `newswire backfill` runs it: the DirectRunner's engine, without its Prism attempt.
    options = PipelineOptions(["--runner=DirectRunner"])
    p = beam.Pipeline(runner=direct_runner(options), options=options)
    decoded = (
        p
        | "ReadKafkaRange" >> ReadKafkaRange(config.kafka, topic)
        | "DecodeArticles" >> DecodeArticles(config.s3, claims_uri=config.claims_uri)
    )
    _ = (
        decoded.articles
        | "Rows" >> beam.Map(to_avro)
        | "WriteParquet" >> WriteParquet(output, _kind(), config.s3, shards=1)
    )
    result = p.run()
    result.wait_until_finish()
    return {"runner": "DirectRunner"}


def limit(topic: str, output: str) -> dict[str, Any]:
    import fastavro
    import pyarrow as pa
    import pyarrow.parquet as pq
    from kafka import KafkaConsumer, TopicPartition

    from benchmarks.perf.naive import pyarrow_s3
    from pipelines.config import Config
    from pipelines.core import schemas
    from pipelines.core.avro import HEADER_LEN
    from pipelines.io.objectstore import split_s3_uri
    from pipelines.io.parquet import arrow_schema

    config = Config.from_env(os.environ)
    schema = fastavro.parse_schema(schemas.versions(schemas.RAW_ARTICLE)[-1])
    consumer = KafkaConsumer(
        **config.kafka.client_kwargs(), group_id=None, enable_auto_commit=False,
        max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024,
    )  # fmt: skip
    tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    ends = consumer.end_offsets(tps)
    left = {tp for tp in tps if ends[tp] > 0}
    rows: list[dict[str, Any]] = []
    while left:
        for tp, records in consumer.poll(timeout_ms=500, max_records=5000).items():
            for record in records:
                value = io.BytesIO(record.value[HEADER_LEN:])
                row: dict[str, Any] = fastavro.schemaless_reader(value, schema, None)  # type: ignore[assignment]
                row["attributes"] = [("producer_source", row["source"])]
                row["source"] = f"kafka:{topic}/{tp.partition}/{record.offset}"
                rows.append(row)
                if record.offset + 1 >= ends[tp]:
                    left.discard(tp)
    consumer.close()
    table = pa.Table.from_pylist(rows, schema=arrow_schema("raw_article"))
    bucket, prefix = split_s3_uri(output)
    pq.write_table(
        table, f"{bucket}/{prefix}/raw/part-000.parquet", filesystem=pyarrow_s3(config),
        compression="zstd", row_group_size=50_000,
    )  # fmt: skip
    return {"rows": len(rows)}


def produce(config: Any, topic: str, raws: list[Any], count: int) -> int:
    """Send `count` records (the corpus repeated as needed) with our producer; delivered."""
    from pipelines.io.kafka_producer import ArticleProducer

    with ArticleProducer(config.kafka, topic=topic) as producer:
        for i in range(count):
            producer.send(raws[i % len(raws)])
    if producer.stats.failed:
        raise RuntimeError(f"{producer.stats.failed} records not delivered")
    return producer.stats.delivered


RUNS = 3  # runs of each side, alternating; the figures are their medians (seconds each)


def run(config: Any, raws: list[Any], count: int, work: Path) -> list[Row]:
    topic = create_topic(config)
    runs: dict[str, list[ProcessRun]] = {"limit": [], "ours": []}
    try:
        sent = produce(config, topic, raws, count)
        log(f"framework tax: {sent} records on {topic}, {RUNS} runs each")
        for i in range(RUNS):
            for mode in ("limit", "ours"):
                output = s3_uri(config, work.name, f"tax-{mode}-{i}")
                cmd = [
                    PYTHON, "-m", "benchmarks.perf.tax", mode, "--topic", topic, "--output", output,
                ]  # fmt: skip
                try:
                    log_file = work / f"tax-{mode}.log"
                    runs[mode].append(run_monitored(cmd, log_file, child_env(work / "tmp")))
                finally:
                    delete_prefix(config, output)
    finally:
        delete_topics(config, [topic])
    o, b = median_run(runs["ours"]), median_run(runs["limit"])
    return [
        finish_row(
            Row(
                measure="2 tax",
                what=f"Kafka -> Parquet on S3, identity, {sent:,} records",
                unit="articles/s",
                ours=rate(sent, o.seconds),
                baseline=rate(sent, b.seconds),
                ours_label="Beam: ReadKafkaRange+Decode+WriteParquet",
                baseline_label="kafka-python + fastavro + pyarrow",
                target=Target(">=", 0.5),
                note=(
                    f"{sent} records, median of {RUNS} runs; wall incl. start-up: ours "
                    f"{o.seconds:.1f}s, "
                    f"limit {b.seconds:.1f}s; CPU ours {o.cpu_seconds:.1f}s, "
                    f"limit {b.cpu_seconds:.1f}s"
                ),
                detail={
                    "records": sent,
                    "ours": {
                        "seconds": o.seconds,
                        "cpu_seconds": o.cpu_seconds,
                        "peak_rss_mb": o.peak_rss_mb,
                    },
                    "limit": {
                        "seconds": b.seconds,
                        "cpu_seconds": b.cpu_seconds,
                        "peak_rss_mb": b.peak_rss_mb,
                    },
                },
            )
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("ours", "limit"))
    parser.add_argument("--topic", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    result = (ours if args.mode == "ours" else limit)(args.topic, args.output)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
