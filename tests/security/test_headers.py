"""Security headers: every response (API and H5) and the CSP of the H5 pages."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

H5_BUILT = (ROOT / "h5" / "dist" / "index.html").exists()


def csp_directives(value: str) -> dict[str, list[str]]:
    out = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_common(r) -> None:
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "permissions-policy" in r.headers and r.headers.get("x-request-id")


async def test_api_responses(client):
    for path in ("/api/v1/me", "/api/v1/no-such-route", "/healthz"):
        r = await client.get(path)
        assert_common(r)
    r = await client.get("/api/v1/me")
    assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/h5/", "/h5", "/h5/assets/missing.js"])
async def test_h5_pages_have_a_strict_csp(client, path):
    r = await client.get(path)
    assert_common(r)
    csp = csp_directives(r.headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["connect-src"] == ["'self'"]
    assert not any("unsafe-eval" in v or "*" in v for values in csp.values() for v in values)
    if H5_BUILT and path != "/h5/assets/missing.js":
        assert r.status_code == 200 and "text/html" in r.headers["content-type"]
