"""Village and community service points, with the demo agents attached."""

from __future__ import annotations

from app.agents.models import ServicePoint

POINTS = [
    {"code": "SP-140121100201", "name": "清源镇东关村便民服务站", "kind": "village", "region_code": "140121100201",
     "address": "清徐县清源镇东关村村委会一层", "phone": "0351-5720201", "agent": "agent.zhao"},
    {"code": "SP-140728101201", "name": "段村镇段村便民服务站", "kind": "village", "region_code": "140728101201",
     "address": "平遥县段村镇段村村委会", "phone": "0354-5620201", "agent": "agent.qian"},
    {"code": "SP-140105001001", "name": "坞城街道坞城社区便民服务站", "kind": "community",
     "region_code": "140105001001", "address": "太原市小店区坞城路社区服务中心", "phone": "0351-7020001",
     "agent": None},
]
HOURS = {d: ["08:30-12:00", "14:30-17:30"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}


async def seed() -> dict[str, int]:
    from app.identity import service as identity

    for row in POINTS:
        data = {k: v for k, v in row.items() if k not in ("code", "agent")}
        point, _ = await ServicePoint.update_or_create(code=row["code"], defaults={**data, "opening_hours": HOURS})
        if row["agent"]:
            agent = await identity.find_by_username(username=row["agent"])
            if agent is not None:
                await identity.assign_service_point(account_id=agent.id, service_point_id=point.id)
                if point.lead_agent_id is None:
                    point.lead_agent_id = agent.id
                    await point.save(update_fields=["lead_agent_id"])
    return {"service_points": await ServicePoint.all().count()}
