"""Request id, access log line, security headers and the idle-shutdown hooks."""

from __future__ import annotations

import logging
import re
import time
import uuid

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from app.core.logging import request_id_var

access = logging.getLogger("sjt.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(), microphone=()",
}
H5_CSP = ("default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; "
          "style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; media-src 'self' data:; "
          "frame-ancestors 'none'")


def register(app: Sanic) -> None:
    @app.on_request(priority=100)
    async def start(request: Request) -> None:
        incoming = request.headers.get("x-request-id", "")
        rid = incoming if incoming and _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.ctx.request_id = rid
        request.ctx.started = time.perf_counter()
        request_id_var.set(rid)

    @app.on_response(priority=100)
    async def finish(request: Request, response: HTTPResponse) -> None:
        rid = getattr(request.ctx, "request_id", None) or uuid.uuid4().hex
        response.headers["X-Request-ID"] = rid
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if request.path.startswith("/h5"):
            response.headers.setdefault("Content-Security-Policy", H5_CSP)
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        started = getattr(request.ctx, "started", None)
        if started is not None and access.isEnabledFor(logging.INFO):
            access.info("%s %s %s", request.method, request.path, response.status, extra={
                "method": request.method, "path": request.path, "status": response.status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2), "request_id": rid,
            })
