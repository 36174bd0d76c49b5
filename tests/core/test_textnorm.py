"""Tests for pipelines.core.textnorm: normalization, paragraphs, word counts, fingerprints."""

from __future__ import annotations

import re

import pytest

from pipelines.core.textnorm import (
    content_fingerprint,
    fingerprint_form,
    join_paragraphs,
    normalize_line,
    normalize_text,
    split_paragraphs,
    word_count,
)


def test_nfc_composes_accents() -> None:
    assert normalize_text("Cafe\u0301 in Zu\u0308rich") == "Café in Zürich"


def test_quotes_and_dashes_are_kept_as_published() -> None:
    text = (
        "\u201cHi,\u201d she said \u2018twice\u2019 \u201eja\u201c "
        "a\u2010b a\u2011b \u22125 \u2012 \u2015"
    )
    assert normalize_text(text) == text
    assert word_count(text) == word_count('"Hi," she said \'twice\' "ja" a-b a-b -5')


def test_guillemets_en_and_em_dashes_are_kept() -> None:
    assert normalize_text("« Bonjour » – dit-il — enfin") == "« Bonjour » – dit-il — enfin"


def test_horizontal_whitespace_collapses_and_lines_are_stripped() -> None:
    assert normalize_text("  a \u00a0 b\t\tc\u2009d  ") == "a b c d"


def test_paragraph_breaks_become_exactly_one_blank_line() -> None:
    text = "First para.\r\n\r\n\r\n   \n Second para.\n\n\n\nThird."
    assert normalize_text(text) == "First para.\n\nSecond para.\n\nThird."


def test_single_newlines_inside_a_paragraph_are_kept() -> None:
    assert normalize_text("Roses are red,\nviolets are blue.\n\nNext.") == (
        "Roses are red,\nviolets are blue.\n\nNext."
    )


def test_unicode_line_and_paragraph_separators() -> None:
    assert normalize_text("a\u2028b\u2029c") == "a\nb\n\nc"


def test_invisible_and_control_characters_are_dropped_but_zwnj_kept() -> None:
    text = "soft\u00adhyphen zero\u200bwidth bom\ufeff bell\x07 nul\x00 می\u200cخواهم"
    assert normalize_text(text) == "softhyphen zerowidth bom bell nul می\u200cخواهم"


def test_normalize_line_joins_everything_on_one_line() -> None:
    assert normalize_line("  A\n\nheadline\nhere ") == "A headline here"


def test_split_and_join_paragraphs_round_trip() -> None:
    paragraphs = ["One  two.", "", "Three\u00a0four."]
    joined = join_paragraphs(paragraphs)
    assert joined == "One two.\n\nThree four."
    assert split_paragraphs(joined) == ["One two.", "Three four."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("Don't stop the well-known 3 items.", 6),
        ("L'économie française croît.", 3),
        ("Die Bundesregierung hat am 3. März entschieden.", 7),
        ("one\n\ntwo\nthree", 3),
    ],
)
def test_word_count(text: str, expected: int) -> None:
    assert word_count(text) == expected


def test_fingerprint_ignores_formatting_differences() -> None:
    original = "“Breaking”: The Minister said — today — that prices   rise.\n\nSecond paragraph."
    reformatted = '"BREAKING" the minister said - today - that prices rise. Second  paragraph!'
    assert content_fingerprint(original) == content_fingerprint(reformatted)


def test_fingerprint_changes_with_the_words() -> None:
    assert content_fingerprint("Prices rise today.") != content_fingerprint("Prices fall today.")
    assert content_fingerprint("a b") != content_fingerprint("ab")


def test_fingerprint_is_32_hex_chars_and_stable() -> None:
    fp = content_fingerprint("Some article text.")
    assert re.fullmatch(r"[0-9a-f]{32}", fp)
    assert fp == content_fingerprint("Some article text.")


def test_fingerprint_form_folds_case_and_compatibility_forms() -> None:
    assert fingerprint_form("Straße ＡＢＣ, x!") == "strasse abc x"
