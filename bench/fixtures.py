"""Print what the read scenarios need, as JSON (run with the platform's environment, after the
seed): one of the demo resident's cases, a receipt number with its query code, a hall and a day
that has slots, and `N` fresh 亮证 codes for a valid licence (signed with this run's wallet key,
exactly as `verification.show` makes them, without drawing N QR images)."""

import asyncio
import json
import sys

from app.core import clock
from app.core.config import load_settings
from app.core.resources import close_resources, open_resources


async def collect(codes_wanted: int = 0) -> dict:
    """The fixtures, with the platform's resources already open."""
    from app.applications.models import Application
    from app.appointments.models import Slot
    from app.identity.models import Account
    from app.licenses import codes
    from app.licenses.models import Licence, LicenceStatus

    zhang = await Account.get(openid="demo-resident-zhang")
    case = await Application.filter(applicant_id=zhang.id).order_by("created_at").first()
    receipt = await Application.filter(receipt_no__not_isnull=True, query_code__not_isnull=True).first()
    slot = await Slot.filter(day__gte=clock.today()).order_by("day").first()
    licence = await Licence.filter(status=LicenceStatus.VALID).first()
    now = clock.now().timestamp()
    show = [codes.make_code(licence_id=licence.id, holder=licence.holder_mask, purpose="identity",
                            now=now)[0] for _ in range(codes_wanted)]
    return {"application_id": str(case.id), "receipt_no": receipt.receipt_no, "query_code": receipt.query_code,
            "hall_id": str(slot.hall_id), "day": slot.day.isoformat(), "item_code": case.item_code,
            "show_codes": show}


async def main(codes_wanted: int) -> None:
    resources = await open_resources(load_settings(), role="bench")
    try:
        out = await collect(codes_wanted)
    finally:
        await close_resources(resources)
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
