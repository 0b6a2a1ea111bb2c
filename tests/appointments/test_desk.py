from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from app.appointments import counters, service, tickets
from app.core import clock
from app.core.errors import AppError
from tests.factories import auth_headers, make_account


async def _booked(w, person):
    appt, _ = await service.book(principal_id=person.id, actor_id=person.id, hall_id=w.hall.id,
                                 item_code=w.item.code, slot_id=w.slot.id)
    return appt


def _payload(appt) -> str:
    return tickets.sign(appointment_id=appt.id, issued_at=appt.created_at)


class TestCheckIn:
    async def test_scan_gives_queue_numbers_and_serve(self, client, world):
        a, b = await _booked(world, world.alice), await _booked(world, world.bob)
        clock.freeze(a.starts_at - timedelta(minutes=10))
        staff = await auth_headers(world.staff)
        r = await client.post("/api/v1/counter/scan", json={"payload": _payload(a)}, headers=staff)
        assert r.status_code == 200, r.text
        assert r.json()["kind"] == "appointment" and r.json()["result"]["queue_no"] == "A001"
        assert r.json()["result"]["person"] == "张*明"
        r = await client.post("/api/v1/counter/scan", json={"payload": _payload(b)}, headers=staff)
        assert r.json()["result"]["queue_no"] == "A002"
        r = await client.post("/api/v1/counter/scan", json={"payload": _payload(a)}, headers=staff)
        assert r.status_code == 409 and r.json()["error"]["code"] == "ALREADY_CHECKED_IN"
        r = await client.get("/api/v1/counter/queue", headers=staff)
        assert [x["queue_no"] for x in r.json()["items"]] == ["A001", "A002"]
        r = await client.post(f"/api/v1/appointments/{a.id}/serve", headers=staff)
        assert r.status_code == 200 and r.json()["status"] == "served"
        r = await client.post(f"/api/v1/appointments/{a.id}/serve", headers=staff)
        assert r.status_code == 409 and r.json()["error"]["code"] == "NOT_CHECKED_IN"
        r = await client.post(f"/api/v1/appointments/{b.id}/serve", headers=await auth_headers(world.other_staff))
        assert r.status_code == 404
        r = await client.post(f"/api/v1/appointments/{b.id}/serve", headers=await auth_headers(world.alice))
        assert r.status_code == 403

    async def test_wrong_hall_is_403(self, client, world):
        a = await _booked(world, world.alice)
        clock.freeze(a.starts_at)
        r = await client.post("/api/v1/counter/scan", json={"payload": _payload(a)},
                              headers=await auth_headers(world.other_staff))
        assert r.status_code == 403 and r.json()["error"]["code"] == "WRONG_HALL"

    @pytest.mark.parametrize("tamper", ["flip_body", "flip_mac", "truncate", "forge_key", "garbage"])
    async def test_forged_or_altered_ticket(self, client, world, tamper):
        a = await _booked(world, world.alice)
        clock.freeze(a.starts_at)
        payload = _payload(a)
        body, mac = payload[len(tickets.PREFIX):].split(".")
        if tamper == "flip_body":  # another appointment id with the old signature
            raw = bytearray(base64.urlsafe_b64decode(body + "=="))
            raw[0] ^= 1
            payload = tickets.PREFIX + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=") + "." + mac
        elif tamper == "flip_mac":
            payload = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
        elif tamper == "truncate":
            payload = payload[:-6]
        elif tamper == "forge_key":
            import hashlib
            import hmac
            raw = base64.urlsafe_b64decode(body + "==")
            fake = hmac.new(b"k" * 32, b"SJT1:A|" + raw, hashlib.sha256).digest()[:16]
            payload = tickets.PREFIX + body + "." + base64.urlsafe_b64encode(fake).decode().rstrip("=")
        else:
            payload = "SJT1:A:not-a-ticket"
        r = await client.post("/api/v1/counter/scan", json={"payload": payload},
                              headers=await auth_headers(world.staff))
        assert r.status_code == 422 and r.json()["error"]["code"] == "TICKET_INVALID"
        assert "篡改" in r.json()["error"]["message"]

    async def test_not_today_too_early_too_late_cancelled(self, world):
        a = await _booked(world, world.alice)
        with pytest.raises(AppError) as e:
            await service.check_in_by_scan(payload=_payload(a), staff=world.staff)
        assert e.value.code == "NOT_TODAY"
        clock.freeze(a.starts_at - timedelta(minutes=61))
        with pytest.raises(AppError) as e:
            await service.check_in_by_scan(payload=_payload(a), staff=world.staff)
        assert e.value.code == "TOO_EARLY"
        clock.freeze(a.ends_at + timedelta(minutes=16))
        with pytest.raises(AppError) as e:
            await service.check_in_by_scan(payload=_payload(a), staff=world.staff)
        assert e.value.code == "TOO_LATE"

    async def test_queue_number_survives_redis_losing_its_counter(self, world, redis):
        a, b = await _booked(world, world.alice), await _booked(world, world.bob)
        clock.freeze(a.starts_at)
        _, first = await service.check_in_by_scan(payload=_payload(a), staff=world.staff)
        await redis.delete(counters.queue_key(world.hall.id, a.day, "A"))
        _, second = await service.check_in_by_scan(payload=_payload(b), staff=world.staff)
        assert first["queue_no"] == "A001" and second["queue_no"] == "A002"


class TestDetail:
    async def test_detail_ticket_png_and_materials(self, client, world):
        import zxingcpp
        from PIL import Image
        import io

        a = await _booked(world, world.alice)
        h = await auth_headers(world.alice)
        r = await client.get(f"/api/v1/appointments/{a.id}", headers=h)
        body = r.json()
        assert r.status_code == 200 and body["hall"]["address"] == world.hall.address
        assert body["window_group"] == "A" and body["window_names"] == ["A01", "A02"]
        assert [m["name"] for m in body["materials"]] == ["材料1", "材料2"]
        png = base64.b64decode(body["ticket"]["png_base64"])
        [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
        assert decoded.text == body["ticket"]["payload"] and decoded.text.startswith("SJT1:A:")
        assert tickets.verify(decoded.text)[0] == a.id
        r = await client.get(f"/api/v1/appointments/{a.id}/ticket.png", headers=h)
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        r = await client.get("/api/v1/appointments", headers=h)
        assert [x["id"] for x in r.json()["items"]] == [str(a.id)] and r.json()["items"][0]["materials"] == []
        r = await client.get("/api/v1/appointments", headers=await auth_headers(world.bob))
        assert r.json()["items"] == []

    async def test_agent_without_on_behalf_and_unknown_delegation(self, client, world):
        agent = await make_account("agent")
        body = {"hall_id": str(world.hall.id), "item_code": world.item.code, "slot_id": str(world.slot.id)}
        r = await client.post("/api/v1/appointments", json=body, headers=await auth_headers(agent))
        assert r.status_code == 403 and r.json()["error"]["code"] == "ON_BEHALF_REQUIRED"
        r = await client.post("/api/v1/appointments", json=body, headers={**await auth_headers(world.staff)})
        assert r.status_code == 403 and r.json()["error"]["code"] == "ROLE_FORBIDDEN"
