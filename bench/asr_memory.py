"""The recognizer's memory and speed, clip after clip, in one process.

Narrates the example article with `narrator narrate`, cuts it into clips as
workers/narration/asr.py does, and transcribes them in this process, printing
the address space and resident memory after each clip (growth per clip would
be a leak: moonshine_cpp's native library kept 1.3-2.2 GB more per 20 s clip,
which is why `IsolatedRecognizer` retired its child so often) and the CPU
seconds each clip took per 10 s of audio. Stops at --clips or 12 GB.

    .venv/bin/python bench/asr_memory.py [--clips N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import soundfile as sf

from workers.narration.asr import (
    _model,
    clip_files,
)

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "deepseek-huawei.txt"


def memory_gb() -> tuple[float, float]:
    """(address space, resident) of this process in GB."""
    with open("/proc/self/statm") as statm:
        size, resident = (int(v) for v in statm.read().split()[:2])
    page = os.sysconf("SC_PAGE_SIZE")
    return size * page / 1e9, resident * page / 1e9


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", type=int, default=6)
    args = parser.parse_args()
    narrator = str(Path(sys.executable).with_name("narrator"))
    with tempfile.TemporaryDirectory() as tmp:
        audio = Path(tmp) / "article.mp3"
        subprocess.run([narrator, "narrate", str(ARTICLE), "-o", str(audio)], check=True, capture_output=True)
        pcm, rate = sf.read(str(audio), dtype="float32")
        paths = clip_files(pcm, rate, tmp)[: args.clips]
        started = time.process_time()
        _model()
        print(f"model loaded in {time.process_time() - started:.1f} CPU s")
        previous = memory_gb()[1]
        heard_s = cpu_s = 0.0
        for number, path in enumerate(paths, 1):
            seconds = sf.info(path).duration
            started = time.process_time()
            _model().transcribe_wav(path)
            spent = time.process_time() - started
            heard_s, cpu_s = heard_s + seconds, cpu_s + spent
            size, resident = memory_gb()
            print(
                f"clip {number} ({seconds:.1f} s): address space {size:.1f} GB, resident {resident:.1f} GB "
                f"(+{resident - previous:.2f} GB), {spent:.1f} CPU s ({10 * spent / seconds:.2f} s per 10 s)"
            )
            previous = resident
            if size > 12:
                break
        if heard_s:
            print(f"{heard_s:.0f} s of audio in {cpu_s:.1f} CPU s: {10 * cpu_s / heard_s:.2f} s per 10 s of audio")
    return 0


if __name__ == "__main__":
    sys.exit(main())
