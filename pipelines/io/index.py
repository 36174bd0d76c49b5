"""The dedup fingerprint index beside the output: `<output>/_index/fingerprints/*.parquet`.

Each run appends the articles it admitted; the next run reads them all at start so that a
re-run or an overlapping backfill never re-admits an article already written.
"""

from __future__ import annotations

from collections.abc import Iterator

import apache_beam as beam

from pipelines.config import S3Config
from pipelines.core.dedup import IndexEntry
from pipelines.core.layout import INDEX
from pipelines.io.objectstore import ObjectStore, open_store
from pipelines.io.parquet import from_parquet_bytes


class _ListIndexFiles(beam.DoFn):
    def __init__(self, output_uri: str, s3: S3Config) -> None:
        self.output_uri = output_uri
        self.s3 = s3
        self.store: ObjectStore | None = None

    def setup(self) -> None:
        self.store = open_store(self.output_uri, self.s3)

    def teardown(self) -> None:
        if self.store is not None:
            self.store.close()

    def process(self, _: object) -> Iterator[str]:
        assert self.store is not None
        for key in self.store.list(INDEX.folder + "/"):
            if key.endswith(".parquet"):
                yield key


class _ReadIndexFile(_ListIndexFiles):
    def process(self, key: object) -> Iterator[IndexEntry]:  # type: ignore[override]
        assert self.store is not None and isinstance(key, str)
        for row in from_parquet_bytes(self.store.get(key)):
            yield IndexEntry.from_dict(row)


class ReadFingerprintIndex(beam.PTransform):
    """PBegin -> PCollection[IndexEntry] of every article admitted by earlier runs."""

    def __init__(self, output_uri: str, s3: S3Config) -> None:
        super().__init__()
        self.output_uri = output_uri
        self.s3 = s3

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "StartIndexRead" >> beam.Create([None])
            | "ListIndexFiles" >> beam.ParDo(_ListIndexFiles(self.output_uri, self.s3))
            | "SpreadIndexFiles" >> beam.Reshuffle()
            | "ReadIndexFiles" >> beam.ParDo(_ReadIndexFile(self.output_uri, self.s3))
        )


class IndexEntries:
    """Picklable loader of every entry of an output's fingerprint index, for a DoFn's setup()
    (the streaming job's memory of earlier windows, `transforms.dedup.DeduplicateAcrossWindows`)."""

    def __init__(self, output_uri: str, s3: S3Config) -> None:
        self.output_uri = output_uri
        self.s3 = s3

    def __call__(self) -> list[IndexEntry]:
        store = open_store(self.output_uri, self.s3)
        try:
            return [
                IndexEntry.from_dict(row)
                for key in store.list(INDEX.folder + "/")
                if key.endswith(".parquet")
                for row in from_parquet_bytes(store.get(key))
            ]
        finally:
            store.close()


class Admitted:
    """What an output already holds: the ids of its articles and duplicates, its articles'
    fingerprints (-> article id), and its dead letters' sources.

    Built from the data files themselves (not the index), so an article counts as written
    exactly when its Parquet file exists: a streaming restart after a crash between writing
    articles and writing the index still sees it.
    """

    def __init__(self, ids: set[str], fingerprints: dict[str, str], dead_sources: set[str]) -> None:
        self.ids = frozenset(ids)
        self.fingerprints = dict(fingerprints)
        self.dead_sources = frozenset(dead_sources)

    def __len__(self) -> int:
        return len(self.ids) + len(self.dead_sources)


def read_admitted(store: ObjectStore) -> Admitted:
    import io

    import pyarrow.parquet as pq

    from pipelines.io.compaction import list_visible

    def column_values(folder: str, columns: list[str]) -> Iterator[dict[str, object]]:
        # Visible files only: during a compaction's grace period its inputs are still listed.
        for key in list_visible(store, folder):
            table = pq.read_table(io.BytesIO(store.get(key)), columns=columns)
            yield from table.to_pylist()

    ids: set[str] = set()
    fingerprints: dict[str, str] = {}
    for row in column_values("articles", ["article_id", "content_fingerprint"]):
        ids.add(str(row["article_id"]))
        fingerprints.setdefault(str(row["content_fingerprint"]), str(row["article_id"]))
    for row in column_values("duplicates", ["article_id"]):
        ids.add(str(row["article_id"]))
    dead = {str(row["source"]) for row in column_values("dead_letter", ["source"])}
    return Admitted(ids, fingerprints, dead)
