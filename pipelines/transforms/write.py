"""WriteParquet: rows -> Parquet files under <output>/<kind>/dt=YYYY-MM-DD/ (local or S3).

In: PCollection[dict] in the Avro shape of the kind's schema (validated upstream).
Out: PCollection[WrittenFile], one per file put. Rows are grouped by (partition, shard) so
many workers write in parallel and each file's content, hence its name, is deterministic.
"""

from __future__ import annotations

from typing import Any

import apache_beam as beam

from pipelines.config import S3Config
from pipelines.core.layout import OutputKind, partition, shard
from pipelines.io.sink import MAX_ROWS_PER_FILE, WriteFilesFn


class WriteParquet(beam.PTransform):
    def __init__(
        self,
        output_uri: str,
        kind: OutputKind,
        s3: S3Config,
        shards: int = 4,
        max_rows: int = MAX_ROWS_PER_FILE,
        tag: str = "",
    ) -> None:
        super().__init__()
        self.output_uri = output_uri
        self.kind = kind
        self.s3 = s3
        self.shards = shards
        self.max_rows = max_rows
        self.tag = tag

    def expand(self, rows: beam.PCollection) -> beam.PCollection:
        kind, shards, tag = self.kind, self.shards, self.tag

        def key(row: dict[str, Any]) -> tuple[tuple[str, int, str], dict[str, Any]]:
            return (partition(row, kind), shard(row, kind, shards), tag), row

        return (
            rows
            | "KeyByPartition" >> beam.Map(key)
            | "GroupByPartition" >> beam.GroupByKey()
            | "PutFiles" >> beam.ParDo(WriteFilesFn(self.output_uri, kind, self.s3, self.max_rows))
        )
