"""Shingles and MinHash signatures (pure numpy)."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.core import minhash
from pipelines.core.dedup import DedupSettings

SEED = DedupSettings().seed


def test_tokens_casefold_and_word_characters() -> None:
    assert minhash.tokens("Straße, CAFÉ-au-lait; snake_case 42!") == [
        "strasse",
        "café",
        "au",
        "lait",
        "snake_case",
        "42",
    ]


def test_shingles_of_short_text_is_one_shingle() -> None:
    assert minhash.shingles("a b c d", 3) == {("a", "b", "c"), ("b", "c", "d")}
    assert minhash.shingles("Hello world", 3) == {("hello", "world")}
    assert minhash.shingles("...", 3) == set()


def _reference_token_hash(token: str) -> int:
    h = 0
    for j, ch in enumerate(token):
        h = (h + ord(ch) * pow(minhash._TOKEN_MUL, j, 1 << 64)) % (1 << 64)
    return h


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII words, numbers 2026 and under_scores.",
        "Ünïcödé Straße ﬁnance İstanbul — ДОБРЫЙ день 北京 ١٢٣",
        "astral 𝔘nicode 𝟙 ①② and emoji 🙂 between words",
        "   leading and trailing   ",
        "",
    ],
)
def test_token_hashes_match_regex_tokens(text: str) -> None:
    # The numpy tokenizer must find exactly the regex tokens and hash them as documented.
    expected = [_reference_token_hash(t) for t in minhash.tokens(text)]
    assert minhash.token_hashes(text).tolist() == expected


def test_long_texts_are_signed_in_blocks_like_short_ones() -> None:
    words = " ".join(f"token{i}" for i in range(5000))  # > one block of shingles
    hashes = minhash.shingle_hashes(words, 3)
    whole = minhash.minhash(hashes, 128, SEED)
    a, b = minhash._permutations(128, SEED)
    direct = ((a * hashes).astype(np.uint64) + b).min(axis=1) >> np.uint64(32)
    assert whole.tolist() == direct.astype(np.uint32).tolist()
