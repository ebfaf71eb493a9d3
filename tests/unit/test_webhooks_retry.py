"""Which attempts are retried, and the jittered exponential schedule that bounds the retrying."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from service.core.settings import Settings
from service.webhooks.retry import (
    Outcome,
    backoff_ceiling,
    backoff_delay,
    classify,
    decide,
    longest_retry_period_s,
    parse_retry_after,
)


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_2xx_is_success(status: int) -> None:
    assert classify(status) is Outcome.SUCCEEDED


@pytest.mark.parametrize("status", [None, 500, 502, 503, 504, 599, 408, 429])
def test_no_answer_5xx_408_and_429_are_retryable(status: int | None) -> None:
    assert classify(status) is Outcome.RETRYABLE


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 410, 413, 422, 301, 302, 307, 100])
def test_other_answers_are_final(status: int) -> None:
    assert classify(status) is Outcome.FINAL


def test_the_ceiling_doubles_from_the_base_up_to_the_cap() -> None:
    assert [backoff_ceiling(n, 30, 1800) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1800, 1800]


def test_jitter_keeps_each_wait_between_half_the_ceiling_and_the_ceiling() -> None:
    assert backoff_delay(3, 30, 1800, rand=lambda: 0.0) == 60
    assert backoff_delay(3, 30, 1800, rand=lambda: 0.999999) == pytest.approx(120, abs=1e-3)
    assert backoff_delay(3, 30, 1800, rand=lambda: 0.5) == 90


def test_a_huge_attempt_number_stays_at_the_cap() -> None:
    assert backoff_ceiling(10_000, 30, 1800) == 1800


def test_the_default_schedule_gives_up_within_about_an_hour() -> None:
    defaults = Settings()
    period = longest_retry_period_s(
        defaults.webhook_max_attempts, defaults.webhook_retry_base_s, defaults.webhook_retry_max_s
    )
    assert period == 30 + 60 + 120 + 240 + 480 + 960 + 1800


def test_a_success_ends_the_delivery() -> None:
    assert decide(Outcome.SUCCEEDED, 1, max_attempts=8, base_s=30, max_s=1800).status == "succeeded"


def test_a_final_answer_fails_the_delivery_without_retrying() -> None:
    decision = decide(Outcome.FINAL, 1, max_attempts=8, base_s=30, max_s=1800)
    assert (decision.status, decision.retry_in_s) == ("failed", None)


def test_a_retryable_answer_schedules_the_next_attempt() -> None:
    decision = decide(Outcome.RETRYABLE, 2, max_attempts=8, base_s=30, max_s=1800, rand=lambda: 0.0)
    assert (decision.status, decision.retry_in_s) == ("pending", 30)


def test_the_last_attempt_gives_up() -> None:
    decision = decide(Outcome.RETRYABLE, 8, max_attempts=8, base_s=30, max_s=1800)
    assert decision.status == "failed"
    assert decision.error == "gave up after 8 attempts"


def test_a_longer_retry_after_is_honoured_up_to_the_cap() -> None:
    honoured = decide(Outcome.RETRYABLE, 1, max_attempts=8, base_s=30, max_s=1800, retry_after_s=600, rand=lambda: 0)
    capped = decide(Outcome.RETRYABLE, 1, max_attempts=8, base_s=30, max_s=1800, retry_after_s=99_999, rand=lambda: 0)
    assert (honoured.retry_in_s, capped.retry_in_s) == (600, 1800)


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 01 Jan 2025 12:01:00 GMT", now=now) == 60
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_the_longest_wait_must_stay_below_the_broker_visibility_timeout() -> None:
    with pytest.raises(ValidationError, match="visibility"):
        Settings(webhook_retry_max_s=3600, visibility_timeout_s=3600)


def test_allowed_hosts_are_read_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARRATOR_WEBHOOK_ALLOW_HOSTS", "hooks.internal, 10.0.0.0/8")
    assert Settings().webhook_allow_hosts == ["hooks.internal", "10.0.0.0/8"]
