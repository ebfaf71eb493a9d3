"""A short article through the whole pipeline with the real voice: broadcast audio and its timing files."""

from __future__ import annotations

import json
import re
from itertools import pairwise

import numpy as np
import pytest
import soundfile as sf
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode

from service.audio.loudness import integrated_loudness, true_peak_dbtp
from service.audio.mp3 import decode_mp3
from service.core.settings import Settings
from service.core.voices import Voice, get_voice
from service.document.model import Block, Document
from workers.narration.pipeline import narrate_document
from workers.narration.render import RenderedNarration
from workers.narration.tags import AudioTags
from workers.synthesis import load_engine

LONG_SENTENCE = (
    "Residents can comment online until Friday, when a final vote on the remaining details "
    "of the plan is expected at city hall."
)
DOCUMENT = Document(
    title="Council Approves Bicycle Plan",
    byline="Jane Reporter",
    blocks=(
        Block("paragraph", "The committee approved 25 new bicycles yesterday. Critics called it expensive."),
        Block("heading", "What Comes Next"),
        Block("paragraph", f"Construction begins in September. {LONG_SENTENCE}"),
    ),
)


@pytest.fixture(scope="module")
def voice() -> Voice:
    settings = Settings()
    return get_voice(settings.voices_dir, settings.default_voice)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, voice: Voice) -> RenderedNarration:
    path = tmp_path_factory.mktemp("narration") / "article.mp3"
    tags = AudioTags(title=DOCUMENT.title, artist=DOCUMENT.byline, album="City News")
    return narrate_document(DOCUMENT, voice, load_engine(voice), path, tags=tags)


@pytest.fixture(scope="module")
def decoded(rendered: RenderedNarration) -> tuple[np.ndarray, int]:
    return decode_mp3(rendered.path)


def test_the_mp3_is_mono_44k_cbr_64k_with_an_exact_header_duration(rendered: RenderedNarration, decoded) -> None:
    pcm, rate = decoded
    info = MP3(rendered.path).info
    assert (info.sample_rate, info.channels, info.bitrate_mode) == (44100, 1, BitrateMode.CBR)
    assert round(info.bitrate / 1000) == 64
    header_s = sf.info(str(rendered.path)).duration
    assert abs(header_s - len(pcm) / rate) <= 0.01 * header_s
    assert rendered.duration_s == pytest.approx(len(pcm) / rate, abs=1e-6)


def test_the_decoded_audio_is_at_minus_16_lufs_with_true_peak_under_minus_1(
    rendered: RenderedNarration, decoded
) -> None:
    pcm, rate = decoded
    assert integrated_loudness(pcm, rate) == pytest.approx(-16.0, abs=1.0)
    assert true_peak_dbtp(pcm, rate) <= -1.0
    assert rendered.true_peak_dbtp == pytest.approx(true_peak_dbtp(pcm, rate), abs=0.05)


def test_id3_frames_are_present(rendered: RenderedNarration) -> None:
    tags = ID3(rendered.path)
    for frame in ("TIT2", "TPE1", "TALB", "TCON"):
        assert tags.getall(frame), frame
    assert str(tags["TIT2"]) == DOCUMENT.title and str(tags["TCON"]) == "Podcast"
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == [DOCUMENT.title, "What Comes Next"]
    assert tags.getall("CTOC")[0].child_element_ids == [c.element_id for c in chapters]


def parse_vtt(vtt: str) -> list[tuple[float, float, str]]:
    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    cues = []
    for block in vtt.strip().split("\n\n")[1:]:
        lines = block.split("\n")
        start, end = lines[1].split(" --> ")
        cues.append((seconds(start), seconds(end), " ".join(lines[2:])))
        assert all(len(line) <= 65 for line in lines[2:])
    return cues


def test_caption_cues_are_ordered_inside_the_audio_and_show_the_article_text(rendered: RenderedNarration) -> None:
    cues = parse_vtt(rendered.captions_vtt)
    assert len(cues) >= 6  # title, 2 sentences, heading, 2 sentences (the long one split or wrapped)
    for (s1, e1, _), (s2, _, _) in pairwise(cues):
        assert s1 < e1 <= s2
    assert cues[0][0] >= 0.0 and cues[-1][1] <= rendered.duration_s + 1e-3
    text = " ".join(DOCUMENT.text.split())
    position = 0
    for _, _, cue_text in cues:
        found = text.find(cue_text, position)
        assert found >= 0, cue_text
        position = found + len(cue_text)


def test_word_marks_slice_the_article_text_to_the_word(rendered: RenderedNarration) -> None:
    marks = json.loads(rendered.marks_json)
    words = [m for m in marks if m["type"] == "word"]
    text = DOCUMENT.text
    assert [m["value"] for m in words] == re.findall(r"[\w']+", text)
    for mark in marks:
        assert text[mark["start"] : mark["end"]] == mark["value"]
        assert 0 <= mark["time_ms"] <= rendered.duration_s * 1000
    times = [m["time_ms"] for m in words]
    assert times == sorted(times) and len(set(times)) == len(times)
    sentences = [m["value"] for m in marks if m["type"] == "sentence"]
    assert LONG_SENTENCE in sentences
    assert [m["value"] for m in marks if m["type"] == "paragraph"] == [b.text for b in DOCUMENT.spoken_blocks()]


def test_chapters_json_matches_the_title_and_headings(rendered: RenderedNarration) -> None:
    chapters = json.loads(rendered.chapters_json)
    assert chapters["version"] == "1.2.0"
    assert [c["title"] for c in chapters["chapters"]] == [DOCUMENT.title, "What Comes Next"]
    heading = next(
        m for m in json.loads(rendered.marks_json) if m["type"] == "paragraph" and m["value"] == "What Comes Next"
    )
    assert chapters["chapters"][0]["startTime"] == 0
    assert chapters["chapters"][1]["startTime"] == pytest.approx(heading["time_ms"] / 1000, abs=0.002)


def test_pauses_follow_the_structure(rendered: RenderedNarration, voice: Voice) -> None:
    timeline = rendered.timeline
    spoken = DOCUMENT.spoken_blocks()

    def block_of(sentence) -> int:  # type: ignore[no-untyped-def]
        return next(i for i, b in enumerate(timeline.blocks) if b.src_start <= sentence.src_start < b.src_end)

    for before, after in pairwise(timeline.sentences):
        gap_ms = (after.start_s - before.end_s) * 1000
        first, second = block_of(before), block_of(after)
        if first == second:
            assert gap_ms == pytest.approx(voice.pauses.sentence_ms, abs=1)  # inside a block: exact
            continue
        if "heading" in (spoken[first].kind, spoken[second].kind) or spoken[first].kind == "title":
            expected = voice.pauses.heading_ms
        else:
            expected = voice.pauses.paragraph_ms
        # Between blocks the pause is made of whole MP3 frames: within half a frame (13 ms).
        assert gap_ms == pytest.approx(expected, abs=14)


def test_block_joins_are_silent_and_blocks_equally_loud(rendered: RenderedNarration, decoded) -> None:
    pcm, rate = decoded
    for block in rendered.timeline.blocks:
        start, end = round(block.start_s * rate), round(block.end_s * rate)
        # Silence just before each block starts and just after it ends: the joins between parts click-free.
        assert np.abs(pcm[max(0, start - 441) : start]).max(initial=0.0) < 1e-2
        assert np.abs(pcm[end : end + 441]).max(initial=0.0) < 1e-2
        if block.end_s - block.start_s >= 1.0:
            assert integrated_loudness(pcm[start:end], rate) == pytest.approx(-16.0, abs=1.0)
