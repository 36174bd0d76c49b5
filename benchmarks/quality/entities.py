"""Entity and country quality against our own hand annotations (entities_gold.json).

For each annotated document: the text is the gold body of a page of the extraction
benchmark (or the cleaned sample article), enriched exactly as the pipeline does; predicted
PERSON / ORG / place (GPE, LOC, FAC) entities are matched to gold entities by any accepted
surface form (case-insensitive); countries are compared as sets. Reports micro precision and
recall per label group and for countries.

    .venv/bin/python -m benchmarks.quality.entities
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.quality.common import shared_dir

GOLD = Path(__file__).with_name("entities_gold.json")
GROUPS = {"PERSON": {"PERSON"}, "ORG": {"ORG"}, "place": {"GPE", "LOC", "FAC"}}


def _norm(text: str) -> str:
    text = text.casefold().replace("’", "'").strip()
    for prefix in ("the ",):
        text = text.removeprefix(prefix)
    return text.removesuffix("'s").strip(" .")


def _documents(shared: Path) -> dict[str, str]:
    from pipelines.core.clean import clean_article
    from pipelines.core.records import RawArticle

    gold_bodies = json.loads(
        (shared / "benchmarks/article-extraction/ground-truth.json").read_text()
    )
    texts = {k: v["articleBody"] for k, v in gold_bodies.items()}
    for sample in sorted((shared / "samples").glob("*.txt")):
        raw = RawArticle(
            article_id=sample.stem,
            content_type="text/plain",
            body=sample.read_bytes(),
            source=str(sample),
        )
        article = clean_article(raw, ingested_at=datetime.now(UTC))
        texts[f"sample:{sample.name}"] = article.text
    return texts


def score(shared: Path | None = None) -> dict[str, Any]:
    from pipelines.core.enrich import EnrichSettings, enrich_articles, load_models
    from pipelines.core.records import Article

    shared = shared or shared_dir()
    gold = json.loads(GOLD.read_text())["documents"]
    texts = _documents(shared)
    models = load_models(EnrichSettings())
    now = datetime.now(UTC)
    articles = [
        Article(article_id=k, text=texts[k], source=k, ingested_at=now) for k in gold if k in texts
    ]
    enriched = enrich_articles(articles, models)
    counts = {g: {"tp": 0, "fp": 0, "fn": 0} for g in [*GROUPS, "countries"]}
    for article in enriched:
        if not isinstance(article, Article):
            continue
        doc = gold[article.article_id]
        for group, labels in GROUPS.items():
            accepted = [{_norm(f) for f in forms} for forms in doc[group]]
            predicted = {_norm(e.text) for e in article.entities if e.label in labels}
            matched = [any(p in forms for p in predicted) for forms in accepted]
            hits = {p for p in predicted if any(p in forms for forms in accepted)}
            counts[group]["tp"] += sum(matched)
            counts[group]["fn"] += len(matched) - sum(matched)
            counts[group]["fp"] += len(predicted - hits)
        gold_c, pred_c = set(doc["countries"]), set(article.countries)
        counts["countries"]["tp"] += len(gold_c & pred_c)
        counts["countries"]["fp"] += len(pred_c - gold_c)
        counts["countries"]["fn"] += len(gold_c - pred_c)
    result: dict[str, Any] = {"documents": len(articles)}
    for group, c in counts.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        result[group] = {"precision": round(p, 3), "recall": round(r, 3), **c}
    return result


if __name__ == "__main__":
    print(json.dumps(score(), indent=2))
