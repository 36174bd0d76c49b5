"""The naive baseline of measure 1: one Python process looping over HTML files.

What a user would write with the same libraries the pipeline uses, one article at a time:
read the file, trafilatura `bare_extraction` with metadata (its defaults), drop exact copies
by a hash of the text, MinHash (datasketch, 3-word shingles, 128 permutations) + MinHashLSH
at the pipeline's threshold, candidates verified by estimated Jaccard, to mark near-duplicates,
py3langid for the language, spaCy NER
(`nlp(text)`, the same model and components as the pipeline, English only, as the pipeline
does) and finally one pyarrow Parquet write of all rows to the same S3 store. It does less
than the pipeline (no keywords, topics, countries, validation, dead letters or fingerprint
index), so the comparison errs in the baseline's favour.

Run: ``.venv/bin/python -m benchmarks.perf.naive --input DIR --output s3://bucket/prefix``
(prints one JSON line of counts).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

_WORD = re.compile(r"\w+")


def shingle_set(text: str, k: int = 3) -> set[bytes]:
    """Word k-shingles of the casefolded text as UTF-8 bytes (datasketch hashes bytes)."""
    words = _WORD.findall(text.casefold())
    if len(words) <= k:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + k]).encode("utf-8") for i in range(len(words) - k + 1)}


def load_spacy(name: str) -> Any:
    """spaCy with the pipeline's NER components (the same model, the same pipe names)."""
    from pipelines.core.entities import load_ner_model

    return load_ner_model(name)


def pyarrow_s3(config: Any) -> Any:
    from pyarrow import fs

    s3 = config.s3
    endpoint = (s3.endpoint_url or "").split("://", 1)
    access_key, secret_key = s3.credentials() or (None, None)
    return fs.S3FileSystem(
        access_key=access_key,
        secret_key=secret_key,
        region=s3.region,
        endpoint_override=endpoint[-1] or None,
        scheme=endpoint[0] if len(endpoint) == 2 else "https",
    )


def run(input_dir: str, output: str, threshold: float, spacy_model: str) -> dict[str, int]:
    import py3langid
    import pyarrow as pa
    import pyarrow.parquet as pq
    import trafilatura
    from datasketch import MinHash, MinHashLSH

    from pipelines.config import Config
    from pipelines.io.objectstore import split_s3_uri

    config = Config.from_env(os.environ)
    nlp = load_spacy(spacy_model)
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    seen: set[str] = set()
    kept: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    counts = {"files": 0, "no_text": 0, "exact": 0, "near": 0, "written": 0}
    for path in sorted(Path(input_dir).rglob("*.html")):
        counts["files"] += 1
        doc: Any
        try:
            doc = trafilatura.bare_extraction(path.read_bytes(), with_metadata=True)
        except Exception:  # a crawl has broken pages; the naive loop skips them
            doc = None
        text = doc.text if doc is not None else None
        if not text or len(text.split()) < 20:
            counts["no_text"] += 1
            continue
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
        if digest in seen:
            counts["exact"] += 1
            continue
        seen.add(digest)
        m = MinHash(num_perm=128)
        m.update_batch(list(shingle_set(text)))
        similar = [k for k in lsh.query(m) if m.jaccard(kept[k]) >= threshold]
        lsh.insert(digest, m)
        kept[digest] = m
        counts["near"] += bool(similar)
        language = py3langid.classify(text[:2000])[0]
        entities = []
        if language == "en":
            entities = [{"text": e.text, "label": e.label_} for e in nlp(text).ents]
        rows.append(
            {
                "file": str(path),
                "title": doc.title,
                "date": doc.date,
                "author": doc.author,
                "text": text,
                "language": language,
                "near_duplicate_of": similar[0] if similar else None,
                "entities": entities,
            }
        )
    table = pa.Table.from_pylist(rows)
    bucket, prefix = split_s3_uri(output)
    pq.write_table(
        table,
        f"{bucket}/{prefix}/articles.parquet",
        filesystem=pyarrow_s3(config),
        compression="zstd",
    )
    counts["written"] = len(rows)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="folder of .html files")
    parser.add_argument("--output", required=True, help="s3://bucket/prefix")
    parser.add_argument("--threshold", type=float, default=0.4)
    parser.add_argument("--spacy-model", default="en_core_web_sm")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.input, args.output, args.threshold, args.spacy_model)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
