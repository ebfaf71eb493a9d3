"""What the Piper voice holds in one process: its CPU arena kept, or given back after each sentence or paragraph.

Each variant runs in a fresh Python process (resident memory never goes back
down within one), loads the default voice on one synthesis thread, and
prints its resident memory (RSS) after loading, after a short sentence, after
a 400-character one, and after the first paragraphs of bench/corpus/intelligibility
(`--sentences`), with the peak (ru_maxrss) and the CPU seconds they took (one thread:
CPU seconds are what the machine spent, whatever else it is running). The
variants run alternately, `--rounds` times each, so a busy machine weighs on
all alike.

- `kept`: a plain InferenceSession, as before: the arena keeps what the
  longest sentence needed.
- `sentence`: the arena given back after every sentence (`release_memory`).
- `paragraph`: given back after every paragraph, as a worker does after each
  task (one segment: one spoken block; workers/tasks.py).
- `same-size`: as `paragraph`, with the arena extended by exactly what a run
  asks for (`arena_extend_strategy` kSameAsRequested, through an allocator
  registered with onnxruntime's environment) instead of doubling
  (kNextPowerOfTwo, the default).
- `no-arena`: as `paragraph`, without the CPU arena (`enable_cpu_mem_arena`
  off: every tensor from malloc).

Neither of the last two is kept in workers/synthesis/piper.py. Measured on
2026-11-29 (`--rounds 2`, 30 sentences, peak / RSS after / CPU vs `paragraph`):
`paragraph` 586 / 261-271 MB; `same-size` 714-718 / 364-391 MB, CPU 0.96x
(regions of exactly one request's size are not reused by the next, larger
request, so the arena holds more); `no-arena` 656-898 / 393-446 MB, CPU 1.04x.

    .venv/bin/python bench/piper_memory.py [--rounds N] [--sentences N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "bench" / "corpus" / "intelligibility"
VOICE = ROOT / "voices" / "en_US-joe-medium.toml"
MB = 2**20
SHORT = "The council met on Tuesday."
LONG = (
    "The committee, which had been meeting behind closed doors for nearly three months while the city's budget "
    "shortfall grew to more than forty million dollars, finally agreed on a plan that would cut library hours, "
    "delay the repaving of several major roads, freeze hiring across most departments, and ask voters in "
    "November to approve a temporary increase in the local sales tax to cover the remaining gap."
)
VARIANTS = ("kept", "sentence", "paragraph", "same-size", "no-arena")
KSAME_AS_REQUESTED = 1  # OrtArenaCfg's arena_extend_strategy (0: kNextPowerOfTwo)


def corpus_paragraphs(count: int) -> list[list[str]]:
    """The corpus's first paragraphs, `count` sentences in all, split as narration splits them."""
    from service.document.sentences import split_sentences

    paragraphs: list[list[str]] = []
    for path in sorted(CORPUS.glob("*.txt")):
        if ".spoken" not in path.suffixes:
            for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
                if count <= 0:
                    return paragraphs
                sentences = split_sentences(paragraph.strip())[:count]
                paragraphs.append(sentences)
                count -= len(sentences)
    return paragraphs


def measure(variant: str, count: int) -> dict[str, float]:
    """Run in the child: load the voice as `variant` says, synthesize, and return what was measured."""
    import onnxruntime
    import psutil

    from service.core.voices.catalog import load_voice_file
    from workers.synthesis import piper, use_threads

    if variant == "kept":  # the session as it was built before: release_memory does nothing
        piper.ReleasingSession = onnxruntime.InferenceSession  # type: ignore[misc]
    elif variant in ("same-size", "no-arena"):
        session_options = piper._session_options

        def options(threads: int, spin: bool) -> onnxruntime.SessionOptions:
            built = session_options(threads, spin)
            if variant == "same-size":
                built.add_session_config_entry("session.use_env_allocators", "1")
            else:
                built.enable_cpu_mem_arena = False
            return built

        piper._session_options = options
        if variant == "same-size":
            cpu = onnxruntime.OrtMemoryInfo(
                "Cpu", onnxruntime.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, onnxruntime.OrtMemType.DEFAULT
            )
            # max_mem 0 (no limit), initial chunk and dead bytes per chunk -1 (the defaults)
            onnxruntime.create_and_register_allocator(cpu, onnxruntime.OrtArenaCfg(0, KSAME_AS_REQUESTED, -1, -1))
        else:  # no arena to shrink: a run asked to shrink it would fail
            piper.shrinking_run_options = lambda: None
    use_threads(1, spin=False)
    process = psutil.Process()

    def rss() -> float:
        return float(process.memory_info().rss) / MB

    paragraphs = corpus_paragraphs(count)
    engine = piper.PiperEngine(load_voice_file(VOICE))
    out = {"loaded": rss()}
    engine.synthesize(SHORT)
    engine.release_memory()
    out["short"] = rss()
    engine.synthesize(LONG)
    engine.release_memory()
    out["long"] = rss()
    started = time.process_time()
    for paragraph in paragraphs:
        for sentence in paragraph:
            engine.synthesize(sentence)
            if variant == "sentence":
                engine.release_memory()
        engine.release_memory()
    out["cpu_s"] = time.process_time() - started
    out["after"] = rss()
    out["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sentences", type=int, default=30)
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.sentences)))
        return 0
    results: dict[str, list[dict[str, float]]] = {v: [] for v in VARIANTS}
    for _ in range(args.rounds):
        for variant in VARIANTS:
            child = [sys.executable, __file__, "--child", variant, "--sentences", str(args.sentences)]
            result = json.loads(subprocess.run(child, capture_output=True, text=True, check=True).stdout)
            results[variant].append(result)
            print(f"{variant:7s} " + ", ".join(f"{k} {v:.1f}" for k, v in result.items()), flush=True)
    cpu = {v: sum(r["cpu_s"] for r in rs) for v, rs in results.items()}
    after = {v: max(r["after"] for r in rs) for v, rs in results.items()}
    peak = {v: max(r["peak"] for r in rs) for v, rs in results.items()}
    print(
        f"RSS after {args.sentences} sentences: "
        + ", ".join(f"{v} {after[v]:.0f} MB" for v in VARIANTS)
        + "; peak: "
        + ", ".join(f"{v} {peak[v]:.0f} MB" for v in VARIANTS)
        + "; CPU seconds vs kept: "
        + ", ".join(f"{v} {cpu[v] / cpu['kept']:.3f}" for v in VARIANTS[1:])
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
