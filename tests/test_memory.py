"""pipelines.memory: the allocator settings take effect on this (glibc) system."""

from __future__ import annotations

import platform

import pytest

from pipelines.memory import fix_mmap_threshold, release_freed_memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_mmap_threshold_is_fixed_and_freed_memory_released() -> None:
    assert fix_mmap_threshold() is True
    release_freed_memory()  # must not raise
