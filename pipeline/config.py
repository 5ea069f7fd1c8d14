"""Settings, read from `HEARINGS_*` environment variables and an optional `.env` file.

Nested groups use a double underscore: `HEARINGS_ASR__DEVICE=cuda`,
`HEARINGS_LLM__API_KEY=...`. Secrets are `SecretStr` so they never print.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.errors import HearingsError, Issue, describe_validation_error

ENV_PREFIX = "HEARINGS_"
NESTED_DELIMITER = "__"


class AsrSettings(BaseModel):
    model: str = Field(
        "large-v3-turbo",
        description="faster-whisper model name (downloaded on first use) or a local folder",
    )
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compute_type: str = Field("auto", description="CTranslate2 compute type, e.g. float16, int8")
    batched: bool = Field(
        True, description="batched pipeline (faster on CPU and GPU); false: sequential decoder"
    )
    batch_size: int | None = Field(
        None,
        ge=1,
        le=256,
        description="chunks decoded at once (batched); default 16 on a GPU, 4 on a CPU, where "
        "a larger batch is no faster and each chunk holds ~60 MB of attention",
    )
    chunk_seconds: int = Field(
        20,
        ge=5,
        le=30,
        description="longest stretch of speech per batched chunk; Whisper decoding a chunk "
        "without timestamps may stop early and lose the rest of a long one",
    )
    language: str | None = "en"
    glossary_file: Path | None = Field(
        None, description="more civic terms, added to the glossary the package ships"
    )
    vocabulary: Literal["off", "hotwords", "prompt"] = Field(
        "off",
        description="how glossary and roster names reach the recognizer: off (they only fix "
        "spelling and case afterwards), hotwords, or an initial prompt",
    )


class DiarizationSettings(BaseModel):
    pipeline: str = Field(
        "pyannote/speaker-diarization-community-1",
        description="pyannote pipeline on the Hugging Face hub, or a local folder",
    )
    hf_token: SecretStr | None = None
    device: Literal["auto", "cpu", "cuda"] = "auto"
    min_speakers: int | None = Field(None, ge=1)
    max_speakers: int | None = Field(None, ge=1)


class ModelPrice(BaseModel):
    """US dollars per million tokens."""

    input_per_million: float = Field(ge=0)
    output_per_million: float = Field(ge=0)


StructuredOutput = Literal[
    "auto", "json_schema", "json_object", "guided_json", "structured_outputs", "ollama_format",
    "plain",
]


class LlmSettings(BaseModel):
    base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint; unset means api.openai.com"
    )
    api_key: SecretStr | None = None
    model: str = "gpt-4.1-mini"
    task_models: dict[str, str] = Field(
        default_factory=dict, description="model per task, e.g. {'boundaries': 'gpt-4.1'}"
    )
    context_tokens: int = Field(
        128_000, ge=2048, description="the model's context window; windows are sized from it"
    )
    task_context_tokens: dict[str, int] = Field(
        default_factory=dict, description="context window per task, for per-task models"
    )
    structured_output: StructuredOutput = Field(
        "auto", description="form of structured output; auto learns it from the server"
    )
    output_limit: Literal["auto", "max_tokens", "max_completion_tokens"] = Field(
        "auto", description="the output-limit parameter the server honours"
    )
    max_concurrency: int | None = Field(
        None, ge=1, le=64, description="parallel calls; default 1 for local servers, else 4"
    )
    timeout_seconds: float = Field(120.0, gt=0, description="per call, plus the share below")
    timeout_seconds_per_1k_tokens: float | None = Field(
        None, ge=0, description="added per thousand prompt and reply tokens; 120 local, else 30"
    )
    max_retries: int | None = Field(
        None, ge=0, le=10, description="client retries; default 0 for local servers, else 4"
    )
    prices: dict[str, ModelPrice] = Field(
        default_factory=dict, description="USD per million tokens per model, beyond OpenAI's"
    )

    @property
    def configured(self) -> bool:
        """True when an endpoint or key is set, i.e. the LLM path can run."""
        return self.api_key is not None or self.base_url is not None

    def model_for(self, task: str) -> str:
        return self.task_models.get(task, self.model)

    def context_for(self, task: str) -> int:
        return self.task_context_tokens.get(task, self.context_tokens)


class LegistarSettings(BaseModel):
    client: str = Field("nyc", pattern=r"^[a-z0-9-]+$")
    token: SecretStr | None = None
    base_url: str = "https://webapi.legistar.com/v1"
    timeout_seconds: float = Field(30.0, gt=0)


class NetworkSettings(BaseModel):
    """Downloads, Viebit pages and Legistar: timeouts and the one retry layer."""

    attempts: int = Field(
        4, ge=1, le=20, description="tries of one request or download, the first included"
    )
    retry_budget_seconds: float = Field(
        120.0,
        gt=0,
        description="most time one request or download may spend from its first try to its "
        "last, waits and Retry-After included",
    )
    backoff_seconds: float = Field(2.0, ge=0, description="first wait between tries; doubles")
    connect_timeout_seconds: float = Field(10.0, gt=0)
    read_timeout_seconds: float = Field(120.0, gt=0)


class ReviewSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    secret_key: SecretStr | None = Field(
        None, description="signs session cookies; a random one is made per start when unset"
    )
    secure_cookies: bool = Field(
        False, description="send the session cookie over HTTPS only (behind a TLS proxy)"
    )


class PublishSettings(BaseModel):
    site_dir: Path | None = Field(None, description="the static site; default: <data_dir>/site")
    base_url: str = Field(
        "", description="where the site is served, e.g. https://hearings.example.org (feed, links)"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=NESTED_DELIMITER,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    data_dir: Path = Path("data")
    database_url: SecretStr | None = Field(
        None,
        description="SQLAlchemy URL (secret: may hold a password); default: SQLite in data dir",
    )
    asr: AsrSettings = Field(default_factory=AsrSettings)
    diarization: DiarizationSettings = Field(default_factory=DiarizationSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    legistar: LegistarSettings = Field(default_factory=LegistarSettings)
    network: NetworkSettings = Field(default_factory=NetworkSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    publish: PublishSettings = Field(default_factory=PublishSettings)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / 'hearings.db').resolve()}"

    @property
    def hearings_dir(self) -> Path:
        return self.data_dir / "hearings"

    @property
    def site_dir(self) -> Path:
        return self.publish.site_dir or self.data_dir / "site"


class SettingsError(HearingsError, ValueError):
    """A setting has a value that cannot be used; the message names it."""


def _setting_named(issue: Issue) -> str:
    name = ENV_PREFIX + NESTED_DELIMITER.join(str(part) for part in issue["loc"]).upper()
    return f"Invalid setting {name}={issue.get('input')!r}"


def load_settings(**overrides: Any) -> Settings:
    """Read settings, turning pydantic's error into one line naming every bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(describe_validation_error(error, where=_setting_named)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def masked_settings(settings: Settings) -> dict[str, Any]:
    """The effective settings as plain data, secrets shown as '**********'."""
    dumped = settings.model_dump(mode="json")
    dumped["database_url"] = mask_url_password(settings.effective_database_url)
    return dumped


def mask_url_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"
