"""WriteParquet: rows -> Parquet files under <output>/<kind>/dt=YYYY-MM-DD/ (local or S3).

In: PCollection[dict] in the Avro shape of the kind's schema (validated upstream).
Out: PCollection[WrittenFile], one per file put. Rows are grouped by (partition, shard) so
many workers write in parallel and each file's content, hence its name, is deterministic.
Rows cross the shuffle as Arrow tables of up to `batch_rows` rows per key, window and bundle:
the runner then encodes and moves a few compact elements instead of one dict per row (whose
encoding, a pickle per timestamp, was most of the framework's cost per row: see
benchmarks/README.md, framework tax).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.utils.windowed_value import WindowedValue

from pipelines.config import S3Config
from pipelines.core.layout import OutputKind, partition, shard
from pipelines.io.parquet import rows_to_table
from pipelines.io.sink import MAX_ROWS_PER_FILE, WriteFilesFn

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
