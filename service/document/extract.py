"""Article extraction: HTML pages, Markdown and plain text become a `Document`.

HTML goes through trafilatura (its XML output keeps headings, quotes and lists
apart), with readability-lxml as the fallback when trafilatura finds nothing.
Before either extractor sees the page, obvious page furniture (navigation,
figures, buttons, share and "Listen to article" widgets, author boxes,
comments, related links, footers) is pruned, and after extraction a few
short UI leftovers ("Share", "Print", "5 min read") are dropped, so the
listener hears the story and nothing else.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Iterable, Iterator
from copy import deepcopy

import lxml.html
import trafilatura
from lxml import etree
from readability import Document as ReadabilityDocument

from service.document.model import Block, BlockKind, Document

__all__ = [
    "NotAnArticle",
    "document_from_markdown",
    "document_from_text",
    "extract_html",
    "normalize_whitespace",
]


class NotAnArticle(ValueError):
    """The input holds no article text to narrate (empty page, empty text, navigation only)."""

    code: str = "not_an_article"


# --------------------------------------------------------------------------- #
# Shared helpers
# --------------------------------------------------------------------------- #

# Characters a voice must never see: zero-width spaces/joiners, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WHITESPACE = re.compile(r"\s+")


def normalize_whitespace(text: str) -> str:
    """Collapse every whitespace run (newlines, tabs, NBSP...) to one space and trim."""
    return _WHITESPACE.sub(" ", text.translate(_INVISIBLE)).strip()


def _same_text(a: str, b: str) -> bool:
    """Whether two strings say the same thing, ignoring case, spacing and trailing punctuation."""

    def key(s: str) -> str:
        return normalize_whitespace(s).casefold().rstrip(" .:;!?")

    return key(a) == key(b)


# Short blocks that are page UI, not story: widget labels left behind when a
# site builds its share bar or audio player out of plain <div>s and <a>s.
_BOILERPLATE_BLOCK = re.compile(
    r"""^(?:
        (?:listen|listen\ (?:to|now)(?:\ (?:this|the))?(?:\ (?:article|story|post|page))?
           |play(?:\ audio|\ article)?|pause|read\ aloud|audio(?:\ version)?)
      | share(?:\ (?:this|the))?(?:\ (?:article|story|post|page))?(?:\ (?:on|via))?
           (?:\W*(?:facebook|twitter|x|linkedin|e-?mail|whatsapp|telegram|reddit|pinterest
                 |copy\ link|link|print))*
      | (?:print|e-?mail|copy\ link|tweet|save|bookmark|comments?|advertisement|sponsored)
      | \d+\s*(?:min|mins|minute|minutes)(?:\ (?:read|listen))?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def _is_boilerplate(text: str) -> bool:
    """Whether a block is a widget label ("Listen to article", "Share on X", "4 min read")."""
    core = re.sub(r"^\W+|\W+$", "", text)  # widgets prefix icons such as "◐" or "↗"
    return len(core) <= 80 and bool(_BOILERPLATE_BLOCK.match(core))


def _finish_blocks(raw: Iterable[Block], title: str | None, *, drop_widgets: bool = False) -> tuple[Block, ...]:
    """Normalize block text, drop empty (and, for web pages, widget) blocks, and the title if repeated first."""
    blocks = [Block(b.kind, normalize_whitespace(b.text)) for b in raw]
    # Widget labels only come from web pages; a writer's own "Comments" stays.
    blocks = [b for b in blocks if b.text and not (drop_widgets and _is_boilerplate(b.text))]
    # The headline is narrated from `Document.title`; pages (and Markdown with
    # an explicit title) usually repeat it as the first heading.
    if title:
        for i, block in enumerate(blocks[:3]):
            if _same_text(block.text, title):
                del blocks[i]
                break
    return tuple(blocks)


def _clean_title(title: str | None) -> str | None:
    """A normalized title, or None when blank."""
    if not title:
        return None
    return normalize_whitespace(title) or None


# --------------------------------------------------------------------------- #
# HTML
# --------------------------------------------------------------------------- #

# Elements that are never story text.  <form> is not here: some CMSs (ASP.NET)
# wrap the whole page in one; its controls are removed instead.
_NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "canvas",
    "math",
    "nav",
    "footer",
    "aside",
    "menu",
    "dialog",
    "button",
    "input",
    "select",
    "textarea",
    "label",
    "figure",
    "figcaption",
    "picture",
    "img",
    "video",
    "audio",
    "object",
    "embed",
    "pre",
)

# class/id words that mark page furniture.  Matched per class token, on whole
# dash/underscore-separated parts, so "share-bar" matches and "shared" does not.
_NOISE_CLASS = re.compile(
    r"""(?:^|[-_])(?:
        share|sharing|sharebar|social|socials|listen|audio-?player|player|tts
      | comments?|disqus|related|recommended|recirculation|read-?more|more-?stories
      | author|authors|author-?box|author-?bio|byline|newsletter|subscribe|subscription
      | promo|advert|advertisement|ads?|sponsored|breadcrumbs?|cookies?|consent
      | paywall|popup|modal|toolbar|tags|caption|credits?|sidebar
    )(?:$|[-_])""",
    re.IGNORECASE | re.VERBOSE,
)

_NOISE_ROLES = frozenset({"navigation", "complementary", "contentinfo", "button", "dialog", "toolbar"})

# Never pruned by class/role: pruning them would take the story with them.
_PROTECTED_TAGS = frozenset({"html", "head", "body", "main", "article"})


def _looks_like_noise(el: lxml.html.HtmlElement) -> bool:
    """Whether an element's tag, role, class/id or hidden flags mark it as page furniture."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if (el.get("role") or "").strip().lower() in _NOISE_ROLES:
        return True
    tokens = f"{el.get('class') or ''} {el.get('id') or ''}".split()
    return any(_NOISE_CLASS.search(token) for token in tokens)


def _holds_the_story(el: lxml.html.HtmlElement, story_chars: int) -> bool:
    """Whether removing an element would likely remove the article itself.

    Class names are a weak signal ("post has-comments" wraps many WordPress
    stories), so an element that contains the headline, an <article>/<main>,
    or most of the page's paragraph text is kept whatever its class says.
    """
    if el.tag in _PROTECTED_TAGS:
        return True
    if el.find(".//h1") is not None or el.find(".//article") is not None or el.find(".//main") is not None:
        return True
    if story_chars <= 0:
        return False
    own = sum(len(p.text_content()) for p in el.iter("p"))
    return own * 2 > story_chars


def _prune_page(tree: lxml.html.HtmlElement) -> None:
    """Remove page furniture from a parsed page, in place."""
    for el in list(tree.iter(*_NOISE_TAGS)):
        # JSON-LD stays: it is metadata (headline, author), never body text.
        if el.tag == "script" and (el.get("type") or "").strip().lower() == "application/ld+json":
            continue
        el.drop_tree()
    story_chars = sum(len(p.text_content()) for p in tree.iter("p"))
    # Iterate over a snapshot; an element already removed with its ancestor
    # has no parent any more and is skipped.
    for el in list(tree.iter(etree.Element)):
        if el.getparent() is None or not isinstance(el.tag, str):
            continue
        if _looks_like_noise(el) and not _holds_the_story(el, story_chars):
            el.drop_tree()


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


def _meta_content(tree: lxml.html.HtmlElement, *names: str) -> str | None:
    """The first non-empty <meta property|name=...> content among the given names."""
    for name in names:
        for attr in ("property", "name"):
            for meta in tree.xpath(f"//meta[@{attr}=$name]", name=name):
                content = _clean_title(meta.get("content"))
                if content:
                    return content
    return None


def _first_h1(tree: lxml.html.HtmlElement) -> str | None:
    """The text of the page's first non-empty <h1>."""
    for h1 in tree.iter("h1"):
        text = _clean_title(h1.text_content())
        if text:
            return text
    return None


def _page_language(tree: lxml.html.HtmlElement) -> str | None:
    """The page's declared language (<html lang>, then Content-Language, then og:locale)."""
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        metas = tree.xpath("//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')='content-language']")
        lang = metas[0].get("content") if metas else None
    if not lang:
        lang = _meta_content(tree, "og:locale")
    lang = (lang or "").strip().replace("_", "-")
    return lang or None


def _element_text(el: etree._Element, skip: Callable[[str], bool]) -> str:
    """An element's text with the subtrees whose tag `skip` accepts left out (their tails kept)."""
    parts: list[str] = [el.text or ""]
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):  # comments and processing instructions
            pass
        elif tag in ("lb", "br"):
            parts.append(" ")  # a line break inside a paragraph is a word boundary
        elif not skip(tag):
            parts.append(_element_text(child, skip))
        parts.append(child.tail or "")
    return "".join(parts)


def _walk(
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
    return _element_text(el, lambda tag: tag in _TRAF_INLINE_SKIP)


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

    return _walk(el, run_kind, lambda tag: tag in _TRAF_INLINE, _traf_text, block)


def _extract_with_trafilatura(tree: lxml.html.HtmlElement, url: str | None) -> list[Block]:
    """Body blocks found by trafilatura in a pruned page (empty when it finds nothing)."""
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

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Block-level HTML: everything else is inline and joins the surrounding text.
_HTML_BLOCK_TAGS = _HEADINGS | frozenset(
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
_HTML_SKIP = frozenset({"pre", "table", "figure", "figcaption", "hr", "nav", "aside", "footer", "dialog"})
_INLINE_TEXT_SKIP = frozenset({"pre", "figure", "figcaption", "img", "script", "style", "ul", "ol", "table"})


def _html_text(el: lxml.html.HtmlElement) -> str:
    """Spoken text of an HTML element: <br> becomes a space, nested lists and figures go."""
    return _element_text(el, lambda tag: tag in _INLINE_TEXT_SKIP)


def _html_walk(el: lxml.html.HtmlElement, run_kind: BlockKind) -> Iterator[Block]:
    """Blocks, in reading order, from readability's cleaned HTML (quote blocks inside <blockquote>)."""
    in_quote = run_kind == "quote"

    def block(child: lxml.html.HtmlElement) -> Iterator[Block]:
        tag = child.tag
        if tag in _HTML_SKIP:
            return
        if tag in _HEADINGS and not in_quote:
            yield Block("heading", _html_text(child))
        elif tag == "blockquote":
            yield from _html_walk(child, "quote")
        elif tag in ("ul", "ol"):
            for li in child.iter("li"):
                yield Block("quote" if in_quote else "list_item", _html_text(li))
        elif tag in ("p", "li", "dt", "dd", "summary", "address") or tag in _HEADINGS:
            yield Block(run_kind, _html_text(child))
        else:  # containers: div, section, article...
            yield from _html_walk(child, run_kind)

    return _walk(el, run_kind, lambda tag: tag not in _HTML_BLOCK_TAGS, _html_text, block)


def _extract_with_readability(html: str) -> list[Block]:
    """Body blocks found by readability-lxml (empty when it finds nothing)."""
    try:
        summary = ReadabilityDocument(html).summary(html_partial=True)
    except Exception:  # readability raises bare Unparseable/lxml errors on junk input
        return []
    if not summary or not summary.strip():
        return []
    try:
        fragment = lxml.html.fragment_fromstring(summary, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return list(_html_walk(fragment, "paragraph"))


# ---- public ------------------------------------------------------------------ #


def _html_title(pruned: lxml.html.HtmlElement, url: str | None) -> tuple[str | None, str | None]:
    """(title, byline) from trafilatura's metadata, falling back to og:title and the first <h1>.

    Metadata is read from the pruned page: on the full page trafilatura may
    take an author box ("Jo writes about shells...") for the byline.
    """
    meta = trafilatura.extract_metadata(deepcopy(pruned), default_url=url)
    title = _clean_title(meta.title if meta else None)
    title = title or _meta_content(pruned, "og:title", "twitter:title") or _first_h1(pruned)
    byline = _clean_title(meta.author if meta else None)
    return title, byline


_BYLINE_CLASSES = frozenset({"byline", "author", "author-name", "byline-author", "article-author", "post-author"})
_BYLINE_PREFIX = re.compile(r"^(?:by|written by|von|par|por|di|door|av|przez)\s+", re.IGNORECASE)
# Containers whose author names are not this story's byline: author boxes,
# comment threads, related-story lists (whole class/id tokens).
_NOT_BYLINE_CONTAINER = re.compile(
    r"^(?:.*author-?(?:box|bio|card|info|profile).*|about-?author|comments?|comment-?list|comments-?area|related.*)$",
    re.IGNORECASE,
)


def _dom_byline(original: lxml.html.HtmlElement) -> str | None:
    """A short visible byline ("By Jane Doe") from the unpruned page, outside author boxes."""
    for el in original.iter(etree.Element):
        if not isinstance(el.tag, str) or el.tag in ("meta", "link", "script"):
            continue
        classes = set((el.get("class") or "").lower().split())
        if not (
            el.get("rel") == "author" or "author" in (el.get("itemprop") or "").split() or classes & _BYLINE_CLASSES
        ):
            continue
        if any(
            _NOT_BYLINE_CONTAINER.match(token)
            for a in el.iterancestors()
            for token in f"{a.get('class') or ''} {a.get('id') or ''}".split()
        ):
            continue
        text = _BYLINE_PREFIX.sub("", normalize_whitespace(el.text_content()))
        if 0 < len(text) <= 80:
            return text
    return None


def extract_html(html: str, url: str | None = None) -> Document:
    """Extract the headline, byline and story blocks from a publisher's HTML page.

    Raises NotAnArticle when the page holds no story text.
    """
    original = _parse_html(html)
    pruned = deepcopy(original)
    _prune_page(pruned)
    title, byline = _html_title(pruned, url)
    byline = byline or _dom_byline(original)

    warnings: tuple[str, ...] = ()
    blocks = _finish_blocks(_extract_with_trafilatura(pruned, url), title, drop_widgets=True)
    if not blocks:
        # Serialize the pruned page so the fallback also never sees furniture.
        pruned_html = lxml.html.tostring(pruned, encoding="unicode")
        blocks = _finish_blocks(_extract_with_readability(pruned_html), title, drop_widgets=True)
        warnings = ("extracted with the readability fallback",)
    if not blocks:
        raise NotAnArticle("no article text found in the HTML page")
    return Document(
        title=title,
        blocks=blocks,
        byline=byline,
        language=_page_language(original),
        warnings=warnings,
    )


def document_from_text(text: str, title: str | None = None) -> Document:
    """A Document from plain text: paragraphs are separated by blank lines.

    Raises NotAnArticle when the text is empty.
    """
    title = _clean_title(title)
    paragraphs = re.split(r"\n[ \t\f\v\u00a0]*\n", _unify_newlines(text or ""))
    blocks = _finish_blocks((Block("paragraph", p) for p in paragraphs), title)
    if not blocks:
        raise NotAnArticle("the text is empty")
    return Document(title=title, blocks=blocks)


def _unify_newlines(text: str) -> str:
    """Text with CRLF/CR line ends turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- #
# Markdown
# --------------------------------------------------------------------------- #

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
    lines = _unify_newlines(text).split("\n")
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
    title = _clean_title(title)
    raw: list[Block] = []
    for kind, level, source in _markdown_blocks(text or ""):
        spoken = normalize_whitespace(_strip_inline_markdown(source))
        if kind == "heading" and level == 1 and title is None and spoken:
            title = spoken
            continue
        raw.append(Block(kind, spoken))
    blocks = _finish_blocks(raw, title)
    if not blocks:
        raise NotAnArticle("the Markdown has no body text")
    return Document(title=title, blocks=blocks)
