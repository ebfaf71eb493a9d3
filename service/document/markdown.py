"""Markdown to a `Document`: headings, quotes and list items become blocks; inline markup goes."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable

from service.document.cleanup import clean_title, finish_blocks, normalize_whitespace, unify_newlines
from service.document.errors import NotAnArticle
from service.document.model import Block, BlockKind, Document

__all__ = ["document_from_markdown"]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?(.*)$")
_LIST_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*)|$)")
_TASK_BOX = re.compile(r"^\[[ xX]\][ \t]+")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S")
_TABLE_SEP = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")
_HTML_COMMENT_START = re.compile(r"^ {0,3}<!--")

# Inline markup.  Escapes are swapped for private-use characters first so an
# escaped "\*" is never read as emphasis, then restored at the end.
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~<])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_IMAGE = re.compile(r"!\[[^\]]*\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])")
_LINK = re.compile(r"\[([^\]]*)\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]+\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>", re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMPHASIS = (
    re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.DOTALL),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~", re.DOTALL),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])", re.DOTALL),
    # Underscores only at word edges: snake_case_names stay as they are.
    re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])", re.DOTALL),
)
_PRIVATE_BASE = 0xE000


def _strip_inline_markdown(text: str) -> str:
    """Plain text from inline Markdown: emphasis and links keep their text, images go."""
    text = _ESCAPE.sub(lambda m: chr(_PRIVATE_BASE + ord(m.group(1))), text)
    spans: list[str] = []

    def keep_code(m: re.Match[str]) -> str:
        spans.append(m.group(2).strip())
        return f"\uf8ff{len(spans) - 1}\uf8ff"

    text = _CODE_SPAN.sub(keep_code, text)
    text = _IMAGE.sub("", text)
    text = _FOOTNOTE_REF.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML_BREAK.sub(" ", text)  # "line<br>next" must stay two words
    text = _HTML_TAG.sub("", text)
    for _ in range(3):  # nested emphasis such as ***bold italic***
        before = text
        for pattern in _EMPHASIS:
            text = pattern.sub(lambda m: m.group(m.lastindex or 1), text)
        if text == before:
            break
    text = re.sub("\uf8ff(\\d+)\uf8ff", lambda m: spans[int(m.group(1))], text)
    text = re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group(0)) - _PRIVATE_BASE), text)
    return html_lib.unescape(text)


class _MarkdownBlocks:
    """A line-by-line reader that groups Markdown lines into (kind, level, text) blocks.

    It covers what articles use (ATX/setext headings, paragraphs, quotes,
    lists, fenced/indented code, tables, rules, front matter), not all of
    CommonMark; code, tables and rules are dropped because they are not heard.
    """

    def __init__(self) -> None:
        self.blocks: list[tuple[BlockKind, int, list[str]]] = []
        self.open: tuple[BlockKind, int, list[str]] | None = None
        # Kind of the last block seen, including dropped ones ("code"): an
        # indented line right after a list item continues it, after code it does not.
        self.last: str | None = None

    def close(self) -> None:
        """End the block being built."""
        if self.open is not None:
            self.blocks.append(self.open)
            self.last = self.open[0]
            self.open = None

    def dropped(self, kind: str) -> None:
        """Note a block that is not narrated (code, table, rule)."""
        self.close()
        self.last = kind

    def start(self, kind: BlockKind, text: str, level: int = 0) -> None:
        """Start a new block with its first line."""
        self.close()
        self.open = (kind, level, [text])

    def add(self, kind: BlockKind, text: str) -> None:
        """Continue the open block of that kind, or start one."""
        if self.open is not None and self.open[0] == kind:
            self.open[2].append(text)
        else:
            self.start(kind, text)

    def last_kind(self) -> str | None:
        """Kind of the open block, or else of the last block seen."""
        return self.open[0] if self.open is not None else self.last


def _skip_front_matter(lines: list[str]) -> int:
    """Index of the first line after a leading YAML/TOML front-matter block (0 when none)."""
    if lines and lines[0].strip() in ("---", "+++"):
        fence = lines[0].strip()
        for i in range(1, len(lines)):
            if lines[i].strip() in (fence, "..."):
                return i + 1
    return 0


def _skip_until(lines: list[str], start: int, done: Callable[[str], bool]) -> int:
    """Index just past the first line from `start` that `done` accepts (or the end)."""
    for i in range(start, len(lines)):
        if done(lines[i]):
            return i + 1
    return len(lines)


def _fence_closer(opening: str) -> Callable[[str], bool]:
    """A test for the line that closes a code fence opened with `opening` (same char, at least as long)."""

    def closes(line: str) -> bool:
        stripped = line.strip()
        return stripped.startswith(opening) and not stripped.strip(opening[0])

    return closes


def _markdown_blocks(text: str) -> list[tuple[BlockKind, int, str]]:
    """(kind, heading level, raw text) blocks of a Markdown document, in order."""
    lines = unify_newlines(text).split("\n")
    reader = _MarkdownBlocks()
    i = _skip_front_matter(lines)
    while i < len(lines):
        line = lines[i]
        i += 1
        if fence := _FENCE.match(line):
            reader.dropped("code")
            i = _skip_until(lines, i, _fence_closer(fence.group(1)))
        elif _HTML_COMMENT_START.match(line):
            reader.close()
            if "-->" not in line:
                i = _skip_until(lines, i, lambda s: "-->" in s)
        elif not line.strip():
            reader.close()
        elif reader.open is not None and reader.open[0] == "paragraph" and (setext := _SETEXT.match(line)):
            reader.open = ("heading", 1 if setext.group(1)[0] == "=" else 2, reader.open[2])
            reader.close()
        elif _RULE.match(line) or _REF_DEF.match(line):
            reader.dropped("rule")
        elif heading := _ATX.match(line):
            reader.start("heading", heading.group(2), level=len(heading.group(1)))
            reader.close()
        elif quote := _QUOTE.match(line):
            _add_quote_line(reader, quote.group(1))
        elif "|" in line and i < len(lines) and _TABLE_SEP.match(lines[i]):
            reader.dropped("table")
            i = _skip_until(lines, i, lambda s: "|" not in s or not s.strip()) - 1
        elif item := _LIST_ITEM.match(line):
            reader.start("list_item", _TASK_BOX.sub("", item.group(2) or ""))
        elif _INDENTED.match(line) and reader.open is None and reader.last_kind() != "list_item":
            # An indented code block (after a blank line, outside a list).
            reader.dropped("code")
            i = _skip_until(lines, i, lambda s: bool(s.strip()) and not _INDENTED.match(s)) - 1
        elif reader.open is not None and reader.open[0] in ("paragraph", "list_item", "quote"):
            reader.open[2].append(line)  # continuation (also "lazy" lines of items and quotes)
        elif _INDENTED.match(line) and reader.last_kind() == "list_item":
            reader.start("list_item", line)  # a further paragraph inside a list item
        else:
            reader.start("paragraph", line)
    reader.close()
    return [(kind, level, "\n".join(parts)) for kind, level, parts in reader.blocks]


def _add_quote_line(reader: _MarkdownBlocks, inner: str) -> None:
    """Feed one line of a `>` quote: blank lines split quote paragraphs, markers inside go."""
    inner = _QUOTE.sub(r"\1", inner)  # nested ">>" quotes read as one quote
    if not inner.strip():
        if reader.open is not None and reader.open[0] == "quote":
            reader.close()
        return
    if _FENCE.match(inner) or _RULE.match(inner):
        return
    heading = _ATX.match(inner)
    item = _LIST_ITEM.match(inner)
    if heading or item:
        content = heading.group(2) if heading else (item.group(2) if item else "") or ""
        reader.start("quote", content)
    else:
        reader.add("quote", inner)


def document_from_markdown(text: str, title: str | None = None) -> Document:
    """A Document from Markdown: headings, quotes and list items become blocks; inline markup goes.

    Without an explicit title, the first level-1 heading is the title.
    Raises NotAnArticle when there is no body text.
    """
    title = clean_title(title)
    raw: list[Block] = []
    for kind, level, source in _markdown_blocks(text or ""):
        spoken = normalize_whitespace(_strip_inline_markdown(source))
        if kind == "heading" and level == 1 and title is None and spoken:
            title = spoken
            continue
        raw.append(Block(kind, spoken))
    blocks = finish_blocks(raw, title)
    if not blocks:
        raise NotAnArticle("the Markdown has no body text")
    return Document(title=title, blocks=blocks)
