from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class FileOut(BaseModel):
    id: str
    content_type: str = Field(description="按文件内容识别的类型：image/jpeg、image/png 或 application/pdf")
    size: int = Field(description="字节数")
    sha256: str
    original_name: str
    owner_id: str = Field(description="文件所属人（代办上传时为被代办人）")
    uploaded_by: str = Field(description="上传人（本人或代办员）")
    content_url: str
    created_at: datetime

    @classmethod
    def of(cls, f) -> "FileOut":
        return cls(id=str(f.id), content_type=f.content_type, size=f.size, sha256=f.sha256,
                   original_name=f.original_name, owner_id=str(f.owner_id), uploaded_by=str(f.uploaded_by), content_url=f"/api/v1/files/{f.id}/content",
                   created_at=f.created_at)
