"""Fault injection against the machine's real PostgreSQL and Redis through a TCP proxy the test
controls (tests/fault/proxy.py): the shared services are never stopped. The platform runs as a
subprocess (single process, memory task broker) whose DATABASE_URL / REDIS_URL point at proxies.

- Redis cut: public reads (health, JWKS, catalogue, the progress query) keep answering; logins and
  QR login answer 503 with a code; everything recovers by itself when Redis returns.
- PostgreSQL cut (= a restart as the app sees it): requests fail cleanly (503 with a code, never a
  hang or a 500) and succeed again afterwards without restarting the app."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from urllib.parse import urlparse

import httpx
import pytest

from tests.conftest import SERVICE_REDIS_URL, require_service
from tests.contract.platform import EmbeddedPlatform
from tests.fault.proxy import TcpProxy

pytestmark = pytest.mark.fault

PG_URL = os.environ.get("SJT_SERVICE_PG_URL", "postgres://postgres@127.0.0.1:5432")
MAX_FAILURE_SECONDS = 8.0  # a refused dependency must turn into an answer well within this


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def services():
    require_service(bool(SERVICE_REDIS_URL) and reachable(SERVICE_REDIS_URL, 6379),
                    "a real Redis (SJT_SERVICE_REDIS_URL)")
    require_service(reachable(PG_URL, 5432), f"PostgreSQL at {PG_URL}")
    return urlparse(PG_URL), urlparse(SERVICE_REDIS_URL)


@pytest.fixture(scope="module")
def platform(services, tmp_path_factory):
    pg, redis = services
    db = f"sjt_fault_{int(time.time())}_{os.getpid()}"
    subprocess.run(["psql", f"{PG_URL}/postgres", "-qc", f'CREATE DATABASE "{db}"'], check=True)
    subprocess.run(["redis-cli", "-u", SERVICE_REDIS_URL, "flushdb"], check=True, capture_output=True)
    try:
        with TcpProxy(pg.hostname, pg.port or 5432) as pg_proxy, \
                TcpProxy(redis.hostname, redis.port or 6379) as redis_proxy:
            user = f"{pg.username}@" if pg.username else ""
            env = {"DATABASE_URL": f"postgres://{user}127.0.0.1:{pg_proxy.port}/{db}",
                   "REDIS_URL": f"redis://127.0.0.1:{redis_proxy.port}{redis.path or '/0'}",
                   "TASK_BROKER": "memory"}
            with EmbeddedPlatform(tmp_path_factory.mktemp("fault"), extra_env=env) as p:
                p.pg_proxy, p.redis_proxy = pg_proxy, redis_proxy
                p.direct_db = f"{PG_URL}/{db}"  # for the test's own look-ups, past the proxy
                yield p
    finally:
        subprocess.run(["psql", f"{PG_URL}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'],
                       check=False)
        subprocess.run(["redis-cli", "-u", SERVICE_REDIS_URL, "flushdb"], check=False, capture_output=True)


def timed(method: str, url: str, **kwargs) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.request(method, url, timeout=30, **kwargs)
    return response, time.monotonic() - started


def eventually(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last is not None and last is not False:
            return last
        time.sleep(0.5)
    raise AssertionError(f"did not recover within {timeout}s: {last!r}")


def assert_clean_503(response: httpx.Response, seconds: float, code: str) -> None:
    assert seconds < MAX_FAILURE_SECONDS, f"took {seconds:.1f}s"
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == code
    assert response.headers.get("retry-after")


# Public reads that must keep answering without Redis: every GET in the spec that needs no token,
# no path parameter and no required query parameter (catalogue lists etc. join as they merge),
# except these, which depend on Redis by design.
NEEDS_REDIS = {"/readyz": "reports Redis itself"}


def public_reads() -> list[str]:
    from tests.security.spec import operations

    return [path for method, path, op in operations()
            if method == "GET" and not op.get("security") and "{" not in path and path not in NEEDS_REDIS
            and not any(p.get("required") for p in op.get("parameters", []))]


class TestRedisDown:
    def test_reads_served_logins_refused_then_recovered(self, platform):
        base = platform.base
        staff = {"username": "admin", "password": "Sjt@2026demo"}
        platform.redis_proxy.cut()
        try:
            reads = public_reads()
            assert {"/healthz", "/.well-known/jwks.json"} <= set(reads)
            for path in reads:
                r, seconds = timed("GET", base + path)
                assert r.status_code == 200 and seconds < MAX_FAILURE_SECONDS, (path, r.text)
            r, seconds = timed("POST", base + "/api/v1/auth/password/login", json=staff)
            assert_clean_503(r, seconds, "CACHE_UNAVAILABLE")
            r, seconds = timed("POST", base + "/api/v1/auth/qr")
            assert_clean_503(r, seconds, "CACHE_UNAVAILABLE")
            r, _ = timed("GET", base + "/readyz")
            assert r.status_code == 503 and r.json()["redis"] == "down"
        finally:
            platform.redis_proxy.restore()

        def login_works():
            r = httpx.post(base + "/api/v1/auth/password/login", json=staff, timeout=30)
            return r if r.status_code == 200 else None

        tokens = eventually(login_works).json()
        assert httpx.post(base + "/api/v1/auth/qr", timeout=30).status_code == 201
        me = httpx.get(base + "/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert me.status_code == 200
        assert "Traceback" not in platform.output()

    def test_progress_is_answered_from_the_database_and_still_limited(self, platform):
        found = subprocess.run(
            ["psql", platform.direct_db, "-Atc",
             "SELECT receipt_no || ' ' || query_code FROM application WHERE receipt_no IS NOT NULL "
             "AND query_code IS NOT NULL LIMIT 1"], check=True, capture_output=True, text=True).stdout.split()
        receipt_no, query_code = found
        url = f"{platform.base}/api/v1/progress"
        wrong = {"receipt_no": receipt_no, "query_code": "ZZZZZZ"}
        platform.redis_proxy.cut()
        try:
            r, seconds = timed("GET", url, params={"receipt_no": receipt_no, "query_code": query_code})
            assert r.status_code == 200 and seconds < MAX_FAILURE_SECONDS, r.text
            assert r.json()["receipt_no"] == receipt_no and r.json()["steps"]
            answers = [httpx.get(url, params=wrong, timeout=30).status_code for _ in range(25)]
            assert set(answers[:19]) == {404} and set(answers[19:]) == {429}  # per receipt: 20 an hour
        finally:
            platform.redis_proxy.restore()
        assert "Traceback" not in platform.output()

    def test_authenticated_requests_refuse_rather_than_skip_revocation(self, platform):
        """Without Redis a revoked session cannot be told apart: 503, never a silent 200."""
        tokens = platform.login("resident")
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        platform.redis_proxy.cut()
        try:
            r, seconds = timed("GET", platform.base + "/api/v1/me", headers=headers)
            assert_clean_503(r, seconds, "CACHE_UNAVAILABLE")
        finally:
            platform.redis_proxy.restore()
        eventually(lambda: httpx.get(platform.base + "/api/v1/me", headers=headers).status_code == 200)


class TestPostgresCut:
    def test_requests_fail_cleanly_and_recover_without_restart(self, platform):
        base = platform.base
        headers = {"Authorization": f"Bearer {platform.login('resident')['access_token']}"}
        assert httpx.get(base + "/api/v1/messages", headers=headers).status_code == 200
        platform.pg_proxy.cut()
        try:
            for _ in range(3):  # broken pooled connections, then refused new ones
                r, seconds = timed("GET", base + "/api/v1/messages", headers=headers)
                assert_clean_503(r, seconds, "DATABASE_UNAVAILABLE")
            r, seconds = timed("GET", base + "/readyz")
            assert r.status_code == 503 and r.json()["database"] == "down" and seconds < MAX_FAILURE_SECONDS
            r, seconds = timed("GET", base + "/healthz")
            assert r.status_code == 200
        finally:
            platform.pg_proxy.restore()
        eventually(lambda: httpx.get(base + "/api/v1/messages", headers=headers, timeout=30).status_code == 200)
        assert httpx.get(base + "/readyz").status_code == 200
        assert "Traceback" not in platform.output(), platform.output()[-4000:]
