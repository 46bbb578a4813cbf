"""Authorization rows of the staff console of sunshine finance (linli/finance/views_staff.py).

In the matrix world the committee and property users sit on no estate's committee or company,
so recording and approving are workers' (and administrators') work here; street staff may read
every staff page (`services.can_view_staff`). The committee and property cases are tested in
test_staff_pages.py. The pending expense was recorded by the side's second worker, so the
side's worker and administrator may decide it. Writes may answer 400 or 409 to an allowed
role when the service refuses on the merits (e.g. the expense is no emergency).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from linli.core import clock
from linli.finance.tests.authz_extra import finance, receipt_file
from tests.authz import STAFF, Row

READERS = STAFF | {"street"}


def _account(name: str) -> Any:
    return lambda s: {"pk": getattr(finance(s), name).id}


def _pending(side: Any) -> dict[str, int]:
    return {"expense_id": finance(side).pending.id}


def _month_before_last(side: Any) -> dict[str, str]:
    first = clock.today().replace(day=1)
    month = (first - timedelta(days=1)).replace(day=1) - timedelta(days=1)
    return {"period": "month", "month": month.strftime("%Y-%m")}


def _plan_form(side: Any) -> dict[str, str]:
    return {
        "group": f"e{side.entrance.id}",
        "title": "单元门禁更换分摊",
        "scheme": "by_area",
        "purpose": "construction",
        "gross": "1000.00",
    }


PAGES: dict[str, Row] = {
    # "What I may see": staff of another community see their own accounts.
    "finance:manage": Row(READERS, scoped=False),
    "finance:checkpoints_publish": Row(
        STAFF, method="POST", data=lambda s: {"community": s.community.id}
    ),
    "finance:account": Row(READERS, kwargs=_account("income")),
    "finance:income": Row(STAFF, kwargs=_account("income")),
    "finance:expense_new": Row(STAFF, kwargs=_account("income")),
    "finance:statement_publish": Row(
        STAFF, method="POST", kwargs=_account("income"), data=_month_before_last
    ),
    "finance:entry_reverse": Row(
        STAFF,
        method="POST",
        kwargs=_account("income"),
        data=lambda s: {"sequence": 1, "reason": "录入错误"},
    ),
    "finance:plans": Row(READERS, kwargs=_account("project")),
    "finance:plan_preview": Row(STAFF, method="POST", kwargs=_account("project"), data=_plan_form),
    "finance:verify": Row(READERS, kwargs=_account("income")),
    "finance:expense": Row(READERS, kwargs=_pending),
    "finance:expense_decide": Row(
        STAFF, method="POST", kwargs=_pending, data=lambda s: {"decision": "approve"}
    ),
    # No passed vote exists in the world: an allowed role gets the form's 400.
    "finance:expense_link_motion": Row(
        STAFF, method="POST", kwargs=_pending, data=lambda s: {"motion": "0"}
    ),
    # The pending expense is no emergency: allowed roles get the service's 409.
    "finance:emergency_confirm": Row(
        READERS,
        method="POST",
        kwargs=_pending,
        data=lambda s: {"step": "street_office_confirmation", "document_ref": "街道〔2026〕1号"},
    ),
    "finance:receipt_add": Row(
        STAFF,
        method="POST",
        kwargs=_pending,
        data=lambda s: {"kind": "receipt", "file": receipt_file()},
    ),
    "finance:receipt": Row(READERS, kwargs=lambda s: {"receipt_id": finance(s).receipt.id}),
    "finance:plan": Row(READERS, kwargs=lambda s: {"plan_id": finance(s).plan.id}),
    "finance:plan_issue": Row(
        STAFF, method="POST", kwargs=lambda s: {"plan_id": finance(s).draft_plan.id}
    ),
    "finance:payment_record": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"share_id": finance(s).other_share.id},
        data=lambda s: {"amount": "100.00", "channel": "bank"},
    ),
}
