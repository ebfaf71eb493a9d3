from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from service.core.db import create_schema, make_engine
from service.document import lexicon


def _session(tmp_path: Path) -> Session:
    engine = make_engine(f"sqlite:///{tmp_path / 'lex.db'}")
    create_schema(engine)
    return sessionmaker(bind=engine)()


def test_feed_entries_override_global_ones(tmp_path: Path) -> None:
    session = _session(tmp_path)
    lexicon.put_entry(session, None, "Huawei", alias="wah-way", ipa=None)
    lexicon.put_entry(session, "tech", "Huawei", alias="hwa-way", ipa=None)
    assert lexicon.pronunciations(session, "tech", defaults={}) == {"Huawei": "hwa-way"}
    assert lexicon.pronunciations(session, None, defaults={}) == {"Huawei": "wah-way"}


def test_ipa_entries_become_piper_phoneme_blocks(tmp_path: Path) -> None:
    session = _session(tmp_path)
    lexicon.put_entry(session, None, "Nvidia", alias=None, ipa="ɛnvˈɪdiə")
    assert lexicon.pronunciations(session, None, defaults={}) == {"Nvidia": "[[ ɛnvˈɪdiə ]]"}


def test_the_version_combines_global_and_feed_counters(tmp_path: Path) -> None:
    session = _session(tmp_path)
    lexicon.put_entry(session, None, "A", alias="a", ipa=None)
    lexicon.put_entry(session, "tech", "B", alias="b", ipa=None)
    lexicon.put_entry(session, "tech", "C", alias="c", ipa=None)
    assert lexicon.version_of(session, "tech") == "1.2"
    assert lexicon.version_of(session, None) == "1"


def test_terms_match_whole_words_only() -> None:
    pattern = lexicon.term_pattern("AI")
    assert pattern.search("The AI model")
    assert not pattern.search("The AIM model")
    assert not pattern.search("SAID")
