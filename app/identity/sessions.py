"""Login sessions: an access JWT plus an opaque refresh token stored only as a hash.

Every refresh token belongs to a family (one login); rotation and reuse detection work on it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from app.core import clock, runtime
from app.identity.models import Account, RefreshToken
from app.identity.tokens import issue_access_token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(account: Account, *, channel: str, device: str = "", ip: str = "") -> dict:
    """Open a new session family for `account`; returns the token pair."""
    family = secrets.token_hex(16)
    refresh = secrets.token_urlsafe(48)
    await RefreshToken.create(
        token_hash=hash_token(refresh), family=family, account_id=account.id, channel=channel,
        device=device[:128], ip=ip[:64],
        expires_at=clock.now() + timedelta(seconds=runtime.settings().refresh_token_ttl),
    )
    access, ttl = issue_access_token(account_id=str(account.id), role=account.role.value, session_id=family)
    account.last_login_at = clock.now()
    await account.save(update_fields=["last_login_at"])
    return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": ttl}

