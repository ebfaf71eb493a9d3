"""Mastering for broadcast: a loudness target, a true-peak ceiling, verified on the encoded MP3.

The chain is a broadcast one: a phase rotator and a gentle compressor tame the
voice's peaks, one gain brings the whole narration to the target loudness (so
sentences keep their balance), a true-peak limiter holds the ceiling, and the result
is encoded and decoded again: MP3 encoding overshoots peaks, so the ceiling
before encoding sits below the limit, and is lowered further if the decoded
file still exceeds it.

The chain runs at the rate it is given, which may be below the MP3's: a
voice's 22.05 kHz block is mastered as it is (half the samples of 44.1 kHz, so
half the work; the live stream masters it so too) and only then resampled to
the output rate. Speech has nothing above 11 kHz for the chain to act on, and
the check on the decoded MP3 sees the resampled, encoded result.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from service.audio.compressor import compress
from service.audio.limiter import limit_true_peak
from service.audio.loudness import MIN_LOUDNESS_S, integrated_loudness, true_peak_dbtp
from service.audio.mp3 import DECODER_DELAY, decode_frames, encode_frames
from service.audio.pcm import db_to_gain, resample
from service.audio.phase import rotate_phase
from service.audio.targets import MAX_TRUE_PEAK_DBTP, TARGET_LUFS
from service.audio.xing import LAME_ENCODER_DELAY

log = logging.getLogger(__name__)

# Headroom for the encoder's overshoot; widened when the decoded file needs it.
ENCODER_MARGIN_DB = 1.0
# How close the decoded file must be: well inside the +-1 LU a spec allows.
LOUDNESS_TOLERANCE_LU = 0.3
TRUE_PEAK_SAFETY_DB = 0.1
MAX_ATTEMPTS = 4
MASTER_ROUNDS = 6
# How much of a dB of gain before the limiter is still heard after it, before two tries measure it:
# on Piper narrations the limiter takes back about 0.4 of each (bench/narration_stages.py), so the
# second try lands within 0.1 LU where a first step of 1.0 needed a third.
FIRST_SLOPE = 0.6


@dataclass(frozen=True)
class MasteredFrames:
    """Mastered, encoded audio (bare MPEG frames) and how it measures as a listener's decoder returns it."""

    frames: bytes
    samples: int  # encoded, at the output rate
    loudness_lufs: float
    true_peak_dbtp: float


def block_loudness(pcm: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness, also of audio shorter than the meter's 400 ms block (a one-word heading).

    Such audio is measured repeated to 400 ms: the same mean power, so the
    same loudness as the word heard on its own.
    """
    needed = math.ceil(MIN_LOUDNESS_S * sample_rate)
    if 0 < len(pcm) < needed:
        pcm = np.tile(pcm, math.ceil(needed / len(pcm)))
    return integrated_loudness(pcm, sample_rate)


def master(pcm: np.ndarray, sample_rate: int, *, target_lufs: float, ceiling_dbtp: float) -> np.ndarray:
    """`pcm` at `target_lufs` integrated loudness with true peaks at most `ceiling_dbtp`."""
    shaped = compress(rotate_phase(pcm, sample_rate), sample_rate)
    loudness = block_loudness(shaped, sample_rate)
    if not math.isfinite(loudness):  # silence or too short to measure: only hold the peaks
        return limit_true_peak(shaped, sample_rate, ceiling_dbtp)
    # Limiting takes some loudness away, the more the harder it works: search
    # the gain before the limiter (secant steps) that lands on the target after it.
    tried: list[tuple[float, float]] = []
    gain_db = target_lufs - loudness
    out = shaped
    for _ in range(MASTER_ROUNDS):
        out = limit_true_peak(shaped * db_to_gain(gain_db), sample_rate, ceiling_dbtp)
        reached = block_loudness(out, sample_rate)
        if abs(reached - target_lufs) <= 0.1:
            break
        tried.append((gain_db, reached))
        slope = FIRST_SLOPE if reached < target_lufs else 1.0  # a limiter only ever takes loudness away
        if len(tried) > 1 and tried[-1][0] != tried[-2][0]:
            slope = (tried[-1][1] - tried[-2][1]) / (tried[-1][0] - tried[-2][0])
        gain_db += (target_lufs - reached) / min(1.0, max(slope, 0.2))
    return out


def encode_mastered_frames(
    pcm: np.ndarray,
    sample_rate: int,
    *,
    kbps: int,
    output_rate: int | None = None,
    target_lufs: float = TARGET_LUFS,
    max_true_peak_dbtp: float = MAX_TRUE_PEAK_DBTP,
) -> MasteredFrames:
    """Master `pcm` at its `sample_rate`, encode it once at `output_rate` (the same by default), and check
    the decoded audio meets both limits (else master again)."""
    rate = output_rate or sample_rate
    if len(pcm) == 0:  # a block the engine said nothing for (a lone dash): a silent frame, nothing to check
        return MasteredFrames(encode_frames(pcm, rate, kbps=kbps), 0, -math.inf, -math.inf)
    aim_lufs = target_lufs
    ceiling = max_true_peak_dbtp - ENCODER_MARGIN_DB
    limit = max_true_peak_dbtp - TRUE_PEAK_SAFETY_DB
    result: MasteredFrames | None = None
    for _ in range(MAX_ATTEMPTS):
        mastered = master(pcm, sample_rate, target_lufs=aim_lufs, ceiling_dbtp=ceiling)
        out = resample(mastered, sample_rate, rate)
        frames = encode_frames(out, rate, kbps=kbps)
        decoded, decoded_rate = decode_frames(frames)
        # Decoded, the frames hold the encoder's delay and padding: a short block is measured without them.
        speech = decoded[LAME_ENCODER_DELAY + DECODER_DELAY : LAME_ENCODER_DELAY + DECODER_DELAY + len(out)]
        result = MasteredFrames(
            frames, len(out), block_loudness(speech, decoded_rate), true_peak_dbtp(decoded, decoded_rate)
        )
        loud_ok = (
            not math.isfinite(result.loudness_lufs) or abs(result.loudness_lufs - target_lufs) <= LOUDNESS_TOLERANCE_LU
        )
        if loud_ok and result.true_peak_dbtp <= limit:
            return result
        if result.true_peak_dbtp > limit:
            ceiling -= result.true_peak_dbtp - limit + 0.2
        if math.isfinite(result.loudness_lufs):
            aim_lufs += target_lufs - result.loudness_lufs
    assert result is not None
    log.warning(
        "mastering missed its target after %d tries: %.2f LUFS, %.2f dBTP",
        MAX_ATTEMPTS,
        result.loudness_lufs,
        result.true_peak_dbtp,
    )
    return result
