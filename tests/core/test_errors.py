"""The error envelope for anything a client can send: never a 500."""

from __future__ import annotations


async def test_unknown_route_is_404_envelope(client):
    r = await client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "ROUTE_NOT_FOUND"
    assert r.json()["error"]["message"]
    assert r.headers["x-request-id"]


async def test_bad_json_is_400(client):
    r = await client.post("/api/v1/auth/wechat/login", content=b"{not json",
                          headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "INVALID_JSON"


async def test_wrong_type_names_the_field(client):
    r = await client.post("/api/v1/auth/wechat/login", json={"code": 5})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "VALIDATION_FAILED"
    assert err["details"]["fields"][0]["field"] == "code"
    assert "文本" in err["details"]["fields"][0]["message"]


async def test_json_array_body_is_422(client):
    r = await client.post("/api/v1/auth/wechat/login", json=[1, 2])
    assert r.status_code == 422


async def test_method_not_allowed(client):
    r = await client.delete("/api/v1/me")
    assert r.status_code == 405
    assert r.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


async def test_missing_token_is_401(client):
    r = await client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "UNAUTHENTICATED"


async def test_request_id_is_echoed(client):
    r = await client.get("/healthz", headers={"x-request-id": "abc12345-test"})
    assert r.headers["x-request-id"] == "abc12345-test"


async def test_method_not_allowed_lists_allow_on_dynamic_routes(client):
    r = await client.request("TRACE", "/api/v1/messages/63b0f864-3353-4a77-829f-1f777347316f/read")
    assert r.status_code == 405
    assert "POST" in r.headers["allow"]
