"""Reading console forms into the API's own request bodies, so a form is validated exactly as the API's JSON."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from service.core.errors import InvalidInput

Body = TypeVar("Body", bound=BaseModel)

# An uploaded file's kind of source, by its name's ending (anything else is plain text).
UPLOAD_KINDS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".ssml": "ssml"}


def text_fields(form: FormData, *names: str) -> dict[str, str]:
    """The named fields that were filled in (blank ones are left out, as an API client would omit them)."""
    out: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            out[name] = value.strip()
    return out


async def uploaded_source(form: FormData, field: str) -> tuple[str, str] | None:
    """(kind, text) of an uploaded article file, or None when none was chosen."""
    upload = form.get(field)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    raw = await upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{upload.filename} is not UTF-8 text") from None
    suffix = "." + upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    return UPLOAD_KINDS.get(suffix, "text"), text


def validated(model: type[Body], data: dict[str, object]) -> Body:
    """The body as the API would accept it; InvalidInput naming the first problem otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InvalidInput(f"{where + ': ' if where else ''}{first.get('msg', 'invalid')}") from None


async def posted_form(request: Request) -> FormData:
    """The request's form (Starlette keeps it parsed: the CSRF check read it already)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]

FORM_ERROR = ""  # the key of an error about the whole form rather than one field


def field_errors(exc: ValidationError, nested: Collection[str] = ()) -> dict[str, str]:
    """Each field's first message, by field name (FORM_ERROR for the whole form): to show beside the fields.

    A field of a `nested` object is named as its form field is: `include_pattern` for include.pattern.
    """
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error["loc"]
        field = str(loc[0]) if loc else FORM_ERROR
        if field in nested and len(loc) > 1:
            field = f"{field}_{loc[1]}"
        errors.setdefault(field, str(error["msg"]).removeprefix("Value error, "))
    return errors
