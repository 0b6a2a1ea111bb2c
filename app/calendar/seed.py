from __future__ import annotations

from app.calendar import service
from app.seed import load_json


async def seed() -> dict[str, int]:
    return await service.load_year(data=load_json("holidays-cn-2026.json"))
