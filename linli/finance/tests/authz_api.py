"""Authorization rows of the finance API (merged by authz_rows.py into tests/test_authz_matrix.py).

In the matrix world the committee and property users are tied to no estate, so an account's
staff are the community's workers and administrators (STAFF); street staff read an account's
books (services.can_view_staff) and confirm emergencies, but record and decide nothing. The
public ledger is public; "mine" answers every signed-in user with their own (maybe empty) lists.
Bodies go out as JSON: the receipt upload therefore lacks its file, which allowed callers get as
a 422 after the access check and everyone else as a 404.
"""

from __future__ import annotations

from datetime import timedelta

from linli.core import clock
from linli.finance.tests.authz_extra import finance
from linli.votes.tests.authz_extra import votes
from tests.authz import EVERYONE, SIGNED_IN, STAFF, Row

BASE = "/api/v1/finance"
READERS = STAFF | {"street"}


def _last_month() -> str:
    return (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1).isoformat()


API: dict[str, Row] = {
    f"GET {BASE}/accounts": Row(SIGNED_IN, scoped=False),
    f"GET {BASE}/accounts/{{account_id}}": Row(
        READERS, kwargs=lambda s: {"account_id": finance(s).income.pk}
    ),
    f"GET {BASE}/accounts/{{account_id}}/entries": Row(
        READERS, kwargs=lambda s: {"account_id": finance(s).income.pk}
    ),
    f"GET {BASE}/accounts/{{account_id}}/verify": Row(
        READERS, kwargs=lambda s: {"account_id": finance(s).income.pk}
    ),
    f"POST {BASE}/accounts/{{account_id}}/income": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"account_id": finance(s).income.pk},
        data=lambda s: {"category": "parking", "amount": 30_000, "description": "停车费"},
    ),
    f"POST {BASE}/accounts/{{account_id}}/expenses": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"account_id": finance(s).income.pk},
        data=lambda s: {
            "category": "cleaning",
            "description": "楼道保洁",
            "counterparty": "杭州洁美保洁公司",
            "amount": 20_000,
        },
    ),
    f"POST {BASE}/expenses/{{expense_id}}/receipts": Row(
        STAFF, method="POST", kwargs=lambda s: {"expense_id": finance(s).pending.pk}
    ),
    f"GET {BASE}/expenses/{{expense_id}}": Row(
        READERS, kwargs=lambda s: {"expense_id": finance(s).pending.pk}
    ),
    # Recorded by the side's second worker, so the worker and the administrator may decide.
    f"POST {BASE}/expenses/{{expense_id}}/decision": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"expense_id": finance(s).pending.pk},
        data=lambda s: {"approve": True},
    ),
    f"POST {BASE}/expenses/{{expense_id}}/motion": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"expense_id": finance(s).pending.pk},
        data=lambda s: {"motion_id": votes(s).published.pk},
    ),
    # Not an emergency: callers who may confirm get 409, the gate is what is tested.
    f"POST {BASE}/expenses/{{expense_id}}/confirmations": Row(
        READERS,
        method="POST",
        kwargs=lambda s: {"expense_id": finance(s).pending.pk},
        data=lambda s: {"step": "street_office_confirmation", "document_ref": "街道〔2026〕1号"},
    ),
    f"POST {BASE}/accounts/{{account_id}}/plans": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"account_id": finance(s).project.pk},
        data=lambda s: {
            "title": "单元门禁更换分摊",
            "scheme": "by_area",
            "gross": 300_000,
            "roster": [s.unit.pk, s.other_unit.pk],
        },
    ),
    f"GET {BASE}/plans/{{plan_id}}": Row(READERS, kwargs=lambda s: {"plan_id": finance(s).plan.pk}),
    f"POST {BASE}/plans/{{plan_id}}/issue": Row(
        STAFF, method="POST", kwargs=lambda s: {"plan_id": finance(s).draft_plan.pk}
    ),
    f"POST {BASE}/shares/{{share_id}}/payments": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"share_id": finance(s).other_share.pk},
        data=lambda s: {"amount": 10_000, "channel": "bank"},
    ),
    f"POST {BASE}/accounts/{{account_id}}/statements": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"account_id": finance(s).running.pk},
        data=lambda s: {"period": "month", "starts_on": _last_month()},
    ),
    f"GET {BASE}/public/accounts/{{public_id}}": Row(
        EVERYONE, kwargs=lambda s: {"public_id": finance(s).income.public_id}, scoped=False
    ),
    f"GET {BASE}/public/accounts/{{public_id}}/entries": Row(
        EVERYONE, kwargs=lambda s: {"public_id": finance(s).income.public_id}, scoped=False
    ),
    f"GET {BASE}/public/statements/{{public_id}}": Row(
        EVERYONE, kwargs=lambda s: {"public_id": finance(s).statement.public_id}, scoped=False
    ),
    f"GET {BASE}/mine": Row(SIGNED_IN, scoped=False),
}
