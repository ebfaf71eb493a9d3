"""Console page: pronunciation review of an article. The ASR review's flagged words are highlighted in the
text; one opens a lexicon editor (alias or IPA) with a preview of the word in its sentence in the article's
voice (the API's speech synthesis path), the articles the entry affects, and one action that saves the
entry and re-narrates them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, Response

from service.api.deps import QueueDep, SessionDep, SettingsDep, StorageDep
from service.api.routes.lexicon import EntryIn
from service.articles import records, reviews
from service.articles.lexicon_changes import save_entry
from service.audio.stream import Mp3Stream
from service.console.forms import text_fields, validated
from service.console.session import ConsoleLexiconWrite, ConsoleRead, ConsoleUser
from service.console.templating import render
from service.core.errors import InvalidInput, NarratorError
from service.core.models import Article
from service.core.settings import Settings
from service.core.voices import catalog_dirs, get_voice
from service.document import lexicon
from service.listeners.feeds.records import check_feed_owner
from service.listeners.speech import speak

router = APIRouter()


def _pieces(text: str, flags: list[reviews.FlaggedWord]) -> list[tuple[str, reviews.FlaggedWord | None]]:
    """The article text cut at the flagged words: (text, flag or None) in order."""
    out: list[tuple[str, reviews.FlaggedWord | None]] = []
    position = 0
    for flag in flags:
        if flag.start < position:
            continue  # overlapping differences: the first one shows
        out.append((text[position : flag.start], None))
        out.append((text[flag.start : flag.end], flag))
        position = flag.end
    out.append((text[position:], None))
    return out


def _page(
    request: Request,
    user: ConsoleUser,
    session: Session,
    settings: Settings,
    article: Article,
    *,
    at: int | None = None,
    term: str | None = None,
    error: NarratorError | None = None,
    saved: object = None,
) -> HTMLResponse:
    text = records.document_of(article).text
    review = reviews.latest_review(session, article.id)
    flags = reviews.flagged_words(review, text, article.language) if review else []
    chosen = next((f for f in flags if f.start == at), None)
    word = term or (chosen.expected if chosen else None)
    entries = {e.term: e for e in lexicon.list_entries(session, article.feed, user.principal.project_id)}
    entries.update({e.term: e for e in lexicon.list_entries(session, None, user.principal.project_id)})
    return render(
        request,
        settings,
        "pronunciation/show.html",
        user=user,
        session=user.session,
        title=f"Pronunciation: {article.title or 'article'}",
        status_code=error.status if error else 200,
        article=article,
        review=review,
        flags=flags,
        pieces=_pieces(text, flags),
        chosen=chosen,
        word=word,
        entry=entries.get(word) if word else None,
        affected=lexicon.affected_articles(session, None, word, user.principal.project_id) if word else [],
        error=error,
        saved=saved,
    )


@router.get("/articles/{article_id}/pronunciation", response_class=HTMLResponse)
def pronunciation_page(
    article_id: str,
    request: Request,
    user: ConsoleRead,
    session: SessionDep,
    settings: SettingsDep,
    at: int | None = None,
    term: str | None = None,
) -> HTMLResponse:
    """The flagged words in the text; `at` (a flagged word's offset) or `term` opens the lexicon editor."""
    article = records.get_article(session, article_id, user.principal.project_id)
    return _page(request, user, session, settings, article, at=at, term=term)


def _entry(form: FormData) -> tuple[str, EntryIn, str | None]:
    """(term, the entry as the API's PUT body, feed or None) from the editor's form."""
    fields = text_fields(form, "term", "spoken", "kind", "feed")
    if "term" not in fields or "spoken" not in fields:
        raise InvalidInput("Give the word and how to say it")
    kind = "ipa" if fields.get("kind") == "ipa" else "alias"
    body = validated(EntryIn, {kind: fields["spoken"]})
    lexicon.validate(fields["term"], body.alias, body.ipa)
    return fields["term"], body, fields.get("feed")


@router.post("/articles/{article_id}/pronunciation/preview", response_model=None)
async def preview(
    article_id: str,
    request: Request,
    user: ConsoleLexiconWrite,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
    storage: StorageDep,
) -> Response:
    """The sentence spoken in the article's voice with the entry applied, before it is saved (MP3, streamed)."""
    article = records.get_article(session, article_id, user.principal.project_id)
    form = await request.form()
    term, body, feed = _entry(form)
    sentence = text_fields(form, "sentence").get("sentence") or term
    voice = get_voice(catalog_dirs(settings), article.voice)
    pronunciations = lexicon.pronunciations(
        session,
        feed if feed is not None else article.feed,
        defaults=None if settings.default_lexicon else {},
        ipa=voice.engine == "piper",
        project=user.principal.project_id,
    )
    pronunciations[term] = lexicon.spoken_of(body.alias, body.ipa)
    encoder = Mp3Stream(settings.mp3_bitrate_kbps, settings.output_sample_rate)
    stream = await run_in_threadpool(speak, session, queue, settings, storage, sentence, voice, pronunciations, encoder)
    return StreamingResponse(stream, media_type=encoder.media_type, headers={"Cache-Control": "no-store"})


@router.post("/articles/{article_id}/pronunciation", response_model=None)
async def save(
    article_id: str,
    request: Request,
    user: ConsoleLexiconWrite,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
) -> Response:
    """Save the entry and re-narrate every article it affects (only their paragraphs with the word are re-read)."""
    article = records.get_article(session, article_id, user.principal.project_id)
    form = await request.form()
    try:
        term, body, feed = _entry(form)
        check_feed_owner(session, feed, user.principal.project_id)
        change = await run_in_threadpool(
            save_entry,
            session,
            queue,
            settings,
            feed,
            term,
            alias=body.alias,
            ipa=body.ipa,
            renarrate_affected=True,
            project=user.principal.project_id,
        )
    except NarratorError as exc:
        session.rollback()
        return _page(request, user, session, settings, article, term=str(form.get("term") or ""), error=exc)
    return _page(request, user, session, settings, article, term=term, saved=change)
