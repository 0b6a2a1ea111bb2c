"""寄递: how the result of a completed application reaches the applicant (hall pickup or mail)."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class Method(str, Enum):
    PICKUP = "pickup"
    MAIL = "mail"


class DeliveryStatus(str, Enum):
    PENDING = "pending"  # chosen, the result is not out yet
    READY = "ready"  # 待领取 at the hall
    PICKED_UP = "picked_up"  # 已领取
    DISPATCHING = "dispatching"  # 待交寄: the result is out to be mailed, the courier has not yet taken the order
    SHIPPED = "shipped"  # 已交寄 (the courier has the order)
    COLLECTED = "collected"  # 已揽收
    IN_TRANSIT = "in_transit"  # 运输中
    OUT_FOR_DELIVERY = "out_for_delivery"  # 派送中
    DELIVERED = "delivered"  # 已签收


STATUS_LABELS = {
    DeliveryStatus.PENDING: "待出件", DeliveryStatus.READY: "待领取", DeliveryStatus.PICKED_UP: "已领取",
    DeliveryStatus.DISPATCHING: "待交寄", DeliveryStatus.SHIPPED: "已交寄", DeliveryStatus.COLLECTED: "已揽收", DeliveryStatus.IN_TRANSIT: "运输中",
    DeliveryStatus.OUT_FOR_DELIVERY: "派送中", DeliveryStatus.DELIVERED: "已签收",
}
# The courier's statuses in order: a shipment only moves forward along this list.
MAIL_STEPS = [DeliveryStatus.SHIPPED, DeliveryStatus.COLLECTED, DeliveryStatus.IN_TRANSIT,
              DeliveryStatus.OUT_FOR_DELIVERY, DeliveryStatus.DELIVERED]
CHANGEABLE = frozenset({DeliveryStatus.PENDING, DeliveryStatus.READY})


class Delivery(Model):
    """How one application's result is delivered, hall pickup or mail, and where it is now."""

    id = fields.UUIDField(primary_key=True)
    application_id = fields.UUIDField(unique=True)
    applicant_id = fields.UUIDField(db_index=True)
    item_name = fields.CharField(max_length=128)
    method = fields.CharEnumField(Method, max_length=8)
    status = fields.CharEnumField(DeliveryStatus, max_length=20, default=DeliveryStatus.PENDING, db_index=True)
    hall_id = fields.UUIDField(null=True)
    hall_name = fields.CharField(max_length=128, default="")
    pickup_code = fields.CharField(max_length=8, null=True, db_index=True)
    recipient_enc = fields.TextField(default="")  # encrypted, like phone and address detail
    phone_enc = fields.TextField(default="")
    region_code = fields.CharField(max_length=12, null=True)
    detail_enc = fields.TextField(default="")
    courier = fields.CharField(max_length=16, null=True)
    tracking_no = fields.CharField(max_length=32, null=True, unique=True)
    dispatched_at = fields.DatetimeField(null=True)  # result out: ready at the hall or handed to the courier
    finished_at = fields.DatetimeField(null=True)  # picked up or signed for
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "delivery"


class DeliveryEvent(Model):
    """One status of a delivery, with when it happened and the courier's or the hall's note."""

    id = fields.BigIntField(primary_key=True)
    delivery: fields.ForeignKeyRelation[Delivery] = fields.ForeignKeyField(
        "models.Delivery", related_name="events", on_delete=fields.CASCADE)
    status = fields.CharField(max_length=20)
    note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "delivery_event"
        ordering = ["created_at", "id"]
