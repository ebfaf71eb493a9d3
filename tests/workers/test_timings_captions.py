"""Captions, marks and chapters from a timeline (no audio needed)."""

from __future__ import annotations

import json
import re
from itertools import pairwise

from service.document.model import Block, Document
from workers.narration.captions import MAX_LINE_CHARS, cues, timestamp, webvtt
from workers.narration.chapters import chapters_json, chapters_of
from workers.narration.marks import marks
from workers.narration.timings import Timed, TimedBlock, TimedSentence, Timeline


def timeline_of(document: Document, seconds_per_char: float = 0.06, pause_s: float = 0.5) -> Timeline:
    """A timeline that reads every block sentence by sentence (one sentence per block here),
    each word taking time in proportion to its length."""
    text = document.text
    blocks, sentences = [], []
    t = 0.0
    for (start, end), block in zip(document.block_offsets(), document.spoken_blocks(), strict=True):
        words = []
        for m in re.finditer(r"\S+", text[start:end]):
            duration = len(m.group()) * seconds_per_char
            words.append(Timed(t, t + duration, start + m.start(), start + m.end()))
            t += duration + 0.05
        sentences.append(TimedSentence(words[0].start_s, words[-1].end_s, start, end, words=tuple(words)))
        blocks.append(TimedBlock(words[0].start_s, words[-1].end_s, start, end, kind=block.kind))
        t += pause_s
    return Timeline(text=text, duration_s=t, blocks=tuple(blocks), sentences=tuple(sentences))


LONG = (
    "Residents can comment online until Friday, when a final vote on the remaining details of the "
    "bicycle plan is expected to take place at city hall, after which construction crews will begin "
    "work on the first three protected lanes along the waterfront and through the old market district."
)
DOC = Document(
    title="Bike plan <approved> & funded",
    blocks=(Block("paragraph", "Short one."), Block("heading", "What comes next"), Block("paragraph", LONG)),
)


def test_cues_are_ordered_inside_the_audio_and_lines_fit() -> None:
    timeline = timeline_of(DOC)
    shown = cues(timeline)
    for before, after in pairwise(shown):
        assert before.end_s <= after.start_s
    assert all(0 <= c.start_s < c.end_s <= timeline.duration_s for c in shown)
    assert all(len(line) <= MAX_LINE_CHARS for c in shown for line in c.lines)
    assert all(1 <= len(c.lines) <= 2 for c in shown)


def test_a_long_sentence_is_split_into_cues_that_follow_its_words() -> None:
    timeline = timeline_of(DOC)
    long_cues = [c for c in cues(timeline) if " ".join(c.lines) in LONG]
    assert len(long_cues) >= 2
    assert " ".join(" ".join(c.lines) for c in long_cues) == LONG
    # The second cue starts when its first word is read.
    first_word = long_cues[1].lines[0].split()[0]
    words = [w for w in timeline.words if timeline.value(w) == first_word]
    assert any(abs(w.start_s - long_cues[1].start_s) < 1e-9 for w in words)


def test_webvtt_is_well_formed_and_escapes_markup() -> None:
    vtt = webvtt(timeline_of(DOC))
    assert vtt.startswith("WEBVTT\n\n")
    assert "Bike plan &lt;approved&gt; &amp; funded" in vtt
    assert re.search(r"^00:00:00\.000 --> 00:00:\d\d\.\d{3}$", vtt, re.MULTILINE)
    assert timestamp(3725.5) == "01:02:05.500"


def test_marks_slice_the_article_text_and_come_in_time_order() -> None:
    timeline = timeline_of(DOC)
    found = marks(timeline)
    assert [m["time_ms"] for m in found] == sorted(m["time_ms"] for m in found)
    assert {m["type"] for m in found} == {"word", "sentence", "paragraph"}
    for mark in found:
        assert DOC.text[mark["start"] : mark["end"]] == mark["value"]
    assert [m["type"] for m in found[:3]] == ["paragraph", "sentence", "word"]
    json.dumps(found)


def test_the_title_opens_chapter_one_and_each_heading_the_next() -> None:
    timeline = timeline_of(DOC)
    chapters = chapters_of(timeline)
    heading = timeline.blocks[2]
    assert [(c.start_s, c.title) for c in chapters] == [(0.0, DOC.title), (heading.start_s, "What comes next")]
    assert chapters[0].end_s == chapters[1].start_s and chapters[-1].end_s == timeline.duration_s
    body = json.loads(chapters_json(chapters))
    assert body == {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0.0, "title": DOC.title},
            {"startTime": round(heading.start_s, 3), "title": "What comes next"},
        ],
    }


def test_text_before_the_first_heading_gets_its_own_chapter_and_plain_text_none() -> None:
    untitled = Document(title=None, blocks=(Block("paragraph", "Intro text."), Block("heading", "Part two")))
    chapters = chapters_of(timeline_of(untitled))
    assert [c.title for c in chapters] == ["Introduction", "Part two"]
    assert chapters_of(timeline_of(Document(title=None, blocks=(Block("paragraph", "Just text."),)))) == ()
