"""All configuration in one pydantic-settings class; every field can be set as TRUSTDRAFT_<NAME>."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LOCAL_MODEL = "local/smollm2-135m-instruct"
# The rubric score a draft needs to pass (docs/rubric.md); the service, the eval suite and promptfoo all read it here.
DEFAULT_PASS_THRESHOLD = 0.7
_REPO_PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


def _default_prompts_dir() -> Path:
    """The repo's prompts/ when running from a checkout, else ./prompts (containers set it explicitly)."""
    return _REPO_PROMPTS if _REPO_PROMPTS.is_dir() else Path.cwd() / "prompts"


class Role(StrEnum):
    """What an API key may do; each role can do everything the one before it can."""

    drafter = "drafter"  # draft, and read drafts, events and stats
    reviewer = "reviewer"  # also edit, approve, reject, request changes, publish
    admin = "admin"  # also purge old drafts (retention)

    def allows(self, needed: Role) -> bool:
        order = list(Role)
        return order.index(self) >= order.index(needed)


class Webhook(BaseModel):
    """Where approved drafts of one channel are published."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(pattern=r"^https?://", description="POSTed the approved draft as JSON.")
    secret: SecretStr | None = Field(
        default=None, description="HMAC-SHA256 key; TRUSTDRAFT_WEBHOOK_SECRET when not set."
    )


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRUSTDRAFT_", env_file=".env", extra="ignore")

    default_model: str = Field(default=LOCAL_MODEL, description="litellm model string used by default.")
    fallback_models: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Tried in order when the model fails with a retryable error."
    )
    api_base: str | None = Field(default=None, description="OpenAI-compatible base URL for the model.")
    model_api_key: SecretStr | None = Field(
        default=None, description="Key for the model provider; litellm also reads provider env vars."
    )
    request_timeout_s: float = Field(default=60.0, gt=0, le=600, description="Per model call.")
    retry_attempts: int = Field(default=3, ge=1, le=10, description="Attempts per model, first included.")
    retry_initial_wait_s: float = Field(default=0.5, ge=0, le=30)
    retry_max_wait_s: float = Field(default=8.0, ge=0, le=120)
    prompts_dir: Path = Field(default_factory=_default_prompts_dir)
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Accepted API keys, as sha256:<hex> (preferred: `trustdraft keys hash`) or plain; empty: no auth.",
    )
    request_deadline_s: float = Field(
        default=120.0, gt=0, le=900, description="Whole-request budget (retries and fallbacks included)."
    )
    rate_limit: str = Field(
        default="120/minute", description="Per API key (or client address), `limits` syntax."
    )
    redis_url: str | None = Field(default=None, description="Share rate limits through Redis (redis://...).")
    max_concurrent_drafts: int = Field(
        default=8, ge=1, le=1024, description="Past this, 503 with Retry-After."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed to call the API from a browser; none by default."
    )
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, le=16 * 1024 * 1024)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    pass_threshold: float = Field(
        default=DEFAULT_PASS_THRESHOLD, ge=0, le=1, description="Rubric score a draft must reach."
    )
    local_model_threads: int = Field(default=2, ge=1, le=64)
    local_model_context: int = Field(default=2048, ge=512, le=8192)
    load_local_model: bool = Field(
        default=True, description="Load the embedded model at start-up (needed when it is the default)."
    )
    section_rewrites: int = Field(
        default=1,
        ge=0,
        le=3,
        description="Sectioned prompts: rewrites a section that fails its checks gets before it is rendered plainly "
        "from its facts (a request's options.revise adds more).",
    )
    structured_output: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="Sectioned prompts: ask for every section in one call with a JSON schema (`on`), one call per "
        "section (`off`), or JSON where litellm says the model supports response schemas (`auto`).",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL (postgresql+psycopg://...); default: SQLite at database_path.",
    )
    database_path: Path = Field(
        default=Path("var/trustdraft.sqlite3"), description="The SQLite file when no database_url is set."
    )
    store_drafts: bool = Field(default=True, description="Store every draft for review (off: nothing kept).")
    anonymous_role: Role = Field(
        default=Role.drafter, description="The role of every caller when no API keys are configured."
    )
    allow_self_approval: bool = Field(
        default=False, description="Let a key approve a draft it created itself."
    )
    retention_days: int | None = Field(
        default=None, ge=1, le=36500, description="Purge draft texts and facts older than this; events stay."
    )
    redact_facts: bool = Field(
        default=False, description="Mask emails, phone and card numbers in facts before the model sees them."
    )
    webhooks: dict[str, Webhook] = Field(
        default_factory=dict, description="Per channel: where approved drafts are published (JSON)."
    )
    webhooks_file: Path | None = Field(default=None, description="YAML or JSON file of webhooks per channel.")
    webhook_secret: SecretStr | None = Field(default=None, description="Default HMAC-SHA256 key.")
    webhook_attempts: int = Field(default=5, ge=1, le=20)
    webhook_timeout_s: float = Field(default=10.0, gt=0, le=120)
    webhook_initial_wait_s: float = Field(default=1.0, ge=0, le=60)
    webhook_max_wait_s: float = Field(default=60.0, ge=0, le=3600)

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit_parses(cls, value: str) -> str:
        from limits import parse  # a bad limit fails at start-up, not on the first request

        try:
            parse(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a rate limit like '120/minute' ({exc})") from exc
        return value

    @field_validator("fallback_models", "api_keys", "cors_origins", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    def with_model(self, model: str | None) -> Settings:
        """These settings with `model` as the default (so only the model asked for is loaded), or as they are."""
        return self.model_copy(update={"default_model": model}) if model else self

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.database_path}"

    @property
    def uses_local_model(self) -> bool:
        return any(m.startswith("local/") for m in [self.default_model, *self.fallback_models])

    @property
    def serves_local_model(self) -> bool:
        """The embedded model is loaded at start-up, so requests may name it."""
        return self.uses_local_model and self.load_local_model
