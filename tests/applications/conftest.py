"""Fixtures for applications: the 2026 calendar, an item, people of each role and an API helper."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.calendar import service as calendar
from app.core import clock
from app.identity.models import Role
from app.seed import load_json
from tests.factories import GOOD_FORM, auth_headers, complete_materials, make_account, make_application_item, make_reviewer

API = "/api/v1"


@pytest.fixture
async def cal(rt):
    calendar.invalidate()
    await calendar.load_year(data=load_json("holidays-cn-2026.json"))
    clock.freeze(datetime(2026, 11, 2, 10, 0))  # Monday
    yield
    calendar.invalidate()


@pytest.fixture
async def item(cal):
    return await make_application_item()


@pytest.fixture
async def alice(rt):
    return await make_account(Role.RESIDENT, real_name="张三丰")


@pytest.fixture
async def reviewer(rt):
    return await make_reviewer()


class Api:
    def __init__(self, client):
        self.client = client
        self._headers: dict = {}

    async def h(self, account) -> dict:
        """Auth headers, re-issued when a test has moved the clock past the token's life."""
        issued = self._headers.get(account.id)
        if issued is None or abs((clock.now() - issued[0]).total_seconds()) > 300:
            issued = self._headers[account.id] = (clock.now(), await auth_headers(account))
        return issued[1]

    async def call(self, method: str, path: str, account=None, **kw):
        headers = {**(await self.h(account) if account is not None else {}), **kw.pop("headers", {})}
        return await self.client.request(method, f"{API}{path}", headers=headers, **kw)

    async def draft(self, account, item, **body) -> dict:
        r = await self.call("POST", "/applications", account, json={"item_code": item.code, **body})
        assert r.status_code == 201, r.text
        return r.json()["items"][0]

    async def submitted(self, account, item) -> dict:
        app = await self.draft(account, item, form=GOOD_FORM, materials=await complete_materials(account))
        r = await self.call("POST", f"/applications/{app['id']}/submit", account)
        assert r.status_code == 200, r.text
        return r.json()

    async def review(self, reviewer, app_id: str, action: str, **body):
        return await self.call("POST", f"/review/applications/{app_id}/{action}", reviewer, json=body)

    async def accepted(self, account, item, reviewer) -> dict:
        app = await self.submitted(account, item)
        r = await self.review(reviewer, app["id"], "accept")
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture
def api(client):
    return Api(client)
