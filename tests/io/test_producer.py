"""Integration: `newswire produce` against the real broker and SeaweedFS of the local stack.

2,000 generated items (plus one 5 MB page) go through the CLI; consuming the topic back must
give every well-formed item exactly once, keyed by its article_id and equal to what the
manifest promises; every malformed item must have been reported with its reason; the 5 MB page
must have travelled by claim check and come back whole through `resolve_body`.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import uuid
from collections import defaultdict
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.config import Config
from pipelines.core import schemas
from pipelines.core.avro import SingleObjectCodec
from pipelines.core.errors import ArticleError
from pipelines.core.records import RawArticle, raw_article_from_avro
from pipelines.io.claims import CachedStores, resolve_body
from pipelines.samples import generate, write_corpus

pytestmark = pytest.mark.integration

COUNT = 2000
SEED = 2024


def _long_page(paragraphs: list[str], size: int) -> bytes:
    """An HTML page of at least `size` bytes made of generated paragraphs."""
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Long read</title></head><body>"
    ]
    total = 0
    i = 0
    while total < size:
        para = f"<p>{html.escape(paragraphs[i % len(paragraphs)])}</p>\n"
        parts.append(para)
        total += len(para.encode())
        i += 1
    parts.append("</body></html>")
    return "".join(parts).encode()


def _consume(config: Config, topic: str, expected: int) -> list[tuple[bytes | None, RawArticle]]:
    from kafka import KafkaConsumer

    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    consumer = KafkaConsumer(
        topic,
        **config.kafka.client_kwargs(),
        group_id=f"test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=20_000,
    )
    out = []
    try:
        for message in consumer:
            out.append((message.key, raw_article_from_avro(codec.decode(message.value))))
            if len(out) >= expected:
                break
    finally:
        consumer.close()
    return out


def test_generated_corpus_arrives_exactly_once_and_the_big_page_by_claim_check(
    stack: Config, kafka_topic: str, s3_uri: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    items = list(generate(COUNT, SEED))
    manifest = write_corpus(corpus, items, seed=SEED)
    big_body = _long_page([i.text for i in items if i.kind == "original"][:50], 5_000_000)
    big = corpus / "html" / "long-reads" / "five-megabytes.html"
    big.parent.mkdir(parents=True)
    big.write_bytes(big_body)

    code = cli.main(
        [
            "produce",
            str(corpus),
            "--topic",
            kafka_topic,
            "--claims-uri",
            f"{s3_uri}/claims",
            "--no-progress",
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    summary = json.loads(out.strip().splitlines()[-1])
    assert code == 0, err[-2000:]

    root = f"{corpus}/"
    expected = {f"{root}{i.source}": i.raw_article(root) for i in items if i.kind != "malformed"}
    malformed = {f"{root}{i.source}": i.truth["reason"] for i in items if i.kind == "malformed"}
    reported = dict(re.findall(r"^skipped (.+?): ([a-z_]+): .+$", err, re.M))
    assert reported == malformed
    assert summary["skipped_reasons"] == manifest["malformed_reasons"]
    assert summary["sent"] == len(expected) + 1
    assert summary["failed"] == 0 and summary["claim_checked"] == 1

    received: dict[str, list[RawArticle]] = defaultdict(list)
    for key, raw in _consume(stack, kafka_topic, summary["sent"]):
        assert key == raw.article_id.encode()
        received[raw.source].append(raw)
    assert set(received) == {*expected, str(big)}
    assert [s for s, copies in received.items() if len(copies) != 1] == []
    mismatched = [s for s, want in expected.items() if received[s][0] != want]
    assert mismatched == []

    (claimed,) = received[str(big)]
    assert claimed.body == b"" and claimed.body_ref is not None
    assert claimed.body_ref.uri.startswith(f"{s3_uri}/claims/{claimed.article_id}/")
    assert claimed.body_ref.size == len(big_body)
    stores = CachedStores(stack.s3)
    try:
        resolved = resolve_body(claimed, stores, claims_uri=f"{s3_uri}/claims")
        assert resolved.body == big_body
        gone = dataclasses.replace(
            claimed, body_ref=dataclasses.replace(claimed.body_ref, uri=claimed.body_ref.uri + "0")
        )
        with pytest.raises(ArticleError) as err_info:
            resolve_body(gone, stores, claims_uri=f"{s3_uri}/claims")
        assert err_info.value.code == "claim_check_missing"
    finally:
        stores.close()
