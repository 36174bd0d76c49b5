"""Tests for pipelines.core.html_extract on synthetic pages with navigation, ads and footers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from lxml import html as lxml_html

from pipelines.core.errors import ArticleError
from pipelines.core.html_extract import (
    ExtractorMode,
    HtmlOptions,
    drop_link_lists,
    extract_html,
    merge_split_body,
)

URL = "https://www.example.com/news/council-budget"
PARAS = [
    "The city council approved a new budget on Tuesday after a debate that lasted more than "
    "six hours and drew hundreds of residents to the chamber.",
    "Supporters said the plan would finally fund repairs at a dozen schools, while critics "
    "warned that property taxes would rise for most households next year.",
    "The mayor, who proposed the budget in the spring, is expected to sign the measure later "
    "this week, according to officials familiar with the schedule.",
    "A separate vote on the transport plan, which includes two new bus lines and a cycling "
    "network, is scheduled for next month.",
    "Council members also agreed to review the budget again in the autumn if revenue from the "
    "new parking fees falls short of the forecast.",
    "Several residents who spoke during the meeting asked the council to publish quarterly "
    "reports on how the money is spent.",
]


def p(text: str) -> str:
    return f"<p>{text}</p>"


def page(body: str, *, head: str = "", charset: str = "utf-8") -> str:
    """A news page: header with a menu, the article, a sidebar with an ad, a footer."""
    menu = "".join(
        f'<li><a href="/{s}">{s.title()}</a></li>'
        for s in ("home", "world", "business", "sport", "culture", "science")
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="{charset}">
<title>Council Approves Budget After Long Debate | Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="author" content="Jane Doe; John Roe">
<meta property="article:published_time" content="2024-09-26T14:40:00+05:00">
<link rel="canonical" href="/news/council-budget?utm_source=rss">
{head}</head><body>
<header><div class="logo">Example News</div><nav><ul>{menu}</ul></nav></header>
<main><article class="story">
<h1>Council Approves Budget After Long Debate</h1>
<div class="byline">By Jane Doe and John Roe</div>
{body}
</article>
<aside class="sidebar"><h3>Most popular</h3>
<ul><li><a href="/a">Mayor opens new park</a></li><li><a href="/b">Bus strike ends</a></li></ul>
<div class="ad">Advertisement: Buy the best shoes now at ShoeShop!</div></aside></main>
<footer><p>© 2024 Example News Ltd. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li></ul></footer>
</body></html>"""


def article(paragraphs: list[str] = PARAS) -> str:
    return '<div class="article-body">' + "".join(p(t) for t in paragraphs) + "</div>"


def test_main_text_and_metadata() -> None:
    doc = extract_html(page(article()).encode(), url=URL)
    assert doc.paragraphs == PARAS  # no menu, sidebar, ad or footer
    assert doc.title == "Council Approves Budget After Long Debate"
    assert doc.authors == ["Jane Doe", "John Roe"]
    assert doc.sitename == "Example News"
    assert doc.canonical_url == "https://www.example.com/news/council-budget?utm_source=rss"
    assert doc.date is not None
    assert doc.date.value == datetime(2024, 9, 26, 14, 40, tzinfo=timezone(timedelta(hours=5)))
    assert doc.date.has_time
    assert doc.mode == "primary"


def test_date_without_time_is_marked_date_only() -> None:
    head = '<meta property="article:published_time" content="2024-09-26">'
    html = page(article(), head=head).replace(
        '<meta property="article:published_time" content="2024-09-26T14:40:00+05:00">', ""
    )
    doc = extract_html(html.encode(), url=URL)
    assert doc.date is not None
    assert doc.date.value == datetime(2024, 9, 26)
    assert not doc.date.has_time


def test_title_loses_the_site_name_segment() -> None:
    html = page(article()).replace("<h1>Council Approves Budget After Long Debate</h1>", "")
    html = html.replace('<meta property="og:site_name" content="Example News">', "")
    doc = extract_html(html.encode(), url=URL)
    assert doc.title == "Council Approves Budget After Long Debate"


def test_post_filters_remove_in_body_boilerplate() -> None:
    body = (
        '<div class="article-body">'
        + p("Thursday, 26 September 2024, 14:40")
        + p("Council Approves Budget After Long Debate")
        + p(PARAS[0])
        + p("Advertisement")
        + p(PARAS[1])
        + p('Related: <a href="/x">Mayor unveils transport plan</a>')
        + p(PARAS[2])
        + p("READ MORE: Five things to know about the budget")
        + p(PARAS[3] + " Click To Tweet")
        + p(PARAS[4])
        + p(PARAS[5])
        + p("(Reporting by Jane Doe; Editing by John Roe)")
        + p("Follow us on Twitter and Facebook for more local news.")
        + p("© 2024 Example News Ltd. All rights reserved.")
        + "</div>"
    )
    unfiltered = extract_html(page(body).encode(), url=URL, options=HtmlOptions(post_filters=False))
    # trafilatura alone keeps these lines: the post-filters are what removes them
    for line in (
        "Thursday, 26 September 2024, 14:40",
        "Council Approves Budget After Long Debate",
        "Advertisement",
        "Related: Mayor unveils transport plan",
        "READ MORE: Five things to know about the budget",
        "(Reporting by Jane Doe; Editing by John Roe)",
        "© 2024 Example News Ltd. All rights reserved.",
    ):
        assert line in unfiltered.paragraphs
    # The headline stays: whether a body repeats it is a convention, not boilerplate.
    headline = "Council Approves Budget After Long Debate"
    assert extract_html(page(body).encode(), url=URL).paragraphs == [headline, *PARAS]


def test_split_article_body_is_merged() -> None:
    def chunk(paragraphs: list[str]) -> str:
        inner = "".join(p(t) for t in paragraphs)
        return f'<div class="wrap"><div class="article-body chunk">{inner}</div></div>'

    body = (
        chunk(PARAS[:3])
        + '<div class="ad-slot"><p>Advertisement</p></div>'
        + '<div class="promo"><p>Get our daily briefing in your inbox.</p></div>'
        + chunk(PARAS[3:])
    )
    off = extract_html(page(body).encode(), url=URL, options=HtmlOptions(merge_split_body=False))
    assert off.paragraphs == PARAS[:3]  # trafilatura alone keeps only the first chunk
    assert extract_html(page(body).encode(), url=URL).paragraphs == PARAS


def test_merge_split_body_ignores_short_same_class_cards_and_far_away_chunks() -> None:
    long_text = " ".join(PARAS[:2])
    tree = lxml_html.fromstring(
        "<html><body><div id='page'><div class='content'><article>"
        f'<div class="body"><p>{long_text}</p></div>'
        '<div class="body"><p>Short teaser card.</p></div>'
        "</article></div></div>"
        # the next story, appended far from the first one (they only share <body>)
        f'<section><div class="body"><p>{long_text}</p></div></section>'
        "</body></html>"
    )
    assert merge_split_body(tree) == 0


def test_link_lists_inside_the_article_are_dropped_when_asked() -> None:
    links = "".join(
        f'<li><a href="/{i}">{title}</a></li>'
        for i, title in enumerate(
            (
                "Bus strike ends after three weeks of talks between the union and the city",
                "A new park opens in the north of the city with a lake and playgrounds",
                "School repairs begin this summer at twelve buildings across the district",
            )
        )
    )
    body = '<div class="article-body">' + "".join(p(t) for t in PARAS[:3])
    body += f"<ul>{links}</ul>" + "".join(p(t) for t in PARAS[3:]) + "</div>"
    # Off by default: on one benchmark the lists it dropped held article text.
    kept = extract_html(page(body).encode(), url=URL).paragraphs
    assert any(line.startswith("- Bus strike ends") for line in kept)
    dropped = extract_html(page(body).encode(), url=URL, options=HtmlOptions(drop_link_lists=True))
    assert dropped.paragraphs == PARAS


def test_drop_link_lists_keeps_lists_of_text() -> None:
    tree = lxml_html.fromstring(
        "<html><body><ul><li>Two new bus lines</li><li>A cycling <a href='/n'>network</a></li>"
        "</ul><ol><li><a href='/a'>Link one</a></li><li><a href='/b'>Link two</a></li></ol>"
        "</body></html>"
    )
    assert drop_link_lists(tree) == 1
    assert [el.tag for el in tree.iter("ul", "ol")] == ["ul"]


def test_fallback_runs_when_the_first_result_is_poor() -> None:
    # Text in bare <div>s: the precision rules find nothing, trafilatura's full cascade does.
    html = (
        "<html><body><div id='x'>"
        + "".join(f"<div>{t}</div>" for t in PARAS)
        + "</div></body></html>"
    )
    precise = ExtractorMode(favor_precision=True, fast=True)
    doc = extract_html(
        html.encode(), options=HtmlOptions(primary=precise, fallback=ExtractorMode())
    )
    assert doc.mode == "fallback"
    assert doc.paragraphs == PARAS
    with pytest.raises(ArticleError) as err:
        extract_html(html.encode(), options=HtmlOptions(primary=precise, fallback=None))
    assert err.value.code == "no_text"
    assert extract_html(html.encode()).paragraphs == PARAS  # the default mode finds it at once


@pytest.mark.parametrize("encoding", ["windows-1252", "iso-8859-1", "iso-8859-15"])
def test_declared_legacy_encodings(encoding: str) -> None:
    text = PARAS[0] + " The café owner, Zoë Müller, said the façade needs work."
    body = page(article([text, *PARAS[1:]]), charset=encoding).encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    doc = extract_html(body, url=URL)
    assert "The café owner, Zoë Müller, said the façade needs work." in doc.paragraphs[0]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (bytes(range(256)) * 50, "binary_content"),
        (b"\x89PNG\r\n\x1a\n" + bytes(400), "binary_content"),
        (b"Just a line of plain text, no markup at all.", "not_html"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no_text"),
        (b"<html><body></body></html>", "no_text"),
    ],
)
def test_bad_input_raises_article_errors(body: bytes, code: str) -> None:
    with pytest.raises(ArticleError) as err:
        extract_html(body)
    assert err.value.code == code


def test_the_most_precise_stated_time_wins_over_the_url_date() -> None:
    head = (
        '<meta property="article:published_time" content="2024-09-26T14:40:00">'
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2024-09-26T14:40:00+05:00", "dateModified": "2024-09-27"}</script>'
    )
    html = page(article(), head=head).replace(
        '<meta property="article:published_time" content="2024-09-26T14:40:00+05:00">', "", 1
    )
    doc = extract_html(html.encode(), url="https://www.example.com/2024/09/25/council-budget")
    assert doc.date is not None
    assert doc.date.value == datetime(2024, 9, 26, 14, 40, tzinfo=timezone(timedelta(hours=5)))


def test_stated_times_after_max_date_are_ignored() -> None:
    doc = extract_html(page(article()).encode(), url=URL, max_date=datetime(2024, 9, 1))
    assert doc.date is None or doc.date.value.date() <= datetime(2024, 9, 1).date()


@pytest.mark.parametrize(
    ("tag", "expected"),
    [('<html lang="de-AT">', "de"), ('<html xml:lang="fr">', "fr"), ("<html>", None)],
)
def test_declared_language(tag: str, expected: str | None) -> None:
    html = page(article()).replace('<html lang="en">', tag)
    assert extract_html(html.encode(), url=URL).language == expected


def test_og_locale_is_the_second_choice() -> None:
    html = page(article(), head='<meta property="og:locale" content="pt_BR">')
    assert extract_html(html.replace('<html lang="en">', "<html>").encode()).language == "pt"


def byline_page(byline: str, *, aside: str = "", meta: str = "") -> str:
    """A page whose only author and time are in a visible byline (no author/date metadata)."""
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Le conseil adopte le budget | Exemple Matin</title>{meta}</head><body>
<header><nav><ul><li><a href="/">Accueil</a></li><li><a href="/monde">Monde</a></li></ul></nav>
</header><main><article><h1>Le conseil adopte le budget</h1>
<p class="byline">{byline}</p>
{article()}</article>
<aside class="related"><h3>À lire aussi</h3>{aside}</aside></main></body></html>"""


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ('<span class="author">Par Anne Roy et Paul Petit</span>', ["Anne Roy", "Paul Petit"]),
        ('<span class="author">Por Ana Gil y Luis Mora</span>', ["Ana Gil", "Luis Mora"]),
        ('<span class="author">Автор Ирина Соколова</span>', ["Ирина Соколова"]),
        # A byline holding only a time and an update label names nobody.
        ('<time datetime="2024-03-05T14:05">5 mars</time> · <span>Mis à jour à 16h10</span>', []),
    ],
)
def test_byline_openers_and_labels_are_not_authors(byline: str, authors: list[str]) -> None:
    doc = extract_html(byline_page(byline), url=URL)
    assert doc.authors == authors


def test_time_shown_in_the_byline_gives_the_hour_the_metadata_lacks() -> None:
    byline = (
        '<time datetime="2024-03-05T14:05:00+01:00">5 mars 2024 14h05</time> · '
        '<time class="updated" datetime="2024-03-05T16:10:00+01:00">16h10</time>'
    )
    aside = '<time datetime="2024-03-01T08:00:00+01:00">1er mars</time>'
    meta = '<meta name="date" content="2024-03-05">'
    for head in ("", meta):  # with a date-only meta tag, and with no date metadata at all
        doc = extract_html(byline_page(byline, aside=aside, meta=head), url=URL)
        assert doc.date is not None
        assert doc.date.value == datetime(2024, 3, 5, 14, 5, tzinfo=timezone(timedelta(hours=1)))


def test_shown_time_on_another_day_than_the_metadata_is_ignored() -> None:
    byline = '<time datetime="2024-02-20T09:00:00+01:00">20 février</time>'
    meta = '<meta name="date" content="2024-03-05">'
    doc = extract_html(byline_page(byline, meta=meta), url=URL)
    assert doc.date is not None
    assert (doc.date.value, doc.date.has_time) == (datetime(2024, 3, 5), False)
