"""Refused console forms shown again with each error beside its field.

A page validates a form with the pydantic model its API route takes (`FeedIn`,
`WebhookCreate`, ...), so a rule lives in one place; where the API answers a
problem+json body, the page shows the form again with the message by the field.
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


def text_fields(form: FormData, *names: str) -> dict[str, str]:
    """The named fields that were filled in (blank ones are left out, as an API client would omit them)."""
    out: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            out[name] = value.strip()
    return out
