from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ScanIn(BaseModel):
    payload: str = Field(min_length=1, max_length=2048, description="扫码枪或摄像头读到的二维码内容")


class ScanOut(BaseModel):
    kind: str = Field(description="appointment（预约签到）或 licence（亮证核验）")
    result: dict[str, Any]
