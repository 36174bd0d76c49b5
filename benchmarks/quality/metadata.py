"""Metadata quality: exact-match accuracy of title, authors, publication time and dateline.

On the generator's ground truth (well-formed items of every format and language, cleaned
exactly as the pipeline does) and on the real scraped sample in ../shared/samples/.

    .venv/bin/python -m benchmarks.quality.metadata
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from benchmarks.quality.common import shared_dir

FIELDS = ("title", "authors", "published_at", "dateline")
# The sample's expected values, as the issue states them.
SAMPLE_TRUTH = {
    "urdupoint-2024-09-26-pakistan-china-ev.txt": {
        "title": (
            "Pakistan Strengthens Automotive Ties With China, Eyes Joint Innovation In EV Sector"
        ),
        "authors": ["Umer Jamshaid"],
        "published_at": "2024-09-26T09:40:00Z",
        "dateline": "ISLAMABAD",
    }
}


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _spaces(value: str | None) -> str | None:
    # Typographic spaces (the NBSP before ":" in French) are not a difference in a title.
    return " ".join(value.split()) if value else value


def _compare(article: Any, truth: dict[str, Any]) -> dict[str, bool]:
    got = {
        "title": _spaces(article.title),
        "authors": list(article.authors),
        "published_at": _iso(article.published_at),
        "dateline": article.dateline,
    }
    want = {f: truth.get(f) for f in FIELDS}
    want["title"] = _spaces(want["title"])
    want["authors"] = list(want["authors"] or [])
    return {f: got[f] == want[f] for f in FIELDS}


def score(count: int = 600, seed: int = 2024) -> dict[str, Any]:
    from pipelines.core.clean import clean_article
    from pipelines.core.errors import ArticleError
    from pipelines.core.records import RawArticle
    from pipelines.samples.generator import generate_corpus

    now = datetime.now(UTC)
    hits: Counter[str] = Counter()
    by_format: dict[str, Counter[str]] = {}
    total = failed = 0
    for item in generate_corpus(count, seed=seed):
        raw = item.raw_article()
        if raw is None:
            continue
        total += 1
        fmt = by_format.setdefault(f"{item.fmt}/{item.truth.get('language')}", Counter())
        fmt["items"] += 1
        try:
            article = clean_article(raw, ingested_at=now)
        except ArticleError:
            failed += 1
            continue
        for field, ok in _compare(article, item.truth).items():
            hits[field] += ok
            fmt[field] += ok
    generated = {f: round(hits[f] / total, 4) if total else 0.0 for f in FIELDS}
    per_group = {
        k: {f: round(c[f] / c["items"], 3) for f in FIELDS} | {"items": c["items"]}
        for k, c in sorted(by_format.items())
    }
    sample: dict[str, Any] = {}
    samples = shared_dir() / "samples"
    for name, truth in SAMPLE_TRUTH.items():
        path = samples / name
        if path.is_file():
            raw = RawArticle(
                article_id=name, content_type="text/plain", body=path.read_bytes(), source=name
            )
            sample[name] = _compare(clean_article(raw, ingested_at=now), truth)
    return {
        "generated": {
            "items": total,
            "failed_to_clean": failed,
            "accuracy": generated,
            "by_format": per_group,
        },
        "sample": sample,
    }


if __name__ == "__main__":
    print(json.dumps(score(), indent=2))
