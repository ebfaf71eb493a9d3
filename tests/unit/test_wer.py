"""The e2e word error rate compares spoken forms fairly: spacing and spelling are not pronunciation."""

from __future__ import annotations

import pytest

from tests.asr import word_error_rate


def test_a_compound_heard_as_one_word_is_the_same_words() -> None:
    assert word_error_rate("DeepSeek's decision breaks it.", "Deepseek's decision breaks it.") == 0.0


def test_spelled_letters_heard_as_one_word_are_the_same_words() -> None:
    assert word_error_rate("Between the USA and China, AI grows.", "Between the usa and China, ai grows.") == 0.0


def test_british_and_american_spellings_are_the_same_word() -> None:
    assert word_error_rate("The final optimization of its model.", "The final optimisation of its model.") == 0.0


def test_a_plural_possessive_heard_as_a_singular_possessive_is_the_same_word() -> None:
    assert word_error_rate("Chinese companies' ability grew.", "Chinese company's ability grew.") == 0.0


def test_a_misheard_word_still_counts() -> None:
    assert word_error_rate("Nvidia's position weakens.", "ambitious position weakens.") == pytest.approx(1 / 3)
