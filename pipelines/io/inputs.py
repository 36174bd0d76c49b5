"""Readers for raw news input: files, folders, WARC archives and stdin -> RawArticle records.

`Inputs(paths)` walks its arguments (folders recursively, in sorted order) and yields, per
input record, either a `RawArticle` ready to send or an `InputError(source, reason, message)`
naming what was wrong with it. Bad input never stops the walk.

Formats, by extension (a file named on the command line with another extension, and stdin
given as "-", are recognised by their first bytes):

- ``.html`` / ``.htm`` / ``.xhtml``: one page; source = the path.
- ``.txt``: one plain-text scrape; source = the path.
- ``.jsonl`` / ``.ndjson`` / ``.json``: records ``{"url", "html" | "text", "fetched_at"?,
  "source"?, "language"?}``, one per line (a ``.json`` file may also hold one object or an
  array); source = ``path:<0-based line or array index>``.
- ``.warc`` / ``.warc.gz``: HTTP response records with an HTML body; source =
  ``path:<0-based record index>`` (counting every record, warcinfo and requests included).

Reading holds to caps derived from one setting, `max_body_bytes` (Config.max_body_bytes,
NEWSWIRE_MAX_BODY_BYTES, 20 MB by default; see `Limits`), and checks them while it reads, in
chunks, never after taking a whole input in (pipelines.io.bounded): a page, a text or a page on
stdin may be at most that; so may a WARC payload once its Content-Encoding (gzip, deflate; br
with brotli 1.2 or later installed) and chunked transfer coding are undone, decoding stopping
one byte past it; a JSON line, or a whole .json document, may be 3 times that plus 64 KiB
(escapes, other fields). A record over its cap is `too_large`; its rest is passed over unread,
and reading goes on with the next line, record or file.

Per record: `article_id` = `article_id_for(url, body)`; the body is kept as bytes, checked and
its character encoding found by `core.bodies` (the rule CLEAN applies again: BOM, the HTTP
header's or the page's label, UTF-8, detection). Single files take their modification time
as the fetch time, JSON records their ``fetched_at``, WARC records their WARC-Date, and stdin
the injected clock.

Reasons (stable codes, counted by the producer): unreadable, empty, too_large, binary_content,
undecodable, not_html, no_text, invalid_json, invalid_record, missing_field,
truncated_warc_record, invalid_warc, http_status, unsupported_type. Files named
``manifest.json`` (the sample generator's ground truth) and hidden files are not inputs when a
folder is walked; other files with unknown extensions there are ignored and counted.
"""

from __future__ import annotations

import codecs
import functools
import io
import json
import os
import queue
import re
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from pipelines.config import Config
from pipelines.core.bodies import (
    charset_param,
    checked_body,
    decode_body,
    has_visible_text,
    looks_like_html,
)
from pipelines.core.clock import as_utc
from pipelines.core.errors import ArticleError
from pipelines.core.records import RawArticle
from pipelines.core.urls import article_id_for
from pipelines.io.bounded import (
    CHUNK,
    DecodeError,
    LongLine,
    capped_lines,
    dechunked,
    decodable,
    decoded,
    read_capped,
)

HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
TEXT_EXTENSIONS = (".txt",)
JSON_EXTENSIONS = (".jsonl", ".ndjson", ".json")
WARC_EXTENSIONS = (".warc", ".warc.gz")
NOT_INPUT_NAMES = frozenset({"manifest.json"})
HTML_TYPES = ("text/html", "application/xhtml+xml")
STDIN = "-"
_WARC_TYPES = frozenset(
    (
        "warcinfo",
        "response",
        "resource",
        "request",
        "metadata",
        "revisit",
        "conversion",
        "continuation",
    )
)
SNIFF_BYTES = 65536
# A JSON line or document holds a body written with escapes: "\u00e9" is 6 bytes for the 2 of
# "é" in UTF-8 (no common text needs more), and fields beside it (url, source, fetched_at...).
JSON_ESCAPE_FACTOR = 3
JSON_OTHER_FIELDS = 65536

_WORD_RE = re.compile(r"\w")
# A lead byte followed by the right number of continuation bytes: real UTF-8 sequences.
_UTF8_SEQUENCE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True, slots=True)
class InputError:
    """One input that was skipped, and why."""

    source: str
    reason: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}: {self.message}"


Item = RawArticle | InputError
T = TypeVar("T")


# --- bytes -> article --------------------------------------------------------------------------


def make_article(
    body: bytes,
    source: str,
    *,
    content_type: str,
    url: str | None = None,
    fetched_at: datetime | None = None,
    charset: str | None = None,
    outlet: str | None = None,
    language: str | None = None,
    max_body_bytes: int | None = None,
) -> RawArticle:
    """Check one raw record and build its RawArticle; raises `ArticleError` with a reason code
    (`core.bodies` for the body's checks and encoding, the ones CLEAN applies again)."""
    encoding, text = decode_body(checked_body(body, max_body_bytes), charset)
    if content_type == "text/html":
        if not looks_like_html(text):
            raise ArticleError("not_html", "no HTML markup found")
        if not has_visible_text(text):
            raise ArticleError("no_text", "the page has markup but no visible text")
    elif not _WORD_RE.search(text):
        raise ArticleError("no_text", "no letters or digits")
    return RawArticle(
        article_id=article_id_for(url, body),
        content_type=content_type,
        body=body,
        source=source,
        url=url or None,
        fetched_at=fetched_at,
        encoding=encoding,
        outlet=outlet,
        language_hint=language,
    )


def parse_time(value: Any) -> datetime:
    """ISO 8601 ("2024-09-26T14:40:00Z", with or without offset; naive = UTC) or epoch seconds."""
    if isinstance(value, bool):
        raise ValueError("not a time")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("not a time")
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return as_utc(parsed)


# --- the readers --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Limits:
    """How much reading takes in at most, all from the one setting `max_body_bytes`.

    `body`: a page, a plain-text file, stdin's page, a WARC payload after its Content-Encoding
    is undone. `json`: one JSON line, or a whole .json document (room for a body of `body`
    bytes however escaped, see JSON_ESCAPE_FACTOR, and the other fields).
    """

    body: int

    @property
    def json(self) -> int:
        return JSON_ESCAPE_FACTOR * self.body + JSON_OTHER_FIELDS


@dataclass
class _Options:
    now: Callable[[], datetime]
    limits: Limits


def _over(what: str, cap: int, then: str = "") -> ArticleError:
    return ArticleError("too_large", f"{what} is over the {cap:,}-byte limit{then}")


def _json_over(what: str, limits: Limits, then: str = "") -> ArticleError:
    return _over(
        what,
        limits.json,
        f" for JSON ({JSON_ESCAPE_FACTOR} x the {limits.body:,}-byte body limit "
        f"+ {JSON_OTHER_FIELDS:,} for the other fields){then}",
    )


def _record(source: str, build: Callable[[], RawArticle]) -> Item:
    try:
        return build()
    except ArticleError as bad:
        return InputError(source, bad.code, bad.message)


def _json_record(record: Any, source: str, opts: _Options) -> Item:
    def build() -> RawArticle:
        if not isinstance(record, dict):
            raise ArticleError(
                "invalid_record", f"expected a JSON object, got {type(record).__name__}"
            )
        html_value, text_value = record.get("html"), record.get("text")
        if html_value is None and text_value is None:
            raise ArticleError("missing_field", "record has neither 'html' nor 'text'")
        value = html_value if html_value is not None else text_value
        if not isinstance(value, str):
            raise ArticleError(
                "invalid_record",
                f"'{'html' if html_value is not None else 'text'}' is not a string",
            )
        url = record.get("url")
        if url is not None and not isinstance(url, str):
            raise ArticleError("invalid_record", "'url' is not a string")
        fetched_at = None
        if record.get("fetched_at") is not None:
            try:
                fetched_at = parse_time(record["fetched_at"])
            except (ValueError, OverflowError, OSError) as exc:
                raise ArticleError(
                    "invalid_record", f"fetched_at {record['fetched_at']!r} is not a time"
                ) from exc
        outlet, language = record.get("source"), record.get("language")
        return make_article(
            value.encode("utf-8", errors="surrogatepass"),
            source,
            content_type="text/html" if html_value is not None else "text/plain",
            url=url,
            fetched_at=fetched_at,
            charset="utf-8",
            outlet=outlet if isinstance(outlet, str) and outlet else None,
            language=language if isinstance(language, str) and language else None,
            max_body_bytes=opts.limits.body,
        )

    return _record(source, build)


def read_json_lines(lines: Iterable[bytes | LongLine], name: str, opts: _Options) -> Iterator[Item]:
    """One record per line; blank lines are skipped but keep their index; long ones refused."""
    for index, raw in enumerate(lines):
        source = f"{name}:{index}"
        if isinstance(raw, LongLine):
            bad = _json_over(f"line of {raw.size:,} bytes", opts.limits)
            yield InputError(source, bad.code, bad.message)
            continue
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield InputError(source, "undecodable", f"line is not UTF-8 (byte {exc.start})")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(source, "invalid_json", f"{exc.msg} at column {exc.colno}")
            continue
        yield _json_record(record, source, opts)


def read_json_document(stream: IO[bytes], name: str, opts: _Options) -> Iterator[Item]:
    """A .json file: one object, an array of objects, or (failing both) JSON lines.

    A document is parsed whole, so one over the JSON limit is refused, unless it is JSON lines
    (its first line a JSON value on its own, or itself over the limit): those are read line by
    line, however many there are.
    """
    cap = opts.limits.json
    data = read_capped(stream.read, cap)
    if len(data) <= cap:
        yield from _json_document(data, name, opts)
        return
    end = data.find(b"\n")
    if end < 0 or _is_json(data[:end]):
        lines = io.BufferedReader(_Counting(stream, lambda n: None, head=data), CHUNK)
        del data
        yield from read_json_lines(capped_lines(lines, cap), name, opts)
        return
    bad = _json_over(
        "the document", opts.limits, "; JSON lines (one record per line) are limited line by line"
    )
    yield InputError(name, bad.code, bad.message)


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line.decode("utf-8-sig"))
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        return False
    return True


def _json_document(data: bytes, name: str, opts: _Options) -> Iterator[Item]:
    if not data.strip():
        yield InputError(name, "empty", "no content")
        return
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        yield InputError(name, "undecodable", f"not UTF-8 (byte {exc.start})")
        return
    except json.JSONDecodeError as exc:
        if exc.lineno > 1:  # the first line parsed: treat the file as JSON lines
            yield from read_json_lines(data.splitlines(), name, opts)
        else:
            yield InputError(
                name, "invalid_json", f"{exc.msg} at line {exc.lineno} column {exc.colno}"
            )
        return
    if isinstance(document, list):
        for index, record in enumerate(document):
            yield _json_record(record, f"{name}:{index}", opts)
    else:
        yield _json_record(document, name, opts)


class _Tally:
    """Counts what is read from a stream: warcio's offsets, for a stream that cannot tell()."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        return data

    def tell(self) -> int:
        return self.count


def read_warc(stream: IO[bytes], name: str, total: int | None, opts: _Options) -> Iterator[Item]:
    """HTTP response records with an HTML body. Other record types are passed over.

    `total` is the stream's size; when None (stdin), what follows the last record is read
    through, not held, to tell trailing bytes from a clean end.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    index = -1
    tally = _Tally(stream)
    archive = ArchiveIterator(tally)
    iterator = iter(archive)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            break
        except ArchiveLoadFailed as exc:
            detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "not a WARC"
            reason = "truncated_warc_record" if index >= 0 else "invalid_warc"
            yield InputError(f"{name}:{index + 1}", reason, detail)
            return
        except Exception as exc:  # warcio's parsers fail in many ways on a cut-off record
            # After a good record this is a record cut short; before any, not a WARC at all.
            reason = "truncated_warc_record" if index >= 0 else "invalid_warc"
            detail = f"record cannot be parsed ({type(exc).__name__}: {exc})"
            yield InputError(f"{name}:{index + 1}", reason, detail[:300])
            return
        index += 1
        if record.rec_type != "response":
            # Not an article, but a record cut short (even its type line) still ends the file.
            while record.raw_stream.read(CHUNK):
                pass
            short: int = getattr(record.raw_stream, "limit", 0)
            if record.rec_type not in _WARC_TYPES or short > 0:
                yield InputError(f"{name}:{index}", "truncated_warc_record", "record cut short")
                return
            continue
        source = f"{name}:{index}"
        yield _record(source, functools.partial(_warc_article, record, source, opts))
    # A record cut off inside its gzip member (or its headers) is never yielded by warcio: the
    # iterator just stops short of the end of the file.
    offset = getattr(archive, "offset", None)
    if total is None:
        total = tally.count + sum(len(piece) for piece in iter(lambda: stream.read(CHUNK), b""))
    if offset is not None and total - offset > 4:
        yield InputError(
            f"{name}:{index + 1}",
            "truncated_warc_record",
            f"{total - offset:,} bytes after the last complete record do not form a record",
        )


def _warc_article(record: Any, source: str, opts: _Options) -> RawArticle:
    http = record.http_headers
    if http is None:
        raise ArticleError("truncated_warc_record", "response record without HTTP headers")
    # Read the payload first: a record cut short must be reported as such, whatever the
    # remains of its headers say. Reading stops past the body limit (after decoding).
    cap = opts.limits.body
    encoding = (http.get_header("Content-Encoding") or "").strip().lower()
    chunked = (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    raw = record.raw_stream
    pieces = dechunked(raw) if chunked else iter(lambda: raw.read(CHUNK), b"")
    try:
        body = decoded(pieces, encoding, cap)
        over = len(body) > cap
        if not over:
            for _ in pieces:  # whatever follows the end of a compressed stream
                pass
    except (zlib.error, DecodeError, OSError, ValueError, EOFError) as exc:
        raise ArticleError("truncated_warc_record", f"payload cannot be read: {exc}") from exc
    remaining: int = getattr(raw, "limit", 0)
    if remaining > 0 and not over:
        raise ArticleError(
            "truncated_warc_record", f"record ends {remaining:,} bytes short of its length"
        )
    status = http.get_statuscode()
    if status != "200":
        raise ArticleError("http_status", f"HTTP status {status}")
    content_type = (http.get_header("Content-Type") or "").strip()
    mime = content_type.split(";")[0].strip().lower()
    if mime not in HTML_TYPES:
        raise ArticleError("unsupported_type", f"response is {mime or 'of unknown type'}, not HTML")
    if over:
        how = f" (Content-Encoding {encoding})" if decodable(encoding) else ""
        raise _over(f"the payload{how}", cap, f": {'decoding' if how else 'reading'} stopped there")
    date = record.rec_headers.get_header("WARC-Date")
    try:
        fetched_at = parse_time(date) if date else None
    except ValueError:
        fetched_at = None
    language = (http.get_header("Content-Language") or "").split(",")[0].strip().lower() or None
    return make_article(
        body,
        source,
        content_type="text/html",
        url=record.rec_headers.get_header("WARC-Target-URI"),
        fetched_at=fetched_at,
        charset=charset_param(content_type),
        language=language,
        max_body_bytes=cap,
    )


def sniff(head: bytes) -> str:
    """Format of unnamed input from its first bytes: "warc", "json", "html" or "text"."""
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(31).decompress(head, 64)
        except zlib.error:
            return "text"
    stripped = head.lstrip()
    if stripped.startswith(codecs.BOM_UTF8):
        stripped = stripped[3:].lstrip()
    if stripped.startswith(b"WARC/"):
        return "warc"
    if stripped[:1] in (b"{", b"["):
        return "json"
    if stripped[:1] == b"<":
        return "html"
    return "text"


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(WARC_EXTENSIONS):
        return "warc"
    if name.endswith(JSON_EXTENSIONS):
        return "jsonl" if not name.endswith(".json") else "json"
    if name.endswith(HTML_EXTENSIONS):
        return "html"
    if name.endswith(TEXT_EXTENSIONS):
        return "text"
    return None


class _Counting(io.RawIOBase):
    """A read-only stream wrapper that reports how far reading has got.

    `head`, bytes already taken from `raw`, is served first (and counted then).
    """

    def __init__(self, raw: IO[bytes], progress: Callable[[int], None], head: bytes = b"") -> None:
        self._raw = raw
        self._progress = progress
        self._head: memoryview | None = memoryview(head) if head else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head is not None:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:] if n < len(self._head) else None
        else:
            data = self._raw.read(len(buffer))
            n = len(data)
            buffer[:n] = data
        self._progress(n)
        return n


@dataclass
class Inputs:
    """Everything named on the command line, walked in order.

    `total_bytes` (None when stdin is among the inputs) and `bytes_read` let a caller show
    progress; `ignored` lists files a folder walk passed over (unknown extension). Every cap
    on reading derives from `max_body_bytes` (see `Limits`).
    """

    paths: Sequence[str]
    stdin: IO[bytes] | None = None
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    max_body_bytes: int = Config.max_body_bytes
    ignored: list[str] = field(default_factory=list)
    bytes_read: int = 0

    def __post_init__(self) -> None:
        self._opts = _Options(self.now, Limits(self.max_body_bytes))
        self._plan: list[tuple[str, Path | None, str | None]] = []  # (source name, path, kind)
        self._missing: dict[str, str] = {}
        self._stats: dict[str, tuple[int, float]] = {}  # name -> (size, mtime), one stat each
        for arg in self.paths:
            if arg == STDIN:
                self._plan.append(("stdin", None, None))
                continue
            path = Path(arg)
            if path.is_dir():
                for found in walk(path):
                    kind = kind_of(found)
                    if kind is None:
                        self.ignored.append(str(found))
                    else:
                        self._plan.append((str(found), found, kind))
            else:
                self._plan.append((arg, path, kind_of(path)))
        total: int | None = 0
        for name, where, _ in self._plan:
            if where is None:  # stdin: size unknown
                total = None
                continue
            try:
                st = where.stat()
            except OSError as exc:
                self._missing[name] = exc.strerror or str(exc)
                continue
            size = st.st_size
            self._stats[name] = (size, st.st_mtime)
            if total is not None:
                total += size
        self.total_bytes = total

    @property
    def files(self) -> int:
        return len(self._plan)

    def _advance(self, n: int) -> None:
        self.bytes_read += n

    def __iter__(self) -> Iterator[Item]:
        for name, path, kind in self._plan:
            if path is None:
                yield from self._stdin()
                continue
            if name in self._missing:
                yield InputError(name, "unreadable", self._missing[name])
                continue
            start = self.bytes_read
            size, mtime = self._stats[name]
            try:
                yield from self._file(name, path, kind, size, mtime)
            except OSError as exc:
                yield InputError(name, "unreadable", exc.strerror or str(exc))
            finally:
                # Whatever happened, the file counts as read for the progress display.
                self.bytes_read = start + size

    def _file(
        self, name: str, path: Path, kind: str | None, size: int, mtime: float
    ) -> Iterator[Item]:
        opts = self._opts
        if kind in ("html", "text") and size > opts.limits.body:
            bad = _over(f"{size:,} bytes", opts.limits.body)
            yield InputError(name, bad.code, bad.message)
            return
        with path.open("rb") as raw:
            stream = io.BufferedReader(_Counting(raw, self._advance), buffer_size=CHUNK)
            if kind is None:
                kind = sniff(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES])
            if kind == "warc":
                yield from read_warc(stream, name, size, opts)
            elif kind == "jsonl":
                yield from read_json_lines(capped_lines(stream, opts.limits.json), name, opts)
            elif kind == "json":
                yield from read_json_document(stream, name, opts)
            else:
                fetched_at = datetime.fromtimestamp(mtime, UTC)
                yield self._single(stream, name, kind, fetched_at)

    def _single(self, stream: IO[bytes], name: str, kind: str, fetched_at: datetime) -> Item:
        """A page or a text: the whole stream, if it ends within the body limit."""
        cap = self._opts.limits.body
        body = read_capped(stream.read, cap)
        if len(body) > cap:
            bad = _over("the input", cap, ": reading stopped there")
            return InputError(name, bad.code, bad.message)
        content_type = "text/html" if kind == "html" else "text/plain"
        return _record(
            name,
            lambda: make_article(
                body, name, content_type=content_type, fetched_at=fetched_at, max_body_bytes=cap
            ),
        )

    def _stdin(self) -> Iterator[Item]:
        if self.stdin is None:
            yield InputError("stdin", "unreadable", "no stdin available")
            return
        # The first SNIFF_BYTES (however a pipe splits them), then the rest as it comes.
        head = read_capped(self.stdin.read, SNIFF_BYTES - 1)
        kind = sniff(head)
        stream = io.BufferedReader(_Counting(self.stdin, self._advance, head=head), CHUNK)
        if kind == "warc":
            yield from read_warc(stream, "stdin", None, self._opts)
        elif kind == "json":
            yield from read_json_document(stream, "stdin", self._opts)
        else:
            yield self._single(stream, "stdin", kind, self.now())


def walk(root: Path) -> Iterator[Path]:
    """Files under `root`, sorted, without hidden files and folders or ground-truth manifests."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name not in NOT_INPUT_NAMES:
                yield Path(folder) / name


def prefetched(items: Iterable[T], depth: int = 256) -> Iterator[T]:
    """Iterate `items` in a background thread, up to `depth` ahead of the consumer.

    File reads and gzip inflation release the GIL, so reading overlaps with whatever the
    consumer does (encoding and sending). Exceptions from the reader are re-raised here; when
    the consumer stops early the reader thread stops too.
    """
    q: queue.Queue[tuple[int, Any]] = queue.Queue(depth)
    stop = threading.Event()

    def put(entry: tuple[int, Any]) -> bool:
        while not stop.is_set():
            try:
                q.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in items:
                if not put((0, item)):
                    return
        except BaseException as exc:  # handed to the consumer, who re-raises it
            put((1, exc))
            return
        put((2, None))

    thread = threading.Thread(target=read, name="newswire-inputs", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = q.get()
            if kind == 0:
                yield value
            elif kind == 1:
                raise value
            else:
                return
    finally:
        stop.set()
