"""Reading untrusted streams no further than a cap: capped reads, capped lines, capped decoding.

An input's size is known only once it has been read: a file may grow, stdin and pipes have
none, a line can be a gigabyte long and a compressed HTTP payload can inflate a thousandfold
(gzip, deflate) or far more (brotli). Each reader here goes in chunks of at most `CHUNK` bytes
and stops at cap + 1 bytes, so that "over the cap" is told apart from "exactly at it" while
never more than about the cap is held.
"""

from __future__ import annotations

import functools
import itertools
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

CHUNK = 1 << 20
_SIZE_LINE = 64  # longest chunk-size line of chunked transfer coding taken as one


class DecodeError(ValueError):
    """A compressed payload broke off in the middle: what came so far cannot be trusted."""


def read_capped(read: Callable[[int], bytes], cap: int) -> bytes:
    """Up to `cap` + 1 bytes from `read(n)`: a longer result than `cap` means the input goes on."""
    out = bytearray()
    while len(out) <= cap:
        piece = read(min(CHUNK, cap + 1 - len(out)))
        if not piece:
            break
        out += piece
    return bytes(out)


@dataclass(frozen=True, slots=True)
class LongLine:
    """A line longer than the cap, skipped unread; `size` excludes its line break."""

    size: int


def capped_lines(stream: IO[bytes], cap: int) -> Iterator[bytes | LongLine]:
    """Each line of `stream` without its "\\n" or "\\r\\n", or a `LongLine` if over `cap` bytes.

    The last line needs no line break. A long line is passed over in chunks, never held.
    """
    want = cap + 2  # the line, then "\r\n"
    while True:
        line = stream.readline(want)
        if not line:
            return
        if line.endswith(b"\n") or len(line) < want:  # a whole line, or the last one
            body = line.removesuffix(b"\n")
            if len(body) < len(line):
                body = body.removesuffix(b"\r")
            yield body if len(body) <= cap else LongLine(len(body))
            continue
        size, last = len(line), line[-1:]
        while True:
            piece = stream.readline(CHUNK)
            if not piece:
                break
            if piece.endswith(b"\n"):
                ending = 2 if piece.endswith(b"\r\n") or (piece == b"\n" and last == b"\r") else 1
                size += len(piece) - ending
                break
            size, last = size + len(piece), piece[-1:]
        yield LongLine(size)


def dechunked(stream: Any) -> Iterator[bytes]:
    """The data of HTTP chunked transfer coding, in pieces of at most `CHUNK` bytes.

    `stream` needs read(n) and readline(n). As warcio does, data that does not parse as
    chunks is taken as it is from there on; a chunk cut short ends the data.
    """
    while True:
        line = stream.readline(_SIZE_LINE)
        try:
            if not line.endswith(b"\r\n"):
                raise ValueError(line)
            size = int(line[:-2].split(b";")[0], 16)
            if size < 0:
                raise ValueError(line)
        except ValueError:
            if line:
                yield line
            yield from iter(lambda: stream.read(CHUNK), b"")
            return
        if size == 0:
            while stream.read(CHUNK):  # the trailer and final line break: the record's end
                pass
            return
        while size > 0:
            piece = stream.read(min(CHUNK, size))
            if not piece:
                return
            size -= len(piece)
            yield piece
        end = stream.read(2)
        if end != b"\r\n":
            yield end
            yield from iter(lambda: stream.read(CHUNK), b"")
            return


@functools.cache
def _brotli() -> Any:
    """The brotli module if it can bound its output (1.2 and later), else None."""
    try:
        import brotli  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    return brotli if hasattr(brotli.Decompressor, "can_accept_more_data") else None


def decodable(encoding: str | None) -> bool:
    """Whether `decoded` undoes this Content-Encoding (others are passed through as sent)."""
    name = (encoding or "").strip().lower()
    return name in ("gzip", "x-gzip", "deflate") or (name == "br" and _brotli() is not None)


def decoded(pieces: Iterable[bytes], encoding: str | None, cap: int) -> bytes:
    """Up to `cap` + 1 bytes of `pieces` decoded as HTTP Content-Encoding `encoding`.

    gzip (x-gzip), deflate (zlib-wrapped, or raw as some servers send it) and br (with brotli
    1.2 or later installed) are undone; any other encoding, and data that does not even start
    as the encoding says, come back as they are. Decoding stops past `cap` bytes of output.
    Raises `DecodeError` when the data breaks off after decoding began.
    """
    name = (encoding or "").strip().lower()
    if not decodable(name):
        return _joined(pieces, cap)
    if name == "br":
        return _unbrotli(iter(pieces), cap)
    first: list[int] = [31] if name in ("gzip", "x-gzip") else [15, -15]
    return _inflate(iter(pieces), first, cap)


def _joined(pieces: Iterable[bytes], cap: int) -> bytes:
    out = bytearray()
    for piece in pieces:
        out += piece[: cap + 1 - len(out)]
        if len(out) > cap:
            break
    return bytes(out)


class _Held:
    """Raw pieces taken before any output came: what to start over with, or pass on as sent.

    Holds at most about cap + 1 bytes (the first pieces, by reference); `whole` says whether
    it holds everything taken so far.
    """

    def __init__(self, cap: int) -> None:
        self.pieces: list[bytes] = []
        self.size = 0
        self.whole = True
        self._cap = cap

    def add(self, piece: bytes) -> None:
        if self.size > self._cap:
            self.whole = False
            return
        self.pieces.append(piece)
        self.size += len(piece)

    def then(self, rest: Iterator[bytes]) -> Iterator[bytes]:
        return itertools.chain(self.pieces, rest)


def _inflate(pieces: Iterator[bytes], wbits: list[int], cap: int) -> bytes:
    """zlib inflation of the first stream in `pieces`, trying each window setting in turn."""
    out = bytearray()
    held = _Held(cap)
    inflater = zlib.decompressobj(wbits[0])
    tried = 1
    for piece in pieces:
        if not out:
            held.add(piece)
        data = piece
        while data and len(out) <= cap and not inflater.eof:
            try:
                out += inflater.decompress(data, cap + 1 - len(out))
            except zlib.error as exc:
                if out:
                    raise DecodeError(str(exc)) from exc
                if tried < len(wbits) and held.whole:  # raw deflate where zlib was said
                    inflater, tried = zlib.decompressobj(wbits[tried]), tried + 1
                    data = b"".join(held.pieces)
                    continue
                return _joined(held.then(pieces), cap)  # not compressed after all
            data = inflater.unconsumed_tail
        if len(out) > cap or inflater.eof:
            break
    del out[cap + 1 :]
    return bytes(out)


def _unbrotli(pieces: Iterator[bytes], cap: int) -> bytes:
    brotli = _brotli()
    out = bytearray()
    held = _Held(cap)
    decompressor = brotli.Decompressor()
    for piece in pieces:
        if not out:
            held.add(piece)
        try:
            out += decompressor.process(piece, output_buffer_limit=cap + 1 - len(out))
            while len(out) <= cap and not decompressor.can_accept_more_data():
                out += decompressor.process(b"", output_buffer_limit=cap + 1 - len(out))
        except brotli.error as exc:
            if out:
                raise DecodeError(f"brotli: {exc}") from exc
            return _joined(held.then(pieces), cap)  # not compressed after all
        if len(out) > cap or decompressor.is_finished():
            break
    del out[cap + 1 :]
    return bytes(out)
