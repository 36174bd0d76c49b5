"""Writes generated sample items to a folder, with `manifest.json` beside them.

Layout under the output folder:

    html/<outlet domain>/<slug>-<n>.html    single pages (mtime = fetch time)
    html/mirror/...                          exact copies of single pages
    html/incoming/...                        malformed single files
    text/<outlet>-<date>-<slug>-<n>.txt      plain-text scrapes
    feeds/feed-NNN.jsonl                     JSON-lines records (url, html|text, fetched_at,
                                             source, language)
    warc/crawl-NNN.warc.gz                   a warcinfo record, then HTTP response records
    manifest.json                            ground truth, one entry per item

WARC record ids are derived from the seed, file and index and the record dates from the fetch
times, so the same seed writes byte-identical files.
"""

from __future__ import annotations

import io
import json
import os
import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from pipelines.samples.generator import Mix, SampleItem, build_manifest, generate

MANIFEST = "manifest.json"
TRUNCATE_AT = 0.55  # share of a truncated WARC record's bytes that made it to disk


def _warc_date(dt: datetime | None) -> str:
    return (dt or datetime(2024, 1, 1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record_id(seed: int, file: str, index: int) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'newswire-samples:{seed}:{file}:{index}')}>"


class _WarcFiles:
    """One open WARC writer per file; each file starts with a warcinfo record."""

    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.seed = seed
        self.open: dict[str, tuple[IO[bytes], Any]] = {}

    def _writer(self, item: SampleItem) -> tuple[IO[bytes], Any]:
        from warcio.warcwriter import WARCWriter

        if item.file not in self.open:
            path = self.root / item.file
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = path.open("wb")
            writer = WARCWriter(fh, gzip=True)
            info = writer.create_warcinfo_record(
                path.name,
                {
                    "software": "newswire samples generator",
                    "format": "WARC File Format 1.0",
                    "seed": str(self.seed),
                },
            )
            info.rec_headers.replace_header("WARC-Date", _warc_date(item.fetched_at))
            info.rec_headers.replace_header("WARC-Record-ID", _record_id(self.seed, item.file, 0))
            writer.write_record(info)
            self.open[item.file] = (fh, writer)
        return self.open[item.file]

    def _record(self, writer: Any, item: SampleItem) -> Any:
        from warcio.statusandheaders import StatusAndHeaders

        http = StatusAndHeaders("200 OK", list(item.http_headers), protocol="HTTP/1.1")
        return writer.create_warc_record(
            item.url,
            "response",
            payload=io.BytesIO(item.payload),
            http_headers=http,
            warc_headers_dict={
                "WARC-Date": _warc_date(item.fetched_at),
                "WARC-Record-ID": _record_id(self.seed, item.file, item.index or 0),
            },
        )

    def write(self, item: SampleItem) -> None:
        from warcio.warcwriter import WARCWriter

        fh, writer = self._writer(item)
        if item.kind == "malformed":
            # Serialise the record on its own, then keep only its first part: a crawl cut off
            # mid-record (the gzip member ends early).
            buf = io.BytesIO()
            scratch = WARCWriter(buf, gzip=True)
            scratch.write_record(self._record(scratch, item))
            data = buf.getvalue()
            fh.write(data[: int(len(data) * TRUNCATE_AT)])
            return
        writer.write_record(self._record(writer, item))

    def close(self) -> None:
        for fh, _ in self.open.values():
            fh.close()
        self.open.clear()


def write_corpus(
    out: str | Path, items: Iterable[SampleItem], *, seed: int, mix: Mix | None = None
) -> dict[str, Any]:
    """Write `items` (from `generate`) under `out` and return the manifest it wrote."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    # Keep only the truth: a large corpus should not hold every page in memory.
    truths: list[dict[str, Any]] = []
    jsonl: dict[str, IO[bytes]] = {}
    warcs = _WarcFiles(root, seed)
    try:
        for item in items:
            path = root / item.file
            if item.fmt == "jsonl":
                if item.file not in jsonl:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    jsonl[item.file] = path.open("wb")
                jsonl[item.file].write(item.payload + b"\n")
            elif item.fmt == "warc":
                warcs.write(item)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(item.payload)
                if item.fetched_at is not None:
                    ns = int(item.fetched_at.timestamp()) * 1_000_000_000
                    os.utime(path, ns=(ns, ns))
            truths.append(item.truth)
    finally:
        for fh in jsonl.values():
            fh.close()
        warcs.close()
    manifest = build_manifest(truths, seed, mix)
    (root / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest


def generate_to(
    out: str | Path, count: int, seed: int = 0, mix: Mix | None = None
) -> dict[str, Any]:
    """`generate` + `write_corpus`: a sample folder in one call (what the CLI runs)."""
    return write_corpus(out, generate(count, seed, mix), seed=seed, mix=mix)


def load_manifest(root: str | Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(root) / MANIFEST).read_text(encoding="utf-8"))
    return data
