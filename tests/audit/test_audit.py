"""Audit trail: hash chain, tamper detection, concurrent appends, admin reader, retention."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import orjson
import pytest

from app.audit import service
from app.audit.models import AuditCheckpoint, AuditEvent
from app.audit.tasks import apply_retention as retention_task
from app.core import clock
from app.identity.models import Role
from tests.factories import auth_headers, make_account


class TestRecord:
    async def test_chain_links_events(self, rt):
        a = await service.record(action="test.one", actor_id="u1", ip="10.0.0.1", details={"k": 1})
        b = await service.record(action="test.two", actor_id="u1", on_behalf_of="u2", target_type="case",
                                 target_id="c1", outcome="failure")
        assert (a.seq, b.seq) == (1, 2) and a.prev_hash == service.GENESIS and b.prev_hash == a.hash
        assert (await service.verify_chain())["ok"] is True

    async def test_concurrent_writers_do_not_fork_the_chain(self, rt):
        await asyncio.gather(*(service.record(action="test.concurrent", details={"i": i}) for i in range(30)))
        rows = await AuditEvent.all().order_by("seq")
        assert [r.seq for r in rows] == list(range(1, 31))
        assert len({r.prev_hash for r in rows}) == 30
        report = await service.verify_chain()
        assert report["ok"] and report["checked"] == 30

    async def test_writers_of_different_workers_do_not_fork_the_chain(self, rt):
        # bypass the per-worker lock, as separate processes would: the unique seq must decide
        fields = {"actor_id": None, "on_behalf_of": None, "target_type": "", "target_id": "", "outcome": "success",
                  "ip": "", "request_id": ""}
        await asyncio.gather(*(service._append({**fields, "action": f"w{i}", "details": {}}) for i in range(12)))
        rows = await AuditEvent.all().order_by("seq")
        assert [r.seq for r in rows] == list(range(1, 13))
        assert (await service.verify_chain())["ok"]

    @pytest.mark.parametrize("change", [
        {"outcome": "success"}, {"actor_id": "someone-else"}, {"details": {"k": 2}}, {"ip": "1.2.3.4"}])
    async def test_modified_event_breaks_the_chain(self, rt, change):
        await service.record(action="a", actor_id="u1", outcome="failure", details={"k": 1})
        target = await service.record(action="b", actor_id="u1", outcome="failure", details={"k": 1})
        await service.record(action="c")
        await AuditEvent.filter(id=target.id).update(**change)
        report = await service.verify_chain()
        assert report["ok"] is False and report["first_bad_seq"] == 2 and report["event_id"] == str(target.id)

    async def test_recomputed_hash_still_breaks_the_link(self, rt):
        await service.record(action="a")
        target = await service.record(action="b")
        await service.record(action="c")
        await AuditEvent.filter(id=target.id).update(hash="f" * 64)
        report = await service.verify_chain()
        assert report["ok"] is False and report["first_bad_seq"] == 2

    async def test_deleted_event_is_reported(self, rt):
        for name in "abc":
            await service.record(action=name)
        await AuditEvent.filter(seq=2).delete()
        report = await service.verify_chain()
        assert report["ok"] is False and "missing" in report["problem"]


class TestReader:
    async def test_admin_lists_filters_and_pages(self, client, rt):
        admin = await make_account(Role.ADMIN)
        for i in range(5):
            await service.record(action="auth.password.login", actor_id="u1", outcome="failure" if i % 2 else "success")
        await service.record(action="identity.realname", actor_id="u2")
        headers = await auth_headers(admin)
        r = await client.get("/api/v1/audit/events", params={"action": "auth.", "outcome": "failure"}, headers=headers)
        assert r.status_code == 200 and len(r.json()["items"]) == 2
        seen, cursor = [], None
        while True:
            params = {"limit": 2, "actor_id": "u1", **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/api/v1/audit/events", params=params, headers=headers)).json()
            seen += [e["seq"] for e in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == [1, 2, 3, 4, 5] and len(seen) == 5
        verify = await client.get("/api/v1/audit/verify", headers=headers)
        assert verify.status_code == 200 and verify.json()["ok"] is True and verify.json()["checked"] == 6

    async def test_time_filters(self, client, rt):
        clock.freeze(clock.now())
        await service.record(action="early")
        clock.advance(timedelta(days=2))
        await service.record(action="late")
        headers = await auth_headers(await make_account(Role.ADMIN))
        cut = (clock.local_now() - timedelta(days=1)).replace(tzinfo=None).isoformat()
        for params, expected in (({"since": cut}, ["late"]), ({"until": cut}, ["early"]),
                                 ({"since": cut + "+08:00"}, ["late"])):
            r = await client.get("/api/v1/audit/events", params=params, headers=headers)
            assert r.status_code == 200 and [e["action"] for e in r.json()["items"]] == expected
        r = await client.get("/api/v1/audit/events", params={"since": "yesterday"}, headers=headers)
        assert r.status_code == 422

    async def test_only_admins(self, client, rt):
        for role in (Role.RESIDENT, Role.REVIEWER, Role.COUNTER):
            r = await client.get("/api/v1/audit/events", headers=await auth_headers(await make_account(role)))
            assert r.status_code == 403
        assert (await client.get("/api/v1/audit/verify")).status_code == 401

    async def test_request_id_and_ip_are_recorded_from_http(self, client, rt):
        staff = await make_account(Role.ADMIN, password="Str0ng!Pass#2026")
        await client.post("/api/v1/auth/password/login", json={"username": staff.username, "password": "wrong"},
                          headers={"X-Request-ID": "req-abcdef123", "X-Forwarded-For": "1.68.3.4"})
        event = await AuditEvent.get(action="auth.password.login")
        assert event.request_id == "req-abcdef123" and event.ip == "1.68.3.4" and event.outcome == "failure"


class TestRetention:
    async def test_old_events_archived_and_chain_still_verifies(self, rt):
        clock.freeze(clock.now())
        for i in range(3):
            await service.record(action="old", details={"i": i})
        clock.advance(timedelta(days=100))
        young = await service.record(action="young")
        clock.advance(timedelta(days=90))  # the first three are now 190 days old, the fourth 90
        result = await retention_task()
        assert result["removed"] == 3 and result["last_seq"] == 3
        assert [e.seq for e in await AuditEvent.all().order_by("seq")] == [4]
        archived = (await rt.storage.get(result["archive_key"])).decode().strip().splitlines()
        assert [orjson.loads(line)["seq"] for line in archived] == [1, 2, 3]
        checkpoint = await AuditCheckpoint.get()
        assert checkpoint.last_hash == young.prev_hash
        report = await service.verify_chain()
        assert report["ok"] and report["checked"] == 1 and report["checkpoint_seq"] == 3
        after = await service.record(action="after")
        assert after.seq == 5 and (await service.verify_chain())["ok"]
        assert (await service.apply_retention())["removed"] == 0

    async def test_nothing_young_is_removed_and_empty_chain_after_full_purge(self, rt):
        clock.freeze(clock.now())
        await service.record(action="a")
        assert (await service.apply_retention())["removed"] == 0
        clock.advance(timedelta(days=181))
        assert (await service.apply_retention())["removed"] == 1
        assert (await service.verify_chain())["ok"]
        nxt = await service.record(action="b")
        assert nxt.seq == 2 and (await service.verify_chain())["ok"]

    def test_retention_setting_has_a_floor(self):
        from pydantic import ValidationError

        from app.core.config import load_settings

        with pytest.raises(ValidationError):
            load_settings(AUDIT_RETENTION_DAYS=30)
