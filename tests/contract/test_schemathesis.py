"""Schemathesis over api_docs/openapi.json against the embedded platform, once per role (and once
anonymous): default checks, examples + coverage + fuzzing + stateful phases, bounded so the whole
contract run stays within a few minutes. Settings and the reasoning for every accepted status are
in schemathesis.toml."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.contract.platform import RESIDENT_LOGINS, STAFF_LOGINS, EmbeddedPlatform

ROLES = ["anonymous", *[r for r in RESIDENT_LOGINS if r != "resident_b"], *STAFF_LOGINS]
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8")
# Ending a session is tested last for each role: running it mid-way would revoke the token.
LOGOUT = "/api/v1/auth/logout"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with EmbeddedPlatform(tmp_path_factory.mktemp("contract")) as p:
        yield p


@pytest.fixture(scope="module")
def tokens(platform):
    """Every role logs in before any fuzzing (the fuzzer trips the per-IP login rate limits)."""
    return {role: platform.login(role)["access_token"] for role in ROLES if role != "anonymous"}


def schemathesis(platform: EmbeddedPlatform, token: str | None, *extra: str) -> subprocess.Popen:
    argv = [sys.executable, "-m", "schemathesis.cli", "run", str(ROOT / "api_docs" / "openapi.json"),
            "--url", platform.base, "--max-examples", MAX_EXAMPLES, "--seed", "20260101",
            "--report-dir", str(platform.log_path.parent / "schemathesis"), *extra]
    if token:
        argv += ["-H", f"Authorization: Bearer {token}"]
    return subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "NO_COLOR": "1"})


@pytest.fixture(scope="module")
def runs(platform, tokens) -> dict[str, tuple[int, str]]:
    """Every role's run at once (the server is I/O-bound per request; this keeps the suite short),
    then each role ends its session (logout) with its own token."""
    procs = {role: schemathesis(platform, tokens.get(role), "--exclude-path", LOGOUT) for role in ROLES}
    results = {}
    for role, proc in procs.items():
        out, _ = proc.communicate(timeout=600)
        results[role] = (proc.returncode, out)
    for role, token in tokens.items():
        proc = schemathesis(platform, token, "--include-path", LOGOUT, "--phases", "examples,coverage,fuzzing")
        out, _ = proc.communicate(timeout=300)
        code, previous = results[role]
        results[role] = (code or proc.returncode, previous + out)
    return results


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_conforms(platform: EmbeddedPlatform, runs: dict, role: str):
    code, out = runs[role]
    assert code == 0, out[-15000:]


def test_no_unhandled_exception_in_the_server_log(platform: EmbeddedPlatform, runs: dict):
    assert "Traceback" not in platform.output(), platform.output()[-5000:]
