"""What every step shares: a DoFn that applies a core function and routes failures.

`ApplyOrDeadLetter(step, fn, now)` calls `fn(element)` (which returns one output, or
None for "no output") and sends any exception to the `dead_letter` tagged output as a
`DeadLetter` with a stable code (`ArticleError.code`, or `unexpected_error` for bugs), bumping
`Metrics.counter(step, code)`. Bad input never stops the pipeline and is never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.core.clock import Clock, utc_now
from pipelines.core.errors import ArticleError
from pipelines.core.records import DeadLetter

DEAD_LETTER = "dead_letter"


def single_process_runner(pipeline: beam.Pipeline) -> bool:
    """Whether every bundle of a job runs in one SDK process: Prism, and the Direct runner
    (which hands streaming jobs to Prism). Process-wide state is then job-wide."""
    return type(pipeline.runner).__name__ in {
        "PrismRunner",
        "DirectRunner",
        "SwitchingDirectRunner",
    }


def describe_article(element: Any) -> tuple[str, bytes, str | None]:
    """(source, raw bytes, article_id) of a RawArticle or Article, for dead letters."""
    raw = getattr(element, "body", None)
    if raw is None:
        raw = (getattr(element, "text", "") or "").encode("utf-8")
    return getattr(element, "source", "?"), raw, getattr(element, "article_id", None)


def make_dead_letter(step: str, exc: Exception, element: Any, now: Clock) -> DeadLetter:
    source, raw, article_id = describe_article(element)
    if isinstance(exc, ArticleError):
        code, message = exc.code, exc.message
    else:
        code, message = "unexpected_error", f"{type(exc).__name__}: {exc}"
    return DeadLetter(
        source=source,
        step=step,
        error_code=code,
        error_message=message[:2000],
        failed_at=now(),
        raw=raw,
        article_id=article_id,
    )


class ApplyOrDeadLetter(beam.DoFn):
    def __init__(self, step: str, fn: Callable[[Any], Any], now: Clock = utc_now) -> None:
        self.step = step
        self.fn = fn
        self.now = now
        self.ok = Metrics.counter(step, "ok")

    def process(self, element: Any) -> Iterator[Any]:
        try:
            out = self.fn(element)
        except Exception as exc:  # routed to the dead-letter output, never dropped
            letter = make_dead_letter(self.step, exc, element, self.now)
            Metrics.counter(self.step, letter.error_code).inc()
            yield beam.pvalue.TaggedOutput(DEAD_LETTER, letter)
            return
        if out is not None:
            self.ok.inc()
            yield out
