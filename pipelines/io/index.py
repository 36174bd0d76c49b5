"""The dedup fingerprint index of an output: the Iceberg table `fingerprints` (`io.tables`),
data files under `<output>/fingerprints/data/`.

Each run adds the entries of the articles it admitted or reported; the next run reads the
files of the table's current snapshot at start, so an article an earlier run wrote is
recognised (exact and near duplicates alike). Only committed files are read: the files of
a run that crashed before its commit are in the folder but in no snapshot, and never count.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import apache_beam as beam

from pipelines.config import CatalogConfig, S3Config
from pipelines.core.dedup import IndexEntry
from pipelines.core.layout import INDEX
from pipelines.io.objectstore import ObjectStore, open_store
from pipelines.io.parquet import from_parquet_bytes
from pipelines.io.sink import StoreDoFn

if TYPE_CHECKING:
    from pipelines.io.tables import Tables

TABLE = "fingerprints"


def output_keys(tables: Tables, paths: Iterable[str]) -> list[str]:
    """Data file paths of `tables` (full URIs, as snapshots hold them) -> keys relative to the
    output, as `open_store(output)` reads them."""
    root = tables.location.rstrip("/") + "/"
    keys: list[str] = []
    for path in paths:
        if not path.startswith(root):
            raise ValueError(f"data file {path} is outside the output {tables.location}")
        keys.append(path[len(root) :])
    return sorted(keys)


def index_files(tables: Tables) -> list[str]:
    """Keys (relative to the output) of the fingerprint table's current data files."""
    return output_keys(tables, tables.data_files(TABLE))


class _ReadIndexFile(StoreDoFn):
    def process(self, key: str) -> Iterator[IndexEntry]:
        assert self.store is not None
        for row in from_parquet_bytes(self.store.get(key)):
            yield IndexEntry.from_dict(row)


class ReadFingerprintIndex(beam.PTransform):
    """PBegin -> PCollection[IndexEntry] of every entry in `files`: the keys (relative to the
    output) of the fingerprint table's data files as the driver saw them (`index_files`),
    so the job reads the snapshot current when it was built, whatever the folder holds."""

    def __init__(self, output_uri: str, s3: S3Config, files: Sequence[str]) -> None:
        super().__init__()
        self.output_uri = output_uri
        self.s3 = s3
        self.files = list(files)

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "IndexFiles" >> beam.Create(self.files)
            | "SpreadIndexFiles" >> beam.Reshuffle()
            | "ReadIndexFiles" >> beam.ParDo(_ReadIndexFile(self.output_uri, self.s3))
        )


class IndexEntries:
    """Picklable loader of every entry of an output's fingerprint index, for a DoFn's setup()
    (the streaming job's memory of earlier windows, `transforms.dedup.DeduplicateAcrossWindows`).

    With `catalog`: the fingerprint table's current data files. Without: every file in the
    table's data folder (tests of the transform alone).
    """

    def __init__(self, output_uri: str, s3: S3Config, catalog: CatalogConfig | None = None) -> None:
        self.output_uri = output_uri
        self.s3 = s3
        self.catalog = catalog

    def keys(self, store: ObjectStore) -> list[str]:
        if self.catalog is None:
            return [k for k in store.list(INDEX.folder + "/") if k.endswith(".parquet")]
        from pyiceberg.exceptions import NoSuchNamespaceError, NoSuchTableError

        from pipelines.io.tables import Tables

        tables = Tables(self.output_uri, self.catalog, self.s3, create=False)
        try:
            return index_files(tables)
        except (NoSuchTableError, NoSuchNamespaceError):
            return []  # no table yet: nothing committed
        finally:
            tables.close()

    def __call__(self) -> list[IndexEntry]:
        store = open_store(self.output_uri, self.s3)
        try:
            return [
                IndexEntry.from_dict(row)
                for key in self.keys(store)
                for row in from_parquet_bytes(store.get(key))
            ]
        finally:
            store.close()
