"""ReadRawFiles: raw input files of any producer format -> RawArticle, for batch backfills.

In: local paths, folders (recursive), globs (`**` allowed) or `s3://bucket/prefix` URIs
(every object under the prefix, or matching a glob in the key). Out: `articles`
(RawArticle) and `dead_letter` (DeadLetter, step "read", with the reader's reason: empty,
binary_content, not_html, invalid_json, truncated_warc_record, ...).

Files are listed first and spread over workers, then each is read by
`pipelines.io.inputs.Inputs`, the same reader `newswire produce` uses.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.config import S3Config
from pipelines.core.clock import Clock, utc_now
from pipelines.core.defaults import MAX_BODY_BYTES
from pipelines.core.errors import DEAD_LETTER
from pipelines.core.records import DeadLetter
from pipelines.io.inputs import InputError, Inputs, kind_of, walk
from pipelines.io.objectstore import S3Store, make_s3_client, split_s3_uri

_GLOB_CHARS = "*?["


def expand_local(pattern: str) -> list[str]:
    """Files named by a path, folder or glob (sorted; folders walked by the reader)."""
    if any(c in pattern for c in _GLOB_CHARS):
        return sorted(p for p in glob.glob(pattern, recursive=True) if os.path.isfile(p))
    return [pattern]


def expand_s3(client: Any, pattern: str) -> Iterator[str]:
    """s3:// URIs of the input files under a prefix, or matching a glob in the key."""
    bucket, key = split_s3_uri(pattern)
    is_glob = any(c in key for c in _GLOB_CHARS)
    prefix = key.split("*")[0].split("?")[0].split("[")[0] if is_glob else key
    store = S3Store(bucket, "", client)
    for found in store.list(prefix):
        if (fnmatch.fnmatch(found, key) if is_glob else True) and kind_of(Path(found)) is not None:
            yield f"s3://{bucket}/{found}"


def list_input_files(patterns: list[str], s3: S3Config) -> list[str]:
    """Every input file the patterns name, folders walked (files of unknown kind skipped, as
    the reader skips them), in order. For splitting a large backfill into runs."""
    files: list[str] = []
    client: Any = None
    try:
        for pattern in patterns:
            if pattern.startswith("s3://"):
                client = client or make_s3_client(s3)
                files.extend(expand_s3(client, pattern))
                continue
            for name in expand_local(pattern):
                if os.path.isdir(name):
                    files.extend(str(f) for f in walk(Path(name)) if kind_of(f) is not None)
                else:
                    files.append(name)
    finally:
        if client is not None:
            client.close()
    return files


class _ExpandInputs(beam.DoFn):
    def __init__(self, s3: S3Config) -> None:
        self.s3 = s3
        self.client: Any = None

    def setup(self) -> None:
        self.client = None  # created on first s3:// input only

    def teardown(self) -> None:
        if self.client is not None:
            self.client.close()

    def process(self, pattern: str) -> Iterator[str]:
        if not pattern.startswith("s3://"):
            yield from expand_local(pattern)
            return
        if self.client is None:
            self.client = make_s3_client(self.s3)
        yield from expand_s3(self.client, pattern)


class _ReadFile(beam.DoFn):
    """One file (local or S3) -> its records; the S3 client lives as long as the worker."""

    def __init__(self, s3: S3Config, max_body_bytes: int, now: Clock) -> None:
        self.s3 = s3
        self.max_body_bytes = max_body_bytes
        self.now = now
        self.client: Any = None

    def teardown(self) -> None:
        if self.client is not None:
            self.client.close()

    def process(self, name: str) -> Iterator[Any]:
        if name.startswith("s3://"):
            yield from self._read_s3(name)
        else:
            yield from self._emit(
                Inputs([name], max_body_bytes=self.max_body_bytes, now=self.now), "", ""
            )

    def _read_s3(self, uri: str) -> Iterator[Any]:
        if self.client is None:
            self.client = make_s3_client(self.s3)
        bucket, key = split_s3_uri(uri)
        with tempfile.TemporaryDirectory(prefix="newswire-read-") as tmp:
            local = Path(tmp) / Path(key).name
            self.client.download_file(bucket, key, str(local))
            yield from self._emit(
                Inputs([str(local)], max_body_bytes=self.max_body_bytes, now=self.now),
                str(local),
                uri,
            )

    def _emit(self, items: Inputs, local: str, uri: str) -> Iterator[Any]:
        for item in items:
            if isinstance(item, InputError):
                source = item.source.replace(local, uri, 1) if local else item.source
                Metrics.counter("read", item.reason).inc()
                yield beam.pvalue.TaggedOutput(
                    DEAD_LETTER,
                    DeadLetter(source, "read", item.reason, item.message, self.now(), b"", None),
                )
                continue
            if local:
                item.source = item.source.replace(local, uri, 1)
            Metrics.counter("read", "ok").inc()
            yield item


class ReadRawFiles(beam.PTransform):
    def __init__(
        self,
        patterns: list[str],
        s3: S3Config,
        max_body_bytes: int = MAX_BODY_BYTES,
        now: Clock = utc_now,
    ) -> None:
        super().__init__()
        self.patterns = list(patterns)
        self.s3 = s3
        self.max_body_bytes = max_body_bytes
        self.now = now

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.pvalue.DoOutputsTuple:
        return (
            pbegin
            | "ListPatterns" >> beam.Create(self.patterns, reshuffle=False)
            | "ExpandInputs" >> beam.ParDo(_ExpandInputs(self.s3))
            | "SpreadFiles" >> beam.Reshuffle()
            | "ReadFiles"
            >> beam.ParDo(_ReadFile(self.s3, self.max_body_bytes, self.now)).with_outputs(
                DEAD_LETTER, main="articles"
            )
        )
