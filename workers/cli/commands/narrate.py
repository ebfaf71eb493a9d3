"""`narrator narrate`: one file, URL or stdin to an MP3 (and captions, marks, chapters), no services needed."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from service.core.settings import Settings
from workers.cli.registry import Command, CommandError

BY_SUFFIX = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".ssml": "ssml"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="a .txt, .md, .html or .ssml file, an http(s) URL, or - for standard input")
    parser.add_argument("-o", "--output", required=True, type=Path, help="the MP3 file to write")
    parser.add_argument("--voice", help="a voice id from `narrator voices`")
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
    from tqdm import tqdm

    from service.articles.intake import ArticleInput, build_document, check_voice
    from service.core.voices import catalog_dirs, get_voice
    from service.document.lexicon import default_pronunciations
    from workers.narration.pipeline import narrate_document
    from workers.narration.tags import AudioTags
    from workers.synthesis import load_engine, use_threads

    for clip in (args.intro, args.outro, args.cover):
        if clip is not None and not clip.is_file():
            raise CommandError(f"no such file: {clip}")
    voice_id = check_voice(args.voice, settings)  # an unknown voice fails before any reading or fetching
    # Blocks are encoded beside the synthesis of the next: idle inference threads should sleep, not spin.
    use_threads(settings.synth_threads, spin=False)
    fmt, content = read_input(args.input, args.format)
    given: dict[str, Any] = {fmt: content}
    document = build_document(ArticleInput(title=args.title, **given), settings)
    voice = get_voice(catalog_dirs(settings), voice_id)
    engine = load_engine(voice)
    output: Path = args.output
    output.parent.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=100, unit="%", desc="narrating", disable=not sys.stderr.isatty(), leave=False)

    def on_progress(fraction: float) -> None:
        bar.update(round(fraction * 100) - bar.n)

    tags = AudioTags(title=document.title, artist=document.byline, cover=args.cover)
    # Encode to a temporary file beside the output, then rename: never a half-written MP3.
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".narrator-") as tmp:
        rendered = narrate_document(
            document,
            voice,
            engine,
            Path(tmp) / "out.mp3",
            sample_rate=settings.output_sample_rate,
            kbps=settings.mp3_bitrate_kbps,
            on_progress=on_progress,
            tags=tags,
            intro=args.intro,
            outro=args.outro,
            # The shipped pronunciations, as a worker applies them (no database here: no global or feed entries).
            lexicon=default_pronunciations(ipa=voice.engine == "piper") if settings.default_lexicon else None,
        )
        os.replace(rendered.path, output)
    bar.close()
    for target, text in (
        (args.captions, rendered.captions_vtt),
        (args.marks, rendered.marks_json),
        (args.chapters, rendered.chapters_json),
    ):
        if target is not None:
            _write_text_atomically(target, text)
    print(f"{output}: {rendered.duration_s:.1f} s, {output.stat().st_size} bytes, voice {voice.id}", file=sys.stderr)
    return 0


def _write_text_atomically(path: Path, content: str) -> None:
    """Write `content` to `path` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)


COMMAND = Command(
    name="narrate",
    help="narrate a .txt/.md/.html/.ssml file, a URL or - (stdin) to an MP3, no services needed",
    add_arguments=add_arguments,
    run=narrate,
    order=30,
)
