"""Malformed cursors are the client's error (422 INVALID_CURSOR), never a 500 on any backend."""

from __future__ import annotations

import base64

import orjson
import pytest

from tests.factories import auth_headers, make_account


def b64(value) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "not-base64!!", b64("just a string"), b64(["2026-01-01T00:00:00+00:00"]),
    b64(["2026-01-01T00:00:00", "00000000-0000-0000-0000-000000000000"]),   # naive time
    b64(["2026-01-01T00:00:00+00:00", "not-a-uuid"]), b64([12, "x"]),
])
async def test_malformed_cursor_is_422(client, cursor):
    headers = await auth_headers(await make_account())
    r = await client.get("/api/v1/messages", params={"cursor": cursor}, headers=headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_CURSOR"


async def test_well_formed_cursor_is_a_page(client):
    headers = await auth_headers(await make_account())
    cursor = b64(["2999-01-01T00:00:00+00:00", "00000000-0000-0000-0000-000000000000"])
    r = await client.get("/api/v1/messages", params={"cursor": cursor}, headers=headers)
    assert r.status_code == 200 and r.json()["items"] == []
