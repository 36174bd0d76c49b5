"""Tests for pipelines.core.urls: canonical URLs, source domains, article ids."""

from __future__ import annotations

import re

import pytest

from pipelines.core.urls import article_id_for, canonical_url, is_tracking_param, source_domain


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme and host lowercased, default port dropped, fragment dropped
        ("HTTPS://WWW.Example.COM:443/News/Story#comments", "https://www.example.com/News/Story"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        # tracking parameters removed, the rest sorted
        (
            "https://example.com/a?utm_source=tw&b=2&fbclid=X&a=1&gclid=Y&mc_cid=Z&ref=home",
            "https://example.com/a?a=1&b=2",
        ),
        ("https://example.com/a?UTM_Medium=x&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?utm_campaign=x", "https://example.com/a"),
        # trailing slash: removed except on the root path
        ("https://example.com/news/story/", "https://example.com/news/story"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/", "https://example.com/"),
        # dot segments and percent-escapes
        ("https://example.com/a/b/../c/./d", "https://example.com/a/c/d"),
        ("https://example.com/%7euser/%2f%c3%a4", "https://example.com/~user/%2F%C3%A4"),
        ("https://example.com/ä ö", "https://example.com/%C3%A4%20%C3%B6"),
        # query values re-encoded consistently ("+" is a space in a query)
        ("https://example.com/s?q=a+b", "https://example.com/s?q=a%20b"),
        ("https://example.com/s?q=a%20b", "https://example.com/s?q=a%20b"),
        # userinfo dropped, IDN host in ASCII form, "#!" routes kept
        ("https://user:pw@example.com/a", "https://example.com/a"),
        ("https://münchen.de/a", "https://xn--mnchen-3ya.de/a"),
        ("https://example.com/#!/story/42", "https://example.com/#!/story/42"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    "url", [None, "", "not a url", "ftp://example.com/file", "mailto:x@example.com", "/a/b"]
)
def test_canonical_url_rejects_non_http_urls(url: str | None) -> None:
    assert canonical_url(url) is None


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("HTTP://Example.com/a/?b=2&utm_x=1&a=1#top")
    assert once is not None
    assert canonical_url(once) == once


def test_is_tracking_param() -> None:
    assert is_tracking_param("utm_source")
    assert is_tracking_param("FBCLID")
    assert not is_tracking_param("id")
    assert not is_tracking_param("page")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.urdupoint.com/en/pakistan/x.html", "urdupoint.com"),
        ("https://edition.cnn.com/2024/09/26/x", "cnn.com"),
        ("https://news.bbc.co.uk/x", "bbc.co.uk"),
        ("https://www.dawn.com.pk/news/1", "dawn.com.pk"),
        ("https://m.spiegel.de/politik", "spiegel.de"),
        ("https://someone.blogspot.com/2024/09/post.html", "someone.blogspot.com"),
        ("https://example.com", "example.com"),
        ("http://127.0.0.1:8080/x", "127.0.0.1"),
        (None, None),
        ("garbage", None),
    ],
)
def test_source_domain(url: str | None, expected: str | None) -> None:
    assert source_domain(url) == expected


def test_article_id_is_the_same_for_equivalent_urls() -> None:
    a = article_id_for("https://Example.com/story/?utm_source=x#top", b"one body")
    b = article_id_for("https://example.com/story", b"another body")
    assert a == b
    assert re.fullmatch(r"[0-9a-f]{32}", a)


def test_article_id_differs_for_different_urls() -> None:
    assert article_id_for("https://example.com/a", b"") != article_id_for(
        "https://example.com/b", b""
    )


def test_article_id_without_url_hashes_the_body() -> None:
    a = article_id_for(None, b"body one")
    assert a == article_id_for("not a url", b"body one")
    assert a != article_id_for(None, b"body two")
    # a URL and a body never collide by construction (different prefixes)
    assert article_id_for(None, b"https://example.com/") != article_id_for(
        "https://example.com/", b""
    )
