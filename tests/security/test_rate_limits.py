"""Every login / verify / credential path in the spec is rate limited (429 RATE_LIMITED with
Retry-After within its limit), and a client cannot escape a per-IP limit by choosing its own
X-Forwarded-For hop. Generic over the spec: a new path matching CREDENTIAL_PATHS is covered (and
fails until it is limited) unless EXEMPT says why not."""

from __future__ import annotations

import re

import pytest

from tests.factories import auth_headers, make_account
from tests.security.spec import body_schema, operations, sample

CREDENTIAL_PATHS = re.compile(r"(login|/refresh|/auth/qr|/phone|real-name|/enterprise|verify)")
EXEMPT = {
    # Long-poll of the browser's own ticket: needs the 32-byte poll_token only that browser holds,
    # and holds a connection open for 25 s — guessing is not feasible, limiting would break polling.
    ("GET", "/api/v1/auth/qr/{ticket}"): "poll_token capability",
    # Recomputes the audit hash chain for an admin; no credential is checked against user input.
    ("GET", "/api/v1/audit/verify"): "admin-only integrity report",
}
MAX_ATTEMPTS = 70  # above the largest per-minute limit (60 refreshes per IP)

CASES = [(m, p, op) for m, p, op in operations() if CREDENTIAL_PATHS.search(p) and (m, p) not in EXEMPT]


def test_the_login_paths_are_all_covered():
    paths = {p for _, p, _ in CASES}
    assert {"/api/v1/auth/wechat/login", "/api/v1/auth/password/login", "/api/v1/auth/refresh",
            "/api/v1/auth/qr", "/api/v1/me/real-name"} <= paths


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _ in CASES])
async def test_limited(client, method, path):
    op = next(o for m, p, o in CASES if (m, p) == (method, path))
    url = path.replace("{ticket}", "SJT1:Q:no-such-ticket")
    schema = body_schema(op)
    headers = {"X-Forwarded-For": "203.0.113.9"}
    if op.get("security"):
        headers.update(await auth_headers(await make_account()))
    statuses = []
    for _ in range(MAX_ATTEMPTS):
        r = await client.request(method, url, headers=headers, json=sample(schema) if schema else None)
        statuses.append(r.status_code)
        assert r.status_code < 500, r.text
        if r.status_code == 429:
            assert r.json()["error"]["code"] == "RATE_LIMITED" and int(r.headers["retry-after"]) > 0
            return
    pytest.fail(f"{method} {path}: no 429 after {MAX_ATTEMPTS} attempts ({sorted(set(statuses))})")


async def test_spoofed_forwarded_hops_do_not_reset_the_ip_limit(client):
    """Our proxy appends the real peer as the last hop; whatever the client put before it is ignored."""
    statuses = []
    for n in range(40):
        r = await client.post("/api/v1/auth/password/login", json={"username": f"nobody{n}", "password": "x"},
                              headers={"X-Forwarded-For": f"10.0.{n}.1, 198.51.100.7"})
        statuses.append(r.status_code)
    assert 429 in statuses


@pytest.mark.parametrize("method,path", [(m, p) for m, p, o in CASES if o.get("security")])
async def test_a_request_without_a_token_is_401_not_counted(client, method, path):
    """A secured path answers a token-less request 401 (what its spec says) however often it comes:
    such a request cannot try a credential, so it is not counted against the address."""
    op = next(o for m, p, o in CASES if (m, p) == (method, path))
    schema = body_schema(op)
    headers = {"X-Forwarded-For": "203.0.113.10"}
    url = path.replace("{ticket}", "SJT1:Q:no-such-ticket")
    statuses = {(await client.request(method, url, headers=headers, json=sample(schema) if schema else None)).status_code
                for _ in range(MAX_ATTEMPTS)}
    assert statuses == {401}


def test_every_rate_limited_handler_documents_429(app):
    """A handler that counts requests (`hit`, `hit_many`) can answer 429: its spec must say so, or
    a client (and schemathesis) meets an undocumented status."""
    import inspect

    documented = {(m, p): op for m, p, op in operations()}
    missing = []
    for route in app.router.routes:
        handler = getattr(route.handler, "__wrapped__", None)
        if handler is None or not any(call in inspect.getsource(handler) for call in ("hit(", "hit_many(")):
            continue
        path = "/" + re.sub(r"<([a-z_]+)(:[^>]+)?>", r"{\1}", route.path)
        for method in route.methods:
            op = documented.get((method, path))
            if op is not None and "429" not in op["responses"]:
                missing.append(f"{method} {path}")
    assert missing == []
