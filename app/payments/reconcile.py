"""Daily reconciliation: the WeChat Pay trade bill against local orders and refunds."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone

from app.core import clock
from app.core.pagination import paginate
from app.payments.models import PaymentOrder, ReconciliationReport, Refund, RefundState
from app.wechat import pay


def _fen(text: str) -> int:
    yuan, _, cents = text.strip().partition(".")
    return int(yuan or "0") * 100 + int((cents + "00")[:2])


def parse_bill(text: str) -> tuple[dict[str, int], dict[str, tuple[str, int]]]:
    """({out_trade_no: paid fen}, {out_refund_no: (out_trade_no, refund fen)}) from a trade bill."""
    lines = [ln for ln in text.replace("\r\n", "\n").split("\n") if ln.strip()]
    if not lines:
        return {}, {}
    header = lines[0].lstrip("\ufeff").split(",")
    col = {name: i for i, name in enumerate(header)}
    paid: dict[str, int] = {}
    refunds: dict[str, tuple[str, int]] = {}
    for line in lines[1:]:
        if line.startswith("总交易单数"):
            break
        cells = [c.lstrip("`") for c in line.split(",")]
        status, no = cells[col["交易状态"]], cells[col["商户订单号"]]
        if status == "SUCCESS":
            paid[no] = paid.get(no, 0) + _fen(cells[col["应结订单金额"]])
        elif status == "REFUND":
            refunds[cells[col["商户退款单号"]]] = (no, _fen(cells[col["退款金额"]]))
    return paid, refunds


async def reconcile(*, bill_date: date) -> ReconciliationReport:
    """Compare one day's bill with local orders and refunds; store (or replace) the day's report."""
    bill = await pay.trade_bill(bill_date=bill_date.isoformat())
    wechat_paid, wechat_refunds = parse_bill(bill)
    start = datetime.combine(bill_date, time(0), tzinfo=clock.SHANGHAI).astimezone(timezone.utc)
    end = start + timedelta(days=1)  # compared in UTC, as stored (SQLite compares the text)
    local_paid = {o.out_trade_no: o.amount_fen for o in await PaymentOrder.filter(
        transaction_id__not_isnull=True, paid_at__gte=start, paid_at__lt=end)}
    local_refunds = {r.out_refund_no: r.amount_fen for r in await Refund.filter(
        state=RefundState.SUCCESS, succeeded_at__gte=start, succeeded_at__lt=end)}
    mismatches: list[dict] = []
    unknown = [no for no in wechat_paid if no not in local_paid]
    known_elsewhere = {o.out_trade_no: o for o in await PaymentOrder.filter(out_trade_no__in=unknown)} if unknown else {}
    for no, fen in sorted(wechat_paid.items()):
        if no not in local_paid:
            local = known_elsewhere.get(no)
            mismatches.append({"kind": "missing_locally", "out_trade_no": no, "wechat_fen": fen,
                               "local_fen": local.amount_fen if local else None,
                               "local_state": local.state.value if local else None})
        elif local_paid[no] != fen:
            mismatches.append({"kind": "amount_differs", "out_trade_no": no, "wechat_fen": fen,
                               "local_fen": local_paid[no]})
    for no, fen in sorted(local_paid.items()):
        if no not in wechat_paid:
            mismatches.append({"kind": "missing_at_wechat", "out_trade_no": no, "local_fen": fen, "wechat_fen": None})
    for no, (trade_no, fen) in sorted(wechat_refunds.items()):
        if no not in local_refunds:
            mismatches.append({"kind": "refund_missing_locally", "out_trade_no": trade_no, "out_refund_no": no,
                               "wechat_fen": fen, "local_fen": None})
        elif local_refunds[no] != fen:
            mismatches.append({"kind": "refund_amount_differs", "out_trade_no": trade_no, "out_refund_no": no,
                               "wechat_fen": fen, "local_fen": local_refunds[no]})
    for no, fen in sorted(local_refunds.items()):
        if no not in wechat_refunds:
            mismatches.append({"kind": "refund_missing_at_wechat", "out_refund_no": no, "local_fen": fen,
                               "wechat_fen": None})
    values = {"wechat_rows": len(wechat_paid) + len(wechat_refunds), "local_rows": len(local_paid) + len(local_refunds),
              "mismatch_count": len(mismatches), "mismatches": mismatches}
    report, created = await ReconciliationReport.get_or_create(defaults=values, bill_date=bill_date)
    if not created:
        await ReconciliationReport.filter(id=report.id).update(**values)
        await report.refresh_from_db()
    return report


async def reconcile_yesterday() -> ReconciliationReport:
    """The daily run: yesterday's bill (WeChat publishes it the next morning)."""
    return await reconcile(bill_date=clock.today() - timedelta(days=1))


async def list_reports(*, cursor: str | None, limit: int):
    """Reconciliation reports, newest first."""
    return await paginate(ReconciliationReport.all(), cursor=cursor, limit=limit)


async def get_report(*, report_id: uuid.UUID) -> ReconciliationReport:
    from app.core.errors import NotFound

    report = await ReconciliationReport.get_or_none(id=report_id)
    if report is None:
        raise NotFound("对账报告不存在", code="RECONCILIATION_NOT_FOUND")
    return report
