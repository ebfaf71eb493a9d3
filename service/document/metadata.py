"""A web page's headline, byline and language.

The headline and author come from trafilatura's metadata (read on the pruned
page), then from `og:title` / the first `<h1>`; a visible byline ("By Jane
Doe") is the fallback for the author, found on the unpruned page outside
author boxes, comment threads and related-story lists.
"""

from __future__ import annotations

import re
from copy import deepcopy
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from service.document.cleanup import clean_title, normalize_whitespace


def title_and_author(pruned: lxml.html.HtmlElement, url: str | None) -> tuple[str | None, str | None]:
    """(title, byline) from trafilatura's metadata, falling back to og:title and the first <h1>.

    Metadata is read from the pruned page: on the full page trafilatura may
    take an author box ("Jo writes about shells...") for the byline.
    """
    import trafilatura  # by the first page extracted, as service/document/html.py says why

    meta = trafilatura.extract_metadata(deepcopy(pruned), default_url=url)
    title = clean_title(meta.title if meta else None)
    title = title or _meta_content(pruned, "og:title", "twitter:title") or _first_h1(pruned)
    byline = clean_title(meta.author if meta else None)
    return title, byline


def page_language(tree: lxml.html.HtmlElement) -> str | None:
    """The page's declared language (<html lang>, then Content-Language, then og:locale)."""
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        metas = tree.xpath("//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')='content-language']")
        lang = metas[0].get("content") if metas else None
    if not lang:
        lang = _meta_content(tree, "og:locale")
    lang = (lang or "").strip().replace("_", "-")
    return lang or None


def _meta_content(tree: lxml.html.HtmlElement, *names: str) -> str | None:
    """The first non-empty <meta property|name=...> content among the given names."""
    for name in names:
        for attr in ("property", "name"):
            for meta in tree.xpath(f"//meta[@{attr}=$name]", name=name):
                content = clean_title(meta.get("content"))
                if content:
                    return content
    return None


def _first_h1(tree: lxml.html.HtmlElement) -> str | None:
    """The text of the page's first non-empty <h1>."""
    for h1 in tree.iter("h1"):
        text = clean_title(h1.text_content())
        if text:
            return text
    return None


_BYLINE_CLASSES = frozenset({"byline", "author", "author-name", "byline-author", "article-author", "post-author"})
_BYLINE_PREFIX = re.compile(r"^(?:by|written by|von|par|por|di|door|av|przez)\s+", re.IGNORECASE)
# Containers whose author names are not this story's byline: author boxes,
# comment threads, related-story lists (whole class/id tokens).
_NOT_BYLINE_CONTAINER = re.compile(
    r"^(?:.*author-?(?:box|bio|card|info|profile).*|about-?author|comments?|comment-?list|comments-?area|related.*)$",
    re.IGNORECASE,
)


def visible_byline(original: lxml.html.HtmlElement) -> str | None:
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


def canonical_url(html: str, url: str) -> str:
    """The page's `<link rel=canonical>` made absolute against `url`; `url` itself when there is none."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return url
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = str(link.get("href") or "").strip()
        if "canonical" in rels and href:
            absolute = urljoin(url, href)
            if absolute.startswith(("http://", "https://")):
                return absolute
    return url
