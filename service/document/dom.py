"""Blocks from a parsed (X)HTML tree, in reading order.

`walk` is the reading-order skeleton shared by the HTML extractors: runs of
loose text and inline markup become one block each, block-level children are
handed to a callback. `html_blocks` is that walk over ordinary HTML
(readability-lxml's output, raw HTML blocks inside Markdown): headings,
paragraphs, quotes and list items keep their kind; code, tables, figures and
navigation are not heard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import lxml.html
from lxml import etree

from service.document.model import Block, BlockKind

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Block-level HTML: everything else is inline and joins the surrounding text.
_BLOCK_TAGS = HEADINGS | frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
# Block-level elements that are not heard.
_SKIP = frozenset({"pre", "table", "figure", "figcaption", "hr", "nav", "aside", "footer", "dialog"})
# Inside a paragraph: left out of the sentence (nested lists are read as their own items).
_INLINE_SKIP = frozenset({"pre", "figure", "figcaption", "img", "script", "style", "ul", "ol", "table"})


def element_text(el: etree._Element, skip: Callable[[str], bool]) -> str:
    """An element's text with the subtrees whose tag `skip` accepts left out (their tails kept)."""
    parts: list[str] = [el.text or ""]
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):  # comments and processing instructions
            pass
        elif tag in ("lb", "br"):
            parts.append(" ")  # a line break inside a paragraph is a word boundary
        elif not skip(tag):
            parts.append(element_text(child, skip))
        parts.append(child.tail or "")
    return "".join(parts)


def walk(
    el: etree._Element,
    run_kind: BlockKind,
    is_inline: Callable[[str], bool],
    text_of: Callable[[etree._Element], str],
    handle_block: Callable[[etree._Element], Iterator[Block]],
) -> Iterator[Block]:
    """Blocks of a container in reading order.

    Runs of loose text and inline children (text, <b>, <a>...) become one
    `run_kind` block each, so a sentence is never split at its markup;
    block-level children are handed to `handle_block`.
    """
    run: list[str] = [el.text or ""]
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag is None:
            pass
        elif tag in ("lb", "br"):
            run.append(" ")
        elif is_inline(tag):
            run.append(text_of(child))
        else:
            yield Block(run_kind, "".join(run))
            run = []
            yield from handle_block(child)
        run.append(child.tail or "")
    yield Block(run_kind, "".join(run))


def html_text(el: lxml.html.HtmlElement) -> str:
    """Spoken text of an HTML element: <br> becomes a space, nested lists, figures and scripts go."""
    if el.tag in _INLINE_SKIP:
        return ""
    return element_text(el, lambda tag: tag in _INLINE_SKIP)


def html_blocks(el: lxml.html.HtmlElement, run_kind: BlockKind = "paragraph") -> Iterator[Block]:
    """Blocks, in reading order, of an HTML container (quote blocks inside <blockquote>)."""
    in_quote = run_kind == "quote"

    def block(child: lxml.html.HtmlElement) -> Iterator[Block]:
        tag = child.tag
        if tag in _SKIP:
            return
        if tag in HEADINGS and not in_quote:
            yield Block("heading", html_text(child))
        elif tag == "blockquote":
            yield from html_blocks(child, "quote")
        elif tag in ("ul", "ol"):
            for li in child.iter("li"):
                yield Block("quote" if in_quote else "list_item", html_text(li))
        elif tag in ("p", "li", "dt", "dd", "summary", "address") or tag in HEADINGS:
            yield Block(run_kind, html_text(child))
        else:  # containers: div, section, article...
            yield from html_blocks(child, run_kind)

    return walk(el, run_kind, lambda tag: tag not in _BLOCK_TAGS, html_text, block)
