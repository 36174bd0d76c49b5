"""The dataclasses mirror the Avro schemas (the single source of truth) field for field."""

from __future__ import annotations

import dataclasses

import pytest

from pipelines.core import records, schemas


@pytest.mark.parametrize(
    ("cls", "name"),
    [
        (records.RawArticle, schemas.RAW_ARTICLE),
        (records.Article, schemas.ARTICLE),
        (records.DeadLetter, schemas.DEAD_LETTER),
        (records.Duplicate, schemas.DUPLICATE),
    ],
)
def test_dataclass_fields_match_schema(cls: type, name: str) -> None:
    assert {f.name for f in dataclasses.fields(cls)} == set(schemas.field_names(name))


def test_dead_letter_truncates_raw_input() -> None:
    from datetime import UTC, datetime

    letter = records.DeadLetter("s", "clean", "x", "m", datetime.now(UTC), raw=b"a" * (2 << 20))
    assert len(letter.raw) == records.RAW_TRUNCATE_BYTES
