"""Logs: one JSON object per line (production) or readable lines (the embedded default), with context.

Every process calls `configure_logging` once. The code logs with the standard
`logging` module (or structlog); each line carries the context bound with
`bind` for the current request or task: `request_id`, `article_id`,
`narration_id`, `segment`, ... (structlog's context variables, merged into
standard-library records too). The context travels with Celery tasks in a
message header (`service/core/queue.py`), so a worker's lines about a
narration carry the id of the request that asked for it.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any, Literal, TextIO

import structlog

LogFormat = Literal["console", "json"]

# The keys that travel with tasks (message header `narrator_context`), in the order they are read.
CONTEXT_KEYS = ("request_id", "article_id", "narration_id", "segment")

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept when it is short, printable ASCII without spaces or separators that
# could forge log lines or headers; anything else is replaced by a fresh one.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=@-]{1,128}")

_SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _drop(*keys: str) -> Any:
    """A processor that removes `keys` from each line."""

    def drop(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        for key in keys:
            event.pop(key, None)
        return event

    return drop


def configure_logging(
    log_format: LogFormat = "console", level: int | str = logging.INFO, stream: TextIO | None = None
) -> None:
    """Send every log record (ours, Celery's, uvicorn's) to stderr (or `stream`) as JSON or readable lines."""
    structlog.configure(
        processors=[*_SHARED_PROCESSORS, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer: list[Any]
    if log_format == "json":
        renderer = [
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(default=str),
        ]
    else:
        # Readable: without Celery's structured copy of what its message says (`data`).
        renderer = [_drop("data"), structlog.dev.ConsoleRenderer(colors=(stream or sys.stderr).isatty())]
    formatter = structlog.stdlib.ProcessorFormatter(
        # uvicorn adds an ANSI-coloured copy of its message as `color_message`.
        foreign_pre_chain=[*_SHARED_PROCESSORS, structlog.stdlib.ExtraAdder(), _drop("color_message")],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # Python warnings become log lines too, not raw text amid them


def new_request_id() -> str:
    """A fresh request id: 32 hex digits."""
    return uuid.uuid4().hex


def request_id_from(value: str | None) -> str:
    """The caller's request id if it is sane, else a fresh one."""
    if value is not None and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return new_request_id()


def bind(**context: Any) -> None:
    """Add to the context every following log line of this request or task carries (None values are skipped)."""
    structlog.contextvars.bind_contextvars(**{k: v for k, v in context.items() if v is not None})


def clear() -> None:
    """Forget the bound context (a task or request is over)."""
    structlog.contextvars.clear_contextvars()


@contextmanager
def bound(**context: Any) -> Iterator[None]:
    """`bind` for the duration of a block, then restore what was bound before."""
    with structlog.contextvars.bound_contextvars(**{k: v for k, v in context.items() if v is not None}):
        yield


def carried_context() -> dict[str, str]:
    """The bound context that travels with tasks sent from here."""
    current = structlog.contextvars.get_contextvars()
    return {key: str(current[key]) for key in CONTEXT_KEYS if current.get(key) is not None}


def context_from(carried: Mapping[str, Any] | None) -> dict[str, str]:
    """The known keys of a context carried by a task message (anything else is ignored)."""
    if not isinstance(carried, Mapping):
        return {}
    return {key: str(carried[key]) for key in CONTEXT_KEYS if isinstance(carried.get(key), str | int)}
