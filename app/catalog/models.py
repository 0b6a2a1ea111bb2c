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


class ServiceItem(Model):
    """A government service item (政务服务事项) with the standard guide elements."""

    id = fields.UUIDField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)  # 事项编码
    name = fields.CharField(max_length=128)
    aliases = fields.JSONField(default=list)
    search_text = fields.TextField(default="")  # name + aliases + pinyin initials, for search
    pinyin_forms = fields.JSONField(default=list, null=True)  # [[initials, full]] of name and aliases, for ranking
    type = fields.CharField(max_length=16)  # 行政许可|行政确认|行政给付|行政裁决|行政奖励|其他行政权力|公共服务
    department = fields.CharField(max_length=64, db_index=True)
    implementer = fields.CharField(max_length=128, default="")  # 实施主体, e.g. 清徐县公安局
    level = fields.CharField(max_length=16, db_index=True)  # province|city|county|township|village
    region_code = fields.CharField(max_length=12, db_index=True)
    audience = fields.CharField(max_length=16, default="person")  # person|legal_person|both
    topics = fields.JSONField(default=list)
    legal_basis = fields.TextField(default="")
    conditions = fields.TextField(default="")
    steps = fields.JSONField(default=list)
    legal_days = fields.SmallIntField(default=20)  # 法定办结时限（工作日）
    promised_days = fields.SmallIntField(default=10)  # 承诺办结时限（工作日）
    fee_fen = fields.IntField(default=0)
    fee_basis = fields.TextField(default="")
    nontax_code = fields.CharField(max_length=32, null=True)  # 非税收入项目编码
    online_depth = fields.SmallIntField(default=3)  # 1 公开 · 2 下载/预约 · 3 在线预审 · 4 全程网办
    mobile_enabled = fields.BooleanField(default=True)
    bookable = fields.BooleanField(default=False)
    deliverable = fields.BooleanField(default=False)
    smart_approval = fields.BooleanField(default=False)  # 秒批/即办
    produces_license_type = fields.CharField(max_length=32, null=True)
    form_schema = fields.JSONField(default=dict)  # JSON Schema of the online form
    topic_index = fields.TextField(default="")  # "|topic1|topic2|" so topic filters run in SQL
    visits = fields.SmallIntField(default=1)  # 到办事现场次数 (0 = 零跑动)
    result_name = fields.CharField(max_length=128, default="")  # 办理结果名称
    notes = fields.TextField(default="")  # 注意事项
    consult_phone = fields.CharField(max_length=32, default="0351-96303")
    complaint_phone = fields.CharField(max_length=32, default="12345")
    published = fields.BooleanField(default=True)
    halls: fields.ManyToManyRelation[Hall] = fields.ManyToManyField(
        "models.Hall", related_name="items", through="item_hall")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "service_item"


class Material(Model):
    """A material (申请材料) an item asks for, which a wallet licence of license_type can satisfy."""

    id = fields.UUIDField(primary_key=True)
    item: fields.ForeignKeyRelation[ServiceItem] = fields.ForeignKeyField(
        "models.ServiceItem", related_name="materials", on_delete=fields.CASCADE)
    code = fields.CharField(max_length=32)  # stable within the item, e.g. "M01"
    name = fields.CharField(max_length=128)
    basis = fields.TextField(default="")
    format = fields.CharField(max_length=32, default="电子版")  # 纸质|电子版|纸质+电子版
    copies = fields.SmallIntField(default=1)
    original = fields.CharField(max_length=8, default="copy")  # original|copy|both
    required = fields.BooleanField(default=True)
    condition = fields.TextField(default="")  # when conditional (required=False), in which case
    sample_key = fields.CharField(max_length=255, null=True)
    template_key = fields.CharField(max_length=255, null=True)
    license_type = fields.CharField(max_length=32, null=True)
    sort = fields.SmallIntField(default=0)

    class Meta:
        table = "material"
        unique_together = (("item", "code"),)


class Topic(Model):
    """A service topic (主题分类) such as 婚育收养 or 企业开办, used to browse the catalogue."""

    code = fields.CharField(max_length=32, primary_key=True)
    name = fields.CharField(max_length=32)
    audience = fields.CharField(max_length=16, default="person")  # person|legal_person|both
    sort = fields.SmallIntField(default=0)

    class Meta:
        table = "topic"


class LifeEventBundle(Model):
    """A life-event bundle (一件事一次办) that applies for several service items at once."""

    id = fields.UUIDField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    aliases = fields.JSONField(default=list)
    description = fields.TextField(default="")
    department = fields.CharField(max_length=64, default="")  # 牵头部门
    audience = fields.CharField(max_length=16, default="person")
    promised_days = fields.SmallIntField(default=5)
    published = fields.BooleanField(default=True)
    sort = fields.SmallIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "life_event_bundle"


class BundleItem(Model):
    """One service item of a life-event bundle, in the order the bundle handles them."""

    id = fields.UUIDField(primary_key=True)
    bundle: fields.ForeignKeyRelation[LifeEventBundle] = fields.ForeignKeyField(
        "models.LifeEventBundle", related_name="entries", on_delete=fields.CASCADE)
    item: fields.ForeignKeyRelation[ServiceItem] = fields.ForeignKeyField(
        "models.ServiceItem", related_name="bundle_entries", on_delete=fields.CASCADE)
    sort = fields.SmallIntField(default=0)

    class Meta:
        table = "bundle_item"
        unique_together = (("bundle", "item"),)
