"""`newswire inspect URI`: what an output folder or bucket prefix holds.

Reads the output's Iceberg tables (pyiceberg scans of each table's current snapshot: what
has been committed). Counts per day and language, dead letters by reason, duplicate rate,
the most frequent entities, countries and topics, and one sample record.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

from pipelines.commands import uri_arg
from pipelines.config import Config


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("inspect", help="summarize an output folder or s3:// prefix")
    p.add_argument(
        "uri",
        type=uri_arg,
        help="s3://bucket/prefix or local folder given to backfill/run as --output",
    )
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def read_kind(tables: Any, name: str) -> list[dict[str, Any]]:
    """Rows of table `name` (articles, duplicates, dead_letter) as committed."""
    from pipelines.io.scan import scan_rows

    return list(scan_rows(tables, name))


def report(
    articles: list[dict[str, Any]],
    duplicates: list[dict[str, Any]],
    dead: list[dict[str, Any]],
    top: int,
) -> dict[str, Any]:
    per_day: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    entities: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    for a in articles:
        when = a.get("published_at") or a.get("ingested_at")
        per_day[when.date().isoformat() if when else "unknown"] += 1
        languages[a.get("language") or "unknown"] += 1
        for e in a.get("entities") or []:
            entities[f"{e['text']} ({e['label']})"] += e["count"]
        countries.update(a.get("countries") or [])
        topics.update(a.get("topics") or [])
    kinds = Counter(d["kind"] for d in duplicates)
    seen = len(articles) + kinds.get("exact", 0)
    sample = None
    if articles:
        first = min(articles, key=lambda a: a["article_id"])
        sample = {
            k: (v[:300] + "..." if isinstance(v, str) and len(v) > 300 else v)
            for k, v in first.items()
        }
    return {
        "articles": len(articles),
        "per_day": dict(sorted(per_day.items())),
        "languages": dict(languages.most_common()),
        "duplicates": dict(kinds),
        "near_duplicates_in_articles": sum(1 for a in articles if a.get("duplicate_of")),
        "duplicate_rate": round((kinds.get("exact", 0) + kinds.get("near", 0)) / seen, 4)
        if seen
        else 0.0,
        "dead_letters": len(dead),
        "dead_letters_by_reason": dict(
            Counter(f"{d['step']}:{d['error_code']}" for d in dead).most_common()
        ),
        "top_entities": entities.most_common(top),
        "top_countries": countries.most_common(top),
        "top_topics": topics.most_common(top),
        "sample": sample,
    }


def run(args: argparse.Namespace, config: Config) -> int:
    from pipelines.io.probes import preflight
    from pipelines.io.scan import output_tables

    preflight(config, uris=[args.uri], catalog_for=args.uri)
    with output_tables(args.uri, config) as tables:
        result = report(
            read_kind(tables, "articles"),
            read_kind(tables, "duplicates"),
            read_kind(tables, "dead_letter"),
            args.top,
        )
    if args.json:
        print(json.dumps(result, default=str, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"[bold]{args.uri}[/bold]: {result['articles']} articles, "
        f"{result['dead_letters']} dead letters, duplicate rate {result['duplicate_rate']:.1%}"
    )
    for title, items in (
        ("per day", list(result["per_day"].items())),
        ("languages", list(result["languages"].items())),
        ("duplicates", list(result["duplicates"].items())),
        ("dead letters by reason", list(result["dead_letters_by_reason"].items())),
        ("top entities", result["top_entities"]),
        ("top countries", result["top_countries"]),
        ("top topics", result["top_topics"]),
    ):
        table = Table(title=title, show_header=False)
        for key, value in items:
            table.add_row(str(key), str(value))
        console.print(table)
    if result["sample"]:
        console.print_json(json.dumps(result["sample"], default=str, ensure_ascii=False))
    return 0
