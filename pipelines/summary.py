"""Run summaries from Beam counters: read, cleaned, duplicates, dead letters by reason, written."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pipelines.core.layout import ARTICLES


def counters(result: Any) -> dict[tuple[str, str], int]:
    """{(namespace, name): value} summed over every step of a finished pipeline."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for counter in result.metrics().query()["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        totals[(counter.key.metric.namespace, counter.key.metric.name)] += int(value or 0)
    return dict(totals)


def summarize(result: Any, seconds: float) -> dict[str, Any]:
    return summarize_counters(counters(result), seconds)


def add_counters(
    total: dict[tuple[str, str], int], more: dict[tuple[str, str], int]
) -> dict[tuple[str, str], int]:
    """Counters of several runs (a backfill split into runs) summed."""
    out = dict(total)
    for key, value in more.items():
        out[key] = out.get(key, 0) + value
    return out


def summarize_counters(c: dict[tuple[str, str], int], seconds: float) -> dict[str, Any]:
    # Counted where dead letters reach the sink (pipeline.WriteOutputs), as "<step>:<code>".
    dead = {name: value for (ns, name), value in sorted(c.items()) if ns == "dead_letter" and value}
    read = (
        c.get(("read", "ok"), 0)
        + c.get(("decode", "ok"), 0)
        + sum(v for k, v in dead.items() if k.startswith(("read:", "decode:")))
    )
    written = c.get(("write", f"{ARTICLES.folder}_rows"), 0)  # io.sink's counter names
    return {
        "read": read,
        "cleaned": c.get(("clean", "ok"), 0),
        "exact_duplicates": c.get(("dedup", "exact"), 0),
        "near_duplicates": c.get(("dedup", "near"), 0),
        "already_ingested": c.get(("dedup", "already_ingested"), 0),
        "enriched": c.get(("enrich", "ok"), 0),
        "dead_letters": sum(dead.values()),
        "dead_letters_by_reason": dead,
        "written": written,
        "files": sum(v for (ns, name), v in c.items() if ns == "write" and name.endswith("_files")),
        "seconds": round(seconds, 1),
        "articles_per_s": round(read / seconds, 1) if seconds > 0 else 0.0,
    }


def print_summary(summary: dict[str, Any], output_uri: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"newswire -> {output_uri}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in (
        "read",
        "cleaned",
        "exact_duplicates",
        "near_duplicates",
        "already_ingested",
        "enriched",
        "written",
        "files",
        "dead_letters",
    ):
        table.add_row(key.replace("_", " "), str(summary[key]))
    for reason, value in summary["dead_letters_by_reason"].items():
        table.add_row(f"  dead letter {reason}", str(value))
    table.add_row("seconds", str(summary["seconds"]))
    table.add_row("articles/s", str(summary["articles_per_s"]))
    Console(stderr=True).print(table)
