"""A publisher's HTML page to a `Document`: the headline, byline and story blocks.

The page is pruned of furniture first (`prune`), then trafilatura extracts
the story (its XML output keeps headings, quotes and lists apart), with
readability-lxml as the fallback when trafilatura finds nothing; widget
labels left in the result are dropped. Title, byline and language come from
`metadata`.

trafilatura and readability-lxml (with courlan, htmldate, justext and the
charset detectors they bring, ~15 MB resident) are imported by the first page
extracted: the API process needs them only when a URL or HTML is submitted
(tests/api/test_api_imports.py keeps them out of a fresh app).
"""

from __future__ import annotations

from collections.abc import Iterator
from copy import deepcopy

import lxml.html
from lxml import etree

from service.document.cleanup import finish_blocks, normalize_whitespace
from service.document.dom import element_text, html_blocks, walk
from service.document.errors import NotAnArticle
from service.document.metadata import page_language, title_and_author, visible_byline
from service.document.model import Block, BlockKind, Document
from service.document.prune import is_widget_label, prune_page

__all__ = ["extract_html"]


def extract_html(html: str, url: str | None = None) -> Document:
    """Extract the headline, byline and story blocks from a publisher's HTML page.

    Raises NotAnArticle when the page holds no story text.
    """
    original = _parse_html(html)
    pruned = deepcopy(original)
    prune_page(pruned)
    title, byline = title_and_author(pruned, url)
    byline = byline or visible_byline(original)

    warnings: tuple[str, ...] = ()
    blocks = _finish(_extract_with_trafilatura(pruned, url), title)
    if not blocks:
        # Serialize the pruned page so the fallback also never sees furniture.
        pruned_html = lxml.html.tostring(pruned, encoding="unicode")
        blocks = _finish(_extract_with_readability(pruned_html), title)
        warnings = ("extracted with the readability fallback",)
    if not blocks:
        raise NotAnArticle("no article text found in the HTML page")
    return Document(
        title=title,
        blocks=blocks,
        byline=byline,
        language=page_language(original),
        warnings=warnings,
    )


def _finish(raw: list[Block], title: str | None) -> tuple[Block, ...]:
    """The story's blocks: normalized, without widget labels, the title not repeated."""
    return finish_blocks((b for b in raw if not is_widget_label(normalize_whitespace(b.text))), title)


_HTML_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def _parse_html(html: str) -> lxml.html.HtmlElement:
    """Parse a page, raising NotAnArticle when there is nothing to parse."""
    if not html or not html.strip():
        raise NotAnArticle("the HTML page is empty")
    try:
        # Parse bytes: lxml refuses str input that carries an XML encoding declaration.
        return lxml.html.document_fromstring(html.encode("utf-8"), parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise NotAnArticle(f"the HTML page could not be parsed: {exc}") from exc


# ---- trafilatura ------------------------------------------------------------ #

# trafilatura XML blocks that are never narrated (<code> here is a code block).
_TRAF_SKIP = frozenset({"code", "graphic", "table", "figure"})
# Inside a paragraph or item: inline <code> is part of the sentence and stays;
# a nested <list> is narrated as its own items.
_TRAF_INLINE_SKIP = frozenset({"graphic", "table", "figure", "list"})
# Inline markup trafilatura may leave directly under <main> or <quote>.
_TRAF_INLINE = frozenset({"hi", "ref", "span", "del"})


def _traf_text(el: etree._Element) -> str:
    """Spoken text of a trafilatura element: line breaks become spaces, images and nested lists go."""
    return element_text(el, lambda tag: tag in _TRAF_INLINE_SKIP)


def _traf_list(el: etree._Element, kind: BlockKind = "list_item") -> Iterator[Block]:
    """One block per <item> of a trafilatura <list>, nested lists flattened in reading order."""
    for item in el.iter("item"):
        yield Block(kind, _traf_text(item))


def _traf_walk(el: etree._Element, run_kind: BlockKind) -> Iterator[Block]:
    """Blocks, in reading order, from trafilatura's <main> (or a <quote>, as quote blocks)."""
    in_quote = run_kind == "quote"

    def block(child: etree._Element) -> Iterator[Block]:
        tag = child.tag
        if tag in _TRAF_SKIP:
            return
        if tag == "head" and not in_quote:
            yield Block("heading", _traf_text(child))
        elif tag == "quote":
            yield from _traf_walk(child, "quote")
        elif tag == "list":
            yield from _traf_list(child, "quote" if in_quote else "list_item")
        else:  # <p>, and anything unexpected, is read as a paragraph
            yield Block(run_kind, _traf_text(child))

    return walk(el, run_kind, lambda tag: tag in _TRAF_INLINE, _traf_text, block)


def _extract_with_trafilatura(tree: lxml.html.HtmlElement, url: str | None) -> list[Block]:
    """Body blocks found by trafilatura in a pruned page (empty when it finds nothing)."""
    import trafilatura  # on the first page: see the module's docstring

    xml = trafilatura.extract(
        tree,
        url=url,
        output_format="xml",
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=True,
        with_metadata=False,
    )
    if not xml:
        return []
    main = etree.fromstring(xml.encode("utf-8")).find("main")
    return list(_traf_walk(main, "paragraph")) if main is not None else []


# ---- readability fallback ----------------------------------------------------- #


def _extract_with_readability(html: str) -> list[Block]:
    """Body blocks found by readability-lxml (empty when it finds nothing)."""
    from readability import Document as ReadabilityDocument  # on the first page: see the module's docstring

    try:
        summary = ReadabilityDocument(html).summary(html_partial=True)
    except Exception:  # noqa: BLE001 - readability raises bare Unparseable/lxml errors on junk input
        return []
    if not summary or not summary.strip():
        return []
    try:
        fragment = lxml.html.fragment_fromstring(summary, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return list(html_blocks(fragment, "paragraph"))
