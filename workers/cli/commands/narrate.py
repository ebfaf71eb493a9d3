"""`narrator narrate`: one file, URL or stdin to an MP3 (and captions, marks, chapters), no services needed."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from service.core.settings import Settings
from workers.cli.registry import Command, CommandError

BY_SUFFIX = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".ssml": "ssml"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="a .txt, .md, .html or .ssml file, an http(s) URL, or - for standard input")
    parser.add_argument("-o", "--output", required=True, type=Path, help="the MP3 file to write")
    parser.add_argument("--voice", help="a voice id from `narrator voices`")
    parser.add_argument("--heading-voice", metavar="VOICE", help="a voice for the title and headings")
    parser.add_argument("--quote-voice", metavar="VOICE", help="a voice for quotes")
    parser.add_argument("--title", help="the title to read first (text and Markdown input)")
    parser.add_argument(
        "--format", choices=("text", "markdown", "html", "ssml"), help="input format (default: by extension)"
    )
    parser.add_argument("--captions", type=Path, metavar="OUT.vtt", help="also write WebVTT captions")
    parser.add_argument("--marks", type=Path, metavar="OUT.json", help="also write JSON word/sentence/paragraph marks")
    parser.add_argument("--chapters", type=Path, metavar="OUT.json", help="also write Podcasting 2.0 JSON chapters")
    parser.add_argument("--cover", type=Path, metavar="IMAGE", help="PNG or JPEG cover art to embed in the MP3")
    parser.add_argument("--intro", type=Path, metavar="AUDIO", help="a WAV/FLAC/Ogg clip to play before the narration")
    parser.add_argument("--outro", type=Path, metavar="AUDIO", help="a WAV/FLAC/Ogg clip to play after the narration")


def read_input(spec: str, fmt: str | None) -> tuple[str, str]:
    """(format, content) of a CLI input: an http(s) URL, a file by extension, or stdin."""
    if spec.startswith(("http://", "https://")):
        return "url", spec
    if spec == "-":
        content = sys.stdin.read()
        head = content.lstrip("\ufeff \t\r\n")
        guessed = "ssml" if head.startswith(("<speak", "<?xml")) else "html" if head.startswith("<") else "text"
        return fmt or guessed, content
    path = Path(spec)
    if path.is_dir():
        raise CommandError(f"{path} is a directory, not a file to narrate")
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return fmt or BY_SUFFIX.get(path.suffix.lower(), "text"), content


def narrate(args: argparse.Namespace, settings: Settings) -> int:
    """Narrate one input with the worker's fan-out in this process (workers/narration/local.py)."""
    from tqdm import tqdm

    from service.articles.intake import ArticleInput, build_document, check_voice, source_of
    from workers.narration.local import Surroundings, narrate_locally, share_cores
    from workers.narration.tags import image_mime
    from workers.synthesis import use_threads

    for clip in (args.intro, args.outro, args.cover):
        if clip is not None and not clip.is_file():
            raise CommandError(f"no such file: {clip}")
    if args.cover is not None:
        try:
            image_mime(args.cover.read_bytes())
        except ValueError as exc:
            raise CommandError(f"{args.cover}: {exc}") from None
    # Unknown voices fail before any reading or fetching.
    voice_id = check_voice(args.voice, settings)
    sections = {
        section: check_voice(chosen, settings)
        for section, chosen in (("heading", args.heading_voice), ("quote", args.quote_voice))
        if chosen
    }
    fmt, content = read_input(args.input, args.format)
    given: dict[str, Any] = {fmt: content}
    submitted = ArticleInput(title=args.title, **given)
    document = build_document(submitted, settings)
    lanes = share_cores([len(b.text) for b in document.spoken_blocks()], os.cpu_count() or 1, settings.synth_threads)
    # Mastering and encoding run beside synthesis: idle inference threads should sleep, not spin.
    use_threads(lanes.threads, spin=False)
    output: Path = args.output
    bar = tqdm(total=100, unit="%", desc="narrating", disable=not sys.stderr.isatty(), leave=False)

    def on_progress(fraction: float) -> None:
        bar.update(round(fraction * 100) - bar.n)

    with _quiet(logging.getLogger("workers.narration")):  # its lines name records of a database thrown away
        narrated = narrate_locally(
            document,
            source_of(submitted),
            settings,
            voice=voice_id,
            section_voices=sections,
            surroundings=Surroundings(intro=args.intro, outro=args.outro, cover=args.cover),
            on_progress=on_progress,
            lanes=lanes.count,
        )
    bar.close()
    _write_atomically(output, narrated.mp3)  # never a half-written MP3
    for target, text in (
        (args.captions, narrated.captions_vtt),
        (args.marks, narrated.marks_json),
        (args.chapters, narrated.chapters_json),
    ):
        if target is not None:
            _write_atomically(target, (text or "").encode("utf-8"))
    print(f"{output}: {narrated.duration_s:.1f} s, {len(narrated.mp3)} bytes, voice {voice_id}", file=sys.stderr)
    return 0


@contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Only warnings and errors from `logger` while the block runs."""
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def _write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to `path` through a temporary file beside it and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


COMMAND = Command(
    name="narrate",
    help="narrate a .txt/.md/.html/.ssml file, a URL or - (stdin) to an MP3, no services needed",
    add_arguments=add_arguments,
    run=narrate,
    order=30,
)
