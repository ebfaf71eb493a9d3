"""A short document's blocks narrated in a row in this process: a voice's sample (workers/narration/samples.py).

Articles, from the API or `narrator narrate`, go through the fan-out
(workers/narration/fanout.py; in-process for the CLI, workers/narration/local.py).

document -> blocks of PCM (workers/narration/blocks.py) -> mastered, encoded
parts joined with the pauses between them, tagged, with timings
(workers/narration/render.py, laid out by workers/narration/layout.py).
Nothing here knows about Celery or HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from service.audio.parts import EncodedPart
from service.core.voices import Voice
from service.document.model import Document
from workers.narration.blocks import BlockAudio, ProgressCallback, synthesize_blocks
from workers.narration.render import Mastering, RenderedNarration, block_part, render_mp3
from workers.narration.tags import AudioTags
from workers.synthesis.base import Engine


def narrate_document(
    document: Document,
    voice: Voice,
    engine: Engine,
    path: Path,
    *,
    sample_rate: int = 44100,
    kbps: int = 64,
    on_progress: ProgressCallback | None = None,
    tags: AudioTags | None = None,
    intro: Path | None = None,
    outro: Path | None = None,
    lexicon: Mapping[str, str] | None = None,
) -> RenderedNarration:
    """Synthesize, master and encode each block, join, tag: the finished MP3 at `path` and its timings.

    Each block is mastered and encoded on a second thread while the next one
    is synthesized (the engine leaves part of the cores idle).
    """
    mastering = Mastering(intro=intro, outro=outro, tags=tags)
    last = len(document.spoken_blocks()) - 1
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrator-encode") as encoder:
        parts: list[Future[EncodedPart]] = []

        def encode(index: int, block: BlockAudio) -> None:
            parts.append(
                encoder.submit(
                    block_part,
                    block,
                    sample_rate=sample_rate,
                    kbps=kbps,
                    mastering=mastering,
                    first=index == 0,
                    last=index == last,
                )
            )

        blocks = synthesize_blocks(document, voice, engine, on_progress=on_progress, lexicon=lexicon, on_block=encode)
        return render_mp3(
            document,
            voice,
            blocks,
            path,
            sample_rate=sample_rate,
            kbps=kbps,
            mastering=mastering,
            parts=lambda index, *_: parts[index].result(),
        )
