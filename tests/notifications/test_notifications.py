from __future__ import annotations

import pytest

from app.notifications import service
from app.notifications.templates import character_string, phrase, thing
from tests.factories import auth_headers, make_account


class TestNotify:
    async def test_inbox_and_wechat_message(self, rt, sim):
        account = await make_account()
        await service.notify(account_id=account.id, kind="application_status", title="您的办件已受理",
                             body="营业执照设立登记已受理", wechat={"template": "application_status", "data": {
                                 "thing1": thing("营业执照设立登记"), "phrase2": phrase("已受理"),
                                 "character_string3": character_string("SJT2026000123")}})
        sent = sim.get("dev/messages", params={"touser": account.openid}).json()["messages"]
        assert len(sent) == 1 and sent[0]["template_id"] == "SJT-TPL-PROGRESS"
        assert await service.unread_count(account_id=account.id) == 1

    async def test_delivery_runs_once(self, rt, sim):
        account = await make_account()
        msg = await service.notify(account_id=account.id, kind="licence", title="t", body="b",
                                   wechat={"template": "licence", "data": {"thing1": thing("结婚证")}})
        assert await service.deliver_wechat(message_id=str(msg.id)) == "skipped"
        sent = sim.get("dev/messages", params={"touser": account.openid}).json()["messages"]
        assert len(sent) == 1

    async def test_exists_is_per_account_kind_and_ref(self, rt):
        account, other = await make_account(), await make_account()
        await service.notify(account_id=account.id, kind="appointment_booked", title="预约成功", body="b", ref="r1")
        assert await service.exists(account_id=account.id, kind="appointment_booked", ref="r1")
        assert not await service.exists(account_id=account.id, kind="appointment_cancelled", ref="r1")
        assert not await service.exists(account_id=account.id, kind="appointment_booked", ref="r2")
        assert not await service.exists(account_id=other.id, kind="appointment_booked", ref="r1")


class TestInbox:
    async def test_pages_walk_every_message_once_newest_first(self, rt):
        account, other = await make_account(), await make_account()
        made = [await service.notify(account_id=account.id, kind="k", title=f"第{i}条", body="b") for i in range(7)]
        await service.notify(account_id=other.id, kind="k", title="别人的", body="b")
        await service.mark_read(account_id=account.id, message_id=made[0].id)
        seen, cursor, pages = [], None, 0
        while True:
            rows, cursor, unread = await service.inbox(account_id=account.id, unread_only=False, cursor=cursor,
                                                       limit=3)
            assert unread == 6
            seen += [m.id for m in rows]
            pages += 1
            if cursor is None:
                break
        assert pages == 3 and seen == [m.id for m in reversed(made)]
        first, _ = await service.list_messages(account_id=account.id, unread_only=False, cursor=None, limit=3)
        assert [m.id for m in first] == seen[:3] and first[0].title == "第6条"

    async def test_unread_only_and_an_empty_inbox(self, rt):
        account = await make_account()
        assert await service.inbox(account_id=account.id, unread_only=False, cursor=None, limit=20) == ([], None, 0)
        read = await service.notify(account_id=account.id, kind="k", title="a", body="b")
        unread_msg = await service.notify(account_id=account.id, kind="k", title="b", body="b")
        await service.mark_read(account_id=account.id, message_id=read.id)
        rows, cursor, unread = await service.inbox(account_id=account.id, unread_only=True, cursor=None, limit=20)
        assert [m.id for m in rows] == [unread_msg.id] and cursor is None and unread == 1
        assert rows[0].read_at is None and rows[0].created_at.tzinfo is not None


class TestTemplates:
    @pytest.mark.parametrize("text", ["一个非常非常长的事项名称超过了二十个字符的限制啊", "短"])
    def test_thing_fits(self, text):
        assert len(thing(text)["value"]) <= 20

    def test_phrase_is_at_most_five_han(self):
        assert phrase("需要补正材料")["value"] == "需要补正材"
        assert phrase("OK")["value"] == "已更新"


class TestInboxApi:
    async def test_list_read_and_privacy(self, client, rt):
        alice, bob = await make_account(), await make_account()
        m = await service.notify(account_id=alice.id, kind="k", title="标题", body="内容")
        r = await client.get("/api/v1/messages", headers=await auth_headers(alice))
        assert r.status_code == 200 and r.json()["unread"] == 1 and r.json()["items"][0]["title"] == "标题"
        r = await client.post(f"/api/v1/messages/{m.id}/read", headers=await auth_headers(bob))
        assert r.status_code == 404
        r = await client.post(f"/api/v1/messages/{m.id}/read", headers=await auth_headers(alice))
        assert r.json() == {"updated": 1}
        r = await client.get("/api/v1/messages?unread=true", headers=await auth_headers(alice))
        assert r.json()["items"] == [] and r.json()["unread"] == 0

    async def test_cursor_pagination_is_stable(self, client, rt):
        alice = await make_account()
        for i in range(5):
            await service.notify(account_id=alice.id, kind="k", title=f"m{i}", body="b")
        headers = await auth_headers(alice)
        seen, cursor = [], None
        while True:
            r = await client.get("/api/v1/messages", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                                 headers=headers)
            seen += [m["title"] for m in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == [f"m{i}" for i in range(5)] and len(seen) == 5

    async def test_bad_cursor_is_422(self, client, rt):
        alice = await make_account()
        r = await client.get("/api/v1/messages?cursor=%%%", headers=await auth_headers(alice))
        assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_CURSOR"


class TestAfterCommit:
    async def test_wechat_send_waits_for_commit_and_is_dropped_on_rollback(self, rt, sim):
        from app.core.transactions import in_transaction

        account = await make_account()
        data = {"template": "licence", "data": {"thing1": thing("结婚证")}}

        def sent() -> int:
            return len(sim.get("dev/messages", params={"touser": account.openid}).json()["messages"])

        async with in_transaction():
            await service.notify(account_id=account.id, kind="licence", title="t", body="b", wechat=data)
            assert sent() == 0  # a worker must not see the task before the row is committed
        assert sent() == 1
        with pytest.raises(RuntimeError):
            async with in_transaction():
                await service.notify(account_id=account.id, kind="licence", title="t", body="b", wechat=data)
                raise RuntimeError("rolled back")
        assert sent() == 1

class TestResendPending:
    """A send left behind by a dead worker is queued again, and still reaches WeChat once."""

    async def _stuck(self, account, *, claimed_ago: float | None, error: str | None = None):
        from datetime import timedelta

        from app.core import clock
        from app.notifications.models import Message

        msg = await Message.create(account_id=account.id, kind="licence", title="t", body="b",
                                   wechat={"template": "licence", "data": {"thing1": thing("结婚证")}},
                                   wechat_error=error,
                                   wechat_claimed_at=None if claimed_ago is None
                                   else clock.now() - timedelta(seconds=claimed_ago))
        return msg

    async def test_expired_lease_is_sent_exactly_once(self, rt, sim):
        account = await make_account()
        msg = await self._stuck(account, claimed_ago=service.send_lease() + 5)
        fresh = await self._stuck(account, claimed_ago=1)  # a live worker is sending this one
        assert await service.resend_pending() == 1
        assert await service.resend_pending() == 0
        sent = sim.get("dev/messages", params={"touser": account.openid}).json()["messages"]
        assert len(sent) == 1
        await msg.refresh_from_db()
        await fresh.refresh_from_db()
        assert msg.wechat_sent_at is not None and fresh.wechat_sent_at is None

    async def test_never_started_sends_are_queued_after_a_while(self, rt, sim):
        from datetime import timedelta

        from app.core import clock

        account = await make_account()
        await self._stuck(account, claimed_ago=None)
        await self._stuck(account, claimed_ago=None, error="no openid")  # given up: not retried
        assert await service.resend_pending() == 0  # may still be in the queue
        clock.advance(timedelta(minutes=6))
        assert await service.resend_pending() == 1
        assert len(sim.get("dev/messages", params={"touser": account.openid}).json()["messages"]) == 1
