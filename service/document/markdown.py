"""Markdown to a `Document`, parsed by markdown-it-py (CommonMark, plus tables and ~~strikethrough~~).

The parser's token stream is read block by block:

- headings, paragraphs, list items and quotes become blocks of that kind;
  every paragraph inside a `>` quote is a quote block (headings and list
  items there too), every paragraph inside a list item a list item block,
  nested lists flattened in reading order; a `[ ]`/`[x]` task box goes;
- inline markup goes and its text stays: emphasis, strikethrough, links (their
  text), autolinks (the address), code spans (their content), entities and
  escapes (the character); images and footnote references say nothing;
- code blocks (fenced or indented), tables, rules, link reference and
  footnote definitions, HTML comments and front matter are not heard;
- raw HTML blocks are read like HTML (`dom.html_blocks`): their paragraphs,
  headings, quotes and list items, without code, tables, figures or scripts.

Without an explicit title, the first level-1 heading (outside quotes and
lists) is the title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import lxml.html
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token

from service.document.cleanup import clean_title, finish_blocks, normalize_whitespace, unify_newlines
from service.document.dom import html_blocks
from service.document.errors import NotAnArticle
from service.document.model import Block, BlockKind, Document

__all__ = ["document_from_markdown", "markdown_of"]

# One parser for every call: markdown-it keeps each parse's state apart.
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

_TASK_BOX = re.compile(r"^\[[ xX]\][ \t]+")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
_FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]\s]+\]:")
_HTML_BREAK = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
_FRONT_MATTER_FENCES = ("---", "+++")


def document_from_markdown(text: str, title: str | None = None) -> Document:
    """A Document from Markdown: headings, quotes and list items become blocks; inline markup goes.

    Without an explicit title, the first level-1 heading is the title.
    Raises NotAnArticle when there is no body text.
    """
    title = clean_title(title)
    raw: list[Block] = []
    for kind, level, source in _markdown_blocks(text or ""):
        spoken = normalize_whitespace(source)
        if kind == "heading" and level == 1 and title is None and spoken:
            title = spoken
            continue
        raw.append(Block(kind, spoken))
    blocks = finish_blocks(raw, title)
    if not blocks:
        raise NotAnArticle("the Markdown has no body text")
    return Document(title=title, blocks=blocks)


_ESCAPED = re.compile(r"([\\`*_\[\]<>])")
_LINE_MARK = re.compile(r"^([#+>-])")  # a heading, list or quote marker
_NUMBERED = re.compile(r"^(\d+)([.)])")  # an ordered list's marker
_PREFIX: dict[str, str] = {"heading": "## ", "quote": "> ", "list_item": "- ", "paragraph": ""}


def markdown_of(document: Document) -> str:
    """The body of a document as Markdown that `document_from_markdown` reads back into the same blocks.

    For editing an article as text: headings (level 2: level 1 would be the title), quotes and list
    items keep their kind; characters Markdown would read as markup are escaped.
    """
    lines = []
    for block in document.blocks:
        text = _NUMBERED.sub(r"\1\\\2", _LINE_MARK.sub(r"\\\1", _ESCAPED.sub(r"\\\1", block.text)))
        lines.append(_PREFIX.get(block.kind, "") + text)
    return "\n\n".join(lines)


def _markdown_blocks(text: str) -> Iterator[tuple[BlockKind, int, str]]:
    """(kind, heading level or 0, spoken text) of each block of a Markdown document, in order."""
    tokens = _MARKDOWN.parse(_without_front_matter(unify_newlines(text)))
    containers: list[BlockKind] = []  # the quotes and list items the current token is inside
    level = 0  # of the heading being read
    in_table = 0
    for token in tokens:
        kind = token.type
        if kind == "blockquote_open":
            containers.append("quote")
        elif kind == "list_item_open":
            containers.append("list_item")
        elif kind in ("blockquote_close", "list_item_close"):
            containers.pop()
        elif kind == "heading_open":
            level = int(token.tag[1:])
        elif kind == "heading_close":
            level = 0
        elif kind == "table_open":
            in_table += 1
        elif kind == "table_close":
            in_table -= 1
        elif kind == "inline" and not in_table:
            block_kind = _container_kind(containers) or ("heading" if level else "paragraph")
            if block_kind == "paragraph" and _FOOTNOTE_DEFINITION.match(token.content):
                continue
            spoken = _inline_text(token.children or ())
            if block_kind == "list_item":
                spoken = _TASK_BOX.sub("", spoken.lstrip())
            yield block_kind, (level if block_kind == "heading" else 0), spoken
        elif kind == "html_block":
            for block in _html_block(token.content, _container_kind(containers) or "paragraph"):
                yield block.kind, 0, block.text
        # fence, code_block, hr, and the open/close tokens of lists and paragraphs say nothing


def _container_kind(containers: Sequence[BlockKind]) -> BlockKind | None:
    """The kind a block takes from what it is inside: a quote wins over a list item."""
    if "quote" in containers:
        return "quote"
    return "list_item" if containers else None


def _inline_text(children: Sequence[Token]) -> str:
    """The spoken text of an inline token's children: markup goes, its text stays."""
    parts: list[str] = []
    for child in children:
        kind = child.type
        if kind == "text":
            parts.append(_FOOTNOTE_REF.sub("", child.content))
        elif kind == "code_inline":
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak") or (kind == "html_inline" and _HTML_BREAK.match(child.content)):
            parts.append(" ")  # "line<br>next" must stay two words
        # images, other inline HTML and the open/close tokens of emphasis and links say nothing
    return "".join(parts)


def _html_block(source: str, run_kind: BlockKind) -> Iterator[Block]:
    """The blocks of a raw HTML block, read as HTML (a comment or a lone tag says nothing)."""
    if not source.strip():
        return
    try:
        fragment = lxml.html.fragment_fromstring(source, create_parent="div")
    except (etree.ParserError, ValueError):
        return
    yield from html_blocks(fragment, run_kind)


def _without_front_matter(text: str) -> str:
    """The text after a leading YAML (`---`) or TOML (`+++`) front-matter block; unchanged when none."""
    lines = text.split("\n")
    fence = lines[0].strip()
    if fence not in _FRONT_MATTER_FENCES:
        return text
    for i in range(1, len(lines)):
        if lines[i].strip() in (fence, "..."):
            return "\n".join(lines[i + 1 :])
    return text
