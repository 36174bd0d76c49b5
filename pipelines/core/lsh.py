"""LSH banding of MinHash signatures: which signatures become candidates of each other.

The signature is cut into `bands` bands of `rows` values; two documents become candidates if
any band is equal. For true Jaccard s, P(candidate) = 1 - (1 - s**rows)**bands. Candidates are
then verified by estimated Jaccard >= threshold, so a false candidate costs only a comparison
while a missed one is lost for good: `lsh_params` picks the largest `rows` (fewest false
candidates) for which P(candidate) at s = threshold is still >= min_recall.
"""

from __future__ import annotations

from functools import lru_cache

from pipelines.core.minhash import Signature


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, min_recall: float = 0.99) -> tuple[int, int]:
    """(bands, rows): the largest rows with P(candidate | s=threshold) >= min_recall.

    rows=1 (every permutation its own band) is the fallback when nothing larger qualifies.
    """
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if candidate_probability(threshold, bands, rows) >= min_recall:
            best = (bands, rows)
    return best


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """P(two sets with this Jaccard share at least one LSH band)."""
    return 1.0 - (1.0 - similarity**rows) ** bands


def band_keys(sig: Signature, bands: int, rows: int) -> list[bytes]:
    """One key per LSH band: the band number (2 bytes) then its `rows` values, little-endian.

    Raw values rather than a hash of them: short, and equal keys mean equal bands exactly.
    """
    return band_keys_of_bytes(sig[: bands * rows].astype("<u4").tobytes(), bands, rows)


def band_keys_of_bytes(raw: bytes, bands: int, rows: int, tag: bytes = b"") -> list[bytes]:
    """`band_keys` of a signature kept as bytes (`minhash.signature_to_bytes`), each after
    `tag`: no array is made, so scanning a large fingerprint index stays cheap."""
    width = 4 * rows
    if bands * width > len(raw):
        raise ValueError("signature too short for bands * rows")
    prefixes = _prefixes(bands, tag)
    return [prefixes[i] + raw[i * width : (i + 1) * width] for i in range(bands)]


@lru_cache(maxsize=16)
def _prefixes(bands: int, tag: bytes) -> tuple[bytes, ...]:
    return tuple(tag + i.to_bytes(2, "little") for i in range(bands))
