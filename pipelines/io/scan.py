"""Reading an output's tables back (`inspect`, `replay-dead-letters`): pyiceberg scans of
each table's current snapshot, so only committed files are read (never a crashed run's
orphans, nor the inputs of a compaction that has been committed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pipelines.config import Config
from pipelines.io.tables import Tables


@contextmanager
def output_tables(uri: str, config: Config) -> Iterator[Tables]:
    """The tables of the output at `uri` (not created when missing)."""
    tables = Tables(uri.rstrip("/"), config.catalog, config.s3, create=False)
    try:
        yield tables
    finally:
        tables.close()


def scan_rows(tables: Tables, name: str, row_filter: Any = None) -> Iterator[dict[str, Any]]:
    """Rows of table `name`, one Arrow batch at a time (bounded memory); none when the table
    does not exist. Map columns come back as dicts (as `io.parquet.from_parquet_bytes`)."""
    import pyarrow as pa
    from pyiceberg.exceptions import NoSuchNamespaceError, NoSuchTableError

    try:
        table = tables.table(name, refresh=True)
    except (NoSuchTableError, NoSuchNamespaceError):
        return
    scan = table.scan() if row_filter is None else table.scan(row_filter=row_filter)
    for batch in scan.to_arrow_batch_reader():
        maps = [f.name for f in batch.schema if pa.types.is_map(f.type)]
        for row in batch.to_pylist():
            for col in maps:
                if row[col] is not None:
                    row[col] = dict(row[col])
            yield row
