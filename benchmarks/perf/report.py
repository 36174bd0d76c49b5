"""The results: one text table (printed), the same as Markdown, JSON, and a PNG bar chart.

`format_table` / `format_markdown` are pure (tested); `write_chart` draws articles/s per
stage, ours beside each baseline, on a log scale (rates span four orders of magnitude).
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.perf.common import Row

RATE_UNITS = ("articles/s", "pages/s", "docs/s", "msgs/s")
HEADER = ("measure", "what", "ours", "baseline", "ratio", "target", "met")


def fmt_number(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_met(row: Row) -> str:
    if row.target is None and not row.requirement:
        return ""
    if row.met is None:
        return "n/a"
    return "yes" if row.met else "NO"


def cells(row: Row) -> tuple[str, ...]:
    unit = f" {row.unit}" if row.unit else ""
    if row.ours is None and row.ours_label in ("yes", "no"):
        ours = row.ours_label
    else:
        ours = f"{fmt_number(row.ours)}{unit}"
        if row.ours_label in ("yes", "no"):
            ours = f"{row.ours_label} ({ours})"
    baseline = ""
    if row.baseline is not None:
        baseline = f"{fmt_number(row.baseline)}{unit}"
        if row.baseline_label:
            baseline += f" ({row.baseline_label})"
    ratio = f"{row.ratio:.2f}x" if row.ratio is not None and not math.isnan(row.ratio) else ""
    target = row.target.describe(row.unit) if row.target else row.requirement
    return (row.measure, row.what, ours, baseline, ratio, target, fmt_met(row))


def format_table(rows: Sequence[Row], title: str = "") -> str:
    """Fixed-width text table plus one note line per row that has a note."""
    body = [HEADER, *(cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in body) for i in range(len(HEADER))]
    lines = [title] if title else []
    for n, line in enumerate(body):
        lines.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [(r.measure, r.what, r.note) for r in rows if r.note]
    if notes:
        lines.append("")
        for measure, what, note in notes:
            lines.append(f"- {measure} / {what}: {note}")
    return "\n".join(lines)


def format_markdown(rows: Sequence[Row], title: str = "") -> str:
    out = [f"## {title}", ""] if title else []
    out.append("| " + " | ".join((*HEADER, "note")) + " |")
    out.append("|" + "---|" * (len(HEADER) + 1))
    for row in rows:
        values = (*cells(row), row.note)
        out.append("| " + " | ".join(v.replace("|", "\\|") for v in values) + " |")
    return "\n".join(out) + "\n"


def write_json(path: Path, meta: dict[str, Any], rows: Sequence[Row]) -> None:
    doc = _plain({**meta, "rows": [r.to_dict() for r in rows]})
    # allow_nan=False: NaN is not JSON; _plain has turned every NaN into null.
    path.write_text(json.dumps(doc, indent=1, allow_nan=False, default=str) + "\n")


def _plain(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def chart_rows(rows: Sequence[Row]) -> list[Row]:
    """Rows the chart shows: throughput figures (ours, and the baseline when there is one)."""
    return [r for r in rows if r.unit in RATE_UNITS and r.ours is not None]


def write_chart(path: Path, rows: Sequence[Row], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = chart_rows(rows)
    if not shown:
        return
    fig, ax = plt.subplots(figsize=(max(8.0, 1.6 * len(shown)), 5.5))
    width = 0.38
    labelled: set[str] = set()

    def label(name: str) -> str | None:
        if name in labelled:
            return None
        labelled.add(name)
        return name

    for i, row in enumerate(shown):
        ax.bar(i - width / 2, row.ours or 0, width, color="#2b6cb0", label=label("newswire"))
        if row.baseline is not None:
            ax.bar(i + width / 2, row.baseline, width, color="#a0aec0", label=label("baseline"))
        elif row.target is not None and row.target.on == "value":
            ax.bar(i + width / 2, row.target.value, width, color="none", edgecolor="#c53030",
                   hatch="//", label=label("target"))  # fmt: skip
        if row.ratio is not None and not math.isnan(row.ratio):
            ax.annotate(f"{row.ratio:.2f}x", (i, max(row.ours or 0, row.baseline or 0)),
                        ha="center", va="bottom", fontsize=9)  # fmt: skip
    ax.set_yscale("log")
    ax.set_ylabel("items per second (log scale)")
    ax.set_xticks(range(len(shown)))
    ax.set_xticklabels(
        ["\n".join(textwrap.wrap(f"{r.measure}: {r.what} ({r.unit})", 22)) for r in shown],
        fontsize=8,
    )
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
