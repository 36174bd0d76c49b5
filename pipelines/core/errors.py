"""The one error type of bad input, and the one way it becomes a dead letter.

Core functions raise `ArticleError`; chunk tasks in worker processes return it as a value
(it pickles, and compares by code and message). Transforms turn it, or any other exception
(`unexpected_error`: a bug), into a `DeadLetter` with `make_dead_letter`, `code` as the
reason, so each code must be stable: it is what operators count and alert on.
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

    @classmethod
    def of(cls, exc: Exception) -> ArticleError:
        """`exc` if it is an ArticleError, else an unexpected_error that names it."""
        if isinstance(exc, ArticleError):
            return exc
        return cls("unexpected_error", f"{type(exc).__name__}: {exc}")

    def __reduce__(self) -> tuple[type[ArticleError], tuple[str, str]]:
        return type(self), (self.code, self.message)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ArticleError):
            return NotImplemented
        return (self.code, self.message) == (other.code, other.message)

    def __hash__(self) -> int:
        return hash((self.code, self.message))


def describe_article(element: Any) -> tuple[str, bytes, str | None]:
    """(source, raw bytes, article_id) of a RawArticle or Article, for dead letters."""
    raw = getattr(element, "body", None)
    if raw is None:
        raw = (getattr(element, "text", "") or "").encode("utf-8")
    return getattr(element, "source", "?"), raw, getattr(element, "article_id", None)


def make_dead_letter(step: str, exc: Exception, element: Any, now: Clock) -> DeadLetter:
    """The dead letter of `element`, failed in `step` with `exc` (`ArticleError.of`)."""
    source, raw, article_id = describe_article(element)
    error = ArticleError.of(exc)
    return DeadLetter(
        source=source,
        step=step,
        error_code=error.code,
        error_message=error.message[:2000],
        failed_at=now(),
        raw=raw,
        article_id=article_id,
    )
