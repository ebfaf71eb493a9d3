"""English text normalization: written article text to what a news presenter would say.

    >>> spoken = normalize("It cost $12.86 billion.")
    >>> spoken.text
    'It cost twelve point eight six billion dollars.'
    >>> spoken.words()[2]
    ('twelve', 8, 22)

`normalize` rewrites numbers, money, dates, times, measures, ranges and scores,
telephone numbers, URLs and e-mail addresses, abbreviations, initialisms, roman
numerals and press-release datelines, and keeps everything else (including
sentence punctuation and newlines) as written. The returned `Spoken` maps every
spoken word back to the source characters it came from, for word highlighting and
captions.

Modules: `engine` (the scanner), `spoken` (result type), `numbers` (number words),
one module per category (`money`, `measure`, `dates` (with quarters), `times`,
`numeric`, `ranges`, `telephone`, `electronic`, `words`, `roman`, `mixedcase`, `news`
(datelines, wire tags, tickers, party-state tags)), `letters` (initialisms),
`segment` (run-together words in addresses), `vocab` and the word lists (tables).
"""

from __future__ import annotations

from collections.abc import Mapping

from .engine import run
from .spoken import Builder, Spoken

__all__ = ["Spoken", "normalize"]


def normalize(text: str, lexicon: Mapping[str, str] | None = None) -> Spoken:
    """Turn written English into its spoken form, with an alignment back to `text`.

    `lexicon` maps words or phrases (matched case-sensitively on word boundaries,
    longest first) to the text to say instead; it wins over every other rule and
    its alias is spoken as given. Never raises: on an internal error the text is
    returned unchanged (still aligned).
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    try:
        return run(text, lexicon)
    except Exception:  # noqa: BLE001 - a normalizer bug reads the text as written, never fails the article
        out = Builder(text)
        out.copy(0, len(text))
        return out.build()
