"""Posted forms for console pages: read them once, check them with the API's own request models.

A page validates a form with the pydantic model its API route takes (`FeedIn`,
`WebhookCreate`, ...), so a rule lives in one place; a refusal is shown beside
its field instead of as a problem+json body.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

FORM_ERROR = ""  # the key of an error about the whole form rather than one field


async def posted_form(request: Request) -> FormData:
    """The request's form (Starlette keeps it parsed: the CSRF check read it already)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Each field's first message, by field name (FORM_ERROR for the whole form)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else FORM_ERROR
        message = str(error["msg"]).removeprefix("Value error, ")
        errors.setdefault(field, message)
    return errors


def text_fields(form: FormData, names: tuple[str, ...]) -> dict[str, str | None]:
    """The named text fields, stripped; an empty one is None (optional fields left blank)."""
    values: dict[str, str | None] = {}
    for name in names:
        value = form.get(name)
        text = value.strip() if isinstance(value, str) else ""
        values[name] = text or None
    return values
