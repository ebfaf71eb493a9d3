from pathlib import Path

import pytest
from pydantic import ValidationError

from service.core.settings import Settings


def test_embedded_default_puts_everything_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'narrator.db'}"
    assert settings.broker_url == f"sqla+sqlite:///{tmp_path.resolve() / 'broker.db'}"
    assert settings.storage_url == f"file://{tmp_path.resolve() / 'media'}"
    assert settings.embedded_broker


def test_environment_variables_override_with_the_narrator_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARRATOR_BROKER_URL", "redis://127.0.0.1:6390/0")
    monkeypatch.setenv("NARRATOR_MAX_BODY_BYTES", "5000")
    settings = Settings()
    assert settings.broker_url == "redis://127.0.0.1:6390/0"
    assert not settings.embedded_broker
    assert settings.max_body_bytes == 5000


def test_a_time_limit_at_or_above_the_visibility_timeout_is_rejected() -> None:
    with pytest.raises(ValidationError, match="visibility"):
        Settings(task_time_limit_s=4000, visibility_timeout_s=3600)


def test_bitrate_outside_32_to_128_is_rejected() -> None:
    with pytest.raises(ValidationError):
        Settings(mp3_bitrate_kbps=320)


def test_rate_limit_counters_follow_the_broker(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).rate_limit_storage_url == "memory://"
    redis = "redis://127.0.0.1:6390/0"
    assert Settings(data_dir=tmp_path, broker_url=redis).rate_limit_storage_url == redis
    own = "redis://limits:6379/2"
    assert Settings(data_dir=tmp_path, broker_url=redis, rate_limit_storage=own).rate_limit_storage_url == own


def test_a_rate_limit_not_in_the_limits_notation_is_rejected() -> None:
    with pytest.raises(ValidationError, match="rate_limit_per_key"):
        Settings(rate_limit_per_key="lots")
