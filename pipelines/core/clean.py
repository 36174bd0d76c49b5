"""The CLEAN step's pure core: one RawArticle in, one Article out (or an ArticleError).

`clean_article` decides how to read the body (content type, sniffed when it is wrong),
extracts the main text and metadata (`html_extract` for pages, `text_scrape` for plain-text
scrapes), takes the dateline off the first paragraph, resolves the publication time to UTC
(`dates.to_utc`, zone from the text, the dateline city, the domain's country or the
language) and fills the Article: URLs, domain, outlet, title, authors, dateline, agency,
normalized text, word count, content fingerprint.

Errors (ArticleError codes): too_large, empty, undecodable, binary_content (`bodies`, the
read step's rule), not_html, unsupported_content_type, no_text, too_short.

The caller resolves claim checks: when `raw.body_ref` is set, `raw.body` already holds the
fetched body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from pipelines.core.bodies import charset_param, checked_body, decode_body, looks_like_html
from pipelines.core.clock import as_utc
from pipelines.core.dates import (
    LocalDateTime,
    infer_zone,
    load_zones,
    needs_zone,
    parse_datetime,
    to_utc,
)
from pipelines.core.defaults import MAX_BODY_BYTES
from pipelines.core.errors import ArticleError
from pipelines.core.html_extract import HtmlOptions, extract_html, language_code
from pipelines.core.language import detect_language, load_identifier
from pipelines.core.records import Article, RawArticle
from pipelines.core.text_scrape import Dateline, parse_text_scrape, split_dateline
from pipelines.core.textnorm import content_fingerprint, fingerprint_form, word_count
from pipelines.core.urls import article_id_for, canonical_url, source_domain

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/html"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
_URL_DATE_RE = re.compile(
    r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[-_.]|$)"
)
_DOCUMENT_START_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype|html)", re.I
)


@dataclass(frozen=True)
class CleanSettings:
    """Knobs of the CLEAN step; the defaults are what the pipeline runs."""

    min_words: int = 20  # shorter texts are not articles (captions, teasers, error pages)
    max_body_bytes: int = MAX_BODY_BYTES
    strip_dateline: bool = True  # move "PARIS (Reuters) -" from the text to dateline/agency
    max_future: timedelta = timedelta(days=1)  # later publication times are discarded
    html: HtmlOptions = field(default_factory=HtmlOptions)


DEFAULT_SETTINGS = CleanSettings()


@dataclass(slots=True)
class _Extracted:
    paragraphs: list[str]
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: LocalDateTime | None = None
    date_how: str | None = None
    dateline: Dateline | None = None
    link: str | None = None
    sitename: str | None = None
    language: str | None = None
    guessed_date: LocalDateTime | None = None  # the last resort: found in the page's text


def preload() -> None:
    """Load now what cleaning otherwise loads on first use (the HTML extractor, the language
    identifier, the city tables of zone inference: ~2.5 s in all), e.g. as a worker starts,
    so that no article's time limit pays for it."""
    import trafilatura  # noqa: F401

    load_identifier()
    load_zones()


def clean_article(
    raw: RawArticle, *, ingested_at: datetime, settings: CleanSettings | None = None
) -> Article:
    """Clean one raw article. Raises ArticleError with a stable code for unusable input."""
    settings = settings or DEFAULT_SETTINGS
    ingested_at = as_utc(ingested_at)
    body = checked_body(raw.body, settings.max_body_bytes)
    declared_type, charset = _content_type(raw.content_type)
    text = decode_body(body, raw.encoding or charset)[1]
    kind = _kind(declared_type, text)

    if kind == "html":
        extracted = _from_html(text, raw.url, settings, ingested_at)
    else:
        extracted = _from_text(text, settings.strip_dateline)
    if settings.strip_dateline and extracted.dateline is None:
        _take_dateline(extracted)

    # Both extractors return normalized paragraphs (textnorm.normalize_text), so a plain join
    # gives the canonical "\n\n"-separated text without normalizing twice.
    text_out = "\n\n".join(p for p in extracted.paragraphs if p)
    if not text_out:
        raise ArticleError("no_text", "no main text found")
    words = word_count(text_out)
    if words < settings.min_words:
        raise ArticleError("too_short", f"{words} words (minimum {settings.min_words})")

    url = raw.url.strip() if raw.url else None
    canonical = _canonical(extracted.link, url)
    domain = source_domain(url) or source_domain(canonical)
    place = extracted.dateline.place if extracted.dateline else None

    published_at = published_source = None
    date, how = extracted.date, extracted.date_how
    if date is None and extracted.dateline is not None and extracted.dateline.date is not None:
        date, how = extracted.dateline.date, "dateline"
    if date is None and url:
        date, how = _url_date(url), "url"
    if date is None and extracted.guessed_date is not None:
        date, how = extracted.guessed_date, "text"
    if date is not None and how:
        language = language_code(raw.language_hint) or extracted.language
        if language is None and needs_zone(date) and infer_zone(place, domain) is None:
            language = detect_language(text_out)  # only pays for the model when it matters
        published_at, published_source = to_utc(
            date, how, dateline=place, domain=domain, language=language
        )
        if published_at > ingested_at + settings.max_future:
            published_at = published_source = None  # an event date or a misparse, not a pubdate

    return Article(
        article_id=raw.article_id or article_id_for(url, raw.body),
        text=text_out,
        source=raw.source,
        ingested_at=ingested_at,
        content_fingerprint=content_fingerprint(text_out),
        url=url,
        canonical_url=canonical,
        source_domain=domain,
        outlet=raw.outlet or extracted.sitename,
        title=extracted.title,
        authors=extracted.authors,
        published_at=published_at,
        published_at_source=published_source,
        # A hint for ENRICH, which detects the language from the text and decides.
        language=language_code(raw.language_hint) or extracted.language,
        dateline=place,
        agency=extracted.dateline.agency if extracted.dateline else None,
        word_count=words,
    )


def _content_type(value: str | None) -> tuple[str, str | None]:
    value = value or ""
    return value.split(";", 1)[0].strip().lower(), charset_param(value)


def _kind(declared: str, text: str) -> str:
    """ "html" or "text": the declared type unless the body clearly says otherwise."""
    if declared in HTML_TYPES:
        return "html" if looks_like_html(text) else "text"
    if declared in TEXT_TYPES:
        # Only markup from the first character on overrides the label: a scrape may quote a tag.
        starts_with_markup = text.lstrip()[:1] == "<" and looks_like_html(text)
        return "html" if starts_with_markup or _DOCUMENT_START_RE.match(text[:2048]) else "text"
    if declared and not declared.startswith("text/") and declared != "application/octet-stream":
        raise ArticleError("unsupported_content_type", f"cannot clean {declared!r}")
    return "html" if looks_like_html(text) else "text"


def _from_html(text: str, url: str | None, settings: CleanSettings, now: datetime) -> _Extracted:
    doc = extract_html(text, url=url, options=settings.html, max_date=now + settings.max_future)
    return _Extracted(
        paragraphs=doc.paragraphs,
        title=doc.title,
        authors=doc.authors,
        date=doc.date,
        date_how="metadata" if doc.date else None,
        link=doc.canonical_url,
        sitename=doc.sitename,
        language=doc.language,
        guessed_date=doc.guessed_date,
    )


def _from_text(text: str, take_dateline: bool) -> _Extracted:
    parts = parse_text_scrape(text, take_dateline=take_dateline)
    dateline = Dateline(parts.dateline, parts.agency) if parts.dateline else None
    return _Extracted(
        paragraphs=parts.paragraphs,
        title=parts.title,
        authors=parts.authors,
        date=parts.date,
        date_how=parts.date_source,
        dateline=dateline,
    )


def _take_dateline(extracted: _Extracted) -> None:
    """Move a dateline opening the text (after a copy of the headline, if the text starts with
    one) into the dateline/agency fields."""
    paragraphs = extracted.paragraphs
    first = 0
    if len(paragraphs) > 1 and extracted.title and _same_words(paragraphs[0], extracted.title):
        first = 1
    if not paragraphs:
        return
    dateline, rest = split_dateline(paragraphs[first])
    if dateline is None:
        return
    extracted.dateline = dateline
    extracted.paragraphs = paragraphs[:first] + ([rest] if rest else []) + paragraphs[first + 1 :]


def _same_words(a: str, b: str) -> bool:
    return fingerprint_form(a) == fingerprint_form(b)


def _canonical(link: str | None, url: str | None) -> str | None:
    """The page's canonical link, else the URL; both without tracking parameters.

    A canonical link to a site's home page from an article URL is a CMS template mistake
    (every article would share it), so it is ignored.
    """
    from_link, from_url = canonical_url(link), canonical_url(url)
    if (
        from_link
        and from_url
        and urlsplit(from_link).path == "/"
        and urlsplit(from_url).path != "/"
    ):
        return from_url
    return from_link or from_url


def _url_date(url: str) -> LocalDateTime | None:
    m = _URL_DATE_RE.search(url)
    return (
        parse_datetime(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}") if m else None
    )
