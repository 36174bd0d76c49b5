"""Input readers: every format, every reason a record is skipped, and the sample corpus."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.config import Config
from pipelines.core.records import RawArticle
from pipelines.core.urls import article_id_for
from pipelines.io.inputs import InputError, Inputs, sniff
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


def test_a_legacy_page_under_a_utf8_label_is_read_as_legacy(tmp_path: Path) -> None:
    """No byte of it is UTF-8: the label is wrong, not the page (CLEAN reads it alike)."""
    raw = _one(
        _write(tmp_path / "declared.html", PAGE.replace("repairs", "caf\xe9").encode("latin-1"))
    )
    assert isinstance(raw, RawArticle) and raw.encoding == "windows-1252"


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
        ("mixed.txt", "Zürich".encode() + b" and caf\xe9 " + "Köln".encode(), "undecodable"),
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


# --- caps while reading: small caps, inputs in memory or tmp files ------------------------------

CAP = 1000  # max_body_bytes in these tests


def _json_limit() -> int:
    from pipelines.io.inputs import Limits

    return Limits(CAP).json


def _padded_line(size: int, text: str = "Words here.") -> bytes:
    """A JSON record line of exactly `size` bytes whose body is short (the padding is a field)."""
    empty = json.dumps({"text": text, "pad": ""}).encode()
    return json.dumps({"text": text, "pad": "x" * (size - len(empty))}).encode()


def _page(size: int) -> bytes:
    """An HTML page of exactly `size` bytes."""
    page = PAGE.encode()
    return page.replace(b"<body>", b"<body>" + b" " * (size - len(page)), 1)


def _summary(items: list[RawArticle | InputError]) -> list[tuple[str, str]]:
    return [
        (i.source.rsplit(":", 1)[-1], "sent" if isinstance(i, RawArticle) else i.reason)
        for i in items
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_json_line_at_the_limit_is_read_one_byte_more_is_too_large(
    tmp_path: Path, newline: str
) -> None:
    limit = _json_limit()
    lines = [_padded_line(200), _padded_line(limit), _padded_line(limit + 1), _padded_line(300)]
    path = _write(tmp_path / "feed.jsonl", newline.encode().join(lines) + newline.encode())
    items = _items(str(path), max_body_bytes=CAP)
    assert _summary(items) == [("0", "sent"), ("1", "sent"), ("2", "too_large"), ("3", "sent")]
    refused = items[2]
    assert isinstance(refused, InputError) and refused.source == f"{path}:2"
    assert f"{limit + 1:,}" in refused.message and f"{limit:,}-byte" in refused.message


def test_json_lines_at_the_end_without_a_newline(tmp_path: Path) -> None:
    limit = _json_limit()
    exact = _write(tmp_path / "exact.jsonl", _padded_line(100) + b"\n" + _padded_line(limit))
    assert _summary(_items(str(exact), max_body_bytes=CAP)) == [("0", "sent"), ("1", "sent")]
    over = _write(tmp_path / "over.jsonl", _padded_line(100) + b"\n" + _padded_line(limit + 1))
    assert _summary(_items(str(over), max_body_bytes=CAP)) == [("0", "sent"), ("1", "too_large")]
    long_tail = _write(tmp_path / "long.jsonl", _padded_line(100) + b"\n" + b"{" * (3 * limit))
    items = _items(str(long_tail), max_body_bytes=CAP)
    assert _summary(items) == [("0", "sent"), ("1", "too_large")]
    assert f"{3 * limit:,}" in items[1].message


def test_over_long_json_line_is_skipped_without_being_held(tmp_path: Path) -> None:
    import tracemalloc

    limit = _json_limit()
    path = tmp_path / "big.jsonl"
    with path.open("wb") as f:
        f.write(_padded_line(100) + b"\n" + b'{"text": "')
        for _ in range(40):
            f.write(b"a" * 1_000_000)
        f.write(b'"}\r\n' + _padded_line(limit) + b"\n")
    tracemalloc.start()
    try:
        items = _items(str(path), max_body_bytes=CAP)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert _summary(items) == [("0", "sent"), ("1", "too_large"), ("2", "sent")]
    assert f"{40_000_012:,}" in items[1].message
    assert peak < 8_000_000, peak


def test_json_document_over_the_limit(tmp_path: Path) -> None:
    limit = _json_limit()
    records = [{"text": f"Story {n}.", "pad": "x" * 1000} for n in range(2 * limit // 1000)]
    array = _write(tmp_path / "array.json", json.dumps(records, indent=1))
    (item,) = _items(str(array), max_body_bytes=CAP)
    assert isinstance(item, InputError) and item.reason == "too_large"
    assert item.source == str(array) and f"{limit:,}-byte" in item.message
    # JSON lines in a .json file are read line by line, whatever the file's size.
    lines = _write(tmp_path / "lines.json", b"\n".join(json.dumps(r).encode() for r in records))
    items = _items(str(lines), max_body_bytes=CAP)
    assert len(items) == len(records) and all(isinstance(i, RawArticle) for i in items)
    # A first line over the limit: that line is refused, the next ones are read.
    first_long = _write(
        tmp_path / "first.json", _padded_line(limit + 1) + b"\n" + lines.read_bytes()
    )
    items = _items(str(first_long), max_body_bytes=CAP)
    assert _summary(items[:2]) == [("0", "too_large"), ("1", "sent")]
    assert len(items) == len(records) + 1


def test_single_files_at_and_over_the_limit(tmp_path: Path) -> None:
    assert isinstance(
        _one(_write(tmp_path / "at.html", _page(CAP)), max_body_bytes=CAP), RawArticle
    )
    over = _one(_write(tmp_path / "over.html", _page(CAP + 1)), max_body_bytes=CAP)
    assert isinstance(over, InputError) and over.reason == "too_large"


def test_a_file_whose_size_says_nothing_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    """A named pipe (or a device, or a growing file): reading stops past the limit."""
    import threading
    import tracemalloc

    fifo = tmp_path / "feed"
    os.mkfifo(fifo)

    def write() -> None:
        try:
            with fifo.open("wb") as f:
                for _ in range(10):
                    f.write(b"plain words " * 100_000)  # 12 MB in all
        except BrokenPipeError:  # the reader stopped early, as it should
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    tracemalloc.start()
    try:
        (item,) = _items(str(fifo), max_body_bytes=CAP)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        writer.join(10)
    assert isinstance(item, InputError) and item.reason == "too_large", item
    assert peak < 4_000_000, peak


def test_stdin_at_and_over_the_limit() -> None:
    (at,) = _items("-", stdin=io.BytesIO(_page(CAP)), max_body_bytes=CAP)
    assert isinstance(at, RawArticle) and at.body == _page(CAP)
    (over,) = _items("-", stdin=io.BytesIO(_page(CAP + 1)), max_body_bytes=CAP)
    assert isinstance(over, InputError) and over.reason == "too_large"
    assert over.source == "stdin" and f"{CAP:,}-byte" in over.message
    limit = _json_limit()
    lines = [_padded_line(100), b'{"text": "' + b"a" * 5 * limit + b'"}', _padded_line(limit)]
    items = _items("-", stdin=io.BytesIO(b"\n".join(lines)), max_body_bytes=CAP)
    assert _summary(items) == [("0", "sent"), ("1", "too_large"), ("2", "sent")]


def _encoded(body: bytes, encoding: str | None) -> bytes:
    import zlib

    if encoding in ("gzip", "x-gzip"):
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "deflate-raw":
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(body) + c.flush()
    if encoding == "br":
        brotli = pytest.importorskip("brotli")
        return bytes(brotli.compress(body))
    return body


def _chunked(payload: bytes, size: int = 700) -> bytes:
    parts = [
        f"{len(payload[i : i + size]):x}\r\n".encode() + payload[i : i + size] + b"\r\n"
        for i in range(0, len(payload), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


def _http_warc(
    path: Path, records: list[tuple[str, bytes, list[tuple[str, str]]]], gz: bool = True
) -> bytes:
    """A WARC of response records (url, HTTP payload as sent, extra HTTP headers)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
    for url, payload, extra in records:
        headers = [("Content-Type", "text/html; charset=utf-8"), *extra]
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(payload),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-05-01T10:00:00Z"},
            )
        )
    data = buf.getvalue()
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("chunked", [False, True])
@pytest.mark.parametrize("encoding", [None, "gzip", "x-gzip", "deflate", "deflate-raw", "br"])
def test_warc_payload_is_capped_after_decoding(
    tmp_path: Path, encoding: str | None, chunked: bool
) -> None:
    def record(n: int, body: bytes) -> tuple[str, bytes, list[tuple[str, str]]]:
        payload, headers = _encoded(body, encoding), []
        if encoding is not None:
            headers.append(("Content-Encoding", encoding.replace("-raw", "")))
        if chunked:
            payload = _chunked(payload)
            headers.append(("Transfer-Encoding", "chunked"))
        return f"https://a.example/{n}", payload, headers

    path = tmp_path / "crawl.warc.gz"
    _http_warc(path, [record(1, _page(CAP)), record(2, _page(CAP + 1)), record(3, PAGE.encode())])
    items = _items(str(path), max_body_bytes=CAP)
    assert _summary(items) == [("1", "sent"), ("2", "too_large"), ("3", "sent")]
    first, refused, last = items
    assert isinstance(first, RawArticle) and first.body == _page(CAP)
    assert isinstance(last, RawArticle) and last.body == PAGE.encode()
    assert isinstance(refused, InputError) and f"{CAP:,}-byte" in refused.message


@pytest.mark.parametrize("chunked", [False, True])
def test_warc_gzip_bomb_stops_decoding_past_the_limit(tmp_path: Path, chunked: bool) -> None:
    import tracemalloc
    import zlib

    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join(c.compress(bytes(10_000_000)) for _ in range(10)) + c.flush()  # 100 MB
    headers = [("Content-Encoding", "gzip")]
    if chunked:
        bomb = f"{len(bomb):x}\r\n".encode() + bomb + b"\r\n0\r\n\r\n"
        headers.append(("Transfer-Encoding", "chunked"))
    path = tmp_path / "bomb.warc.gz"
    _http_warc(
        path,
        [("https://a.example/bomb", bomb, headers), ("https://a.example/2", PAGE.encode(), [])],
    )
    tracemalloc.start()
    try:
        items = _items(str(path), max_body_bytes=CAP)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert _summary(items) == [("1", "too_large"), ("2", "sent")]
    assert "gzip" in items[0].message
    assert peak < 4_000_000, peak


def test_large_warc_records_that_are_not_articles_are_passed_over_in_chunks(
    tmp_path: Path,
) -> None:
    import tracemalloc

    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    writer.write_record(
        writer.create_warc_record(
            "https://a.example/video", "resource", payload=io.BytesIO(bytes(100_000_000))
        )
    )
    path = tmp_path / "big.warc.gz"
    path.write_bytes(buf.getvalue())
    tracemalloc.start()
    try:
        assert _items(str(path), max_body_bytes=CAP) == []
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # warcio inflates the WARC's own gzip 16 KiB at a time: up to ~16 MB out of each, ~65 MB
    # at the peak however long the record.
    assert peak < 80_000_000, peak


def test_warc_on_stdin_over_the_limit_then_a_good_record(tmp_path: Path) -> None:
    data = _http_warc(
        tmp_path / "w.warc.gz",
        [
            ("https://a.example/1", gzip.compress(_page(CAP + 1)), [("Content-Encoding", "gzip")]),
            ("https://a.example/2", PAGE.encode(), []),
        ],
    )
    items = _items("-", stdin=io.BytesIO(data + b"trailing junk"), max_body_bytes=CAP)
    assert [(i.source, getattr(i, "reason", "sent")) for i in items] == [
        ("stdin:1", "too_large"),
        ("stdin:2", "sent"),
        ("stdin:3", "truncated_warc_record"),
    ]


# --- the real CLI under a memory limit: inputs far larger than the memory it may use -----------

# prlimit --as: 1 GiB of address space for `newswire produce`. The CLI itself needs far less:
# it sends a small page under 96 MiB, and these inputs, read within their caps, under 256 MiB
# (with 20 MB bodies its peak RSS is ~160 MB); holding one of them whole cannot fit.
ADDRESS_SPACE = 1 << 30
GIB = 1 << 30


def _produce_limited(
    topic: str, tmp_path: Path, *paths: str, feed: Iterator[bytes] | None = None
) -> tuple[int, dict[str, object], str]:
    """Run `newswire produce` under prlimit; (exit status, JSON summary or {}, stderr)."""
    import shutil
    import subprocess
    import sys
    import threading

    from pipelines.config import REPO_ROOT

    prlimit = shutil.which("prlimit")
    assert prlimit, "prlimit (util-linux) is needed"
    cmd = [
        prlimit, f"--as={ADDRESS_SPACE}", sys.executable, "-m", "pipelines.cli", "produce",
        *paths, "--topic", topic, "--no-progress", "--json",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    out, err = tmp_path / "produce.out", tmp_path / "produce.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if feed is not None else subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            env=env,
            cwd=REPO_ROOT,
        )

        def write() -> None:
            assert proc.stdin is not None and feed is not None
            try:
                for chunk in feed:
                    proc.stdin.write(chunk)
                proc.stdin.close()
            except BrokenPipeError:  # the process ended early: its status tells why
                pass

        writer = threading.Thread(target=write, daemon=True)
        if feed is not None:
            writer.start()
        try:
            code = proc.wait(timeout=300)
        finally:
            proc.kill()
            if feed is not None:
                writer.join(10)
    lines = out.read_text().strip().splitlines()
    summary = json.loads(lines[-1]) if lines else {}
    return code, summary, err.read_text()


def _sent(config: Config, topic: str, expected: int) -> list[RawArticle]:
    """The articles on `topic` (stops once `expected` have come, or after 20 s of silence)."""
    import uuid

    from kafka import KafkaConsumer

    from pipelines.core import schemas
    from pipelines.core.avro import SingleObjectCodec
    from pipelines.core.records import raw_article_from_avro

    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    consumer = KafkaConsumer(
        topic,
        **config.kafka.client_kwargs(),
        group_id=f"test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=20_000,
    )
    out = []
    try:
        for message in consumer:
            out.append(raw_article_from_avro(codec.decode(message.value)))
            if len(out) >= expected:
                break
    finally:
        consumer.close()
    return out


def _check_run(
    result: tuple[int, dict[str, object], str], refused: str, sent: dict[str, bytes]
) -> None:
    code, summary, err = result
    assert code == 0, err[-3000:]
    assert summary["skipped_reasons"] == {"too_large": 1}, summary
    assert summary["sent"] == len(sent) and summary["failed"] == 0, summary
    assert re.search(rf"^skipped {re.escape(refused)}: too_large: .*limit", err, re.M), err


def _check_topic(config: Config, topic: str, sent: dict[str, bytes]) -> None:
    got = {raw.source: raw.body for raw in _sent(config, topic, len(sent))}
    assert got == sent


@pytest.mark.integration
def test_produce_skips_a_two_gigabyte_gzip_bomb_in_a_warc_under_one_gib(
    stack: Config, kafka_topic: str, tmp_path: Path
) -> None:
    """A response whose gzip Content-Encoding inflates to 2 GB (2 MB as sent), then a page."""
    import zlib

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(16 << 20)
    bomb = b"".join(c.compress(zeros) for _ in range(2 * GIB // len(zeros))) + c.flush()
    path = tmp_path / "bomb.warc.gz"
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for url, payload, extra in (
            ("https://a.example/bomb", bomb, [("Content-Encoding", "gzip")]),
            ("https://a.example/page", PAGE.encode(), []),
        ):
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html"), *extra], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(payload), http_headers=http
                )
            )
    del bomb
    result = _produce_limited(kafka_topic, tmp_path, str(path))
    sent = {f"{path}:1": PAGE.encode()}
    _check_run(result, f"{path}:0", sent)
    _check_topic(stack, kafka_topic, sent)


def _big_json_line(size: int) -> Iterator[bytes]:
    """A JSON record line of `size` bytes (and a newline), in 8 MiB pieces."""
    head, tail = b'{"text": "', b'"}\n'
    yield head
    left = size - len(head) - len(tail) + 1
    piece = b"a" * (8 << 20)
    while left > 0:
        yield piece[:left]
        left -= len(piece)
    yield tail


@pytest.mark.integration
def test_produce_skips_a_one_gigabyte_json_line_under_one_gib(
    stack: Config, kafka_topic: str, tmp_path: Path
) -> None:
    first = json.dumps({"url": "https://a.example/1", "html": PAGE}).encode() + b"\n"
    last = json.dumps({"url": "https://a.example/3", "text": "The last story."}).encode() + b"\n"
    path = tmp_path / "feed.jsonl"
    try:
        with path.open("wb") as f:
            f.write(first)
            for piece in _big_json_line(GIB):
                f.write(piece)
            f.write(last)
        result = _produce_limited(kafka_topic, tmp_path, str(path))
    finally:
        path.unlink()  # 1 GB: not left for pytest's kept temporary folders
    sent = {f"{path}:0": PAGE.encode(), f"{path}:2": b"The last story."}
    _check_run(result, f"{path}:1", sent)
    _check_topic(stack, kafka_topic, sent)


@pytest.mark.integration
def test_produce_skips_a_one_gigabyte_record_on_stdin_under_one_gib(
    stack: Config, kafka_topic: str, tmp_path: Path
) -> None:
    first = json.dumps({"url": "https://a.example/1", "html": PAGE}).encode() + b"\n"
    last = json.dumps({"url": "https://a.example/3", "text": "The last story."}).encode() + b"\n"

    def feed() -> Iterator[bytes]:
        yield first
        yield from _big_json_line(GIB)
        yield last

    result = _produce_limited(kafka_topic, tmp_path, "-", feed=feed())
    sent = {"stdin:0": PAGE.encode(), "stdin:2": b"The last story."}
    _check_run(result, "stdin:1", sent)
    _check_topic(stack, kafka_topic, sent)
