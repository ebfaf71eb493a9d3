"""The `narrator` command: narrate a file, serve the API, run a worker, list voices."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from service.core.errors import NarratorError
from service.core.logs import configure_logging
from service.core.settings import Settings, get_settings

DEMO_ARTICLE = Path(__file__).resolve().parents[1] / "service" / "demo" / "article.md"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `narrator` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except Exception as exc:  # noqa: BLE001 - invalid settings are a user error, not a crash
        print(f"narrator: invalid settings: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format)
    try:
        return int(args.func(args, settings) or 0)
    except NarratorError as exc:
        print(f"narrator: error ({exc.code}): {exc.message}", file=sys.stderr)
        return 2
    except (FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        print(f"narrator: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="narrator", description="Self-hosted 'Listen to article' service.")
    sub = parser.add_subparsers(dest="command", required=True)

    narrate = sub.add_parser(
        "narrate", help="narrate a .txt/.md/.html/.ssml file or - (stdin) to an MP3, no services needed"
    )
    narrate.add_argument("input", help="a .txt, .md, .html or .ssml file, or - for standard input")
    narrate.add_argument("-o", "--output", required=True, type=Path, help="the MP3 file to write")
    narrate.add_argument("--voice", help="a voice id from `narrator voices`")
    narrate.add_argument("--title", help="the title to read first (text and Markdown input)")
    narrate.add_argument(
        "--format", choices=("text", "markdown", "html", "ssml"), help="input format (default: by extension)"
    )
    narrate.add_argument("--captions", type=Path, metavar="OUT.vtt", help="also write WebVTT captions")
    narrate.add_argument("--marks", type=Path, metavar="OUT.json", help="also write JSON word/sentence/paragraph marks")
    narrate.add_argument("--chapters", type=Path, metavar="OUT.json", help="also write Podcasting 2.0 JSON chapters")
    narrate.add_argument("--cover", type=Path, metavar="IMAGE", help="PNG or JPEG cover art to embed in the MP3")
    narrate.add_argument("--intro", type=Path, metavar="AUDIO", help="a WAV/FLAC/Ogg clip to play before the narration")
    narrate.add_argument("--outro", type=Path, metavar="AUDIO", help="a WAV/FLAC/Ogg clip to play after the narration")
    narrate.set_defaults(func=cmd_narrate)

    serve = sub.add_parser("serve", help="run the HTTP API and one worker process")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-worker", action="store_true", help="do not start a worker process")
    serve.add_argument("--demo", action="store_true", help="narrate the shipped demo article once the service is up")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run a Celery worker (production: many, against Redis)")
    worker.add_argument("--concurrency", type=int, help="worker processes (default: NARRATOR_WORKER_CONCURRENCY)")
    worker.add_argument(
        "--queues",
        default=None,
        help="comma-separated queues to consume (default: narrator.now,narrator.backfill)",
    )
    worker.add_argument("--loglevel", default="INFO")
    worker.set_defaults(func=cmd_worker)

    normalize = sub.add_parser("normalize", help="print the spoken form of TEXT (or of each line of stdin)")
    normalize.add_argument("text", nargs="?", help="the text; omitted or - reads standard input line by line")
    normalize.set_defaults(func=cmd_normalize)

    migrate = sub.add_parser(
        "migrate", help="bring the database to the newest schema (before starting the API and workers)"
    )
    migrate_mode = migrate.add_mutually_exclusive_group()
    migrate_mode.add_argument("--sql", action="store_true", help="print the SQL it would run; change nothing")
    migrate_mode.add_argument(
        "--check", action="store_true", help="exit 1 unless the database is at the newest revision, without drift"
    )
    migrate.set_defaults(func=cmd_migrate)

    voices = sub.add_parser("voices", help="list the voice catalog (and whether each voice's engine is installed)")
    voices.add_argument("--json", action="store_true", help="print the catalog as JSON")
    voices.set_defaults(func=cmd_voices)
    return parser


def _read_input(spec: str, fmt: str | None) -> tuple[str, str]:
    """(format, content) of a CLI input: an http(s) URL, a file by extension, or stdin."""
    if spec.startswith(("http://", "https://")):
        return "url", spec
    if spec == "-":
        content = sys.stdin.read()
        head = content.lstrip("\ufeff \t\r\n")
        guessed = "ssml" if head.startswith(("<speak", "<?xml")) else "html" if head.startswith("<") else "text"
        return fmt or guessed, content
    path = Path(spec)
    content = path.read_text(encoding="utf-8")
    by_suffix = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".ssml": "ssml"}
    return fmt or by_suffix.get(path.suffix.lower(), "text"), content


def cmd_narrate(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from service.articles.intake import ArticleInput, build_document, check_voice
    from service.core.voices import catalog_dirs, get_voice
    from service.document.lexicon import default_pronunciations
    from workers.narration.pipeline import narrate_document
    from workers.narration.tags import AudioTags
    from workers.synthesis import load_engine, use_threads

    # Blocks are encoded beside the synthesis of the next: idle inference threads should sleep, not spin.
    use_threads(settings.synth_threads, spin=False)
    fmt, content = _read_input(args.input, args.format)
    document = build_document(ArticleInput(title=args.title, **{fmt: content}), settings)
    voice = get_voice(catalog_dirs(settings), check_voice(args.voice, settings))
    engine = load_engine(voice)
    output: Path = args.output
    output.parent.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=100, unit="%", desc="narrating", disable=not sys.stderr.isatty(), leave=False)

    def on_progress(fraction: float) -> None:
        bar.update(round(fraction * 100) - bar.n)

    for clip in (args.intro, args.outro, args.cover):
        if clip is not None and not clip.is_file():
            raise FileNotFoundError(f"no such file: {clip}")
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
    for target, content in (
        (args.captions, rendered.captions_vtt),
        (args.marks, rendered.marks_json),
        (args.chapters, rendered.chapters_json),
    ):
        if target is not None:
            _write_text_atomically(target, content)
    print(f"{output}: {rendered.duration_s:.1f} s, {output.stat().st_size} bytes, voice {voice.id}", file=sys.stderr)
    return 0


def _write_text_atomically(path: Path, content: str) -> None:
    """Write `content` to `path` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)


def cmd_normalize(args: argparse.Namespace, _settings: Settings) -> int:
    from service.document.normalize import normalize

    if args.text is not None and args.text != "-":
        print(normalize(args.text).text)
        return 0
    for line in sys.stdin:
        print(normalize(line.rstrip("\n")).text, flush=True)
    return 0


def threads_per_process(settings: Settings, concurrency: int) -> int:
    """Synthesis threads for each of a worker's processes: as set, else the cores shared out between them.

    0 leaves the engine's default (every core), right for a single process.
    """
    if settings.synth_threads or concurrency <= 1:
        return settings.synth_threads
    return max(1, (os.cpu_count() or 1) // concurrency)


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    if settings.worker_metrics_port:  # first: the worker's metrics must be created in multiprocess mode
        from workers.exporter import start_worker_exporter

        start_worker_exporter(settings.worker_metrics_port)
    from service.core.db import engine_for
    from service.core.queue import ALL_QUEUES
    from workers.celery_app import app
    from workers.synthesis import use_threads

    engine_for(settings.database_url)  # the schema is current (SQLite: migrated) before the first job is taken
    concurrency = args.concurrency or settings.worker_concurrency
    use_threads(threads_per_process(settings, concurrency))  # the pool's processes are forked from this one
    argv = [
        *(["--quiet"] if settings.log_format == "json" else []),  # no banner amid the JSON lines
        "worker",
        f"--loglevel={args.loglevel}",
        f"--concurrency={concurrency}",
        f"--queues={args.queues or ALL_QUEUES}",
        "--without-gossip",
        "--without-mingle",
    ]
    app.worker_main(argv=argv)
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate NARRATOR_DATABASE_URL to the newest revision (or print its SQL, or check it)."""
    from sqlalchemy import make_url

    from service.core import migrations

    url = settings.database_url
    where = make_url(url).render_as_string(hide_password=True)
    if args.sql:
        print(migrations.upgrade_sql(url), end="")
        return 0
    if args.check:
        current, differences = migrations.status(url)
        print(f"{where}: at {current or 'no revision'}, newest {migrations.head()}")
        for difference in differences:
            print(f"  drift: {migrations.describe(difference)}")
        return 0 if current == migrations.head() and not differences else 1
    result = migrations.upgrade(url)
    if result.before == result.after:
        print(f"{where}: at {result.after}, the newest revision", file=sys.stderr)
        return 0
    adopted = f" (made before migrations: stamped at {migrations.BASELINE} first)" if result.adopted else ""
    print(f"{where}: {result.before or 'empty'} -> {result.after}{adopted}", file=sys.stderr)
    return 0


def cmd_voices(args: argparse.Namespace, settings: Settings) -> int:
    """List the catalog: id, engine, language, name, and what is missing to narrate a voice."""
    import importlib.util
    import json

    from service.core.voices import CatalogError, catalog_dirs, load_catalog

    # find_spec only looks for the package: listing voices never imports torch.
    engine_module = {"piper": "piper", "coqui": "TTS"}
    installed = {engine: importlib.util.find_spec(module) is not None for engine, module in engine_module.items()}
    try:
        voices = list(load_catalog(catalog_dirs(settings)).values())
    except CatalogError as exc:
        print(f"narrator: invalid voice catalog: {exc}", file=sys.stderr)
        return 2
    if args.json:
        rows = [
            {
                "id": v.id,
                "name": v.name,
                "engine": v.engine,
                "language": v.language,
                "license": v.license,
                "default": v.id == settings.default_voice,
                "engine_installed": installed[v.engine],
                "file": str(v.source_file) if v.source_file else None,
            }
            for v in voices
        ]
        print(json.dumps(rows, indent=2))
        return 0
    for voice in voices:
        notes = [" (default)" if voice.id == settings.default_voice else ""]
        if not installed[voice.engine]:
            notes.append(f" [engine not installed: pip install 'narrator[{voice.engine}]']")
        print(f"{voice.id}\t{voice.engine}\t{voice.language}\t{voice.name}{''.join(notes)}")
    return 0


def _stop_process(proc: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM (Celery's warm shutdown: unacknowledged jobs return to the queue), then kill."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _die_with_parent() -> None:
    """In the worker child: receive SIGTERM if `narrator serve` dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:  # not Linux: the shutdown hook below still stops the worker
        pass


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from service.api.app import create_app

    worker: subprocess.Popen[bytes] | None = None

    class ServerWithWorker(uvicorn.Server):
        # uvicorn re-raises the stop signal after its own shutdown, so a
        # `finally` after run() never executes: stop the worker from here.
        async def shutdown(self, sockets=None) -> None:  # type: ignore[no-untyped-def]
            await super().shutdown(sockets)
            _stop_process(worker)

    app = create_app(settings)  # validates the catalog and creates the schema before anything starts
    if not args.no_worker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "workers.cli", "worker"], env=os.environ.copy(), preexec_fn=_die_with_parent
        )
    base = f"http://{args.host}:{args.port}"
    logging.getLogger("narrator").info("API on %s (docs %s/docs); data in %s", base, base, settings.data_dir.resolve())
    if args.demo:
        threading.Thread(target=_post_demo, args=(base,), daemon=True).start()
    # uvicorn logs through narrator's logging (NARRATOR_LOG_FORMAT); the API logs each request itself.
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="info", log_config=None, access_log=False)
    server = ServerWithWorker(config)
    try:
        server.run()
    finally:
        _stop_process(worker)
    return 0


def _post_demo(base: str) -> None:
    """Post the shipped demo article, follow its narration and print where to listen."""
    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)  # the demo polls; keep the console readable
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(200):
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        created = client.post("/v1/articles", json={"markdown": DEMO_ARTICLE.read_text(encoding="utf-8")})
        if created.status_code != 202:
            print(f"narrator demo: could not post the demo article: {created.text}", file=sys.stderr)
            return
        article = created.json()
        location = created.headers["location"]
        print(
            f"narrator demo: article {base}/v1/articles/{article['id']} queued; status {base}{location}",
            file=sys.stderr,
        )
        while True:
            status = client.get(location).json()
            if status["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        if status["status"] == "done":
            print(
                f"narrator demo: done, {status['duration_s']:.1f} s of audio: {base}/v1/articles/{article['id']}/audio.mp3",
                file=sys.stderr,
            )
        else:
            print(f"narrator demo: narration failed: {status['error']}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
