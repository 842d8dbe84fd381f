from __future__ import annotations

from pathlib import Path

import pytest

from infrastructure.settings import ConfigError, Network, load_settings

SECRET = "s" * 40


def test_embedded_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert not settings.is_production
    assert (
        settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path.resolve()}/staketrack.db"
    )
    assert settings.redis_url is None
    assert settings.siwe_chain_ids == [1]
    assert settings.network is Network.MAINNET


def test_embedded_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_settings(data_dir=tmp_path)
    second = load_settings(data_dir=tmp_path)
    assert first.secret_key is not None and second.secret_key is not None
    assert len(first.secret_key.get_secret_value()) >= 32
    assert first.secret_key.get_secret_value() == second.secret_key.get_secret_value()
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_comma_separated_lists(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SIWE_CHAIN_IDS", "1, 10")
    monkeypatch.setenv("ADMIN_WALLETS", "0xabc,cosmos1xyz")
    monkeypatch.setenv("CRON_HMAC_KEYS", "newest-key,older-key")
    settings = load_settings()
    assert settings.siwe_chain_ids == [1, 10]
    assert settings.admin_wallets == ["0xabc", "cosmos1xyz"]
    assert [k.get_secret_value() for k in settings.cron_hmac_keys] == ["newest-key", "older-key"]


def test_plain_database_urls_get_the_async_driver(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path, database_url="postgresql://u@db/app", secret_key=SECRET
    )
    assert settings.effective_database_url == "postgresql+asyncpg://u@db/app"
    assert settings.is_production


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"NETWORK": "testnet"}, "NETWORK"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"RATE_LIMIT_DEFAULT": "lots"}, "RATE_LIMIT_DEFAULT"),
        ({"SIWE_CHAIN_IDS": "one"}, "SIWE_CHAIN_IDS"),
    ],
)
def test_invalid_values_name_the_variable(
    env: dict[str, str], named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert named in message
    assert "\n" not in message


def test_production_requires_a_secret_key_and_never_prints_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        load_settings()
    monkeypatch.setenv("SECRET_KEY", "short-but-secret-value")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "SECRET_KEY" in str(caught.value)
    assert "short-but-secret-value" not in str(caught.value)
    assert not (tmp_path / "secret_key").exists()  # production never generates one
