from __future__ import annotations

from datetime import UTC, datetime

from pipelines.commands.inspect import report
from pipelines.commands.run import parse_duration


def test_report_counts() -> None:
    day = datetime(2024, 9, 26, tzinfo=UTC)
    articles = [
        {"article_id": "a", "published_at": day, "ingested_at": day, "language": "en",
         "entities": [{"text": "Ann", "label": "PERSON", "count": 2}], "countries": ["PK"],
         "topics": ["medtop:04000000"], "duplicate_of": None},
        {"article_id": "b", "published_at": None, "ingested_at": day, "language": "de",
         "entities": [], "countries": ["PK", "CN"], "topics": [], "duplicate_of": "a"},
    ]  # fmt: skip
    duplicates = [{"kind": "exact"}, {"kind": "near"}]
    dead = [{"step": "read", "error_code": "empty"}, {"step": "read", "error_code": "empty"}]
    r = report(articles, duplicates, dead, top=5)
    assert r["articles"] == 2
    assert r["per_day"] == {"2024-09-26": 2}
    assert r["languages"] == {"en": 1, "de": 1}
    assert r["duplicate_rate"] == round(2 / 3, 4)
    assert r["dead_letters_by_reason"] == {"read:empty": 2}
    assert r["top_countries"][0] == ("PK", 2)
    assert r["sample"]["article_id"] == "a"


def test_parse_duration() -> None:
    assert parse_duration("60s") == 60
    assert parse_duration("2m") == 120
    assert parse_duration("500ms") == 0.5
    assert parse_duration("15") == 15
