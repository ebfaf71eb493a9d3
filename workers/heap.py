"""Giving freed heap memory back to the system between tasks (glibc only)."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _malloc_trim() -> ctypes._NamedFuncPointer | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None


def trim_heap() -> bool:
    """Return the heap's free pages to the system (`malloc_trim(0)`); False where the C library cannot.

    glibc keeps what Python, numpy and onnxruntime free in its heap for the
    next allocation, and a worker's pool process slowly grows by it (60 MB over
    twenty narrations, bench/memory.py); trimming once a task is done costs a
    few milliseconds.
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
