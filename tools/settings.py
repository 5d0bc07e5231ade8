"""Process settings: one pydantic-settings class, read once. Nothing else reads os.environ."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Literal, Self, overload
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.copy import CopyMode

EmbeddedModel = Literal["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"]


def _default_home() -> Path:
    return Path.home() / ".cache" / "promo-agents"


def check_database_url(url: str) -> None:
    """Refuse what is not a PostgreSQL URL; messages never repeat the URL, which may hold a password."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError(
            "PROMO_DATABASE_URL must be a PostgreSQL URL such as postgresql://promo:secret@db-host:5432/promo "
            f"(got scheme {parts.scheme or 'none'!r}); leave it unset for SQLite"
        )
    try:
        _ = parts.port  # parsing it is the check
    except ValueError:
        raise ValueError("PROMO_DATABASE_URL has an invalid port") from None
    if parts.password is not None and parts.password.lower() in {"changeme", "password"}:
        raise ValueError("PROMO_DATABASE_URL holds a placeholder password: set the real one")


def check_chroma_url(url: str) -> None:
    """Refuse what is not a Chroma server's base URL: http or https, a host and a numeric port, nothing else."""
    example = "such as http://db-host:8000"
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise ValueError(
            f"PROMO_CHROMA_URL must be a Chroma server URL {example} (got scheme {parts.scheme or 'none'!r}); "
            "leave it unset for the local history store"
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"PROMO_CHROMA_URL has an invalid port: give a number 1-65535, {example}") from None
    if not parts.hostname:
        raise ValueError(f"PROMO_CHROMA_URL has no host: give one, {example}")
    if not port:
        raise ValueError(f"PROMO_CHROMA_URL has no port: give the one `chroma run --port` listens on, {example}")
    if parts.username is not None or parts.password is not None:
        raise ValueError("PROMO_CHROMA_URL must not hold a user or password: the server is reached without them")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"PROMO_CHROMA_URL must be the server's root, {example}, without a path or query")


class InHome:
    """A read-only path under ``Settings.home``: one line per store file instead of a property each."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc

    @overload
    def __get__(self, settings: None, owner: type[Settings]) -> Self: ...

    @overload
    def __get__(self, settings: Settings, owner: type[Settings]) -> Path: ...

    def __get__(self, settings: Settings | None, owner: type[Settings]) -> Self | Path:
        return self if settings is None else settings.home / self.name


class Settings(BaseSettings):
    """Where the model and the stores live. Set with PROMO_* environment variables or a .env file."""

    # hide_input_in_errors: a refused value may hold a secret (a database URL with its password).
    model_config = SettingsConfigDict(env_prefix="PROMO_", env_file=".env", extra="ignore", hide_input_in_errors=True)

    home: Path = Field(default_factory=_default_home, description="Root folder for stores and model cache.")
    exemplars_dir: Path | None = Field(
        default=None,
        description="Chroma folder of the style-exemplar pool the copywriter retrieves from (`promo eval "
        "pool-adgen`, the demo's own lines). Unset: exemplars under home.",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL URL (postgresql://user:password@host:5432/db) for campaign runs, feedback and "
        "checkpoints; needs the `postgres` extra. Unset: SQLite files under home.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="Chroma server URL (http://db-host:8000, started with `chroma run`) holding the user history "
        "that several machines share; embeddings are still computed here. Unset: a Chroma folder under home.",
    )
    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint, e.g. http://vllm:8000/v1. Unset: start the embedded model.",
    )
    llm_model: str = Field(default="", description="Model name at llm_base_url; empty takes the server's first.")
    llm_api_key: SecretStr = Field(default=SecretStr("not-needed"), description="API key for llm_base_url.")
    embedded_model: EmbeddedModel = Field(default="qwen2.5-coder-1.5b", description="Weights for the embedded server.")
    embedded_parallel: int = Field(default=4, ge=1, le=32, description="Parallel slots of the embedded server.")
    embedded_ctx_per_slot: int = Field(default=2048, ge=512, le=32768, description="Context tokens per slot.")
    embedded_threads: int = Field(default=0, ge=0, le=256, description="CPU threads; 0 uses every core.")
    llm_timeout_s: float = Field(default=180.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10, description="Retries of transient HTTP errors per call.")
    llm_temperature: float = Field(default=0.7, ge=0, le=2)
    llm_max_tokens: int = Field(default=400, ge=32, le=8192)
    copy_mode: CopyMode = Field(
        default="slots",
        description="How the commands and the service write copy: slots (offer, product, dates rendered from data, "
        "the model writes constrained hook and line) or free (the model writes the whole message).",
    )
    llm_critique: bool = Field(
        default=False,
        description="Let the LLM score every rule-passing draft (one call each). Off by default: on AdvertiseGen "
        "it gave nearly every draft the same score, so it never ranked variants (bench/critique_value.py).",
    )
    service_max_jobs: int = Field(
        default=4, ge=1, le=256, description="HTTP service: chat and promotion requests served at once."
    )
    service_queue: int = Field(
        default=8, ge=0, le=1024, description="HTTP service: requests that may wait for a slot; more get 429."
    )
    service_queue_timeout_s: float = Field(
        default=30.0, gt=0, le=600, description="HTTP service: longest wait for a slot before 429."
    )
    service_retry_after_s: int = Field(
        default=5, ge=1, le=3600, description="HTTP service: Retry-After seconds sent with 429 and 503."
    )
    service_max_campaign_runs: int = Field(
        default=1, ge=1, le=16, description="HTTP service: campaign runs processed at once; more get 429."
    )
    service_drain_s: float = Field(
        default=30.0,
        ge=0,
        le=3600,
        description="HTTP service: on shutdown, how long requests and campaign runs in flight may finish; then "
        "their graph runs are cancelled (a campaign run resumes when posted again).",
    )
    service_health_timeout_s: float = Field(
        default=2.0, gt=0, le=60, description="HTTP service: how long the LLM reachability probe may take."
    )
    service_max_body_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=1024,
        le=256 * 1024 * 1024,
        description="HTTP service: largest request body; more gets 413. 2 MiB holds a full feedback batch "
        "(10,000 rows).",
    )
    service_max_header_bytes: int = Field(
        default=8 * 1024,
        ge=1024,
        le=1024 * 1024,
        description="HTTP service: largest header (name and value) and URL; more gets 431 (414 for the URL). "
        "All headers together may hold four times this.",
    )

    @field_validator("llm_api_key")
    @classmethod
    def _refuse_placeholder(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value().strip().lower() in {"changeme", "your-api-key", "sk-..."}:
            raise ValueError("PROMO_LLM_API_KEY is a placeholder: set the real key or leave it unset")
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None  # PROMO_DATABASE_URL= (empty) means unset
        check_database_url(value.get_secret_value())
        return value

    @field_validator("chroma_url")
    @classmethod
    def _chroma_server_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None  # PROMO_CHROMA_URL= (empty) means unset
        check_chroma_url(value)
        return value.strip()

    @property
    def exemplar_pool_dir(self) -> Path:
        """Chroma PersistentClient folder holding the style-exemplar pool."""
        return self.exemplars_dir or self.home / "exemplars"

    chroma_dir: ClassVar[InHome] = InHome("chroma", "Chroma PersistentClient folder holding user history.")
    shop_db_path: ClassVar[InHome] = InHome("shop.sqlite", "SQLite file with users, catalog and the send log.")
    checkpoint_db_path: ClassVar[InHome] = InHome("checkpoints.sqlite", "SQLite file for LangGraph checkpoints.")
    send_threshold_path: ClassVar[InHome] = InHome(
        "send_threshold.json",
        "The send threshold promoted by `promo campaign reestimate`; absent: the policy's default.",
    )
    variant_bandit_path: ClassVar[InHome] = InHome(
        "variant_bandit.json",
        "The variant bandit's learned state; absent until `promo campaign learn` first writes it.",
    )
    runs_db_path: ClassVar[InHome] = InHome("runs.sqlite", "SQLite file of campaign runs and their per-user results.")
    feedback_db_path: ClassVar[InHome] = InHome("feedback.sqlite", "SQLite file of feedback events.")
    service_db_path: ClassVar[InHome] = InHome(
        "service.sqlite", "SQLite file of the HTTP service's API keys (hashed) and its audit log."
    )
    model_cache_dir: ClassVar[InHome] = InHome(
        "models", "Where the assembled GGUF weights are cached (outside the repo)."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read on first use (never at import time)."""
    return Settings()
