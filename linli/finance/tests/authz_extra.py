"""Objects of one side of the authorization world that the finance rows address.

`build(side)` opens the estate's four accounts (as linli.finance.tests.builders does, but
without tying the world's committee and property users to the estate: the matrix keeps the
world as other capabilities see it, so here finance staff work is workers' work; the committee
and property cases are tested in test_services.py and the page tests). It adds: income on the
common-income account; an expense awaiting approval and one posted with a receipt, both
recorded by a second worker (so the side's worker and administrator may decide); an issued
cost plan over the side's two flats with one payment on the owner's share; a checkpoint; and a
published monthly statement of last month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from linli.accounts.models import Role
from linli.core import clock
from linli.finance import services
from linli.finance.models import (
    Account,
    Category,
    CostPlan,
    Expense,
    Payment,
    Receipt,
    Share,
    Statement,
)
from tests import factories as f

PDF = b"%PDF-1.4\n% receipt\n"


def receipt_file(name: str = "receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class FinanceExtra:
    fund: Account
    income: Account
    project: Account
    running: Account
    pending: Expense
    posted: Expense
    receipt: Receipt
    plan: CostPlan
    draft_plan: CostPlan
    share: Share
    other_share: Share
    payment: Payment
    statement: Statement
    second_worker: Any


def build(side: Any) -> FinanceExtra:
    worker = side.users["worker"]
    second = f.UserFactory(name="第二社工")
    f.RoleFactory(user=second, community=side.community, role=Role.WORKER)

    def open_(kind: str, name: str, **extra: Any) -> Account:
        return services.account_open(
            actor=worker,
            community=side.community,
            estate=side.estate,
            kind=kind,
            name=name,
            **extra,
        )

    fund = open_(Account.Kind.MAINTENANCE_FUND, "专项维修资金", first_deposit=100_000_000)
    income = open_(Account.Kind.COMMON_INCOME, "公共收益")
    project = open_(Account.Kind.PROJECT_FUND, "24幢加装电梯")
    running = open_(Account.Kind.COMMITTEE_COSTS, "业委会工作经费")
    last_month = (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    services.income_record(
        actor=second,
        account_id=income.pk,
        category=Category.PARKING,
        amount=1_200_000,
        description="停车费收入",
        counterparty="张三丰",
        received_on=last_month + timedelta(days=2),
    )
    posted = services.expense_record(
        actor=second,
        account_id=income.pk,
        category=Category.REPAIR,
        description="更换路灯",
        counterparty="杭州明亮电器有限公司",
        amount=80_000,
        spent_on=last_month + timedelta(days=5),
        receipts=[receipt_file()],
    )
    services.expense_decide(actor=worker, expense_id=posted.pk, approve=True)
    pending = services.expense_record(
        actor=second,
        account_id=income.pk,
        category=Category.GREENING,
        description="补种绿植",
        counterparty="杭州园林绿化公司",
        amount=50_000,
    )
    plan = services.plan_create(
        actor=worker,
        account_id=project.pk,
        title="24幢1单元加装电梯分摊",
        scheme=CostPlan.Scheme.BY_AREA,
        gross=1_000_000,
        subsidy=200_000,
        roster=[side.unit.pk, side.other_unit.pk],
    )
    services.plan_issue(actor=worker, plan_id=plan.pk)
    draft_plan = services.plan_create(
        actor=worker,
        account_id=project.pk,
        title="运行维护费分摊",
        scheme=CostPlan.Scheme.BY_AREA,
        purpose=CostPlan.Purpose.OPERATION,
        gross=150_000,
        roster=[side.unit.pk, side.other_unit.pk],
    )
    share = Share.objects.get(plan=plan, unit=side.unit)
    other_share = Share.objects.get(plan=plan, unit=side.other_unit)
    payment = services.payment_record(
        actor=second, share_id=share.pk, amount=100_000, channel=Payment.Channel.BANK
    )
    services.checkpoints_publish(community_id=side.community.pk)
    statement = services.statement_publish(
        actor=worker,
        account_id=income.pk,
        period=Statement.Period.MONTH,
        starts_on=last_month,
    )
    return FinanceExtra(
        fund=fund,
        income=income,
        project=project,
        running=running,
        pending=pending,
        posted=posted,
        receipt=posted.receipts.get(),
        plan=plan,
        draft_plan=draft_plan,
        share=share,
        other_share=other_share,
        payment=payment,
        statement=statement,
        second_worker=second,
    )


def finance(side: Any) -> FinanceExtra:
    return side.finance  # type: ignore[no-any-return]
