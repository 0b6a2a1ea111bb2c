"""I/O floors: bare Sanic handlers that do only the I/O a live scenario cannot avoid, with the raw
drivers (asyncpg, redis.asyncio + hiredis) and no platform code: no auth, no ORM, no masking, no
validation. Run with the same workers as the platform, against the run's own database and Redis
(FLOOR_PG, FLOOR_REDIS). Their ratio to the ceiling is the best any code could reach here for a
request that has to make those trips, so a target above a floor cannot be met on this machine."""

import os
import uuid

import asyncpg
import orjson
import redis.asyncio as redis
from sanic import Sanic
from sanic.response import raw

app = Sanic("floors")
app.config.ACCESS_LOG = False
APPLICATION_ID = uuid.UUID(os.environ.get("FLOOR_APPLICATION_ID", str(uuid.UUID(int=0))))


def reply(body) -> object:
    return raw(orjson.dumps(body, default=str), content_type="application/json")  # asyncpg's own UUID type


@app.before_server_start
async def connect(app, _) -> None:
    app.ctx.pg = await asyncpg.create_pool(os.environ["FLOOR_PG"], min_size=2, max_size=10)
    app.ctx.redis = redis.Redis.from_url(os.environ["FLOOR_REDIS"])
    await app.ctx.pg.execute('CREATE TABLE IF NOT EXISTS "floor_log" (id uuid PRIMARY KEY, '
                             'application_id uuid, at timestamptz DEFAULT now())')
    app.ctx.applicant_id = await app.ctx.pg.fetchval('SELECT "applicant_id" FROM "application" WHERE "id" = $1',
                                                     APPLICATION_ID)


@app.after_server_stop
async def close(app, _) -> None:
    await app.ctx.pg.close()
    await app.ctx.redis.aclose()


@app.get("/json")
async def ready(request):
    return reply({"status": "ok"})


@app.get("/redis")
async def one_redis_trip(request):
    """What every authenticated request and every progress query pays: one Redis round trip."""
    return reply({"v": await request.app.ctx.redis.get("floor")})


# The same statements as the platform's application detail and first inbox page, every column returned.
DETAIL = ('SELECT a.*, e.* FROM "application" a LEFT JOIN "application_event" e ON e."application_id" = a."id" '
          'WHERE a."id" = $1 AND a."applicant_id" = $2 ORDER BY e."created_at", e."id"')
INBOX = ('SELECT m."id", m."kind", m."title", m."body", m."link", m."ref", m."read_at", m."created_at", '
         '(SELECT COUNT(*) FROM "message" u WHERE u."account_id" = $1 AND u."read_at" IS NULL) AS "unread" '
         'FROM "message" m WHERE m."account_id" = $1 ORDER BY m."created_at" DESC, m."id" DESC LIMIT 21')


@app.get("/redis-pg/detail")
async def authenticated_detail(request):
    """An authenticated DB read at its least: one Redis trip (the session), then the detail's statement."""
    await request.app.ctx.redis.mget("floor:a", "floor:b")
    rows = await request.app.ctx.pg.fetch(DETAIL, APPLICATION_ID, request.app.ctx.applicant_id)
    return reply([list(r.values()) for r in rows])


@app.get("/redis-pg/inbox")
async def authenticated_inbox(request):
    """The same for the inbox's first page."""
    await request.app.ctx.redis.mget("floor:a", "floor:b")
    rows = await request.app.ctx.pg.fetch(INBOX, request.app.ctx.applicant_id)
    return reply([list(r.values()) for r in rows])


@app.post("/redis-pg-write")
async def checked_and_logged(request):
    """A logged check by signed-in staff at its least: the session trip and a single-use nonce in Redis,
    a read and an INSERT."""
    await request.app.ctx.redis.mget("floor:a", "floor:b")
    if not await request.app.ctx.redis.set(f"floor:nonce:{uuid.uuid4()}", 1, nx=True, ex=60):
        return reply({"ok": False})
    row = await request.app.ctx.pg.fetchrow('SELECT "id", "status" FROM "application" WHERE "id" = $1',
                                            APPLICATION_ID)
    await request.app.ctx.pg.execute('INSERT INTO "floor_log" (id, application_id) VALUES ($1, $2)',
                                     uuid.uuid4(), row["id"])
    return reply({"ok": True, "status": row["status"]})
