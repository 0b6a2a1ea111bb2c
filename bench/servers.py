"""Start the platform in production mode (PostgreSQL + Redis, N workers) and the bare ceiling."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/10")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not become ready")


TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(name, parent pid, CPU seconds used so far) of a process, None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def cpu_by_group(main_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server's workers, by PostgreSQL and by Redis, per process id."""
    out: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat(int(entry.name))
        if stat is None:
            continue
        name, parent, seconds = stat
        group = ("workers" if parent == main_pid or int(entry.name) == main_pid else
                 "postgres" if name == "postgres" else "redis" if name.startswith("redis-server") else None)
        if group:
            out[f"{group}:{entry.name}"] = seconds
    return out


class CpuMeter:
    """CPU used while a block runs: the server's processes, PostgreSQL, Redis (per process, so a
    process that starts during the block counts from zero) and this process's children that finished
    (the load generator)."""

    def __init__(self, main_pid: int) -> None:
        self.main_pid = main_pid

    def __enter__(self) -> "CpuMeter":
        import resource

        self.before = cpu_by_group(self.main_pid)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.children_before = usage.ru_utime + usage.ru_stime
        return self

    def __exit__(self, *exc) -> None:
        import resource

        after = cpu_by_group(self.main_pid)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.seconds = {"workers": 0.0, "postgres": 0.0, "redis": 0.0,
                        "generator": usage.ru_utime + usage.ru_stime - self.children_before}
        for key, seconds in after.items():
            self.seconds[key.split(":")[0]] += seconds - self.before.get(key, 0.0)


def worker_rss_mb(main_pid: int) -> float:
    """Resident memory of the largest worker process under `main_pid`, in MB."""
    best = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(main_pid):
            best = max(best, int(fields.get("VmRSS", "0 kB").split()[0]))
    return best / 1024


class Server:
    def __init__(self, name: str, argv: list[str], env: dict, port: int, ready_path: str) -> None:
        self.name, self.argv, self.env, self.port, self.ready_path = name, argv, env, port, ready_path
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        self.log = open(Path(tempfile.gettempdir()) / f"bench-{self.name}.log", "w")
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        wait_ready(self.base + self.ready_path)
        return self

    def rss_mb(self) -> float:
        return worker_rss_mb(self.proc.pid) if self.proc else 0.0

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def ceiling(workers: int) -> Server:
    port = free_port()
    return Server("ceiling", [PY, "-m", "sanic", "bench.ceiling:app", "--host", "127.0.0.1", "--port", str(port),
                              "--workers", str(workers), "--no-motd", "--no-access-logs"],
                  {**os.environ, "PYTHONPATH": str(ROOT)}, port, "/json")


def floors(workers: int, platform: "Platform", application_id: str) -> Server:
    """Bare handlers doing only the I/O of the live scenarios (bench/floors.py), on the run's database."""
    port = free_port()
    return Server("floors", [PY, "-m", "sanic", "bench.floors:app", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers), "--no-motd", "--no-access-logs"],
                  {**os.environ, "PYTHONPATH": str(ROOT), "FLOOR_PG": f"{PG}/{platform.db}", "FLOOR_REDIS": REDIS,
                   "FLOOR_APPLICATION_ID": application_id}, port, "/json")


class Platform(Server):
    """The platform in production mode against a database made for this run (dropped after)."""

    def __init__(self, workers: int) -> None:
        self.db = f"sjt_bench_{int(time.time())}"
        self.data = Path(tempfile.mkdtemp(prefix="sjt-bench-"))
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SJT_ENV": "production", "WORKERS": str(workers),
               "DATABASE_URL": f"{PG}/{self.db}", "REDIS_URL": REDIS, "TASK_BROKER": "redis",
               "DATA_DIR": str(self.data), "WECHAT_SIMULATOR": "false", "LOG_LEVEL": "WARNING",
               # one address and a few accounts send thousands of requests a second
               "RATE_LIMIT_SCALE": "100000",
               "DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
               "BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
               "WECHAT_API_BASE": "http://127.0.0.1:9/", "HOST": "127.0.0.1", "PORT": str(port)}
        super().__init__("platform", [PY, "-m", "sanic", "app.server:main_app", "--factory", "--host",
                                      "127.0.0.1", "--port", str(port), "--workers", str(workers),
                                      "--no-motd", "--no-access-logs"], env, port, "/readyz")

    def start(self) -> "Platform":
        subprocess.run(["psql", PG + "/postgres", "-qc", f'CREATE DATABASE "{self.db}"'], check=True)
        subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, capture_output=True)
        for command in ("migrate", "seed"):
            subprocess.run([PY, "-m", "app.cli", command], cwd=ROOT, env=self.env, check=True,
                           capture_output=True)
        super().start()
        return self

    def tokens(self) -> dict:
        """Access tokens for the demo accounts, minted with this run's keys."""
        out = subprocess.run([PY, "-m", "bench.tokens"], cwd=ROOT, env=self.env, check=True,
                             capture_output=True, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def fixtures(self, show_codes: int = 0) -> dict:
        """Ids the read scenarios need and `show_codes` fresh 亮证 codes (bench/fixtures.py)."""
        out = subprocess.run([PY, "-m", "bench.fixtures", str(show_codes)], cwd=ROOT, env=self.env, check=True,
                             capture_output=True, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def stop(self) -> None:
        super().stop()
        subprocess.run(["psql", PG + "/postgres", "-qc", f'DROP DATABASE IF EXISTS "{self.db}"'], check=False)
        subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=False, capture_output=True)
        shutil.rmtree(self.data, ignore_errors=True)
