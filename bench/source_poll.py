"""What a poll of an unchanged source costs: a 304 vs a full body vs a first poll, side by side in one run.

A local publisher (tests/sources/conftest.py's Site) lists `--items` articles
in an RSS feed. One source polls it on the embedded database and broker:
first poll (every page fetched, extracted and narrated: narrations queued,
not synthesized), then unchanged polls where the server answers 304 to the
conditional GET, then unchanged polls where the server ignores it (no ETag:
a full body, parsed, every item's listing found unchanged, no page fetched).

Printed: the median time of each and the ratios, and the requests the
publisher saw.

    .venv/bin/python bench/source_poll.py [--items 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.core.db import session_factory
from service.core.migrations import upgrade
from service.core.queue import CeleryQueue
from service.core.settings import Settings
from tests.sources.conftest import Site, Sources, article_page, rss, story


def timed(sources: Sources, source: object, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        sources.poll(source)  # type: ignore[arg-type]
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    site = Site()
    threading.Thread(target=site.server.serve_forever, daemon=True).start()
    items = [(str(n), f"/news/{n}", f"Mon, 23 Nov 2026 {n % 24:02d}:00:00 GMT") for n in range(args.items)]
    site.put("/feed.xml", rss(site, items), content_type="application/rss+xml")
    for n in range(args.items):
        site.put(f"/news/{n}", article_page(f"Town {n} library", story(n)))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        upgrade(f"sqlite:///{data / 'narrator.db'}")
        settings = Settings(
            data_dir=data,
            fetch_allow_hosts=[f"127.0.0.1:{site.port}"],
            source_first_poll_newest=args.items,
            source_max_items_per_poll=args.items,
        )
        sources = Sources(session_factory(settings.database_url)(), CeleryQueue(settings), settings)
        source = sources.add(f"{site.url}/feed.xml")
        first = timed(sources, source, 1)[0]
        not_modified = statistics.median(timed(sources, source, args.rounds))
        source.etag = None  # as if the server sent no validators: it answers with the whole body
        sources.session.commit()
        site.resources["/feed.xml"].headers = {}
        full = []
        for _ in range(args.rounds):
            source.etag = None
            sources.session.commit()
            full.extend(timed(sources, source, 1))
        full_body = statistics.median(full)
    site.server.shutdown()
    pages = sum(1 for r in site.requests if r.path.startswith("/news/"))
    statuses = [r.status for r in site.requests if r.path == "/feed.xml"]
    print(f"{args.items} items: first poll {first:.2f} s ({pages} pages fetched, each once)")
    print(f"unchanged, 304:       {not_modified * 1000:.1f} ms (median of {args.rounds})")
    print(f"unchanged, full body: {full_body * 1000:.1f} ms (median of {args.rounds}; no page fetched)")
    print(f"ratios: full body / 304 = {full_body / not_modified:.1f}; first / 304 = {first / not_modified:.0f}")
    print(f"feed requests: {statuses.count(200)} x 200, {statuses.count(304)} x 304")
    return 0


if __name__ == "__main__":
    sys.exit(main())
