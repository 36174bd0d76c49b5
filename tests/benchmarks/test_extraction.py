"""Tests for the article-extraction scorer's arithmetic (the README's method)."""

from __future__ import annotations

import pytest

from benchmarks.quality.extraction import (
    document_counts,
    score_predictions,
    shingles,
    tokens,
)

GOLD = "one two three four five six"  # 3 four-grams


def test_tokens_are_unicode_word_runs() -> None:
    assert tokens("Don't stop—café 3.5!") == ["Don", "t", "stop", "café", "3", "5"]


def test_shingles_are_a_multiset() -> None:
    assert shingles(["a", "b", "c", "d", "a", "b", "c", "d"])[("a", "b", "c", "d")] == 2


def test_perfect_prediction() -> None:
    assert document_counts(GOLD, GOLD) == (1.0, 0.0, 0.0)
    s = score_predictions("x", [GOLD], [GOLD])
    assert (s.precision, s.recall, s.f1, s.accuracy) == (1.0, 1.0, 1.0, 1.0)


def test_counts_are_normalized_per_document() -> None:
    # prediction: 3 gold shingles + 2 extra ("five six seven", "six seven eight")
    tp, fp, fn = document_counts(GOLD + " seven eight", GOLD)
    assert (tp, fp, fn) == pytest.approx((3 / 5, 2 / 5, 0.0))


def test_empty_prediction_is_all_false_negatives() -> None:
    assert document_counts("", GOLD) == (0.0, 0.0, 1.0)
    s = score_predictions("x", [""], [GOLD])
    assert (s.precision, s.recall, s.f1, s.accuracy) == (0.0, 0.0, 0.0, 0.0)


def test_f1_is_the_harmonic_mean_of_mean_precision_and_mean_recall() -> None:
    # doc 1: precision 3/5, recall 1; doc 2 (empty prediction): precision 0, recall 0
    s = score_predictions("x", [GOLD + " seven eight", ""], [GOLD, GOLD])
    assert s.precision == pytest.approx((3 / 5 + 0.0) / 2)
    assert s.recall == pytest.approx((1.0 + 0.0) / 2)
    assert s.f1 == pytest.approx(2 * 0.3 * 0.5 / 0.8)


def test_accuracy_compares_token_sequences_exactly() -> None:
    s = score_predictions("x", ["One, two three four five six.", GOLD + " x"], [GOLD, GOLD])
    assert s.accuracy == 0.0  # case differs in the first, an extra token in the second
    s = score_predictions("x", ["one  two, three four five six"], [GOLD])
    assert s.accuracy == 1.0
