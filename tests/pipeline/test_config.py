"""Settings come from HEARINGS_* variables and .env; bad values name the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import SettingsError, load_settings, masked_settings


def test_defaults_use_sqlite_under_the_data_dir(isolated_settings: Path) -> None:
    settings = load_settings()
    assert settings.data_dir == isolated_settings
    assert settings.effective_database_url == f"sqlite:///{isolated_settings.resolve()}/hearings.db"
    assert settings.asr.glossary_file is None  # only the glossary the package ships
    assert not settings.llm.configured


def test_nested_variables_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HEARINGS_ASR__DEVICE", "cuda")
    monkeypatch.setenv("HEARINGS_LLM__TASK_MODELS", '{"boundaries": "gpt-4.1"}')
    (tmp_path / ".env").write_text("HEARINGS_LLM__BASE_URL=http://127.0.0.1:9/v1\n")
    settings = load_settings()
    assert settings.asr.device == "cuda"
    assert settings.llm.base_url == "http://127.0.0.1:9/v1"
    assert settings.llm.configured
    assert settings.llm.model_for("boundaries") == "gpt-4.1"
    assert settings.llm.model_for("chapter_text") == "gpt-4.1-mini"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("HEARINGS_ASR__DEVICE", "gpu", "Input should be 'auto', 'cpu' or 'cuda'"),
        ("HEARINGS_ASR__BATCH_SIZE", "0", "greater than or equal to 1"),
        ("HEARINGS_REVIEW__PORT", "http", "valid integer"),
        ("HEARINGS_NETWORK__ATTEMPTS", "0", "greater than or equal to 1"),
    ],
)
def test_invalid_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert f"Invalid setting {variable}={value!r}" in str(error.value)
    assert expected in str(error.value)


def test_secrets_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARINGS_LLM__API_KEY", "sk-very-secret")
    monkeypatch.setenv("HEARINGS_LEGISTAR__TOKEN", "legistar-secret")
    monkeypatch.setenv("HEARINGS_DATABASE_URL", "postgresql+psycopg://app:pg-secret@db/hearings")
    settings = load_settings()
    assert settings.llm.api_key is not None
    assert settings.llm.api_key.get_secret_value() == "sk-very-secret"
    shown = str(masked_settings(settings)) + repr(settings) + str(settings)
    for secret in ("sk-very-secret", "legistar-secret", "pg-secret"):
        assert secret not in shown
    assert "postgresql+psycopg://app:***@db/hearings" in shown


def test_several_bad_settings_are_named_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARINGS_ASR__DEVICE", "gpu")
    monkeypatch.setenv("HEARINGS_NETWORK__RETRY_BUDGET_SECONDS", "-1")
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert "\n" not in message
    assert "HEARINGS_ASR__DEVICE='gpu'" in message
    assert "HEARINGS_NETWORK__RETRY_BUDGET_SECONDS='-1'" in message
