"""WebVTT captions: the article's own words, cue by cue as they are read.

One cue per sentence; a sentence too long for one line is wrapped onto two
balanced lines, and one too long for two lines is split into several cues
that follow the word timings, so each cue shows what is being said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workers.narration.timings import TimedSentence, Timeline

MAX_LINE_CHARS = 65
MAX_LINES = 2

_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Cue:
    """One caption: when it shows and its lines of text."""

    start_s: float
    end_s: float
    lines: tuple[str, ...]


def _pack(tokens: list[str], width: int) -> list[list[str]]:
    """Tokens greedily packed into lines of at most `width` characters (long tokens cut)."""
    lines: list[list[str]] = []
    current: list[str] = []
    for token in tokens:
        rest = token
        while len(rest) > width:  # a URL or similar: cut it, a caption line must fit
            if current:
                lines.append(current)
                current = []
            lines.append([rest[:width]])
            rest = rest[width:]
        if current and len(" ".join([*current, rest])) > width:
            lines.append(current)
            current = []
        current.append(rest)
    if current:
        lines.append(current)
    return lines


def balanced_lines(tokens: list[str], width: int = MAX_LINE_CHARS) -> tuple[str, ...]:
    """Tokens that fit on two lines, broken where the two lengths are closest."""
    text = " ".join(tokens)
    if len(text) <= width or len(tokens) < 2:
        return tuple(" ".join(line) for line in _pack(tokens, width))
    best: tuple[str, str] | None = None
    for cut in range(1, len(tokens)):
        first, second = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        fits = len(first) <= width and len(second) <= width
        if fits and (best is None or max(len(first), len(second)) < max(len(best[0]), len(best[1]))):
            best = (first, second)
    return best if best else tuple(" ".join(line) for line in _pack(tokens, width))


def _chunks(tokens: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """Tokens split into as few cues as fit, of about equal length."""
    words = [t for t, _ in tokens]
    lines = _pack(words, MAX_LINE_CHARS)
    count = -(-len(lines) // MAX_LINES)
    if count <= 1:
        return [tokens]
    # Cut where the running length is closest to each equal share...
    ends = [sum(len(w) + 1 for w in words[: i + 1]) for i in range(len(words))]
    cuts = sorted(
        {min(range(1, len(words)), key=lambda i: abs(ends[i - 1] - k * ends[-1] / count)) for k in range(1, count)}
    )
    chunks = [tokens[a:b] for a, b in zip([0, *cuts], [*cuts, len(tokens)], strict=True)]
    if all(len(_pack([t for t, _ in c], MAX_LINE_CHARS)) <= MAX_LINES for c in chunks):
        return chunks
    # ...unless a share does not fit on two lines: then fill cues greedily.
    greedy: list[list[tuple[str, int]]] = []
    position = 0
    for first in range(0, len(lines), MAX_LINES):
        size = max(1, sum(len(line) for line in lines[first : first + MAX_LINES]))
        if position < len(tokens):
            greedy.append(tokens[position : position + size])
        position += size
    return greedy


def sentence_cues(timeline: Timeline, sentence: TimedSentence) -> list[Cue]:
    """The cues that show one sentence."""
    text = timeline.value(sentence)
    tokens = [(m.group(), sentence.src_start + m.start()) for m in _TOKEN.finditer(text)]
    if not tokens:
        return []
    chunks = _chunks(tokens)
    starts = [sentence.start_s] + [_time_at(sentence, chunk[0][1]) for chunk in chunks[1:]]
    ends = [*starts[1:], sentence.end_s]
    return [
        Cue(start, max(end, start), balanced_lines([t for t, _ in chunk]))
        for chunk, start, end in zip(chunks, starts, ends, strict=True)
    ]


def _time_at(sentence: TimedSentence, offset: int) -> float:
    """When the word at or after character `offset` starts (interpolated if untimed)."""
    for word in sentence.words:
        if word.src_start >= offset:
            return word.start_s
    share = (offset - sentence.src_start) / max(1, sentence.src_end - sentence.src_start)
    return sentence.start_s + share * (sentence.end_s - sentence.start_s)


def cues(timeline: Timeline) -> list[Cue]:
    """Every caption cue of a narration, in order."""
    return [cue for sentence in timeline.sentences for cue in sentence_cues(timeline, sentence)]


def timestamp(seconds: float) -> str:
    """A WebVTT timestamp, hh:mm:ss.ttt."""
    ms = max(0, round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def _escape(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(timeline: Timeline) -> str:
    """The narration's captions as a WebVTT document."""
    out = ["WEBVTT", ""]
    for number, cue in enumerate(cues(timeline), start=1):
        out.append(str(number))
        out.append(f"{timestamp(cue.start_s)} --> {timestamp(cue.end_s)}")
        out.extend(_escape(line) for line in cue.lines)
        out.append("")
    return "\n".join(out)
