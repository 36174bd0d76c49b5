"""Word shingles and MinHash signatures: fixed arithmetic, identical in every process.

- Text -> tokens: casefold, regex ``\\w+`` (Unicode word characters).
- Tokens -> shingles: every run of `k` consecutive tokens (a text shorter than that is one
  shingle). Tokens are found and hashed in numpy (`token_hashes`: a polynomial hash of the code
  points, no Python loop per token); the k token hashes of a shingle are combined and mixed
  with 64-bit integer arithmetic, giving one 32-bit key per shingle (Python's `hash` is not
  the same in every process).
- MinHash: permutation i is h_i(x) = ((a_i * x + b_i) mod 2**64) >> 32 over the 32-bit keys x,
  with a_i, b_i 64-bit values drawn from splitmix64(seed). That is Dietzfelbinger's
  multiply-add-shift scheme, a 2-independent family for 32-bit keys that needs no division
  (cheaper than ``mod prime``). The signature is min_x h_i(x) per i: one (num_perm x shingles)
  matrix op and a min along the shingle axis, no Python loop over permutations.
  P[sig_a[i] == sig_b[i]] = Jaccard(A, B) (plus 2**-32 collisions), so the share of equal
  positions estimates Jaccard with standard deviation sqrt(J(1-J)/num_perm) (0.044 at J=0.5,
  num_perm=128).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from pipelines.core.errors import ArticleError

TOKEN_RE = re.compile(r"\w+")
_MASK64 = (1 << 64) - 1
# Shingle-combining multiplier and mixer constants (odd 64-bit values; from splitmix64/murmur3).
_COMBINE = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
# Shingles per matrix block: bounds the temporary (num_perm x block) uint64 array to ~2 MiB.
_BLOCK = 2048


Signature = npt.NDArray[np.uint32]


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text.casefold())


def shingles(text: str, k: int) -> set[tuple[str, ...]]:
    """The set of k-token shingles (exact, for tests and evaluation; the pipeline hashes)."""
    toks = tokens(text)
    if len(toks) <= k:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i : i + k]) for i in range(len(toks) - k + 1)}


def jaccard(a: set[Any], b: set[Any]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _word_table() -> npt.NDArray[np.bool_]:
    # \w for str patterns is exactly str.isalnum() or "_"; a table covers the BMP.
    return np.array([chr(i).isalnum() or i == 0x5F for i in range(0x10000)], dtype=np.bool_)


_WORD = _word_table()
_TOKEN_MUL = 0x100000001B3  # odd, so invertible mod 2**64
_powers: tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]] = (
    np.ones(1, dtype=np.uint64),
    np.ones(1, dtype=np.uint64),
)


def _power_tables(n: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """TOKEN_MUL**i and its inverse**i mod 2**64 for i < n (grown by doubling, then reused)."""
    global _powers
    pw, inv = _powers
    if len(pw) < n:
        size = max(n, 2 * len(pw), 1 << 14)
        pw = np.full(size, _TOKEN_MUL, dtype=np.uint64)
        pw[0] = 1
        np.cumprod(pw, out=pw)  # integer overflow wraps: exactly mod 2**64
        inv = np.full(size, pow(_TOKEN_MUL, -1, 1 << 64), dtype=np.uint64)
        inv[0] = 1
        np.cumprod(inv, out=inv)
        _powers = (pw, inv)  # one assignment: safe with threads, worst case computed twice
    return pw, inv


def token_hashes(text: str) -> npt.NDArray[np.uint64]:
    """64-bit hash of each `tokens(text)` token, in order, without a Python loop over tokens.

    The hash of a token with code points c_0..c_m-1 is sum c_j * TOKEN_MUL**j mod 2**64. The
    text's code points go into one numpy array; a lookup table marks word characters, token
    starts/ends come from the mask's edges, and each token's hash is a difference of prefix
    sums, shifted back to the token's start by multiplying with the inverse power.
    """
    cp = np.frombuffer(text.casefold().encode("utf-32-le"), dtype=np.uint32)
    astral = cp > 0xFFFF
    word = _WORD[np.where(astral, 0, cp)]
    if astral.any():
        idx = np.flatnonzero(astral)
        word[idx] = [chr(c).isalnum() for c in cp[idx].tolist()]
    edges = np.diff(word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    pw, inv = _power_tables(len(cp) + 1)
    prefix = np.zeros(len(cp) + 1, dtype=np.uint64)
    np.cumsum(cp.astype(np.uint64) * pw[: len(cp)], out=prefix[1:])
    out: npt.NDArray[np.uint64] = (prefix[ends] - prefix[starts]) * inv[starts]
    return out


def shingle_hashes(text: str, k: int, max_chars: int | None = None) -> npt.NDArray[np.uint64]:
    """32-bit keys (held in uint64) of the k-token shingles of `text`; may repeat.

    Only the first `max_chars` characters count (bounds memory on hostile inputs).
    Raises ArticleError("empty_text") when the text has no word characters.
    """
    th = token_hashes(text if max_chars is None else text[:max_chars])
    if not len(th):
        raise ArticleError("empty_text", "text has no word characters to shingle")
    width = min(k, len(th))
    n = len(th) - width + 1
    h = th[:n].copy()
    for j in range(1, width):  # k is small (3-5): a loop over k, vectorized over shingles
        h *= _COMBINE
        h += th[j : j + n]
    h ^= np.uint64(width)  # keep a short text's single shingle apart from a k-shingle
    # murmur3 fmix64: spreads the combined value so the high 32 bits are well mixed.
    h ^= h >> np.uint64(33)
    h *= _MIX1
    h ^= h >> np.uint64(33)
    h *= _MIX2
    h ^= h >> np.uint64(33)
    out: npt.NDArray[np.uint64] = h >> np.uint64(32)
    return out


def _splitmix64(seed: int, n: int) -> list[int]:
    # Fixed integer recurrence, so the permutations never depend on numpy's RNG algorithms.
    out, state = [], seed & _MASK64
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & _MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        out.append(z ^ (z >> 31))
    return out


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[npt.NDArray[np.uint64], ...]:
    values = _splitmix64(seed, 2 * num_perm)
    a = np.array(values[:num_perm], dtype=np.uint64).reshape(num_perm, 1)
    b = np.array(values[num_perm:], dtype=np.uint64).reshape(num_perm, 1)
    return a, b


def minhash(hashes: npt.NDArray[np.uint64], num_perm: int, seed: int) -> Signature:
    """MinHash signature (uint32[num_perm]) of a non-empty array of 32-bit shingle keys."""
    if not len(hashes):
        raise ArticleError("empty_text", "no shingles to sign")
    a, b = _permutations(num_perm, seed)
    sig = np.full(num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
    shift = np.uint64(32)
    for start in range(0, len(hashes), _BLOCK):
        block = hashes[start : start + _BLOCK]
        m = a * block  # (num_perm, block): wraps mod 2**64, which is the point
        m += b
        np.minimum(sig, m.min(axis=1), out=sig)
    # >> 32 is monotonic, so shifting the minima equals taking the minimum of shifted values.
    return (sig >> shift).astype(np.uint32)


def signature_to_bytes(sig: Signature) -> bytes:
    return sig.astype("<u4").tobytes()


def signature_from_bytes(data: bytes, num_perm: int | None = None) -> Signature:
    sig = np.frombuffer(data, dtype="<u4").astype(np.uint32)
    if num_perm is not None and len(sig) != num_perm:
        raise ArticleError("bad_signature", f"signature has {len(sig)} values, want {num_perm}")
    return sig


def estimated_jaccard(a: Signature, b: Signature) -> float:
    """Share of equal MinHash positions: an unbiased estimate of the Jaccard similarity."""
    if len(a) != len(b):
        raise ValueError("signatures of different lengths are not comparable")
    return float(np.count_nonzero(a == b)) / len(a)
