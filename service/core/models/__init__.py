"""SQLAlchemy records, one module per part of the service; every table is importable from here.

`base.py` holds what they share (the declarative base, ids, UTC timestamps).
Importing this package registers every table on `Base.metadata`, which the
migrations (service/core/migrations) compare against.
"""

from service.core.models.access import ApiKey, Project
from service.core.models.articles import Article, Dispatch, IdempotencyRecord, Narration, NarrationFile, NarrationReview
from service.core.models.base import DEFAULT_PROJECT, Base, UtcDateTime, new_id, utcnow
from service.core.models.feeds import Feed, FeedSubscriber, ListenEvent
from service.core.models.lexicon import LexiconEntry, LexiconVersion
from service.core.models.segments import NarrationSegment, Segment, SegmentPart, VoiceSample
from service.core.models.sources import Source, SourceItem
from service.core.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "DEFAULT_PROJECT",
    "ApiKey",
    "Article",
    "Base",
    "Dispatch",
    "Feed",
    "FeedSubscriber",
    "IdempotencyRecord",
    "LexiconEntry",
    "LexiconVersion",
    "ListenEvent",
    "Narration",
    "NarrationFile",
    "NarrationReview",
    "NarrationSegment",
    "Project",
    "Segment",
    "SegmentPart",
    "Source",
    "SourceItem",
    "UtcDateTime",
    "VoiceSample",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "new_id",
    "utcnow",
]
