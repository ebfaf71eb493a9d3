"""A small error hierarchy with stable codes, mapped to HTTP in one handler.

Every error a user can cause or see has a `code` that clients may rely on;
the message is for humans and may change.
"""

from __future__ import annotations


class NarratorError(Exception):
    """Base of every expected failure; `code` is stable, `status` is the HTTP status."""

    code = "internal_error"
    status = 500
    title = "Internal error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.title)
        self.message = message or self.title

    @property
    def extra(self) -> dict[str, object]:
        """Extra members for the problem+json body (none unless a subclass has some)."""
        return {}


class InvalidInput(NarratorError):
    code, status, title = "invalid_input", 422, "Invalid input"


class EmptyText(InvalidInput):
    code, title = "empty_text", "The article has no text to narrate"


class UnknownVoice(InvalidInput):
    code, title = "unknown_voice", "Unknown voice"


class NotAnArticle(InvalidInput):
    code, title = "not_an_article", "No article text found"


class UrlForbidden(InvalidInput):
    code, title = "url_forbidden", "This URL may not be fetched"


class FetchFailed(InvalidInput):
    code, title = "fetch_failed", "The article could not be fetched"


class TextTooLong(InvalidInput):
    code, title = "text_too_long", "The article is too long"


class MalformedSsml(InvalidInput):
    """SSML that is not well-formed (or refused, e.g. a DOCTYPE); says where, 1-based."""

    code, status, title = "malformed_ssml", 400, "The SSML is malformed"

    def __init__(self, reason: str, *, line: int, column: int) -> None:
        super().__init__(f"{reason} (line {line}, column {column})")
        self.reason, self.line, self.column = reason, line, column

    @property
    def extra(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "reason": self.reason}


class NotFound(NarratorError):
    code, status, title = "not_found", 404, "Not found"


class EngineUnavailable(NarratorError):
    code, status, title = "engine_unavailable", 503, "The voice's engine is not installed"


class VoiceUnavailable(NarratorError):
    code, status, title = "voice_unavailable", 503, "The voice's model cannot be loaded"


class SynthesisFailed(NarratorError):
    code, status, title = "synthesis_failed", 500, "Synthesis failed"
