"""Uploaded files: the bytes live in the storage layer, the row says who owns them."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class File(Model):
    """An uploaded file (jpg, png or pdf) owned by the account it was uploaded for."""

    id = fields.UUIDField(primary_key=True)
    owner_id = fields.UUIDField(db_index=True)  # whose file it is
    uploaded_by = fields.UUIDField()  # who sent it (an agent acting for the owner, later)
    content_type = fields.CharField(max_length=64)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64, db_index=True)
    storage_key = fields.CharField(max_length=255, unique=True)
    original_name = fields.CharField(max_length=128, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "uploaded_file"
