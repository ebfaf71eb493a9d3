"""Characters no stored text may carry (service/core/hygiene.py)."""

from __future__ import annotations

import pytest
from lxml import etree

from service.core.hygiene import clean_text, has_visible_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Bad \x01 title", "Bad  title"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("windows\r\nline\rends", "windows\nline\nends"),
        ("c1\x85\x9f controls", "c1 controls"),
        ("\u202eevil\u202c name", "evil name"),
        ("isolate \u2067x\u2069", "isolate x"),
        ("non\ufdd0char\uffff", "nonchar"),
        ("broken \ufffd byte", "broken  byte"),
        ("plane \U0001fffe end", "plane  end"),
        ("accents é, ñ and emoji 🎧 stay", "accents é, ñ and emoji 🎧 stay"),
        ("rtl עברית and marks \u200f stay", "rtl עברית and marks \u200f stay"),
    ],
)
def test_clean_text_removes_only_what_no_text_may_carry(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_cleaned_text_is_always_valid_xml() -> None:
    every_bmp = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    element = etree.Element("t")
    element.text = clean_text(every_bmp)  # lxml refuses any character XML 1.0 forbids
    assert etree.fromstring(etree.tostring(element)).text is not None


@pytest.mark.parametrize("raw", ["\x01\x02", "\u202e\u202c", " \ufffd\ufffd ", "\n\t"])
def test_text_of_only_unwanted_characters_has_nothing_visible(raw: str) -> None:
    assert not has_visible_text(raw)


def test_ordinary_text_is_visible() -> None:
    assert has_visible_text("A headline")
