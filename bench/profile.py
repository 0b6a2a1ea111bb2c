"""Profile one endpoint in-process with pyinstrument: `python -m bench.profile /api/v1/me [n] [staff]`.

Builds the platform against PostgreSQL + Redis (a temporary database), opens the resources,
then calls the path n times over ASGI with a resident's token (or the named staff account's) and
prints the call tree (PROFILER=cprofile: a flat list by own time, SORT=cumulative and TOP=n to change
it; PROFILER=none: only the CPU per request). `{application_id}`, `{receipt_no}`, `{query_code}`,
`{hall_id}`, `{day}`, `{item_code}` in the path are filled from bench/fixtures.py; `POST:/path` sends
a fresh 亮证 code as the body of each request (licence verify)."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import time

from bench.servers import PG, REDIS, ROOT

PY = sys.executable


async def main(path: str, n: int, env: dict, staff: str | None = None) -> None:
    import httpx
    from pyinstrument import Profiler
    from sanic import Sanic

    from app.core.config import load_settings
    from app.core.resources import close_resources, open_resources
    from app.server import create_app

    Sanic.test_mode = True
    settings = load_settings()
    app = create_app(settings, manage_resources=False, name="prof")
    resources = await open_resources(settings, role="profile")
    from app.identity.models import Account
    from app.identity.sessions import start_session
    from tests.conftest import Lifespan

    from bench.fixtures import collect

    account = await (Account.get(username=staff) if staff else Account.get(openid="demo-resident-zhang"))
    token = (await start_session(account, channel="bench"))["access_token"]
    method, _, path = path.rpartition(":") if path.startswith("POST:") else ("GET", "", path)
    data = await collect(n + 50 if method == "POST" else 0)
    path = path.format(**{k: v for k, v in data.items() if isinstance(v, str)})
    bodies = iter([{"payload": c} for c in data["show_codes"]])

    async def call(client, headers):
        if method == "POST":
            return await client.post(path, headers=headers, json=next(bodies))
        return await client.get(path, headers=headers)

    try:
        async with Lifespan(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
                headers = {"Authorization": f"Bearer {token}"}
                for _ in range(50):
                    r = await call(client, headers)
                    assert r.status_code == 200, r.text
                started, cpu = time.perf_counter(), time.process_time()
                if os.environ.get("PROFILER") == "none":  # only the CPU per request, for before/after
                    for _ in range(n):
                        await call(client, headers)
                elif os.environ.get("PROFILER") == "cprofile":  # flat: where the CPU goes, by function
                    import cProfile
                    import pstats

                    profiler = cProfile.Profile()
                    profiler.enable()
                    for _ in range(n):
                        await call(client, headers)
                    profiler.disable()
                    stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "tottime"))
                    stats.print_stats(int(os.environ.get("TOP", "40")))
                    if os.environ.get("CALLERS"):  # e.g. CALLERS=_find_spec: who calls it
                        stats.print_callers(os.environ["CALLERS"])
                else:
                    profiler = Profiler(interval=0.0005, async_mode="enabled")
                    profiler.start()
                    for _ in range(n):
                        await call(client, headers)
                    profiler.stop()
                    print(profiler.output_text(unicode=True, color=False, show_all=False))
                print(f"{n} requests in {time.perf_counter() - started:.2f}s, "
                      f"{1000 * (time.process_time() - cpu) / n:.2f} ms CPU each (client included)")
    finally:
        await close_resources(resources)


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "/api/v1/me"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    staff = sys.argv[3] if len(sys.argv) > 3 else None
    db = f"sjt_prof_{int(time.time())}"
    env = {"SJT_ENV": "production", "DATABASE_URL": f"{PG}/{db}", "REDIS_URL": REDIS, "TASK_BROKER": "redis",
           "DATA_DIR": f"/tmp/{db}", "WECHAT_SIMULATOR": "false", "LOG_LEVEL": "WARNING",
           "DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
           "BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(), "WECHAT_API_BASE": "http://127.0.0.1:9/",
           "RATE_LIMIT_SCALE": "100000"}
    os.environ.update(env)
    subprocess.run(["psql", PG + "/postgres", "-qc", f'CREATE DATABASE "{db}"'], check=True)
    try:
        for command in ("migrate", "seed"):
            subprocess.run([PY, "-m", "app.cli", command], cwd=ROOT, env={**os.environ}, check=True,
                           capture_output=True)
        asyncio.run(main(path, n, env, staff))
    finally:
        subprocess.run(["psql", PG + "/postgres", "-qc", f'DROP DATABASE IF EXISTS "{db}"'], check=False)
