"""Parquet files to a destination (local folder or S3): the DoFn that owns the store client.

`WriteFilesFn` receives ((partition, shard), rows), splits the rows into files of at most
`max_rows` rows, and puts each file whole (atomic for readers) under the name that
`pipelines.core.layout.file_key` derives from the rows' identities. It yields a
`WrittenFile` per file so callers can count, log or commit offsets after durability.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindow

from pipelines.config import S3Config
from pipelines.core.layout import OutputKind, file_key, identity
from pipelines.io.objectstore import ObjectStore, open_store
from pipelines.io.parquet import to_parquet_bytes

MAX_ROWS_PER_FILE = 100_000


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

    def teardown(self) -> None:
        if self.store is not None:
            self.store.close()

    def process(
        self,
        element: tuple[tuple[str, int, str], Iterable[dict[str, Any]]],
        window: Any = beam.DoFn.WindowParam,
        pane: Any = beam.DoFn.PaneInfoParam,
    ) -> Iterator[WrittenFile]:
        (part, shard_no, tag), rows = element
        assert self.store is not None
        tag = _window_tag(tag, window, pane)
        # Sort by identity so the same rows always land in the same files.
        ordered = sorted(rows, key=lambda r: identity(r, self.kind))
        for start in range(0, len(ordered), self.max_rows):
            chunk = ordered[start : start + self.max_rows]
            key = file_key(self.kind, part, shard_no, [identity(r, self.kind) for r in chunk], tag)
            data = to_parquet_bytes(chunk, self.kind.schema)
            self.store.put(key, data)
            self.files.inc()
            self.rows.inc(len(chunk))
            self.size.inc(len(data))
            yield WrittenFile(key, len(chunk), len(data))
