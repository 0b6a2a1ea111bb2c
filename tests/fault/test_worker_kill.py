"""A task worker killed (SIGKILL) in the middle of sending a WeChat subscribe message: another
worker completes the send, exactly once, through the Redis stream broker's redelivery and the
periodic resend — against the machine's real PostgreSQL and Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT, SERVICE_REDIS_URL, free_port, require_service, wait_for_port
from tests.fault.test_faults import PG_URL, reachable

pytestmark = pytest.mark.fault
OPENID = "demo-resident-zhang"


def psql(db: str, sql: str) -> str:
    return subprocess.run(["psql", f"{PG_URL}/{db}", "-qAtc", sql], check=True, capture_output=True,
                          text=True).stdout.strip()


def wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_worker_send_completes_exactly_once(tmp_path):
    require_service(bool(SERVICE_REDIS_URL) and reachable(SERVICE_REDIS_URL, 6379),
                    "a real Redis (SJT_SERVICE_REDIS_URL)")
    require_service(reachable(PG_URL, 5432), f"PostgreSQL at {PG_URL}")
    db = f"sjt_fault_w_{int(time.time())}_{os.getpid()}"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SJT_ENV": "embedded", "DATA_DIR": str(tmp_path),
           "DATABASE_URL": f"{PG_URL}/{db}", "REDIS_URL": SERVICE_REDIS_URL, "TASK_BROKER": "redis",
           "WECHAT_API_BASE": f"http://127.0.0.1:{port}/wechat-sim/", "LOG_LEVEL": "WARNING",
           "NOTIFY_SEND_LEASE": "3", "TASK_REDELIVER_AFTER": "2"}
    subprocess.run(["psql", f"{PG_URL}/postgres", "-qc", f'CREATE DATABASE "{db}"'], check=True)
    subprocess.run(["redis-cli", "-u", SERVICE_REDIS_URL, "flushdb"], check=True, capture_output=True)
    procs: list[subprocess.Popen] = []

    def start(argv) -> subprocess.Popen:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True,
                                stdout=open(tmp_path / f"proc{len(procs)}.log", "w"), stderr=subprocess.STDOUT)
        procs.append(proc)
        return proc

    try:
        for command in ("migrate", "seed"):
            done = subprocess.run([sys.executable, "-m", "app.cli", command], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stderr[-2000:]
        start([sys.executable, "-m", "app.wechat.simulator", "--port", str(port), "--data-dir", str(tmp_path)])
        wait_for_port(port)
        sim = f"http://127.0.0.1:{port}/wechat-sim/"
        httpx.post(sim + "dev/config", json={"send_delay": 4})  # WeChat is slow: the worker waits in the call

        worker = [sys.executable, "-m", "taskiq", "worker", "app.worker:broker", "--workers", "1"]
        first = start(worker)
        helper = [sys.executable, "-m", "tests.fault.notify_helper"]
        message_id = subprocess.run([*helper, "notify", OPENID], cwd=ROOT, env=env, check=True,
                                    capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[-1]
        where = f"FROM message WHERE id = '{message_id}'"
        wait_until(lambda: psql(db, f"SELECT wechat_claimed_at IS NOT NULL {where}") == "t", 60,
                   "the first worker to start the send")
        time.sleep(0.5)
        os.killpg(first.pid, signal.SIGKILL)  # mid-send: leased, not sent, not acknowledged
        first.wait(10)
        assert psql(db, f"SELECT wechat_sent_at IS NULL {where}") == "t"
        httpx.post(sim + "dev/config", json={"send_delay": 0})

        start(worker)
        time.sleep(3.5)  # the dead worker's lease (NOTIFY_SEND_LEASE=3) runs out
        # the periodic resend queues it again; the new task also makes the broker reclaim the
        # dead worker's unacknowledged one — two deliveries of the same send
        subprocess.run([*helper, "resend"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
        wait_until(lambda: psql(db, f"SELECT wechat_sent_at IS NOT NULL {where}") == "t", 60, "the retry")
        time.sleep(4)  # let any duplicate delivery run
        sent = httpx.get(sim + "dev/messages", params={"touser": OPENID}).json()["messages"]
        assert len(sent) == 1, sent
        assert psql(db, f"SELECT wechat_error IS NULL {where}") == "t"
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        subprocess.run(["psql", f"{PG_URL}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'],
                       check=False)
        subprocess.run(["redis-cli", "-u", SERVICE_REDIS_URL, "flushdb"], check=False, capture_output=True)
