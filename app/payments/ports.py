"""The payments domain's one door into the applications domain (every call goes through here).

Each function delegates to `app.applications.service`; tests may install a stand-in with
`use(...)` until that domain is merged."""

from __future__ import annotations

import uuid
from typing import Any

_override: Any = None


def use(impl: Any) -> None:
    """Route the port to `impl` (an object with the same async functions); None restores the real one."""
    global _override
    _override = impl


def _applications() -> Any:
    if _override is not None:
        return _override
    from app.applications import service

    return service


async def payment_subject(*, application_id: uuid.UUID, account_id: uuid.UUID) -> dict:
    """{"item_name", "nontax_code"} of an application the account may pay for (NotFound otherwise)."""
    impl = _applications()
    if hasattr(impl, "payment_subject"):
        return await impl.payment_subject(application_id=application_id, account_id=account_id)
    from app.catalog import service as catalog

    application = await impl.get_application(application_id=application_id, account_id=account_id)
    item = await catalog.get_item_by_id(item_id=application.item_id)
    return {"item_name": item.name, "nontax_code": item.nontax_code or ""}


async def fee_due(*, application_id: uuid.UUID) -> int:
    """The fee in fen, computed by the applications domain (NotFound, or Conflict when nothing is due)."""
    return await _applications().fee_due(application_id=application_id)


async def on_payment_paid(*, application_id: uuid.UUID, payment_id: uuid.UUID) -> None:
    """Tell the applications domain the fee is paid (moves the application on, timeline event)."""
    await _applications().on_payment_paid(application_id=application_id, payment_id=payment_id)
