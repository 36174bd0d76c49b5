"""Tests for the performance benchmark's pure helpers: ratios, verdicts, tables, summaries.

No timings here: the figures are made up; what is checked is the arithmetic and layout.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.perf.batch import parse_summary
from benchmarks.perf.common import (
    SIZES,
    ProcessRun,
    Row,
    Target,
    finish_row,
    median_of,
    median_run,
    percentile,
    ratio,
    size_from_env,
)
from benchmarks.perf.report import (
    cells,
    chart_rows,
    fmt_number,
    format_markdown,
    format_table,
    write_json,
)
from benchmarks.perf.stages import dedup_quality
from benchmarks.perf.streaming import lag_bounded


def _row(**kw: object) -> Row:
    base: dict[str, object] = {"measure": "1 batch", "what": "pipeline", "unit": "articles/s"}
    base.update(kw)
    return finish_row(Row(**base))  # type: ignore[arg-type]


def test_ratio_is_ours_over_baseline() -> None:
    assert ratio(30.0, 20.0) == 1.5
    assert ratio(None, 20.0) is None
    assert ratio(3.0, 0.0) is None


def test_at_least_target_on_the_ratio() -> None:
    row = _row(ours=30.0, baseline=20.0, target=Target(">=", 1.5))
    assert row.ratio == 1.5 and row.met is True
    row = _row(ours=29.0, baseline=20.0, target=Target(">=", 1.5))
    assert row.met is False


def test_at_most_target_for_memory_growth() -> None:
    row = _row(unit="MB", ours=1300.0, baseline=1000.0, target=Target("<=", 1.2))
    assert row.ratio == pytest.approx(1.3)
    assert row.met is False
    assert _row(unit="MB", ours=1100.0, baseline=1000.0, target=Target("<=", 1.2)).met


def test_value_target_ignores_the_ratio() -> None:
    row = _row(ours=8.4, target=Target(">=", 50, on="value"))
    assert row.ratio is None
    assert row.met is False
    assert _row(ours=55.0, target=Target(">=", 50, on="value")).met is True


def test_missing_figure_is_not_a_verdict() -> None:
    row = _row(ours=None, baseline=20.0, target=Target(">=", 1.5))
    assert row.met is None


def test_target_rejects_unknown_operators() -> None:
    with pytest.raises(ValueError):
        Target(">", 1.0)
    with pytest.raises(ValueError):
        Target(">=", 1.0, on="seconds")


def test_target_description() -> None:
    assert Target(">=", 1.5).describe() == ">= 1.5x"
    assert Target(">=", 50, on="value").describe("articles/s") == ">= 50 articles/s"


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([4.0], 99) == 4.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([3.0, 1.0, 2.0], 100) == 3.0
    assert percentile(list(map(float, range(101))), 99) == pytest.approx(99.0)


def test_number_formatting() -> None:
    assert fmt_number(None) == "-"
    assert fmt_number(float("nan")) == "-"
    assert fmt_number(12345.6) == "12,346"
    assert fmt_number(23.64) == "23.6"
    assert fmt_number(0.644) == "0.64"


def test_table_has_every_ratio_target_and_verdict() -> None:
    rows = [
        _row(ours=15.0, baseline=23.6, baseline_label="naive loop", target=Target(">=", 1.5)),
        _row(measure="3 stage", what="dedup", unit="docs/s", ours=1500.0, baseline=300.0,
             target=Target(">=", 3.0), note="same precision"),
        _row(measure="4 stream", what="lag", unit="max lag", ours=50.0, ours_label="yes",
             requirement="bounded", met=True),
    ]  # fmt: skip
    text = format_table(rows, "title")
    lines = text.splitlines()
    assert lines[0] == "title"
    assert lines[1].split() == ["measure", "what", "ours", "baseline", "ratio", "target", "met"]
    assert "0.64x" in lines[3] and ">= 1.5x" in lines[3] and lines[3].endswith("NO")
    assert "5.00x" in lines[4] and lines[4].endswith("yes")
    assert "bounded" in lines[5] and "yes (50.0 max lag)" in lines[5]
    assert "- 3 stage / dedup: same precision" in text
    # Columns line up: every data line starts its "what" column at the same offset.
    offsets = {
        line.index(word)
        for line, word in zip(lines[3:6], ("pipeline", "dedup", "lag"), strict=True)
    }
    assert len(offsets) == 1


def test_row_without_target_has_no_verdict() -> None:
    row = _row(unit="MB", ours=1376.0, baseline=446.0, baseline_label="naive loop")
    assert cells(row)[-1] == ""
    assert cells(row)[4] == "3.09x"


def test_markdown_escapes_pipes() -> None:
    row = _row(ours=1.0, baseline=2.0, note="a | b")
    md = format_markdown([row], "t")
    assert md.startswith("## t\n")
    assert "a \\| b" in md
    assert md.count("\n|") == 3  # header, rule, one row


def test_json_has_rows_and_no_nan(tmp_path) -> None:  # type: ignore[no-untyped-def]
    row = _row(ours=1.0, baseline=2.0, ratio=float("nan"))
    path = tmp_path / "perf.json"
    write_json(path, {"size": "small"}, [row])
    doc = json.loads(path.read_text())
    assert doc["size"] == "small"
    assert doc["rows"][0]["ratio"] is None


def test_chart_shows_only_throughput_rows() -> None:
    rows = [_row(ours=1.0, baseline=2.0), _row(unit="MB", ours=3.0), _row(unit="s", ours=7.0)]
    assert [r.unit for r in chart_rows(rows)] == ["articles/s"]


def test_sizes_from_env() -> None:
    assert size_from_env({}).name == "small"
    assert size_from_env({"BENCH_SIZE": "LARGE"}) is SIZES["large"]
    with pytest.raises(SystemExit):
        size_from_env({"BENCH_SIZE": "huge"})
    assert SIZES["large"].memory_pages == (10_000, 100_000)
    medium = size_from_env({"BENCH_SIZE": "medium"})
    assert medium.memory_pages == (2_000, 20_000) and medium.max_pages == 20_000
    assert all(s.repeat >= 3 for s in SIZES.values()) and SIZES["small"].runs == 3


def test_medians_of_repeated_measurements() -> None:
    from pathlib import Path

    runs = [
        ProcessRun(seconds=s, peak_rss_mb=m, peak_processes=3, returncode=0, log=Path("x"))
        for s, m in ((10.0, 900.0), (30.0, 800.0), (12.0, 5000.0))
    ]
    med = median_run(runs)
    assert (med.seconds, med.peak_rss_mb, med.repeats) == (12.0, 900.0, 3)
    ticks = iter([0.0, 1.0, 1.0, 5.0, 5.0, 6.5, 6.5, 7.0, 7.0, 100.0, 100.0, 101.0])
    times = median_of({"a": lambda: None, "b": lambda: None}, 3, clock=lambda: next(ticks))
    assert times == {"a": 1.5, "b": 1.0}  # a: 1, 1.5, 93; b: 4, 0.5, 1 (alternating)


def test_dedup_quality_counts_later_copies_of_a_story() -> None:
    order = ["a1", "b1", "a2", "a3", "c1"]
    story = {"a1": 1, "a2": 1, "a3": 1, "b1": 2, "c1": 3}
    # a2 and a3 should be found (2 positives); c1 matched to b1 is wrong.
    precision, recall = dedup_quality(order, story, {"a2": "a1", "a3": "a2", "c1": "b1"})
    assert precision == pytest.approx(2 / 3)
    assert recall == 1.0
    assert dedup_quality(order, story, {}) == (1.0, 0.0)


def test_lag_bounded() -> None:
    steady = [(float(t), 20 + (t % 5) * 10) for t in range(30)]  # saw-tooth, no trend
    assert lag_bounded(steady, rate=10.0, window_s=5.0)
    growing = [(float(t), t * 20) for t in range(30)]
    assert not lag_bounded(growing, rate=10.0, window_s=5.0)
    assert lag_bounded([(0.0, 500)], rate=1.0, window_s=1.0)


def test_parse_summary_reads_the_backfill_table() -> None:
    text = "\n".join(
        [
            "┏━━━━━━━━━━━━━━━━━┳━━━━━━━┓",
            "┃ what            ┃ count ┃",
            "│ read            │   737 │",
            "│ written         │   595 │",
            "│   dead letter read:empty │ 16 │",
            "│ seconds         │  43.0 │",
            "└─────────────────┴───────┘",
        ]
    )
    assert parse_summary(text) == {"read": 737.0, "written": 595.0, "seconds": 43.0}


def test_the_stream_corpus_lasts_the_whole_measure() -> None:
    """Warm-up, backlog and the steady phase at the target rate each take the next generated
    item: the bench never sends one twice (a repeat would be an exact duplicate, which skips
    enrichment); the duplicates the generator makes on purpose stay, as in a real feed."""
    from benchmarks.perf.common import SIZES
    from benchmarks.perf.streaming import TARGET_RATE
    from pipelines.samples import generate_corpus

    size = SIZES["small"]
    assert SIZES["medium"].stream_items == size.stream_items
    raws = generate_corpus(size.stream_items, seed=7).raw_articles()
    needed = 20 + size.stream_backlog + int(TARGET_RATE * size.stream_seconds)
    assert len(raws) >= needed
