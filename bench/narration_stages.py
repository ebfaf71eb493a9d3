"""Where `narrator narrate`'s CPU goes: CPU seconds per stage of one narration, on the real code paths.

Runs the same in-process narration `narrator narrate` runs (workers/narration/local.py),
on one lane with one inference thread, so every CPU second is spent in this
thread and counted once. Each stage is a real function of the narration,
timed where it is called (the module attribute its caller looks up is wrapped
for the run): nothing is copied. Stages nest (a part's mastering inside the
segment that makes it), so the table prints a tree: CPU seconds inside a
stage, and its own (what its named sub-stages leave over).

    .venv/bin/python bench/narration_stages.py [--text FILE] [--rounds N]

With several rounds each stage shows its median. bench/throughput.py says how
the whole compares with raw Piper; this says what to look at first.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import resource
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TEXT = REPO.parent / "shared" / "examples" / "deepseek-huawei.txt"

# (module or module:Class, attribute, stage): the function as its caller finds it, and what it is.
# On one lane the fan-out runs each segment inside the plan's dispatch and the assembly inside the
# last segment's: those are tables of their own (ROOTS), not stages of the call they happen in.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("workers.narration.local", "start_narration", "plan (records, segment specs)"),
    ("workers.narration.local", "synthesize_segment", "segment"),
    ("workers.synthesis", "_create", "load the voice"),
    ("workers.narration.blocks", "split_sentences", "split sentences"),
    ("workers.narration.blocks", "spoken_form", "spoken form (normalizer, lexicon)"),
    ("piper.voice:PiperVoice", "phonemize", "phonemize (espeak)"),
    ("piper.voice:PiperVoice", "phoneme_ids_to_audio", "inference (onnxruntime)"),
    ("workers.narration.blocks", "fade_edges", "sentence fades"),
    ("workers.narration.blocks", "sentence_words", "word alignment"),
    ("workers.narration.fanout", "store_block", "store block (FLAC)"),
    ("workers.narration.fanout", "make_part", "part (master + encode + store)"),
    ("workers.narration.render", "resample", "resample for the intro/outro mix"),
    ("workers.narration.render", "with_intro_outro", "intro/outro mix"),
    ("service.audio.master", "master", "master"),
    ("service.audio.master", "rotate_phase", "phase rotator"),
    ("service.audio.master", "compress", "compressor"),
    ("service.audio.master", "limit_true_peak", "true-peak limiter"),
    ("service.audio.limiter", "sample_peaks", "peaks near the ceiling"),
    ("service.audio.loudness", "oversampled", "4x oversampling"),
    ("service.audio.master", "block_loudness", "loudness (BS.1770)"),
    ("service.audio.master", "encode_frames", "MP3 encode (LAME)"),
    ("service.audio.master", "decode_frames", "MP3 decode (check)"),
    ("service.audio.master", "resample", "resample to the output rate"),
    ("service.audio.master", "true_peak_dbtp", "true peak (check)"),
    ("workers.narration.parts", "store_part", "store part"),
    ("workers.narration.local", "assemble_narration", "assembly"),
    ("workers.narration.assembly", "load_block", "load block (FLAC)"),
    ("workers.narration.render", "join_parts", "join parts"),
    ("workers.narration.render", "place_blocks", "timeline"),
    ("workers.narration.render", "write_tags", "ID3 tags"),
    ("workers.narration.render", "webvtt", "captions"),
    ("workers.narration.render", "marks_json", "marks"),
    ("workers.narration.assembly", "store_narration", "store narration"),
)


ROOTS = frozenset({"segment", "assembly"})


def cpu_s() -> float:
    """CPU seconds (user + system) this process has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class StageClock:
    """CPU seconds per stage path: inside a stage, and its own (minus the named stages under it)."""

    def __init__(self) -> None:
        self.inside: dict[tuple[str, ...], float] = defaultdict(float)
        self.calls: dict[tuple[str, ...], int] = defaultdict(int)
        self._path: list[str] = []
        self._frames: list[list[float]] = []  # per running stage: [start, CPU s of roots run inside it]

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            outer = self._path
            if stage in ROOTS:
                self._path = []
            self._path.append(stage)
            path = tuple(self._path)
            frame = [cpu_s(), 0.0]
            self._frames.append(frame)
            try:
                return function(*args, **kwargs)
            finally:
                spent = cpu_s() - frame[0]
                self._frames.pop()
                self.inside[path] += spent - frame[1]
                self.calls[path] += 1
                self._path.pop()
                if stage in ROOTS:
                    self._path = outer
                    for enclosing in self._frames:  # not counted again in the stages it ran inside
                        enclosing[1] += spent - frame[1]

        return timed

    def own(self, path: tuple[str, ...]) -> float:
        children = sum(t for p, t in self.inside.items() if len(p) == len(path) + 1 and p[: len(path)] == path)
        return self.inside[path] - children


def _owner(spec: str) -> Any:
    module, _, cls = spec.partition(":")
    owner = importlib.import_module(module)
    return getattr(owner, cls) if cls else owner


@contextmanager
def staged(clock: StageClock) -> Iterator[None]:
    """Every stage in STAGES timed by `clock` while the block runs (stages this code lacks are skipped)."""
    undo: list[tuple[Any, str, Any]] = []
    try:
        for spec, name, stage in STAGES:
            owner = _owner(spec)
            original = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
            if original is None:
                continue
            undo.append((owner, name, original))
            setattr(owner, name, clock.wrap(stage, original))
        yield
    finally:
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)


def narrate_once(text: Path, clock: StageClock) -> tuple[float, float]:
    """One narration of `text` as `narrator narrate` makes it, on one lane; (CPU s, audio s)."""
    from service.articles.intake import ArticleInput, build_document, source_of
    from service.core.settings import get_settings
    from workers.narration.local import narrate_locally

    settings = get_settings()
    submitted = ArticleInput(text=text.read_text(encoding="utf-8"))
    start = cpu_s()
    document = clock.wrap("intake (extract, blocks)", build_document)(submitted, settings)
    with staged(clock):
        narrated = narrate_locally(
            document, source_of(submitted), settings, voice=settings.default_voice, section_voices={}, lanes=1
        )
    return cpu_s() - start, narrated.duration_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--text", type=Path, default=DEFAULT_TEXT if DEFAULT_TEXT.exists() else REPO / "service/demo/article.md"
    )
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    started = cpu_s()
    # What `narrator narrate` imports before and while it works, imported once up front here.
    from workers.synthesis import use_threads

    for module in ("workers.cli.commands.narrate", "workers.narration.local", "workers.synthesis.piper"):
        importlib.import_module(module)
    importlib.import_module("service.audio.master")
    imports = cpu_s() - started
    use_threads(1, spin=False)  # one lane's inference, as `narrator narrate` runs each
    clocks, totals = [], []
    for _ in range(args.rounds):
        clock = StageClock()
        total, audio_s = narrate_once(args.text, clock)
        clocks.append(clock)
        totals.append(total)
    paths = sorted({p for c in clocks for p in c.inside}, key=_order)
    total = statistics.median(totals)
    print(f"text: {args.text}, {audio_s:.1f} s of audio; {args.rounds} round(s), medians in CPU seconds")
    print(f"{'stage':<52} {'inside':>8} {'own':>8} {'calls':>6} {'share':>6}")
    print(f"{'process start + imports (once)':<52} {imports:8.2f} {imports:8.2f} {1:6d}")
    for path in paths:
        inside = statistics.median(c.inside.get(path, 0.0) for c in clocks)
        own = statistics.median(c.own(path) if path in c.inside else 0.0 for c in clocks)
        calls = clocks[0].calls.get(path, 0)
        label = "  " * (len(path) - 1) + path[-1]
        print(f"{label:<52} {inside:8.2f} {own:8.2f} {calls:6d} {inside / total:6.1%}")
    outside = total - statistics.median(sum(t for p, t in c.inside.items() if len(p) == 1) for c in clocks)
    print(f"{'not in a named stage':<52} {outside:8.2f}")
    print(f"{'narration (all of the above but start + imports)':<52} {total:8.2f}")
    return 0


def _order(path: tuple[str, ...]) -> tuple[int, ...]:
    names = ["intake (extract, blocks)"] + [stage for _, _, stage in STAGES]
    return tuple(names.index(stage) for stage in path)


if __name__ == "__main__":
    sys.exit(main())
