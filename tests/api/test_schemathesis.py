"""Property-based calls to every operation of the OpenAPI document (schemathesis), with an admin key.

A few generated requests per operation, valid and not: none may answer 500, and every status, content
type and response body must be one the document declares for that operation. Bounded (examples per
operation, no shrinking) to stay fast.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.access import keys
from service.api.app import create_app
from service.api.deps import get_queue
from service.core.db import session_scope
from service.core.settings import Settings
from tests.api.conftest import RecordingQueue

EXAMPLES = 4  # generated requests per operation


@pytest.fixture
def app(settings: Settings, queue: RecordingQueue) -> Iterator[FastAPI]:
    # Streams that wait for a worker (speech, live) give up after a second here: no worker runs.
    app = create_app(settings.model_copy(update={"task_time_limit_s": 1}))
    app.dependency_overrides[get_queue] = lambda: queue
    yield app


@pytest.fixture
def admin_key(settings: Settings) -> str:
    with session_scope(settings.database_url) as session:
        return keys.create_key(session, "default", "schemathesis", [keys.ADMIN])[1]


def test_no_operation_answers_500_or_an_undocumented_status(app: FastAPI, admin_key: str) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    for found in schema.get_all_operations():
        operation = found.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {admin_key}"},
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    response_schema_conformance,
                    content_type_conformance,
                ],
            )

        try:
            call()
        except (AssertionError, BaseExceptionGroup) as exc:  # every operation is tried; all failures are reported
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
