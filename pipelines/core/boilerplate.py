"""Line-level boilerplate filters for extracted article text (HTML extractions and scrapes).

`clean_paragraphs` applies general rules, none tied to a site:

- whole-line labels anywhere ("Advertisement", "Share this", "3 min read", "Most read");
- in-text teasers for other stories ("Related: ...", "READ MORE: ...", "Lire aussi : ...");
- "Click to Tweet" suffixes;
- navigation-menu runs (4+ short lines) at the start or end;
- in the first lines: copies of the headline, date/byline lines, bare links, copyright notices;
- a "Related"/"Tags"/"You may also like" section heading in the last 30% and all after it;
- closing lines: copyright, newsletter and follow prompts, credits ("Reporting by ..."),
  contact lines and bare links.
"""

from __future__ import annotations

import re

from pipelines.core.dates import find_datetime
from pipelines.core.textnorm import fingerprint_form

_SEP = r"\s*[:.!…>»|\-–—]*\s*"
# Whole-line labels that are never article text ("Advertisement", "Share this article", ...).
_LABEL_RE = re.compile(
    r"^(?:advertisement|advertisements|sponsored(?: content)?|anzeige|werbung|publicité|"
    r"publicidad|publicidade|pub|ad|ads|"
    r"share(?: this)?(?: (?:article|story|post|page))?(?: on \w+)?|share via \w+|"
    r"teilen|artikel teilen|partager(?: cet article)?|compartir|compartilhe|"
    r"print(?: article)?|order reprints|reprints|email|e-mail|tweet|facebook|twitter|whatsapp|"
    r"linkedin|pinterest|reddit|telegram|"
    r"comments?|\d+ comments?|show comments|view comments|load comments|"
    r"click here|skip to (?:main )?content|back to top|top|close|menu|search|home|"
    r"log ?in|sign ?in|sign up|subscribe|register|image|photo|video|watch|listen|"
    r"don't miss|must read|recommended|"
    r"(?:more|other|top|latest) (?:stories|news|articles|headlines|videos)|"
    r"related(?: (?:news|articles|stories|posts|content|coverage|links|topics))?|"
    r"most (?:read|popular|viewed)(?: in [\w ]{1,30})?|"
    r"[^\n]{0,20}\b(?:min(?:ute)?s? read|reading time|lesezeit|temps de lecture|"
    r"tiempo de lectura|tempo de leitura)\b[^\n]{0,20})" + _SEP + "$",
    re.IGNORECASE,
)
# In-text teasers for other stories: "Related: ...", "READ MORE: ...", "Also on example.com ...".
_TEASER_RE = re.compile(
    r"^\[?(?:related(?: (?:post|article|story|content|coverage|video))?|read more|read also|"
    r"also read|read next|see more|see also|more|watch|must read|recommended|"
    r"lesen sie auch|mehr dazu|mehr zum thema|lire aussi|à lire aussi|voir aussi|"
    r"lea también|leer más|ver también|leia também|veja também|lea(?: más)?|mire|mira|"
    r"vea también|(?:le|te) puede interesar|lesen sie mehr)\s*[:|]|"
    r"^also on [\w-]+\.\w+\b",
    re.IGNORECASE,
)
_MAX_TEASER_WORDS = 30
_CLICK_TO_TWEET_RE = re.compile(r"\s*(?:click to tweet|tweet this)\s*$", re.IGNORECASE)
# Section headings after which a page lists other content, not the article: the heading and
# everything after it go when they sit in the last part of the text.
_TAIL_SECTION_RE = re.compile(
    r"^(?:tags?|topics?|keywords|schlagwörter|themen|mots-clés|etiquetas|"
    r"(?:you (?:may|might) also (?:like|enjoy)|recommended(?: for you)?|related|"
    r"more (?:stories|news|articles|from [\w .]{1,30}|on this|in [\w .]{1,30})|"
    r"most (?:read|popular|viewed)|trending(?: now)?|read (?:more|next|also)|see also|"
    r"das könnte sie auch interessieren|mehr zum thema|lesen sie auch|weitere artikel|"
    r"schon gelesen|"
    r"à lire aussi|lire aussi|sur le même sujet|voir aussi|"
    r"te puede interesar|lea también|leer más|(?:noticias|notas|contenido) relacionad[oa]s?|"
    r"ver también|"
    r"leia também|veja também|notícias relacionadas)(?: (?:articles|stories|posts|news|"
    r"content|reading|links|coverage))?)" + _SEP + "$",
    re.IGNORECASE,
)
# Copyright and reprint notices, wherever they sit. "Copyright" alone is not enough: an article
# may be about copyright; a notice has the symbol, a year or the legal formula.
_NOTICE = (
    r"©|\(c\)\s*\d{4}|\bcopyright\s*(?:\(c\)\s*)?\d{4}|all rights reserved|"
    r"alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|"
    r"todos os direitos reservados|for (?:your )?personal,? non-commercial use"
)
_NOTICE_RE = re.compile(_NOTICE, re.IGNORECASE)
# Lines that close an article page: notices, newsletter and follow prompts, credits, contacts.
# Prompts are matched as imperatives (at a sentence start), so that a closing sentence such as
# "residents can sign up for the program" stays.
_S = r"(?:^|[.!?]\s+)"
_TAIL_LINE_RE = re.compile(
    "(?:" + _NOTICE + "|"
    rf"{_S}(?:please )?(?:sign up|subscribe|register)\b|"
    r"\b(?:sign up|subscribe)\b[^.]{0,60}\bnewsletters?\b|\bnewsletters?\b[^.]{0,40}\binbox\b|"
    r"^[\w'’ ]{0,40}\bnewsletter$|"
    r"^follow\b.*\b(?:twitter|facebook|instagram|youtube|linkedin|tiktok|social)\b|"
    r"\bfollow us\b|^like this (?:story|article)|^share (?:this|it)\b|"
    r"\bshare (?:this|it) with (?:a friend|your friends)|^share on\b|"
    r"^related:|^more:|^filed under|^source:|^quelle:|"
    r"^\(?(?:additional )?reporting by\b|^\(?editing by\b|^\(?writing by\b|"
    r"\bcontributed (?:to this report|reporting)\b|^\(?with (?:reporting|additional reporting) by|"
    r"^reach\b.*(?:@|\bon twitter\b)|^(?:contact|e-?mail|write to)\b.*@|"
    r"^(?:listen|download|itunes|subscribe)\s*:\s*https?://|^follow\b.*https?://|"
    r"^if you (?:enjoyed|liked|like|value) this (?:article|story|post)|^have a (?:news )?tip\b|"
    r"^tell us what you think|"
    rf"{_S}click here\b)",
    re.IGNORECASE,
)
_MAX_TAIL_WORDS = 60  # longer lines are text even if they mention a newsletter
_URL_OR_EMAIL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+|\b\w+\.com/\S*")
_SENTENCE_END = (".", "!", "?", "…", '"', "'", "»", ")", "。", "！", "？", "」", "』", "।", "؟")
_MENU_RUN = 4  # this many short lines in a row at the start or end are a menu, not text
_HEAD_LINES = 3  # how many leading lines may be headline, byline or date residue
_TAIL_SHARE = 0.3  # a tail section heading must sit in the last 30% of the lines


def _unbullet(line: str) -> str:
    """A line without the list marker trafilatura renders list items with."""
    return line[2:] if line.startswith(("- ", "* ", "• ")) else line


def _is_menu_item(line: str) -> bool:
    # Length in characters too: CJK text has no spaces between words.
    return (
        len(line) <= 30
        and len(line.split()) <= 3
        and not line.endswith(_SENTENCE_END)
        and not line[:1].isdigit()
    )


def _is_date_line(line: str) -> bool:
    """A short line that is mostly a date: "Published 26 Sep 2024, 14:05", "5:45 AM PST 11/19/2019
    by Jane Doe", "segunda-feira, 22 de janeiro de 2018 às 0:13"."""
    words = line.split()
    if len(words) > 15:
        return False
    found = find_datetime(line, dayfirst=True) or find_datetime(line, dayfirst=False)
    if found is None:
        return False
    rest = (line[: found.start] + " " + line[found.end :]).split()
    # "On Sept. 26, 2024, the council voted." is a sentence, not a date line.
    return len(rest) <= (2 if line.rstrip().endswith((".", "!", "?")) else 8)


def _is_link_line(line: str) -> bool:
    """Mostly a URL or e-mail address ("paul@example.com", "twitter.com/someone")."""
    linked = sum(len(m.group()) for m in _URL_OR_EMAIL_RE.finditer(line))
    return linked > 0 and linked >= 0.5 * len(line.replace(" ", ""))


def clean_paragraphs(paragraphs: list[str], titles: tuple[str, ...] = ()) -> list[str]:
    """General post-filters for extracted paragraphs (see the module docstring).

    `titles` are the page's headline forms (metadata title and its segments, <h1> texts): a
    leading line equal to one of them is a copy of the headline.
    """
    title_forms = {fingerprint_form(t) for t in titles if t} - {""}
    lines = [p for p in paragraphs if p.strip()]
    # whole-line labels anywhere
    lines = [_CLICK_TO_TWEET_RE.sub("", line) for line in lines]
    lines = [
        line
        for line in lines
        if line
        and not (len(line) <= 80 and _LABEL_RE.match(_unbullet(line)))
        and not (len(line.split()) <= _MAX_TEASER_WORDS and _TEASER_RE.match(_unbullet(line)))
    ]
    # head: headline copies, date/byline lines, menu runs
    lines = _strip_menu_runs(lines)
    head = 0
    while head < min(_HEAD_LINES, len(lines) - 1):
        line = lines[head]
        if (
            fingerprint_form(line) in title_forms
            or _is_date_line(line)
            or _is_link_line(line)
            or (len(line.split()) <= _MAX_TAIL_WORDS and _NOTICE_RE.search(line))
        ):
            del lines[head]
        else:
            head += 1
    # tail: a related/tags section and everything after it
    cut = max(1, int(len(lines) * (1 - _TAIL_SHARE)))
    for i in range(len(lines) - 1, cut - 1, -1):
        if len(lines[i]) <= 80 and _TAIL_SECTION_RE.match(lines[i]):
            lines = lines[:i]
            break
    # tail: copyright, newsletter/follow prompts, credits, contact lines (short lines only)
    while len(lines) > 1:
        last = lines[-1]
        if len(last.split()) <= _MAX_TAIL_WORDS and (
            _TAIL_LINE_RE.search(last) or _is_link_line(last)
        ):
            lines.pop()
            lines = _strip_menu_runs(lines)
        else:
            break
    return lines


def _strip_menu_runs(lines: list[str]) -> list[str]:
    start = 0
    while start < len(lines) and _is_menu_item(lines[start]):
        start += 1
    if start < _MENU_RUN:
        start = 0
    end = len(lines)
    while end > start and _is_menu_item(lines[end - 1]):
        end -= 1
    if len(lines) - end < _MENU_RUN:
        end = len(lines)
    return lines[start:end]
