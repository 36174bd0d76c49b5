"""Input readers: every format, every reason a record is skipped, and the sample corpus."""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.core.records import RawArticle
from pipelines.core.urls import article_id_for
from pipelines.io.inputs import InputError, Inputs, detect_encoding, sniff
from pipelines.samples import generate, write_corpus

PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Harbour reopens</title></head>"
    "<body><nav>Home | News</nav><p>The old harbour in Porto reopened on Monday after "
    "repairs.</p></body></html>"
)


def _items(*paths: str, **kwargs: object) -> list[RawArticle | InputError]:
    return list(Inputs(list(paths), **kwargs))  # type: ignore[arg-type]


def _one(path: Path, **kwargs: object) -> RawArticle | InputError:
    (item,) = _items(str(path), **kwargs)
    return item


def _reason(path: Path) -> str:
    item = _one(path)
    assert isinstance(item, InputError), item
    assert item.source == str(path) and item.message
    return item.reason


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_html_file_becomes_a_raw_article(tmp_path: Path) -> None:
    path = _write(tmp_path / "page.html", PAGE)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    raw = _one(path)
    assert isinstance(raw, RawArticle)
    assert raw.source == str(path) and raw.content_type == "text/html"
    assert raw.body == PAGE.encode() and raw.encoding == "utf-8" and raw.url is None
    assert raw.article_id == article_id_for(None, raw.body)
    assert raw.fetched_at == datetime.fromtimestamp(1_700_000_000, UTC)


def test_text_scrape_like_the_shared_sample(tmp_path: Path) -> None:
    scrape = (
        " date 2024-09-26 Open Menu\n\nCouncil backs tram extension\n\n"
        "Ana Ruiz Published September 26, 2024 | 02:40 PM\n\nCouncil backs tram extension\n\n"
        "LISBON, (CPA - 26th Sep, 2024) The council approved the line on Thursday.\n"
    )
    raw = _one(_write(tmp_path / "scrape.txt", scrape))
    assert isinstance(raw, RawArticle)
    assert raw.content_type == "text/plain" and raw.encoding == "utf-8"


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        ("Zürich café – “quoted”".encode(), None, "utf-8"),
        ("Zürich café – “quoted”".encode("cp1252"), None, "windows-1252"),
        ("Zürich café".encode("latin-1"), "iso-8859-1", "windows-1252"),
        ("Новости дня".encode("cp1251"), "windows-1251", "windows-1251"),
        (b"\xef\xbb\xbfplain", None, "utf-8"),
        ("ascii label, utf-8 bytes: é".encode(), "us-ascii", "utf-8"),
    ],
)
def test_encoding_detection(body: bytes, declared: str | None, expected: str) -> None:
    assert detect_encoding(body, declared) == expected


def test_legacy_page_declares_its_charset(tmp_path: Path) -> None:
    page = PAGE.replace("utf-8", "windows-1252").replace("repairs", "réparations")
    raw = _one(_write(tmp_path / "legacy.htm", page.encode("cp1252")))
    assert isinstance(raw, RawArticle) and raw.encoding == "windows-1252"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.html", b"", "empty"),
        ("blank.txt", b"  \n\t\n", "empty"),
        (
            "image.html",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "binary_content",
        ),
        (
            "declared.html",
            PAGE.replace("repairs", "caf\xe9").encode("latin-1"),
            "undecodable_bytes",
        ),
        ("mixed.txt", "Zürich".encode() + b" and caf\xe9 " + "Köln".encode(), "undecodable_bytes"),
        (
            "shell.html",
            "<html><head><title>x</title><script>go()</script></head><body><div></div></body></html>",
            "no_text",
        ),
        ("plain.html", "This file is called .html but holds no markup at all.", "not_html"),
        ("punct.txt", "-- ... --\n", "no_text"),
    ],
)
def test_bad_single_files_are_reported_with_a_reason(
    tmp_path: Path, name: str, data: bytes | str, reason: str
) -> None:
    assert _reason(_write(tmp_path / name, data)) == reason


def test_too_large_and_unreadable(tmp_path: Path) -> None:
    path = _write(tmp_path / "big.html", PAGE * 10)
    item = _one(path, max_body_bytes=100)
    assert isinstance(item, InputError) and item.reason == "too_large"
    missing = _one(tmp_path / "nope.html")
    assert isinstance(missing, InputError) and missing.reason == "unreadable"


def test_json_lines_records_and_their_errors(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "url": "https://news.example.org/a?utm_source=x",
                "html": PAGE,
                "fetched_at": "2024-09-26T14:40:00Z",
                "source": "Example News",
                "language": "en",
            }
        ),
        "",
        json.dumps(
            {"url": "https://news.example.org/b", "text": "A plain text story about Leipzig."}
        ),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"url": "https://news.example.org/c"}),
        json.dumps({"html": PAGE, "fetched_at": "yesterday"}),
        json.dumps({"html": 42}),
    ]
    path = _write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    items = _items(str(path))
    first = items[0]
    assert isinstance(first, RawArticle)
    assert first.source == f"{path}:0" and first.outlet == "Example News"
    assert first.language_hint == "en" and first.body == PAGE.encode()
    assert first.fetched_at == datetime(2024, 9, 26, 14, 40, tzinfo=UTC)
    assert first.article_id == article_id_for("https://news.example.org/a", PAGE.encode())
    second = items[1]
    assert isinstance(second, RawArticle)
    assert second.source == f"{path}:2" and second.content_type == "text/plain"
    assert second.fetched_at is None and second.outlet is None
    reasons = [
        (i.source.rsplit(":", 1)[1], i.reason) for i in items[2:] if isinstance(i, InputError)
    ]
    assert reasons == [
        ("3", "invalid_json"),
        ("4", "invalid_record"),
        ("5", "missing_field"),
        ("6", "invalid_record"),
        ("7", "invalid_record"),
    ]


def test_json_document_object_and_array(tmp_path: Path) -> None:
    one = _one(
        _write(tmp_path / "one.json", json.dumps({"url": "https://x.example/1", "html": PAGE}))
    )
    assert isinstance(one, RawArticle) and one.source == str(tmp_path / "one.json")
    many = _items(
        str(_write(tmp_path / "many.json", json.dumps([{"html": PAGE}, {"text": "Words here."}])))
    )
    assert [i.source for i in many] == [
        f"{tmp_path / 'many.json'}:0",
        f"{tmp_path / 'many.json'}:1",
    ]
    assert _reason(_write(tmp_path / "broken.json", "{oops")) == "invalid_json"


def _warc(path: Path, records: list[dict[str, object]], gz: bool = True) -> bytes:
    """A WARC written with warcio: a warcinfo record, then the given responses."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
    for r in records:
        body = r["body"]
        assert isinstance(body, bytes)
        headers = [("Content-Type", str(r.get("type", "text/html; charset=utf-8")))]
        if "language" in r:
            headers.append(("Content-Language", str(r["language"])))
        http = StatusAndHeaders(str(r.get("status", "200 OK")), headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            str(r["url"]),
            "response",
            payload=io.BytesIO(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": str(r.get("date", "2024-05-01T10:00:00Z"))},
        )
        writer.write_record(record)
    data = buf.getvalue()
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("gz", [True, False])
def test_warc_round_trip(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    legacy = (
        PAGE.replace("utf-8", "windows-1252")
        .replace("repairs", "Ausbesserung für 3 €")
        .encode("cp1252")
    )
    _warc(
        path,
        [
            {"url": "https://a.example/1", "body": PAGE.encode(), "language": "en-GB"},
            {
                "url": "https://a.example/2",
                "body": legacy,
                "type": "text/html; charset=windows-1252",
            },
            {"url": "https://a.example/logo.png", "body": b"\x89PNG", "type": "image/png"},
            {"url": "https://a.example/gone", "body": b"<p>gone</p>", "status": "404 Not Found"},
        ],
        gz=gz,
    )
    items = _items(str(path))
    assert [i.source.rsplit(":", 1)[1] for i in items] == ["1", "2", "3", "4"]
    first, second, image, gone = items
    assert isinstance(first, RawArticle) and isinstance(second, RawArticle)
    assert first.url == "https://a.example/1" and first.body == PAGE.encode()
    assert first.fetched_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert first.language_hint == "en-gb" and first.encoding == "utf-8"
    assert first.article_id == article_id_for("https://a.example/1", PAGE.encode())
    assert second.body == legacy and second.encoding == "windows-1252"
    assert isinstance(image, InputError) and image.reason == "unsupported_type"
    assert isinstance(gone, InputError) and gone.reason == "http_status"


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_warc_record_is_reported_after_the_good_ones(
    tmp_path: Path, gz: bool, keep: float
) -> None:
    path = tmp_path / "cut.warc.gz"
    long_page = PAGE.replace("repairs", "repairs " * 3000).encode()
    good = _warc(
        tmp_path / "good.warc", [{"url": "https://a.example/1", "body": PAGE.encode()}], gz=gz
    )
    full = _warc(
        tmp_path / "full.warc",
        [
            {"url": "https://a.example/1", "body": PAGE.encode()},
            {"url": "https://a.example/2", "body": long_page},
        ],
        gz=gz,
    )
    path.write_bytes(full[: len(good) + int((len(full) - len(good)) * keep)])
    items = _items(str(path))
    assert isinstance(items[0], RawArticle)
    assert [(i.source, i.reason) for i in items[1:] if isinstance(i, InputError)] == [
        (f"{path}:2", "truncated_warc_record")
    ]
    assert len(items) == 2


@pytest.mark.parametrize("gz", [True, False])
def test_a_warc_cut_anywhere_reports_the_cut_record(tmp_path: Path, gz: bool) -> None:
    from warcio.archiveiterator import ArchiveIterator

    page = PAGE.replace("repairs", "repairs " * 300).encode()
    full = _warc(
        tmp_path / "b.warc",
        [
            {"url": "https://a.example/1", "body": PAGE.encode()},
            {"url": "https://a.example/2", "body": page},
        ],
        gz=gz,
    )
    archive = ArchiveIterator(io.BytesIO(full))
    starts = [archive.get_record_offset() for _ in archive]
    path = tmp_path / "cut.warc"
    # From a few bytes into the last record to just before its final bytes (the gzip trailer
    # or the closing CRLFs, without which the payload is still whole).
    for cut in range(starts[2] + 5, len(full) - 12, 23):
        path.write_bytes(full[:cut])
        first, *rest = _items(str(path))
        assert isinstance(first, RawArticle)
        reported = [(i.source, getattr(i, "reason", None)) for i in rest]
        assert reported == [(f"{path}:2", "truncated_warc_record")], cut


def test_folders_are_walked_in_order_skipping_hidden_files_and_manifests(tmp_path: Path) -> None:
    _write(tmp_path / "b" / "z.html", PAGE)
    _write(tmp_path / "a" / "y.txt", "Some words.")
    _write(tmp_path / "a" / ".hidden.html", PAGE)
    _write(tmp_path / ".git" / "x.html", PAGE)
    _write(tmp_path / "manifest.json", json.dumps({"items": []}))
    _write(tmp_path / "notes.md", "# not an input")
    inputs = Inputs([str(tmp_path)])
    sources = [i.source for i in inputs]
    assert sources == [str(tmp_path / "a" / "y.txt"), str(tmp_path / "b" / "z.html")]
    assert inputs.ignored == [str(tmp_path / "notes.md")]
    assert inputs.files == 2 and inputs.total_bytes == inputs.bytes_read


def test_stdin_is_sniffed(tmp_path: Path) -> None:
    now = datetime(2025, 1, 2, tzinfo=UTC)
    (page,) = _items("-", stdin=io.BytesIO(PAGE.encode()), now=lambda: now)
    assert isinstance(page, RawArticle)
    assert page.source == "stdin" and page.content_type == "text/html" and page.fetched_at == now
    lines = (
        json.dumps({"html": PAGE}) + "\n" + json.dumps({"text": "Hello there."}) + "\n"
    ).encode()
    assert [i.source for i in _items("-", stdin=io.BytesIO(lines))] == ["stdin:0", "stdin:1"]
    warc = _warc(tmp_path / "w.warc.gz", [{"url": "https://a.example/1", "body": PAGE.encode()}])
    (record,) = _items("-", stdin=io.BytesIO(warc))
    assert isinstance(record, RawArticle) and record.source == "stdin:1"
    assert sniff(gzip.compress(b"WARC/1.0\r\n")) == "warc" and sniff(b"  plain words") == "text"


def test_generated_corpus_reads_back_exactly_as_its_manifest_says(tmp_path: Path) -> None:
    items = list(generate(160, seed=21))
    manifest = write_corpus(tmp_path, items, seed=21)
    root = f"{tmp_path}/"
    expected = {i.source: i for i in items}
    seen = set()
    for got in Inputs([str(tmp_path)]):
        source = got.source.removeprefix(root)
        item = expected[source]
        seen.add(source)
        if isinstance(got, InputError):
            assert item.kind == "malformed" and got.reason == item.truth["reason"], got
        else:
            want = item.raw_article(root)
            assert item.kind != "malformed" and want is not None
            assert got == want
    assert seen == set(expected) and len(manifest["items"]) == 160


def test_prefetched_keeps_order_passes_errors_on_and_stops_with_the_consumer() -> None:
    import threading

    from pipelines.io.inputs import prefetched

    assert list(prefetched(range(1000), depth=8)) == list(range(1000))

    def failing() -> Iterator[int]:
        yield 1
        raise OSError("disk gone")

    seen = []
    with pytest.raises(OSError, match="disk gone"):
        for value in prefetched(failing()):
            seen.append(value)
    assert seen == [1]
    produced = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    stream = prefetched(endless(), depth=4)
    assert next(stream) == 0
    stream.close()  # the consumer stops: the reader thread must end too
    for _ in range(50):
        if not any(t.name == "newswire-inputs" for t in threading.enumerate()):
            break
        threading.Event().wait(0.05)
    assert not any(t.name == "newswire-inputs" for t in threading.enumerate())
    assert len(produced) < 20
