"""Article-extraction quality: our CLEAN step vs trafilatura's defaults on the shared benchmark.

Scores body-text extraction on /work/shared/benchmarks/article-extraction/ (181 real pages with
gold article bodies) with the method its README.md prescribes, so our numbers compare with the
published ones:

- tokens are the regex ``\\w+`` matches of each text, in order;
- each text becomes a multiset (Counter) of word 4-gram shingles;
- per document tp = |pred ∩ gold|, fp = |pred| - tp, fn = |gold| - tp, then tp/fp/fn are
  normalized to sum to 1 (an empty prediction against a non-empty gold is all fn);
- precision = mean over documents of tp/(tp+fp) (0 where tp+fp is 0), recall likewise with fn,
  F1 = harmonic mean of the two means;
- accuracy = share of documents whose predicted token sequence equals the gold one exactly.

"ours" runs ``pipelines.core.clean.clean_article`` exactly as the pipeline does (a RawArticle
with content_type text/html, the page bytes and its URL; pages it rejects score as empty);
"trafilatura" is ``trafilatura.extract`` with default settings. Throughput is pages/s of one
process, extraction only (loading and scoring excluded).

The data directory is ``<shared>/benchmarks/article-extraction`` (shared: NEWSWIRE_SHARED or
../shared beside the project). `score()` returns the results as a dict; `main()` also prints
a table.

Run: ``.venv/bin/python -m benchmarks.quality.extraction [--data DIR] [--json OUT]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DATA_SUBDIR = "benchmarks/article-extraction"
TOKEN_RE = re.compile(r"\w+")
NGRAM = 4
# Fixed clock so runs are reproducible; later than any page of both sets (dates after it are
# discarded as in the future).
INGESTED_AT = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Page:
    page_id: str
    url: str
    html: bytes
    gold: str


@dataclass(frozen=True, slots=True)
class Score:
    name: str
    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int
    seconds: float

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "name": self.name,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "accuracy": round(self.accuracy, 4),
            "pages": self.pages,
            "seconds": round(self.seconds, 3),
            "pages_per_s": round(self.pages_per_s, 1),
        }


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


def shingles(toks: Sequence[str], n: int = NGRAM) -> Counter[tuple[str, ...]]:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def document_counts(pred: str, gold: str) -> tuple[float, float, float]:
    """Normalized (tp, fp, fn) for one document; they sum to 1 unless both texts are empty."""
    p, g = shingles(tokens(pred)), shingles(tokens(gold))
    tp = sum((p & g).values())
    fp = sum(p.values()) - tp
    fn = sum(g.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def score_predictions(
    name: str, predictions: Sequence[str], golds: Sequence[str], seconds: float = 0.0
) -> Score:
    """The README's method over a set of documents."""
    precisions, recalls, exact = [], [], 0
    for pred, gold in zip(predictions, golds, strict=True):
        tp, fp, fn = document_counts(pred, gold)
        precisions.append(tp / (tp + fp) if tp + fp > 0 else 0.0)
        recalls.append(tp / (tp + fn) if tp + fn > 0 else 0.0)
        exact += tokens(pred) == tokens(gold)
    n = len(golds)
    precision = sum(precisions) / n if n else 0.0
    recall = sum(recalls) / n if n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return Score(name, precision, recall, f1, exact / n if n else 0.0, n, seconds)


def default_data_dir() -> Path:
    from benchmarks.quality.common import shared_dir

    return shared_dir() / DATA_SUBDIR


def load_pages(data_dir: Path | None = None) -> list[Page]:
    data_dir = data_dir or default_data_dir()
    gold = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(gold):
        html = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(Page(page_id, gold[page_id]["url"], html, gold[page_id]["articleBody"] or ""))
    return pages


def run(
    name: str, extract: Callable[[Page], str], pages: Sequence[Page]
) -> tuple[Score, list[str]]:
    """Extract every page (timed), then score. Returns the score and the predictions."""
    predictions = []
    start = time.perf_counter()
    for page in pages:
        predictions.append(extract(page))
    seconds = time.perf_counter() - start
    return score_predictions(name, predictions, [p.gold for p in pages], seconds), predictions


def clean_page(url: str, html: bytes, source: str) -> Any:
    """The CLEAN step as the pipeline runs it: the Article, or the ArticleError it raised."""
    from pipelines.core.clean import clean_article
    from pipelines.core.errors import ArticleError
    from pipelines.core.records import RawArticle
    from pipelines.core.urls import article_id_for

    raw = RawArticle(
        article_id=article_id_for(url, html),
        content_type="text/html",
        body=html,
        source=source,
        url=url,
    )
    try:
        return clean_article(raw, ingested_at=INGESTED_AT)
    except ArticleError as err:
        return err


def ours(page: Page) -> str:
    """The CLEAN step as the pipeline runs it; a rejected page predicts nothing."""
    from pipelines.core.errors import ArticleError

    article = clean_page(page.url, page.html, f"benchmark:{page.page_id}")
    return "" if isinstance(article, ArticleError) else article.text


def trafilatura_default(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(page.html.decode("utf-8"), url=page.url) or ""


EXTRACTORS: dict[str, Callable[[Page], str]] = {
    "ours (clean_article)": ours,
    "trafilatura default": trafilatura_default,
}


def format_table(scores: Iterable[Score]) -> str:
    head = f"{'extractor':<24} {'F1':>6} {'prec':>6} {'recall':>6} {'acc':>6} {'pages/s':>8}"
    lines = [head, "-" * len(head)]
    for s in scores:
        lines.append(
            f"{s.name:<24} {s.f1:6.3f} {s.precision:6.3f} {s.recall:6.3f} "
            f"{s.accuracy:6.3f} {s.pages_per_s:8.1f}"
        )
    return "\n".join(lines)


def score_all(data: Path | None = None, only: str | None = None) -> tuple[list[Score], int]:
    pages = load_pages(data)
    # Warm-up outside the timed loop: imports and lazy tables are one-off costs per worker.
    from pipelines.core.clean import preload

    preload()  # the city tables and the language model, as a pipeline worker loads them
    for extract in EXTRACTORS.values():
        extract(pages[0])
    scores = [
        run(name, extract, pages)[0]
        for name, extract in EXTRACTORS.items()
        if not only or name.startswith(only)
    ]
    return scores, len(pages)


def results(scores: Sequence[Score], pages: int) -> dict[str, Any]:
    return {
        "benchmark": "article-extraction",
        "pages": pages,
        "method": "\\w+ tokens, word 4-gram multisets, per-document normalized tp/fp/fn, "
        "F1 of mean precision and mean recall",
        "results": {s.name: s.as_dict() for s in scores},
    }


def score(data: Path | None = None) -> dict[str, Any]:
    """Score both extractors; the dict the eval harness stores."""
    return results(*score_all(data))


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, help="benchmark directory (default: shared data)")
    parser.add_argument("--json", type=Path, help="also write the results dict here")
    parser.add_argument("--only", choices=["ours", "trafilatura"], help="run one extractor")
    args = parser.parse_args(argv)

    scores, pages = score_all(args.data, args.only)
    print(format_table(scores))
    result = results(scores, pages)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
