"""Extraction: HTML pages (service.document.html) and plain text (service.document.plain) into Documents."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura

from service.document.errors import NotAnArticle
from service.document.html import extract_html
from service.document.model import Block, Document
from service.document.plain import document_from_text

# A magazine page: headings, a list, a blockquote, a figure with caption, a
# code block, share and "Listen to article" widgets, related links, footer.
BEES_PAGE = """<!doctype html>
<html lang="en-GB">
<head>
  <title>Bees and their keepers - The Garden Post</title>
  <meta property="og:title" content="Bees and their keepers">
  <meta name="author" content="Ada Lovelace">
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
  <article>
    <h1>Bees and their keepers</h1>
    <p class="byline">By Ada Lovelace</p>
    <div class="share-buttons"><a href="#">Share on Twitter</a> <a href="#">Share on Facebook</a></div>
    <div class="listen-widget"><span>&#9680; Listen to article</span> <span>4 min</span></div>
    <p>Beekeeping is an old   craft. Many   people
       keep bees in their gardens, and the number of hobby beekeepers has grown over the last decade.</p>
    <h2>What you need</h2>
    <p>Before you start, make sure you have the following equipment ready for the first season:</p>
    <ul><li>A hive with frames</li><li>A smoker and <b>protective</b> clothing</li><li>Patience</li></ul>
    <figure><img src="bee.jpg" alt="A bee"><figcaption>A honey bee on lavender. Photo: Jane Doe</figcaption></figure>
    <blockquote><p>The bee is more honoured than other animals, not because she labours, but because she labours for others.</p></blockquote>
    <p>Experienced keepers say the first year is the hardest, because colonies need time to settle and grow strong.</p>
    <pre><code>def hive(): return "honey"</code></pre>
    <p>With care, a single hive can produce twenty kilograms of honey in a good year, enough to share with neighbours.</p>
    <a class="share-link" href="#">Share this article</a>
  </article>
  <section class="related"><h3>Related</h3><ul><li><a href="/wasps">Wasps are misunderstood</a></li></ul></section>
  <footer>Copyright 2026 The Garden Post</footer>
</body>
</html>"""  # noqa: E501

BEES_BLOCKS = (
    Block(
        "paragraph",
        "Beekeeping is an old craft. Many people keep bees in their gardens, and the number of hobby "
        "beekeepers has grown over the last decade.",
    ),
    Block("heading", "What you need"),
    Block("paragraph", "Before you start, make sure you have the following equipment ready for the first season:"),
    Block("list_item", "A hive with frames"),
    Block("list_item", "A smoker and protective clothing"),
    Block("list_item", "Patience"),
    Block(
        "quote",
        "The bee is more honoured than other animals, not because she labours, but because she labours for others.",
    ),
    Block(
        "paragraph",
        "Experienced keepers say the first year is the hardest, because colonies need time to settle and grow strong.",
    ),
    Block(
        "paragraph",
        "With care, a single hive can produce twenty kilograms of honey in a good year, enough to "
        "share with neighbours.",
    ),
)

# A blog post in a WordPress-style wrapper whose class mentions comments,
# with nested lists, a line break, inline code, an author box and comments.
BLOG_PAGE = """<html><head><meta property="og:title" content="Searching files quickly"></head>
<body>
  <div class="post type-post has-comments">
    <h2 class="entry-title">Searching files quickly</h2>
    <p class="byline">By <a rel="author" href="/jo">Jo Smith</a></p>
    <div class="entry-content">
      <p>Use the <code>grep</code> command to search files for text; it is fast, simple and available on every system.</p>
      <ul>
        <li>Plain search<ul><li>Case-insensitive with a flag</li></ul></li>
        <li>Recursive search</li>
      </ul>
      <p>First line of an address<br>second line of an address, and then the paragraph goes on for a while.</p>
      <p>Most people learn three or four flags and never need more; the manual has the rest when the day comes.</p>
    </div>
  </div>
  <div class="author-box"><p>Jo writes about shells and terminals. Follow Jo for more tips every week.</p></div>
  <div id="comments" class="comments-area"><h3>3 comments</h3><p>Thanks, this helped me a lot!</p></div>
</body></html>"""  # noqa: E501

BLOG_BLOCKS = (
    Block(
        "paragraph", "Use the grep command to search files for text; it is fast, simple and available on every system."
    ),
    Block("list_item", "Plain search"),
    Block("list_item", "Case-insensitive with a flag"),
    Block("list_item", "Recursive search"),
    Block(
        "paragraph", "First line of an address second line of an address, and then the paragraph goes on for a while."
    ),
    Block(
        "paragraph",
        "Most people learn three or four flags and never need more; the manual has the rest when the day comes.",
    ),
)

# A page laid out without <article> or <main>, used for the readability fallback.
TRAINS_PAGE = """<html lang="en"><head><meta property="og:title" content="Night trains return"></head><body>
<div id="page"><div class="content">
  <h1>Night trains return</h1>
  <div class="share"><a href="#">Share</a> <a href="#">Tweet</a></div>
  <p>Sleeper services are coming back across Europe, and operators say demand has outpaced their forecasts this year.</p>
  <h2>Why now</h2>
  <p>Travellers cite comfort and climate concerns, while operators point to cheaper rolling stock and open access.</p>
  <blockquote><p>We sold out the first month in two days, which we have never seen before in forty years.</p></blockquote>
  <ul><li>Vienna to Paris, three times a week</li><li>Brussels to Prague, daily from spring</li></ul>
  <p>Critics warn that track access charges remain high, and that many routes will struggle to break even.</p>
</div></div>
<div class="comments"><h3>Comments</h3><p>Great news! I love trains.</p></div>
</body></html>"""  # noqa: E501

TRAINS_BLOCKS = (
    Block(
        "paragraph",
        "Sleeper services are coming back across Europe, and operators say demand has outpaced their "
        "forecasts this year.",
    ),
    Block("heading", "Why now"),
    Block(
        "paragraph",
        "Travellers cite comfort and climate concerns, while operators point to cheaper rolling stock and open access.",
    ),
    Block("quote", "We sold out the first month in two days, which we have never seen before in forty years."),
    Block("list_item", "Vienna to Paris, three times a week"),
    Block("list_item", "Brussels to Prague, daily from spring"),
    Block(
        "paragraph",
        "Critics warn that track access charges remain high, and that many routes will struggle to break even.",
    ),
)


def _expected_example(examples: Path) -> list[str]:
    """The acceptance example's headline and paragraphs, in order."""
    text = (examples / "deepseek-huawei.txt").read_text(encoding="utf-8")
    return [part.strip() for part in text.split("\n\n") if part.strip()]


# ---- HTML: the acceptance example --------------------------------------------- #


@pytest.fixture(scope="module")
def example_doc(examples: Path) -> Document:
    return extract_html((examples / "deepseek-huawei.html").read_text(encoding="utf-8"))


def test_example_title_is_the_headline(example_doc: Document, examples: Path) -> None:
    assert example_doc.title == _expected_example(examples)[0]


def test_example_blocks_are_exactly_the_story_paragraphs(example_doc: Document, examples: Path) -> None:
    expected = _expected_example(examples)[1:]
    assert [b.text for b in example_doc.blocks] == expected
    assert all(b.kind == "paragraph" for b in example_doc.blocks)


def test_example_spoken_text_matches_the_reference(example_doc: Document, examples: Path) -> None:
    assert example_doc.text == "\n\n".join(_expected_example(examples))


def test_example_byline_and_language_come_from_the_page(example_doc: Document) -> None:
    assert (example_doc.byline, example_doc.language, example_doc.warnings) == ("Hamidun News", "en", ())


# ---- HTML: synthetic pages ---------------------------------------------------- #


def test_headings_lists_and_quotes_keep_their_kinds_and_furniture_goes() -> None:
    assert extract_html(BEES_PAGE).blocks == BEES_BLOCKS


def test_title_comes_from_metadata_and_is_not_repeated() -> None:
    doc = extract_html(BEES_PAGE)
    assert doc.title == "Bees and their keepers"
    assert all(b.text != doc.title for b in doc.blocks)


def test_byline_comes_from_author_metadata() -> None:
    assert extract_html(BEES_PAGE).byline == "Ada Lovelace"


def test_page_language_comes_from_html_lang() -> None:
    assert extract_html(BEES_PAGE).language == "en-GB"


def test_figure_caption_share_and_listen_widgets_are_dropped() -> None:
    text = extract_html(BEES_PAGE).text
    for furniture in ("Photo: Jane Doe", "Share", "Listen to article", "4 min", "Wasps", "Copyright", "hive()"):
        assert furniture not in text


def test_nested_lists_line_breaks_and_inline_code_are_spoken_in_order() -> None:
    assert extract_html(BLOG_PAGE).blocks == BLOG_BLOCKS


def test_visible_byline_is_used_when_metadata_has_no_author() -> None:
    # The author box ("Jo writes about shells...") must not become the byline.
    assert extract_html(BLOG_PAGE).byline == "Jo Smith"


def test_author_box_and_comments_are_dropped() -> None:
    text = extract_html(BLOG_PAGE).text
    assert "Follow Jo" not in text and "Thanks, this helped" not in text


def test_story_wrapper_with_noisy_class_name_is_kept() -> None:
    # "has-comments" on the post wrapper must not take the post with it.
    assert "Most people learn" in extract_html(BLOG_PAGE).text


def test_readability_fallback_is_used_when_trafilatura_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trafilatura, "extract", lambda *args, **kwargs: None)
    doc = extract_html(TRAINS_PAGE)
    assert (doc.title, doc.blocks) == ("Night trains return", TRAINS_BLOCKS)


def test_readability_fallback_is_reported_in_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trafilatura, "extract", lambda *args, **kwargs: None)
    assert extract_html(TRAINS_PAGE).warnings == ("extracted with the readability fallback",)


def test_readability_fallback_finds_the_example_story(monkeypatch: pytest.MonkeyPatch, examples: Path) -> None:
    monkeypatch.setattr(trafilatura, "extract", lambda *args, **kwargs: None)
    doc = extract_html((examples / "deepseek-huawei.html").read_text(encoding="utf-8"))
    story = _expected_example(examples)[1:]
    texts = [b.text for b in doc.blocks]
    assert texts[-len(story) :] == story  # (readability keeps the one-line source credit above)


def test_trafilatura_and_fallback_agree_on_a_plain_page() -> None:
    assert extract_html(TRAINS_PAGE).blocks == TRAINS_BLOCKS


def test_empty_page_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle, match="empty"):
        extract_html("   ")


def test_page_with_only_navigation_is_not_an_article() -> None:
    page = (
        "<html><body><nav><a href='/'>Home</a> <a href='/about'>About</a></nav><footer>(c) 2026</footer></body></html>"
    )
    with pytest.raises(NotAnArticle, match="no article text"):
        extract_html(page)


def test_not_an_article_is_a_value_error_with_a_problem_code() -> None:
    assert issubclass(NotAnArticle, ValueError) and NotAnArticle.code == "not_an_article"


# ---- plain text ---------------------------------------------------------------- #


def test_text_paragraphs_split_on_blank_lines() -> None:
    doc = document_from_text("First paragraph\nwraps here.\r\n\r\nSecond  paragraph.\n   \nThird.")
    assert doc.blocks == (
        Block("paragraph", "First paragraph wraps here."),
        Block("paragraph", "Second paragraph."),
        Block("paragraph", "Third."),
    )


def test_text_without_title_does_not_guess_one() -> None:
    doc = document_from_text("A Short First Line\n\nThen the story.")
    assert (doc.title, len(doc.blocks)) == (None, 2)


def test_text_title_is_kept_and_not_repeated() -> None:
    doc = document_from_text("My Title\n\nThe story.", title="My Title")
    assert (doc.title, doc.blocks) == ("My Title", (Block("paragraph", "The story."),))


def test_text_keeps_short_lines_a_web_page_would_drop_as_widgets() -> None:
    doc = document_from_text("Comments\n\nPrint")
    assert [b.text for b in doc.blocks] == ["Comments", "Print"]


def test_empty_text_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle):
        document_from_text(" \n\n \t ", title="Only a title")
