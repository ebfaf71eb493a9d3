"""Word timings from an engine's phoneme durations.

Piper reports how many samples each phoneme of a sentence lasts and marks
word boundaries with a " " phoneme ("^" and "$" open and close each of its
internal sentences; punctuation gets pause phonemes of its own). eSpeak does
not keep words one to one, though: it merges "out of" into one phoneme word
and reads "$40" as two. So the engine's phoneme words are matched to the
written words by a monotonic alignment (Gale-Church style steps that allow
merges and splits), scored by the edit distance between each written word's
own phonemes and the phonemes spoken, or by length alone when no phonemizer
is at hand.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from workers.synthesis.base import PhonemeTiming

Phonemizer = Callable[[str], str]

# Phonemes that separate words: word break, sentence start/end, padding.
_BREAKS = frozenset({" ", "^", "$", "_"})
# Stress and length marks: part of a word's timing, but no sound of their own.
_MODIFIERS = frozenset({"ˈ", "ˌ", "ː", "ˑ", "\u0303", "\u0329", "\u032f"})

# (written words, spoken words) one alignment step may join, and what it costs
# on top of the mismatch: merges and splits are rarer than one-to-one.
_STEPS: dict[tuple[int, int], float] = {
    (1, 1): 0.0,
    (2, 1): 1.0,
    (3, 1): 2.0,
    (4, 1): 3.0,
    (1, 2): 1.0,
    (1, 3): 2.0,
    (1, 4): 3.0,
    (1, 5): 4.0,
    (1, 6): 5.0,
    (1, 8): 7.0,
    (1, 10): 9.0,
    (2, 2): 2.5,
    (1, 0): 2.0,
    (0, 1): 2.0,
}
# Alignments stay near the diagonal; this bounds the work on long sentences.
_BAND = 12


@dataclass(frozen=True)
class PhonemeWord:
    """One word as the engine spoke it: sample span in the sentence and its sounds."""

    start: int
    end: int
    sounds: str


def _is_break(phoneme: str) -> bool:
    return phoneme in _BREAKS or all(unicodedata.category(c).startswith("P") for c in phoneme)


def sounds_of(phonemes: str) -> str:
    """The sounds in a phoneme string, without stress, length marks or spaces."""
    return "".join(c for c in phonemes if c not in _MODIFIERS and not _is_break(c))


def phoneme_words(phonemes: Sequence[PhonemeTiming], total_samples: int) -> list[PhonemeWord]:
    """Group phoneme durations into spoken words (sample spans within the sentence)."""
    reported = sum(p.samples for p in phonemes)
    # The durations should add up to the audio; if an engine pads, spread the difference.
    scale = total_samples / reported if reported else 1.0
    words: list[PhonemeWord] = []
    position = 0.0
    start: float | None = None
    end = 0.0
    sounds: list[str] = []
    for phoneme in phonemes:
        duration = phoneme.samples * scale
        if _is_break(phoneme.phoneme):
            if start is not None:
                words.append(PhonemeWord(round(start), round(end), "".join(sounds)))
                start, sounds = None, []
        else:
            if start is None:
                start = position
            end = position + duration
            sounds.append(sounds_of(phoneme.phoneme))
        position += duration
    if start is not None:
        words.append(PhonemeWord(round(start), round(end), "".join(sounds)))
    return words


def expected_sounds(word: str) -> float:
    """A rough count of the sounds eSpeak makes for a written word (no phonemizer at hand)."""
    spelled = len(word) <= 4 and word.isupper()  # "FBI", "U.S." are read letter by letter
    total = 0.0
    for char in word:
        if char.isdigit():
            total += 3.5  # "7" -> "seven"
        elif char.isalpha():
            total += 1.8 if spelled else 0.9
        elif unicodedata.category(char).startswith("S"):
            total += 5.0  # "$" -> "dollars", "%" -> "percent"
    return max(total, 1.0)


def align_words(
    words: Sequence[str],
    spoken: Sequence[PhonemeWord],
    total_samples: int,
    phonemize: Phonemizer | None = None,
) -> list[tuple[int, int]]:
    """(start, end) sample span within the sentence for each written word."""
    if not words:
        return []
    if not spoken:
        return _spread([expected_sounds(w) for w in words], 0, total_samples)
    if phonemize is not None:
        own = [sounds_of(phonemize(w)) for w in words]
        weights = [float(max(len(s), 1)) for s in own]
        mismatch = _edit_mismatch(own, spoken)
    else:
        weights = [expected_sounds(w) for w in words]
        mismatch = _length_mismatch(weights, spoken)
    steps = _best_steps(len(words), len(spoken), mismatch)
    spans: list[tuple[int, int]] = []
    for i, a, j, b in steps:
        if b == 0:  # a written word the engine did not say: a point where it would have been
            at = spans[-1][1] if spans else spoken[0].start
            spans.append((at, at))
        elif a == 1:
            spans.append((spoken[j].start, spoken[j + b - 1].end))
        elif a:
            spans.extend(_spread(weights[i : i + a], spoken[j].start, spoken[j + b - 1].end))
    return spans


MismatchFn = Callable[[int, int, int, int], float]


def _edit_mismatch(own: Sequence[str], spoken: Sequence[PhonemeWord]) -> MismatchFn:
    def mismatch(i: int, a: int, j: int, b: int) -> float:
        written = "".join(own[i : i + a])
        said = "".join(p.sounds for p in spoken[j : j + b])
        return float(Levenshtein.distance(written, said))

    return mismatch


def _length_mismatch(weights: Sequence[float], spoken: Sequence[PhonemeWord]) -> MismatchFn:
    # Only relative lengths matter: calibrate the estimate on this sentence.
    scale = sum(len(p.sounds) for p in spoken) / sum(weights)

    def mismatch(i: int, a: int, j: int, b: int) -> float:
        e = scale * sum(weights[i : i + a])
        g = float(sum(len(p.sounds) for p in spoken[j : j + b]))
        return (e - g) ** 2 / (e + g + 1.0)

    return mismatch


def _best_steps(n: int, m: int, mismatch: MismatchFn) -> list[tuple[int, int, int, int]]:
    """The cheapest monotonic path of steps (i, a, j, b) joining written words to spoken ones."""
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    slope = m / n
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf or abs(j - i * slope) > _BAND + abs(n - m):
                continue
            for (a, b), penalty in _STEPS.items():
                if i + a > n or j + b > m:
                    continue
                total = here + mismatch(i, a, j, b) + penalty
                if total < cost[i + a][j + b]:
                    cost[i + a][j + b] = total
                    back[i + a][j + b] = (a, b)
    steps: list[tuple[int, int, int, int]] = []
    i, j = n, m
    while i or j:
        a, b = back[i][j]
        steps.append((i - a, a, j - b, b))
        i, j = i - a, j - b
    steps.reverse()
    return steps


def _spread(weights: Sequence[float], start: int, end: int) -> list[tuple[int, int]]:
    """Share a sample span among words in proportion to their weights."""
    total = sum(weights)
    spans: list[tuple[int, int]] = []
    position = float(start)
    for weight in weights:
        nxt = position + (end - start) * weight / total
        spans.append((round(position), round(nxt)))
        position = nxt
    return spans
