"""ArticleError: the one error type, and the dead letter it becomes."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from pipelines.core.errors import ArticleError, make_dead_letter
from pipelines.core.records import Article, RawArticle

NOW = datetime(2024, 9, 26, 12, 0, tzinfo=UTC)


def test_article_error_pickles_with_its_code_and_message() -> None:
    error = ArticleError("no_text", "empty")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ArticleError
    assert (copy.code, copy.message, str(copy)) == ("no_text", "empty", "no_text: empty")
    assert copy == error and hash(copy) == hash(error)
    assert copy != ArticleError("no_text", "other")


def test_other_exceptions_are_unexpected_errors_that_name_them() -> None:
    error = ArticleError("no_text", "empty")
    assert ArticleError.of(error) is error
    assert ArticleError.of(KeyError("x")) == ArticleError("unexpected_error", "KeyError: 'x'")


def test_make_dead_letter_keeps_the_code_and_the_input() -> None:
    raw = RawArticle("a1", "text/html", b"<p>x</p>", "file.html")
    letter = make_dead_letter("clean", ArticleError("no_text", "empty"), raw, lambda: NOW)
    assert (letter.step, letter.error_code, letter.error_message) == ("clean", "no_text", "empty")
    assert (letter.source, letter.raw, letter.article_id, letter.failed_at) == (
        "file.html",
        b"<p>x</p>",
        "a1",
        NOW,
    )
    article = Article("a2", "some text", "s", NOW)
    bug = make_dead_letter("enrich", ZeroDivisionError("boom"), article, lambda: NOW)
    assert (bug.error_code, bug.error_message, bug.raw) == (
        "unexpected_error",
        "ZeroDivisionError: boom",
        b"some text",
    )
