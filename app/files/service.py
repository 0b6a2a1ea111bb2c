"""Uploads: sniff the type from the bytes, enforce the size limit, store, and hand files only to
their owner."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass

from app.core import clock, runtime
from app.core.errors import NotFound, PayloadTooLarge, ValidationFailed
from app.files.models import File

ALLOWED = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def sniff(data: bytes) -> Sniffed | None:
    """The real type of `data` from its magic bytes (and a decode check for images), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        kind = "image/jpeg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "image/png"
    elif data[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        kind = "application/pdf"
    else:
        return None
    if kind != "application/pdf" and not _image_decodes(data, "JPEG" if kind == "image/jpeg" else "PNG"):
        return None
    return Sniffed(kind, ALLOWED[kind])


def _image_decodes(data: bytes, fmt: str) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as img:
            img.verify()
        return True
    except Exception:  # noqa: BLE001 - any decoder error means "not a real image"
        return False


def sanitise_name(name: str | None) -> str:
    """A display name safe to store and echo: no path, no control characters, at most 128 chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    if len(name) > 128:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 127 - len(ext)] + dot + ext) if dot and len(ext) <= 8 else name[:128]
    return name


async def store_upload(*, owner_id: uuid.UUID | str, actor_id: uuid.UUID | str, data: bytes,
                       filename: str | None) -> File:
    """Check and store an upload for `owner_id`, sent by `actor_id` (the owner or their agent)."""
    limit = runtime.settings().upload_max_bytes
    if len(data) > limit:
        raise PayloadTooLarge(f"文件不能超过 {limit // (1024 * 1024) or 1} MB", code="FILE_TOO_LARGE",
                              details={"max_bytes": limit, "size": len(data)})
    if not data:
        raise ValidationFailed.field("file", "文件内容为空", code="FILE_EMPTY")
    kind = sniff(data)
    if kind is None:
        raise ValidationFailed("仅支持 JPG、PNG 图片和 PDF 文件（按文件内容识别）", code="FILE_TYPE_NOT_ALLOWED",
                               details={"fields": [{"field": "file", "message": "文件类型不支持"}],
                                        "allowed": sorted(ALLOWED)})
    file_id = uuid.uuid4()
    now = clock.now()
    key = f"uploads/{now:%Y/%m}/{owner_id}/{file_id}.{kind.extension}"
    await runtime.storage().put(key, data, kind.content_type)
    return await File.create(id=file_id, owner_id=owner_id, uploaded_by=actor_id,
                             content_type=kind.content_type, size=len(data),
                             sha256=hashlib.sha256(data).hexdigest(), storage_key=key,
                             original_name=sanitise_name(filename))


async def get_owned_file(*, file_id: uuid.UUID | str, owner_id: uuid.UUID | str) -> File:
    """A file owned by `owner_id` (404 for unknown files and other people's files alike)."""
    try:
        file_id = uuid.UUID(str(file_id))
    except ValueError:
        raise NotFound("文件不存在", code="FILE_NOT_FOUND") from None
    row = await File.get_or_none(id=file_id, owner_id=owner_id)
    if row is None:
        raise NotFound("文件不存在", code="FILE_NOT_FOUND")
    return row


async def get_file(*, file_id: uuid.UUID | str) -> File:
    """A file by id for a domain that has already checked the caller may see it (e.g. a reviewer
    reading the materials of a case in their scope); never expose this directly to clients."""
    try:
        file_id = uuid.UUID(str(file_id))
    except ValueError:
        raise NotFound("文件不存在", code="FILE_NOT_FOUND") from None
    row = await File.get_or_none(id=file_id)
    if row is None:
        raise NotFound("文件不存在", code="FILE_NOT_FOUND")
    return row


async def read_content(*, file: File) -> bytes:
    """The stored bytes of a file row the caller is already allowed to see."""
    return await runtime.storage().get(file.storage_key)
