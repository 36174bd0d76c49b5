"""A DoFn that applies a core function and routes its failures to dead letters.

`ApplyOrDeadLetter(step, fn, now)` calls `fn(element)` (which returns one output, or None for
"no output") and sends any exception to the `dead_letter` tagged output as a `DeadLetter`
(`core.errors.make_dead_letter`), bumping `Metrics.counter(step, code)`. Bad input never
stops the pipeline and is never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.core.clock import Clock, utc_now
from pipelines.core.errors import DEAD_LETTER, make_dead_letter


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
