"""QR login across two real API processes sharing Redis: the page long-polls worker A, the
mini-program confirms through worker B, and A's poller wakes within a second.

Needs a real Redis (two processes cannot share the in-process fakeredis): SJT_SERVICE_REDIS_URL in
CI's embedded pass, TEST_REDIS_URL in its PostgreSQL + Redis pass."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import httpx
import pytest

from app.wechat.simulator.credentials import load_credentials
from tests.conftest import ROOT, SERVICE_REDIS_URL, SESSION_DIR, free_port, require_service, wait_for_port

pytestmark = [pytest.mark.redis]


@pytest.fixture
def two_workers(tmp_path, wechat_sim):
    require_service(bool(SERVICE_REDIS_URL), "a real Redis shared by two API processes")
    creds = load_credentials(SESSION_DIR)  # the simulator's app credentials
    env = {"WECHAT_APPID": creds["appid"], "WECHAT_SECRET": creds["secret"], **os.environ, "DATA_DIR": str(tmp_path), "SJT_ENV": "test", "PYTHONPATH": str(ROOT),
           "TASK_BROKER": "memory", "REDIS_URL": SERVICE_REDIS_URL, "WECHAT_API_BASE": wechat_sim,
           "DATABASE_URL": f"sqlite://{tmp_path / 'shared.sqlite3'}", "LOG_LEVEL": "WARNING"}
    for command in ("migrate", "rotate-jwt-key"):  # shared schema and signing key before both start
        done = subprocess.run([sys.executable, "-m", "app.cli", command], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
    procs, bases = [], []
    for _ in range(2):
        port = free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "sanic", "app.server:main_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--single-process", "--no-motd"],
            cwd=ROOT, env={**env, "PORT": str(port)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        bases.append(f"http://127.0.0.1:{port}/api/v1")
    try:
        for base in bases:
            wait_for_port(int(base.split(":")[2].split("/")[0]), timeout=30)
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)


def test_confirm_on_worker_b_wakes_the_poller_on_worker_a(two_workers, sim):
    a, b = two_workers
    ticket = httpx.post(f"{a}/auth/qr", headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/131"},
                        timeout=30).json()
    code = sim.post("dev/login-code", json={"openid": f"o-workers-{time.time_ns()}"}).json()["code"]
    login = httpx.post(f"{b}/auth/wechat/login", json={"code": code}, timeout=30).json()
    assert "access_token" in login, login
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    scan = httpx.post(f"{b}/auth/qr/{ticket['ticket']}/scan", headers=headers, timeout=30)
    assert scan.status_code == 200 and scan.json()["device"] == "Chrome · Windows"

    result: dict = {}

    def poll():
        r = httpx.get(f"{a}/auth/qr/{ticket['ticket']}", timeout=30, params={
            "poll_token": ticket["poll_token"], "wait": 25, "state": "scanned"})
        result["response"], result["at"] = r, time.monotonic()

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.5)
    assert "response" not in result
    confirmed_at = time.monotonic()
    assert httpx.post(f"{b}/auth/qr/{ticket['ticket']}/confirm", headers=headers, timeout=30).status_code == 200
    poller.join(timeout=5)
    body = result["response"].json()
    assert body["state"] == "confirmed" and body["tokens"]["access_token"]
    assert result["at"] - confirmed_at < 1.0
    me = httpx.get(f"{b}/me", headers={"Authorization": f"Bearer {body['tokens']['access_token']}"})
    assert me.status_code == 200 and me.json()["id"] == login["account"]["id"]
