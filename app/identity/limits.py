"""Rate limits of the identity API (count, window seconds), per IP and per account. Redis-backed
through `app.core.ratelimit`, so they hold across workers; exceeding one answers 429 + Retry-After."""

from __future__ import annotations

from app.core import ratelimit

LIMITS: dict[str, tuple[int, int]] = {
    "login:ip": (30, 60),             # every login path together, per client IP
    "login:account": (10, 60),        # per WeChat openid / staff username
    "refresh:ip": (60, 60),
    "qr:create:ip": (20, 60),
    "qr:scan:account": (20, 60),      # scan / confirm / cancel by one mini-program account
    "phone:account": (10, 3600),
    "realname:ip": (20, 3600),
    "realname:account": (5, 3600),
}

MESSAGES = {
    "login": "登录尝试过于频繁，请稍后再试",
    "refresh": "刷新登录过于频繁，请稍后再试",
    "qr": "二维码请求过于频繁，请稍后再试",
    "phone": "手机号绑定过于频繁，请稍后再试",
    "realname": "实名认证提交过于频繁，请稍后再试",
}


async def limit(name: str, subject: str) -> None:
    """Count one request of `subject` (an IP or an account key) against LIMITS[name]."""
    count, window = LIMITS[name]
    await ratelimit.hit(f"id:{name}:{subject}", limit=count, window=window,
                        message=MESSAGES[name.split(":", 1)[0]])
