"""Freed heap memory goes back to the system between tasks."""

from __future__ import annotations

import ctypes.util

import psutil
import pytest

from workers.heap import trim_heap


@pytest.mark.skipif(not ctypes.util.find_library("c"), reason="no C library to ask")
def test_the_heap_freed_under_a_live_block_goes_back_to_the_system() -> None:
    process = psutil.Process()
    blocks = [bytearray(64 * 1024) for _ in range(1600)]  # 100 MB below glibc's mmap threshold: on the heap
    for block in blocks:
        block[::4096] = b"x" * len(block[::4096])  # touched: resident
    keep = blocks[-1]  # the top of the heap stays in use, so free() alone cannot shrink it
    del blocks
    held = process.memory_info().rss
    assert trim_heap()
    assert held - process.memory_info().rss > 50 * 2**20
    assert len(keep) == 64 * 1024
