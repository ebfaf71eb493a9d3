"""Plain functions over the records: what the API and the workers do to articles and narrations.

Each function takes an open `Session`; the caller owns the transaction.
`stored.py` is an article's document as stored, `lookups.py` finds records,
`narrations.py` moves a narration through its life, `articles.py` creates,
edits and deletes articles. Callers use them as `records.<function>`.
"""

from service.articles.records.articles import (
    create_article,
    delete_article,
    spoken_content_changed,
    update_article,
    would_narrate,
)
from service.articles.records.lookups import (
    current_narration,
    find_by_external_id,
    get_article,
    get_narration,
    latest_narration,
    list_narrations,
    stored_keys,
)
from service.articles.records.narrations import (
    TERMINAL_STATUSES,
    FinishedAudio,
    FormatFile,
    add_narration,
    fail_narration,
    finish_narration,
    set_progress,
    start_narration,
)
from service.articles.records.stored import blocks_of, document_of

__all__ = [
    "TERMINAL_STATUSES",
    "FinishedAudio",
    "FormatFile",
    "add_narration",
    "blocks_of",
    "create_article",
    "current_narration",
    "delete_article",
    "document_of",
    "fail_narration",
    "find_by_external_id",
    "finish_narration",
    "get_article",
    "get_narration",
    "latest_narration",
    "list_narrations",
    "set_progress",
    "spoken_content_changed",
    "start_narration",
    "stored_keys",
    "update_article",
    "would_narrate",
]
