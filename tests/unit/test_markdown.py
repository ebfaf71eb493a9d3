"""Markdown into Documents (service.document.markdown, parsed by markdown-it-py as CommonMark)."""

from __future__ import annotations

import pytest

from service.document.errors import NotAnArticle
from service.document.markdown import document_from_markdown, markdown_of
from service.document.model import Block, Document

MARKDOWN = """---
layout: post
---
# A *great* post

Intro with a [link](https://example.com/a_(b)) and ![a picture](x.png), `code_span`,
snake_case_name, **bold**, __strong__, _it_ and ~~gone~~ words.

## Section two ##

> A quote line
> continues here.
>
> Second quote paragraph.

- item one
- item **two**
  continued
* star item
1. first
2) second
- [x] task done

```python
print("never spoken")
```

    indented code is not spoken

| a | b |
|---|---|
| 1 | 2 |

Setext heading
--------------

***

Escaped \\*stars\\* &amp; a footnote[^1].

[ref]: https://example.com
"""

MARKDOWN_BLOCKS = (
    Block("paragraph", "Intro with a link and , code_span, snake_case_name, bold, strong, it and gone words."),
    Block("heading", "Section two"),
    Block("quote", "A quote line continues here."),
    Block("quote", "Second quote paragraph."),
    Block("list_item", "item one"),
    Block("list_item", "item two continued"),
    Block("list_item", "star item"),
    Block("list_item", "first"),
    Block("list_item", "second"),
    Block("list_item", "task done"),
    Block("heading", "Setext heading"),
    Block("paragraph", "Escaped *stars* & a footnote."),
)


def test_markdown_first_level_one_heading_is_the_title() -> None:
    assert document_from_markdown(MARKDOWN).title == "A great post"


def test_markdown_blocks_keep_structure_and_drop_markup_and_code() -> None:
    assert document_from_markdown(MARKDOWN).blocks == MARKDOWN_BLOCKS


def test_markdown_explicit_title_keeps_level_one_headings_as_headings() -> None:
    doc = document_from_markdown("# Part one\n\nText.\n\n# Part two\n\nMore.", title="The whole story")
    assert doc.blocks == (
        Block("heading", "Part one"),
        Block("paragraph", "Text."),
        Block("heading", "Part two"),
        Block("paragraph", "More."),
    )


def test_markdown_explicit_title_is_not_repeated() -> None:
    doc = document_from_markdown("# Same title\n\nBody.", title="Same title")
    assert doc.blocks == (Block("paragraph", "Body."),)


def test_markdown_only_later_level_one_headings_stay_headings() -> None:
    doc = document_from_markdown("# Title\n\nText.\n\n# Appendix\n\nMore.")
    assert (doc.title, doc.blocks[1]) == ("Title", Block("heading", "Appendix"))


def test_markdown_with_only_a_title_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle):
        document_from_markdown("# Just a title\n\n```\ncode\n```\n")


# ---- what CommonMark (markdown-it-py) gets right ------------------------------- #


def test_nested_lists_are_items_in_reading_order_and_item_paragraphs_stay_items() -> None:
    doc = document_from_markdown("- Fruit\n  - Apples\n    1. Cox\n  - Pears\n\n  More about fruit.\n- Bread\n")
    assert doc.blocks == (
        Block("list_item", "Fruit"),
        Block("list_item", "Apples"),
        Block("list_item", "Cox"),
        Block("list_item", "Pears"),
        Block("list_item", "More about fruit."),  # indented under "Fruit": still that item
        Block("list_item", "Bread"),
    )


def test_setext_headings_are_headings_and_a_level_one_is_the_title() -> None:
    doc = document_from_markdown("The title\n=========\n\nIntro.\n\nA section\n---------\n\nBody.")
    assert (doc.title, doc.blocks) == (
        "The title",
        (Block("paragraph", "Intro."), Block("heading", "A section"), Block("paragraph", "Body.")),
    )


def test_fenced_code_is_not_spoken_wherever_it_is() -> None:
    source = "Before.\n\n~~~python\nx = 1\n~~~\n\n- An item\n\n  ```\n  code in an item\n  ```\n\n"
    source += "> ````\n> quoted code\n> ````\n"
    assert document_from_markdown(source).blocks == (Block("paragraph", "Before."), Block("list_item", "An item"))


def test_reference_links_keep_their_text_and_definitions_are_not_spoken() -> None:
    source = 'Read [the report][r], [the notes] and [more][].\n\n[r]: https://example.com/r "Report"\n'
    source += "[the notes]: https://example.com/n\n[more]: <https://example.com/m>\n"
    assert document_from_markdown(source).blocks == (Block("paragraph", "Read the report, the notes and more."),)


def test_links_with_brackets_and_autolinks_keep_their_text() -> None:
    doc = document_from_markdown("See [a [nested] link](https://x.test) or <https://x.test/a> or <me@x.test>.")
    assert doc.blocks == (Block("paragraph", "See a [nested] link or https://x.test/a or me@x.test."),)


def test_html_blocks_are_read_as_html() -> None:
    source = (
        "Intro.\n\n"
        '<div class="note">\n<p>A <b>bold</b> note.</p>\n<blockquote>Quoted.</blockquote>\n'
        "<ul><li>One</li><li>Two</li></ul>\n<pre>not spoken</pre>\n</div>\n\n"
        "<script>alert('never')</script>\n\n"
        "<!-- an editor's\ncomment -->\n\n"
        "<details>\n<summary>More</summary>\n\nHidden *text*.\n\n</details>\n"
    )
    assert document_from_markdown(source).blocks == (
        Block("paragraph", "Intro."),
        Block("paragraph", "A bold note."),
        Block("quote", "Quoted."),
        Block("list_item", "One"),
        Block("list_item", "Two"),
        Block("paragraph", "More"),
        Block("paragraph", "Hidden text."),
    )


def test_hard_and_soft_breaks_are_word_boundaries() -> None:
    doc = document_from_markdown("Backslash\\\nbreak, two spaces  \nbreak, html<br>break and soft\nbreak.")
    assert doc.blocks == (Block("paragraph", "Backslash break, two spaces break, html break and soft break."),)


def test_indented_code_at_the_very_end_is_dropped() -> None:
    # The hand-written parser looped forever on an indented block that ends the input.
    for source in ("Para.\n\n    code", "Note[^1].\n\n[^1]: The note\n    continued", "* item\n\n      code in item"):
        assert document_from_markdown(source).blocks[0].text in ("Para.", "Note.", "item")


def test_a_table_that_ends_the_input_is_not_spoken() -> None:
    with pytest.raises(NotAnArticle):
        document_from_markdown("| a | b |\n|---|---|\n| 1 | 2 |")


def test_block_spans_point_at_the_spoken_text() -> None:
    doc = document_from_markdown("# Title\n\nA *very* [good](x) `day`.\n\n> Quote\n> here.\n\n- item")
    assert doc.text == "Title\n\nA very good day.\n\nQuote here.\n\nitem"
    for (start, end), block in zip(doc.block_offsets(), doc.spoken_blocks(), strict=True):
        assert doc.text[start:end] == block.text


def test_a_document_written_back_as_markdown_reads_as_the_same_blocks() -> None:
    document = Document(
        "Title",
        (
            Block("paragraph", "1. Shares of *Nike* fell [sharply] <b> on #1 & 2_000."),
            Block("heading", "A heading"),
            Block("quote", "She said so."),
            Block("list_item", "- an item that starts with a dash"),
            Block("paragraph", "# not a heading, + not a list, > not a quote, back\\slash"),
        ),
    )
    assert document_from_markdown(markdown_of(document), title="Title").blocks == document.blocks
