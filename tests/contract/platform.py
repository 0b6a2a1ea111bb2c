"""The embedded platform as a subprocess (temp DATA_DIR, migrate + seed), with a token per role."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from app.identity.seed import DEMO_PASSWORD
from tests.conftest import ROOT, free_port, wait_for_port

# One demo account per role (app/identity/seed.py).
RESIDENT_LOGINS = {"resident": "demo-resident-zhang", "resident_b": "demo-resident-li",
                   "legal_person": "demo-legal-wang"}
STAFF_LOGINS = {"agent": "agent.zhao", "counter": "counter.sun", "reviewer": "reviewer.wu", "admin": "admin"}


class EmbeddedPlatform:
    def __init__(self, data_dir: Path, extra_env: dict | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATA_DIR": str(data_dir), "SJT_ENV": "embedded", "PORT": str(self.port),
                    "PYTHONPATH": str(ROOT), "TASK_BROKER": "auto", "LOG_LEVEL": "WARNING", **(extra_env or {})}
        if "DATABASE_URL" not in (extra_env or {}):
            self.env.pop("DATABASE_URL", None)
        if "REDIS_URL" not in (extra_env or {}):
            self.env.pop("REDIS_URL", None)
        self.log_path = data_dir / "server.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "EmbeddedPlatform":
        for command in ("migrate", "seed"):
            done = subprocess.run([sys.executable, "-m", "app.cli", command], cwd=ROOT, env=self.env,
                                  capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stderr[-2000:]
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sanic", "app.server:main_app", "--factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--single-process", "--no-motd"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, timeout=60)
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def resident_token(self, openid: str) -> dict:
        code = httpx.post(f"{self.base}/wechat-sim/dev/login-code", json={"openid": openid}, timeout=10).json()["code"]
        login = httpx.post(f"{self.base}/api/v1/auth/wechat/login", json={"code": code}, timeout=10)
        assert login.status_code == 200, login.text
        return login.json()

    def staff_token(self, username: str) -> dict:
        login = httpx.post(f"{self.base}/api/v1/auth/password/login",
                           json={"username": username, "password": DEMO_PASSWORD}, timeout=10)
        assert login.status_code == 200, login.text
        return login.json()

    def login(self, role: str) -> dict:
        if role in RESIDENT_LOGINS:
            return self.resident_token(RESIDENT_LOGINS[role])
        return self.staff_token(STAFF_LOGINS[role])
