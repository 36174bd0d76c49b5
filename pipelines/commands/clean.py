"""`newswire clean PATH...`: what the pipeline makes of raw files, one JSON line per record.

Runs the decode/clean/enrich core (no dedup, no sink) on pages, scrapes, JSONL and WARC
files, in input order. Each line has `source` (the path, plus the record's index inside a
JSONL or WARC file); an input that fails gives `{"source", "error": {"step", "code",
"message"}}` instead and the rest go on. Models load once for the whole call.

    newswire clean page.html ../shared/samples/*.txt --format table
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from pipelines.config import Config

BATCH = 32


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "clean",
        help="clean and enrich raw files, print JSON lines",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for stdin")
    p.add_argument("--format", choices=["jsonl", "table"], default="jsonl")
    p.set_defaults(func=run)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def record_json(article: Any) -> dict[str, Any]:
    from pipelines.core.records import to_avro

    return {k: _json_value(v) for k, v in to_avro(article).items()}


def error_json(source: str, step: str, code: str, message: str) -> dict[str, Any]:
    return {"source": source, "error": {"step": step, "code": code, "message": message}}


def clean_records(paths: list[str], config: Config, now: Any = None) -> Iterator[dict[str, Any]]:
    """One dict per input record, in input order (what the command prints)."""
    from pipelines.core.clean import clean_article
    from pipelines.core.enrich import EnrichSettings, enrich_articles, load_models
    from pipelines.core.errors import ArticleError
    from pipelines.core.records import Article
    from pipelines.io.inputs import InputError, Inputs

    clock = now or (lambda: datetime.now(UTC))
    models = load_models(EnrichSettings(spacy_model=config.spacy_model))
    pending: list[Article | dict[str, Any]] = []

    def flush() -> Iterator[dict[str, Any]]:
        articles = [a for a in pending if isinstance(a, Article)]
        enriched = iter(enrich_articles(articles, models)) if articles else iter(())
        for item in pending:
            if not isinstance(item, Article):
                yield item
                continue
            out = next(enriched)
            if isinstance(out, ArticleError):
                yield error_json(item.source, "enrich", out.code, out.message)
            else:
                yield record_json(out)
        pending.clear()

    stdin = sys.stdin.buffer if "-" in paths else None
    for item in Inputs(paths, stdin=stdin, now=clock, max_body_bytes=config.max_body_bytes):
        if isinstance(item, InputError):
            pending.append(error_json(item.source, "read", item.reason, item.message))
        else:
            try:
                pending.append(clean_article(item, ingested_at=clock()))
            except ArticleError as exc:
                pending.append(error_json(item.source, "clean", exc.code, exc.message))
        if len(pending) >= BATCH:
            yield from flush()
    yield from flush()


def run(args: argparse.Namespace, config: Config) -> int:
    import os

    from pipelines.commands import UsageError

    for path in args.paths:
        if path != "-" and not os.path.exists(path):
            raise UsageError(f"{path}: no such file or folder")
    failed = total = 0
    rows = []
    for record in clean_records(args.paths, config):
        total += 1
        failed += "error" in record
        if args.format == "jsonl":
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            rows.append(record)
    if args.format == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=True)
        for column in (
            "source",
            "title",
            "authors",
            "published_at",
            "dateline",
            "language",
            "words",
            "error",
        ):
            table.add_column(column, overflow="fold")
        for r in rows:
            err = r.get("error")
            table.add_row(
                r["source"],
                r.get("title") or "",
                ", ".join(r.get("authors") or []),
                r.get("published_at") or "",
                r.get("dateline") or "",
                r.get("language") or "",
                str(r.get("word_count", "")),
                f"{err['step']}:{err['code']}" if err else "",
            )
        Console().print(table)
    # Failures are reported per record; the call fails only when nothing could be cleaned.
    return 1 if total == 0 or failed == total else 0
