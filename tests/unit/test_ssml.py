"""SSML input: written text, per-block pronunciations and pauses, graceful degradation, safe parsing."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from service.articles import records
from service.core.settings import Settings
from service.core.voices import catalog_dirs, get_voice
from service.document.errors import NotAnArticle
from service.document.model import Block, Document
from service.document.normalize import normalize
from service.document.ssml import MAX_BREAK_MS, SsmlError, document_from_ssml
from service.segments import plan as segments


def _blocks(body: str) -> tuple[Block, ...]:
    return document_from_ssml(f"<speak>{body}</speak>").blocks


def _one(body: str) -> Block:
    blocks = _blocks(body)
    assert len(blocks) == 1, blocks
    return blocks[0]


def _spoken(block: Block) -> str:
    """What the normalizer says for a block with its own lexicon."""
    return normalize(block.text, dict(block.lexicon)).text


# --------------------------------------------------------------------------- structure


def test_each_p_is_a_paragraph_block() -> None:
    blocks = _blocks("<p>First one.</p><p>Second one.</p>")
    assert [(b.kind, b.text) for b in blocks] == [("paragraph", "First one."), ("paragraph", "Second one.")]


def test_the_speak_namespace_and_xml_declaration_are_accepted() -> None:
    doc = document_from_ssml(
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US"><p>Hello.</p></speak>'
    )
    assert doc.blocks == (Block("paragraph", "Hello."),)


def test_text_outside_p_becomes_paragraphs_split_at_blank_lines() -> None:
    blocks = _blocks("\n  Before.\n\n  Still before.\n  <p>Inside.</p>  After.  ")
    assert [b.text for b in blocks] == ["Before.", "Still before.", "Inside.", "After."]


def test_whitespace_is_collapsed_in_block_text() -> None:
    assert _one("<p>  one\n   two\t three </p>").text == "one two three"


def test_the_title_is_kept_and_not_part_of_the_body() -> None:
    doc = document_from_ssml("<speak><p>Body.</p></speak>", title="  The   title ")
    assert doc.title == "The title"
    assert doc.text == "The title\n\nBody."


def test_s_without_terminal_punctuation_gets_a_full_stop() -> None:
    assert _one("<p><s>First sentence</s><s>Second sentence</s></p>").text == "First sentence. Second sentence."


def test_s_with_terminal_punctuation_is_kept_as_written() -> None:
    assert _one("<p><s>Is it?</s><s>\u201cYes!\u201d</s></p>").text == "Is it? \u201cYes!\u201d"


def test_text_before_an_s_ends_a_sentence() -> None:
    assert _one("<p>Lead in <s>The sentence.</s></p>").text == "Lead in. The sentence."


def test_an_s_boundary_is_a_sentence_boundary_for_the_splitter() -> None:
    from service.document.sentences import split_sentences

    text = _one("<p><s>the market fell</s><s>traders sold</s></p>").text
    assert split_sentences(text) == ["the market fell.", "traders sold."]


def test_speak_with_no_text_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle):
        document_from_ssml("<speak><break time='1s'/> <mark name='x'/></speak>")


# --------------------------------------------------------------------------- pronunciations


def test_sub_keeps_the_written_text_and_says_the_alias() -> None:
    block = _one('<p>The <sub alias="World Wide Web Consortium">W3C</sub> met.</p>')
    assert block.text == "The W3C met."
    assert block.lexicon == (("W3C", "World Wide Web Consortium"),)
    assert _spoken(block) == "The World Wide Web Consortium met."


def test_sub_without_text_speaks_and_shows_the_alias() -> None:
    assert _one('<p>Hello <sub alias="world"/>.</p>').text == "Hello world ."


def test_sub_without_alias_keeps_its_text() -> None:
    block = _one("<p>The <sub>W3C</sub> met.</p>")
    assert (block.text, block.lexicon) == ("The W3C met.", ())


def test_ipa_phoneme_becomes_piper_phonemes() -> None:
    block = _one('<p>A <phoneme alphabet="ipa" ph="təˈmɑːtoʊ">tomato</phoneme>.</p>')
    assert block.text == "A tomato."
    assert block.lexicon == (("tomato", "[[ təˈmɑːtoʊ ]]"),)


def test_phoneme_in_another_alphabet_keeps_its_text() -> None:
    block = _one('<p>A <phoneme alphabet="x-sampa" ph="t@\'mA:toU">tomato</phoneme>.</p>')
    assert (block.text, block.lexicon) == ("A tomato.", ())


def test_say_as_characters_spells_letters_like_the_normalizer() -> None:
    block = _one('<p><say-as interpret-as="characters">NASA</say-as> launched.</p>')
    assert block.lexicon == (("NASA", "N.A.S.A"),)
    assert normalize("the GPU").text == "the G.P.U"  # the normalizer's own initialism spelling


def test_say_as_characters_reads_digits_as_digits() -> None:
    assert _one('<p><say-as interpret-as="characters">R2D2</say-as></p>').lexicon == (("R2D2", "R, two, D, two"),)


def test_say_as_cardinal_is_never_a_year() -> None:
    block = _one('<p>In <say-as interpret-as="cardinal">1984</say-as> cases.</p>')
    assert _spoken(block) == "In one thousand nine hundred eighty four cases."


def test_say_as_cardinal_reads_signs_and_decimals() -> None:
    assert _one('<p><say-as interpret-as="cardinal">-1,250.5</say-as></p>').lexicon == (
        ("-1,250.5", "minus one thousand two hundred fifty point five"),
    )


def test_say_as_ordinal() -> None:
    assert _one('<p>The <say-as interpret-as="ordinal">21</say-as> time.</p>').lexicon == (("21", "twenty first"),)


def test_say_as_date_month_first() -> None:
    block = _one('<p><say-as interpret-as="date" format="mdy">1/5/2024</say-as></p>')
    assert block.lexicon == (("1/5/2024", "January fifth twenty twenty four"),)


def test_say_as_date_day_first() -> None:
    block = _one('<p><say-as interpret-as="date" format="dmy">1/5/2024</say-as></p>')
    assert block.lexicon == (("1/5/2024", "the first of May twenty twenty four"),)


def test_say_as_date_year_first_with_month_names_and_short_years() -> None:
    assert _one('<p><say-as interpret-as="date" format="ymd">24-Jan-05</say-as></p>').lexicon == (
        ("24-Jan-05", "January fifth twenty four"),
    )


def test_say_as_date_partial_format() -> None:
    assert _one('<p><say-as interpret-as="date" format="my">12/1999</say-as></p>').lexicon == (
        ("12/1999", "December nineteen ninety nine"),
    )


def test_say_as_date_that_does_not_fit_its_format_keeps_its_text() -> None:
    block = _one('<p><say-as interpret-as="date" format="mdy">13/45/2024</say-as></p>')
    assert (block.text, block.lexicon) == ("13/45/2024", ())


def test_say_as_time() -> None:
    assert _one('<p>At <say-as interpret-as="time">1530</say-as>.</p>').lexicon == (("1530", "fifteen thirty"),)


def test_say_as_time_with_am_pm() -> None:
    assert _one('<p>At <say-as interpret-as="time">3:05pm</say-as>.</p>').lexicon == (("3:05pm", "three oh five P.M"),)


def test_say_as_telephone_reads_digit_groups() -> None:
    block = _one('<p>Call <say-as interpret-as="telephone">+1 (555) 123-4567</say-as>.</p>')
    assert _spoken(block) == "Call plus one, five five five, one two three, four five six seven."


def test_unknown_say_as_keeps_its_text() -> None:
    block = _one('<p><say-as interpret-as="expletive">darn</say-as> it</p>')
    assert (block.text, block.lexicon) == ("darn it", ())


def test_pronunciations_stay_with_their_block() -> None:
    blocks = _blocks('<p><sub alias="Doctor">Dr.</sub> Who.</p><p>Dr. No.</p>')
    assert blocks[0].lexicon == (("Dr.", "Doctor"),)
    assert blocks[1].lexicon == ()


def test_a_second_pronunciation_of_the_same_term_is_ignored_with_a_warning() -> None:
    doc = document_from_ssml(
        '<speak><p><sub alias="one">1</sub> and <say-as interpret-as="ordinal">1</say-as></p></speak>'
    )
    assert doc.blocks[0].lexicon == (("1", "one"),)
    assert len(doc.warnings) == 1 and "first" in doc.warnings[0]


# --------------------------------------------------------------------------- breaks


def test_break_between_paragraphs_sets_the_pause_after_the_previous_one() -> None:
    blocks = _blocks('<p>One.</p><break time="1500ms"/><p>Two.</p>')
    assert [b.pause_after_ms for b in blocks] == [1500, None]


def test_break_at_the_end_of_a_p_sets_its_pause() -> None:
    assert _blocks('<p>One.<break time="2s"/></p><p>Two.</p>')[0].pause_after_ms == 2000


def test_break_strength_without_time() -> None:
    assert _blocks('<p>One.</p><break strength="x-strong"/><p>Two.</p>')[0].pause_after_ms == 1200


def test_break_strength_none_removes_the_pause() -> None:
    assert _blocks('<p>One.</p><break strength="none"/><p>Two.</p>')[0].pause_after_ms == 0


def test_consecutive_breaks_add_up() -> None:
    assert _blocks('<p>One.</p><break time="1s"/><break time="0.5s"/><p>Two.</p>')[0].pause_after_ms == 1500


def test_break_is_capped() -> None:
    assert _blocks('<p>One.</p><break time="3600s"/><p>Two.</p>')[0].pause_after_ms == MAX_BREAK_MS


def test_break_with_an_invalid_time_is_a_medium_break() -> None:
    assert _blocks('<p>One.</p><break time="soon"/><p>Two.</p>')[0].pause_after_ms == 500


def test_break_inside_a_paragraph_splits_it_with_that_pause() -> None:
    blocks = _blocks('<p>Wait for it <break time="1s"/> now.</p>')
    assert [(b.text, b.pause_after_ms) for b in blocks] == [("Wait for it", 1000), ("now.", None)]


def test_a_zero_break_inside_a_paragraph_is_dropped() -> None:
    assert _one('<p>Wait <break time="0ms"/> now.</p>').text == "Wait now."


def test_a_leading_break_is_dropped() -> None:
    assert _blocks('<break time="3s"/><p>One.</p>') == (Block("paragraph", "One."),)


# --------------------------------------------------------------------------- degrading gracefully


@pytest.mark.parametrize(
    "markup",
    [
        '<prosody rate="slow" pitch="+2st">very slowly</prosody>',
        '<emphasis level="strong">very slowly</emphasis>',
        '<lang xml:lang="fr-FR">very slowly</lang>',
        '<voice name="other">very slowly</voice>',
        '<audio src="https://example.com/bell.mp3"><desc>a bell</desc>very slowly</audio>',
        '<unknown-thing a="b">very <em>slowly</em></unknown-thing>',
        'very<mark name="here"/> slowly',
    ],
)
def test_unsupported_elements_keep_their_text(markup: str) -> None:
    assert _one(f"<p>Said {markup}.</p>") == Block("paragraph", "Said very slowly.")


def test_pronunciations_inside_degraded_elements_still_apply() -> None:
    block = _one('<p><prosody rate="fast"><sub alias="okay">OK</sub></prosody></p>')
    assert block.lexicon == (("OK", "okay"),)


# --------------------------------------------------------------------------- malformed and hostile input


def test_malformed_ssml_reports_line_and_column() -> None:
    with pytest.raises(SsmlError) as caught:
        document_from_ssml("<speak>\n  <p>One <emphasis>two</p>\n</speak>")
    # libxml2 reports where it stopped: just past the offending </p> (columns 23-26).
    assert (caught.value.line, caught.value.column) == (2, 27)
    assert caught.value.reason == "Opening and ending tag mismatch: emphasis line 2 and p"


def test_an_undefined_entity_is_malformed() -> None:
    with pytest.raises(SsmlError) as caught:
        document_from_ssml("<speak>a&nbsp;b</speak>")
    assert caught.value.line == 1 and "nbsp" in caught.value.reason


def test_a_root_other_than_speak_is_refused_where_it_starts() -> None:
    with pytest.raises(SsmlError) as caught:
        document_from_ssml("<!-- hi -->\n<p>Hello.</p>")
    assert (caught.value.line, caught.value.column) == (2, 1)


def test_positions_survive_a_blanked_xml_declaration() -> None:
    with pytest.raises(SsmlError) as caught:
        document_from_ssml('<?xml version="1.0"\n encoding="utf-8"?>\n<speak><p>x</speak>')
    assert caught.value.line == 3


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE speak [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10))
    + "]><speak>&lol9;</speak>"
)


def test_billion_laughs_is_refused_without_expanding() -> None:
    started = time.monotonic()
    with pytest.raises(SsmlError) as caught:
        document_from_ssml(BILLION_LAUGHS)
    assert time.monotonic() - started < 1.0
    assert "DOCTYPE" in caught.value.reason


def test_an_external_entity_is_refused() -> None:
    with pytest.raises(SsmlError):
        document_from_ssml('<!DOCTYPE speak [<!ENTITY x SYSTEM "file:///etc/passwd">]><speak>&x;</speak>')


def test_an_external_dtd_is_refused() -> None:
    with pytest.raises(SsmlError):
        document_from_ssml('<!DOCTYPE speak SYSTEM "http://127.0.0.1:9/x.dtd"><speak>Hi.</speak>')


def test_absurdly_deep_nesting_is_malformed_not_a_crash() -> None:
    with pytest.raises(SsmlError) as caught:
        document_from_ssml("<speak>" + "<emphasis>" * 5000 + "deep" + "</emphasis>" * 5000 + "</speak>")
    assert "depth" in caught.value.reason


# --------------------------------------------------------------------------- records and segment specs


def test_block_lexicon_and_pause_survive_the_records_round_trip() -> None:
    doc = document_from_ssml('<speak><p><sub alias="okay">OK</sub>.</p><break time="2s"/><p>Two.</p></speak>')
    stored = records.blocks_of(doc)
    assert stored == [
        {"kind": "paragraph", "text": "OK.", "lexicon": [["OK", "okay"]], "pause_after_ms": 2000},
        {"kind": "paragraph", "text": "Two."},
    ]
    article = SimpleNamespace(blocks=stored, byline=None, language="en")
    assert records.document_of(article).blocks == doc.blocks  # type: ignore[arg-type]


def test_old_rows_without_the_new_keys_still_load() -> None:
    article = SimpleNamespace(blocks=[{"kind": "paragraph", "text": "Old."}], byline=None, language="en")
    assert records.document_of(article).blocks == (Block("paragraph", "Old."),)  # type: ignore[arg-type]


def _voice():  # type: ignore[no-untyped-def]
    settings = Settings()
    return get_voice(catalog_dirs(settings), settings.default_voice)


def test_the_block_lexicon_wins_over_global_pronunciations_in_the_spec() -> None:
    block = Block("paragraph", "OK then, Huawei.", lexicon=(("OK", "okay"),))
    [(_, spec)] = segments.specs_for([block], "en", _voice(), {"OK": "oh kay", "Huawei": "wah-way", "Other": "x"})
    assert spec.lexicon == {"OK": "okay", "Huawei": "wah-way"}


def test_the_block_lexicon_changes_the_segment_key() -> None:
    plain = Block("paragraph", "The W3C met.")
    aliased = Block("paragraph", "The W3C met.", lexicon=(("W3C", "World Wide Web Consortium"),))
    [(plain_key, _)], [(aliased_key, _)] = (segments.specs_for([b], "en", _voice(), {}) for b in (plain, aliased))
    assert plain_key != aliased_key


def test_a_pause_change_is_a_spoken_change_but_not_a_new_segment() -> None:
    before = Document(title=None, blocks=(Block("paragraph", "One."), Block("paragraph", "Two.")))
    after = Document(title=None, blocks=(Block("paragraph", "One.", pause_after_ms=2000), Block("paragraph", "Two.")))
    article = SimpleNamespace(blocks=records.blocks_of(before), voice="v", language="en")
    assert records.spoken_content_changed(article, after, "v", "en")  # type: ignore[arg-type]
    keys = [[k for k, _ in segments.specs_for(list(d.spoken_blocks()), "en", _voice(), {})] for d in (before, after)]
    assert keys[0] == keys[1]


# --------------------------------------------------------------------------- the CLI


def test_the_cli_reads_ssml_files_by_their_suffix(tmp_path: Path) -> None:
    from workers.cli.commands.narrate import read_input

    path = tmp_path / "story.ssml"
    path.write_text("<speak>Hi.</speak>", encoding="utf-8")
    assert read_input(str(path), None) == ("ssml", "<speak>Hi.</speak>")


def test_the_cli_guesses_ssml_on_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from workers.cli.commands.narrate import read_input

    monkeypatch.setattr("sys.stdin", io.StringIO('\n<?xml version="1.0"?><speak>Hi.</speak>'))
    assert read_input("-", None)[0] == "ssml"
