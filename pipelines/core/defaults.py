"""Defaults that the configuration and the core functions share, each stated once."""

from __future__ import annotations

# Larger raw inputs become dead letters (a guard against hostile pages).
MAX_BODY_BYTES = 20_000_000
# Jaccard similarity from which an article is a near duplicate: tuned in
# benchmarks/quality/near_dup_variants.py.
NEAR_DUP_THRESHOLD = 0.4
