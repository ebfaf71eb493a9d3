"""One typed settings object for every process (API, worker, CLI).

Values come from `NARRATOR_*` environment variables (or a `.env` file) and are
validated once at start. The embedded default needs none of them: records in
SQLite, the broker on kombu's SQLAlchemy transport and audio on local disk,
all under `data_dir`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """Runtime configuration; see README for the production values."""

    model_config = SettingsConfigDict(env_prefix="NARRATOR_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="Where the embedded default keeps records, queue and audio."
    )
    database_url: str = Field(default="", description="SQLAlchemy URL; default sqlite:///<data_dir>/narrator.db")
    broker_url: str = Field(default="", description="Celery broker; default sqla+sqlite:///<data_dir>/broker.db")
    storage_url: str = Field(
        default="",
        description="Where audio is stored: file:///dir or s3://bucket/prefix; default file://<data_dir>/media",
    )
    media_base_url: str = Field(
        default="",
        description="Public base URL of the stored files (a CDN, or a public bucket's URL including the prefix): "
        "<base>/<sha256>.<ext> serves the object. Listeners and feeds are sent there; empty = /media on the API "
        "(which redirects to a presigned URL with S3).",
    )
    # The s3: storage. Empty values fall back to boto3's own configuration: AWS_ENDPOINT_URL,
    # AWS_REGION (or AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, roles.
    s3_endpoint_url: str = Field(default="", description="S3 API endpoint (SeaweedFS, MinIO, R2...); empty = AWS")
    s3_region: str = Field(default="", description="S3 region; empty = AWS_REGION, else us-east-1")
    s3_access_key_id: str = Field(default="", description="S3 access key; empty = boto3's credential chain")
    s3_secret_access_key: SecretStr = Field(default=SecretStr(""), description="S3 secret key")
    s3_presign_expires_s: int = Field(
        default=43200, ge=60, le=604800, description="How long the presigned URLs listeners are sent to stay valid"
    )
    s3_create_bucket: bool = Field(default=True, description="Create the bucket on first use when it is missing")
    # Private audio (docs/architecture.md, "Private audio"): signed, expiring media URLs.
    media_signing_secrets: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated secrets for signed media URLs: the first signs, every one verifies, so a "
        "new secret is put first and an old one removed once the URLs it signed have expired. Needed to mark "
        "anything private.",
    )
    signed_url_expires_s: int = Field(
        default=3600, ge=60, le=604800, description="How long a private file's URL in the API and player works"
    )
    feed_signed_url_expires_s: int = Field(
        default=604800,
        ge=3600,
        le=604800,
        description="How long an episode URL in a private feed works (podcast apps fetch episodes long after "
        "the feed; at most 7 days, as long as an S3 presigned URL may last)",
    )
    media_privacy_memo_s: float = Field(
        default=5.0,
        ge=0,
        le=60,
        description="How long an API process remembers whether a /media file is private, so a listener's unsigned "
        "request needs no database lookup (0: never). A privacy change this process commits is seen at once; "
        "one made elsewhere (another API process, the CLI) within this time.",
    )
    voices_dir: Path = Field(default=REPO_ROOT / "voices")
    extra_voices_dir: Path | None = Field(default=None, description="Operator voices added to the shipped catalog.")
    default_voice: str = "en_US-joe-medium"
    public_url: str = Field(
        default="", description="Absolute base URL for links in feeds and webhooks; empty = relative links."
    )

    console_secret: SecretStr = Field(
        default=SecretStr(""),
        description="Signs the editors' console session cookies; empty = a random secret kept in "
        "<data_dir>/console-secret (set it when several API processes serve the console).",
    )

    # Articles given by URL: fetched with SSRF protection (service/document/fetch.py).
    fetch_allow_private: bool = Field(default=False, description="Allow fetching from private/loopback addresses.")
    fetch_allow_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated hosts, IPs or CIDRs allowed despite being private; host:port: that port only.",
    )
    fetch_max_bytes: int = Field(default=5_000_000, ge=10_000)
    fetch_timeout_s: float = Field(default=10.0, gt=0, le=120)

    # Sources: publishers' feeds and sitemaps polled for new articles (service/sources/).
    source_max_bytes: int = Field(default=10_000_000, ge=10_000, description="A feed or sitemap larger is refused.")
    source_first_poll_newest: int = Field(
        default=10, ge=0, description="A source's first poll narrates this many newest items now; the rest backfill."
    )
    source_max_items_per_poll: int = Field(default=100, ge=1, description="Items fetched and narrated per poll.")
    source_host_concurrency: int = Field(default=2, ge=1, description="Polls of one host running at once.")
    source_max_backoff_s: float = Field(default=86_400.0, gt=0, description="Longest wait after repeated errors.")

    max_body_bytes: int = Field(default=2_000_000, ge=1_000)
    max_text_chars: int = Field(default=200_000, ge=100)

    # Celery: a narration must finish (or be killed) well before the broker
    # would hand its unacknowledged message to another worker.
    task_time_limit_s: int = Field(default=1800, ge=10)
    visibility_timeout_s: int = Field(default=3600, ge=60)
    worker_concurrency: int = Field(default=1, ge=1)
    # Reliability (docs/architecture.md, "Reliability"): beside every worker, a dispatcher publishes
    # the outbox and a reconciler re-dispatches what a narration misses once it made no progress
    # for stall_after_s (doubled at each retry; the assembly's window grows with the segment count).
    stall_after_s: float = Field(default=90.0, ge=5, description="No progress for this long: re-dispatch.")
    reconcile_interval_s: float = Field(default=15.0, gt=0)
    reconcile_max_attempts: int = Field(default=5, ge=1, description="Then the narration fails with `stalled`.")
    dispatch_interval_s: float = Field(default=2.0, gt=0, description="How often pending dispatches are published.")
    # Retention (service/articles/retention/): what no kept narration, segment, feed or voice
    # sample references is collected; nothing younger than gc_grace_s is (a narration may be about to use it).
    retain_versions: int = Field(
        default=3, ge=1, description="Narrations kept per article: the newest N versions (the current one always)."
    )
    gc_grace_s: float = Field(
        default=3600.0,
        ge=0,
        description="Files and records younger than this (or a segment direct synthesis used within it) are never "
        "collected; keep it above NARRATOR_TASK_TIME_LIMIT_S, the longest a speech stream reads its segments.",
    )
    gc_interval_s: float = Field(
        default=3600.0, ge=0, description="How often the loop beside each worker collects garbage; 0: never."
    )
    synth_threads: int = Field(
        default=0,
        ge=0,
        description="CPU threads one synthesis may use in a worker process (0: the engine's default, every core). "
        "Set it to cores / worker processes on a host that runs several, so they do not fight over cores.",
    )
    engine_cache_size: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Voices a worker process keeps loaded; loading one more unloads the least recently used.",
    )

    # Observability: logs and the workers' Prometheus exporter (docs/architecture.md, "Observability").
    log_format: Literal["console", "json"] = Field(
        default="console",
        description="console: readable lines (the embedded default); json: one JSON object per line (production).",
    )
    worker_metrics_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="Port on which each `narrator worker` serves its Prometheus /metrics (every pool process "
        "counted); 0: no exporter.",
    )

    # Rate limits (service/core/ratelimit.py), in the `limits` notation: "1200/minute", "10 per second".
    rate_limit_per_key: str = Field(
        default="1200/minute", description="Requests one API key may make (every route that needs a key)."
    )
    rate_limit_per_address: str = Field(
        default="300/minute",
        description="Writes one client address may make without a key: listening events, and every write "
        "while no key exists (the open default, where POST /v1/audio/speech is public too).",
    )
    listen_plays_per_address: str = Field(
        default="120/minute",
        description="Plays one client address may report; more are implausible and not counted (422).",
    )
    rate_limit_storage: str = Field(
        default="",
        description="Where the counters live (a `limits` storage URI: memory://, redis://...); empty = the broker's "
        "Redis when the broker is Redis (every API process shares the counts), else memory (this process).",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies trusted to name the client in X-Forwarded-For (uvicorn's --forwarded-allow-ips): "
        "per-address limits count the address they name. Comma-separated addresses or networks, or *.",
    )

    # HTTP hardening (service/api/security.py).
    frame_ancestors: str = Field(
        default="*",
        description='Who may embed the player page in a frame: a CSP source list ("https://news.example '
        "https://*.example.org\"), `*` for anyone, `'none'` for no one.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins whose pages may call the whole API from a browser (comma-separated; * for any). "
        "The player's own reads and beacons are open to every origin regardless.",
    )

    mp3_bitrate_kbps: int = Field(default=64, ge=32, le=128)
    narration_formats: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["mp3"],
        description="Comma-separated formats a new article's narrations are published in when its request names "
        "none: mp3 (always made), opus, aac.",
    )
    default_lexicon: bool = Field(
        default=True, description="Apply the shipped default pronunciations (voices/lexicon)."
    )
    asr_review: bool = Field(
        default=False,
        description="Transcribe each narrated paragraph with Moonshine and store an agreement score "
        "(GET /v1/narrations/{id}/review); costs about 1.5 CPU seconds per 10 s of audio.",
    )
    output_sample_rate: int = 44100

    # Webhooks (service/webhooks): a failed delivery is retried after about
    # base * 2^(n-1) seconds (jittered, capped at max) until max_attempts.
    webhook_timeout_s: float = Field(default=10.0, gt=0, le=60, description="Per-attempt HTTP timeout.")
    webhook_max_attempts: int = Field(default=8, ge=1, le=30)
    webhook_retry_base_s: float = Field(default=30.0, gt=0)
    webhook_retry_max_s: float = Field(default=1800.0, gt=0)
    webhook_allow_private: bool = Field(
        default=False, description="Let webhooks target loopback and private addresses (tests, intranets)."
    )
    webhook_allow_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated host names, IPs or CIDR networks webhooks may target although not public.",
    )

    @field_validator(
        "webhook_allow_hosts",
        "fetch_allow_hosts",
        "cors_origins",
        "media_signing_secrets",
        "narration_formats",
        mode="before",
    )
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        # An environment variable is one string: "hooks.internal,10.0.0.0/8" (or a JSON list).
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("rate_limit_per_key", "rate_limit_per_address", "listen_plays_per_address")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        from limits import parse  # light; imported here so a bad value names its setting at start

        parse(value)  # ValueError: not in the limits notation
        return value

    @field_validator("frame_ancestors")
    @classmethod
    def _source_list(cls, value: str) -> str:
        # One CSP directive's value: a separator would let the setting write other directives.
        if not value.strip() or any(c in value for c in ";,\r\n"):
            raise ValueError("frame_ancestors is one CSP source list: space-separated sources, no ';' or ','")
        return " ".join(value.split())

    @model_validator(mode="after")
    def _webhook_retries_fit_the_broker(self) -> Settings:
        # A retry waits in the broker as a countdown message; Redis would hand a
        # message unacknowledged for longer than the visibility timeout to a
        # second worker, so the longest wait must stay below it.
        if self.webhook_retry_max_s >= self.visibility_timeout_s:
            raise ValueError("webhook_retry_max_s must be below visibility_timeout_s")
        if self.webhook_retry_base_s > self.webhook_retry_max_s:
            raise ValueError("webhook_retry_base_s must not exceed webhook_retry_max_s")
        return self

    @field_validator("media_signing_secrets")
    @classmethod
    def _long_secrets(cls, value: list[SecretStr]) -> list[SecretStr]:
        # An HMAC key much shorter than the digest could be guessed offline from one signed URL.
        if any(len(secret.get_secret_value()) < 32 for secret in value):
            raise ValueError("each media signing secret needs at least 32 characters (e.g. openssl rand -hex 32)")
        return value

    @model_validator(mode="after")
    def _defaults_under_data_dir(self) -> Settings:
        # Derived defaults keep one knob (data_dir) for the embedded topology.
        data = self.data_dir.resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{data / 'narrator.db'}"
        if not self.broker_url:
            self.broker_url = f"sqla+sqlite:///{data / 'broker.db'}"
        if not self.storage_url:
            self.storage_url = f"file://{data / 'media'}"
        if self.task_time_limit_s >= self.visibility_timeout_s:
            raise ValueError("task_time_limit_s must be below visibility_timeout_s")
        return self

    @property
    def embedded_broker(self) -> bool:
        """True when the broker is the serverless SQLAlchemy transport."""
        return self.broker_url.startswith("sqla+")

    @property
    def rate_limit_storage_url(self) -> str:
        """The counters' storage: the setting, else the broker's Redis, else this process's memory."""
        if self.rate_limit_storage:
            return self.rate_limit_storage
        if self.broker_url.startswith(("redis://", "rediss://")):
            return self.broker_url
        return "memory://"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings
