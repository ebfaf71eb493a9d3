"""Phonemes of single written words, to line an engine's phoneme timings up with the text.

Piper voices speak eSpeak phonemes; eSpeak itself ships inside the piper
package, so the same phonemizer the engine used can tell what each written
word should sound like.
"""

from __future__ import annotations

import json
import logging
import threading
from functools import lru_cache

from service.core.voices import Voice
from workers.synthesis.alignment import Phonemizer

log = logging.getLogger(__name__)


def word_phonemizer(voice: Voice) -> Phonemizer | None:
    """A cached word -> phonemes function for `voice`, or None when its engine has no phonemizer."""
    if voice.engine != "piper":
        return None
    try:
        from workers.synthesis.piper import resolve_model_path

        model = resolve_model_path(voice)
        config = json.loads(model.with_name(model.name + ".json").read_text(encoding="utf-8"))
        espeak_voice = config["espeak"]["voice"]
    except (OSError, KeyError, ValueError, ImportError):
        log.warning("voice %s: no eSpeak phonemizer; word timings are aligned by length", voice.id)
        return None
    return _espeak(espeak_voice)


@lru_cache(maxsize=8)
def _espeak(espeak_voice: str) -> Phonemizer:
    from piper.phonemize_espeak import EspeakPhonemizer

    # eSpeak has one current voice per process, set before each call: piper holds this lock from
    # setting it to reading the phonemes, so two syntheses side by side (`narrator narrate`'s
    # lanes) in different voices never read one with the other's voice.
    try:
        from piper.voice import _ESPEAK_PHONEMIZER_LOCK as espeak_lock
    except ImportError:  # a piper without it: our own calls at least take turns
        espeak_lock = threading.Lock()

    phonemizer = EspeakPhonemizer()

    @lru_cache(maxsize=50_000)
    def phonemize(word: str) -> str:
        with espeak_lock:
            phonemes = phonemizer.phonemize(espeak_voice, word)
        return "".join("".join(sentence) for sentence in phonemes)

    return phonemize
