"""`narrator voices`: the voice catalog, and what each voice needs that is not installed."""

from __future__ import annotations

import argparse
import sys

from service.core.settings import Settings
from workers.cli.registry import Command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the catalog as JSON")


def list_voices(args: argparse.Namespace, settings: Settings) -> int:
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


COMMAND = Command(
    name="voices",
    help="list the voice catalog (and whether each voice's engine is installed)",
    add_arguments=add_arguments,
    run=list_voices,
    order=50,
)
