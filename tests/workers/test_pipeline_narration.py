"""A short article through the whole pipeline with the real voice: broadcast audio and its timing files."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode

from service.settings import Settings
from service.storage import LocalStorage
from service.text.document import Block, Document
from service.voices import Voice, get_voice
from workers.audio.loudness import integrated_loudness, true_peak_dbtp
from workers.audio.mp3 import decode_mp3
from workers.audio.tags import AudioTags
from workers.engines import load_engine
from workers.narrate import store_narration
from workers.pipeline import RenderedNarration, narrate_document

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


def test_the_decoded_audio_is_at_minus_16_lufs_with_true_peak_under_minus_1(rendered: RenderedNarration, decoded) -> None:
    pcm, rate = decoded
    assert integrated_loudness(pcm, rate) == pytest.approx(-16.0, abs=1.0)
    assert true_peak_dbtp(pcm, rate) <= -1.0
    assert rendered.loudness_lufs == pytest.approx(integrated_loudness(pcm, rate), abs=0.01)


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
    assert 0.0 <= cues[0][0] and cues[-1][1] <= rendered.duration_s + 1e-3
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
    heading = next(m for m in json.loads(rendered.marks_json) if m["type"] == "paragraph" and m["value"] == "What Comes Next")
    assert chapters["chapters"][0]["startTime"] == 0
    assert chapters["chapters"][1]["startTime"] == pytest.approx(heading["time_ms"] / 1000, abs=0.002)


def test_pauses_follow_the_structure(rendered: RenderedNarration, voice: Voice) -> None:
    synthesized = rendered.synthesized
    rate = synthesized.sample_rate
    clips = synthesized.clips
    kinds = [b.kind for b in DOCUMENT.spoken_blocks()]
    for before, after in pairwise(clips):
        gap_ms = (after.start - before.end) * 1000 / rate
        if before.block_index == after.block_index:
            expected = voice.pauses.sentence_ms
        elif "heading" in (kinds[before.block_index], kinds[after.block_index]) or kinds[before.block_index] == "title":
            expected = voice.pauses.heading_ms
        else:
            expected = voice.pauses.paragraph_ms
        assert gap_ms == pytest.approx(expected, abs=1)


def test_joins_are_click_free_and_levels_do_not_jump(rendered: RenderedNarration, decoded) -> None:
    synthesized = rendered.synthesized
    raw = synthesized.pcm
    for clip in synthesized.clips:
        assert abs(raw[clip.start]) < 1e-3 and abs(raw[clip.end - 1]) < 1e-3  # faded to silence at both ends
    # One gain for the whole narration: each sentence changed level by about the same amount.
    pcm, rate = decoded
    scale = rate / synthesized.sample_rate
    changes = []
    for clip in synthesized.clips:
        before = raw[clip.start : clip.end]
        after = pcm[round(clip.start * scale) : round(clip.end * scale)]
        changes.append(10 * np.log10(np.mean(after**2) / np.mean(before**2)))
    assert max(changes) - min(changes) < 3.0


def test_storing_keeps_the_tagged_mp3_and_links_captions_marks_and_chapters(
    rendered: RenderedNarration, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path / "media")
    audio = store_narration(storage, rendered)
    assert audio.audio_key.endswith(".mp3") and storage.path(audio.audio_key).read_bytes() == rendered.path.read_bytes()
    assert audio.bytes == rendered.path.stat().st_size
    assert storage.path(audio.captions_key).read_text(encoding="utf-8") == rendered.captions_vtt  # type: ignore[arg-type]
    assert storage.path(audio.marks_key).read_text(encoding="utf-8") == rendered.marks_json  # type: ignore[arg-type]
    assert storage.path(audio.chapters_key).read_text(encoding="utf-8") == rendered.chapters_json  # type: ignore[arg-type]
    assert audio.captions_key.endswith(".vtt") and audio.marks_key.endswith(".json")  # type: ignore[union-attr]
