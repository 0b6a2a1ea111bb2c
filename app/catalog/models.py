"""Catalogue models: regions (GB/T 2260) and service halls. Items and materials build on these."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Region(Model):
    """An administrative division: province, city, county, township or village (12-digit codes
    below county level, as the statistical division codes)."""

    code = fields.CharField(max_length=12, primary_key=True)
    name = fields.CharField(max_length=64)
    level = fields.CharField(max_length=16)  # province|city|county|township|village
    parent_code = fields.CharField(max_length=12, null=True, db_index=True)

    class Meta:
        table = "region"


class Hall(Model):
    """A government service hall (政务服务大厅 / 便民服务中心) with its counter windows."""

    id = fields.UUIDField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=128)
    region_code = fields.CharField(max_length=12, db_index=True)
    address = fields.CharField(max_length=255)
    phone = fields.CharField(max_length=32, default="")
    opening_hours = fields.JSONField(default=dict)  # {"mon": ["09:00-12:00", "13:30-17:30"], ...}
    windows = fields.JSONField(default=list)  # [{"no": "A01", "group": "A", "name": "综合受理"}]
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)

    class Meta:
        table = "hall"
