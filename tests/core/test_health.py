from __future__ import annotations


async def test_healthz(client):
    r = await client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


async def test_readyz_checks_db_and_redis(client):
    r = await client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_readyz_reports_redis_down(client, rt):
    class DeadRedis:
        async def ping(self):
            raise ConnectionError("down")

    real = rt.redis
    rt.redis = DeadRedis()
    try:
        r = await client.get("/readyz")
    finally:
        rt.redis = real
    assert r.status_code == 503
    assert r.json()["redis"] == "down" and r.json()["database"] == "ok"


async def test_security_headers(client):
    r = await client.get("/healthz")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
