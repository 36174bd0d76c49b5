"""Shared helpers for the quality benchmarks: where the real data is, and tiny scoring utils."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """`../shared` beside the project (override with NEWSWIRE_SHARED)."""
    path = Path(os.environ.get("NEWSWIRE_SHARED") or ROOT.parent / "shared")
    if not (path / "benchmarks").is_dir():
        raise SystemExit(f"shared data not found at {path} (set NEWSWIRE_SHARED)")
    return path


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
