"""DecodeArticles wiring: good messages out, every bad one to dead letters with its code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.core import schemas
from pipelines.core.avro import MARKER, SingleObjectCodec
from pipelines.core.records import Message, RawArticle, to_avro
from pipelines.transforms.decode import DecodeArticles

CODEC = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_decode_routes_each_failure_with_its_code() -> None:
    good = RawArticle("id1", "text/html", b"<p>x</p>", "a.html")
    encoded = CODEC.encode(to_avro(good))
    messages = [
        Message(encoded, "kafka:t/0/0", b"id1"),
        Message(b"not avro", "kafka:t/0/1"),
        Message(MARKER + b"\x01" * 8 + b"\x00", "kafka:t/0/2"),
        Message(encoded[:-3], "kafka:t/0/3"),
        Message(encoded, "kafka:t/0/4", b"wrong-key"),
    ]
    with TestPipeline() as p:
        out = p | beam.Create(messages) | DecodeArticles(now=lambda: NOW)
        assert_that(
            out.articles | beam.Map(lambda r: (r.article_id, r.source)),
            equal_to([("id1", "kafka:t/0/0")]),
            label="CheckArticles",
        )
        assert_that(
            out.dead_letter | beam.Map(lambda d: (d.source, d.step, d.error_code, d.failed_at)),
            equal_to(
                [
                    ("kafka:t/0/1", "decode", "not_single_object", NOW),
                    ("kafka:t/0/2", "decode", "unknown_fingerprint", NOW),
                    ("kafka:t/0/3", "decode", "corrupt_payload", NOW),
                    ("kafka:t/0/4", "decode", "key_mismatch", NOW),
                ]
            ),
            label="CheckDeadLetters",
        )


def test_oversized_claim_check_is_refused_before_fetching() -> None:
    from pipelines.core.records import BodyRef

    raw = RawArticle("big", "text/html", b"", "a.html", body_ref=BodyRef("s3://b/k", 10**9, "00"))
    with TestPipeline() as p:
        out = (
            p
            | beam.Create([Message(CODEC.encode(to_avro(raw)), "kafka:t/0/9", b"big")])
            | DecodeArticles(now=lambda: NOW, max_body_bytes=1000)
        )
        assert_that(out.articles, equal_to([]), label="NoArticles")
        assert_that(
            out.dead_letter | beam.Map(lambda d: d.error_code),
            equal_to(["too_large"]),
            label="Refused",
        )


def _claimed_message(uri: str, body: bytes, offset: int) -> Message:
    import hashlib

    from pipelines.core.records import BodyRef

    ref = BodyRef(uri, len(body), hashlib.sha256(body).hexdigest())
    raw = RawArticle(f"id{offset}", "text/html", b"", "a.html", body_ref=ref)
    return Message(CODEC.encode(to_avro(raw)), f"kafka:t/0/{offset}", raw.article_id.encode())


def test_a_claim_check_outside_the_claims_location_is_a_forbidden_dead_letter(
    tmp_path: Path,
) -> None:
    claims = tmp_path / "claims"
    (claims / "id1").mkdir(parents=True)
    (claims / "id1" / "body").write_bytes(b"<p>fine</p>")
    secret = tmp_path / "secret.env"
    secret.write_bytes(b"TOKEN=hunter2")
    messages = [
        _claimed_message(f"{claims}/id1/body", b"<p>fine</p>", 1),
        _claimed_message(str(secret), b"TOKEN=hunter2", 2),
        _claimed_message("/proc/self/environ", b"", 3),
        _claimed_message("s3://elsewhere/claims/id4/body", b"x", 4),
    ]
    with TestPipeline() as p:
        out = p | beam.Create(messages) | DecodeArticles(now=lambda: NOW, claims_uri=str(claims))
        assert_that(
            out.articles | beam.Map(lambda r: (r.article_id, r.body)),
            equal_to([("id1", b"<p>fine</p>")]),
            label="CheckArticles",
        )
        assert_that(
            out.dead_letter
            | beam.Map(lambda d: (d.source, d.error_code, "hunter2" in d.error_message)),
            equal_to(
                [
                    ("kafka:t/0/2", "claim_check_forbidden", False),
                    ("kafka:t/0/3", "claim_check_forbidden", False),
                    ("kafka:t/0/4", "claim_check_forbidden", False),
                ]
            ),
            label="CheckDeadLetters",
        )


def test_a_storage_error_fails_the_pipeline_instead_of_making_a_dead_letter(
    tmp_path: Path,
) -> None:
    claims = tmp_path / "claims"
    claims.mkdir()
    loop = claims / "loop"
    loop.symlink_to(loop)  # opening it raises OSError (ELOOP): not a missing object
    with (
        pytest.raises(Exception, match="Too many levels of symbolic links"),
        TestPipeline() as p,
    ):
        # No assertion inside: a dead letter would let the pipeline succeed, failing the test.
        _ = (
            p
            | beam.Create([_claimed_message(f"{loop}/body", b"x", 5)])
            | DecodeArticles(now=lambda: NOW, claims_uri=str(claims))
        )
