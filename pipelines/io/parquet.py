"""Parquet format: Arrow schemas derived from the Avro schemas, and rows -> Parquet bytes.

This module knows the format only; where the bytes go is `pipelines.io.sink`'s business.
`schemas/*.avsc` stay the single source of truth: `arrow_schema("article")` derives the
Parquet schema from `schemas/article.avsc` (timestamps as microseconds UTC).
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.core import schemas

ROW_GROUP_ROWS = 50_000  # row groups of tens of MB: large enough for scans, small enough to skip
COMPRESSION = "zstd"


def _arrow_type(avro_type: Any) -> tuple[pa.DataType, bool]:
    """(arrow type, nullable) for an Avro type expression."""
    if isinstance(avro_type, list):
        non_null = [t for t in avro_type if t != "null"]
        if len(non_null) != 1:
            raise ValueError(f"only ['null', T] unions map to Parquet: {avro_type}")
        return _arrow_type(non_null[0])[0], "null" in avro_type
    if isinstance(avro_type, dict):
        logical = avro_type.get("logicalType")
        kind = avro_type["type"]
        if logical == "timestamp-micros" and kind == "long":
            return pa.timestamp("us", tz="UTC"), False
        if logical == "timestamp-millis" and kind == "long":
            return pa.timestamp("ms", tz="UTC"), False
        if kind == "array":
            item, item_nullable = _arrow_type(avro_type["items"])
            return pa.list_(pa.field("element", item, nullable=item_nullable)), False
        if kind == "map":
            value, _ = _arrow_type(avro_type["values"])
            return pa.map_(pa.string(), value), False
        if kind == "record":
            return pa.struct([_arrow_field(f) for f in avro_type["fields"]]), False
        if kind == "enum":
            return pa.string(), False
        return _arrow_type(kind)
    primitive = {
        "string": pa.string(),
        "bytes": pa.binary(),
        "int": pa.int32(),
        "long": pa.int64(),
        "float": pa.float32(),
        "double": pa.float64(),
        "boolean": pa.bool_(),
    }
    if avro_type in primitive:
        return primitive[avro_type], False
    raise ValueError(f"no Parquet mapping for Avro type {avro_type!r}")


def _arrow_field(avro_field: dict[str, Any]) -> pa.Field:
    arrow_type, nullable = _arrow_type(avro_field["type"])
    return pa.field(avro_field["name"], arrow_type, nullable=nullable)


@cache
def arrow_schema(name: str) -> pa.Schema:
    """The Arrow (Parquet) schema of Avro schema `name` (e.g. "article")."""
    avsc = schemas.load(name)
    return pa.schema([_arrow_field(f) for f in avsc["fields"]], metadata={"avro.schema.name": name})


@cache
def _map_fields(name: str) -> tuple[str, ...]:
    return tuple(f.name for f in arrow_schema(name) if pa.types.is_map(f.type))


def rows_to_table(rows: list[dict[str, Any]], schema_name: str) -> pa.Table:
    """Rows (dicts in the Avro shape) -> an Arrow table of schema `schema_name`."""
    maps = _map_fields(schema_name)
    if maps:
        # Arrow map columns take lists of (key, value) pairs; the caller's rows stay as they are.
        rows = [
            {**r, **{m: list(r[m].items()) for m in maps if isinstance(r.get(m), dict)}}
            for r in rows
        ]
    return pa.Table.from_pylist(rows, schema=arrow_schema(schema_name))


def concat_tables(tables: list[pa.Table]) -> pa.Table:
    return tables[0] if len(tables) == 1 else pa.concat_tables(tables)


def to_parquet_bytes(rows: list[dict[str, Any]], schema_name: str) -> bytes:
    """Rows (dicts in the Avro shape) -> one Parquet file's bytes, zstd-compressed."""
    return table_to_parquet_bytes(rows_to_table(rows, schema_name))


def table_to_parquet_bytes(table: pa.Table) -> bytes:
    """An Arrow table -> one Parquet file's bytes, with the settings of every file we write."""
    buf = io.BytesIO()
    pq.write_table(
        table,
        buf,
        compression=COMPRESSION,
        row_group_size=ROW_GROUP_ROWS,
        use_dictionary=True,
        write_statistics=True,
    )
    return buf.getvalue()


def from_parquet_bytes(data: bytes) -> list[dict[str, Any]]:
    """Parquet bytes -> rows; map columns come back as dicts."""
    table = pq.read_table(io.BytesIO(data))
    rows = table.to_pylist()
    map_columns = [f.name for f in table.schema if pa.types.is_map(f.type)]
    for row in rows:
        for col in map_columns:
            if row[col] is not None:
                row[col] = dict(row[col])
    return rows
