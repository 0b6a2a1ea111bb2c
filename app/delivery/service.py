"""寄递 services: the applicant's choice, dispatch at completion, courier tracking, hall pickup."""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from datetime import timedelta

from app.applications import service as applications
from app.catalog import service as catalog
from app.core import clock, runtime
from app.core.crypto import decrypt, encrypt
from app.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.core.transactions import after_commit, in_transaction
from app.delivery import couriers
from app.delivery.models import (CHANGEABLE, MAIL_STEPS, STATUS_LABELS, Delivery, DeliveryEvent, DeliveryStatus,
                                 Method)

PHONE = re.compile(r"^1[3-9]\d{9}$")
CODE_ALPHABET = "23456789"
CLOSED_CASES = frozenset({"withdrawn", "not_accepted", "rejected"})
CONTEXT = "delivery_address"
SHIP_LOCK_SECONDS = 120  # one courier call at a time per delivery; longer than the courier's timeout
RETRY_AFTER = timedelta(minutes=2)  # a delivery waiting this long for the courier is queued again

log = logging.getLogger("sjt.delivery")


def address_of(delivery: Delivery) -> dict | None:
    """The decrypted mailing address (recipient, phone, region_code, detail), None for pickup."""
    if delivery.method != Method.MAIL:
        return None
    return {"recipient": decrypt(delivery.recipient_enc, context=CONTEXT),
            "phone": decrypt(delivery.phone_enc, context="phone"),
            "region_code": delivery.region_code, "detail": decrypt(delivery.detail_enc, context=CONTEXT)}


async def get_for_applicant(*, application_id: uuid.UUID, applicant_id: uuid.UUID) -> Delivery:
    """The delivery of the applicant's own case (404 when none or not theirs)."""
    delivery = await Delivery.get_or_none(application_id=application_id, applicant_id=applicant_id)
    if delivery is None:
        raise NotFound("该办件尚未选择取件方式", code="DELIVERY_NOT_FOUND")
    return delivery


async def events(*, delivery_id: uuid.UUID) -> list[DeliveryEvent]:
    """The delivery's statuses, oldest first."""
    return await DeliveryEvent.filter(delivery_id=delivery_id).order_by("created_at", "id")


async def _check_address(address: dict | None) -> dict:
    if not address:
        raise ValidationFailed.field("address", "邮寄须填写收件地址", code="ADDRESS_REQUIRED")
    problems = []
    if not (address.get("recipient") or "").strip():
        problems.append({"field": "address.recipient", "message": "请填写收件人"})
    if not PHONE.fullmatch(address.get("phone") or ""):
        problems.append({"field": "address.phone", "message": "请填写11位手机号码"})
    if not await catalog.region_exists(code=address.get("region_code") or ""):
        problems.append({"field": "address.region_code", "message": "区划代码不存在"})
    elif not str(address["region_code"]).startswith("14"):
        problems.append({"field": "address.region_code", "message": "目前仅支持寄递到山西省内"})
    if not (address.get("detail") or "").strip():
        problems.append({"field": "address.detail", "message": "请填写详细地址"})
    if problems:
        raise ValidationFailed(problems[0]["message"], code="ADDRESS_INVALID", details={"fields": problems})
    return address


async def _pickup_hall(item, hall_code: str | None):
    halls = await catalog.item_halls(item_id=item.id)
    if hall_code:
        match = [h for h in halls if h.code == hall_code]
        if not match:
            raise ValidationFailed.field("hall_code", "该大厅不办理此事项的取件", code="HALL_NOT_FOR_ITEM")
        return match[0]
    if not halls:
        raise Conflict("该事项没有可取件的大厅，请选择邮寄", code="NO_PICKUP_HALL")
    return halls[0]


async def choose(*, application_id: uuid.UUID, applicant_id: uuid.UUID, method: Method, hall_code: str | None = None,
                 address: dict | None = None, actor_id: uuid.UUID | None = None) -> Delivery:
    """Choose (or change, until the result is dispatched) hall pickup or mail for a deliverable item."""
    actor_id = actor_id or applicant_id
    app = await applications.get_own(application_id=application_id, applicant_id=applicant_id)
    item = await catalog.get_item_by_id(item_id=app.item_id)
    if not item.deliverable:
        raise Conflict("该事项的办理结果不提供寄递", code="ITEM_NOT_DELIVERABLE")
    if app.status.value in CLOSED_CASES:
        raise Conflict("办件未获批准，没有需要寄递的结果", code="NO_RESULT_TO_DELIVER",
                       details={"status": app.status.value})
    values: dict = {"method": method, "hall_id": None, "hall_name": "", "recipient_enc": "", "phone_enc": "",
                    "region_code": None, "detail_enc": "", "pickup_code": None}
    if method == Method.PICKUP:
        hall = await _pickup_hall(item, hall_code)
        values.update(hall_id=hall.id, hall_name=hall.name)
    else:
        address = await _check_address(address)
        values.update(recipient_enc=encrypt(address["recipient"].strip(), context=CONTEXT),
                      phone_enc=encrypt(address["phone"], context="phone"), region_code=address["region_code"],
                      detail_enc=encrypt(address["detail"].strip(), context=CONTEXT))
    async with in_transaction():
        delivery = await Delivery.get_or_none(application_id=app.id)
        if delivery is not None and delivery.status not in CHANGEABLE:
            raise Conflict("结果已寄出，不能再修改取件方式", code="DELIVERY_DISPATCHED",
                           details={"status": delivery.status.value})
        if delivery is None:
            delivery = await Delivery.create(application_id=app.id, applicant_id=app.applicant_id,
                                             item_name=app.item_name, **values)
        else:
            updated = await Delivery.filter(id=delivery.id, status__in=list(CHANGEABLE)).update(
                **values, updated_at=clock.now())
            if not updated:
                raise Conflict("结果已寄出，不能再修改取件方式", code="DELIVERY_DISPATCHED")
            delivery = await Delivery.get(id=delivery.id)
        how = f"窗口领取（{delivery.hall_name}）" if method == Method.PICKUP else "邮寄到家"
        await applications.add_event(application_id=app.id, action="delivery_chosen", actor_id=actor_id,
                                     on_behalf_of=applicant_id if actor_id != applicant_id else None,
                                     note=f"取件方式：{how}", data={"method": method.value})
        if delivery.status == DeliveryStatus.READY:  # the result is already out: act on the new choice now
            delivery = await _send_out(delivery)
    return await Delivery.get(id=delivery.id)  # a courier that answered at once has shipped it meanwhile


async def dispatch(*, application_id: uuid.UUID) -> Delivery | None:
    """At completion: the result goes out the chosen way (hall pickup at the item's first hall when
    the applicant chose nothing; nothing when the item names no hall either). Idempotent."""
    delivery = await Delivery.get_or_none(application_id=application_id)
    if delivery is None:
        app = await applications.get_by_id(application_id=application_id)
        item = await catalog.get_item_by_id(item_id=app.item_id)
        halls = await catalog.item_halls(item_id=item.id)
        if not halls:
            return None
        hall = halls[0]
        delivery = await Delivery.create(application_id=app.id, applicant_id=app.applicant_id,
                                         item_name=app.item_name, method=Method.PICKUP, hall_id=hall.id,
                                         hall_name=hall.name)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    return await _send_out(delivery)


async def _send_out(delivery: Delivery) -> Delivery:
    if delivery.method == Method.MAIL:
        # The courier is called after the caller's transaction commits (task delivery.create_shipment): a
        # slow or failing courier neither holds nor rolls back the completion. Until it answers, the
        # delivery waits as `dispatching` (待交寄).
        await Delivery.filter(id=delivery.id).update(status=DeliveryStatus.DISPATCHING, courier=None,
                                                     tracking_no=None, pickup_code=None, updated_at=clock.now())
        await queue_shipment(delivery_id=delivery.id)
        return await Delivery.get(id=delivery.id)
    while True:  # unique among the results waiting at that hall
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if not await Delivery.exists(hall_id=delivery.hall_id, pickup_code=code, status=DeliveryStatus.READY):
            break
    await Delivery.filter(id=delivery.id).update(status=DeliveryStatus.READY, pickup_code=code, courier=None,
                                                 tracking_no=None, dispatched_at=clock.now(), updated_at=clock.now())
    delivery = await Delivery.get(id=delivery.id)
    # the code only in the applicant's own message: timelines and delivery events are seen by staff
    await _record(delivery, f"结果已送达{delivery.hall_name}，凭取件码领取",
                  applicant_note=f"结果已送达{delivery.hall_name}，取件码 {code}")
    return delivery


async def queue_shipment(*, delivery_id: uuid.UUID) -> None:
    """Once the current transaction commits, queue the courier order of a delivery waiting for dispatch.
    A queue that is down only delays it: `retry_dispatching` queues it again."""
    async def kick() -> None:
        from app.delivery.tasks import create_shipment as task

        try:
            await task.kiq(str(delivery_id))
        except Exception as exc:
            log.warning("courier order not queued: %s", type(exc).__name__)

    await after_commit(kick)


_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


async def create_shipment(*, delivery_id: uuid.UUID | str) -> str:
    """Give a delivery waiting for dispatch to the courier, outside any transaction, and record the
    tracking number. One call at a time per delivery (a lock); the courier's order is idempotent on the
    reference, so a retry after a lost answer gets the same tracking number. Raises when the courier does
    (the task is retried; `retry_dispatching` catches up later)."""
    delivery = await Delivery.get_or_none(id=delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.DISPATCHING:
        return "skipped"
    redis = runtime.redis_client()
    lock, token = f"delivery:ship:{delivery.id}", secrets.token_hex(8)
    if not await redis.set(lock, token, nx=True, ex=SHIP_LOCK_SECONDS):
        return "busy"
    try:
        courier = couriers.courier()
        try:
            tracking_no = await courier.create_shipment(reference=str(delivery.application_id),
                                                        **address_of(delivery))
        except Exception as exc:
            log.warning("courier %s refused an order: %s", courier.name, type(exc).__name__)
            await Delivery.filter(id=delivery.id, status=DeliveryStatus.DISPATCHING).update(updated_at=clock.now())
            raise
        async with in_transaction():
            now = clock.now()
            updated = await Delivery.filter(id=delivery.id, status=DeliveryStatus.DISPATCHING).update(
                status=DeliveryStatus.SHIPPED, courier=courier.name, tracking_no=tracking_no, dispatched_at=now,
                updated_at=now)
            if not updated:
                return "skipped"
            delivery = await Delivery.get(id=delivery.id)
            await _record(delivery, f"结果已交寄，运单号 {tracking_no}")
    finally:
        await redis.eval(_UNLOCK, 1, lock, token)
    return "shipped"


async def retry_dispatching() -> int:
    """Queue again the courier order of every delivery that has waited for dispatch a while (scheduled):
    the first task may have run out of retries, or never been queued."""
    due = await Delivery.filter(status=DeliveryStatus.DISPATCHING,
                                updated_at__lt=clock.now() - RETRY_AFTER).values_list("id", flat=True)
    from app.delivery.tasks import create_shipment as task

    for delivery_id in due:
        await task.kiq(str(delivery_id))
    return len(due)


async def _record(delivery: Delivery, note: str, *, applicant_note: str | None = None) -> None:
    """A delivery event, the matching step on the case's timeline and a message to the applicant
    (with `applicant_note` instead of `note` when only the applicant may read it)."""
    from app.notifications import service as notifications
    from app.notifications.templates import character_string, phrase, thing, time_value

    now = clock.now()
    label = STATUS_LABELS[delivery.status]
    await DeliveryEvent.create(delivery_id=delivery.id, status=delivery.status.value, note=note, created_at=now)
    await applications.add_event(application_id=delivery.application_id, action="delivery", note=f"{label}：{note}",
                                 data={"status": delivery.status.value, "tracking_no": delivery.tracking_no})
    await notifications.notify(
        account_id=delivery.applicant_id, kind="delivery", title=f"{delivery.item_name[:40]}：{label}",
        body=f"您申请的「{delivery.item_name}」办理结果{label}。{applicant_note or note}",
        link=f"/pages/applications/detail?id={delivery.application_id}", ref=str(delivery.application_id),
        wechat={"template": "delivery", "data": {
            "thing1": thing(delivery.item_name), "phrase2": phrase(label),
            "character_string3": character_string(delivery.tracking_no or delivery.pickup_code or "-"),
            "time4": time_value(now), "thing5": thing(note)}})


async def apply_courier_status(*, delivery: Delivery, status: DeliveryStatus) -> Delivery:
    """Move a mailed delivery forward to the courier's status, one event per step passed."""
    current, target = MAIL_STEPS.index(delivery.status), MAIL_STEPS.index(status)
    for step in MAIL_STEPS[current + 1:target + 1]:
        async with in_transaction():
            changes = {"status": step, "updated_at": clock.now()}
            if step == DeliveryStatus.DELIVERED:
                changes["finished_at"] = clock.now()
            updated = await Delivery.filter(id=delivery.id, status=delivery.status).update(**changes)
            if not updated:
                return await Delivery.get(id=delivery.id)  # someone else moved it meanwhile
            delivery = await Delivery.get(id=delivery.id)
            await _record(delivery, f"快递单号 {delivery.tracking_no}")
    return delivery


async def sync_shipments() -> int:
    """Ask the courier where every open mailed delivery is and apply what changed (scheduled)."""
    moved = 0
    courier = couriers.courier()
    open_steps = [s for s in MAIL_STEPS if s != DeliveryStatus.DELIVERED]
    for delivery in await Delivery.filter(method=Method.MAIL, status__in=open_steps, courier=courier.name):
        try:
            status = await courier.track(tracking_no=delivery.tracking_no)
        except NotFound:
            continue
        if MAIL_STEPS.index(status) > MAIL_STEPS.index(delivery.status):
            await apply_courier_status(delivery=delivery, status=status)
            moved += 1
    return moved


async def advance_simulated(*, tracking_no: str) -> Delivery:
    """Dev helper: the simulated courier moves one shipment a step on, and the platform hears of it."""
    sim = couriers.simulated()
    delivery = await Delivery.get_or_none(tracking_no=tracking_no) if sim else None
    if delivery is None:
        raise NotFound("运单不存在", code="TRACKING_NOT_FOUND")
    status = await sim.advance(tracking_no=tracking_no)
    return await apply_courier_status(delivery=delivery, status=status)


async def hand_over(*, pickup_code: str, staff) -> Delivery:
    """Counter staff hand the result over against the pickup code (only at the delivery's hall)."""
    delivery = await Delivery.get_or_none(pickup_code=pickup_code.strip(), status=DeliveryStatus.READY,
                                          hall_id=staff.hall_id) if staff.hall_id else None
    if delivery is None:
        if await Delivery.exists(pickup_code=pickup_code.strip(), status=DeliveryStatus.READY):
            raise Forbidden("该结果不在本大厅领取", code="WRONG_HALL")
        raise NotFound("取件码无效", code="PICKUP_CODE_INVALID")
    async with in_transaction():
        updated = await Delivery.filter(id=delivery.id, status=DeliveryStatus.READY).update(
            status=DeliveryStatus.PICKED_UP, finished_at=clock.now(), updated_at=clock.now())
        if not updated:
            raise Conflict("该结果已领取", code="ALREADY_PICKED_UP")
        delivery = await Delivery.get(id=delivery.id)
        await _record(delivery, f"已在{delivery.hall_name}领取")
    return delivery
