"""Single-object encoding and schema evolution (pure: no Kafka)."""

from __future__ import annotations

import itertools
import struct
from datetime import UTC, datetime

import fastavro
import pytest

from pipelines.core import schemas
from pipelines.core.avro import MARKER, SingleObjectCodec, fingerprint
from pipelines.core.errors import ArticleError
from pipelines.core.records import RawArticle, raw_article_from_avro, to_avro


def _example(schema: dict) -> dict:
    """A record valid for `schema`, filling every field with a non-default value."""
    values = {
        "article_id": "a1",
        "url": "https://example.org/x",
        "fetched_at": datetime(2024, 9, 26, 9, 40, tzinfo=UTC),
        "content_type": "text/html",
        "body": b"<p>hi</p>",
        "encoding": "utf-8",
        "source": "file.html",
        "outlet": "Example",
        "language_hint": "en",
        "body_ref": {"uri": "s3://b/k", "size": 3, "sha256": "00"},
        "attributes": {"k": "v"},
    }
    return {f["name"]: values[f["name"]] for f in schema["fields"]}


def test_header_is_marker_plus_little_endian_crc64_of_canonical_form() -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    data = codec.encode(_example(codec.reader))
    assert data[:2] == MARKER
    assert data[2:10] == fingerprint(codec.reader)
    # Avro spec test vector: CRC-64-AVRO of the canonical form "int" is 0x7275d51a3f395c8f.
    assert struct.unpack("<Q", fingerprint({"type": "int"}))[0] == 0x7275D51A3F395C8F


def test_every_newer_version_reads_every_older_one() -> None:
    for name in (schemas.RAW_ARTICLE, schemas.ARTICLE, schemas.DEAD_LETTER, schemas.DUPLICATE):
        kept = schemas.versions(name)
        for older, newer in itertools.combinations_with_replacement(range(len(kept)), 2):
            codec = SingleObjectCodec(kept[: newer + 1])
            if name == schemas.RAW_ARTICLE:
                record = _example(kept[older])
                decoded = codec.decode(codec.encode(record, kept[older]))
                for key, value in record.items():
                    assert decoded[key] == value
            else:
                # Only one version so far: the reader must at least accept its own writer.
                assert fastavro.parse_schema(kept[older])


def test_v1_message_decodes_with_v2_defaults() -> None:
    v1, v2 = schemas.versions(schemas.RAW_ARTICLE)
    codec = SingleObjectCodec([v1, v2])
    decoded = codec.decode(codec.encode(_example(v1), v1))
    assert decoded["body_ref"] is None
    assert decoded["attributes"] == {}
    raw = raw_article_from_avro(decoded)
    assert isinstance(raw, RawArticle) and raw.fetched_at == datetime(
        2024, 9, 26, 9, 40, tzinfo=UTC
    )


def test_record_dataclass_round_trip() -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    raw = raw_article_from_avro(_example(codec.reader))
    assert raw_article_from_avro(codec.decode(codec.encode(to_avro(raw)))) == raw


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "not_single_object"),
        (b"{json: 1}", "not_single_object"),
        (MARKER + b"\x00" * 8 + b"\x02", "unknown_fingerprint"),
    ],
)
def test_bad_input_raises_stable_codes(data: bytes, code: str) -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    with pytest.raises(ArticleError) as err:
        codec.decode(data)
    assert err.value.code == code


def test_truncated_and_trailing_payloads_are_corrupt() -> None:
    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    data = codec.encode(_example(codec.reader))
    for bad in (data[:-5], data + b"\x00\x01"):
        with pytest.raises(ArticleError) as err:
            codec.decode(bad)
        assert err.value.code == "corrupt_payload"
