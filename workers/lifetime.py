"""Child processes that must not outlive the process that started them."""

from __future__ import annotations

import os
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> bool:
    """Get SIGTERM when process `parent` dies, even by SIGKILL (Linux only).

    False when `parent` has already gone (the caller should stop); True when
    the request was made, or when the platform cannot make it (the parent then
    stops its children on every ordinary exit).
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        return True
    return os.getppid() == parent
