from __future__ import annotations

import re

import pytest

from pipelines.core.topics import classify_topics, load_lexicon, parse_lexicon, score_topics

SPORT = (
    "The home team won the championship final 3-1 in front of 60,000 fans at the national "
    "stadium. Their striker scored twice and the coach praised the players after the "
    "tournament, the league's biggest match of the season."
)
ECONOMY = (
    "The central bank raised interest rates again as inflation stayed high. Investors sold "
    "shares, the currency fell and companies warned that profits and sales would shrink."
)
WEATHER_DE = (
    "Der Wetterdienst warnt vor Sturm und Starkregen. Die Temperaturen fallen am Wochenende, "
    "in den Bergen wird Schnee erwartet."
)


def test_lexicon_has_the_17_iptc_top_level_topics_in_four_languages() -> None:
    lex = load_lexicon()
    assert sorted(lex.names) == [f"medtop:{i:02d}000000" for i in range(1, 18)]
    assert lex.names["medtop:04000000"] == "economy, business and finance"
    assert set(lex.indexes) == {"en", "de", "fr", "es"}
    assert re.fullmatch(r"newswire-iptc-toplevel-lexicon-\d+", lex.version_id)


def test_sport_and_economy_texts() -> None:
    assert classify_topics(SPORT, "en") == ["medtop:15000000"]
    assert classify_topics(ECONOMY, "en") == ["medtop:04000000"]


def test_uses_the_articles_language() -> None:
    assert classify_topics(WEATHER_DE, "de") == ["medtop:17000000"]
    assert classify_topics(WEATHER_DE, "en") == []


def test_unknown_language_falls_back_to_english_terms() -> None:
    assert classify_topics(ECONOMY, "sw") == ["medtop:04000000"]


def test_text_without_topic_words_gets_no_topics() -> None:
    assert classify_topics("A quiet afternoon passed and nothing at all happened.", "en") == []


def test_one_repeated_word_is_not_enough() -> None:
    text = "inflation " * 20
    assert score_topics(text, "en") == {}


def test_title_counts_twice() -> None:
    body = "Officials spoke about inflation."
    assert classify_topics(body, "en") == []
    assert classify_topics(body, "en", title="Budget and tax plans") == ["medtop:04000000"]


def test_ranked_best_first_and_capped() -> None:
    mixed = SPORT + " " + ECONOMY + " " + ECONOMY.replace("again", "once more")
    topics = classify_topics(mixed, "en")
    assert topics == ["medtop:04000000", "medtop:15000000"]
    assert classify_topics(mixed, "en", max_topics=1) == ["medtop:04000000"]


def test_parse_lexicon_rejects_bad_codes_and_short_prefixes() -> None:
    def lexicon(code: str, term: str) -> dict[str, object]:
        return {
            "name": "t",
            "version": "0",
            "topics": [{"code": code, "name": "x", "terms": {"en": [term]}}],
        }

    assert parse_lexicon(lexicon("medtop:04000000", "econom*")).version_id == "t-0"
    with pytest.raises(ValueError):
        parse_lexicon(lexicon("economy", "econom*"))
    with pytest.raises(ValueError):
        parse_lexicon(lexicon("medtop:04000000", "ec*"))
