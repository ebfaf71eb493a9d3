"""SSML input: a `<speak>` document to a `Document` whose blocks carry their own pronunciations and pauses.

    >>> doc = document_from_ssml('<speak><p><sub alias="World Wide Web Consortium">W3C</sub> met.</p></speak>')
    >>> doc.blocks[0].text, doc.blocks[0].lexicon
    ('W3C met.', (('W3C', 'World Wide Web Consortium'),))

Block text is always the *written* text (captions show it, word marks point
into it); what SSML says about pronunciation becomes the block's lexicon
(written term -> spoken form), which the normalizer applies when the block is
synthesized, over the feed's and global entries. Supported:

- `<p>` -> a paragraph block; text outside `<p>` -> paragraphs split at blank lines.
- `<s>` -> a sentence: "." is appended to the written text when it has no
  terminal punctuation, so the sentence splitter always ends a sentence there.
- `<break time="500ms"|strength="strong">` between paragraphs sets the pause
  after the previous block (consecutive breaks add up; at most 10 s). Inside
  a paragraph (even mid-sentence) it splits the paragraph into two blocks
  with that pause between them, so the pause is heard as written. A break
  before any text, and a zero break inside a paragraph, are dropped.
- `<sub alias>`, `<phoneme alphabet="ipa" ph>` (Piper's `[[ phonemes ]]`),
  `<say-as interpret-as=...>` characters/spell-out/verbatim, cardinal,
  ordinal, digits, date (`format` mdy, dmy, ymd, md, dm, my, ym, d, m, y),
  time, telephone -> lexicon entries.
- Everything else (`prosody`, `emphasis`, `lang`, `voice`, `audio`'s fallback
  text, unknown elements) keeps its text; `mark`, `desc`, `meta`, `metadata`
  and `lexicon` say nothing. Anything that cannot be honoured degrades to the
  written text, never to an error.

Limits (the lexicon is per block and term-based): an override applies to
every occurrence of its written term in the block, and when one block gives
the same term two spoken forms the first wins (a warning on the Document).

Malformed XML raises `SsmlError` with the 1-based line and column where the
parser stopped (just past the offending token). The parser never touches the network and a DOCTYPE is refused before
parsing, so no DTD is loaded and no entity is declared or expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lxml import etree

from service.document.cleanup import normalize_whitespace
from service.document.errors import NotAnArticle
from service.document.model import Block, Document
from service.document.say_as import say_as

# Longest pause a <break> may ask for (the voices' own pauses have the same ceiling).
MAX_BREAK_MS = 10_000
# SSML leaves strengths to the processor; these sit around the voice's own
# sentence (250 ms) and paragraph (700 ms) pauses.
BREAK_STRENGTH_MS = {"none": 0, "x-weak": 100, "weak": 250, "medium": 500, "strong": 800, "x-strong": 1200}
DEFAULT_BREAK_MS = BREAK_STRENGTH_MS["medium"]

_PARAGRAPHS = frozenset({"p", "paragraph"})
_SENTENCES = frozenset({"s", "sentence"})
_SILENT = frozenset({"mark", "desc", "meta", "metadata", "lexicon"})

_XML_DECLARATION = re.compile(r"\A\s*<\?xml\b.*?\?>", re.DOTALL)
_DOCTYPE = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_LIBXML_POSITION = re.compile(r",? line \d+, column \d+\s*$")  # libxml2 repeats the position in its message
_BLANK_LINE = re.compile(r"\n[ \t\f\v\u00a0]*\n")
_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s)\s*$", re.IGNORECASE)
# Terminal punctuation, possibly followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u2019\u201d\u00bb)\]]*\s*$")


class SsmlError(ValueError):
    """Malformed or refused SSML, with the 1-based position of the problem."""

    def __init__(self, reason: str, line: int, column: int) -> None:
        super().__init__(f"{reason} (line {line}, column {column})")
        self.reason, self.line, self.column = reason, line, column


def document_from_ssml(ssml: str, title: str | None = None) -> Document:
    """A Document from an SSML `<speak>` document; see the module docstring for what each element does.

    Raises SsmlError when the SSML is not well-formed XML, has a DOCTYPE or
    its root is not `<speak>`; NotAnArticle when it says nothing.
    """
    root = _parse(ssml)
    builder = _Builder()
    builder.content(root, in_paragraph=False)
    builder.end_block()
    if not builder.blocks:
        raise NotAnArticle("the SSML has no text to speak")
    clean_title = normalize_whitespace(title) if title else None
    return Document(title=clean_title or None, blocks=tuple(builder.blocks), warnings=tuple(builder.warnings))


# --------------------------------------------------------------------------- #
# Parsing
# --------------------------------------------------------------------------- #


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _position(source: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line = source.count("\n", 0, offset) + 1
    return line, offset - (source.rfind("\n", 0, offset) + 1) + 1


def _parse(ssml: str) -> etree._Element:
    """The `<speak>` root of a well-formed, DTD-free SSML document."""
    # An encoding declaration would contradict the UTF-8 we hand lxml: blank it
    # out (keeping newlines, so reported positions still match the input).
    source = _XML_DECLARATION.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), ssml.lstrip("\ufeff"), count=1)
    doctype = _DOCTYPE.search(source)
    if doctype:
        raise SsmlError("a DOCTYPE or entity declaration is not allowed in SSML", *_position(source, doctype.start()))
    try:
        root = etree.fromstring(source.encode("utf-8"), _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        reason = _LIBXML_POSITION.sub("", exc.msg or "") or "not well-formed XML"
        raise SsmlError(reason, max(line, 1), max(column, 1)) from None
    if root is None:
        raise SsmlError("the document is empty", 1, 1)
    name = etree.QName(root).localname
    if name != "speak":
        start = source.find("<" + (root.prefix + ":" if root.prefix else "") + name)
        raise SsmlError(f"the root element must be <speak>, not <{name}>", *_position(source, max(start, 0)))
    return root


# --------------------------------------------------------------------------- #
# Building blocks
# --------------------------------------------------------------------------- #


@dataclass
class _Builder:
    """Collects the written text of the paragraph being read and its pronunciations."""

    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    lexicon: dict[str, str] = field(default_factory=dict)

    # -- the paragraph being built ------------------------------------------------

    def has_text(self) -> bool:
        return any(p.strip() for p in self.parts)

    def text(self, text: str | None, *, in_paragraph: bool) -> None:
        if not text:
            return
        if in_paragraph:
            self.parts.append(text)
            return
        # Outside <p>, a blank line separates paragraphs, as in plain text.
        for index, piece in enumerate(_BLANK_LINE.split(text)):
            if index:
                self.end_block()
            self.parts.append(piece)

    def term(self, written: str, spoken: str | None) -> None:
        """Written text said as `spoken` (None: as the normalizer would read it)."""
        key = normalize_whitespace(written)
        if not key:
            return
        self.parts.append(written)
        if spoken is None or spoken == key:
            return
        known = self.lexicon.setdefault(key, spoken)
        if known != spoken:
            self.warnings.append(f"{key!r} is said as {known!r}; its other pronunciation {spoken!r} is ignored")

    def end_sentence(self) -> None:
        """Make the text so far end a sentence (the sentence splitter cuts at terminal punctuation)."""
        text = "".join(self.parts).rstrip()
        if text.strip() and not _SENTENCE_END.search(text):
            self.parts = [text + ". "]
        elif text:
            self.parts = [text + " "]

    def end_block(self, pause_after_ms: int | None = None) -> None:
        text = normalize_whitespace("".join(self.parts))
        if text:
            lexicon = tuple(sorted(self.lexicon.items()))
            self.blocks.append(Block("paragraph", text, lexicon=lexicon, pause_after_ms=pause_after_ms))
        self.parts, self.lexicon = [], {}

    def pause(self, ms: int) -> None:
        if self.has_text():
            # Mid-paragraph: split here, so the pause is heard exactly as asked.
            if ms > 0:
                self.end_block(pause_after_ms=ms)
            return
        if not self.blocks:
            return  # nothing said yet: leading silence is dropped
        last = self.blocks[-1]
        # Consecutive breaks add up (a paragraph's own pause is replaced, not added to).
        total = ms if last.pause_after_ms is None else min(last.pause_after_ms + ms, MAX_BREAK_MS)
        self.blocks[-1] = replace(last, pause_after_ms=total)

    # -- walking the tree ------------------------------------------------------

    def content(self, el: etree._Element, *, in_paragraph: bool) -> None:
        """An element's own text, its children and their tails."""
        self.text(el.text, in_paragraph=in_paragraph)
        for child in el:
            if isinstance(child.tag, str):  # entities (never declared here) have no text to say
                self.element(child, in_paragraph=in_paragraph)
            self.text(child.tail, in_paragraph=in_paragraph)

    def element(self, el: etree._Element, *, in_paragraph: bool) -> None:
        name = etree.QName(el).localname
        if name in _PARAGRAPHS:
            self.end_block()
            self.content(el, in_paragraph=True)
            self.end_block()
        elif name in _SENTENCES:
            self.end_sentence()
            self.content(el, in_paragraph=in_paragraph)
            self.end_sentence()
        elif name == "break":
            self.pause(break_ms(el.get("time"), el.get("strength")))
        elif name in _SILENT:
            return
        elif name == "sub":
            self.sub(el, in_paragraph=in_paragraph)
        elif name == "phoneme":
            self.term(_written(el), phoneme_spoken(el.get("alphabet"), el.get("ph")))
        elif name == "say-as":
            written = _written(el)
            self.term(written, say_as(el.get("interpret-as") or "", el.get("format"), written))
        else:
            # prosody, emphasis, lang, voice, audio (its fallback text), speak, unknown: keep the text.
            self.content(el, in_paragraph=in_paragraph)

    def sub(self, el: etree._Element, *, in_paragraph: bool) -> None:
        alias, written = el.get("alias"), _written(el)
        if alias is None or not alias.strip():
            self.content(el, in_paragraph=in_paragraph)
        elif not written.strip():
            self.text(f" {alias} ", in_paragraph=True)  # nothing written: the alias is the text
        else:
            self.term(written, normalize_whitespace(alias))


def _written(el: etree._Element) -> str:
    """All text inside an element (its markup flattened; breaks inside it are ignored)."""
    return "".join(el.itertext())


# --------------------------------------------------------------------------- #
# What <break> and <phoneme> say (<say-as>: service/document/say_as.py)
# --------------------------------------------------------------------------- #


def break_ms(time: str | None, strength: str | None) -> int:
    """Milliseconds of a `<break>`: `time` if valid, else `strength`, else medium; capped at MAX_BREAK_MS."""
    if time:
        m = _TIME.match(time)
        if m:
            value = float(m.group(1)) * (1 if m.group(2).lower() == "ms" else 1000)
            return max(0, min(round(value), MAX_BREAK_MS))
    if strength and strength.strip().lower() in BREAK_STRENGTH_MS:
        return BREAK_STRENGTH_MS[strength.strip().lower()]
    return DEFAULT_BREAK_MS


def phoneme_spoken(alphabet: str | None, ph: str | None) -> str | None:
    """Piper's inline phoneme form of an IPA `<phoneme>`; None (say the text) for other alphabets."""
    if (alphabet or "").strip().lower() != "ipa" or not ph or not ph.strip():
        return None
    if "[" in ph or "]" in ph:
        return None  # would end Piper's phoneme block early
    return f"[[ {normalize_whitespace(ph)} ]]"
