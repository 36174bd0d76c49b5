"""The one exception type core functions raise for bad input.

Transforms catch `ArticleError` and route the input to the dead-letter output with `code`
as the reason, so each code must be stable: it is what operators count and alert on.
"""

from __future__ import annotations


class ArticleError(Exception):
    """Bad input that cannot be processed. `code` is a stable snake_case reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
