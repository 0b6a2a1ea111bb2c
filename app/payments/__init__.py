"""Payments: WeChat Pay orders for application fees, verified notifies, refunds, reconciliation, receipts."""
