"""寄递: the applicant's choice and tracking, hall handover, and the simulated courier's dev helper."""

from __future__ import annotations

import uuid

from sanic import Blueprint, Request

from app.agents import service as agents
from app.applications import agent_cases
from app.core.api import endpoint
from app.delivery import service
from app.delivery.schemas import AdvanceIn, DeliveryIn, DeliveryOut, PickupIn
from app.identity.auth import PERSON_ROLES, current_account, require
from app.identity.models import Role

bp = Blueprint("delivery")
sim = Blueprint("courier_sim", url_prefix="/courier-sim")
sim.ctx.api_prefix = False
blueprints = [bp, sim]

APPLICANT = require(*PERSON_ROLES, Role.AGENT)  # agents only with X-On-Behalf-Of


async def case_principal(request: Request, application_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """(applicant id, actor id) for a case of the applicant, checked like the application routes: another
    person's case is 404, an agent's delegation must be live and cover the case's item, and a case another
    agent handles is theirs (403 CASE_OTHER_AGENT)."""
    acting = await agents.on_behalf(request)
    await agent_cases.get_for_acting(application_id=application_id, acting=acting)
    return acting.principal.id, acting.actor.id


async def out(delivery, *, show_code: bool = True) -> DeliveryOut:
    return DeliveryOut.of(delivery, address=service.address_of(delivery),
                          events=await service.events(delivery_id=delivery.id), show_code=show_code)


@bp.post("/applications/<application_id:uuid>/delivery")
@endpoint(body=DeliveryIn, response=DeliveryOut, summary="选择或修改取件方式（窗口领取或邮寄）", tag="delivery",
          auth=APPLICANT, errors=(404, 409, 422))
async def choose(request: Request, application_id: uuid.UUID, body: DeliveryIn):
    applicant_id, actor_id = await case_principal(request, application_id)
    delivery = await service.choose(application_id=application_id, applicant_id=applicant_id, actor_id=actor_id,
                                    method=body.method, hall_code=body.hall_code,
                                    address=body.address.model_dump() if body.address else None)
    return await out(delivery)


@bp.get("/applications/<application_id:uuid>/delivery")
@endpoint(response=DeliveryOut, summary="寄递进度", tag="delivery", auth=APPLICANT, errors=(404,))
async def track(request: Request, application_id: uuid.UUID):
    applicant_id, _ = await case_principal(request, application_id)
    delivery = await service.get_for_applicant(application_id=application_id, applicant_id=applicant_id)
    return await out(delivery)


@bp.post("/counter/deliveries/pickup")
@endpoint(body=PickupIn, response=DeliveryOut, summary="窗口凭取件码发放办理结果", tag="delivery",
          auth=require(Role.COUNTER), errors=(403, 404, 409))
async def hand_over(request: Request, body: PickupIn):
    delivery = await service.hand_over(pickup_code=body.pickup_code, staff=current_account(request))
    return await out(delivery, show_code=False)


@sim.post("/dev/advance")
@endpoint(body=AdvanceIn, response=DeliveryOut, summary="模拟快递：运单前进一步（仅模拟寄递服务）",
          tag="delivery", errors=(404,))
async def advance(request: Request, body: AdvanceIn):
    delivery = await service.advance_simulated(tracking_no=body.tracking_no)
    return await out(delivery, show_code=False)


from app.agents.docs import on_behalf_header  # noqa: E402

on_behalf_header(choose, track)
