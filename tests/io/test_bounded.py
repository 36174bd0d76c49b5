"""Bounded readers: capped reads, lines, chunked transfer coding and Content-Encoding decoding."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator

import pytest

from pipelines.io.bounded import (
    DecodeError,
    LongLine,
    capped_lines,
    dechunked,
    decoded,
    read_capped,
)


def _trickle(data: bytes, step: int = 1) -> io.BufferedReader:
    """A stream that hands out `step` bytes per raw read, as a slow pipe does."""

    class Raw(io.RawIOBase):
        def __init__(self) -> None:
            self.pos = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            piece = data[self.pos : self.pos + min(step, len(buffer))]
            buffer[: len(piece)] = piece
            self.pos += len(piece)
            return len(piece)

    return io.BufferedReader(Raw(), buffer_size=8)


@pytest.mark.parametrize(("size", "over"), [(0, False), (999, False), (1000, False), (1001, True)])
def test_read_capped_tells_at_the_cap_from_over_it(size: int, over: bool) -> None:
    data = read_capped(io.BytesIO(b"x" * size).read, 1000)
    assert (len(data) > 1000) is over and data == b"x" * min(size, 1001)


def test_read_capped_reads_no_more_than_one_byte_past_the_cap() -> None:
    stream = io.BytesIO(b"x" * 5000)
    assert read_capped(stream.read, 10) == b"x" * 11 and stream.tell() == 11
    raw = _trickle(b"y" * 50, step=3)
    assert read_capped(raw.read1, 20) == b"y" * 21


def _lines(data: bytes, cap: int = 5) -> list[bytes | LongLine]:
    return list(capped_lines(io.BytesIO(data), cap))


def test_lines_at_the_cap_and_over_it() -> None:
    assert _lines(b"12345\n123456\nab\n") == [b"12345", LongLine(6), b"ab"]
    assert _lines(b"12345\r\n123456\r\n\r\n") == [b"12345", LongLine(6), b""]


def test_the_last_line_needs_no_line_break() -> None:
    assert _lines(b"ab\n12345") == [b"ab", b"12345"]
    assert _lines(b"ab\n123456") == [b"ab", LongLine(6)]
    assert _lines(b"ab\n" + b"z" * 40) == [b"ab", LongLine(40)]
    assert _lines(b"") == [] and _lines(b"\n") == [b""]


def test_a_long_line_is_measured_without_its_line_break_and_reading_goes_on() -> None:
    assert _lines(b"z" * 40 + b"\r\nok\n") == [LongLine(40), b"ok"]
    assert _lines(b"z" * 6 + b"\r\nok") == [LongLine(6), b"ok"]  # the "\r" ends a full read
    assert _lines(b"z" * 7 + b"\r\nok") == [LongLine(7), b"ok"]
    assert _lines(b"a\rb\n") == [b"a\rb"]  # a lone "\r" is part of the line


def test_a_long_line_is_never_held() -> None:
    class Stream(io.BufferedReader):
        biggest = 0

        def readline(self, size: int | None = -1) -> bytes:  # type: ignore[override]
            line = super().readline(size)
            Stream.biggest = max(Stream.biggest, len(line))
            return line

    data = b"ok\n" + b"z" * 5_000_000 + b"\nok\n"
    stream = Stream(io.BytesIO(data), buffer_size=1 << 16)  # type: ignore[arg-type]
    assert list(capped_lines(stream, 100)) == [b"ok", LongLine(5_000_000), b"ok"]
    assert Stream.biggest <= 1 << 20


def test_lines_from_a_slow_pipe() -> None:
    data = b"12345\n123456\r\nab"
    assert list(capped_lines(_trickle(data, step=2), 5)) == [b"12345", LongLine(6), b"ab"]


def _chunks(*parts: bytes) -> bytes:
    return b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in parts) + b"0\r\n\r\n"


def test_dechunked() -> None:
    stream = io.BytesIO(_chunks(b"hello ", b"world") + b"X-Trailer: 1\r\n\r\n")
    assert b"".join(dechunked(stream)) == b"hello world"
    assert stream.read() == b""  # read to the end: the record is whole
    extension = b"5;name=value\r\nhello\r\n0\r\n\r\n"
    assert b"".join(dechunked(io.BytesIO(extension))) == b"hello"


def test_data_that_is_not_chunked_is_taken_as_it_is() -> None:
    assert b"".join(dechunked(io.BytesIO(b"<html>not chunked</html>"))) == (
        b"<html>not chunked</html>"
    )
    no_crlf = b"5\r\nhello" + b"MORE"
    assert b"".join(dechunked(io.BytesIO(no_crlf))) == b"helloMORE"
    cut = b"a\r\nhello"  # ten bytes announced, five came: the data ends there
    assert b"".join(dechunked(io.BytesIO(cut))) == b"hello"


def test_a_huge_chunk_comes_in_pieces() -> None:
    size = 3 << 20
    pieces = list(dechunked(io.BytesIO(f"{size:x}\r\n".encode() + bytes(size) + b"\r\n0\r\n\r\n")))
    assert sum(map(len, pieces)) == size and max(map(len, pieces)) <= 1 << 20


def _deflate_raw(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("GZIP", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", _deflate_raw),
        (None, lambda b: b),
        ("identity", lambda b: b),
    ],
)
@pytest.mark.parametrize(("size", "over"), [(1000, False), (1001, True)])
def test_decoded_at_the_cap_and_one_byte_over(
    encoding: str | None, encode: object, size: int, over: bool
) -> None:
    body = bytes(range(256)) * 4 + b"x" * (size - 1024) if size >= 1024 else b"y" * size
    data = encode(body)  # type: ignore[operator]
    pieces = [data[i : i + 7] for i in range(0, len(data), 7)]
    out = decoded(pieces, encoding, 1000)
    assert (len(out) > 1000) is over and out == body[:1001]


def test_decoding_stops_one_byte_past_the_cap() -> None:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join(c.compress(bytes(1 << 20)) for _ in range(64)) + c.flush()  # 64 MiB
    taken = 0

    def pieces() -> Iterator[bytes]:
        nonlocal taken
        for i in range(0, len(bomb), 16384):
            taken += 1
            yield bomb[i : i + 16384]

    assert decoded(pieces(), "gzip", 1000) == bytes(1001)
    assert taken == 1


def test_a_payload_not_compressed_after_all_comes_as_it_is() -> None:
    page = b"<html><body>plain</body></html>"
    assert decoded([page[:3], page[3:]], "gzip", 1000) == page
    assert decoded([page], "deflate", 1000) == page
    assert decoded([page], "compress", 1000) == page  # not decoded here: passed on as sent


def test_a_large_payload_not_compressed_after_all_comes_whole() -> None:
    page = b"<p>not compressed</p>" * 100_000  # 2.1 MB, in pieces of 1 MiB as read
    pieces = [page[i : i + (1 << 20)] for i in range(0, len(page), 1 << 20)]
    assert decoded(iter(pieces), "gzip", 5_000_000) == page
    assert decoded(iter(pieces), "gzip", 1000) == page[:1001]
    assert decoded([_deflate_raw(page)], "deflate", 5_000_000) == page


def test_a_stream_broken_after_decoding_began_is_an_error() -> None:
    data = gzip.compress(bytes(range(256)) * 400)
    broken = data[:200] + b"\xff" * 50 + data[250:]
    with pytest.raises(DecodeError):
        decoded([broken[:150], broken[150:]], "gzip", 1_000_000)


def test_what_follows_a_gzip_stream_is_not_decoded() -> None:
    assert decoded([gzip.compress(b"first"), b"trailing bytes"], "gzip", 1000) == b"first"


def test_brotli_is_decoded_and_capped() -> None:
    brotli = pytest.importorskip("brotli")
    if not hasattr(brotli.Decompressor, "can_accept_more_data"):
        pytest.skip("brotli older than 1.2 cannot bound its output")
    body = b"<p>brotli</p>" * 100
    assert decoded([bytes(brotli.compress(body))], "br", 10_000) == body
    bomb = bytes(brotli.compress(bytes(200 << 20), quality=5))  # a few hundred bytes
    assert decoded([bomb], "br", 1000) == bytes(1001)
    assert decoded([b"<html>not brotli</html>"], "br", 1000) == b"<html>not brotli</html>"
