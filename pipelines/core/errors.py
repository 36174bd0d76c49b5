"""The one exception type core functions raise for bad input, and the dead letter it becomes.

Transforms catch `ArticleError` and route the input to the dead-letter output with `code`
as the reason, so each code must be stable: it is what operators count and alert on.
"""

from __future__ import annotations

from typing import Any

from pipelines.core.clock import Clock
from pipelines.core.records import DeadLetter

DEAD_LETTER = "dead_letter"  # the tag of every step's dead-letter output


class ArticleError(Exception):
    """Bad input that cannot be processed. `code` is a stable snake_case reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def describe_article(element: Any) -> tuple[str, bytes, str | None]:
    """(source, raw bytes, article_id) of a RawArticle or Article, for dead letters."""
    raw = getattr(element, "body", None)
    if raw is None:
        raw = (getattr(element, "text", "") or "").encode("utf-8")
    return getattr(element, "source", "?"), raw, getattr(element, "article_id", None)


def make_dead_letter(step: str, exc: Exception, element: Any, now: Clock) -> DeadLetter:
    """The dead letter of `element`, failed in `step` with `exc` (`ArticleError.code`, or
    unexpected_error for anything else: a bug)."""
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
