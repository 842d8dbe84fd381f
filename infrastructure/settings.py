"""Service configuration from environment variables (names are public contract).

Every setting is documented in `.env.example` and the README. `load_settings()`
is the single entry point: it validates, fills the embedded-mode secret key and
raises `ConfigError` with one line per bad variable — never with its value.
"""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32


class LogFormat(StrEnum):
    JSON = "json"
    CONSOLE = "console"


class Network(StrEnum):
    MAINNET = "mainnet"
    DEMO = "demo"


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


CsvList = Annotated[list[str], NoDecode]
CsvInts = Annotated[list[int], NoDecode]
CsvSecrets = Annotated[list[SecretStr], NoDecode]


_WEB_DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=None, case_sensitive=False, extra="ignore", frozen=True
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    data_dir: Path = Path("./data")
    # the built SPA (`frontend/dist`, made by `make run`/`make web`); served at / when present
    web_dist: Path = _WEB_DIST
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.JSON

    database_url: str | None = None
    redis_url: str | None = None
    secret_key: SecretStr | None = None

    app_domain: str = "localhost:5173"
    app_origin: str | None = None
    # browser origins allowed to call the API with credentials (CORS); empty: APP_ORIGIN
    cors_origins: CsvList = []
    # when set, GET /api/metrics needs `Authorization: Bearer <METRICS_TOKEN>`; unset: off
    metrics_token: SecretStr | None = None
    siwe_chain_ids: CsvInts = [1]
    admin_wallets: CsvList = []
    network: Network = Network.MAINNET
    demo_seed: int = 42
    demo_eth_validators: int = Field(default=20_000, ge=100, le=2_000_000)

    eth_beacon_url: str = "https://ethereum-beacon-api.publicnode.com"
    eth_execution_url: str | None = None
    solana_rpc_url: str = "https://api.mainnet-beta.solana.com"
    solana_rpc_fallback_url: str | None = None
    cosmos_lcd_url: str = "https://cosmos-rest.publicnode.com"
    cosmos_lcd_fallback_url: str | None = None
    price_api_url: str = "https://api.coingecko.com/api/v3"

    resend_api_key: SecretStr | None = None
    email_from: str = "StakeTrack <alerts@staketrack.local>"
    turnstile_secret: SecretStr | None = None
    # the public site key the SPA renders the Turnstile widget with (set both or neither)
    turnstile_site_key: str | None = None
    cron_hmac_keys: CsvSecrets = []
    # alert webhooks: plain http:// URLs allowed (unset: only outside production mode)
    webhook_allow_http: bool | None = None
    # networks (CIDRs) webhooks may reach although private/loopback — development and tests
    # only; empty: every non-public address is refused
    webhook_allow_networks: CsvList = []

    rate_limit_default: str = "120/minute"
    rate_limit_auth: str = "10/minute"
    rate_limit_email: str = "5/hour"
    job_keep_result_seconds: int = Field(default=3600, ge=0)
    cache_ttl_validators: int = Field(default=300, ge=1)
    cache_ttl_portfolio: int = Field(default=300, ge=1)
    cache_ttl_vrs: int = Field(default=3600, ge=1)
    cache_ttl_yield: int = Field(default=86_400, ge=1)
    # failed sign-ins (bad wallet proof, unknown email link) per client IP; then 429
    rate_limit_sign_in_failures: str = "20/hour"
    # every /api/admin/* request, per admin (on top of RATE_LIMIT_DEFAULT)
    rate_limit_admin: str = "120/minute"
    # proxies whose X-Forwarded-For/-Proto are believed (IPs, CIDRs or "*"); empty: none
    forwarded_allow_ips: CsvList = []
    # request edge: bodies over this many bytes answer 413 before they are read
    max_request_body_bytes: int = Field(default=65_536, ge=1_024, le=64 * 1024 * 1024)
    # JSON bodies nested deeper answer 422 before they are parsed
    max_json_depth: int = Field(default=64, ge=2, le=256)

    @field_validator(
        "siwe_chain_ids",
        "admin_wallets",
        "cron_hmac_keys",
        "forwarded_allow_ips",
        "cors_origins",
        "webhook_allow_networks",
        mode="before",
    )
    @classmethod
    def _csv(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("web_dist", mode="before")
    @classmethod
    def _web_dist(cls, value: Any) -> Any:
        # `WEB_DIST=` (as in .env.example) means the default, never the working directory
        return _WEB_DIST if value is None or str(value).strip() == "" else value

    @field_validator("cors_origins")
    @classmethod
    def _cors_origins(cls, value: list[str]) -> list[str]:
        """Exact origins only (`scheme://host[:port]`): with credentials allowed, a
        wildcard would hand every site the user's session."""
        for origin in value:
            parts = urlsplit(origin.rstrip("/"))
            if (
                parts.scheme not in {"http", "https"}
                or not parts.netloc
                or "*" in origin
                or parts.path
                or parts.query
                or parts.fragment
            ):
                raise ValueError("each origin must be scheme://host[:port] (no wildcard, no path)")
        return value

    @field_validator("metrics_token", "webhook_allow_http", mode="before")
    @classmethod
    def _metrics_token(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        for plain, driver in (
            ("postgres://", "postgresql+asyncpg://"),
            ("postgresql://", "postgresql+asyncpg://"),
            ("sqlite:///", "sqlite+aiosqlite:///"),
        ):
            if value.startswith(plain):
                return driver + value[len(plain) :]
        if value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite:///")):
            return value
        raise ValueError("must be a postgresql:// or sqlite:/// URL")

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator(
        "rate_limit_default",
        "rate_limit_auth",
        "rate_limit_email",
        "rate_limit_sign_in_failures",
        "rate_limit_admin",
    )
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        from limits import parse  # local: keep the settings module light

        try:
            parse(value)
        except ValueError as exc:
            raise ValueError("must look like '120/minute' or '10 per second'") from exc
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _forwarded_allow_ips(cls, value: list[str]) -> list[str]:
        import ipaddress

        for entry in value:
            if entry == "*":
                continue
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError("must be IP addresses or networks (CIDR), or *") from exc
        return value

    @field_validator("webhook_allow_networks")
    @classmethod
    def _webhook_allow_networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError("must be IP networks (CIDR)") from exc
        return value

    @model_validator(mode="after")
    def _production_needs_secret(self) -> Settings:
        key = self.secret_key.get_secret_value() if self.secret_key else ""
        if self.is_production and not key:
            raise ValueError("SECRET_KEY is required when DATABASE_URL or REDIS_URL is set")
        if key and len(key) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters")
        if bool(self.turnstile_secret) != bool(self.turnstile_site_key):
            # a secret without a site key would refuse every email sign-in: no widget, no token
            raise ValueError("TURNSTILE_SECRET and TURNSTILE_SITE_KEY must be set together")
        return self

    @property
    def is_production(self) -> bool:
        """Production mode: external database or Redis configured."""
        return bool(self.database_url or self.redis_url)

    @property
    def effective_webhook_allow_http(self) -> bool:
        """http:// webhook URLs: WEBHOOK_ALLOW_HTTP, else only outside production."""
        if self.webhook_allow_http is not None:
            return self.webhook_allow_http
        return not self.is_production

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'staketrack.db').resolve()}"

    @property
    def effective_cors_origins(self) -> list[str]:
        """CORS_ORIGINS, or (unset) the SPA's origin alone."""
        origins = self.cors_origins or [self.effective_app_origin]
        return [origin.rstrip("/") for origin in origins]

    @property
    def effective_app_origin(self) -> str:
        if self.app_origin:
            return self.app_origin.rstrip("/")
        host = self.app_domain.split(":")[0]
        scheme = "http" if host in {"localhost", "127.0.0.1"} else "https"
        return f"{scheme}://{self.app_domain}"


class ConfigError(Exception):
    """Invalid configuration; the message names the variables, never their values."""


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors(include_input=False, include_url=False):
        loc = ".".join(str(part) for part in error["loc"])
        name = loc.upper() if loc else "configuration"
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{name}: {message}" if loc else message)
    return "; ".join(lines)


def _embedded_secret(data_dir: Path) -> SecretStr:
    """The embedded-mode key: generated once, kept (mode 0600) under DATA_DIR."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return SecretStr(path.read_text().strip())


def load_settings(**overrides: Any) -> Settings:
    """Read the environment (plus explicit overrides, for tests) and validate it."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration: {_describe(exc)}") from None
    if settings.secret_key is None:
        settings = settings.model_copy(update={"secret_key": _embedded_secret(settings.data_dir)})
    return settings
