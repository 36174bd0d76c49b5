"""`newswire clean`: one JSON line per input record, in order, errors inline (no services)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.config import Config

SHARED = Path(os.environ.get("NEWSWIRE_SHARED", Path(__file__).resolve().parents[3] / "shared"))
SAMPLE = SHARED / "samples" / "urdupoint-2024-09-26-pakistan-china-ev.txt"

SCRAPE = (
    "Home | World | Business\n\nPort Expansion Wins Final Approval\n\n"
    "By Lena Brandt Published March 3, 2025 | 10:15 AM\n\n"
    "ROTTERDAM (Reuters) - The port authority approved a third container terminal on Monday, "
    "ending a planning process that lasted more than four years and drew objections from "
    "residents and environmental groups along the river.\n\n"
    "The terminal will add capacity for two million containers a year, officials said.\n"
)


def test_records_in_input_order_with_errors_inline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "a-good.txt"
    good.write_text(SCRAPE)
    empty = tmp_path / "b-empty.txt"
    empty.write_bytes(b"")
    feed = tmp_path / "c-feed.jsonl"
    feed.write_text(
        json.dumps({"url": "https://example.org/x?utm_source=x", "text": SCRAPE}) + "\n{not json}\n"
    )
    code = main(["clean", str(good), str(empty), str(feed)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [r["source"] for r in lines] == [str(good), str(empty), f"{feed}:0", f"{feed}:1"]
    assert lines[0]["title"] == "Port Expansion Wins Final Approval"
    assert lines[0]["authors"] == ["Lena Brandt"]
    assert lines[0]["dateline"] == "ROTTERDAM"
    assert lines[0]["language"] == "en"
    assert lines[0]["published_at"].endswith("Z")
    assert lines[1]["error"]["code"] == "empty"
    assert lines[2]["canonical_url"] == "https://example.org/x"
    assert lines[3]["error"]["code"] == "invalid_json"


@pytest.mark.skipif(not SAMPLE.is_file(), reason="shared sample not present")
def test_sample_acceptance(capsys: pytest.CaptureFixture[str]) -> None:
    from pipelines.commands.clean import clean_records

    (record,) = list(clean_records([str(SAMPLE)], Config()))
    assert record["title"] == (
        "Pakistan Strengthens Automotive Ties With China, Eyes Joint Innovation In EV Sector"
    )
    assert record["authors"] == ["Umer Jamshaid"]
    assert record["published_at"] == "2024-09-26T09:40:00Z"
    assert record["dateline"] == "ISLAMABAD"
    assert record["language"] == "en"
    text = record["text"]
    assert text.startswith("Pakistan's Consul General in Shanghai")
    for residue in (
        "Open Menu",
        "Published September",
        "UrduPoint /",
        "Pakistan strengthens automotive",
    ):
        assert residue not in text
    people = {e["text"] for e in record["entities"] if e["label"] == "PERSON"}
    places = {e["text"] for e in record["entities"] if e["label"] in ("GPE", "LOC")}
    assert "Shehzad Ahmad Khan" in people
    assert {"Shanghai", "Taizhou"} <= places
    assert {"PK", "CN"} <= set(record["countries"])


def test_a_missing_path_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clean", str(tmp_path / "nope.html")]) == 2
    assert "nope.html: no such file or folder" in capsys.readouterr().err
