"""Process settings: one pydantic-settings class, read once. Nothing else reads os.environ."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EmbeddedModel = Literal["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"]


def _default_home() -> Path:
    return Path.home() / ".cache" / "promo-agents"


class Settings(BaseSettings):
    """Where the model and the stores live. Set with PROMO_* environment variables or a .env file."""

    model_config = SettingsConfigDict(env_prefix="PROMO_", env_file=".env", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Root folder for stores and model cache.")
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

    @field_validator("llm_api_key")
    @classmethod
    def _refuse_placeholder(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value().strip().lower() in {"changeme", "your-api-key", "sk-..."}:
            raise ValueError("PROMO_LLM_API_KEY is a placeholder: set the real key or leave it unset")
        return value

    @property
    def chroma_dir(self) -> Path:
        """Chroma PersistentClient folder holding user history."""
        return self.home / "chroma"

    @property
    def shop_db_path(self) -> Path:
        """SQLite file with users, catalog and the send log."""
        return self.home / "shop.sqlite"

    @property
    def checkpoint_db_path(self) -> Path:
        """SQLite file for LangGraph checkpoints."""
        return self.home / "checkpoints.sqlite"

    @property
    def send_threshold_path(self) -> Path:
        """The send threshold promoted by `promo campaign reestimate`; absent: the policy's default."""
        return self.home / "send_threshold.json"

    @property
    def variant_bandit_path(self) -> Path:
        """The variant bandit's learned state; absent until `promo campaign learn` first writes it."""
        return self.home / "variant_bandit.json"

    @property
    def model_cache_dir(self) -> Path:
        """Where the assembled GGUF weights are cached (outside the repo)."""
        return self.home / "models"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read on first use (never at import time)."""
    return Settings()
