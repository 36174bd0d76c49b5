"""Rendering one article as a publisher would serve it: an HTML page or a plain-text scrape.

`Page` is one outlet's version of a story (headline, paragraphs, byline, time); `render_html`
wraps it in that outlet's layout (navigation, ads, related links, newsletter box, cookie
banner, footer) and metadata style (title + meta/og tags, also JSON-LD, or nothing);
`render_text` gives the shape of a copy-pasted scrape: menu residue, headline, byline with the
publication time, the headline again, the paragraphs, then share/related residue.
"""

from __future__ import annotations

import html
import json
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pipelines.samples.language import LanguagePack, Topic, expand
from pipelines.samples.world import Outlet

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)
_TRANSLIT_TABLE = str.maketrans({**_TRANSLIT, "ß": "ss"})


@dataclass
class Page:
    lang: str
    outlet: Outlet
    headline: str
    paragraphs: list[str]
    authors: list[str]
    published: datetime  # aware UTC
    zone: str  # zone of the local times written on the page
    show_date: bool  # False: the page never says when it was published
    url: str
    section: str
    related: list[str]  # headlines of other stories for the related-links boxes
    tags: list[str]

    @property
    def local(self) -> datetime:
        return self.published.astimezone(ZoneInfo(self.zone))


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _a(text: str) -> str:
    return html.escape(text, quote=True)


def byline(pack: LanguagePack, authors: Sequence[str]) -> str:
    if not authors:
        return ""
    names = (
        authors[0]
        if len(authors) == 1
        else f"{', '.join(authors[:-1])} {pack.and_word} {authors[-1]}"
    )
    return pack.byline.format(authors=names)


def _fmt(pack: LanguagePack, text: str, **slots: object) -> str:
    values = {**pack.extra, **{k: str(v) for k, v in slots.items()}}
    return text.format_map(_Default(values))


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _link(url: str, text: str) -> str:
    return f'<a href="{_a(url)}">{_e(text)}</a>'


def slugify(text: str) -> str:
    """ASCII URL slug: Cyrillic transliterated, accents dropped, words joined by "-"."""
    text = text.lower().translate(_TRANSLIT_TABLE).replace("_", "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(c if c.isalnum() else " " for c in text).split()
    return "-".join(words)[:70].strip("-") or "article"


def _slug_url(page: Page, headline: str, n: int) -> str:
    base = page.url.split("/")[2]
    return f"https://{base}/{page.section}/{slugify(headline)[:60].strip('-')}-{n}"


def _metadata(page: Page, pack: LanguagePack, description: str) -> list[str]:
    meta = page.outlet.meta
    local_iso = page.local.isoformat(timespec="seconds")
    title_sep = " | " if page.outlet.layout in ("classic", "portal") else " - "
    head = [f"<title>{_e(page.headline)}{title_sep}{_e(page.outlet.name)}</title>"]
    if meta == "none":
        return head
    head += [
        f'<meta name="description" content="{_a(description)}">',
        f'<link rel="canonical" href="{_a(page.url)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{_a(page.headline)}">',
        f'<meta property="og:description" content="{_a(description)}">',
        f'<meta property="og:url" content="{_a(page.url)}">',
        f'<meta property="og:site_name" content="{_a(page.outlet.name)}">',
        f'<meta property="og:locale" content="{page.lang}">',
    ]
    if page.authors:
        head.append(f'<meta name="author" content="{_a(", ".join(page.authors))}">')
    if page.show_date:
        head.append(f'<meta property="article:published_time" content="{local_iso}">')
    head.append(f'<meta property="article:section" content="{_a(page.section)}">')
    for tag in page.tags:
        head.append(f'<meta property="article:tag" content="{_a(tag)}">')
    if meta == "jsonld":
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": page.headline,
            "description": description,
            "inLanguage": page.lang,
            "mainEntityOfPage": {"@type": "WebPage", "@id": page.url},
            "publisher": {
                "@type": "Organization",
                "name": page.outlet.name,
                "url": f"https://{page.outlet.domain}/",
            },
        }
        if page.show_date:
            data["datePublished"] = local_iso
            data["dateModified"] = (page.local + timedelta(minutes=47)).isoformat(
                timespec="seconds"
            )
        if page.authors:
            data["author"] = [{"@type": "Person", "name": a} for a in page.authors]
        head.append(
            f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
        )
    return head


_CSS = (
    "body{font-family:Georgia,serif;margin:0;color:#222}.wrap{max-width:980px;margin:0 auto}"
    "nav ul{list-style:none;display:flex;gap:1em}.ad{background:#f4f4f4;padding:8px;font-size:12px}"
    ".byline{color:#666;font-size:14px}footer{background:#111;color:#ccc;padding:2em}"
)
_ANALYTICS = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
    "gtag('js',new Date());gtag('config','G-{tag}',{'anonymize_ip':true});"
)


def _article_html(page: Page, pack: LanguagePack, rng: random.Random) -> list[str]:
    b = pack.boiler
    local = page.local
    out = [f'<h1 class="headline">{_e(page.headline)}</h1>']
    meta_line = []
    line = byline(pack, page.authors)
    if line:
        meta_line.append(f'<span class="author">{_e(line)}</span>')
    if page.show_date:
        stamp = f"{pack.format_date(local)} {pack.format_time(local)}"
        meta_line.append(
            f'<time datetime="{local.isoformat(timespec="seconds")}">{_e(stamp)}</time>'
        )
        if page.outlet.layout == "magazine":
            later = local + timedelta(minutes=rng.randint(20, 300))
            meta_line.append(
                f'<span class="updated">{_e(_fmt(pack, b.updated, time=pack.format_time(later)))}'
                "</span>"
            )
    if meta_line:
        out.append(f'<p class="byline">{" · ".join(meta_line)}</p>')
    if page.outlet.layout in ("magazine", "classic"):
        photographer = f"{rng.choice([*pack.first_f, *pack.first_m])} {rng.choice(pack.last)}"
        out.append(
            f'<figure><img src="https://img.{page.outlet.domain}/{rng.randint(10**5, 10**6)}.jpg"'
            ' alt="">'
            f"<figcaption>{_e(_fmt(pack, b.photo, name=photographer))}</figcaption></figure>"
        )
    for i, para in enumerate(page.paragraphs):
        out.append(f"<p>{_e(para)}</p>")
        if i == 2 and page.outlet.layout != "minimal":
            out.append(
                f'<div class="ad ad-inline"><span class="ad-label">{_e(b.advert)}</span>'
                f"<p>{_e(_fmt(pack, rng.choice(b.advert_texts)))}</p></div>"
            )
        if i == 4 and page.related:
            link = _link(
                _slug_url(page, page.related[0], rng.randint(10**6, 10**7)), page.related[0]
            )
            label = _e(_fmt(pack, b.read_also))
            out.append(f'<p class="read-also"><strong>{label}</strong> {link}</p>')
    if page.tags:
        links = ", ".join(_link(f"/tag/{t.lower().replace(' ', '-')}", t) for t in page.tags)
        out.append(f'<p class="tags">{_e(_fmt(pack, b.tags))} {links}</p>')
    shares = "".join(f'<li><a href="#share">{_e(s)}</a></li>' for s in b.share)
    out.append(f'<ul class="share">{shares}</ul>')
    if page.outlet.layout in ("portal", "magazine"):
        out.append(
            f'<p class="comments-link"><a href="#comments">'
            f"{_e(_fmt(pack, b.comments, n=rng.randint(0, 240)))}</a></p>"
        )
    return out


def render_html(page: Page, pack: LanguagePack, rng: random.Random) -> str:
    """The full page: head with the outlet's metadata, boilerplate around the article."""
    b = pack.boiler
    description = page.paragraphs[0].split(". ")[0][:200] if page.paragraphs else page.headline
    charset = page.outlet.charset
    head = [
        f'<meta charset="{charset}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ]
    head += _metadata(page, pack, description)
    head.append(f"<style>{_CSS}</style>")
    head.append(f"<script>{_ANALYTICS.replace('{tag}', format(rng.getrandbits(32), 'X'))}</script>")

    nav = "".join(f'<li><a href="/{s.lower()}/">{_e(_fmt(pack, s))}</a></li>' for s in b.sections)
    related_items = "".join(
        f"<li>{_link(_slug_url(page, h, rng.randint(10**6, 10**7)), h)}</li>"
        for h in page.related[1:]
    )
    footer_links = " | ".join(
        f'<a href="/{i}">{_e(_fmt(pack, f))}</a>' for i, f in enumerate(b.footer)
    )
    rights = _fmt(pack, b.rights, year=page.local.year, outlet=page.outlet.name)
    ad_top = (
        f'<div class="ad ad-leaderboard"><span class="ad-label">{_e(b.advert)}</span>'
        f"<p>{_e(_fmt(pack, rng.choice(b.advert_texts)))}</p></div>"
    )
    cookie = (
        f'<div id="cookie-banner"><p>{_e(_fmt(pack, b.cookie))}</p>'
        f"<button>{_e(b.accept)}</button></div>"
    )
    newsletter = (
        f'<aside class="newsletter"><p>{_e(_fmt(pack, b.newsletter))}</p>'
        '<form><input type="email" placeholder="you@example.org">'
        f"<button>{_e(b.subscribe)}</button></form></aside>"
    )
    related_box = (
        f'<aside class="related"><h2>{_e(b.related)}</h2><ul>{related_items}</ul></aside>'
        if related_items
        else ""
    )
    article = "\n".join(_article_html(page, pack, rng))
    header = (
        f'<a class="skip" href="#main">{_e(b.skip)}</a>'
        '<header class="site-header">'
        f'<div class="logo"><a href="/">{_e(page.outlet.name)}</a></div>'
        f'<form class="search"><input name="q" placeholder="{_a(b.search)}"></form>'
        f'<a class="login" href="/login">{_e(b.login)}</a>'
        f"<nav><ul>{nav}</ul></nav></header>"
    )
    layout = page.outlet.layout
    if layout == "classic":
        body = [
            header,
            ad_top,
            f'<main id="main" class="wrap"><article>{article}</article>',
            related_box,
            newsletter,
            "</main>",
        ]
    elif layout == "magazine":
        crumbs = (
            f'<ol class="breadcrumbs"><li><a href="/">{_e(b.sections[0])}</a></li>'
            f"<li>{_e(page.section)}</li></ol>"
        )
        body = [
            header,
            crumbs,
            '<main id="main"><div class="wrap">'
            f'<article class="story">{article}</article></div></main>',
            newsletter,
            related_box,
        ]
    elif layout == "portal":
        most = "".join(f"<li>{_e(h)}</li>" for h in reversed(page.related))
        weather = _fmt(pack, b.weather, t=rng.randint(-5, 34))
        sidebar = (
            f'<div class="sidebar"><div class="widget weather">{_e(weather)}</div>'
            f'<div class="widget most-read"><h3>{_e(b.most_read)}</h3><ol>{most}</ol></div>'
            f"{ad_top}</div>"
        )
        body = [
            header,
            '<div class="wrap"><div id="main" class="content">'
            f'<div class="article-body">{article}</div>{related_box}</div>{sidebar}</div>',
        ]
    else:  # minimal
        body = [
            f'<header><a href="/">{_e(page.outlet.name)}</a></header>',
            f'<main id="main"><article>{article}</article></main>',
        ]
    body += [f"<footer><p>{footer_links}</p><p>{_e(rights)}</p></footer>", cookie]
    body.append('<script src="/static/js/app.min.js" defer></script>')
    return (
        f'<!DOCTYPE html>\n<html lang="{page.lang}">\n<head>\n'
        + "\n".join(head)
        + "\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render_text(page: Page, pack: LanguagePack, rng: random.Random) -> str:
    """A plain-text scrape: the article plus whatever menu and share text came along."""
    b = pack.boiler
    local = page.local
    residue = rng.choice(
        (
            f" date {local.date().isoformat()} {b.menu}",
            f"{b.menu}\n{b.search}\n{b.login}",
            " > ".join(
                (b.sections[0], b.sections[rng.randrange(1, len(b.sections))], page.section)
            ),
        )
    )
    lines = [residue, page.headline]
    published = _fmt(
        pack,
        pack.scrape_published,
        authors=", ".join(page.authors),
        date=pack.format_date(local),
        time=pack.format_time(local),
    ).strip()
    if page.show_date:
        lines.append(published)
    elif page.authors:
        lines.append(byline(pack, page.authors))
    repeat = page.headline
    if page.lang == "en" and rng.random() < 0.5:
        repeat = page.headline[:1] + page.headline[1:].lower()
    lines.append(repeat)
    lines.extend(page.paragraphs)
    tail = list(b.scrape_tail)
    rng.shuffle(tail)
    lines.append("\n".join(tail[: rng.randint(2, len(tail))]))
    return "\n\n".join(lines) + "\n"


def no_text_html(rng: random.Random, lang: str) -> str:
    """An app shell that renders everything with JavaScript: markup, no text at all."""
    divs = "".join(
        f'<div class="slot-{i}" data-id="{rng.getrandbits(24):x}"></div>'
        for i in range(rng.randint(3, 9))
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title></title>'
        f'<script src="/static/bundle.{rng.getrandbits(32):08x}.js"></script>'
        f'<style>{_CSS}</style></head>\n<body><div id="root">{divs}</div>'
        '<img src="/pixel.gif" alt="" width="1" height="1">'
        "<script>window.__STATE__={};bootstrap(document.getElementById('root'));</script></body></html>\n"
    )


def related_headlines(
    pack: LanguagePack, rng: random.Random, slot_maker: Callable[[Topic], dict[str, str]], n: int
) -> list[str]:
    """Headlines of made-up other stories for the related-links boxes."""
    out: list[str] = []
    topics = list(pack.topics.values())
    for _ in range(n):
        topic = rng.choice(topics)
        slots = slot_maker(topic)
        out.append(expand(rng.choice(topic.headlines), rng, slots))
    return out
