"""Tests for pipelines.core.clean.clean_article: dispatch, Article fields, error codes."""

from __future__ import annotations

import gzip
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.core.clean import CleanSettings, clean_article
from pipelines.core.errors import ArticleError
from pipelines.core.records import RawArticle
from pipelines.core.textnorm import content_fingerprint, normalize_text, word_count
from pipelines.core.urls import article_id_for

SAMPLE = Path("/work/shared/samples/urdupoint-2024-09-26-pakistan-china-ev.txt")
NOW = datetime(2024, 9, 27, 12, 0, tzinfo=UTC)
URL = "https://www.example.com.pk/news/harbour-plan?utm_source=twitter"

PARAS = [
    "The harbour authority on Sunday unveiled a plan to double the size of its container "
    "terminal, betting on a rebound in regional shipping over the next decade.",
    "The expansion would add four berths and a row of new cranes, the authority said in a "
    "statement, and would be paid for partly by a loan from a development bank.",
    "Local residents have raised concerns about traffic on the roads leading to the port, "
    "and a public consultation will run until the end of the year.",
]


def html_page(first_paragraph_prefix: str = "", head: str = "") -> str:
    body = "".join(
        f"<p>{first_paragraph_prefix if i == 0 else ''}{t}</p>" for i, t in enumerate(PARAS)
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Harbour Authority Unveils Expansion Plan - Example Times</title>
<meta property="og:site_name" content="Example Times">
<meta name="author" content="Jane Doe">
<link rel="canonical" href="https://www.example.com.pk/news/harbour-plan/?ref=rss#top">
{head}</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article><h1>Harbour Authority Unveils Expansion Plan</h1>
<div class="article-body">{body}</div></article>
<footer><p>© 2024 Example Times. All rights reserved.</p></footer></body></html>"""


def raw(
    body: bytes | str,
    content_type: str = "text/html",
    *,
    url: str | None = URL,
    outlet: str | None = None,
) -> RawArticle:
    return RawArticle(
        article_id="a" * 32,
        content_type=content_type,
        body=body.encode("utf-8") if isinstance(body, str) else body,
        source="kafka:raw-articles/0/42",
        url=url,
        outlet=outlet,
    )


def test_urdupoint_sample() -> None:
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is not available")
    item = RawArticle(
        article_id=article_id_for(None, SAMPLE.read_bytes()),
        content_type="text/plain",
        body=SAMPLE.read_bytes(),
        source=str(SAMPLE),
        url=None,
    )
    article = clean_article(item, ingested_at=NOW)
    assert article.title == (
        "Pakistan Strengthens Automotive Ties With China, Eyes Joint Innovation In EV Sector"
    )
    assert article.authors == ["Umer Jamshaid"]
    assert article.published_at == datetime(2024, 9, 26, 9, 40, tzinfo=UTC)
    assert article.published_at_source == "byline;zone=Asia/Karachi(dateline)"
    assert article.dateline == "ISLAMABAD"
    assert article.agency == "UrduPoint / Pakistan Point News"
    assert article.text.startswith("Pakistan's Consul General in Shanghai")
    lowered = article.text.lower()
    for residue in (
        "open menu",
        "date 2024-09-26",
        "umer jamshaid",
        "published september 26",
        "pakistan strengthens automotive ties with china, eyes joint innovation in ev sector",
        "urdupoint",
        "islamabad,",
    ):
        assert residue not in lowered
    assert article.text.count("\n\n") == 7  # eight body paragraphs


def test_html_article_fields() -> None:
    item = raw(
        html_page(
            head='<meta property="article:published_time" content="2024-09-26T14:40:00+05:00">'
        )
    )
    article = clean_article(item, ingested_at=NOW)
    assert article.article_id == "a" * 32
    assert article.url == URL
    assert article.canonical_url == "https://www.example.com.pk/news/harbour-plan"
    assert article.source_domain == "example.com.pk"
    assert article.outlet == "Example Times"
    assert article.title == "Harbour Authority Unveils Expansion Plan"
    assert article.authors == ["Jane Doe"]
    assert article.published_at == datetime(2024, 9, 26, 9, 40, tzinfo=UTC)
    assert article.published_at_source == "metadata;zone=+05:00(explicit)"
    assert article.text == "\n\n".join(PARAS)
    assert article.word_count == word_count(article.text)
    assert article.content_fingerprint == content_fingerprint(article.text)
    assert article.source == "kafka:raw-articles/0/42"
    assert article.ingested_at == NOW
    assert (article.dateline, article.agency) == (None, None)


def test_producer_outlet_wins_over_the_page_site_name() -> None:
    article = clean_article(raw(html_page(), outlet="Example Times (PK)"), ingested_at=NOW)
    assert article.outlet == "Example Times (PK)"


def test_local_time_in_metadata_takes_the_zone_from_the_domain() -> None:
    head = '<meta property="article:published_time" content="2024-09-26T14:40:00">'
    article = clean_article(raw(html_page(head=head)), ingested_at=NOW)
    assert article.published_at == datetime(2024, 9, 26, 9, 40, tzinfo=UTC)
    assert article.published_at_source == "metadata;zone=Asia/Karachi(tld)"


def test_html_dateline_moves_to_dateline_and_agency() -> None:
    head = '<meta property="article:published_time" content="2024-09-26T14:40:00">'
    item = raw(html_page("KARACHI (Reuters) - ", head=head), url="https://www.example.com/x")
    article = clean_article(item, ingested_at=NOW)
    assert (article.dateline, article.agency) == ("KARACHI", "Reuters")
    assert article.text.startswith("The harbour authority on Sunday")
    # the dateline city decides the zone of the zone-less metadata time
    assert article.published_at_source == "metadata;zone=Asia/Karachi(dateline)"


def test_dateline_stays_in_the_text_when_disabled() -> None:
    item = raw(html_page("KARACHI (Reuters) - "))
    settings = CleanSettings(strip_dateline=False)
    article = clean_article(item, ingested_at=NOW, settings=settings)
    assert article.dateline is None
    assert article.text.startswith("KARACHI (Reuters) - The harbour authority")


def test_date_from_the_url_when_the_page_has_none() -> None:
    item = raw(html_page(), url="https://www.example.com/2024/09/25/harbour-plan")
    article = clean_article(item, ingested_at=NOW)
    assert article.published_at == datetime(2024, 9, 25, tzinfo=UTC)
    assert article.published_at_source in {
        "url;date-only,assumed 00:00 UTC",
        "metadata;date-only,assumed 00:00 UTC",  # htmldate may read the URL itself
    }


def test_publication_time_in_the_future_is_dropped() -> None:
    head = '<meta property="article:published_time" content="2024-12-26T14:40:00+05:00">'
    article = clean_article(raw(html_page(head=head)), ingested_at=NOW)
    assert article.published_at is None
    assert article.published_at_source is None


def test_html_sent_as_text_plain_is_sniffed() -> None:
    article = clean_article(raw(html_page(), content_type="text/plain"), ingested_at=NOW)
    assert article.text == "\n\n".join(PARAS)
    assert "<" not in article.text


def test_text_sent_as_html_is_sniffed() -> None:
    text = "Harbour Authority Unveils Expansion Plan\n\nBy Jane Doe\n\n" + "\n\n".join(PARAS)
    article = clean_article(raw(text, content_type="text/html"), ingested_at=NOW)
    assert article.title == "Harbour Authority Unveils Expansion Plan"
    assert article.authors == ["Jane Doe"]
    assert article.text == "\n\n".join(PARAS)


def test_charset_parameter_of_the_content_type() -> None:
    page = html_page().replace('<meta charset="utf-8">', "").replace("harbour", "café harbour")
    item = raw(page.encode("cp1252"), content_type="text/html; charset=windows-1252")
    assert "café harbour" in clean_article(item, ingested_at=NOW).text


def test_gzip_body_is_inflated() -> None:
    article = clean_article(raw(gzip.compress(html_page().encode())), ingested_at=NOW)
    assert article.text == "\n\n".join(PARAS)


def test_text_scrape_zone_from_the_domain() -> None:
    text = "Harbour Plan\n\nBy Jane Doe | Published 26 September 2024, 14:40\n\n" + "\n\n".join(
        PARAS
    )
    article = clean_article(raw(text, content_type="text/plain"), ingested_at=NOW)
    assert article.published_at == datetime(2024, 9, 26, 9, 40, tzinfo=UTC)
    assert article.published_at_source == "byline;zone=Asia/Karachi(tld)"


def test_text_scrape_with_unknown_zone() -> None:
    text = "Harbour Plan\n\nBy Jane Doe | Published 26 September 2024, 14:40\n\n" + "\n\n".join(
        PARAS
    )
    item = raw(text, content_type="text/plain", url=None)
    article = clean_article(item, ingested_at=NOW)
    assert article.published_at == datetime(2024, 9, 26, 14, 40, tzinfo=UTC)
    assert article.published_at_source == "byline;zone=unknown,assumed UTC"
    assert (article.url, article.canonical_url, article.source_domain) == (None, None, None)


def test_text_scrape_zone_from_the_language_of_the_text() -> None:
    text = (
        "Hafenplan vorgestellt\n\nVon Lena Brandt | Veröffentlicht am 23. Januar 2024, 21:48 Uhr"
        "\n\nDie Hafenbehörde hat am Sonntag einen Plan vorgestellt, mit dem sie die Fläche "
        "ihres Containerterminals verdoppeln will. Sie setzt auf eine Erholung des Handels.\n\n"
        "Die Erweiterung soll vier Liegeplätze und neue Kräne umfassen, teilte die Behörde mit."
    )
    article = clean_article(raw(text, content_type="text/plain", url=None), ingested_at=NOW)
    assert article.published_at == datetime(2024, 1, 23, 20, 48, tzinfo=UTC)
    assert article.published_at_source == "byline;zone=Europe/Berlin(language)"
    assert article.language is None  # detection for the zone does not fill the ENRICH field


def test_missing_article_id_is_computed_and_naive_clock_is_utc() -> None:
    item = replace(raw(html_page()), article_id="")
    article = clean_article(item, ingested_at=datetime(2024, 9, 27, 12, 0))
    assert article.article_id == article_id_for(URL, item.body)
    assert article.ingested_at == NOW


@pytest.mark.parametrize(
    ("item", "settings", "code"),
    [
        (raw("x" * 2000), CleanSettings(max_body_bytes=1000), "too_large"),
        (
            raw(gzip.compress(b"<p>" + b"a" * 5000 + b"</p>")),
            CleanSettings(max_body_bytes=1000),
            "too_large",
        ),
        (raw(b""), None, "empty"),
        (raw(b" \n "), None, "empty"),
        (raw(b"\x1f\x8bnot really gzip"), None, "undecodable"),
        (raw(bytes(range(256)) * 40), None, "binary_content"),
        (raw(b"%PDF-1.7 binary", content_type="application/pdf"), None, "unsupported_content_type"),
        (raw("<html><body><nav><a href='/'>Home</a></nav></body></html>"), None, "no_text"),
        (raw("Too short to be an article.", content_type="text/plain"), None, "too_short"),
        (raw(html_page()), CleanSettings(min_words=1000), "too_short"),
    ],
)
def test_errors(item: RawArticle, settings: CleanSettings | None, code: str) -> None:
    with pytest.raises(ArticleError) as err:
        clean_article(item, ingested_at=NOW, settings=settings)
    assert err.value.code == code


def test_max_future_setting() -> None:
    head = '<meta property="article:published_time" content="2024-09-28T14:40:00+05:00">'
    settings = CleanSettings(max_future=timedelta(days=2))
    article = clean_article(raw(html_page(head=head)), ingested_at=NOW, settings=settings)
    assert article.published_at == datetime(2024, 9, 28, 9, 40, tzinfo=UTC)


def test_text_is_normalized() -> None:
    messy = [t.replace("harbour", "“harbour”\u00a0\u00a0") for t in PARAS]
    page = html_page().replace("".join(f"<p>{t}</p>" for t in PARAS), "")
    page = page.replace(
        '<div class="article-body"></div>',
        '<div class="article-body">' + "".join(f"<p>{t}\n  </p>" for t in messy) + "</div>",
    )
    article = clean_article(raw(page), ingested_at=NOW)
    assert article.text == normalize_text(article.text)
    assert "The “harbour” authority" in article.text  # quotes as published, spaces collapsed


def test_text_plain_starting_with_markup_is_html() -> None:
    body = '<div class="article-body">' + "".join(f"<p>{t}</p>" for t in PARAS) + "</div>"
    article = clean_article(raw(body, content_type="text/plain"), ingested_at=NOW)
    assert article.text == "\n\n".join(PARAS)


def test_text_plain_quoting_a_tag_stays_text() -> None:
    text = "Web Tips\n\n" + "\n\n".join(PARAS) + "\n\nUse the <p> tag for paragraphs in HTML pages."
    article = clean_article(raw(text, content_type="text/plain"), ingested_at=NOW)
    assert article.text.endswith("Use the <p> tag for paragraphs in HTML pages.")


def test_text_scrape_dateline_stays_when_disabled() -> None:
    text = "Harbour Plan\n\nBy Jane Doe\n\nKARACHI (Reuters) - " + "\n\n".join(PARAS)
    settings = CleanSettings(strip_dateline=False)
    article = clean_article(
        raw(text, content_type="text/plain"), ingested_at=NOW, settings=settings
    )
    assert article.dateline is None
    assert article.text.startswith("KARACHI (Reuters) - The harbour authority")


def test_language_hint_from_the_producer_or_the_page() -> None:
    page = html_page().replace("<html>", '<html lang="en-GB">')
    assert clean_article(raw(page), ingested_at=NOW).language == "en"
    item = raw(page)
    item.language_hint = "ur"
    assert clean_article(item, ingested_at=NOW).language == "ur"
    assert clean_article(raw(html_page()), ingested_at=NOW).language is None


def test_canonical_link_to_the_home_page_is_ignored() -> None:
    page = html_page().replace(
        "https://www.example.com.pk/news/harbour-plan/?ref=rss#top", "https://www.example.com.pk/"
    )
    article = clean_article(raw(page), ingested_at=NOW)
    assert article.canonical_url == "https://www.example.com.pk/news/harbour-plan"


def test_preload_loads_what_cleaning_would_load_on_first_use() -> None:
    from pipelines.core import dates, language
    from pipelines.core.clean import preload

    preload()
    assert dates._cities.cache_info().currsize == 1
    assert language._identifier.cache_info().currsize == 1


def test_a_date_only_the_text_states_is_the_last_resort() -> None:
    stated = html_page(first_paragraph_prefix="Published on 3 March 2024. ")
    no_url = clean_article(raw(stated, url=None), ingested_at=NOW)
    assert no_url.published_at == datetime(2024, 3, 3, tzinfo=UTC)
    assert (no_url.published_at_source or "").startswith("text;")
    # a date in the URL is stated by the publisher: it beats a date found in the text
    with_url = clean_article(
        raw(stated, url="https://www.example.com/2024/09/25/harbour-plan"), ingested_at=NOW
    )
    assert with_url.published_at == datetime(2024, 9, 25, tzinfo=UTC)


def test_a_copyright_year_is_never_a_publication_date() -> None:
    article = clean_article(raw(html_page(), url=None), ingested_at=NOW)  # footer: "© 2024"
    assert article.published_at is None
