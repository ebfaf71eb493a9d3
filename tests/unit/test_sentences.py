from service.document.sentences import split_sentences


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Dr. Smith met Mr. Jones at 10 a.m. in the U.S. office. They talked for an hour."
    assert split_sentences(text) == [
        "Dr. Smith met Mr. Jones at 10 a.m. in the U.S. office.",
        "They talked for an hour.",
    ]


def test_decimal_numbers_stay_inside_their_sentence() -> None:
    assert split_sentences("Revenue was $12.86 billion. Profit fell 3.5%.") == [
        "Revenue was $12.86 billion.",
        "Profit fell 3.5%.",
    ]


def test_long_sentences_are_cut_at_clause_breaks_within_the_limit() -> None:
    sentence = ", ".join(["a clause of several words"] * 30) + "."
    pieces = split_sentences(sentence, max_chars=100)
    assert all(len(p) <= 100 for p in pieces)
    assert " ".join(pieces).replace("  ", " ") == sentence
    assert all(p.endswith((",", ".")) for p in pieces)


def test_a_long_run_without_spaces_is_cut_hard() -> None:
    pieces = split_sentences("x" * 250, max_chars=100)
    assert [len(p) for p in pieces] == [100, 100, 50]


def test_unknown_language_falls_back_to_english_rules() -> None:
    assert split_sentences("One. Two.", language="xx") == ["One.", "Two."]
