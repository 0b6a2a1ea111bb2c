"""One error hierarchy; every error leaves the API as {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status = 400
    code = "BAD_REQUEST"
    message = "请求有误"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: Any = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.status = status or self.status
        self.details = details
        self.headers = headers or {}
        super().__init__(f"{self.code}: {self.message}")

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return {"error": body}


class BadRequest(AppError):
    status, code, message = 400, "BAD_REQUEST", "请求有误"


class ValidationFailed(AppError):
    status, code, message = 422, "VALIDATION_FAILED", "提交的内容不符合要求"

    @classmethod
    def field(cls, field: str, message: str, code: str = "VALIDATION_FAILED") -> "ValidationFailed":
        return cls(message, code=code, details={"fields": [{"field": field, "message": message}]})


class Unauthorized(AppError):
    status, code, message = 401, "UNAUTHENTICATED", "请先登录"


class Forbidden(AppError):
    status, code, message = 403, "FORBIDDEN", "无权进行此操作"


class NotFound(AppError):
    status, code, message = 404, "NOT_FOUND", "记录不存在"


class Conflict(AppError):
    status, code, message = 409, "CONFLICT", "当前状态不允许此操作"


class PayloadTooLarge(AppError):
    status, code, message = 413, "PAYLOAD_TOO_LARGE", "上传内容过大"


class RateLimited(AppError):
    status, code, message = 429, "RATE_LIMITED", "操作过于频繁，请稍后再试"

    def __init__(self, retry_after: int, message: str | None = None, **kw: Any) -> None:
        retry_after = max(1, int(retry_after))
        super().__init__(message, headers={"Retry-After": str(retry_after)},
                         details={"retry_after": retry_after}, **kw)


class ServiceUnavailable(AppError):
    status, code, message = 503, "SERVICE_UNAVAILABLE", "服务暂时不可用，请稍后再试"


class UpstreamError(AppError):
    status, code, message = 502, "UPSTREAM_ERROR", "上游服务出错，请稍后再试"
