"""Producer throughput to the local broker: `newswire produce` vs raw kafka-python sends.

A synthetic corpus (`pipelines.samples`, default 2,000 items) is written to a temporary folder
and produced to a fresh topic of the local stack in three ways, all with the same client
settings (acks=all, idempotence, compression, batching):

- ours, end to end: `Inputs` reads and checks the files (in a prefetch thread),
  `ArticleProducer` encodes (Avro single-object), sends and waits for every
  acknowledgement; this is what the CLI does;
- ours, send only: the same records already read into memory (reading cost left out);
- raw kafka-python: `KafkaProducer.send` of the very key/value bytes ours sent, then
  `flush()`; no reading, checking or encoding. This is the limit the producer can approach.

Each is run `--repeat` times, alternating, and the best run of each is reported (the machine
is shared, so the best run is the least disturbed one). Rates are articles/s and MB/s of
record values; `ratio` is ours / raw (1.0 = no overhead over the client library).

Run: ``.venv/bin/python -m benchmarks.perf.producer [--count 2000] [--seed 7]
[--compression zstd|lz4|gzip|none] [--repeat 2] [--json OUT]``  (needs `newswire stack up`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from pipelines.config import Config
from pipelines.core.records import RawArticle
from pipelines.io.inputs import InputError, Inputs, prefetched
from pipelines.io.kafka_producer import ArticleProducer, ProducerSettings
from pipelines.samples import generate, write_corpus


def _rate(articles: int, value_bytes: int, seconds: float) -> dict[str, float]:
    return {
        "seconds": round(seconds, 3),
        "articles_per_s": round(articles / seconds, 1),
        "mb_per_s": round(value_bytes / seconds / 1e6, 2),
    }


def _ours(
    config: Config, topic: str, settings: ProducerSettings, source: Any
) -> tuple[int, int, float]:
    """Send `source` (an Inputs or a list of RawArticles); (delivered, value bytes, seconds)."""
    producer = ArticleProducer(config.kafka, topic=topic, settings=settings)
    producer.setup()
    started = time.perf_counter()
    for item in source:
        if not isinstance(item, InputError):
            producer.send(item)
    producer.close()
    elapsed = time.perf_counter() - started
    if producer.stats.failed:
        raise RuntimeError(
            f"{producer.stats.failed} deliveries failed: {producer.stats.failures[:3]}"
        )
    return producer.stats.delivered, producer.stats.bytes, elapsed


def _raw(
    config: Config, topic: str, settings: ProducerSettings, records: list[tuple[bytes, bytes]]
) -> float:
    from kafka import KafkaProducer

    client_settings = ArticleProducer(
        config.kafka, topic=topic, settings=settings
    ).client_settings()
    client = KafkaProducer(**client_settings)
    client.partitions_for(topic)  # metadata outside the timed part, as setup() does for ours
    started = time.perf_counter()
    futures = [client.send(topic, key=key, value=value) for key, value in records]
    client.flush()
    elapsed = time.perf_counter() - started
    client.close()
    failed = sum(1 for f in futures if f.failed())
    if failed:
        raise RuntimeError(f"{failed} raw sends failed")
    return elapsed


def run(
    count: int = 2000,
    seed: int = 7,
    compression: str = "zstd",
    repeat: int = 2,
    config: Config | None = None,
) -> dict[str, Any]:
    """Measure and return the results (see the module docstring)."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    config = config or Config.from_env(os.environ)
    settings = ProducerSettings(compression=compression)
    topic = f"bench-producer-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(**config.kafka.client_kwargs(), client_id="newswire-bench")
    admin.create_topics([NewTopic(topic, num_partitions=4, replication_factor=1)])
    try:
        with tempfile.TemporaryDirectory(prefix="newswire-bench-") as tmp:
            folder = Path(tmp) / "corpus"
            write_corpus(folder, generate(count, seed), seed=seed)
            articles = [a for a in Inputs([str(folder)]) if isinstance(a, RawArticle)]
            encoder = ArticleProducer(config.kafka, topic=topic, settings=settings)
            records = [encoder.encode(a)[:2] for a in articles]
            value_bytes = sum(len(v) for _, v in records)
            best: dict[str, float] = {}
            for _ in range(max(1, repeat)):
                reading = prefetched(Inputs([str(folder)]))  # as `newswire produce` reads
                delivered, sent_bytes, seconds = _ours(config, topic, settings, reading)
                assert delivered == len(articles) and sent_bytes == value_bytes
                best["ours"] = min(best.get("ours", float("inf")), seconds)
                _, _, seconds = _ours(config, topic, settings, articles)
                best["ours_send_only"] = min(best.get("ours_send_only", float("inf")), seconds)
                seconds = _raw(config, topic, settings, records)
                best["raw_kafka_python"] = min(best.get("raw_kafka_python", float("inf")), seconds)
    finally:
        admin.delete_topics([topic])
        admin.close()
    result: dict[str, Any] = {
        "benchmark": "producer",
        "items": count,
        "articles": len(articles),
        "value_mb": round(value_bytes / 1e6, 2),
        "compression": compression,
        "repeat": repeat,
        **{name: _rate(len(articles), value_bytes, seconds) for name, seconds in best.items()},
    }
    raw_rate = result["raw_kafka_python"]["articles_per_s"]
    result["ratio"] = round(result["ours"]["articles_per_s"] / raw_rate, 3)
    result["ratio_send_only"] = round(result["ours_send_only"]["articles_per_s"] / raw_rate, 3)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="generated items (default 2000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--compression", choices=("zstd", "lz4", "gzip", "none"), default="zstd")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each variant (best kept)")
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args(argv)
    result = run(args.count, args.seed, args.compression, args.repeat)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    ours, raw = result["ours"], result["raw_kafka_python"]
    print(
        f"ours {ours['articles_per_s']:,.0f} articles/s ({ours['mb_per_s']} MB/s), "
        f"raw kafka-python {raw['articles_per_s']:,.0f} articles/s: ratio {result['ratio']}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
