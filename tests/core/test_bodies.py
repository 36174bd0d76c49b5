"""One rule for a body's checks and its encoding (read step and CLEAN alike)."""

from __future__ import annotations

import codecs
import gzip

import pytest

from pipelines.core.bodies import (
    charset_param,
    checked_body,
    decode_body,
    encoding_name,
    has_visible_text,
    looks_like_html,
)
from pipelines.core.errors import ArticleError

CAFE = " ".join(["Le café de la gare a fermé ses portes après trente années."] * 20)


def _html(text: str, charset: str | None = None) -> str:
    meta = f"<meta charset='{charset}'>" if charset else ""
    return f"<html><head>{meta}</head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        ("Zürich café – “quoted”".encode(), None, "utf-8"),
        ("Zürich café – “quoted”".encode("cp1252"), None, "windows-1252"),
        ("Zürich café".encode("latin-1"), "iso-8859-1", "windows-1252"),
        ("Новости дня".encode("cp1251"), "windows-1251", "windows-1251"),
        (b"\xef\xbb\xbfplain", None, "utf-8"),
        ("ascii label, utf-8 bytes: é".encode(), "us-ascii", "utf-8"),
        ("ascii label, legacy bytes: “é”".encode("cp1252"), "ascii", "windows-1252"),
        ("页面".encode("gbk"), "gb2312", "gbk"),  # WHATWG: GB2312 labels mean GBK
    ],
)
def test_encoding(body: bytes, declared: str | None, expected: str) -> None:
    encoding, text = decode_body(body, declared)
    assert encoding == expected
    assert text == body.decode(expected.replace("utf-8", "utf-8-sig"))


def test_whatwg_labels() -> None:
    assert [encoding_name(x) for x in ("latin1", "ISO-8859-1", "us-ascii", "utf8")] == [
        "windows-1252",
        "windows-1252",
        "windows-1252",
        "utf-8",
    ]
    assert encoding_name("no-such-codec") is None
    assert charset_param('text/html; charset="ISO-8859-1"') == "ISO-8859-1"
    assert charset_param("text/html") is None


def test_the_given_label_wins_over_the_page_and_a_bom_over_both() -> None:
    text = "Москва: городской совет утвердил новый бюджет после долгих дебатов."
    body = _html(text, "utf-8").encode("cp1251")
    assert decode_body(body, "windows-1251") == ("windows-1251", body.decode("cp1251"))
    page = _html("Zoë", "windows-1252")
    assert decode_body(codecs.BOM_UTF8 + page.encode(), "windows-1252")[1] == page
    assert decode_body(page.encode("utf-16"))[1] == page


def test_a_label_that_does_not_fit_is_passed_over() -> None:
    body = _html(CAFE, "utf-8").encode("cp1252")
    assert decode_body(body) == ("windows-1252", body.decode("cp1252"))
    assert decode_body(b"<p>plain</p>", "no-such-codec") == ("utf-8", "<p>plain</p>")


def test_undeclared_legacy_encoding_is_detected() -> None:
    body = _html("Городской совет утвердил новый бюджет после долгих дебатов. " * 10).encode(
        "cp1251"
    )
    assert decode_body(body) == ("windows-1251", body.decode("cp1251"))


def test_utf8_with_stray_bytes_keeps_its_text() -> None:
    """A character cut in two or a legacy byte in an attribute, as real pages have."""
    good = _html("Zażółć gęślą jaźń. " * 20, "utf-8").encode()
    body = good.replace(b"<p>", b"<p title='M\xe4scot'>", 1)
    encoding, text = decode_body(body)
    assert encoding == "utf-8" and text == body.decode("utf-8", errors="replace")
    assert text.count("\ufffd") == 1


def test_mixed_encodings_are_undecodable() -> None:
    for body in (
        "Zürich".encode() + b" and caf\xe9 " + "Köln".encode(),
        _html("Zürich, " + "caf\xe9 ".join(["Köln"] * 5))
        .encode("utf-8")
        .replace(b"caf", b"caf\xe9"),
    ):
        with pytest.raises(ArticleError) as err:
            decode_body(body)
        assert err.value.code == "undecodable", body


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"x" * 101, "too_large"),
        (gzip.compress(b"x" * 101), "too_large"),
        (gzip.compress(b"  "), "empty"),
        (b"\x1f\x8bnot really gzip", "undecodable"),
        (bytes(range(100)), "binary_content"),
        (b"\x89PNG\r\n\x1a\n" + bytes(90), "binary_content"),
        (b"text " + b"\x01\x02" * 20, "binary_content"),
    ],
)
def test_body_checks(body: bytes, code: str) -> None:
    with pytest.raises(ArticleError) as err:
        checked_body(body, 100)
    assert err.value.code == code


def test_gzip_is_inflated_and_utf16_is_not_binary() -> None:
    assert checked_body(gzip.compress(b"<p>hi</p>"), 100) == b"<p>hi</p>"
    utf16 = "<p>hi</p>".encode("utf-16")
    assert checked_body(utf16, 100) == utf16


def test_looks_like_html() -> None:
    assert looks_like_html("<!DOCTYPE html><html><body><p>x</p></body></html>")
    assert looks_like_html("  <div class='a'>text</div>")
    assert not looks_like_html("Plain text mentioning a <b and c> comparison.")


def test_has_visible_text() -> None:
    assert has_visible_text("<html><body><p>Hello</p></body></html>")
    assert not has_visible_text("<html><head><title>x</title></head><body><div></div></body>")
    assert not has_visible_text("<body><script>go()</script><!-- note --></body>")
