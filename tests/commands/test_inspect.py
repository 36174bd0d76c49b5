from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipelines.cli import main
from pipelines.commands.inspect import report
from pipelines.commands.run import parse_duration
from pipelines.config import CatalogConfig, S3Config
from pipelines.core.records import Article, DeadLetter, to_avro
from pipelines.io.parquet import to_parquet_bytes
from pipelines.io.tables import Tables


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


def test_inspect_reads_what_the_tables_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Committed files count; a file in a table's folder that no snapshot references (a
    crashed run's) does not."""
    catalog = CatalogConfig(uri=f"sqlite:///{tmp_path / 'catalog.db'}")
    monkeypatch.setenv("NEWSWIRE_CATALOG_URI", catalog.uri)
    out = tmp_path / "out"
    day = datetime(2024, 10, 2, 8, tzinfo=UTC)

    def article(article_id: str) -> dict[str, Any]:
        return to_avro(
            Article(article_id=article_id, text=f"Text {article_id}.", source="feed:1",
                    ingested_at=day, content_fingerprint=f"fp-{article_id}", published_at=day,
                    language="en")
        )  # fmt: skip

    tables = Tables(str(out), catalog, S3Config())
    try:
        committed = "articles/data/dt=2024-10-02/part-000-a.parquet"
        tables.store.put(committed, to_parquet_bytes([article("a"), article("b")], "article"))
        letter = DeadLetter("feed:2", "clean", "empty_text", "no text", day, b"")
        dead = "dead_letter/data/dt=2024-10-02/part-000-d.parquet"
        tables.store.put(dead, to_parquet_bytes([to_avro(letter)], "dead_letter"))
        tables.commit({"articles": [committed], "dead_letter": [dead]})
        orphan = "articles/data/dt=2024-10-02/part-000-orphan.parquet"
        tables.store.put(orphan, to_parquet_bytes([article("c")], "article"))
    finally:
        tables.close()
    assert main(["inspect", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["articles"] == 2
    assert result["dead_letters_by_reason"] == {"clean:empty_text": 1}
    assert result["sample"]["article_id"] == "a"


def test_inspect_of_an_output_without_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSWIRE_CATALOG_URI", f"sqlite:///{tmp_path / 'catalog.db'}")
    assert main(["inspect", str(tmp_path / "none"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 0
