"""Authorization rows of the public ledger (views_public): how funds are raised and used is
published, so these pages are public by nature.

Anyone may read them, signed in or not, from any community (scoped=False): a community's page
by its code, an account's page and ledger file, a statement and its PDF and Excel files. An
unknown or malformed id answers 404 (linli/finance/tests/test_public_pages.py).
"""

from __future__ import annotations

from typing import Any

from linli.finance.tests.authz_extra import finance
from tests.authz import EVERYONE, Row


def _account(side: Any) -> dict[str, Any]:
    return {"public_id": finance(side).income.public_id}


def _statement(side: Any) -> dict[str, Any]:
    return {"public_id": finance(side).statement.public_id}


PAGES: dict[str, Row] = {
    "finance:public_index": Row(
        EVERYONE, kwargs=lambda s: {"community_code": s.community.code}, scoped=False
    ),
    "finance:public_account": Row(EVERYONE, kwargs=_account, scoped=False),
    "finance:public_entries_csv": Row(EVERYONE, kwargs=_account, scoped=False),
    "finance:statement": Row(EVERYONE, kwargs=_statement, scoped=False),
    "finance:statement_pdf": Row(EVERYONE, kwargs=_statement, scoped=False),
    "finance:statement_xlsx": Row(EVERYONE, kwargs=_statement, scoped=False),
}
