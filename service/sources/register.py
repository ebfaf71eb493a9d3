"""Registering a source: its feed and voices checked as an article's are, then the record made.

The API's `POST /v1/sources`, the console's Sources page and `narrator sources add` all register through here.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from service.articles.intake import check_formats, check_voice
from service.core.models import DEFAULT_PROJECT, Source
from service.core.settings import Settings
from service.listeners.feeds.records import check_feed_owner
from service.sources.records import SourceSpec, create_source


def register_source(session: Session, spec: SourceSpec, settings: Settings, project: str = DEFAULT_PROJECT) -> Source:
    """Register `spec` for `project` (the caller commits).

    `NotFound` for another project's feed, `UnknownVoice` for a voice not in the catalog, `UnknownFormat` for a
    format we do not make, and the errors of
    `create_source` (`UrlForbidden`, `InvalidSource`, `DuplicateSource`).
    """
    check_feed_owner(session, spec.feed, project)
    voice = check_voice(spec.voice, settings) if spec.voice else None
    sections = {section: check_voice(v, settings) for section, v in spec.section_voices.items()}
    formats = check_formats(spec.formats, settings) if spec.formats is not None else None
    return create_source(
        session, replace(spec, voice=voice, section_voices=sections, formats=formats), settings, project
    )
