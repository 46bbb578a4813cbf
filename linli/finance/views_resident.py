"""An owner's own money (我的资金): the maintenance-fund balance of each home they own, their
shares of issued cost plans with what is paid and still to pay, and their payments.

Only the user's own units count (selectors.my_unit_ids: current ownerships), so a tenant, or
anyone who owns nothing, sees an empty page that says why, never someone else's money. Each
line links to the public ledger of its account, where the entry can be found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from linli.finance import selectors
from linli.finance.models import Account, Payment, Share
from linli.registry.models import Unit

# The newest payments listed (the page stays short; older ones are in the public ledger).
PAYMENTS_SHOWN = 50


@dataclass(frozen=True)
class FundLine:
    unit: Unit
    account: Account
    balance: int


@dataclass(frozen=True)
class ShareLine:
    share: Share
    account: Account

    @property
    def outstanding(self) -> int:
        return self.share.amount - self.share.paid


@dataclass(frozen=True)
class PaymentLine:
    payment: Payment
    share: Share | None
    account: Account | None

    @property
    def ledger_before(self) -> int:
        """The `?before=` that opens the public ledger with this payment's entry on top."""
        return self.payment.entry.sequence + 1


def my_money(user: Any) -> dict[str, Any]:
    """The page's lines for the user's own units; nothing more is read when they own none."""
    if not selectors.my_unit_ids(user):
        return {"has_units": False, "funds": [], "shares": [], "payments": []}
    funds = [
        FundLine(unit, account, fen) for unit, account, fen in selectors.my_fund_balances(user)
    ]
    shares = list(selectors.my_shares(user))
    by_id = {share.pk: share for share in shares}
    payments = [
        PaymentLine(
            payment,
            by_id.get(payment.share_id),
            by_id[payment.share_id].plan.account if payment.share_id in by_id else None,
        )
        for payment in selectors.my_payments(user)[:PAYMENTS_SHOWN]
    ]
    return {
        "has_units": True,
        "funds": funds,
        "shares": [ShareLine(share, share.plan.account) for share in shares],
        "payments": payments,
    }


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """My money: fund balances per home, shares and payments, each linked to its ledger."""
    context = {**my_money(request.user), "nav": "home"}
    return render(request, "finance/resident/mine.html", context)


urlpatterns: list[URLPattern] = [
    path("mine/", mine, name="mine"),
]
