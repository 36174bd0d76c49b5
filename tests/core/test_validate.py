from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.core.errors import ArticleError
from pipelines.core.records import Article, Entity
from pipelines.core.validate import validate_record


def _article(**kw: object) -> Article:
    base = Article(
        article_id="a",
        text="Body text.",
        source="f.txt",
        ingested_at=datetime(2024, 1, 1, tzinfo=UTC),
        content_fingerprint="fp",
        word_count=2,
        entities=[Entity("Ann", "PERSON", 1)],
        enrichment_versions={"spacy": "3.8"},
    )
    for k, v in kw.items():
        setattr(base, k, v)
    return base


def test_valid_article_becomes_avro_dict() -> None:
    row = validate_record(_article())
    assert row["entities"] == [{"text": "Ann", "label": "PERSON", "count": 1}]
    assert row["ingested_at"] == datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("field,value", [("word_count", "many"), ("authors", [1, 2]), ("title", 5)])
def test_invalid_article_is_rejected_with_field_names(field: str, value: object) -> None:
    with pytest.raises(ArticleError) as err:
        validate_record(_article(**{field: value}))
    assert err.value.code == "schema_invalid"
    assert field in err.value.message
