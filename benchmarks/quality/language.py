"""Language-identification accuracy: generated multi-language items and the real benchmark
pages whose <html lang> names a language, each cleaned and enriched as the pipeline does.

    .venv/bin/python -m benchmarks.quality.language
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

_LANG_ATTR = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)


def score(count: int = 600, seed: int = 7) -> dict[str, Any]:
    from benchmarks.quality.extraction import load_pages
    from pipelines.core.clean import clean_article
    from pipelines.core.errors import ArticleError
    from pipelines.core.language import detect_language
    from pipelines.core.records import RawArticle
    from pipelines.samples.generator import generate_corpus

    now = datetime.now(UTC)
    generated: Counter[str] = Counter()
    confusion: Counter[str] = Counter()
    for item in generate_corpus(count, seed=seed):
        raw = item.raw_article()
        if raw is None:
            continue
        truth = item.truth.get("language")
        raw.language_hint = None  # measure detection, not the producer's hint
        try:
            text = clean_article(raw, ingested_at=now).text
        except ArticleError:
            continue
        got = detect_language(text)
        generated["items"] += 1
        generated["correct"] += got == truth
        if got != truth:
            confusion[f"{truth}->{got}"] += 1
    pages: Counter[str] = Counter()
    for page in load_pages():
        m = _LANG_ATTR.search(page.html[:5000])
        if not m:
            continue
        truth = m.group(1).decode().lower()[:2]
        raw = RawArticle(
            article_id=page.page_id,
            content_type="text/html",
            body=page.html,
            source=page.page_id,
            url=page.url,
        )
        try:
            text = clean_article(raw, ingested_at=now).text
        except ArticleError:
            pages["failed_to_clean"] += 1
            continue
        pages["pages"] += 1
        pages["correct"] += detect_language(text) == truth
    return {
        "generated": {
            "items": generated["items"],
            "accuracy": round(generated["correct"] / generated["items"], 4)
            if generated["items"]
            else 0.0,
            "errors": dict(confusion.most_common(10)),
        },
        "benchmark_pages": {
            "pages_with_lang": pages["pages"],
            "accuracy": round(pages["correct"] / pages["pages"], 4) if pages["pages"] else 0.0,
        },
    }


if __name__ == "__main__":
    print(json.dumps(score(), indent=2))
