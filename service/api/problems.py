"""RFC 9457 problem+json responses for every error, with a stable `code`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from service.api.methods import allowed_methods
from service.api.security import NOSNIFF
from service.core.errors import NarratorError
from service.core.logs import REQUEST_ID_HEADER, bound

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type"}


def problem(status: int, code: str, title: str, detail: str | None = None, **extra: Any) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {"type": f"about:blank#{code}", "title": title, "status": status, "code": code}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


async def _narrator_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NarratorError)
    response = problem(exc.status, exc.code, exc.title, exc.message if exc.message != exc.title else None, **exc.extra)
    response.headers.update(exc.headers)
    return response


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()]
    if any(e["type"] == "json_invalid" for e in errors):
        return problem(422, "malformed_json", "The request body is not valid JSON", errors[0]["msg"], errors=errors)
    detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors)
    return problem(422, "validation_failed", "The request is not valid", detail, errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and "parsing the body" in str(exc.detail):
        # FastAPI's answer to a body that is not even text (invalid UTF-8): the same as any broken JSON.
        return problem(422, "malformed_json", "The request body is not valid JSON", "the body is not valid UTF-8")
    code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    response = problem(exc.status_code, code, str(exc.detail))
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request.app.router.routes, request.scope))
    elif exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Starlette's last resort runs outside the middlewares: the request id is bound and sent from here,
    # and the header every other answer gets from SecurityHeaders.
    request_id = getattr(request.state, "request_id", None)
    with bound(request_id=request_id):
        log.exception("unhandled error", exc_info=exc)
    response = problem(500, "internal_error", "Internal error")
    response.headers.update(NOSNIFF)
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error the app can raise to problem+json."""
    app.add_exception_handler(NarratorError, _narrator_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
