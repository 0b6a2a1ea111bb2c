"""Settings read from environment variables; one code path, two profiles (embedded, production)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=False)

    env: Literal["embedded", "production", "test"] = Field("embedded", alias="SJT_ENV")
    host: str = Field("127.0.0.1", alias="HOST")
    port: int = Field(8000, alias="PORT")
    workers: int = Field(1, alias="WORKERS")
    public_base_url: str = Field("", alias="PUBLIC_BASE_URL")

    data_dir: Path = Field(ROOT / "data", alias="DATA_DIR")
    database_url: str = Field("", alias="DATABASE_URL")
    db_pool_max: int = Field(20, alias="DB_POOL_MAX")
    # Connections each worker opens at start (and keeps): a burst does not wait for new backends.
    db_pool_min: int = Field(5, alias="DB_POOL_MIN", ge=1)
    redis_url: str = Field("memory://", alias="REDIS_URL")
    task_broker: Literal["auto", "memory", "redis"] = Field("auto", alias="TASK_BROKER")

    storage_backend: Literal["local", "s3"] = Field("local", alias="STORAGE_BACKEND")
    storage_dir: Path | None = Field(None, alias="STORAGE_DIR")
    s3_endpoint_url: str = Field("", alias="S3_ENDPOINT_URL")
    s3_bucket: str = Field("sjt-uploads", alias="S3_BUCKET")
    s3_access_key: str = Field("", alias="S3_ACCESS_KEY")
    s3_secret_key: str = Field("", alias="S3_SECRET_KEY")
    s3_region: str = Field("cn-north-1", alias="S3_REGION")
    upload_max_bytes: int = Field(10 * 1024 * 1024, alias="UPLOAD_MAX_BYTES")

    # Secrets. Empty in the embedded mode means "generate once into data/keys/".
    data_key: str = Field("", alias="DATA_KEY")  # base64 AES-256 key for personal data
    data_key_id: str = Field("k1", alias="DATA_KEY_ID")
    blind_index_key: str = Field("", alias="BLIND_INDEX_KEY")
    keys_dir: Path | None = Field(None, alias="KEYS_DIR")

    jwt_issuer: str = Field("https://sjt.shanxi.gov.cn", alias="JWT_ISSUER")
    jwt_audience: str = Field("sjt-api", alias="JWT_AUDIENCE")
    access_token_ttl: int = Field(15 * 60, alias="ACCESS_TOKEN_TTL")
    refresh_token_ttl: int = Field(30 * 24 * 3600, alias="REFRESH_TOKEN_TTL")
    staff_idle_timeout: int = Field(30 * 60, alias="STAFF_IDLE_TIMEOUT")

    wechat_appid: str = Field("wx5a3b1c0d9e8f7a6b", alias="WECHAT_APPID")
    wechat_secret: str = Field("", alias="WECHAT_SECRET")
    wechat_api_base: str = Field("", alias="WECHAT_API_BASE")
    wechat_simulator: bool | None = Field(None, alias="WECHAT_SIMULATOR")

    sms_provider: str = Field("sim", alias="SMS_PROVIDER")  # sim (simulator inbox) or a real provider
    courier: str = Field("sim", alias="COURIER")  # 寄递: sim (simulated courier) or a real courier's adapter

    # WeChat Pay API v3. Empty in the embedded/test mode means "the simulator's generated keys".
    wechatpay_mchid: str = Field("", alias="WECHATPAY_MCHID")
    wechatpay_merchant_key_path: Path | None = Field(None, alias="WECHATPAY_MERCHANT_KEY_PATH")
    wechatpay_merchant_serial: str = Field("", alias="WECHATPAY_MERCHANT_SERIAL")
    wechatpay_apiv3_key: str = Field("", alias="WECHATPAY_APIV3_KEY")
    wechatpay_public_key_paths: str = Field("", alias="WECHATPAY_PUBLIC_KEY_PATHS")  # comma-separated
    wechatpay_public_key_ids: str = Field("", alias="WECHATPAY_PUBLIC_KEY_IDS")  # same order as the paths
    wechatpay_api_base: str = Field("", alias="WECHATPAY_API_BASE")
    wechatpay_notify_url: str = Field("", alias="WECHATPAY_NOTIFY_URL")

    cors_origins: str = Field("*", alias="CORS_ORIGINS")
    # Reverse proxies in front of the API that append X-Forwarded-For (0 = clients connect directly:
    # the header is ignored, so a client cannot pick its own address for rate limits and audit).
    # Task delivery: a task whose worker died is redelivered by the Redis stream broker after
    # TASK_REDELIVER_AFTER seconds; a WeChat send whose worker died mid-call may be retried after
    # NOTIFY_SEND_LEASE seconds (tests shorten both).
    task_redeliver_after: int = Field(60, alias="TASK_REDELIVER_AFTER")
    notify_send_lease: int = Field(60, alias="NOTIFY_SEND_LEASE")
    proxies_count: int = Field(0, alias="PROXIES_COUNT")
    # Multiplies every rate limit. Only load tests raise it (bench/: one address and a few accounts
    # send thousands of requests a second); 1 everywhere else.
    rate_limit_scale: int = Field(1, alias="RATE_LIMIT_SCALE", ge=1)
    log_level: str = Field("INFO", alias="LOG_LEVEL")
    log_json: bool = Field(True, alias="LOG_JSON")
    audit_retention_days: int = Field(180, alias="AUDIT_RETENTION_DAYS", ge=180)
    # Real-name verifiers: "demo" or "package.module:factory" (see app/identity/realname.py).
    realname_registry: str = Field("demo", alias="REALNAME_REGISTRY")
    realname_demo_reject: str = Field("", alias="REALNAME_DEMO_REJECT")  # comma-separated ID numbers
    face_verifier: str = Field("demo", alias="FACE_VERIFIER")
    demo_login: bool | None = Field(None, alias="DEMO_LOGIN")

    @model_validator(mode="after")
    def _derive(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite://{self.data_dir / 'sjt.sqlite3'}"
        if self.storage_dir is None:
            self.storage_dir = self.data_dir / "uploads"
        if self.keys_dir is None:
            self.keys_dir = self.data_dir / "keys"
        if self.wechat_simulator is None:
            self.wechat_simulator = self.env != "production"
        if self.demo_login is None:
            self.demo_login = self.env != "production"
        if not self.wechat_api_base:
            self.wechat_api_base = f"http://{self.host}:{self.port}/wechat-sim/"
        if not self.wechat_api_base.endswith("/"):
            self.wechat_api_base += "/"
        if not self.public_base_url:
            self.public_base_url = f"http://{self.host}:{self.port}"
        if not self.wechatpay_api_base:
            self.wechatpay_api_base = (self.wechat_api_base.rstrip("/") if self.wechat_simulator
                                       else "https://api.mch.weixin.qq.com")
        if not self.wechatpay_notify_url:
            self.wechatpay_notify_url = self.public_base_url.rstrip("/") + "/api/v1/payments/wechat/notify"
        if self.env == "production":
            self._check_production()
        return self

    def _check_production(self) -> None:
        problems = []
        if self.redis_is_memory and self.workers > 1:
            problems.append("REDIS_URL=memory:// cannot be shared by several workers")
        if self.wechat_simulator:
            problems.append("the WeChat simulator is never enabled in production")
        if not self.data_key or not self.blind_index_key:
            problems.append("DATA_KEY and BLIND_INDEX_KEY must be set in production")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def redis_is_memory(self) -> bool:
        return self.redis_url.startswith("memory://")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def broker_kind(self) -> str:
        if self.task_broker != "auto":
            return self.task_broker
        return "memory" if self.redis_is_memory else "redis"

    @property
    def cors_origin_list(self) -> list[str] | str:
        if self.cors_origins.strip() == "*":
            return "*"
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


def load_settings(**overrides) -> Settings:
    """Settings from the environment, with explicit overrides (used by tests)."""
    return Settings(**overrides)
