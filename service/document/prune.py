"""Page furniture: what a publisher's page holds besides the story, removed before and after extraction.

Before an extractor sees the page, obvious furniture (navigation, figures,
buttons, share and "Listen to article" widgets, author boxes, comments,
related links, footers) is pruned from the parsed tree; after extraction,
short UI leftovers ("Share", "Print", "5 min read") are recognized as widget
labels and dropped, so the listener hears the story and nothing else.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

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


def prune_page(tree: lxml.html.HtmlElement) -> None:
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


# Short blocks that are page UI, not story: widget labels left behind when a
# site builds its share bar or audio player out of plain <div>s and <a>s.
_WIDGET_LABEL = re.compile(
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


def is_widget_label(text: str) -> bool:
    """Whether a block's text (whitespace normalized) is a widget label: "Listen to article", "Share on X", "4 min".

    Only web pages have them: a writer's own "Comments" in plain text or Markdown stays.
    """
    core = re.sub(r"^\W+|\W+$", "", text)  # widgets prefix icons such as "◐" or "↗"
    return len(core) <= 80 and bool(_WIDGET_LABEL.match(core))
