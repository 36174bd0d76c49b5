"""Body and metadata quality on the 990-page trafilatura evaluation set, ours vs trafilatura.

Scored as `<shared>/benchmarks/trafilatura-eval/README.md` prescribes:

- text and segments are whitespace-normalized; a `with` segment found in the text is a true
  positive (else a false negative), a `without` segment found is a false positive; summed over
  all pages, then precision, recall and F1;
- title: exact match after stripping; author: the lower-cased, stripped set of names equals the
  gold set; date: the first 10 characters of the publication date equal the gold date; each over
  the pages that have the field (an empty gold value is no field).

"ours" is ``pipelines.core.clean.clean_article`` as the pipeline runs it (a rejected page has no
text and no metadata). Its `published_at` is UTC; the date scored is the date the page states
(`local_date`: the UTC time shown in the zone clean_article inferred or read), since a reader of
the table asks "published on which day", not "on which UTC day". "trafilatura" is
``trafilatura.bare_extraction(html, url=url, with_metadata=True)`` with defaults, as the
README's reference row.

Each run also writes the per-page outputs to ``.cache/eval/segments-<name>.json`` so the pages
where two extractors differ can be read without extracting again.

Run: ``.venv/bin/python -m benchmarks.quality.segments [--only ours|trafilatura]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from benchmarks.quality.common import ROOT, prf, shared_dir

DATA_SUBDIR = "benchmarks/trafilatura-eval"
CACHE = ROOT / ".cache" / "eval"
_ZONE_RE = re.compile(r"(?:local|zone)=([^()]+)\(")


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    file: str
    html: bytes
    with_: tuple[str, ...]
    without: tuple[str, ...]
    title: str | None
    authors: frozenset[str] | None
    date: str | None


@dataclass(slots=True)
class Output:
    """What one extractor gave for one page."""

    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None  # YYYY-MM-DD as the page states it
    error: str | None = None


def _author_set(value: Any) -> frozenset[str]:
    names = value if isinstance(value, list) else [value]
    return frozenset(n.strip().lower() for n in names if n and n.strip())


def load_pages(data_dir: Path | None = None) -> list[Page]:
    data_dir = data_dir or shared_dir() / DATA_SUBDIR
    gold = json.loads((data_dir / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in sorted(gold.items()):
        html = gzip.decompress((data_dir / "pages" / f"{item['file']}.gz").read_bytes())
        pages.append(
            Page(
                url=url,
                file=item["file"],
                html=html,
                with_=tuple(item.get("with") or ()),
                without=tuple(item.get("without") or ()),
                title=item.get("title") or None,
                authors=_author_set(item.get("author")) or None,
                date=item.get("date") or None,
            )
        )
    return pages


def _spaces(text: str) -> str:
    return " ".join(text.split())


def local_date(published_at: datetime | None, source: str | None) -> str | None:
    """The calendar date of `published_at` in the publisher's zone as clean_article found it."""
    if published_at is None:
        return None
    zones = _ZONE_RE.findall(source or "")
    zone_name = zones[-1] if zones else ""  # the publisher's zone (local=) over the stated one
    value = published_at.astimezone(UTC)
    if zone_name and zone_name not in ("explicit", "unknown"):
        value = value.astimezone(_zone(zone_name))
    return value.date().isoformat()


def _zone(label: str) -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    m = re.fullmatch(r"(?:UTC)?([+-])(\d\d):?(\d\d)", label)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        return timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3))))
    try:
        return ZoneInfo(label)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def ours(page: Page) -> Output:
    from benchmarks.quality.extraction import clean_page
    from pipelines.core.errors import ArticleError

    article = clean_page(page.url, page.html, f"benchmark:{page.file}")
    if isinstance(article, ArticleError):
        return Output(error=article.code)
    return Output(
        text=article.text,
        title=article.title,
        authors=list(article.authors),
        date=local_date(article.published_at, article.published_at_source),
    )


def trafilatura_default(page: Page) -> Output:
    import trafilatura

    doc = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
    if doc is None:
        return Output(error="none")
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Output(
        text=doc.text or "", title=doc.title, authors=authors, date=(doc.date or "")[:10] or None
    )


EXTRACTORS: dict[str, Callable[[Page], Output]] = {
    "ours": ours,
    "trafilatura": trafilatura_default,
}


@dataclass(frozen=True, slots=True)
class Score:
    name: str
    precision: float
    recall: float
    f1: float
    title: float
    author: float
    date: float
    pages: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def score_outputs(
    name: str, pages: Sequence[Page], outs: Sequence[Output], seconds: float
) -> Score:
    tp = fp = fn = 0
    title = [0, 0]
    author = [0, 0]
    date = [0, 0]
    for page, out in zip(pages, outs, strict=True):
        text = _spaces(out.text)
        for seg in page.with_:
            if _spaces(seg) in text:
                tp += 1
            else:
                fn += 1
        fp += sum(_spaces(seg) in text for seg in page.without)
        if page.title is not None:
            title[1] += 1
            title[0] += (out.title or "").strip() == page.title.strip()
        if page.authors is not None:
            author[1] += 1
            author[0] += _author_set(out.authors) == page.authors
        if page.date is not None:
            date[1] += 1
            date[0] += (out.date or "")[:10] == page.date[:10]
    p, r, f = prf(tp, fp, fn)
    return Score(
        name, p, r, f,
        title[0] / title[1] if title[1] else 0.0,
        author[0] / author[1] if author[1] else 0.0,
        date[0] / date[1] if date[1] else 0.0,
        len(pages), seconds,
    )  # fmt: skip


def run(name: str, pages: Sequence[Page]) -> Score:
    from pipelines.core.clean import preload

    extract = EXTRACTORS[name]
    preload()  # the city tables and the language model, as a pipeline worker loads them
    extract(pages[0])  # warm-up: imports and lazy tables are one-off costs
    start = time.perf_counter()
    outs = [extract(page) for page in pages]
    seconds = time.perf_counter() - start
    CACHE.mkdir(parents=True, exist_ok=True)
    dump = {p.url: asdict(o) for p, o in zip(pages, outs, strict=True)}
    (CACHE / f"segments-{name}.json").write_text(json.dumps(dump, ensure_ascii=False))
    return score_outputs(name, pages, outs, seconds)


def score(data: Path | None = None, only: str | None = None) -> dict[str, Any]:
    pages = load_pages(data)
    names = [n for n in EXTRACTORS if not only or n == only]
    return {
        "benchmark": "trafilatura-eval",
        "pages": len(pages),
        "results": {n: run(n, pages).as_dict() for n in names},
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--only", choices=list(EXTRACTORS))
    args = parser.parse_args(argv)
    result = score(args.data, args.only)
    print(f"{'extractor':<12} {'P':>6} {'R':>6} {'F1':>6} {'title':>6} {'author':>6} {'date':>6}")
    for s in result["results"].values():
        print(
            f"{s['name']:<12} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['title']:6.3f} {s['author']:6.3f} {s['date']:6.3f}  ({s['seconds']:.0f}s)"
        )
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
