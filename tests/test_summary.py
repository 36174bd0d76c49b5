"""Run summaries from the counters the pipeline's steps really emit."""

from __future__ import annotations

from pipelines.core.layout import ARTICLES, DEAD_LETTERS
from pipelines.summary import summarize_counters


def test_written_counts_the_rows_the_articles_sink_wrote() -> None:
    # The names io.sink gives its counters: "<kind folder>_rows", "<kind folder>_files".
    counters = {
        ("read", "ok"): 5,
        ("write", f"{ARTICLES.folder}_rows"): 4,
        ("write", f"{ARTICLES.folder}_files"): 1,
        ("write", f"{DEAD_LETTERS.folder}_files"): 1,
        ("dead_letter", "read:empty"): 1,
    }
    summary = summarize_counters(counters, 2.0)
    assert summary["written"] == 4
    assert summary["files"] == 2
    assert summary["read"] == 6 and summary["dead_letters_by_reason"] == {"read:empty": 1}
