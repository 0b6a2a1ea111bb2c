"""The single handler that turns every exception into the error envelope."""

from __future__ import annotations

import logging

from pydantic import ValidationError
from sanic import Request, Sanic
from sanic import exceptions as sanic_exc
from tortoise.exceptions import DoesNotExist, IntegrityError, OperationalError

from app.core.api import json_response, pydantic_errors
from app.core.cache import REDIS_DOWN
from app.core.errors import AppError, BadRequest, Conflict, NotFound, PayloadTooLarge, ServiceUnavailable

log = logging.getLogger("sjt.errors")


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> str:
    """Methods the router accepts for this path (Sanic leaves them out for dynamic routes)."""
    found = []
    for method in _METHODS:
        try:
            request.app.router.get(request.path, method, request.headers.get("host"))
        except Exception:  # noqa: BLE001 - not routable with this method
            continue
        found.append(method)
    if "GET" in found:
        found.append("HEAD")
    return ", ".join(found + ["OPTIONS"])


def to_app_error(exc: Exception, request: Request | None = None) -> AppError:
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, sanic_exc.NotFound):
        return NotFound("请求的地址不存在", code="ROUTE_NOT_FOUND")
    if isinstance(exc, sanic_exc.MethodNotAllowed):
        allow = next((v for k, v in (exc.headers or {}).items() if k.lower() == "allow"), None)
        if not allow and request is not None:
            allow = allowed_methods(request)
        return AppError("不支持该请求方法", code="METHOD_NOT_ALLOWED", status=405,
                        headers={"Allow": allow} if allow else None)
    if isinstance(exc, sanic_exc.PayloadTooLarge):
        return PayloadTooLarge()
    if isinstance(exc, sanic_exc.HeaderNotFound):
        return BadRequest("缺少必需的请求头", code="HEADER_MISSING")
    if isinstance(exc, sanic_exc.BadRequest):
        return BadRequest("请求格式不正确", code="BAD_REQUEST")
    if isinstance(exc, sanic_exc.RangeNotSatisfiable):
        return AppError("范围请求无效", code="RANGE_NOT_SATISFIABLE", status=416)
    if isinstance(exc, sanic_exc.SanicException) and 400 <= (exc.status_code or 500) < 500:
        return AppError("请求有误", code="BAD_REQUEST", status=exc.status_code)
    if isinstance(exc, ValidationError):
        return pydantic_errors(exc)
    if isinstance(exc, DoesNotExist):
        return NotFound()
    if isinstance(exc, IntegrityError):
        return Conflict("数据冲突，请刷新后重试", code="INTEGRITY_CONFLICT")
    if isinstance(exc, REDIS_DOWN) and _raised_in(exc) != "database":
        return ServiceUnavailable("缓存服务暂不可用，请稍后再试", code="CACHE_UNAVAILABLE",
                                  headers={"Retry-After": "5"})
    if (isinstance(exc, (OperationalError, *REDIS_DOWN)) or type(exc).__module__.startswith("asyncpg")
            or _raised_in(exc) == "database"):
        return ServiceUnavailable("数据库暂不可用，请稍后再试", code="DATABASE_UNAVAILABLE",
                                  headers={"Retry-After": "5"})
    return AppError("服务器内部错误", code="INTERNAL", status=500)


_DB_DRIVERS = ("/asyncpg/", "/tortoise/", "/aiosqlite/")


def _raised_in(exc: BaseException) -> str:
    """'database' when a bare OSError/ConnectionError came out of the database driver (a refused
    or reset PostgreSQL connection is an OSError too, like a refused Redis one)."""
    found = ""
    tb = exc.__traceback__
    while tb is not None:  # the innermost driver frame decides
        filename = tb.tb_frame.f_code.co_filename
        if any(part in filename for part in _DB_DRIVERS):
            found = "database"
        elif "/redis/" in filename:
            found = "cache"
        tb = tb.tb_next
    return found or ("cache" if isinstance(exc, REDIS_DOWN) else "")


def register(app: Sanic) -> None:
    @app.exception(Exception)
    async def handle(request: Request, exc: Exception):
        err = to_app_error(exc, request)
        if err.status >= 500:
            log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.path,
                      exc_info=exc if err.status == 500 else None)
        return json_response(err.envelope(), status=err.status, headers=err.headers)
