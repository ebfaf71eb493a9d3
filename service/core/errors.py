"""Every coded error in one module: a small hierarchy with stable codes, mapped to HTTP in one handler.

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

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries (WWW-Authenticate, Retry-After, ...)."""
        return {}


class InvalidInput(NarratorError):
    code, status, title = "invalid_input", 422, "Invalid input"


class EmptyText(InvalidInput):
    code, title = "empty_text", "The article has no text to narrate"


class UnknownVoice(InvalidInput):
    code, title = "unknown_voice", "Unknown voice"


class UnknownFormat(InvalidInput):
    code, title = "unknown_format", "Unknown audio format"


class NotAnArticle(InvalidInput):
    code, title = "not_an_article", "No article text found"


class UrlForbidden(InvalidInput):
    code, title = "url_forbidden", "This URL may not be fetched"


class FetchFailed(InvalidInput):
    code, title = "fetch_failed", "The article could not be fetched"


class SourceTooLarge(FetchFailed):
    code, title = "source_too_large", "The feed or sitemap is larger than the limit"


class SourceMalformed(InvalidInput):
    code, title = "source_malformed", "Not a readable RSS, Atom or JSON feed or XML sitemap"


class XmlEntitiesForbidden(SourceMalformed):
    """A document that declares XML entities (the billion-laughs attack and its kin) is never expanded."""

    code, title = "xml_entities_forbidden", "XML that declares entities is refused"


class DuplicateSource(NarratorError):
    code, status, title = "duplicate_source", 409, "This project already follows this URL"


class InvalidSource(InvalidInput):
    code, title = "invalid_source", "Invalid source"


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


# --- articles, feeds, lexicon, voices and webhooks ---


class ReviewNotAvailable(NotFound):
    code, title = "review_not_available", "This narration has no ASR review"


class IdempotencyKeyReused(NarratorError):
    code, status, title = "idempotency_key_reused", 422, "This Idempotency-Key was used with a different request"


class IdempotencyInProgress(NarratorError):
    code, status, title = "idempotency_in_progress", 409, "A request with this Idempotency-Key is still being handled"


class DuplicateArticle(NarratorError):
    code, status, title = "duplicate_external_id", 409, "An article with this external_id already exists in this feed"


class QueueUnavailable(NarratorError):
    code, status, title = "queue_unavailable", 503, "The narration queue is unavailable"


class InvalidLexiconEntry(InvalidInput):
    code, title = "invalid_lexicon_entry", "Invalid lexicon entry"


class InvalidAsset(InvalidInput):
    code, title = "invalid_asset", "This file cannot be used"


class UnknownVoiceId(NotFound):
    """A voice id in a URL that the catalog lacks (404, where a body's unknown voice is 422)."""

    code, title = "unknown_voice", "Unknown voice"


class DuplicateFeed(NarratorError):
    code, status, title = "duplicate_feed", 409, "A feed with this slug already exists"


class WebhookUrlInvalid(InvalidInput):
    code, title = "webhook_url_invalid", "Invalid webhook URL"


class WebhookUrlForbidden(InvalidInput):
    code, title = "webhook_url_forbidden", "The webhook URL points to a non-public address"


class WebhookUrlUnresolvable(InvalidInput):
    code, title = "webhook_url_unresolvable", "The webhook URL's host does not resolve"


class InvalidWebhookSecret(InvalidInput):
    code, title = "webhook_secret_invalid", "Invalid webhook secret"


class DeliveryPending(NarratorError):
    """A resend of a webhook delivery that is still on its way (its next attempt is queued)."""

    code, status, title = "delivery_pending", 409, "This delivery is still pending; it cannot be resent yet"


# --- access control ---


class Unauthenticated(NarratorError):
    """No API key, or one that is unknown or revoked, on a route that needs one."""

    code, status, title = "unauthenticated", 401, "An API key is required"

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(NarratorError):
    """A valid key without the scope the route needs."""

    code, status, title = "forbidden", 403, "This API key lacks the scope this route needs"

    def __init__(self, scope: str) -> None:
        super().__init__(f"This route needs the scope {scope!r}")
        self.scope = scope

    @property
    def extra(self) -> dict[str, object]:
        return {"required_scope": self.scope}


class InvalidScope(InvalidInput):
    code, title = "invalid_scope", "Unknown scope"


class RateLimited(NarratorError):
    """Over a rate limit (service/core/ratelimit.py): come back after `Retry-After` seconds."""

    code, status, title = "rate_limited", 429, "Too many requests"

    def __init__(self, message: str, headers: dict[str, str]) -> None:
        super().__init__(message)
        self._headers = headers

    @property
    def headers(self) -> dict[str, str]:
        return self._headers


# --- listening stats ---


class ImplausibleListen(InvalidInput):
    """A listening event no player sends (service/listeners/plausibility.py); it is not counted."""

    code, title = "implausible_listen", "This listening event cannot happen"


class SchemaError(NarratorError):
    """The database's schema is not what this release needs (or cannot be adopted): `narrator migrate`."""

    code, title = "schema_not_current", "The database schema is not current"


# --- the editors' console (service/console) ---


class CsrfFailed(NarratorError):
    """A console form posted without its session's token, or from another origin."""

    code, status, title = "csrf_failed", 403, "The form did not come from this console"


class SignInRequired(NarratorError):
    """A console page asked for without a session (or with a revoked key): the console sends the browser to sign in."""

    code, status, title = "sign_in_required", 401, "Sign in to the console"


# --- private audio ---


class SignatureInvalid(NarratorError):
    """A private file (or a private article's player) asked for without a valid signature: none, or a changed one."""

    code, status, title = "signature_invalid", 403, "This URL needs a valid signature"


class SignatureExpired(NarratorError):
    """A signed URL whose signature holds but whose time is up."""

    code, status, title = "signature_expired", 403, "This signed URL has expired"


class SigningNotConfigured(NarratorError):
    """Something is to be private while no secret to sign its URLs is set."""

    code, status, title = "signing_not_configured", 409, "Private audio needs NARRATOR_MEDIA_SIGNING_SECRETS"


def error_for_code(code: str | None, message: str) -> NarratorError:
    """The error a worker recorded by its code (engine_unavailable, ...), to raise again in the API."""
    classes: list[type[NarratorError]] = [NarratorError]
    while classes:
        cls = classes.pop()
        if cls.code == code:
            return cls(message)
        classes.extend(cls.__subclasses__())
    return SynthesisFailed(message)
