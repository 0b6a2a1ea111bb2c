"""The courier interface (寄递 partner) and the simulated courier of the embedded mode.

A real courier (EMS 政务专递 and the like) is another class with the same two calls, chosen by the
`COURIER` setting."""

from __future__ import annotations

import secrets
from typing import Protocol

from app.core import clock, runtime
from app.core.errors import NotFound
from app.delivery.models import MAIL_STEPS, DeliveryStatus


class Courier(Protocol):
    name: str

    async def create_shipment(self, *, reference: str, recipient: str, phone: str, region_code: str,
                              detail: str) -> str:
        """Book a pick-up of the result; returns the tracking number. Idempotent on `reference` (the
        application id): asked again, the courier answers the same tracking number."""

    async def track(self, *, tracking_no: str) -> DeliveryStatus:
        """Where the shipment is now (one of MAIL_STEPS)."""


class SimulatedCourier:
    """Assigns `SIM` tracking numbers (one per reference) and moves each shipment along with time (collected after 2 h,
    in transit after 6 h, out for delivery after 20 h, signed after 26 h); `advance` pushes one step
    now (the dev endpoint). State lives in Redis for 30 days."""

    name = "sim"
    AFTER_HOURS = {DeliveryStatus.COLLECTED: 2, DeliveryStatus.IN_TRANSIT: 6, DeliveryStatus.OUT_FOR_DELIVERY: 20,
                   DeliveryStatus.DELIVERED: 26}
    TTL = 30 * 86400

    @staticmethod
    def _key(tracking_no: str) -> str:
        return f"courier:sim:{tracking_no}"

    async def create_shipment(self, *, reference: str, recipient: str, phone: str, region_code: str,
                              detail: str) -> str:
        redis = runtime.redis_client()
        tracking_no = "SIM" + "".join(secrets.choice("0123456789") for _ in range(12))
        await redis.hset(self._key(tracking_no), mapping={
            "created": clock.now().timestamp(), "bump": 0, "reference": reference})
        await redis.expire(self._key(tracking_no), self.TTL)
        if not await redis.set(f"courier:sim:ref:{reference}", tracking_no, nx=True, ex=self.TTL):
            await redis.delete(self._key(tracking_no))  # an order for this reference exists: answer it again
            known = await redis.get(f"courier:sim:ref:{reference}")
            return known.decode() if isinstance(known, bytes) else known
        return tracking_no

    async def _state(self, tracking_no: str) -> dict:
        state = await runtime.redis_client().hgetall(self._key(tracking_no))
        if not state:
            raise NotFound("运单不存在", code="TRACKING_NOT_FOUND")
        return {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
                for k, v in state.items()}

    async def track(self, *, tracking_no: str) -> DeliveryStatus:
        state = await self._state(tracking_no)
        hours = (clock.now().timestamp() - float(state["created"])) / 3600
        by_time = max([MAIL_STEPS.index(s) for s, h in self.AFTER_HOURS.items() if hours >= h], default=0)
        return MAIL_STEPS[min(max(by_time, int(state["bump"])), len(MAIL_STEPS) - 1)]

    async def advance(self, *, tracking_no: str) -> DeliveryStatus:
        """Move the shipment one step on, whatever the time."""
        current = MAIL_STEPS.index(await self.track(tracking_no=tracking_no))
        await runtime.redis_client().hset(self._key(tracking_no), "bump", min(current + 1, len(MAIL_STEPS) - 1))
        return await self.track(tracking_no=tracking_no)


_SIMULATED = SimulatedCourier()


def courier() -> Courier:
    """The configured courier (`COURIER` setting; only `sim` ships with the platform)."""
    name = getattr(runtime.settings(), "courier", "sim")
    if name == "sim":
        return _SIMULATED
    raise NotFound("寄递服务未配置", code="COURIER_NOT_CONFIGURED")


def simulated() -> SimulatedCourier | None:
    """The simulated courier when it is the configured one (dev endpoint), else None."""
    return _SIMULATED if getattr(runtime.settings(), "courier", "sim") == "sim" else None
