"""In-memory state of the simulated WeChat server (one process; never shared, never persisted)."""

from __future__ import annotations

import base64
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

CODE_TTL = 300  # login and phone codes live 5 minutes, as on WeChat
TOKEN_TTL = 7200


@dataclass
class SimState:
    appid: str
    secret: str
    login_codes: dict[str, tuple[str, str | None, float]] = field(default_factory=dict)
    phone_codes: dict[str, tuple[str, float]] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)
    messages: list[dict] = field(default_factory=list)
    sms: list[dict] = field(default_factory=list)
    calls: dict[str, deque] = field(default_factory=dict)
    rate_per_minute: int = 1000
    send_delay: float = 0.0  # seconds a subscribe-message send takes (fault tests: a slow WeChat)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mint_login_code(self, openid: str, unionid: str | None = None) -> str:
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.login_codes[code] = (openid, unionid, time.time() + CODE_TTL)
        return code

    def redeem_login_code(self, code: str) -> tuple[str, str | None] | None:
        with self.lock:
            entry = self.login_codes.pop(code, None)
        if entry is None or entry[2] < time.time():
            return None
        return entry[0], entry[1]

    def mint_phone_code(self, phone: str) -> str:
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.phone_codes[code] = (phone, time.time() + CODE_TTL)
        return code

    def redeem_phone_code(self, code: str) -> str | None:
        with self.lock:
            entry = self.phone_codes.pop(code, None)
        if entry is None or entry[1] < time.time():
            return None
        return entry[0]

    def issue_token(self) -> str:
        token = base64.urlsafe_b64encode(os.urandom(48)).decode().rstrip("=")
        with self.lock:
            now = time.time()
            self.tokens = {t: exp for t, exp in self.tokens.items() if exp > now}
            self.tokens[token] = now + TOKEN_TTL
        return token

    def token_valid(self, token: str | None) -> bool:
        return bool(token) and self.tokens.get(token, 0) > time.time()

    def over_rate(self, api: str) -> bool:
        """WeChat answers 45011 past a per-minute quota for an API."""
        now = time.time()
        with self.lock:
            window = self.calls.setdefault(api, deque())
            while window and window[0] < now - 60:
                window.popleft()
            if len(window) >= self.rate_per_minute:
                return True
            window.append(now)
            return False
