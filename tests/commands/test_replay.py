"""`newswire replay-dead-letters`: which dead letters are rebuilt, filters, and a real round trip.

Dead-letter Parquet files are written here the way WriteOutputs lays them out
(`dead_letter/data/dt=YYYY-MM-DD/part-*.parquet`), with synthetic rows, and committed to the
output's `dead_letter` table (a catalog in each test's tmp_path): the command reads the table.
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.cli import build_parser, main
from pipelines.commands.replay import Replay, Skip, Tally, parse_when, plan, plan_row, select
from pipelines.config import CatalogConfig, Config, S3Config
from pipelines.core import schemas
from pipelines.core.avro import SingleObjectCodec
from pipelines.core.decode import decode_message
from pipelines.core.records import (
    RAW_TRUNCATE_BYTES,
    DeadLetter,
    Message,
    RawArticle,
    to_avro,
)
from pipelines.io.parquet import to_parquet_bytes
from pipelines.io.tables import Tables

CODEC = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
WHEN = datetime(2024, 10, 2, 12, 0, tzinfo=UTC)
PAGE = b"<html><head><title>Harbour</title></head><body><p>" + b"The harbour reopened. " * 40
PAGE += b"</p></body></html>"
TEXT = "The council met on Tuesday and voted on the new harbour budget. " * 5


def _raw(article_id: str = "a1", body: bytes = PAGE) -> RawArticle:
    return RawArticle(
        article_id=article_id,
        content_type="text/html",
        body=body,
        source="feed.jsonl:3",
        url=f"https://example.org/{article_id}",
        outlet="Example Gazette",
        attributes={"crawl": "7"},
    )


def _letter(
    step: str,
    code: str,
    raw: bytes,
    source: str = "kafka:raw-articles/0/1",
    article_id: str | None = "a1",
    when: datetime = WHEN,
) -> dict[str, object]:
    return to_avro(DeadLetter(source, step, code, f"{code} happened", when, raw, article_id))


@pytest.fixture(autouse=True)
def _catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CatalogConfig:
    """Each test's own catalog, for the command (Config.from_env) and for _write."""
    catalog = CatalogConfig(uri=f"sqlite:///{tmp_path / 'catalog.db'}")
    monkeypatch.setenv("NEWSWIRE_CATALOG_URI", catalog.uri)
    return catalog


def _write(
    out: Path, rows: list[dict[str, object]], name: str = "part-0-aaaa", commit: bool = True
) -> None:
    by_day: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        when = row["failed_at"]
        assert isinstance(when, datetime)
        by_day.setdefault(when.date().isoformat(), []).append(row)
    keys = []
    for day, day_rows in by_day.items():
        key = f"dead_letter/data/dt={day}/{name}.parquet"
        (out / key).parent.mkdir(parents=True, exist_ok=True)
        (out / key).write_bytes(to_parquet_bytes(day_rows, "dead_letter"))
        keys.append(key)
    if commit:
        catalog = CatalogConfig(uri=os.environ["NEWSWIRE_CATALOG_URI"])
        tables = Tables(str(out), catalog, S3Config())
        try:
            tables.commit({"dead_letter": keys})
        finally:
            tables.close()


# planning one row -------------------------------------------------------------------------


def test_decode_letter_with_a_record_is_sent_again_whole() -> None:
    value = CODEC.encode(to_avro(_raw()))
    item = plan_row(_letter("decode", "claim_check_missing", value), CODEC)
    assert isinstance(item, Replay) and item.kind == "record"
    assert item.raw.article_id == "a1"
    assert item.raw.url == "https://example.org/a1" and item.raw.outlet == "Example Gazette"
    assert item.raw.body == PAGE and item.raw.source == "feed.jsonl:3"
    assert item.raw.attributes == {
        "crawl": "7",
        "replay_of": "decode:claim_check_missing kafka:raw-articles/0/1",
    }


def test_decode_letter_written_with_an_older_schema_still_replays() -> None:
    v1 = schemas.versions(schemas.RAW_ARTICLE)[0]
    record = {k: v for k, v in to_avro(_raw()).items() if k not in ("body_ref", "attributes")}
    item = plan_row(_letter("decode", "unknown_fingerprint", CODEC.encode(record, v1)), CODEC)
    assert isinstance(item, Replay) and item.raw.body == PAGE


def test_undecodable_message_is_skipped() -> None:
    item = plan_row(_letter("decode", "not_single_object", b"plain bytes, not Avro"), CODEC)
    assert isinstance(item, Skip) and item.reason == "undecodable"
    corrupt = CODEC.encode(to_avro(_raw()))[:30]
    assert plan_row(_letter("decode", "corrupt_payload", corrupt), CODEC) == Skip(
        "undecodable", ("kafka:raw-articles/0/1", "decode", "corrupt_payload")
    )


def test_clean_letter_is_rebuilt_from_its_body_with_a_sniffed_type() -> None:
    html = plan_row(_letter("clean", "no_text", PAGE), CODEC)
    assert isinstance(html, Replay) and html.kind == "body"
    assert html.raw.content_type == "text/html" and html.raw.body == PAGE
    assert html.raw.article_id == "a1" and html.raw.source == "kafka:raw-articles/0/1"
    text = plan_row(_letter("clean", "too_short", TEXT.encode(), article_id=None), CODEC)
    assert isinstance(text, Replay) and text.raw.content_type == "text/plain"
    assert len(text.raw.article_id) == 32  # derived from the body when the letter has none


def test_text_letters_need_include_text() -> None:
    row = _letter("enrich", "unexpected_error", TEXT.encode())
    assert plan_row(row, CODEC) == Skip(
        "text_only", ("kafka:raw-articles/0/1", "enrich", "unexpected_error")
    )
    item = plan_row(row, CODEC, include_text=True)
    assert isinstance(item, Replay) and item.kind == "text"
    assert item.raw.content_type == "text/plain" and item.raw.body == TEXT.encode()


def test_rows_without_or_with_cut_bytes_are_skipped() -> None:
    item = plan_row(_letter("read", "too_large", b"", source="big.html"), CODEC)
    assert isinstance(item, Skip) and item.reason == "no_raw"
    cut = b"<html><body>" + b"x" * RAW_TRUNCATE_BYTES
    item = plan_row(_letter("clean", "too_large", cut), CODEC)
    assert isinstance(item, Skip) and item.reason == "truncated"
    item = plan_row(_letter("write", "io_error", PAGE), CODEC)
    assert isinstance(item, Skip) and item.reason == "unsupported_step"


# selection --------------------------------------------------------------------------------


def test_select_filters_and_deduplicates() -> None:
    early = datetime(2024, 9, 30, 8, 0, tzinfo=UTC)
    rows = [
        _letter("decode", "claim_check_missing", b"x", source="s1"),
        _letter("decode", "claim_check_missing", b"x", source="s1"),  # the same letter again
        _letter("decode", "corrupt_payload", b"x", source="s2"),
        _letter("clean", "no_text", b"x", source="s3"),
        _letter("clean", "no_text", b"x", source="s4", when=early),
    ]
    assert [r["source"] for r in select(rows)] == ["s1", "s2", "s3", "s4"]
    assert [r["source"] for r in select(rows, steps=["decode"])] == ["s1", "s2"]
    assert [r["source"] for r in select(rows, codes=["no_text", "corrupt_payload"])] == [
        "s2",
        "s3",
        "s4",
    ]
    since = parse_when("2024-10-01")
    assert [r["source"] for r in select(rows, since=since)] == ["s1", "s2", "s3"]
    assert [r["source"] for r in select(rows, until=since)] == ["s4"]


def test_parse_when() -> None:
    assert parse_when("2024-10-01") == datetime(2024, 10, 1, tzinfo=UTC)
    assert parse_when("2024-10-01T10:00:00+02:00") == datetime(2024, 10, 1, 8, tzinfo=UTC)
    with pytest.raises(argparse.ArgumentTypeError, match="zone"):
        parse_when("2024-10-01T10:00:00")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_when("yesterday")


def test_limit_turns_the_rest_into_skips() -> None:
    rows = [_letter("clean", "no_text", PAGE, source=f"s{i}") for i in range(5)]
    tally = Tally()
    items = list(plan(rows, CODEC, tally, limit=2))
    assert [type(i).__name__ for i in items] == ["Replay", "Replay", "Skip", "Skip", "Skip"]
    assert tally.summary()["skipped_by_reason"] == {"over_limit": 3}


# the command ------------------------------------------------------------------------------


def _folder(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    value = CODEC.encode(to_avro(_raw("a1")))
    _write(
        out,
        [
            _letter("decode", "claim_check_missing", value, source="kafka:t/0/5"),
            _letter("decode", "not_single_object", b"junk", source="kafka:t/0/6"),
            _letter("clean", "no_text", PAGE, source="kafka:t/1/2", article_id="a2"),
            _letter("enrich", "unexpected_error", TEXT.encode(), source="kafka:t/2/9"),
            _letter("read", "too_large", b"", source="crawl/big.html", article_id=None),
            _letter(
                "clean",
                "no_text",
                PAGE,
                source="kafka:t/3/1",
                when=datetime(2024, 9, 1, tzinfo=UTC),
            ),
        ],
    )
    # A re-run that wrote the same letter into a second file: replayed once.
    _write(
        out,
        [_letter("decode", "claim_check_missing", value, source="kafka:t/0/5")],
        name="part-0-bbbb",
    )
    return out


def test_dry_run_reports_without_sending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _folder(tmp_path)
    code = main(["replay-dead-letters", str(out), "--dry-run", "--json", "--since", "2024-10-01"])
    assert code == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["selected"] == 5  # the September letter is before --since; one duplicate
    assert summary["replayable_by_kind"] == {"body": 1, "record": 1}
    assert summary["skipped_by_reason"] == {"no_raw": 1, "text_only": 1, "undecodable": 1}
    assert summary["sent"] == 0 and summary["dry_run"] is True
    assert "would replay kafka:t/0/5 (decode:claim_check_missing) as record" in captured.err
    assert "skipped crawl/big.html (read:too_large): no_raw" in captured.err


def test_filters_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _folder(tmp_path)
    args = ["replay-dead-letters", str(out), "--dry-run", "--json", "--step", "clean"]
    assert main([*args, "--include-text"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["by_reason"] == {"clean:no_text": 2}
    assert main(["replay-dead-letters", str(out), "--dry-run", "--json", "--include-text"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["replayable_by_kind"] == {"body": 2, "record": 1, "text": 1}


def test_files_no_snapshot_references_are_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _folder(tmp_path)
    # A crashed run's file: in the table's folder, never committed.
    _write(out, [_letter("clean", "no_text", PAGE, source="kafka:t/9/9")], "part-x", commit=False)
    assert main(["replay-dead-letters", str(out), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["selected"] == 6


def test_empty_output_replays_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay-dead-letters", str(tmp_path), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["selected"] == 0


# against the real broker ------------------------------------------------------------------


@pytest.mark.integration
def test_replay_round_trip_through_kafka(
    stack: Config, kafka_topic: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kafka import KafkaConsumer

    out = _folder(tmp_path)
    env_topic = ["--topic", kafka_topic]
    assert main(["replay-dead-letters", str(out), *env_topic, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["sent"] == 3 and summary["failed"] == 0  # 2 records/bodies + September's

    consumer = KafkaConsumer(
        kafka_topic,
        **stack.kafka.client_kwargs(),
        group_id=None,
        auto_offset_reset="earliest",
        consumer_timeout_ms=5000,
    )
    try:
        messages = list(consumer)
    finally:
        consumer.close()
    decoded = {}
    for m in messages:
        msg = Message(m.value, f"kafka:{m.topic}/{m.partition}/{m.offset}", m.key)
        raw = decode_message(msg, CODEC)  # what the pipeline's decode step does
        decoded[raw.attributes["producer_source"]] = raw
    assert set(decoded) == {"feed.jsonl:3", "kafka:t/1/2", "kafka:t/3/1"}
    record = decoded["feed.jsonl:3"]
    assert record.article_id == "a1" and record.body == PAGE
    assert record.url == "https://example.org/a1"
    assert record.attributes["replay_of"] == "decode:claim_check_missing kafka:t/0/5"
    body = decoded["kafka:t/1/2"]
    assert body.article_id == "a2" and body.content_type == "text/html" and body.body == PAGE


@pytest.mark.integration
def test_replay_to_a_missing_topic_fails_cleanly(
    stack: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _folder(tmp_path)
    missing = f"no-such-topic-{uuid.uuid4().hex[:8]}"
    assert main(["replay-dead-letters", str(out), "--topic", missing]) == 3
    assert "does not exist" in capsys.readouterr().err


def test_cli_lists_the_command() -> None:
    assert "replay-dead-letters" in build_parser().format_help()
