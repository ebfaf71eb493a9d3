"""Test helper: audio decoded by Debian's ffmpeg command, a tool independent of the libraries that encode it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np


def ffmpeg_decoded(path: Path, rate: int | None = None) -> np.ndarray:
    """Mono float PCM of a file as ffmpeg decodes it (at the file's own rate unless `rate`).

    Anything ffmpeg says at its `error` level fails the caller's test.
    """
    resample = ["-ar", str(rate)] if rate else []
    done = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "1", *resample, "-"],
        capture_output=True,
        check=True,
    )
    assert done.stderr == b"", done.stderr.decode()
    return np.frombuffer(done.stdout, dtype="<f4")


def ffmpeg_complaints(path: Path) -> tuple[int, str]:
    """(exit status, what it printed) of ffmpeg decoding the whole file to nothing: (0, "") for a valid file."""
    done = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"],
        check=False,
        capture_output=True,
        text=True,
    )
    return done.returncode, done.stderr
