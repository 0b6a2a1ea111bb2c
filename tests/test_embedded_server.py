"""The embedded mode as `make run` starts it: migrate, seed, serve; then real HTTP from outside."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from tests.conftest import ROOT, free_port, wait_for_port


def test_embedded_platform_serves_over_http(tmp_path):
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(tmp_path), "SJT_ENV": "embedded", "PORT": str(port),
           "PYTHONPATH": str(ROOT), "TASK_BROKER": "auto"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    for command in ("migrate", "seed"):
        done = subprocess.run([sys.executable, "-m", "app.cli", command], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
    server = subprocess.Popen(
        [sys.executable, "-m", "sanic", "app.server:main_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--single-process", "--no-motd"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, timeout=30)
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/readyz", timeout=30).json() == {"status": "ok", "database": "ok", "redis": "ok"}
        code = httpx.post(f"{base}/wechat-sim/dev/login-code", json={"openid": "demo-resident-zhang"}, timeout=30).json()["code"]
        login = httpx.post(f"{base}/api/v1/auth/wechat/login", json={"code": code}, timeout=30)
        assert login.status_code == 200, login.text
        me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}, timeout=30)
        assert me.json()["id_number"] == "1401**********1234"
        assert httpx.get(f"{base}/docs/openapi.json", timeout=30).status_code == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert "140105199003151234" not in output and "13903510001" not in output  # no personal data in logs
