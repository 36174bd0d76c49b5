from __future__ import annotations

import io
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.core import schemas
from pipelines.core.records import Article, Entity, to_avro
from pipelines.io.parquet import arrow_schema, from_parquet_bytes, to_parquet_bytes


def test_arrow_schema_derives_from_avro_with_utc_micros() -> None:
    schema = arrow_schema(schemas.ARTICLE)
    assert schema.names == schemas.field_names(schemas.ARTICLE)
    assert schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("published_at").nullable
    assert not schema.field("article_id").nullable
    assert pa.types.is_list(schema.field("entities").type)
    assert pa.types.is_map(schema.field("enrichment_versions").type)


def test_round_trip_through_parquet_bytes() -> None:
    article = Article(
        article_id="a",
        text="T",
        source="s",
        ingested_at=datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        content_fingerprint="f",
        published_at=datetime(2024, 1, 1, tzinfo=UTC),
        entities=[Entity("X", "ORG", 2)],
        countries=["PK"],
        enrichment_versions={"m": "1"},
    )
    data = to_parquet_bytes([to_avro(article)], schemas.ARTICLE)
    meta = pq.read_metadata(io.BytesIO(data))
    assert meta.row_group(0).column(0).compression == "ZSTD"
    (row,) = from_parquet_bytes(data)
    assert row == to_avro(article)
