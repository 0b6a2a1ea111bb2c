"""Audit trail: append-only events linked by a hash chain, and retention checkpoints."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditEvent(Model):
    """One audited action, chained to the previous event by its hash (append-only)"""

    id = fields.UUIDField(primary_key=True)
    seq = fields.BigIntField(unique=True)  # the chain position: one writer wins each number
    actor_id = fields.CharField(max_length=64, null=True, db_index=True)
    on_behalf_of = fields.CharField(max_length=64, null=True, db_index=True)
    action = fields.CharField(max_length=64, db_index=True)
    target_type = fields.CharField(max_length=32, default="")
    target_id = fields.CharField(max_length=64, default="", db_index=True)
    outcome = fields.CharField(max_length=16, default="success")
    ip = fields.CharField(max_length=64, default="")
    request_id = fields.CharField(max_length=64, default="")
    details = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(db_index=True)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_event"


class AuditCheckpoint(Model):
    """Where the chain restarts after retention removed older events"""

    id = fields.BigIntField(primary_key=True)
    last_seq = fields.BigIntField()
    last_hash = fields.CharField(max_length=64)
    removed = fields.IntField()
    archive_key = fields.CharField(max_length=255, default="")
    cutoff = fields.DatetimeField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "audit_checkpoint"
