"""The finance API: an expense from record to ledger through /api/v1/finance/, the Hangzhou
checks as clear refusals, the public ledger with masked counterparties, an owner's own money,
and refusals that change nothing (another community's objects answer 404)."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from linli.accounts.services import api_token_create
from linli.core import clock
from linli.core.dbguard import guard_disabled
from linli.core.models import AuditLog
from linli.finance import schemas, services
from linli.finance.models import (
    Account,
    Approval,
    Category,
    CostPlan,
    EmergencyConfirmation,
    Entry,
    Expense,
    Payment,
    Receipt,
    Share,
    Statement,
)
from linli.finance.tests.builders import FinanceSide, finance_side, fund
from linli.votes import services as vote_services
from linli.votes.models import Motion, RollVoter
from linli.votes.tests import builders as vote_builders
from tests import factories as f

pytestmark = pytest.mark.django_db

BASE = "/api/v1/finance"
PDF = b"%PDF-1.4\n% invoice 2026-031\n"


class Api:
    """A client of the API as one user, by browser session or by bearer token (or nobody)."""

    def __init__(self, user: Any = None, how: str = "session") -> None:
        self.client = Client()
        self.headers: dict[str, str] = {"HTTP_ACCEPT_LANGUAGE": "en"}
        if user is not None and how == "session":
            self.client.force_login(user)
        elif user is not None:
            _token, secret = api_token_create(user=user, name="手机")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"

    def get(self, url: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.get(url, data or {}, **self.headers)

    def post(self, url: str, body: Any = None) -> Any:
        return self.client.post(url, body or {}, content_type="application/json", **self.headers)

    def upload(self, url: str, content: bytes, name: str = "发票.pdf", **fields: str) -> Any:
        document = SimpleUploadedFile(name, content, content_type="application/pdf")
        return self.client.post(url, {"file": document, **fields}, **self.headers)


@pytest.fixture
def books(world: Any) -> FinanceSide:
    """甲苑's four accounts, its committee (two members) and property company (two staff)."""
    return finance_side(world.a)


def state() -> dict[str, Any]:
    """Everything a finance write can change."""
    return {
        "entries": list(Entry.objects.values_list("account_id", "sequence", "hash")),
        "heads": list(Account.objects.values_list("pk", "head_sequence", "head_hash")),
        "expenses": list(Expense.objects.values_list("pk", "status", "motion_id", "audit_waived")),
        "receipts": Receipt.objects.count(),
        "approvals": Approval.objects.count(),
        "confirmations": EmergencyConfirmation.objects.count(),
        "plans": list(CostPlan.objects.values_list("pk", "status")),
        "shares": list(Share.objects.values_list("pk", "paid")),
        "payments": Payment.objects.count(),
        "statements": Statement.objects.count(),
        "audit": AuditLog.objects.count(),
    }


def expense(books: FinanceSide, account: Account, **fields: Any) -> Expense:
    """An expense recorded by the estate's property staff."""
    values: dict[str, Any] = {
        "category": Category.REPAIR,
        "description": "更换路灯",
        "counterparty": "杭州明亮电器有限公司",
        "amount": 80_000,
    }
    values.update(fields)
    return services.expense_record(actor=books.property, account_id=account.pk, **values)


def passed_motion(books: FinanceSide, title: str = "动用维修资金更换24幢电梯") -> Motion:
    """A use-of-fund vote of 甲苑 that both flats' owners approved, published."""
    side = books.side
    neighbour = f.PersonFactory(community=side.community, name="王五", user=f.UserFactory())
    f.OwnershipFactory(unit=side.other_unit, person=neighbour)
    motion = vote_builders.opened(
        books.worker, side.estate, title=title, matter=Motion.Matter.USE_FUND
    )
    with clock.travel(timedelta(days=vote_builders.OPEN_AFTER)):
        for user in (side.users["owner"], neighbour.user):
            voter = RollVoter.objects.get(motion=motion, owners__person__user=user)
            vote_services.ballot_cast(
                user=user, motion_id=motion.pk, voter_id=voter.pk, choice="yes"
            )
    vote_builders.closed(books.worker, motion)
    with vote_builders.after_close():
        vote_services.motion_tally(actor=books.worker, motion_id=motion.pk)
        vote_services.motion_publish(actor=books.worker, motion_id=motion.pk)
    return motion


# --- an expense from record to ledger ---------------------------------------------------------


@pytest.mark.parametrize("how", ["session", "token"])
def test_property_records_committee_approves_and_the_ledger_shows_it(how, books):
    property_ = Api(books.property, how)
    committee = Api(books.committee, how)
    account = f"{BASE}/accounts/{books.income.pk}"

    income = property_.post(
        f"{account}/income",
        {
            "category": "parking",
            "amount": 1_200_000,
            "description": "三月停车费",
            "counterparty": "张三丰",
        },
    )
    assert income.status_code == 201, income.content
    assert income.json()["sequence"] == 1
    assert income.json()["lines"] == [
        {
            "code": "cash",
            "category": "cash",
            "category_label": "Cash",
            "unit_id": None,
            "debit": 1_200_000,
            "credit": 0,
        },
        {
            "code": "parking",
            "category": "parking",
            "category_label": "Parking income",
            "unit_id": None,
            "debit": 0,
            "credit": 1_200_000,
        },
    ]
    assert (income.json()["amount_in"], income.json()["counterparty"]) == (1_200_000, "张三丰")

    recorded = property_.post(
        f"{account}/expenses",
        {
            "category": "repair",
            "description": "更换路灯",
            "counterparty": "杭州明亮电器有限公司",
            "amount": 80_000,
        },
    )
    assert recorded.status_code == 201, recorded.content
    created = recorded.json()
    assert (created["status"], created["amount"], created["recorded_by"]) == (
        "recorded",
        80_000,
        books.property.name,
    )
    assert created["requirements"] == {
        "blockers": [],
        "needs_committee": False,
        "needs_motion": False,
        "emergency_missing": [],
        "audit_required": False,
        "audit_waivable": False,
        "overrun": 0,
    }
    expense_url = f"{BASE}/expenses/{created['id']}"

    uploaded = property_.upload(f"{expense_url}/receipts", PDF)
    assert uploaded.status_code == 201, uploaded.content
    assert {k: uploaded.json()[k] for k in ("kind", "name", "content_type", "size")} == {
        "kind": "receipt",
        "name": "发票.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
    }

    own = property_.post(f"{expense_url}/decision", {"approve": True})
    assert own.status_code == 403
    assert own.json() == {
        "code": "own_expense",
        "message": "You recorded this expense, so someone else must approve it.",
    }
    assert Approval.objects.count() == 0

    decided = committee.post(f"{expense_url}/decision", {"approve": True, "note": "同意"})
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert (body["status"], body["entry_sequence"], body["requirements"]) == ("posted", 2, None)
    assert [(r["name"], r["kind"]) for r in body["receipts"]] == [("发票.pdf", "receipt")]
    assert [
        (a["approver"], a["acting_as"], a["approved"], a["note"]) for a in body["approvals"]
    ] == [(books.committee.name, "committee", True, "同意")]

    entries = committee.get(f"{account}/entries").json()
    assert [(e["sequence"], e["amount_in"], e["amount_out"]) for e in entries["items"]] == [
        (2, 0, 80_000),
        (1, 1_200_000, 0),
    ]
    assert entries["items"][0]["expense_id"] == created["id"]
    assert entries["items"][0]["counterparty"] == "杭州明亮电器有限公司"
    assert entries["items"][0]["previous_hash"] == entries["items"][1]["hash"]
    assert entries["next_before"] is None
    detail = committee.get(account).json()
    assert (detail["balance"], detail["head_sequence"], detail["head_hash"]) == (
        1_120_000,
        2,
        entries["items"][0]["hash"],
    )
    assert [(e["description"], e["status"]) for e in detail["expenses"]] == [("更换路灯", "posted")]
    verified = committee.get(f"{account}/verify").json()
    assert verified == {
        "ok": True,
        "reason": "ok",
        "message": "The ledger is intact: 2 entries checked.",
        "sequence": None,
        "found": None,
        "checked": 2,
        "head": {"sequence": 2, "hash": entries["items"][0]["hash"]},
        "confirmed": None,
        "checkpoints": 0,
    }


def test_a_rejection_needs_a_note_and_ends_the_expense(books):
    fund(books.worker, books.income, 500_000)
    pending = expense(books, books.income)
    committee = Api(books.committee)
    url = f"{BASE}/expenses/{pending.pk}/decision"

    silent = committee.post(url, {"approve": False})
    rejected = committee.post(url, {"approve": False, "note": "报价过高"})
    again = Api(books.committee2).post(url, {"approve": True})

    assert (silent.status_code, silent.json()) == (
        400,
        {"code": "required", "message": "The note is required."},
    )
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["entry_sequence"]) == ("rejected", None)
    assert (again.status_code, again.json()["code"]) == (409, "not_pending")
    assert Entry.objects.filter(account=books.income).count() == 1


# --- the Hangzhou rules as clear refusals ------------------------------------------------------


def test_a_maintenance_fund_expense_without_a_vote_is_refused_and_nothing_changes(books):
    fund(books.worker, books.fund, 10_000_000)
    pending = expense(books, books.fund, amount=3_500_000, description="更换24幢电梯")
    before = state()
    url = f"{BASE}/expenses/{pending.pk}"
    blockers = [
        "An owners' committee member must approve any use of the maintenance fund.",
        "Link the owners' vote that approved this use of the maintenance fund.",
        "Attach the audit report of the settlement: only 30,000 yuan or less may skip the audit, "
        "and only with the owners' committee's approval (Hangzhou Property Management "
        "Regulations, Art. 72).",
    ]

    shown = Api(books.worker).get(url).json()["requirements"]
    refused = Api(books.committee).post(f"{url}/decision", {"approve": True})

    assert shown == {
        "blockers": blockers,
        "needs_committee": True,
        "needs_motion": True,
        "emergency_missing": [],
        "audit_required": True,
        "audit_waivable": False,
        "overrun": 0,
    }
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "requirements",
        "message": " ".join(blockers[1:]),
        "details": blockers[1:],
    }
    assert state() == before


def test_linking_a_passed_vote_and_the_audit_report_lets_the_committee_post(books):
    fund(books.worker, books.fund, 10_000_000)
    pending = expense(books, books.fund, amount=3_500_000, description="更换24幢电梯")
    motion = passed_motion(books)
    worker, committee = Api(books.worker), Api(books.committee)
    url = f"{BASE}/expenses/{pending.pk}"

    linked = worker.post(f"{url}/motion", {"motion_id": motion.pk})
    report = Api(books.property2).upload(
        f"{url}/receipts", PDF, name="审计报告.pdf", kind="audit_report"
    )
    decided = committee.post(f"{url}/decision", {"approve": True})

    assert linked.status_code == 200, linked.content
    assert (linked.json()["motion_id"], linked.json()["motion_title"]) == (
        motion.pk,
        "动用维修资金更换24幢电梯",
    )
    assert linked.json()["requirements"]["blockers"] == [
        "An owners' committee member must approve any use of the maintenance fund.",
        "Attach the audit report of the settlement: only 30,000 yuan or less may skip the audit, "
        "and only with the owners' committee's approval (Hangzhou Property Management "
        "Regulations, Art. 72).",
    ]
    assert (report.status_code, report.json()["kind"]) == (201, "audit_report")
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "posted"
    lines = Api(books.worker).get(f"{BASE}/accounts/{books.fund.pk}/entries").json()["items"][0]
    # Charged to both flats of the estate by exclusive area (89.50 m² and 75.20 m²).
    assert [(line["code"], line["debit"], line["credit"]) for line in lines["lines"]] == [
        (f"repair/u{books.side.unit.pk}", 1_901_943, 0),
        (f"repair/u{books.side.other_unit.pk}", 1_598_057, 0),
        ("cash", 0, 3_500_000),
    ]


def test_a_vote_that_has_not_passed_cannot_be_linked(books):
    pending = expense(books, books.fund, amount=100_000)
    draft = vote_builders.draft(books.worker, books.side.estate)
    before = state()

    refused = Api(books.committee).post(
        f"{BASE}/expenses/{pending.pk}/motion", {"motion_id": draft.pk}
    )

    assert refused.status_code == 409
    assert refused.json() == {
        "code": "motion_not_passed",
        "message": "Only a vote whose result was published as passed can be linked.",
    }
    assert state() == before


def test_an_emergency_repair_records_its_confirmations(books):
    pending = expense(
        books, books.fund, amount=2_000_000, category="elevator", emergency="elevator_failure"
    )
    url = f"{BASE}/expenses/{pending.pk}"
    waiting = Api(books.worker).get(url).json()["requirements"]["emergency_missing"]

    checked = Api(books.committee).post(
        f"{url}/confirmations", {"step": "committee_check", "document_ref": "业委会〔2026〕3号"}
    )
    twice = Api(books.committee2).post(
        f"{url}/confirmations", {"step": "committee_check", "document_ref": "业委会〔2026〕4号"}
    )
    not_theirs = Api(books.committee).post(
        f"{url}/confirmations",
        {"step": "street_office_confirmation", "document_ref": "街道〔2026〕9号"},
    )
    street = Api(books.side.users["street"]).post(
        f"{url}/confirmations",
        {"step": "street_office_confirmation", "document_ref": "街道〔2026〕9号"},
    )

    assert waiting == ["committee_check", "street_office_confirmation"]
    assert checked.status_code == 201
    assert {k: checked.json()[k] for k in ("step", "document_ref", "confirmed_by")} == {
        "step": "committee_check",
        "document_ref": "业委会〔2026〕3号",
        "confirmed_by": books.committee.name,
    }
    assert (twice.status_code, twice.json()["code"]) == (409, "already_confirmed")
    assert (not_theirs.status_code, not_theirs.json()) == (
        403,
        {"code": "not_allowed", "message": "You cannot give this confirmation."},
    )
    assert street.status_code == 201
    after = Api(books.worker).get(url).json()
    assert after["requirements"]["emergency_missing"] == []
    assert [c["step"] for c in after["confirmations"]] == [
        "committee_check",
        "street_office_confirmation",
    ]


# --- cost plans and payments -------------------------------------------------------------------


def issued_plan(books: FinanceSide) -> CostPlan:
    side = books.side
    plan = services.plan_create(
        actor=books.committee,
        account_id=books.project.pk,
        title="24幢1单元加装电梯分摊",
        scheme=CostPlan.Scheme.BY_AREA,
        gross=1_000_000,
        subsidy=200_000,
        roster=[side.unit.pk, side.other_unit.pk],
    )
    return services.plan_issue(actor=books.committee, plan_id=plan.pk)


def test_a_plan_is_drafted_previewed_and_issued(books):
    side = books.side
    committee = Api(books.committee)

    created = committee.post(
        f"{BASE}/accounts/{books.project.pk}/plans",
        {
            "title": "加装电梯分摊",
            "scheme": "floor_percent",
            "gross": 300_000,
            "roster": [side.unit.pk, side.other_unit.pk],
            "parameters": {"pct": {"1": "100"}, "split": "area"},
        },
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    assert (plan["status"], plan["net"], plan["parameters"]) == (
        "draft",
        300_000,
        {"pct": {"1": 100}, "split": "area"},
    )
    preview = [(s["id"], s["unit_id"], s["amount"], s["paid"]) for s in plan["shares"]]
    assert preview == [(None, side.unit.pk, 163_024, 0), (None, side.other_unit.pk, 136_976, 0)]
    assert plan["shares"][0]["unit_label"] == side.unit.label

    issued = committee.post(f"{BASE}/plans/{plan['id']}/issue")
    twice = committee.post(f"{BASE}/plans/{plan['id']}/issue")

    assert issued.status_code == 200
    assert issued.json()["status"] == "issued"
    shares = Share.objects.filter(plan_id=plan["id"]).order_by("position")
    assert [(s["id"], s["amount"]) for s in issued.json()["shares"]] == [
        (share.pk, share.amount) for share in shares
    ]
    assert [share.amount for share in shares] == [163_024, 136_976]
    assert (twice.status_code, twice.json()["code"]) == (409, "already_issued")


def test_a_payment_posts_and_an_overpayment_is_refused_changing_nothing(books):
    plan = issued_plan(books)
    share = Share.objects.get(plan=plan, unit=books.side.unit)
    property_ = Api(books.property)
    url = f"{BASE}/shares/{share.pk}/payments"

    paid = property_.post(url, {"amount": 100_000, "channel": "wechat", "reference": "WX0001"})
    before = state()
    overpaid = property_.post(url, {"amount": share.amount, "channel": "bank"})

    assert paid.status_code == 201, paid.content
    assert {k: paid.json()[k] for k in ("amount", "channel", "entry_sequence", "share_paid")} == {
        "amount": 100_000,
        "channel": "wechat",
        "entry_sequence": 1,
        "share_paid": 100_000,
    }
    assert paid.json()["share_outstanding"] == share.amount - 100_000 == 334_730
    assert overpaid.status_code == 409
    assert overpaid.json() == {
        "code": "overpaid",
        "message": "Only 3,347.30 yuan of this share is still to pay.",
    }
    assert state() == before


# --- statements and the public ledger ----------------------------------------------------------


def test_the_public_ledger_masks_counterparties_and_staff_see_them(books):
    last_month = (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    services.income_record(
        actor=books.worker,
        account_id=books.income.pk,
        category=Category.PARKING,
        amount=1_200_000,
        description="停车费",
        counterparty="张三丰",
        received_on=last_month + timedelta(days=2),
    )
    services.checkpoints_publish(community_id=books.side.community.pk)
    published = Api(books.committee).post(
        f"{BASE}/accounts/{books.income.pk}/statements",
        {"period": "month", "starts_on": last_month.isoformat()},
    )
    assert published.status_code == 201, published.content
    statement = published.json()
    assert {
        k: statement[k]
        for k in ("period", "opening", "income", "expense", "closing", "head_sequence")
    } == {
        "period": "month",
        "opening": 0,
        "income": 1_200_000,
        "expense": 0,
        "closing": 1_200_000,
        "head_sequence": 1,
    }
    assert statement["income_by_category"] == [
        {"category": "parking", "label": "Parking income", "amount": 1_200_000}
    ]
    public_id = books.income.public_id

    nobody = Api()
    account = nobody.get(f"{BASE}/public/accounts/{public_id}")
    entries = nobody.get(f"{BASE}/public/accounts/{public_id}/entries")
    read = nobody.get(f"{BASE}/public/statements/{statement['public_id']}")
    staff = Api(books.worker).get(f"{BASE}/accounts/{books.income.pk}/entries")

    assert account.status_code == 200
    assert {k: account.json()[k] for k in ("name", "balance", "head_sequence")} == {
        "name": "公共收益",
        "balance": 1_200_000,
        "head_sequence": 1,
    }
    assert account.json()["last_checkpoint"]["sequence"] == 1
    assert [s["public_id"] for s in account.json()["statements"]] == [statement["public_id"]]
    assert entries.status_code == 200
    (entry,) = entries.json()["items"]
    assert (entry["counterparty"], entry["description"], entry["categories"]) == (
        "张*丰",
        "停车费",
        ["Parking income"],
    )
    assert "张三丰" not in entries.content.decode()
    assert staff.json()["items"][0]["counterparty"] == "张三丰"
    assert read.status_code == 200
    assert read.json() == statement


def test_a_statement_of_a_period_not_yet_ended_is_refused(books):
    committee = Api(books.committee)
    url = f"{BASE}/accounts/{books.income.pk}/statements"
    before = state()

    current = committee.post(
        url, {"period": "month", "starts_on": clock.today().replace(day=1).isoformat()}
    )
    mid_month = committee.post(url, {"period": "month", "starts_on": "2025-03-15"})
    april = committee.post(url, {"period": "half_year", "starts_on": "2025-04-01"})

    assert (current.status_code, current.json()) == (
        409,
        {"code": "not_ended", "message": "Only a period that has ended can be published."},
    )
    for response in (mid_month, april):
        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid_period",
            "message": "A period starts on the first day of a month (January or July for "
            "half-years).",
        }
    assert state() == before


def test_unknown_public_ids_answer_404(books):
    nobody = Api()
    unknown = "00000000-0000-4000-8000-000000000000"

    for url in (
        f"{BASE}/public/accounts/{unknown}",
        f"{BASE}/public/accounts/{unknown}/entries",
        f"{BASE}/public/statements/{unknown}",
    ):
        response = nobody.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert nobody.get(f"{BASE}/public/accounts/not-a-uuid").status_code == 422


def test_entries_page_back_by_sequence(books):
    for amount in (100, 200, 300, 400, 500):
        fund(books.worker, books.income, amount)
    worker = Api(books.worker)
    url = f"{BASE}/accounts/{books.income.pk}/entries"
    public = f"{BASE}/public/accounts/{books.income.public_id}/entries"

    pages = []
    before = None
    while True:
        query = {"limit": 2} if before is None else {"limit": 2, "before": before}
        body = worker.get(url, query).json()
        pages.append([e["sequence"] for e in body["items"]])
        before = body["next_before"]
        if before is None:
            break

    assert pages == [[5, 4], [3, 2], [1]]
    assert [e["amount_in"] for e in Api().get(public, {"before": 3}).json()["items"]] == [200, 100]
    assert len(worker.get(url, {"limit": 0}).json()["items"]) == 1
    assert len(worker.get(url, {"limit": 10_000}).json()["items"]) == 5


@contextmanager
def tampering() -> Iterator[Any]:
    """A cursor that may change ledger entries (the append-only triggers bypassed)."""
    with guard_disabled(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE finance_entry DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE finance_entry ENABLE TRIGGER USER")


def test_verify_names_the_edited_entry(books):
    for amount in (100, 200, 300):
        fund(books.worker, books.income, amount)
    services.checkpoints_publish(community_id=books.side.community.pk)
    with tampering() as cursor:
        cursor.execute(
            "UPDATE finance_entry SET memo = %s WHERE account_id = %s AND sequence = 2",
            ["入账（已改）", books.income.pk],
        )

    body = Api(books.committee).get(f"{BASE}/accounts/{books.income.pk}/verify").json()

    first = Entry.objects.get(account=books.income, sequence=1)
    assert body == {
        "ok": False,
        "reason": "bad_hash",
        "message": "Entry 2 does not match its hash: it was edited.",
        "sequence": 2,
        "found": 2,
        "checked": 1,
        "head": {"sequence": 1, "hash": first.hash},
        "confirmed": None,
        "checkpoints": 1,
    }


# --- an owner's own money ----------------------------------------------------------------------


def test_an_owner_sees_their_own_homes_money_only(books, world):
    side = books.side
    services.income_record(
        actor=books.worker,
        account_id=books.fund.pk,
        category=Category.DEPOSIT,
        amount=2_000_000,
        description="首期维修资金",
        unit_id=side.unit.pk,
    )
    plan = issued_plan(books)
    share = Share.objects.get(plan=plan, unit=side.unit)
    services.payment_record(
        actor=books.worker, share_id=share.pk, amount=50_000, channel=Payment.Channel.ALIPAY
    )

    mine = Api(side.users["owner"]).get(f"{BASE}/mine")

    assert mine.status_code == 200
    body = mine.json()
    assert body["funds"] == [
        {
            "unit_id": side.unit.pk,
            "unit_label": side.unit.label,
            "account_public_id": str(books.fund.public_id),
            "account_name": "专项维修资金",
            "balance": 2_000_000,
        }
    ]
    assert [(s["share_id"], s["amount"], s["paid"], s["outstanding"]) for s in body["shares"]] == [
        (share.pk, 434_730, 50_000, 384_730)
    ]
    assert [(p["share_id"], p["amount"], p["channel"]) for p in body["payments"]] == [
        (share.pk, 50_000, "alipay")
    ]
    for user in (side.users["resident"], books.worker, world.b.users["owner"]):
        assert Api(user).get(f"{BASE}/mine").json() == {"funds": [], "shares": [], "payments": []}


# --- who may do what ---------------------------------------------------------------------------


def test_who_sees_which_accounts(books, world):
    def names(user: Any) -> list[str]:
        body = Api(user).get(f"{BASE}/accounts").json()
        assert body["count"] == len(body["items"])
        return [item["name"] for item in body["items"]]

    all_four = ["专项维修资金", "公共收益", "24幢加装电梯", "业委会工作经费"]
    for user in (books.worker, books.committee, books.property, world.a.users["street"]):
        assert sorted(names(user)) == sorted(all_four)
    for user in (world.a.users["owner"], world.a.users["resident"], world.b.users["worker"]):
        assert names(user) == []
    fund_item = next(
        item
        for item in Api(books.worker).get(f"{BASE}/accounts").json()["items"]
        if item["kind"] == "maintenance_fund"
    )
    assert fund_item["fund_health"] == {
        "balance": 0,
        "first_deposit": 100_000_000,
        "percent": "0.0",
        "needs_top_up": True,
    }


def test_another_communitys_objects_answer_404_and_nothing_changes(books, world):
    pending = expense(books, books.income, amount=10_000)
    plan = issued_plan(books)
    share = Share.objects.get(plan=plan, unit=books.side.unit)
    before = state()
    last_month = (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1).isoformat()

    for role in ("worker", "admin", "committee", "property", "owner"):
        other = Api(world.b.users[role])
        account = f"{BASE}/accounts/{books.income.pk}"
        answers = [
            other.get(account),
            other.get(f"{account}/entries"),
            other.get(f"{account}/verify"),
            other.post(
                f"{account}/income", {"category": "parking", "amount": 100, "description": "x"}
            ),
            other.post(
                f"{account}/expenses",
                {"category": "repair", "description": "x", "counterparty": "y", "amount": 100},
            ),
            other.post(f"{account}/statements", {"period": "month", "starts_on": last_month}),
            other.get(f"{BASE}/expenses/{pending.pk}"),
            other.post(f"{BASE}/expenses/{pending.pk}/decision", {"approve": True}),
            other.post(f"{BASE}/expenses/{pending.pk}/motion", {"motion_id": 1}),
            other.post(
                f"{BASE}/expenses/{pending.pk}/confirmations",
                {"step": "committee_check", "document_ref": "x"},
            ),
            other.upload(f"{BASE}/expenses/{pending.pk}/receipts", PDF),
            other.post(
                f"{BASE}/accounts/{books.project.pk}/plans",
                {"title": "x", "scheme": "by_area", "gross": 100, "roster": [books.side.unit.pk]},
            ),
            other.get(f"{BASE}/plans/{plan.pk}"),
            other.post(f"{BASE}/plans/{plan.pk}/issue"),
            other.post(f"{BASE}/shares/{share.pk}/payments", {"amount": 1, "channel": "cash"}),
        ]
        assert [r.status_code for r in answers] == [404] * len(answers), role
        assert {r.json()["code"] for r in answers} == {"not_found"}
    assert state() == before


def test_staff_endpoints_need_a_login_and_public_ones_do_not(books):
    nobody = Api()
    pending = expense(books, books.income, amount=10_000)

    for response in (
        nobody.get(f"{BASE}/accounts"),
        nobody.get(f"{BASE}/accounts/{books.income.pk}"),
        nobody.get(f"{BASE}/expenses/{pending.pk}"),
        nobody.get(f"{BASE}/mine"),
        nobody.post(f"{BASE}/expenses/{pending.pk}/decision", {"approve": True}),
    ):
        assert response.status_code == 401
        assert response.json() == {"code": "unauthorized", "message": "Please log in."}
    assert nobody.get(f"{BASE}/public/accounts/{books.income.public_id}").status_code == 200


def test_street_staff_read_the_books_but_record_and_decide_nothing(books, world):
    pending = expense(books, books.income, amount=10_000)
    street = Api(world.a.users["street"])
    before = state()

    read = street.get(f"{BASE}/expenses/{pending.pk}")
    record = street.post(
        f"{BASE}/accounts/{books.income.pk}/income",
        {"category": "parking", "amount": 100, "description": "x"},
    )
    decide = street.post(f"{BASE}/expenses/{pending.pk}/decision", {"approve": True})
    upload = street.upload(f"{BASE}/expenses/{pending.pk}/receipts", PDF)

    assert read.status_code == 200
    assert (record.status_code, upload.status_code) == (404, 404)
    assert decide.status_code == 403
    assert decide.json() == {
        "code": "not_approver",
        "message": "Only community workers and owners' committee members approve expenses.",
    }
    assert state() == before


# --- bad input: a clear error and nothing written ----------------------------------------------


def test_bad_income_and_expenses_are_refused_and_write_nothing(books):
    property_ = Api(books.property)
    income = f"{BASE}/accounts/{books.income.pk}/income"
    expenses = f"{BASE}/accounts/{books.income.pk}/expenses"
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    ok = {"category": "parking", "amount": 100, "description": "停车费"}
    spend = {"category": "repair", "description": "修路灯", "counterparty": "某公司", "amount": 100}
    before = state()

    answers = {
        "zero": property_.post(income, {**ok, "amount": 0}),
        "huge": property_.post(income, {**ok, "amount": 10**12}),
        "blank": property_.post(income, {**ok, "description": "   "}),
        "long": property_.post(income, {**ok, "description": "长" * 201}),
        "future": property_.post(income, {**ok, "received_on": tomorrow}),
        "unit": property_.post(income, {**ok, "unit_id": books.side.unit.pk}),
        "no payee": property_.post(expenses, {**spend, "counterparty": ""}),
        "emergency": property_.post(expenses, {**spend, "emergency": "elevator_failure"}),
        "building": property_.post(expenses, {**spend, "building_id": books.side.building.pk}),
    }
    invalid = {
        "category": property_.post(income, {**ok, "category": "salary"}),
        "expense category": property_.post(expenses, {**spend, "category": "parking"}),
        "text amount": property_.post(income, {**ok, "amount": "一百"}),
        "fraction": property_.post(income, {**ok, "amount": 1.5}),
        "nul": property_.post(income, {**ok, "description": "停\x00车"}),
        "extra": property_.post(income, {**ok, "approved": True}),
        "date": property_.post(expenses, {**spend, "spent_on": "昨天"}),
        "missing": property_.post(expenses, {"category": "repair", "amount": 100}),
    }

    assert {k: (r.status_code, r.json()["code"]) for k, r in answers.items()} == {
        "zero": (400, "invalid_amount"),
        "huge": (400, "invalid_amount"),
        "blank": (400, "required"),
        "long": (400, "too_long"),
        "future": (400, "future_date"),
        "unit": (400, "unit_not_allowed"),
        "no payee": (400, "required"),
        "emergency": (400, "not_fund"),
        "building": (400, "building_not_allowed"),
    }
    assert answers["zero"].json()["message"] == (
        "The amount must be more than 0 and at most 100,000,000 yuan."
    )
    assert answers["no payee"].json()["message"] == "The payee is required."
    for response in invalid.values():
        assert response.status_code == 422
        assert response.json()["code"] == "invalid"
    assert invalid["category"].json()["errors"] == [
        {"loc": ["body", "payload", "category"], "message": "Choose one of the allowed values."}
    ]
    assert invalid["text amount"].json()["errors"] == [
        {"loc": ["body", "payload", "amount"], "message": "Enter a whole number."}
    ]
    assert invalid["date"].json()["errors"] == [
        {"loc": ["body", "payload", "spent_on"], "message": "Enter a valid date."}
    ]
    assert sorted(e["loc"][-1] for e in invalid["missing"].json()["errors"]) == [
        "counterparty",
        "description",
    ]
    assert state() == before


def test_bad_receipts_are_refused_and_write_nothing(books):
    pending = expense(books, books.income, amount=10_000)
    property_ = Api(books.property)
    url = f"{BASE}/expenses/{pending.pk}/receipts"
    before = state()

    text = property_.upload(url, b"just some text", name="receipt.pdf")
    empty = property_.upload(url, b"", name="empty.pdf")
    broken_png = property_.upload(url, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, name="photo.png")
    kind = property_.upload(url, PDF, kind="selfie")
    missing = property_.client.post(url, {"kind": "receipt"}, **property_.headers)

    assert (text.status_code, text.json()) == (
        400,
        {"code": "invalid_file", "message": "A receipt must be a PDF, JPEG or PNG file."},
    )
    assert (empty.status_code, empty.json()["code"]) == (400, "invalid_file")
    assert (broken_png.status_code, broken_png.json()) == (
        400,
        {"code": "invalid_file", "message": "This image cannot be read."},
    )
    assert kind.status_code == 422
    assert missing.status_code == 422
    assert missing.json() == {
        "code": "invalid",
        "message": "The request is not valid.",
        "errors": [{"loc": ["body", "file"], "message": "This field is required."}],
    }
    assert state() == before


def test_a_receipt_cannot_be_added_once_the_expense_is_decided(books):
    fund(books.worker, books.income, 100_000)
    decided = expense(books, books.income, amount=10_000)
    services.expense_decide(actor=books.worker, expense_id=decided.pk, approve=True)
    before = state()

    late = Api(books.property).upload(f"{BASE}/expenses/{decided.pk}/receipts", PDF)

    assert (late.status_code, late.json()) == (
        409,
        {
            "code": "not_pending",
            "message": "Documents can only be added while the expense awaits approval.",
        },
    )
    assert state() == before


def test_bad_plans_and_payments_are_refused_and_write_nothing(books):
    side = books.side
    committee = Api(books.committee)
    plans = f"{BASE}/accounts/{books.project.pk}/plans"
    ok = {"title": "分摊", "scheme": "by_area", "gross": 300_000, "roster": [side.unit.pk]}
    share = Share.objects.get(plan=issued_plan(books), unit=side.unit)
    payments = f"{BASE}/shares/{share.pk}/payments"
    before = state()

    answers = {
        "percent": committee.post(
            plans, {**ok, "scheme": "floor_percent", "parameters": {"pct": {"1": "90"}}}
        ),
        "fund": committee.post(f"{BASE}/accounts/{books.income.pk}/plans", ok),
        "no units": committee.post(plans, {**ok, "roster": []}),
        "stranger unit": committee.post(plans, {**ok, "roster": [unit_of_another_estate(side)]}),
        "zero payment": committee.post(payments, {"amount": 0, "channel": "bank"}),
    }
    invalid = {
        "negative": committee.post(
            plans, {**ok, "scheme": "coefficient_area", "parameters": {"k": {"1": "-1"}}}
        ),
        "inexact": committee.post(
            plans, {**ok, "scheme": "coefficient_area", "parameters": {"k": {"1": "1e999999"}}}
        ),
        "huge id": committee.post(plans, {**ok, "roster": [2**64]}),
        "unknown table": committee.post(plans, {**ok, "parameters": {"weights": {}}}),
        "channel": committee.post(payments, {"amount": 100, "channel": "cheque"}),
    }

    assert {k: (r.status_code, r.json()["code"]) for k, r in answers.items()} == {
        "percent": (400, "percent_total_not_100"),
        "fund": (400, "not_project_fund"),
        "no units": (400, "no_units"),
        "stranger unit": (404, "not_found"),
        "zero payment": (400, "invalid_amount"),
    }
    assert answers["percent"].json()["message"] == (
        "The percentages by floor must add up to exactly 100%."
    )
    for name, response in invalid.items():
        assert response.status_code == 422, name
    assert state() == before


def unit_of_another_estate(side: Any) -> int:
    """A flat of another estate of the same community: not on this estate's rosters."""
    elsewhere = f.EstateFactory(community=side.community, name="别苑")
    building = f.BuildingFactory(estate=elsewhere, community=side.community, number="1")
    entrance = f.EntranceFactory(building=building, community=side.community, number="1")
    return int(f.UnitFactory(entrance=entrance, number="101", floor=1, area=9000).pk)


def test_the_schema_literals_are_the_models_choices():
    from linli.domain.fund_rules import Confirmation, EmergencyKind
    from linli.domain.ledger import Reason
    from linli.finance.models import EXPENSE_CATEGORIES, INCOME_CATEGORIES

    def values(literal: Any) -> list[str]:
        return list(typing.get_args(literal))

    assert values(schemas.AccountKindValue) == Account.Kind.values
    assert values(schemas.IncomeCategoryValue) == [c for c in Category if c in INCOME_CATEGORIES]
    assert values(schemas.ExpenseCategoryValue) == [c for c in Category if c in EXPENSE_CATEGORIES]
    assert values(schemas.EmergencyValue) == ["", *EmergencyKind]
    assert values(schemas.ConfirmationStepValue) == list(Confirmation)
    assert values(schemas.ExpenseStatusValue) == Expense.Status.values
    assert values(schemas.ReceiptKindValue) == Receipt.Kind.values
    assert values(schemas.ApproverValue) == Approval.As.values
    assert values(schemas.SchemeValue) == CostPlan.Scheme.values
    assert values(schemas.PurposeValue) == CostPlan.Purpose.values
    assert values(schemas.PlanStatusValue) == CostPlan.Status.values
    assert values(schemas.ChannelValue) == Payment.Channel.values
    assert values(schemas.PeriodValue) == Statement.Period.values
    assert values(schemas.VerifyReasonValue) == list(Reason)


# --- bounded queries ---------------------------------------------------------------------------


@pytest.fixture
def busy(books: FinanceSide) -> dict[str, Any]:
    """Books with something behind every read: entries, expenses with receipts and
    approvals, a draft and an issued plan with payments, checkpoints and a statement."""
    last_month = (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    for n in range(6):
        fund(books.worker, books.income, 100_000 + n, received_on=last_month + timedelta(days=n))
    fund(books.worker, books.fund, 5_000_000)
    spent = []
    for n in range(3):
        item = expense(books, books.income, amount=1_000 + n, description=f"维修{n}")
        services.receipt_add(
            actor=books.property,
            expense_id=item.pk,
            uploaded_file=SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
        )
        spent.append(item)
    services.expense_decide(actor=books.committee, expense_id=spent[0].pk, approve=True)
    plan = issued_plan(books)
    for share in Share.objects.filter(plan=plan):
        services.payment_record(
            actor=books.worker, share_id=share.pk, amount=1_000, channel=Payment.Channel.BANK
        )
    draft = services.plan_create(
        actor=books.committee,
        account_id=books.project.pk,
        title="运行维护费",
        scheme=CostPlan.Scheme.BY_AREA,
        purpose=CostPlan.Purpose.OPERATION,
        gross=150_000,
        roster=[books.side.unit.pk, books.side.other_unit.pk],
    )
    services.checkpoints_publish(community_id=books.side.community.pk)
    statement = services.statement_publish(
        actor=books.worker,
        account_id=books.income.pk,
        period=Statement.Period.MONTH,
        starts_on=last_month,
    )
    return {
        "pending": spent[1],
        "posted": spent[0],
        "plan": plan,
        "draft": draft,
        "statement": statement,
    }


@pytest.mark.parametrize("role", ["worker", "committee", "property"])
def test_staff_reads_cost_a_bounded_number_of_queries(
    role, books, busy, django_assert_max_num_queries
):
    api = Api(getattr(books, role))
    account = f"{BASE}/accounts/{books.income.pk}"
    # Property staff cost one query per account more in the list (their estates are looked up
    # per account by services.property_estate_ids); the other budgets do not grow with the data.
    budgets = {
        f"{BASE}/accounts": 10,
        account: 11,
        f"{account}/entries": 7,
        f"{account}/verify": 10,
        f"{BASE}/expenses/{busy['pending'].pk}": 11,
        f"{BASE}/expenses/{busy['posted'].pk}": 11,
        f"{BASE}/plans/{busy['plan'].pk}": 8,
        f"{BASE}/plans/{busy['draft'].pk}": 8,
    }
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            response = api.get(url)
        assert response.status_code == 200, (url, response.content)


def test_public_and_owner_reads_cost_a_bounded_number_of_queries(
    books, busy, world, django_assert_max_num_queries
):
    nobody, owner = Api(), Api(world.a.users["owner"])
    public_id = books.income.public_id

    with django_assert_max_num_queries(4):
        assert nobody.get(f"{BASE}/public/accounts/{public_id}").status_code == 200
    with django_assert_max_num_queries(2):
        entries = nobody.get(f"{BASE}/public/accounts/{public_id}/entries")
    with django_assert_max_num_queries(1):
        statement = nobody.get(f"{BASE}/public/statements/{busy['statement'].public_id}")
    with django_assert_max_num_queries(10):
        mine = owner.get(f"{BASE}/mine")

    assert len(entries.json()["items"]) == 7
    assert statement.json()["income"] == 600_015
    assert (len(mine.json()["shares"]), len(mine.json()["payments"])) == (1, 1)
