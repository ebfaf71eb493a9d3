"""What the document layer refuses, each with the problem code the API reports it under.

`service.articles.intake` turns these into the service's coded errors
(`service.core.errors`); the CLI shows their messages.
"""

from __future__ import annotations


class NotAnArticle(ValueError):
    """The input holds no article text to narrate (empty page, empty text, navigation only)."""

    code: str = "not_an_article"


class UrlForbidden(ValueError):
    """The URL may not be fetched: not http(s), credentials in it, or a non-public address."""

    code: str = "url_forbidden"


class FetchFailed(RuntimeError):
    """The page could not be fetched: DNS, connection, timeout, HTTP error, size or content type."""

    code: str = "fetch_failed"


class TooLarge(FetchFailed):
    """The body is larger than the byte limit (declared or read)."""

    code: str = "too_large"


class HttpError(FetchFailed):
    """The server answered an error status; `retry_after` is its Retry-After header, if any."""

    def __init__(self, message: str, status: int, retry_after: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
