"""The 8:00 rush: 5 000 booking attempts from distinct people at a 100-seat slot.

    python -m bench.rush [--attempts 5000] [--seats 100] [--concurrency 200] [--workers 2]

Starts the platform in production mode (PostgreSQL in a temporary database, real Redis at
127.0.0.1:6379 db 10, 2 Sanic workers) and a bare Sanic JSON handler with the same workers,
fires the attempts at each through aiohttp (async, a fixed number in flight), and prints bookings
made, throughput, p50/p99 and the platform/bare ratio. Loopback only; bounded to ~3 minutes."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/10")
DEADLINE = 170  # seconds for the whole run
LAST_REPORT: dict = {}  # the last run's figures, for `make bench` (bench/run.py)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    import httpx

    end = time.time() + timeout
    while time.time() < end:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def drop_database(name: str, wait: float = 15) -> None:
    """DROP DATABASE forces a checkpoint, which can take a while on a busy machine: wait a little,
    then let psql finish on its own so the run stays bounded."""
    proc = subprocess.Popen(["psql", f"{PG}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}"'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        print(f"(dropping {name} continues in the background)", flush=True)


def production_env(data_dir: Path, db_url: str, workers: int) -> dict[str, str]:
    return {
        **os.environ, "PYTHONPATH": str(ROOT), "SJT_ENV": "production", "DATABASE_URL": db_url,
        "REDIS_URL": REDIS_URL, "WORKERS": str(workers), "WECHAT_SIMULATOR": "false",
        # as in production: the API workers only queue the booking messages (a task worker sends them)
        "TASK_BROKER": "redis",
        "DATA_DIR": str(data_dir), "DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
        "BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(), "LOG_LEVEL": "WARNING", "LOG_JSON": "true",
        "DB_POOL_MAX": "20", "HOST": "127.0.0.1",
    }


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


async def prepare(db_url: str, attempts: int, seats: int) -> dict:
    """Hall, bookable item, one slot tomorrow 10:00, `attempts` people with access tokens."""
    from tortoise import Tortoise

    from app.appointments.models import Slot
    from app.appointments.service.common import at_local
    from app.catalog.models import Hall, ServiceItem
    from app.core import clock, runtime
    from app.core.cache import make_redis
    from app.core.config import load_settings
    from app.core.db import init_db
    from app.identity.models import Account, Role
    from app.identity.tokens import issue_access_token

    settings = load_settings()
    runtime.rt.settings = settings
    await init_db(settings)
    redis = make_redis(REDIS_URL)
    await redis.flushdb()
    hall = await Hall.create(code="BENCH-HALL", name="压测政务服务中心", region_code="140100", address="太原市压测路1号",
                             windows=[{"no": "A01", "group": "A", "name": "综合受理"}])
    item = await ServiceItem.create(code="BENCH-ITEM", name="压测事项", type="公共服务", department="压测局",
                                    level="city", region_code="140100", bookable=True)
    await item.halls.add(hall)
    day = clock.today() + timedelta(days=1)
    slot = await Slot.create(hall_id=hall.id, window_group="A", day=day, starts_at=at_local(day, "10:00"),
                             ends_at=at_local(day, "10:30"), capacity=seats)
    people = [Account(id=uuid.uuid4(), role=Role.RESIDENT, openid=f"bench-{i}", display_name=f"压测{i}")
              for i in range(attempts)]
    await Account.bulk_create(people, batch_size=1000)
    tokens = [issue_access_token(account_id=str(p.id), role="resident", session_id="bench")[0] for p in people]
    await redis.aclose()
    await Tortoise.close_connections()
    return {"hall_id": str(hall.id), "item_code": item.code, "slot_id": str(slot.id), "tokens": tokens,
            "day": day.isoformat()}


async def verify(db_url: str, slot_id: str) -> dict:
    from tortoise import Tortoise

    from app.appointments import counters
    from app.appointments.models import Appointment, Slot
    from app.core import runtime
    from app.core.cache import make_redis
    from app.core.db import init_db

    await init_db(runtime.settings())
    runtime.rt.redis = make_redis(REDIS_URL)
    slot = await Slot.get(id=slot_id)
    rows = await Appointment.filter(slot_id=slot_id).values_list("principal_id", flat=True)
    left = (await counters.read_many([slot_id]))[0]
    await runtime.rt.redis.flushdb()
    await runtime.rt.redis.aclose()
    await Tortoise.close_connections()
    return {"db_booked": slot.booked, "appointments": len(rows), "distinct_people": len(set(rows)),
            "redis_left": left, "capacity": slot.capacity}


async def fire(base: str, path: str, bodies: list[tuple[dict, dict]], concurrency: int, budget: float) -> dict:
    """Send every request with at most `concurrency` in flight (aiohttp keep-alive connections);
    latency per request and status counts. Stops sending after `budget` seconds."""
    import aiohttp

    latencies: list[float] = []
    by_status: dict[int, list[float]] = {}
    timeline: list[tuple[float, float, int]] = []
    statuses: dict[int, int] = {}
    codes: dict[str, int] = {}
    queue: asyncio.Queue = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(b)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base_url=base, connector=connector, timeout=timeout) as client:
        await asyncio.gather(*[_get(client, "/healthz") for _ in range(concurrency)])  # warm the connections
        started = time.perf_counter()

        async def worker():
            while time.perf_counter() - started < budget:
                try:
                    headers, body = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                try:
                    async with client.post(path, json=body, headers=headers) as r:
                        status = r.status
                        payload = await r.json(content_type=None)
                    if status >= 400:
                        code = (payload or {}).get("error", {}).get("code", "?")
                        codes[code] = codes.get(code, 0) + 1
                except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                    status = 599
                    codes[type(exc).__name__] = codes.get(type(exc).__name__, 0) + 1
                latencies.append(time.perf_counter() - t0)
                by_status.setdefault(status, []).append(time.perf_counter() - t0)
                timeline.append((t0 - started, time.perf_counter() - t0, status))
                statuses[status] = statuses.get(status, 0) + 1

        await asyncio.gather(*[worker() for _ in range(concurrency)])
        elapsed = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "elapsed_s": round(elapsed, 3), "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(q[49] * 1000, 2), "p99_ms": round(q[98] * 1000, 2),
            "max_ms": round(latencies[-1] * 1000, 2), "statuses": statuses, "codes": codes,
            "unsent": queue.qsize(),
            "p99_ms_by_status": {k: round(statistics.quantiles(v, n=100)[98] * 1000, 2) if len(v) > 1 else
                                 round(v[0] * 1000, 2) for k, v in by_status.items()},
            "slowest": [(round(a, 3), round(b, 3), c) for a, b, c in sorted(timeline, key=lambda t: -t[1])[:15]]}


async def browse(base: str, setup: dict, concurrency: int, requests: int = 1000) -> None:
    """Anonymous browsing before the slots open: searches (each distinct) and the slot list."""
    import aiohttp

    day = setup.get("day", "")
    paths = [f"/api/v1/items?q=b{i}" if i % 2 else f"/api/v1/halls/{setup['hall_id']}/slots?date={day}"
             for i in range(requests)]
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base_url=base, connector=connector) as client:
        async def worker(mine: list[str]) -> None:
            for path in mine:
                await _get(client, path)

        await asyncio.gather(*[worker(paths[i::concurrency]) for i in range(concurrency)])


async def _get(client, path: str) -> None:
    async with client.get(path) as r:
        await r.read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rush")
    parser.add_argument("--attempts", type=int, default=5000)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    t_start = time.time()

    def phase(name: str) -> None:
        print(f"  [{time.time() - t_start:6.1f} s] {name}", flush=True)
    data_dir = Path(tempfile.mkdtemp(prefix="sjt-bench-"))
    db_name = f"sjt_bench_{int(time.time())}_{os.getpid()}"
    db_url = f"{PG}/{db_name}"
    env = production_env(data_dir, db_url, args.workers)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f'CREATE DATABASE "{db_name}"'], check=True)
    platform = bare = None
    try:
        mig = subprocess.run([sys.executable, "-m", "app.cli", "migrate"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
        if mig.returncode != 0:
            print(mig.stderr[-3000:])
            return 1
        phase("migrated")
        # The servers boot while the data is written (the app reads nothing of it at start-up).
        p_port, b_port = free_port(), free_port()
        platform = start([sys.executable, "-m", "sanic", "app.server:main_app", "--factory", "--host", "127.0.0.1",
                          "--port", str(p_port), "--workers", str(args.workers), "--no-motd"],
                         {**env, "PORT": str(p_port)}, data_dir / "platform.log")
        bare = start([sys.executable, "-m", "sanic", "bench.bare:app", "--host", "127.0.0.1", "--port", str(b_port),
                      "--workers", str(args.workers), "--no-motd", "--no-access-logs"], env, data_dir / "bare.log")
        print(f"preparing {args.attempts} people and a {args.seats}-seat slot …", flush=True)
        setup = asyncio.run(prepare(db_url, args.attempts, args.seats))
        phase("data written")
        wait_http(f"http://127.0.0.1:{p_port}/healthz")
        wait_http(f"http://127.0.0.1:{b_port}/healthz")
        phase("servers up")

        body = {"hall_id": setup["hall_id"], "item_code": setup["item_code"], "slot_id": setup["slot_id"]}
        requests = [({"Authorization": f"Bearer {tok}", "Idempotency-Key": f"rush-{i:06d}-key"}, body)
                    for i, tok in enumerate(setup["tokens"])]
        print(f"bare handler: {len(requests)} requests, {args.concurrency} in flight …", flush=True)
        base_result = asyncio.run(fire(f"http://127.0.0.1:{b_port}", "/book", requests, args.concurrency, 40))
        # Before 8:00 residents are already browsing the catalogue and the hall's slots (distinct searches
        # reach the database), so the workers are warm when the slots open
        print("platform: before the slots open — browsing traffic …", flush=True)
        asyncio.run(browse(f"http://127.0.0.1:{p_port}", setup, args.concurrency))
        print(f"platform: {len(requests)} booking attempts, {args.concurrency} in flight …", flush=True)
        rush = asyncio.run(fire(f"http://127.0.0.1:{p_port}", "/api/v1/appointments", requests, args.concurrency,
                                max(10, DEADLINE - (time.time() - t_start) - 25)))
        phase("load done")
        stop(platform)
        platform = None
        check = asyncio.run(verify(db_url, setup["slot_id"]))
    finally:
        stop(platform)
        stop(bare)
        drop_database(db_name)

    made = rush["statuses"].get(201, 0)
    report = {"attempts": args.attempts, "seats": args.seats, "workers": args.workers,
              "concurrency": args.concurrency, "bookings_made": made, "platform": rush, "bare": base_result,
              "throughput_ratio": round(rush["rps"] / base_result["rps"], 3), "check": check,
              "wall_s": round(time.time() - t_start, 1)}
    print()
    print(f"bookings made        {made} of {args.seats} seats ({args.attempts} attempts)")
    print(f"platform             {rush['rps']:>8} req/s   p50 {rush['p50_ms']} ms   p99 {rush['p99_ms']} ms   "
          f"max {rush['max_ms']} ms")
    print(f"bare Sanic handler   {base_result['rps']:>8} req/s   p50 {base_result['p50_ms']} ms   "
          f"p99 {base_result['p99_ms']} ms")
    print(f"ratio platform/bare  {report['throughput_ratio']} (throughput)")
    print(f"answers              {rush['statuses']}  {rush['codes']}")
    print(f"after the rush       DB booked {check['db_booked']}, appointments {check['appointments']}, "
          f"distinct people {check['distinct_people']}, Redis places left {check['redis_left']}")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / f"rush-{int(time.time())}.json").write_text(json.dumps(report, indent=2))
    ok = made == check["appointments"] == check["db_booked"] <= args.seats and \
        check["distinct_people"] == made and check["redis_left"] == args.seats - check["db_booked"]
    print("consistent" if ok else f"INCONSISTENT (server logs kept in {data_dir})")
    if ok:
        shutil.rmtree(data_dir, ignore_errors=True)
    LAST_REPORT.clear()
    LAST_REPORT.update(report, consistent=ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
