"""Invoices: billed, effective and list cost per invoice, billing period and account."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from finops.api.paging import ListPublic
from finops.api.schemas.common import Money


class InvoicePublic(BaseModel):
    invoice_id: str | None
    billing_period: date
    billing_account_id: str | None
    account_id: str | None
    account_name: str | None
    invoice_issuer: str | None
    currency: str
    charges: int
    billed_cost: Money
    effective_cost: Money
    list_cost: Money


class InvoicesPublic(ListPublic[InvoicePublic]):
    pass
