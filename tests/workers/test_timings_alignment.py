"""Word timings from phoneme durations: grouping on Piper's word breaks, and matching to written words."""

from __future__ import annotations

import pytest

from workers.synthesis.alignment import PhonemeWord, align_words, phoneme_words
from workers.synthesis.base import PhonemeTiming


def timings(spec: str, samples: int = 100) -> tuple[PhonemeTiming, ...]:
    """Phonemes from a string, each lasting `samples` (Piper's own markers included)."""
    return tuple(PhonemeTiming(p, samples) for p in spec)


def phonemize(word: str) -> str:
    return {
        "out": "ˈaʊt",
        "of": "ʌv",
        "the": "ðə",
        "house": "hˈaʊs",
        "he": "hiː",
        "walked": "wˈɔːkt",
        "$40": "dˈɑːlɚ fˈɔːɹɾi",
    }[word.lower()]


def test_spaces_sentence_markers_and_punctuation_close_words() -> None:
    words = phoneme_words(timings("^hiː wˈɔːkt, ðə$"), 1600)
    assert [w.sounds for w in words] == ["hi", "wɔkt", "ðə"]
    # "^" is 0-100, "hiː" 100-400, " " 400-500, "wˈɔːkt" 500-1100, "," and " ", "ðə" 1300-1500, "$".
    assert [(w.start, w.end) for w in words] == [(100, 400), (500, 1100), (1300, 1500)]


def test_durations_are_scaled_to_the_audio_when_they_do_not_add_up() -> None:
    words = phoneme_words(timings("ab cd"), 1000)  # durations sum to 500
    assert [(w.start, w.end) for w in words] == [(0, 400), (600, 1000)]


def test_one_to_one_words_get_their_own_spans() -> None:
    spoken = phoneme_words(timings("^hiː wˈɔːkt$"), 1200)
    assert align_words(["He", "walked"], spoken, 1200, phonemize) == [(100, 400), (500, 1100)]


def test_words_espeak_merges_share_the_merged_span() -> None:
    # eSpeak says "out of the house" as three words: "ˌaʊɾəv ðə hˈaʊs".
    spoken = [PhonemeWord(0, 500, "aʊɾəv"), PhonemeWord(600, 800, "ðə"), PhonemeWord(900, 1300, "haʊs")]
    spans = align_words(["out", "of", "the", "house"], spoken, 1300, phonemize)
    assert spans[0][0] == 0 and spans[1][1] == 500 and spans[0][1] == spans[1][0]
    assert spans[2:] == [(600, 800), (900, 1300)]


def test_a_word_espeak_reads_as_two_spans_both() -> None:
    spoken = [PhonemeWord(0, 300, "hi"), PhonemeWord(400, 800, "dɑlɚ"), PhonemeWord(900, 1300, "fɔɹɾi")]
    assert align_words(["he", "$40"], spoken, 1300, phonemize) == [(0, 300), (400, 1300)]


def test_without_a_phonemizer_lengths_decide() -> None:
    spoken = [PhonemeWord(0, 200, "ə"), PhonemeWord(300, 1200, "ɛnsaɪklədiə")]
    assert align_words(["a", "encyclopedia"], spoken, 1200) == [(0, 200), (300, 1200)]


def test_without_phoneme_timings_the_sentence_is_shared_by_length() -> None:
    spans = align_words(["aa", "aaaa"], [], 600)
    assert spans == [(0, 200), (200, 600)]


@pytest.mark.parametrize(
    "sentence",
    ["The committee approved new bicycles yesterday.", "Residents can comment online until Friday."],
)
def test_piper_marks_each_word_with_a_space_phoneme(sentence: str) -> None:
    """The real voice: one phoneme word per written word in plain sentences."""
    from service.core.settings import Settings
    from service.core.voices import get_voice
    from workers.synthesis import load_engine

    settings = Settings()
    engine = load_engine(get_voice(settings.voices_dir, settings.default_voice))
    audio = engine.synthesize(sentence)
    assert sum(p.samples for p in audio.phonemes) == len(audio.pcm)
    assert " " in {p.phoneme for p in audio.phonemes}
    assert len(phoneme_words(audio.phonemes, len(audio.pcm))) == len(sentence.split())
