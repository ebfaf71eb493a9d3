"""One delivery attempt: a signed POST to the endpoint, connected to the address that was checked."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from service.core.errors import WebhookUrlForbidden, WebhookUrlInvalid, WebhookUrlUnresolvable
from service.core.netpolicy import system_lookup
from service.webhooks.retry import Outcome, classify, parse_retry_after
from service.webhooks.signing import signature_headers
from service.webhooks.targets import Lookup, TargetPolicy, host_of, parse_webhook_url, resolve_target

USER_AGENT = "narrator-webhooks/0.1"


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt got: a status code or an error, and how long it took."""

    started_at: datetime
    duration_ms: int
    status_code: int | None = None
    error: str | None = None
    retry_after_s: float | None = None
    # A URL that may no longer be targeted (its DNS now says 10.0.0.5) is final, not retried.
    forbidden: bool = False

    @property
    def outcome(self) -> Outcome:
        """Succeeded, retryable or final (see retry.classify)."""
        return Outcome.FINAL if self.forbidden else classify(self.status_code)


def post_signed(
    url: str,
    *,
    msg_id: str,
    body: str,
    secret: str,
    policy: TargetPolicy,
    timeout_s: float,
    lookup: Lookup = system_lookup,
    clock: Callable[[], float] = time.time,
) -> AttemptResult:
    """POST `body` to `url` with Standard Webhooks headers; never raises for network trouble.

    The URL's host is resolved and checked against `policy` now, and the
    request goes to the checked IP with the original Host header (and TLS SNI
    and certificate name), so DNS cannot swap in another address afterwards.
    Redirects are not followed and proxies from the environment are ignored.
    """
    started_at, start = datetime.now(UTC), time.monotonic()

    def result(
        status_code: int | None = None,
        error: str | None = None,
        retry_after_s: float | None = None,
        forbidden: bool = False,
    ) -> AttemptResult:
        elapsed_ms = round((time.monotonic() - start) * 1000)
        return AttemptResult(started_at, elapsed_ms, status_code, error, retry_after_s, forbidden)

    try:
        target = parse_webhook_url(url)
        addresses = resolve_target(target, policy, lookup)
    except (WebhookUrlForbidden, WebhookUrlInvalid) as exc:
        return result(error=f"{exc.code}: {exc.message}", forbidden=True)
    except WebhookUrlUnresolvable as exc:
        return result(error=f"dns_error: {exc.message}")
    data = body.encode("utf-8")
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "host": target.netloc.decode("ascii"),
        **signature_headers(secret, msg_id, int(clock()), body),
    }
    extensions: dict[str, object] = {}
    if target.scheme == "https" and host_of(target) not in {str(a) for a in addresses}:
        extensions["sni_hostname"] = host_of(target)
    last_error = "no address to connect to"
    # trust_env=False: a proxy from the environment would resolve the name itself.
    with httpx.Client(trust_env=False, follow_redirects=False, timeout=timeout_s) as client:
        for ip in addresses:
            request = client.build_request(
                "POST", target.copy_with(host=str(ip)), headers=headers, content=data, extensions=extensions
            )
            try:
                # The body is never read: the status code is the answer.
                response = client.send(request, stream=True)
            except httpx.ConnectError as exc:
                last_error = f"connect_error: {ip}: {exc}"
                continue  # the next address of the host may answer
            except httpx.TimeoutException as exc:
                return result(error=f"timeout: no answer within {timeout_s:g} s ({type(exc).__name__})")
            except httpx.HTTPError as exc:
                return result(error=f"http_error: {type(exc).__name__}: {exc}")
            response.close()
            return result(
                status_code=response.status_code,
                retry_after_s=parse_retry_after(response.headers.get("retry-after")),
            )
    return result(error=last_error)
