"""Which news names does the shipped voice say wrong? Measured with a speech recognizer.

    python bench/lexicon_probe.py                      # probe every candidate, print the table
    python bench/lexicon_probe.py --write voices/lexicon/default.toml
    python bench/lexicon_probe.py --verify             # before/after of the shipped file
    python bench/lexicon_probe.py --terms Huawei,Kyiv  # a few terms only

Probe: every term of bench/lexicon_candidates.toml is said by the real voice
in the `CARRIERS` sentences, exactly as a narration says it (normalized text,
then the engine), and transcribed with Moonshine (workers.narration.asr). A term is
heard right when the transcript contains it (or one of its `accept`
spellings) ignoring case, accents, punctuation and spaces. Piper adds random
noise, so every sentence is a fresh sample, and one sample proves little.

A term heard right in fewer than `MIN_OK_WRITTEN` carriers is misheard. The
recognizer may not know a rare name, and it mishears even common words now and
then, so an entry is shipped only on evidence.
Respellings (and IPA) that the voice says differently are said in the
carriers (a respelling differing only in length or secondary stress is the
same sound: see `same_sound`) and, when still promising, in the `CONFIRM`
sentences. The best is kept if heard right in at least `MIN_OK_FIX` of those
sentences and at least `MIN_MARGIN` times more often than the term as written
in the same sentences: the recognizer then maps the new sound to the name and
not the voice's own. IPA is tried only when no respelling qualifies: the
default lexicon applies to every voice, and only Piper reads [[ phonemes ]].
Last, the chosen entry must pass a gate in the `GATE` sentences, where no
choice was made: heard right in at least `MIN_OK_GATE` of them, and more often
than the term as written there. Misheard terms without such a fix are listed
for a human ear, not shipped.

`--cache FILE` keeps every transcription (by the exact text spoken) so a
re-run of the probe reuses its samples; --verify never uses it.

Verify: each entry of the shipped lexicon is said in the `VERIFY` sentences
(used by no step of the probe) without and with its entry, as fresh samples;
prints heard-right counts before and after.
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from service.core.settings import get_settings
from service.core.voices import get_voice
from service.document.lexicon import DEFAULT_LEXICON_PATH, load_default_entries
from service.document.normalize import normalize
from workers.narration.asr import IsolatedRecognizer, comparable_words
from workers.synthesis import load_engine
from workers.synthesis.phonemes import word_phonemizer

CANDIDATES = Path(__file__).with_name("lexicon_candidates.toml")
VOICE = "en_US-joe-medium"
CARRIERS = (
    "{} was in the news again today.",
    "Analysts are watching {} closely.",
    "The report about {} came out on Monday.",
)
CONFIRM = (
    "Yesterday, {} made the front page.",
    "We spoke to people who know {} well.",
)
GATE = (
    "Few people expected {} to act so quickly.",
    "Here is what {} announced this week.",
    "Officials said {} would respond later.",
)
VERIFY = (
    "Many readers asked about {} last night.",
    "This week {} returned to the headlines.",
    "A spokesperson for {} declined to comment.",
)
MIN_OK_WRITTEN = 2  # of CARRIERS: heard right this often, the voice is taken to say the term right
MIN_OK_FIX = 4  # of CARRIERS + CONFIRM: an entry must be heard right this often ...
MIN_MARGIN = 3  # ... and this many more times than the term as written, in the same sentences
MIN_OK_GATE = 2  # of GATE: the chosen entry, in sentences no choice was made on (and more than as written)


@dataclass
class Candidate:
    term: str
    kind: str
    accept: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    ipa: list[str] = field(default_factory=list)

    def fixes(self) -> list[tuple[str, str]]:
        """("alias" | "ipa", value) to try, respellings first (readable, and engine-independent)."""
        return [("alias", a) for a in self.aliases] + [("ipa", p) for p in self.ipa]


@dataclass
class Trial:
    sentence: str
    spoken: str
    heard: str
    ok: bool


def load_candidates(path: Path = CANDIDATES) -> list[Candidate]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Candidate(**row) for row in data["term"]]


def _joined(words: list[str]) -> str:
    return "".join(words)


def heard_as(heard: str, names: list[str]) -> bool:
    """Whether `heard` contains one of `names` (case, accents, punctuation and spaces ignored)."""
    words = comparable_words(heard)
    for name in names:
        target = _joined(comparable_words(name))
        if not target:
            continue
        span = len(comparable_words(name)) + 3
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + span) + 1):
                if _joined(words[i:j]) == target:
                    return True
    return False


class Probe:
    """The real voice and recognizer, and a count of what they did."""

    def __init__(self, cache: Path | None = None) -> None:
        self.cache_path = cache
        self.cache: dict[str, str] = json.loads(cache.read_text(encoding="utf-8")) if cache and cache.exists() else {}
        settings = get_settings()
        self.voice = get_voice(settings.voices_dir, VOICE)
        self.engine = load_engine(self.voice)
        self.phonemize = word_phonemizer(self.voice)
        piper_voice = getattr(self.engine, "_voice", None)  # the PiperVoice: which phonemes it has
        self.known_phonemes = set(piper_voice.config.phoneme_id_map) if piper_voice is not None else set()
        self.clips = 0
        # A child process (it ends with this one): the recognizer's memory stays out of this one.
        self.recognizer = IsolatedRecognizer()

    def phonemes(self, text: str) -> str:
        return self.phonemize(text) if self.phonemize else "?"

    def unknown_phonemes(self, ipa: str) -> set[str]:
        return {c for c in ipa if self.known_phonemes and c not in self.known_phonemes}

    def say(self, candidate: Candidate, sentences: tuple[str, ...], spoken_as: str | None) -> list[Trial]:
        """Say the term in each sentence, with `spoken_as` as its lexicon entry (None: as written)."""
        lexicon = {candidate.term: spoken_as} if spoken_as is not None else None
        names = [candidate.term, *candidate.accept]
        trials = []
        for pattern in sentences:
            sentence = pattern.format(candidate.term)
            spoken = normalize(sentence, lexicon).text
            heard = self.cache.get(spoken) if self.cache_path else None
            if heard is None:
                audio = self.engine.synthesize(spoken)
                heard = self.recognizer.transcribe(audio.pcm, audio.sample_rate)
                self.clips += 1
                self.cache[spoken] = heard
            trials.append(Trial(sentence, spoken, heard, heard_as(heard, names)))
        return trials

    def save(self) -> None:
        if self.cache_path:
            self.cache_path.write_text(json.dumps(self.cache, ensure_ascii=False, indent=0), encoding="utf-8")


def same_sound(a: str, b: str) -> bool:
    """Whether two phoneme strings differ only in secondary stress, length, palatalization or breaks.

    ("Mohdee" /mˈoʊdiː/ is Modi /mˈoʊdi/): such a respelling is a second sample
    of the same sound, not a fix. Primary stress counts (Pichai: PITCH-eye or pi-CHAI).
    """

    def key(p: str) -> str:
        return "".join(c for c in p if c not in "ˌːʲ -")

    return key(a) == key(b)


def spoken_value(kind: str, value: str) -> str:
    return value if kind == "alias" else f"[[ {value} ]]"


def _hits(trials: list[Trial]) -> int:
    return sum(t.ok for t in trials)


def _heard_terms(trials: list[Trial]) -> str:
    return " | ".join(t.heard for t in trials)


@dataclass
class Result:
    candidate: Candidate
    written: list[Trial]
    written_confirm: list[Trial] = field(default_factory=list)
    written_gate: list[Trial] = field(default_factory=list)
    fix: tuple[str, str, list[Trial]] | None = None  # kind, value, its trials in CARRIERS + CONFIRM + GATE

    @property
    def misheard(self) -> bool:
        return _hits(self.written) < MIN_OK_WRITTEN


def probe_term(probe: Probe, candidate: Candidate, log) -> Result:  # type: ignore[no-untyped-def]
    n, total = len(CARRIERS), len(CARRIERS) + len(CONFIRM)
    written_phonemes = probe.phonemes(candidate.term)
    written = probe.say(candidate, CARRIERS, None)
    result = Result(candidate, written)
    log(f"{candidate.term:<16} written {_hits(written)}/{n}  /{written_phonemes}/  heard: {_heard_terms(written)}")
    if not result.misheard:
        return result
    best: tuple[str, str, list[Trial]] | None = None
    for kind, value in candidate.fixes():
        if kind == "ipa" and best is not None:
            break  # a respelling works: no engine-specific phonemes needed
        if kind == "ipa" and (bad := probe.unknown_phonemes(value)):
            log(f"    skip ipa {value!r}: the voice has no phoneme {''.join(sorted(bad))!r}")
            continue
        phonemes = probe.phonemes(value) if kind == "alias" else value
        if same_sound(phonemes, written_phonemes):
            log(f"    skip {kind} {value!r}: the voice says it as written (/{phonemes}/)")
            continue
        trials = probe.say(candidate, CARRIERS, spoken_value(kind, value))
        log(f"    {kind} {value!r} /{phonemes}/ {_hits(trials)}/{n}  heard: {_heard_terms(trials)}")
        if _hits(trials) + len(CONFIRM) < MIN_OK_FIX:
            continue
        trials += probe.say(candidate, CONFIRM, spoken_value(kind, value))
        if not result.written_confirm:
            result.written_confirm = probe.say(candidate, CONFIRM, None)
        written_hits = _hits(result.written + result.written_confirm)
        log(
            f"      +confirm: {kind} {_hits(trials)}/{total}, written {written_hits}/{total}  heard: "
            f"{_heard_terms(trials[n:])} || written: {_heard_terms(result.written_confirm)}"
        )
        if written_hits + MIN_MARGIN > total:
            log(f"      written heard right {written_hits}/{total}: no entry can be shown to do better")
            return result
        if _hits(trials) >= MIN_OK_FIX and _hits(trials) - written_hits >= MIN_MARGIN:
            if best is None or _hits(trials) > _hits(best[2]):
                best = (kind, value, trials)
            if _hits(trials) == total:
                break
    if best is not None:
        kind, value, trials = best
        gate = probe.say(candidate, GATE, spoken_value(kind, value))
        result.written_gate = probe.say(candidate, GATE, None)
        log(
            f"      gate: {kind} {value!r} {_hits(gate)}/{len(GATE)}, written {_hits(result.written_gate)}/{len(GATE)}"
            f"  heard: {_heard_terms(gate)} || written: {_heard_terms(result.written_gate)}"
        )
        if _hits(gate) >= MIN_OK_GATE and _hits(gate) > _hits(result.written_gate):
            result.fix = (kind, value, trials + gate)
        else:
            log("      gate failed: no entry")
    return result


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def default_toml(results: list[Result], probe: Probe) -> str:
    """The shipped lexicon file: one entry per fixed term, with its measurement."""
    n, total = len(CARRIERS), len(CARRIERS) + len(CONFIRM)
    lines = [
        "# Default pronunciations: the lowest layer of the lexicon (global and feed",
        "# entries override these). Written by bench/lexicon_probe.py --write: each term",
        f"# was said by the {VOICE} voice in short sentences and transcribed with",
        "# Moonshine base. A term has an entry only when, as written, it was heard right",
        f"# in fewer than {MIN_OK_WRITTEN} of {n} sentences, and with the entry in at least {MIN_OK_FIX} of {total}",
        f"# and at least {MIN_MARGIN} times more often than as written in the same {total}, then in at least",
        f"# {MIN_OK_GATE} of {len(GATE)} further sentences and more often than as written there.",
        "# No guesses here: add candidates to bench/lexicon_candidates.toml and",
        "# measure. Respellings (alias) suit every engine; ipa is read by Piper only.",
        "# `measured` = heard right / sentences said.",
        f'voice = "{VOICE}"',
        "",
    ]
    for r in results:
        if r.fix is None:
            continue
        kind, value, trials = r.fix
        c = r.candidate
        written = r.written + r.written_confirm + r.written_gate
        heard = "; ".join(t.heard.strip() for t in written if not t.ok)
        lines += [
            "[[entry]]",
            f"term = {_quote(c.term)}",
            f"{kind} = {_quote(value)}",
            f"# as written the voice says /{probe.phonemes(c.term)}/, heard as: {heard}",
            "measured = "
            + _quote(f"written {_hits(written)}/{len(written)}, with {kind} {_hits(trials)}/{len(trials)}"),
            "",
        ]
    return "\n".join(lines)


def run_probe(candidates: list[Candidate], write: Path | None, cache: Path | None) -> None:
    probe = Probe(cache)
    started = time.monotonic()
    results = []
    for candidate in candidates:
        results.append(probe_term(probe, candidate, print))
        probe.save()
    n = len(CARRIERS)
    misheard = [r for r in results if r.misheard]
    fixed = [r for r in misheard if r.fix]
    total = len(results) * n
    before = sum(_hits(r.written) for r in results)
    after = sum(_hits(r.fix[2][:n]) if r.fix else _hits(r.written) for r in results)
    print()
    print(
        f"terms probed: {len(results)}   carriers per term: {n}   clips transcribed: {probe.clips}"
        f"   ({time.monotonic() - started:.0f} s)"
    )
    print(f"misheard as written (heard right < {MIN_OK_WRITTEN}/{n}): {len(misheard)}")
    for r in misheard:
        written = r.written + r.written_confirm + r.written_gate
        fix = f"{r.fix[0]} {r.fix[1]!r} {_hits(r.fix[2])}/{len(r.fix[2])}" if r.fix else "no entry"
        print(f"    {r.candidate.term:<16} written {_hits(written)}/{len(written)} -> {fix}")
    print(f"entries (confirmed fixes): {len(fixed)};  misheard without a confirmed fix: {len(misheard) - len(fixed)}")
    print(
        f"heard right, all terms x carriers: before {before}/{total} ({before / total:.1%}), "
        f"after entries {after}/{total} ({after / total:.1%})  [selection run; --verify measures afresh]"
    )
    if write:
        write.parent.mkdir(parents=True, exist_ok=True)
        write.write_text(default_toml(results, probe), encoding="utf-8")
        print(f"wrote {len(fixed)} entries to {write}")


def run_verify(candidates: list[Candidate], path: Path) -> None:
    """Before/after for each shipped entry, in sentences no choice was made on."""
    by_term = {c.term: c for c in candidates}
    entries = load_default_entries(path)
    probe = Probe()
    n = len(VERIFY)
    before = after = 0
    for entry in entries:
        candidate = by_term.get(entry.term) or Candidate(entry.term, "?")
        without = probe.say(candidate, VERIFY, None)
        with_entry = probe.say(candidate, VERIFY, entry.spoken)
        before += _hits(without)
        after += _hits(with_entry)
        print(f"{entry.term:<16} written {_hits(without)}/{n}: {_heard_terms(without)}")
        print(f"{'':<16} entry   {_hits(with_entry)}/{n}: {_heard_terms(with_entry)}")
    total = len(entries) * n or 1
    print()
    print(
        f"verify sentences, {len(entries)} entries x {n}: heard right before {before}/{total} "
        f"({before / total:.1%}), after {after}/{total} ({after / total:.1%})"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--terms", help="comma-separated terms to probe (default: all candidates)")
    parser.add_argument("--write", type=Path, help="write the fixed entries as a default lexicon file")
    parser.add_argument("--cache", type=Path, help="JSON file of transcriptions to reuse (probe only)")
    parser.add_argument(
        "--verify",
        nargs="?",
        const=DEFAULT_LEXICON_PATH,
        type=Path,
        help="held-out before/after of a lexicon file (default: the shipped one)",
    )
    args = parser.parse_args(argv)
    candidates = load_candidates()
    if args.terms:
        wanted = {t.strip() for t in args.terms.split(",")}
        candidates = [c for c in candidates if c.term in wanted]
    if args.verify:
        run_verify(candidates, args.verify)
    else:
        run_probe(candidates, args.write, args.cache)


if __name__ == "__main__":
    main()
