"""Calls into other domains whose services the agents domain needs (one place to wire them)."""

from __future__ import annotations

import uuid

from app.core.errors import ValidationFailed


async def check_form_photo(*, file_id: uuid.UUID, owner_id: uuid.UUID) -> None:
    """The signed authorisation form must be an image the agent uploaded."""
    from app.files import service as files

    record = await files.get_owned_file(file_id=file_id, owner_id=owner_id)
    if not str(getattr(record, "content_type", "")).startswith(("image/", "application/pdf")):
        raise ValidationFailed.field("form_file_id", "授权书应为照片或PDF")
