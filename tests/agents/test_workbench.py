"""The agent workbench (residents, cases, due actions, point statistics) and case handover."""

from __future__ import annotations

from app.agents import service as agents
from app.applications import review
from app.applications.models import Application, ApplicationEvent
from app.audit.models import AuditEvent
from app.notifications.models import Message
from tests.agents.test_delegations import _delegation, _resident
from tests.agents.test_on_behalf import API, DAY, _booked, world  # noqa: F401 - the shared fixture
from tests.factories import GOOD_FORM, auth_headers, complete_materials, make_agent, make_point


def _as(headers: dict, delegation) -> dict:
    return {**headers, "X-On-Behalf-Of": str(delegation.id)}


async def _case_by_agent(client, w, *, submit: bool = True, delegation=None, agent=None) -> str:
    agent, delegation = agent or w.agent, delegation or w.delegation
    headers = _as(await auth_headers(agent), delegation)
    materials = await complete_materials(w.resident)
    r = await client.post(f"{API}/applications", json={"item_code": w.item.code, "form": GOOD_FORM,
                                                        "materials": materials}, headers=headers)
    assert r.status_code == 201, r.text
    app_id = r.json()["items"][0]["id"]
    if submit:
        assert (await client.post(f"{API}/applications/{app_id}/submit", headers=headers)).status_code == 200
    return app_id


class TestResidents:
    async def test_masked_with_state_scope_and_expiry(self, client, world):
        r = await client.get(f"{API}/agent/residents", headers=await auth_headers(world.agent))
        assert r.status_code == 200
        [row] = r.json()["items"]
        assert row["name"] == "李*花" and row["state"] == "active" and row["scope_items"] == [world.item.code]
        assert row["delegation_id"] == str(world.delegation.id) and row["expires_at"]
        assert world.id_number not in r.text

    async def test_residents_cannot_open_the_workbench(self, client, world):
        r = await client.get(f"{API}/agent/residents", headers=await auth_headers(world.resident))
        assert r.status_code == 403 and r.json()["error"]["code"] == "ROLE_FORBIDDEN"


class TestCases:
    async def test_my_cases_with_status(self, client, world):
        app_id = await _case_by_agent(client, world)
        other_agent = await make_agent()
        r = await client.get(f"{API}/agent/cases", headers=await auth_headers(world.agent))
        assert [(c["id"], c["status"], c["applicant_name"]) for c in r.json()["items"]] == [
            (app_id, "submitted", "李*花")]
        r = await client.get(f"{API}/agent/cases", params={"status": "draft"}, headers=await auth_headers(world.agent))
        assert r.json()["items"] == []
        r = await client.get(f"{API}/agent/cases", headers=await auth_headers(other_agent))
        assert r.json()["items"] == []


class TestDue:
    async def test_corrections_payments_and_todays_appointments(self, client, world):
        from app.core import clock

        needs_fix = await _case_by_agent(client, world)
        await review.request_correction(application_id=needs_fix, reviewer=world.reviewer,
                                        items=[{"material_code": "M02", "reason": "不清晰"}])
        to_pay = await _case_by_agent(client, world)
        await review.accept(application_id=to_pay, reviewer=world.reviewer)
        appt = await _booked(world, world.item)
        clock.freeze(clock.local_now().replace(year=DAY.year, month=DAY.month, day=DAY.day, hour=8))
        r = await client.get(f"{API}/agent/due", headers=await auth_headers(world.agent))
        assert r.status_code == 200, r.text
        body = r.json()
        assert [c["id"] for c in body["corrections"]] == [needs_fix]
        assert [c["id"] for c in body["payments"]] == [to_pay]
        assert [a["id"] for a in body["appointments_today"]] == [str(appt.id)]


class TestStats:
    async def test_per_point(self, client, world):
        await _case_by_agent(client, world)
        await _case_by_agent(client, world, submit=False)
        r = await client.get(f"{API}/agent/stats", headers=await auth_headers(world.agent))
        assert r.status_code == 200
        body = r.json()
        assert body["service_point_id"] == str(world.agent.service_point_id)
        assert body["delegations_active"] == 1 and body["delegations_this_month"] == 1
        assert body["cases_by_status"] == {"submitted": 1, "draft": 1} == body["cases_this_month"]


class TestHandover:
    async def _setup(self, world, *, receiver_delegated: bool = True):
        point = await agents.get_point(point_id=world.agent.service_point_id)
        lead = await make_agent(point, display_name="站长")
        point.lead_agent_id = lead.id
        await point.save()
        receiver = await make_agent(point, display_name="王芳")
        second = await _delegation(receiver, world.resident, items=[world.item.code]) if receiver_delegated else None
        return lead, receiver, second

    async def test_lead_hands_a_case_over(self, client, world):
        lead, receiver, second = await self._setup(world)
        app_id = await _case_by_agent(client, world)
        r = await client.post(f"{API}/agent/cases/{app_id}/handover", json={"to_agent_id": str(receiver.id)},
                              headers=await auth_headers(lead))
        assert r.status_code == 200, r.text
        assert (await Application.get(id=app_id)).agent_id == receiver.id
        # on the timeline, in the audit trail, and the resident is told
        event = await ApplicationEvent.get(application_id=app_id, action="handover")
        assert event.actor_id == lead.id and event.data["to_agent_id"] == str(receiver.id)
        audit = await AuditEvent.get(action="agents.case_handover", target_id=app_id)
        assert audit.actor_id == str(lead.id) and audit.details["from_agent_id"] == str(world.agent.id)
        assert await Message.filter(account_id=world.resident.id, ref=app_id, title__contains="代办员变更").exists()
        timeline = await client.get(f"{API}/applications/{app_id}", headers=await auth_headers(world.resident))
        assert [e["action"] for e in timeline.json()["timeline"]][-1] == "handover"
        # the receiver acts on it now; the previous agent no longer does
        r = await client.post(f"{API}/applications/{app_id}/withdraw", json={"reason": "x"},
                              headers=_as(await auth_headers(world.agent), world.delegation))
        assert r.status_code == 403 and r.json()["error"]["code"] == "CASE_OTHER_AGENT"
        r = await client.post(f"{API}/applications/{app_id}/withdraw", json={"reason": "居民改主意"},
                              headers=_as(await auth_headers(receiver), second))
        assert r.status_code == 200 and r.json()["status"] == "withdrawn"
        mine = await client.get(f"{API}/agent/cases", headers=await auth_headers(receiver))
        assert [c["id"] for c in mine.json()["items"]] == [app_id]

    async def test_receiver_without_the_residents_consent_is_409(self, client, world):
        lead, receiver, _ = await self._setup(world, receiver_delegated=False)
        app_id = await _case_by_agent(client, world)
        r = await client.post(f"{API}/agent/cases/{app_id}/handover", json={"to_agent_id": str(receiver.id)},
                              headers=await auth_headers(lead))
        assert r.status_code == 409 and r.json()["error"]["code"] == "HANDOVER_NEEDS_DELEGATION"
        assert (await Application.get(id=app_id)).agent_id == world.agent.id
        assert not await AuditEvent.filter(action="agents.case_handover").exists()

    async def test_only_the_lead_and_only_within_the_point(self, client, world):
        lead, receiver, _ = await self._setup(world)
        app_id = await _case_by_agent(client, world)
        r = await client.post(f"{API}/agent/cases/{app_id}/handover", json={"to_agent_id": str(receiver.id)},
                              headers=await auth_headers(world.agent))
        assert r.status_code == 403 and r.json()["error"]["code"] == "NOT_LEAD_AGENT"
        outsider = await make_agent(await make_point())
        r = await client.post(f"{API}/agent/cases/{app_id}/handover", json={"to_agent_id": str(outsider.id)},
                              headers=await auth_headers(lead))
        assert r.status_code == 409 and r.json()["error"]["code"] == "HANDOVER_AGENT_OTHER_POINT"
        # another point's lead does not see the case
        other_point = await make_point()
        other_lead = await make_agent(other_point)
        other_point.lead_agent_id = other_lead.id
        await other_point.save()
        r = await client.post(f"{API}/agent/cases/{app_id}/handover", json={"to_agent_id": str(receiver.id)},
                              headers=await auth_headers(other_lead))
        assert r.status_code == 404


class TestDelegationEnds:
    """An ended delegation (revoked or expired) takes the agent off the resident's cases: they leave the
    agent's workbench and stay with the resident, unchanged."""

    async def _lists(self, client, agent) -> tuple[list, list]:
        headers = await auth_headers(agent)
        cases = (await client.get(f"{API}/agent/cases", headers=headers)).json()["items"]
        due = (await client.get(f"{API}/agent/due", headers=headers)).json()
        return [c["id"] for c in cases], [c["id"] for c in due["corrections"] + due["payments"]]

    async def test_expiry_clears_the_agent_by_the_scheduled_task(self, client, world):
        from datetime import timedelta

        from app.agents.tasks import release_expired
        from app.core import clock

        app_id = await _case_by_agent(client, world)
        await review.accept(application_id=app_id, reviewer=world.reviewer)  # a fee is due: on the due list
        assert await self._lists(client, world.agent) == ([app_id], [app_id])
        clock.advance(timedelta(days=31))
        assert await release_expired() == 1
        app = await Application.get(id=app_id)
        assert app.agent_id is None and app.status.value == "accepted"
        assert await self._lists(client, world.agent) == ([], [])
        assert await release_expired() == 0  # done once
        r = await client.get(f"{API}/applications/{app_id}", headers=_as(await auth_headers(world.agent),
                                                                          world.delegation))
        assert r.status_code == 403 and r.json()["error"]["code"] == "DELEGATION_EXPIRED"
        mine = await client.get(f"{API}/applications/{app_id}", headers=await auth_headers(world.resident))
        assert mine.status_code == 200 and mine.json()["agent_id"] is None

    async def test_workbench_never_lists_an_expired_delegations_cases(self, client, world):
        from datetime import timedelta

        from app.core import clock

        app_id = await _case_by_agent(client, world)
        clock.advance(timedelta(days=31))  # the scheduled task has not run yet
        assert await self._lists(client, world.agent) == ([], [])
        assert (await Application.get(id=app_id)).agent_id is None
        r = await client.get(f"{API}/agent/stats", headers=await auth_headers(world.agent))
        assert r.json()["cases_by_status"] == {} and r.json()["delegations_active"] == 0

    async def test_task_is_scheduled(self):
        from app.agents.tasks import release_expired

        assert release_expired.labels["schedule"] == [{"cron": "*/10 * * * *"}]

    async def test_revocation_clears_it_at_once(self, client, world):
        app_id = await _case_by_agent(client, world)
        r = await client.delete(f"{API}/delegations/{world.delegation.id}", headers=await auth_headers(world.resident))
        assert r.status_code == 200
        assert (await Application.get(id=app_id)).agent_id is None
        assert await self._lists(client, world.agent) == ([], [])

    async def test_a_live_delegation_for_the_item_keeps_the_case(self, client, world):
        """Ending one delegation releases only the cases no other live delegation to that agent covers."""
        from datetime import timedelta

        from app.core import clock

        other_item = await _other_item_case(client, world)
        kept_id = await _case_by_agent(client, world)
        # a longer delegation to the same agent for the first item only
        await _delegation(world.agent, world.resident, items=[world.item.code], days=90)
        clock.advance(timedelta(days=31))
        assert await self._lists(client, world.agent) == ([kept_id], [])
        assert (await Application.get(id=other_item)).agent_id is None

    async def test_revoking_one_of_two_keeps_what_the_other_covers(self, client, world):
        second = await _delegation(world.agent, world.resident, items=None)  # everything
        app_id = await _case_by_agent(client, world)
        await agents.revoke(account=world.resident, delegation_id=world.delegation.id)
        assert (await Application.get(id=app_id)).agent_id == world.agent.id
        await agents.revoke(account=world.resident, delegation_id=second.id)
        assert (await Application.get(id=app_id)).agent_id is None


async def _other_item_case(client, w) -> str:
    """A case of `w.other` made by the agent under a delegation covering only that item (30 days)."""
    delegation = await _delegation(w.agent, w.resident, items=[w.other.code])
    headers = _as(await auth_headers(w.agent), delegation)
    r = await client.post(f"{API}/applications", json={"item_code": w.other.code, "form": GOOD_FORM}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["items"][0]["id"]
