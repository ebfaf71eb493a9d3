"""The shipped default lexicon: it parses, its entries are valid and measured, and it is the lowest layer."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.core.db import create_schema, make_engine
from service.core.settings import Settings
from service.core.voices import get_voice
from service.document import lexicon
from service.document.normalize import normalize

REPO = Path(__file__).resolve().parents[2]
CANDIDATES = REPO / "bench" / "lexicon_candidates.toml"


def _session(tmp_path: Path) -> Session:
    engine = make_engine(f"sqlite:///{tmp_path / 'lex.db'}")
    create_schema(engine)
    return sessionmaker(bind=engine)()


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "default.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_shipped_file_parses_and_has_entries() -> None:
    data = tomllib.loads(lexicon.DEFAULT_LEXICON_PATH.read_text(encoding="utf-8"))
    assert data["voice"] == Settings().default_voice
    assert lexicon.load_default_entries(), "the shipped default lexicon is empty"


def test_every_shipped_entry_is_valid_and_says_what_it_measured() -> None:
    for entry in lexicon.load_default_entries():
        lexicon.validate(entry.term, entry.alias, entry.ipa)  # raises on a bad entry
        assert entry.measured.startswith("written "), entry


def test_every_shipped_term_was_a_measured_candidate() -> None:
    # Found by measurement, not guessed: bench/lexicon_probe.py only writes candidates it probed.
    candidates = {row["term"] for row in tomllib.loads(CANDIDATES.read_text(encoding="utf-8"))["term"]}
    for entry in lexicon.load_default_entries():
        assert entry.term in candidates, entry.term


def test_shipped_ipa_uses_only_phonemes_the_default_voice_has() -> None:
    from workers.synthesis.piper import resolve_model_path

    model = resolve_model_path(get_voice(Settings().voices_dir, Settings().default_voice))
    known = set(json.loads(model.with_name(model.name + ".json").read_text(encoding="utf-8"))["phoneme_id_map"])
    for entry in lexicon.load_default_entries():
        if entry.ipa is not None:
            assert set(entry.ipa) <= known, (entry.term, set(entry.ipa) - known)


def test_the_normalizer_applies_a_default_entry() -> None:
    entry = lexicon.load_default_entries()[0]
    spoken = normalize(f"News about {entry.term} today.", lexicon.default_pronunciations()).text
    assert spoken == f"News about {entry.spoken} today."


def test_defaults_are_the_lowest_layer(tmp_path: Path) -> None:
    session = _session(tmp_path)
    defaults = {"Huawei": "default-way", "Kyiv": "keev", "Nguyen": "win"}
    lexicon.put_entry(session, None, "Huawei", alias="global-way", ipa=None)
    lexicon.put_entry(session, None, "Kyiv", alias="global-keev", ipa=None)
    lexicon.put_entry(session, "tech", "Huawei", alias="feed-way", ipa=None)
    assert lexicon.pronunciations(session, "tech", defaults=defaults) == {
        "Huawei": "feed-way",  # feed > global > default
        "Kyiv": "global-keev",  # global > default
        "Nguyen": "win",  # only the default
    }
    assert lexicon.pronunciations(session, None, defaults=defaults)["Huawei"] == "global-way"


def test_pronunciations_include_the_shipped_defaults_unless_told_otherwise(tmp_path: Path) -> None:
    session = _session(tmp_path)
    shipped = lexicon.default_pronunciations()
    assert lexicon.pronunciations(session, None) == shipped
    assert lexicon.pronunciations(session, None, defaults={}) == {}
    term = next(iter(shipped))
    lexicon.put_entry(session, None, term, alias="an editor's choice", ipa=None)
    assert lexicon.pronunciations(session, None)[term] == "an editor's choice"


def test_ipa_defaults_become_piper_phoneme_blocks(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[entry]]\nterm = "Kyiv"\nipa = "kˈiːv"\nmeasured = "written 0/5, with ipa 5/5"\n')
    assert lexicon.default_pronunciations(path) == {"Kyiv": "[[ kˈiːv ]]"}


def test_a_missing_file_means_no_defaults(tmp_path: Path) -> None:
    assert lexicon.default_pronunciations(tmp_path / "absent.toml") == {}


@pytest.mark.parametrize(
    "body",
    [
        '[[entry]]\nterm = "Kyiv"\nalias = "keev"\nipa = "kˈiːv"\n',  # both
        '[[entry]]\nterm = "Kyiv"\n',  # neither
        '[[entry]]\nterm = " Kyiv"\nalias = "keev"\n',  # padded term
        '[[entry]]\nterm = "Kyiv"\nipa = "[[ kˈiːv ]]"\n',  # brackets in ipa
        '[[entry]]\nterm = "Kyiv"\nalias = "keev"\n[[entry]]\nterm = "Kyiv"\nalias = "kiev"\n',  # twice
        '[[entry]\nterm = "Kyiv"\n',  # not TOML
    ],
)
def test_a_bad_default_file_is_refused_naming_the_file(tmp_path: Path, body: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(lexicon.InvalidLexiconEntry, match=r"default\.toml"):
        lexicon.load_default_entries(path)


def test_engines_without_phoneme_input_get_only_respelling_defaults(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[[entry]]\nterm = "Kyiv"\nipa = "kˈiːv"\nmeasured = "m"\n'
        '[[entry]]\nterm = "Nike"\nalias = "Nikey"\nmeasured = "m"\n',
    )
    assert lexicon.default_pronunciations(path, ipa=False) == {"Nike": "Nikey"}
    session = _session(tmp_path)
    assert all("[[" not in spoken for spoken in lexicon.pronunciations(session, None, ipa=False).values())
