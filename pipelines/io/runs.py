"""What a batch pipeline run wrote: `<output>/_newswire/runs/<run id>.json`.

The run's `WrittenFile`s are combined into one list inside the pipeline and put as a small
JSON object by a DoFn that owns its store client, so it works on any runner (no process
globals); the driver reads it after the pipeline has finished, commits the files to the
tables (`io.tables.Tables.commit`) and deletes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import apache_beam as beam

from pipelines.config import S3Config
from pipelines.io.objectstore import ObjectStore
from pipelines.io.sink import StoreDoFn

RUNS = "_newswire/runs/"


def run_key(run_id: str) -> str:
    return f"{RUNS}{run_id}.json"


class _PutRunRecord(StoreDoFn):
    def __init__(self, output_uri: str, s3: S3Config, run_id: str) -> None:
        super().__init__(output_uri, s3)
        self.run_id = run_id

    def process(self, keys: Iterable[str]) -> Iterator[str]:
        assert self.store is not None
        record = {"run_id": self.run_id, "files": sorted(set(keys))}
        key = run_key(self.run_id)
        self.store.put(key, json.dumps(record).encode())
        yield key


class RecordWrittenFiles(beam.PTransform):
    """PCollection[WrittenFile] -> PCollection[str] (the record's key, once): puts the list of
    the keys written (relative to the output) to `run_key(run_id)`, an empty list when the
    run wrote nothing."""

    def __init__(self, output_uri: str, s3: S3Config, run_id: str) -> None:
        super().__init__()
        self.output_uri = output_uri
        self.s3 = s3
        self.run_id = run_id

    def expand(self, written: beam.PCollection) -> beam.PCollection:
        return (
            written
            | "WrittenKeys" >> beam.Map(lambda w: w.key)
            | "ListWrittenKeys" >> beam.combiners.ToList()
            | "PutRunRecord" >> beam.ParDo(_PutRunRecord(self.output_uri, self.s3, self.run_id))
        )


def read_run(store: ObjectStore, run_id: str) -> list[str]:
    """The keys a finished run recorded. Raises when it recorded nothing (it did not finish)."""
    record = json.loads(store.get(run_key(run_id)))
    return [str(k) for k in record["files"]]


def files_by_table(keys: Iterable[str]) -> dict[str, list[str]]:
    """Keys relative to the output (`<table>/data/...`) -> {table: keys}."""
    out: dict[str, list[str]] = {}
    for key in keys:
        table, _, rest = key.partition("/")
        if not rest.startswith("data/"):
            raise ValueError(f"not a table data file: {key}")
        out.setdefault(table, []).append(key)
    return out
