"""Validation of output records against their Avro schema before anything is written."""

from __future__ import annotations

from typing import Any

from fastavro.validation import ValidationError, validate

from pipelines.core import schemas
from pipelines.core.errors import ArticleError
from pipelines.core.records import to_avro


def validate_record(record: Any, schema_name: str = schemas.ARTICLE) -> dict[str, Any]:
    """The record as an Avro-shaped dict, or ArticleError("schema_invalid") naming the fields."""
    row = to_avro(record)
    try:
        validate(row, schemas.load(schema_name), raise_errors=True)
    except ValidationError as exc:
        raise ArticleError("schema_invalid", "; ".join(str(e) for e in exc.errors)[:1000]) from exc
    return row
