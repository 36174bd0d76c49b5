"""Process memory: give large freed buffers back to the system.

glibc's malloc raises its mmap threshold each time a large mmapped block is freed, so after a
few pages and Beam buffers of a few MB, later ones come from the heap, whose freed space the
process keeps. A backfill reads thousands of 100 KB+ pages slice after slice: its peak memory
then grew with the number of slices (benchmarks/README.md, scaling). A fixed threshold keeps
such buffers mmapped, returned to the system when freed. `newswire backfill` sets it in its
process (where the growth was measured; the CPU workers' growth was spaCy's vocabulary, see
core.enrich) and trims the heap between slices; a no-op where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc

_M_MMAP_THRESHOLD = -3  # mallopt parameter number, from glibc's malloc.h
MMAP_THRESHOLD = 128 * 1024  # glibc's default starting value, kept fixed


@functools.cache  # loaded once per process, not at every slice
def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt  # noqa: B018  (only glibc has it)
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def fix_mmap_threshold() -> bool:
    """Keep allocations of MMAP_THRESHOLD bytes or more mmapped; True if it took effect."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1)


def release_freed_memory() -> None:
    """Collect garbage and hand free heap pages back to the system (between backfill slices)."""
    gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
