"""Parquet files to a destination (local folder or S3): `WriteParquet` and the DoFn that owns
the store client.

`WriteParquet`: rows (PCollection[dict] in the Avro shape of the kind's schema, validated
upstream) -> PCollection[WrittenFile] under <output>/<kind>/dt=YYYY-MM-DD/. Rows are grouped
by (partition, shard) so many workers write in parallel and each file's content, hence its
name, is deterministic. Rows cross the shuffle as Arrow tables of up to `batch_rows` rows per
key, window and bundle: the runner then encodes and moves a few compact elements instead of
one dict per row (whose encoding, a pickle per timestamp, was most of the framework's cost per
row: see benchmarks/README.md, framework tax).

`WriteFilesFn` receives ((partition, shard, tag), Arrow tables of rows), splits the rows into
files of at most `max_rows` rows, and puts each file whole (atomic for readers) under the name that
`pipelines.core.layout.file_key` derives from the rows' identities. It yields a
`WrittenFile` per file so callers can count, log or commit offsets after durability.

Uploads run on a few threads (a PUT is mostly waiting on the network, and a batch run
writes hundreds of partitions): a `WrittenFile` is emitted only once its PUT has returned,
with its element's window and timestamp, and a bundle finishes only after all of its PUTs
have, so "emitted" still means "durable".
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.windowed_value import WindowedValue

from pipelines.config import S3Config
from pipelines.core.layout import OutputKind, file_key, identity_of, partition, shard
from pipelines.io.objectstore import ObjectStore, open_store
from pipelines.io.parquet import concat_tables, rows_to_table, table_to_parquet_bytes

MAX_ROWS_PER_FILE = 100_000
UPLOAD_THREADS = 8


@dataclass(frozen=True)
class WrittenFile:
    key: str
    rows: int
    bytes: int


def _window_tag(tag: str, window: Any, pane: Any) -> str:
    """Streaming files carry their window and pane, so a late pane adds a file, never replaces."""
    if isinstance(window, GlobalWindow) or window is None:
        return tag
    start = window.start.to_utc_datetime().strftime("%Y%m%dT%H%M%S")
    index = getattr(pane, "index", 0) or 0
    return "-".join(t for t in (tag, f"w{start}", f"p{index}") if t)


class StoreDoFn(beam.DoFn):
    """A DoFn that owns one object-store client for `output_uri`: opened in setup(), closed
    in teardown()."""

    def __init__(self, output_uri: str, s3: S3Config) -> None:
        self.output_uri = output_uri
        self.s3 = s3
        self.store: ObjectStore | None = None

    def setup(self) -> None:
        self.store = open_store(self.output_uri, self.s3)

    def teardown(self) -> None:
        if self.store is not None:
            self.store.close()


class WriteFilesFn(beam.DoFn):
    def __init__(
        self, output_uri: str, kind: OutputKind, s3: S3Config, max_rows: int = MAX_ROWS_PER_FILE
    ) -> None:
        self.output_uri = output_uri
        self.kind = kind
        self.s3 = s3
        self.max_rows = max_rows
        self.store: ObjectStore | None = None
        self.files = Metrics.counter("write", f"{kind.folder}_files")
        self.rows = Metrics.counter("write", f"{kind.folder}_rows")
        self.size = Metrics.counter("write", f"{kind.folder}_bytes")

    def setup(self) -> None:
        self.store = open_store(self.output_uri, self.s3)
        self.uploads = ThreadPoolExecutor(UPLOAD_THREADS, thread_name_prefix="put")

    def teardown(self) -> None:
        self.uploads.shutdown(wait=True)
        if self.store is not None:
            self.store.close()

    def start_bundle(self) -> None:
        # (PUT in flight, the WrittenFile to emit once it returns, in its element's window)
        self.pending: deque[tuple[Future[None], Any]] = deque()

    def process(
        self,
        element: tuple[tuple[str, int, str], Iterable[Any]],
        wv: Any = beam.DoFn.WindowedValueParam,
        pane: Any = beam.DoFn.PaneInfoParam,
    ) -> Iterator[Any]:
        assert self.store is not None
        (part, shard_no, tag), tables = element
        tag = _window_tag(tag, wv.windows[0], pane)
        table = concat_tables(list(tables))
        columns = [table.column(f).to_pylist() for f in self.kind.identity]
        ids = [identity_of(values) for values in zip(*columns, strict=True)]
        # Sort by identity so the same rows always land in the same files.
        order = sorted(range(len(ids)), key=ids.__getitem__)
        for start in range(0, len(order), self.max_rows):
            rows = order[start : start + self.max_rows]
            key = file_key(self.kind, part, shard_no, [ids[i] for i in rows], tag)
            data = table_to_parquet_bytes(table.take(rows))
            put = self.uploads.submit(self.store.put, key, data)
            self.pending.append((put, wv.with_value(WrittenFile(key, len(rows), len(data)))))
            # Bounded memory: a few files in flight per thread.
            while len(self.pending) > 2 * UPLOAD_THREADS:
                yield self._durable(*self.pending.popleft())

    def finish_bundle(self) -> Iterator[Any]:
        while self.pending:
            yield self._durable(*self.pending.popleft())

    def _durable(self, put: Future[None], written: Any) -> Any:
        put.result()  # raises what the PUT raised: the bundle fails and is retried
        # Counted here, on the bundle's thread (Beam's metrics do not follow other threads).
        self.files.inc()
        self.rows.inc(written.value.rows)
        self.size.inc(written.value.bytes)
        return written


BATCH_ROWS = 1_000

Key = tuple[str, int, str]


class _BatchRows(beam.DoFn):
    """row -> (key, Arrow table of rows): buffers rows per (key, window) within a bundle."""

    def __init__(self, kind: OutputKind, shards: int, tag: str, batch_rows: int) -> None:
        self.kind = kind
        self.shards = shards
        self.tag = tag
        self.batch_rows = batch_rows

    def start_bundle(self) -> None:
        # (key, window) -> (rows, latest row timestamp)
        self.batches: dict[tuple[Key, Any], tuple[list[dict[str, Any]], Any]] = {}

    def process(self, row: dict[str, Any], wv: Any = beam.DoFn.WindowedValueParam) -> Iterator[Any]:
        kind = self.kind
        key = (partition(row, kind), shard(row, kind, self.shards), self.tag)
        for window in wv.windows:
            rows, latest = self.batches.get((key, window), ([], wv.timestamp))
            rows.append(row)
            # The batch's timestamp is its latest row's: inside the window, never late.
            self.batches[(key, window)] = (rows, max(latest, wv.timestamp))
            if len(rows) >= self.batch_rows:
                yield self._emit(key, window)

    def finish_bundle(self) -> Iterator[Any]:
        for key, window in list(self.batches):
            yield self._emit(key, window)

    def _emit(self, key: Key, window: Any) -> WindowedValue:
        rows, latest = self.batches.pop((key, window))
        return WindowedValue((key, rows_to_table(rows, self.kind.schema)), latest, (window,))


class WriteParquet(beam.PTransform):
    def __init__(
        self,
        output_uri: str,
        kind: OutputKind,
        s3: S3Config,
        shards: int = 4,
        max_rows: int = MAX_ROWS_PER_FILE,
        tag: str = "",
        batch_rows: int = BATCH_ROWS,
    ) -> None:
        super().__init__()
        self.output_uri = output_uri
        self.kind = kind
        self.s3 = s3
        self.shards = shards
        self.max_rows = max_rows
        self.tag = tag
        self.batch_rows = batch_rows

    def expand(self, rows: beam.PCollection) -> beam.PCollection:
        return (
            rows
            | "BatchByPartition"
            >> beam.ParDo(_BatchRows(self.kind, self.shards, self.tag, self.batch_rows))
            | "GroupByPartition" >> beam.GroupByKey()
            | "PutFiles"
            >> beam.ParDo(WriteFilesFn(self.output_uri, self.kind, self.s3, self.max_rows))
        )
