"""The finance admin: the append-only books and everything the services own are read-only;
an account's name, first deposit and closing date and a community's thresholds are the only
things that change, the thresholds through policy_set. Pages load in a bounded number of
queries whatever the number of rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.core import clock
from linli.core.models import AuditLog
from linli.finance import services
from linli.finance.models import (
    Account,
    Approval,
    Checkpoint,
    CostPlan,
    EmergencyConfirmation,
    Entry,
    EntryLine,
    Expense,
    FinancePolicy,
    Payment,
    Receipt,
    Share,
    Statement,
)
from linli.finance.tests.builders import FinanceSide, finance_side, fund
from tests import factories as f

pytestmark = pytest.mark.django_db

READ_ONLY: list[type[models.Model]] = [
    Entry,
    EntryLine,
    Checkpoint,
    Approval,
    EmergencyConfirmation,
    Payment,
    Expense,
    Receipt,
    CostPlan,
    Share,
    Statement,
]
ALL = [Account, FinancePolicy, *READ_ONLY]
# Session, user and the page's own queries: the same however many rows there are. A detail
# page loads each related object shown (a unit's label needs its estate, building, entrance).
LIST_QUERIES = 10
DETAIL_QUERIES = 14


@pytest.fixture
def superuser(db: Any) -> Any:
    return f.UserFactory(is_staff=True, is_superuser=True, name="平台管理员")


@pytest.fixture
def books(world: Any) -> FinanceSide:
    """A row of every finance table: income, an approved expense with a receipt, an emergency
    confirmation, an issued plan with a payment, a checkpoint, a statement and a policy."""
    fs = finance_side(world.a)
    worker = fs.worker
    month = (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    for amount in (1_000_000, 20_000, 3_000):
        fund(worker, fs.income, amount, received_on=month, counterparty="杭州某停车公司")
    fund(worker, fs.fund, 500_000)
    pdf = SimpleUploadedFile("发票.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    expense = services.expense_record(
        actor=fs.property,
        account_id=fs.income.pk,
        category="repair",
        description="更换楼道灯",
        counterparty="杭州某电器维修部",
        amount=100_000,
        receipts=[pdf],
    )
    services.expense_decide(actor=worker, expense_id=expense.pk, approve=True)
    emergency = services.expense_record(
        actor=fs.property,
        account_id=fs.fund.pk,
        category="elevator",
        description="电梯困人抢修",
        counterparty="杭州某电梯公司",
        amount=300_000,
        emergency="elevator_failure",
    )
    services.emergency_confirm(
        actor=fs.committee, expense_id=emergency.pk, step="committee_check", document_ref="1号"
    )
    units = [fs.side.unit.pk, fs.side.other_unit.pk]
    plan = services.plan_create(
        actor=worker,
        account_id=fs.project.pk,
        title="24幢加装电梯",
        scheme="by_area",
        gross=164_700,
        roster=units,
    )
    services.plan_issue(actor=worker, plan_id=plan.pk)
    for share in Share.objects.filter(plan=plan):
        services.payment_record(actor=worker, share_id=share.pk, amount=100, channel="bank")
    services.checkpoints_publish(actor=worker)
    services.statement_publish(
        actor=worker, account_id=fs.income.pk, period="month", starts_on=month
    )
    services.policy_set(
        actor=worker,
        community_id=fs.side.community.pk,
        committee_threshold=500_000,
        motion_threshold=5_000_000,
    )
    return fs


def url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:finance_{model._meta.model_name}_{view}", args=args)


def test_every_table_has_rows(books):
    assert {model.__name__: model.objects.exists() for model in ALL} == dict.fromkeys(
        (model.__name__ for model in ALL), True
    )


def test_lists_and_details_load_in_bounded_queries(
    client, superuser, books, django_assert_max_num_queries
):
    client.force_login(superuser)
    for model in ALL:
        with django_assert_max_num_queries(LIST_QUERIES):
            listing = client.get(url(model, "changelist"))
        assert listing.status_code == 200, model
        obj = model.objects.order_by("pk").last()
        with django_assert_max_num_queries(DETAIL_QUERIES):
            page = client.get(url(model, "change", obj.pk))
        assert page.status_code == 200, model


def test_a_list_costs_the_same_with_more_rows(client, superuser, books, django_assert_num_queries):
    client.force_login(superuser)
    client.get(url(EntryLine, "changelist"))
    with CaptureQueriesContext(connection) as few:
        client.get(url(EntryLine, "changelist"))
    for amount in range(1, 21):
        fund(books.worker, books.fund, amount)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url(EntryLine, "changelist"))


def test_the_books_are_never_added_changed_or_deleted(client, superuser, books):
    client.force_login(superuser)
    for model in READ_ONLY:
        refuses_every_write(client, model)


def refuses_every_write(client: Any, model: type[models.Model]) -> None:
    obj = model.objects.order_by("pk").first()
    snapshot = model.objects.filter(pk=obj.pk).values().get()
    rows = model.objects.count()

    page = client.get(url(model, "change", obj.pk))
    assert 'type="submit"' not in page.content.decode().split('id="content-main"', 1)[1]
    assert 'value="delete_selected"' not in client.get(url(model, "changelist")).content.decode()
    post = {"memo": "改过的摘要", "amount": "1", "paid": "0", "hash": "0" * 64, "note": "x"}
    assert client.post(url(model, "change", obj.pk), post).status_code == 403
    assert client.get(url(model, "delete", obj.pk)).status_code == 403
    assert client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert client.get(url(model, "add")).status_code == 403
    assert client.post(url(model, "add"), post).status_code == 403
    bulk = client.post(
        url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert bulk.status_code == 200  # no actions offered: the list is shown again

    assert model.objects.filter(pk=obj.pk).values().get() == snapshot
    assert model.objects.count() == rows


def test_a_change_post_on_an_entry_is_refused_and_changes_nothing(client, superuser, books):
    entry = Entry.objects.get(account=books.income, sequence=1)
    before = Entry.objects.filter(pk=entry.pk).values().get()
    client.force_login(superuser)
    response = client.post(
        url(Entry, "change", entry.pk),
        {"memo": "篡改", "lines": '[["cash",1,0],["parking",0,1]]', "sequence": "9"},
    )
    assert response.status_code == 403
    assert Entry.objects.filter(pk=entry.pk).values().get() == before
    assert not AuditLog.objects.filter(actor=superuser).exists()


def test_an_accounts_name_changes_but_never_its_chain(client, superuser, books):
    account = books.income
    chain = Account.objects.filter(pk=account.pk).values(
        "ledger_key", "head_sequence", "head_hash", "kind", "estate_id", "community_id"
    )
    before = chain.get()
    client.force_login(superuser)
    page = client.get(url(Account, "change", account.pk)).content.decode()
    assert 'name="name"' in page and 'name="first_deposit"' in page
    for frozen in ("ledger_key", "head_sequence", "head_hash", "kind", "estate"):
        assert f'name="{frozen}"' not in page

    response = client.post(
        url(Account, "change", account.pk),
        {
            "name": "公共收益（停车、广告）",
            "first_deposit": "0",
            "closed_at_0": "",
            "closed_at_1": "",
            "ledger_key": "forged",
            "head_sequence": "0",
            "head_hash": "0" * 64,
            "kind": "maintenance_fund",
        },
    )

    assert response.status_code == 302
    assert Account.objects.get(pk=account.pk).name == "公共收益（停车、广告）"
    assert chain.get() == before
    log = AuditLog.objects.get(actor=superuser)
    assert (log.action, log.object_id) == ("finance.account_admin_change", str(account.pk))
    assert client.get(url(Account, "add")).status_code == 403
    assert client.post(url(Account, "delete", account.pk), {"post": "yes"}).status_code == 403


def test_an_unchanged_account_form_writes_nothing(client, superuser, books):
    account = books.fund
    client.force_login(superuser)
    response = client.post(
        url(Account, "change", account.pk),
        {"name": account.name, "first_deposit": str(account.first_deposit)},
    )
    assert response.status_code == 302
    assert not AuditLog.objects.filter(actor=superuser).exists()


def test_thresholds_change_through_policy_set(client, superuser, books):
    policy = FinancePolicy.objects.get(community=books.side.community)
    client.force_login(superuser)
    change = url(FinancePolicy, "change", policy.pk)

    refused = client.post(change, {"committee_threshold": "600000", "motion_threshold": "500000"})
    assert refused.status_code == 200
    assert "errornote" in refused.content.decode()
    policy.refresh_from_db()
    assert (policy.committee_threshold, policy.motion_threshold) == (500_000, 5_000_000)

    accepted = client.post(change, {"committee_threshold": "100000", "motion_threshold": "2000000"})
    assert accepted.status_code == 302
    policy.refresh_from_db()
    assert (policy.committee_threshold, policy.motion_threshold) == (100_000, 2_000_000)
    log = AuditLog.objects.get(actor=superuser)
    assert log.action == "finance.policy_set"
    assert client.get(url(FinancePolicy, "add")).status_code == 403
    assert client.post(url(FinancePolicy, "delete", policy.pk), {"post": "yes"}).status_code == 403
