"""Schemathesis over api_docs/openapi.json against the embedded platform, once per role (and once
anonymous): default checks, examples + coverage + fuzzing + stateful phases, bounded so the whole
contract run stays within a few minutes. Settings and the reasoning for every accepted status are
in schemathesis.toml."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, TEST_DATABASE_URL, TEST_REDIS_URL
from tests.contract.platform import RESIDENT_LOGINS, STAFF_LOGINS, EmbeddedPlatform

ROLES = ["anonymous", *[r for r in RESIDENT_LOGINS if r != "resident_b"], *STAFF_LOGINS]
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8")
# Ending a session is tested last for each role: running it mid-way would revoke the token.
LOGOUT = "/api/v1/auth/logout"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """The embedded platform; on the backends under test when TEST_DATABASE_URL / TEST_REDIS_URL
    are set (CI's second pass), in a database made for this module."""
    env, db = {}, None
    if TEST_DATABASE_URL:
        server = TEST_DATABASE_URL.rsplit("/", 1)[0]
        db = f"sjt_contract_{int(time.time())}_{os.getpid()}"
        subprocess.run(["psql", f"{server}/postgres", "-qc", f'CREATE DATABASE "{db}"'], check=True)
        env.update(DATABASE_URL=f"{server}/{db}", TASK_BROKER="memory")
    if TEST_REDIS_URL:
        subprocess.run(["redis-cli", "-u", TEST_REDIS_URL, "flushdb"], check=True, capture_output=True)
        env["REDIS_URL"] = TEST_REDIS_URL
    try:
        with EmbeddedPlatform(tmp_path_factory.mktemp("contract"), extra_env=env) as p:
            yield p
    finally:
        if db:
            subprocess.run(["psql", f"{server}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'],
                           check=False)


@pytest.fixture(scope="module")
def tokens(platform):
    """Every role logs in before any fuzzing (the fuzzer trips the per-IP login rate limits)."""
    return {role: platform.login(role)["access_token"] for role in ROLES if role != "anonymous"}


def schemathesis(platform: EmbeddedPlatform, token: str | None, *extra: str) -> subprocess.Popen:
    argv = [sys.executable, "-m", "schemathesis.cli", "run", str(ROOT / "api_docs" / "openapi.json"),
            "--url", platform.base, "--max-examples", MAX_EXAMPLES, "--seed", "20260101",
            # the QR-login poll is a long-poll: `wait` may hold the answer for up to 25 s
            "--request-timeout", "30",
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
