from concurrent.futures import ThreadPoolExecutor

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


def test_threads_splitting_at_once_each_get_their_own_sentences() -> None:
    # `narrator narrate` synthesizes blocks side by side, and API requests run in threads:
    # pysbd's segmenter holds the text it splits, so sharing one must not mix texts.
    texts = [" ".join(f"Paragraph {n} says thing {k}, which matters to town {n}." for k in range(12)) for n in range(4)]
    alone = [split_sentences(text) for text in texts]
    with ThreadPoolExecutor(len(texts)) as pool:
        rounds = [list(pool.map(split_sentences, texts)) for _ in range(25)]
    assert all(split == alone for split in rounds)
