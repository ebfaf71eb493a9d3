"""Console page: sources, the publishers' feeds and sitemaps polled for articles.

The list shows each source's state, last poll, last success, last error with its code, item counts and next
poll, and (with `sources:write`) a form to add one; a source's page has pause, resume, poll now and delete,
and its items with what became of each. Forms are checked with the API's `SourceCreate` and go through the
same plain functions as `/v1/sources` (service/sources/register.py, records.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, RedirectResponse, Response

from service.api.deps import SessionDep, SettingsDep
from service.api.schemas import SourceCreate
from service.console.forms import FORM_ERROR, PostedForm, field_errors, text_fields
from service.console.session import ConsoleRead, ConsoleSourcesWrite, ConsoleUser
from service.console.templating import render
from service.core.errors import DuplicateSource, InvalidSource, NotFound, UnknownVoice, UrlForbidden
from service.core.models import Source
from service.core.settings import Settings
from service.core.voices import catalog_dirs, load_catalog
from service.listeners.feeds.records import list_feeds
from service.sources import records
from service.sources.register import register_source
from service.sources.rules import check_rule

router = APIRouter()

SCOPE = "sources:write"
RULE_SIDES = ("include", "exclude")
TEXT_FIELDS = (
    *("url", "feed", "voice", "heading_voice", "quote_voice", "priority", "interval_s", "first_poll_newest"),
    *(f"{side}_{part}" for side in RULE_SIDES for part in ("categories", "path_prefixes", "pattern")),
)
DEFAULTS: dict[str, Any] = {"interval_s": "900", "priority": "now", "backfill": True}


def _words(text: str | None) -> list[str]:
    """A comma-separated form field as a list (blank parts dropped)."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def source_body(form: FormData) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the form's values to show again, the API's request body) of the add-a-source form."""
    values: dict[str, Any] = {**text_fields(form, *TEXT_FIELDS), "backfill": "backfill" in form}
    body: dict[str, Any] = {
        name: values[name]
        for name in ("url", "feed", "voice", "heading_voice", "quote_voice", "priority", "interval_s")
        if name in values
    }
    body.setdefault("url", "")
    if "first_poll_newest" in values:
        body["first_poll_newest"] = values["first_poll_newest"]
    body["backfill"] = values["backfill"]
    for side in RULE_SIDES:
        rule = {
            "categories": _words(values.get(f"{side}_categories")),
            "path_prefixes": _words(values.get(f"{side}_path_prefixes")),
            "pattern": values.get(f"{side}_pattern"),
        }
        if any(rule.values()):
            body[side] = rule
    return values, body


def _list(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    settings: Settings,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    project = user.principal.project_id
    sources = records.list_sources(session, project)
    counts = records.item_counts(session, [s.id for s in sources])
    return render(
        request,
        settings,
        "sources/list.html",
        user=user,
        session=user.session,
        title="Sources",
        status_code=status_code,
        sources=[(source, counts[source.id]) for source in sources],
        scope=SCOPE,
        feeds=list_feeds(session, project),
        voices=list(load_catalog(catalog_dirs(settings)).values()),
        first_poll_default=settings.source_first_poll_newest,
        values=values or DEFAULTS,
        errors=errors or {},
        notice="Source deleted; the articles it made stay." if "deleted" in request.query_params else None,
    )


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, user: ConsoleRead, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """Every source with its state, polls, last error and item counts; the form to add one (with sources:write)."""
    return _list(request, user, session, settings)


def _rule_errors(body: SourceCreate) -> dict[str, str]:
    """A rule's pattern that is not a regular expression, named by its field (the rule's own check)."""
    errors: dict[str, str] = {}
    for side in RULE_SIDES:
        rule = getattr(body, side)
        try:
            check_rule(rule.model_dump(exclude_defaults=True) if rule else None)
        except InvalidSource as exc:
            errors[f"{side}_pattern"] = exc.message
    return errors


@router.post("/sources", response_class=HTMLResponse)
def add_source(
    request: Request, user: ConsoleSourcesWrite, session: SessionDep, settings: SettingsDep, form: PostedForm
) -> Response:
    """Register a source from the form; to its page, or the form again with what to fix."""
    values, data = source_body(form)

    def refused(errors: dict[str, str], status_code: int = 422) -> HTMLResponse:
        session.rollback()
        return _list(request, user, session, settings, values=values, errors=errors, status_code=status_code)

    try:
        body = SourceCreate.model_validate(data)
    except ValidationError as exc:
        return refused(field_errors(exc, nested=RULE_SIDES))
    if rule_errors := _rule_errors(body):
        return refused(rule_errors)
    try:
        source = register_source(session, body.spec(), settings, user.principal.project_id)
    except (UrlForbidden, DuplicateSource) as exc:
        return refused({"url": exc.message}, exc.status)
    except NotFound as exc:
        return refused({"feed": exc.message})
    except (UnknownVoice, InvalidSource) as exc:
        return refused({FORM_ERROR: exc.message})
    session.commit()
    return RedirectResponse(f"/console/sources/{source.id}?added=1", status_code=303)


NOTICES = {
    "added": "Source added: a worker polls it within a few seconds.",
    "paused": "Source paused: it is not polled until you resume it.",
    "resumed": "Source resumed: it is polled now, then every interval.",
    "polled": "Poll queued: a worker polls the source within a few seconds; reload to see its outcome.",
}


def _detail(request: Request, user: ConsoleUser, session: SessionDep, settings: Settings, source: Source) -> Response:
    notice = next((text for key, text in NOTICES.items() if key in request.query_params), None)
    return render(
        request,
        settings,
        "sources/detail.html",
        user=user,
        session=user.session,
        title=f"Source: {source.url}",
        source=source,
        counts=records.item_counts(session, [source.id])[source.id],
        items=records.list_items(session, source),
        scope=SCOPE,
        notice=notice,
    )


@router.get("/sources/{source_id}", response_class=HTMLResponse)
def source_page(
    source_id: str, request: Request, user: ConsoleRead, session: SessionDep, settings: SettingsDep
) -> Response:
    """One source: how it is narrated, its state and counts, its actions (with sources:write) and its items."""
    source = records.get_source(session, source_id, user.principal.project_id)
    return _detail(request, user, session, settings, source)


@router.post("/sources/{source_id}/pause")
def pause_source(source_id: str, user: ConsoleSourcesWrite, session: SessionDep) -> RedirectResponse:
    """Stop polling the source (its items and articles stay)."""
    records.set_paused(session, records.get_source(session, source_id, user.principal.project_id), True)
    session.commit()
    return RedirectResponse(f"/console/sources/{source_id}?paused=1", status_code=303)


@router.post("/sources/{source_id}/resume")
def resume_source(source_id: str, user: ConsoleSourcesWrite, session: SessionDep) -> RedirectResponse:
    """Poll the source again, starting now."""
    records.set_paused(session, records.get_source(session, source_id, user.principal.project_id), False)
    session.commit()
    return RedirectResponse(f"/console/sources/{source_id}?resumed=1", status_code=303)


@router.post("/sources/{source_id}/poll")
def poll_source(
    source_id: str, user: ConsoleSourcesWrite, session: SessionDep, settings: SettingsDep
) -> RedirectResponse:
    """Poll now (queued for a worker through the outbox, as the API's poll)."""
    records.poll_now(session, records.get_source(session, source_id, user.principal.project_id), settings)
    session.commit()
    return RedirectResponse(f"/console/sources/{source_id}?polled=1", status_code=303)


@router.post("/sources/{source_id}/delete")
def delete_source(source_id: str, user: ConsoleSourcesWrite, session: SessionDep) -> RedirectResponse:
    """Stop and forget the source; the articles it made stay."""
    records.delete_source(session, records.get_source(session, source_id, user.principal.project_id))
    session.commit()
    return RedirectResponse("/console/sources?deleted=1", status_code=303)
