"""Uploads: POST files (multipart), file metadata and content for the owner only."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from sanic import Blueprint, HTTPResponse, Request

from app.agents import service as agents
from app.core import ratelimit
from app.core.api import endpoint
from app.core.errors import ValidationFailed
from app.files import service
from app.files.schemas import FileOut
from app.identity.auth import require

bp = Blueprint("files")

UPLOAD_FORM = {
    "type": "object",
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "JPG、PNG 或 PDF，按内容识别类型，大小受上传上限约束"}},
    "required": ["file"],
}


@bp.post("/files")
@endpoint(multipart=UPLOAD_FORM, response=FileOut, status=201, summary="上传文件（材料、照片）", tag="files",
          auth=require(), errors=(400, 413, 422, 429))
async def upload(request: Request):
    acting = await agents.on_behalf(request, agents_must_delegate=False)  # an agent's own upload: a consent form
    account = acting.actor
    await ratelimit.hit(f"files:upload:{account.id}", limit=60, window=60, message="上传过于频繁，请稍后再试")
    upload_file = request.files.get("file") if request.files else None
    if upload_file is None:
        raise ValidationFailed.field("file", "请选择要上传的文件（表单字段 file）", code="FILE_REQUIRED")
    row = await service.store_upload(owner_id=acting.principal.id, actor_id=account.id, data=upload_file.body,
                                     filename=upload_file.name)
    return FileOut.of(row)


@bp.get("/files/<file_id:uuid>")
@endpoint(response=FileOut, summary="文件信息", tag="files", auth=require(), errors=(404,))
async def get_file(request: Request, file_id: uuid.UUID):
    acting = await agents.on_behalf(request, agents_must_delegate=False)
    return FileOut.of(await service.get_owned_file(file_id=file_id, owner_id=acting.principal.id))


@bp.get("/files/<file_id:uuid>/content")
@endpoint(summary="下载文件内容（仅本人）", tag="files", auth=require(), errors=(404,))
async def get_content(request: Request, file_id: uuid.UUID):
    acting = await agents.on_behalf(request, agents_must_delegate=False)
    row = await service.get_owned_file(file_id=file_id, owner_id=acting.principal.id)
    data = await service.read_content(file=row)
    name = row.original_name or f"{row.id}"
    return HTTPResponse(data, content_type=row.content_type, headers={
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=3600",
    })


from app.agents.docs import on_behalf_header  # noqa: E402

on_behalf_header(upload, get_file, get_content)
