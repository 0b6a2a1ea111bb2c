"""Shared fixtures: settings per backend, an isolated database and Redis per test, the app and its
ASGI client, and the WeChat simulator running as its own HTTP server.

SQLite + fakeredis by default; PostgreSQL and Redis when TEST_DATABASE_URL / TEST_REDIS_URL are
set (CI runs both). With CI=true a suite that needs a missing service fails instead of skipping."""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SESSION_DIR = Path(tempfile.mkdtemp(prefix="sjt-tests-"))
atexit.register(shutil.rmtree, SESSION_DIR, ignore_errors=True)  # every run made one and left it behind
os.environ.update({
    "SJT_ENV": "test", "TASK_BROKER": "memory", "DATA_DIR": str(SESSION_DIR),
    "LOG_JSON": "true", "LOG_LEVEL": "WARNING",
})
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

import httpx  # noqa: E402
import pytest  # noqa: E402
import pytest_asyncio  # noqa: E402
import tortoise.context  # noqa: E402
from sanic import Sanic  # noqa: E402
from tortoise.context import tortoise_test_context  # noqa: E402

from app.core import clock, runtime  # noqa: E402
from app.core.cache import make_redis  # noqa: E402
from app.core.config import Settings, load_settings  # noqa: E402
from app.core.db import model_modules  # noqa: E402
from app.core.storage import LocalStorage  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# A real Redis for the few tests that need one whatever the backend under test (CI sets it).
SERVICE_REDIS_URL = TEST_REDIS_URL or os.environ.get("SJT_SERVICE_REDIS_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"

Sanic.test_mode = True


def require_service(condition: bool, what: str) -> None:
    """Skip locally when an optional service is missing; fail loudly in CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} not available")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


@pytest.fixture(scope="session")
def wechat_sim() -> str:
    """The WeChat simulator as a separate HTTP server; returns its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.wechat.simulator", "--port", str(port), "--data-dir", str(SESSION_DIR)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}/wechat-sim/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def settings(wechat_sim: str) -> Settings:
    return load_settings(
        DATABASE_URL=TEST_DATABASE_URL or "sqlite://:memory:",
        REDIS_URL=TEST_REDIS_URL or "memory://",
        WECHAT_API_BASE=wechat_sim,
        STORAGE_DIR=str(SESSION_DIR / "uploads"),
        PROXIES_COUNT=1,  # tests act as the one proxy in front: X-Forwarded-For names the client
    )


def _test_db_url() -> str:
    if not TEST_DATABASE_URL:
        return "sqlite://:memory:"
    base = TEST_DATABASE_URL.rsplit("/", 1)[0]
    return f"{base}/sjt_t_{{}}"


@pytest_asyncio.fixture
async def db():
    """A fresh database with every model's table, for one test."""
    async with tortoise_test_context(model_modules(), db_url=_test_db_url()) as ctx:
        previous = tortoise.context._global_context
        tortoise.context._global_context = ctx  # tasks spawned by the code under test see it too
        try:
            yield ctx
        finally:
            tortoise.context._global_context = previous


@pytest_asyncio.fixture
async def redis(settings: Settings):
    client = make_redis(settings.redis_url)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


@pytest_asyncio.fixture
async def rt(settings: Settings, db, redis, tmp_path):
    """Publish this test's settings, database and Redis to the services (`app.core.runtime`)."""
    runtime.rt.settings = settings
    runtime.rt.redis = redis
    runtime.rt.pubsub_redis = redis
    runtime.rt.storage = LocalStorage(tmp_path / "uploads")
    clock.reset()
    yield runtime.rt
    clock.reset()
    runtime.rt.redis = runtime.rt.pubsub_redis = None


_app_cache: dict[str, Sanic] = {}


@pytest.fixture
def app(settings: Settings) -> Sanic:
    """The platform (built once per session; resources come from the `rt` fixture)."""
    if "app" not in _app_cache:
        from app.server import create_app

        _app_cache["app"] = create_app(settings, manage_resources=False, name="sjt_test")
    return _app_cache["app"]


class Lifespan:
    """Drives the ASGI lifespan protocol so the app finalises its routes in this event loop."""

    def __init__(self, app) -> None:
        self.app = app
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.outbox: asyncio.Queue = asyncio.Queue()

    async def __aenter__(self):
        self.task = asyncio.create_task(self.app({"type": "lifespan", "asgi": {"version": "3.0"}},
                                                 self.inbox.get, self.outbox.put))
        await self.inbox.put({"type": "lifespan.startup"})
        message = await asyncio.wait_for(self.outbox.get(), 10)
        assert message["type"] == "lifespan.startup.complete", message
        return self

    async def __aexit__(self, *exc):
        await self.inbox.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(self.outbox.get(), 10)
        await asyncio.wait_for(self.task, 10)


class PersonalDataLeak(AssertionError):
    """A response carried a raw ID number or mobile number (they must always be masked)."""


_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def personal_data_in(text: str) -> list[str]:
    """Raw (unmasked) resident ID numbers (valid GB 11643) and mobile numbers found in `text`."""
    from app.identity.idcard import id_number_problem

    found = [m for m in _ID_NUMBER.findall(text) if id_number_problem(m) is None]
    return found + _PHONE.findall(text)


async def _scan_response(response: httpx.Response) -> None:
    await response.aread()
    if "json" not in response.headers.get("content-type", "") and "text" not in response.headers.get(
            "content-type", ""):
        return
    leaks = personal_data_in(response.text)
    if leaks:
        raise PersonalDataLeak(f"{response.request.method} {response.request.url.path} returned unmasked "
                               f"personal data ({len(leaks)} value(s))")


@pytest_asyncio.fixture
async def client(app: Sanic, rt):
    """An HTTP client speaking ASGI to the app in this event loop. Every response is scanned for
    raw ID numbers and phone numbers: a leak fails the test that caused it."""
    async with Lifespan(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                     event_hooks={"response": [_scan_response]}) as c:
            yield c


@pytest.fixture
def sim(wechat_sim: str):
    """A synchronous client for the simulator's dev helpers."""
    with httpx.Client(base_url=wechat_sim, timeout=10) as c:
        yield c
