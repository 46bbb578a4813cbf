"""The demo's year of sunshine finance in 金狮苑 (linli.finance.demo): four accounts whose every
ledger verifies, exact balances, receipts and approvals, the Art. 73 emergency repair, the
elevator cost plan with payments for the demo owners, checkpoints, last month's statement, and
a second load that writes nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Sum
from django.test import override_settings
from django.utils import translation

from linli.accounts.models import User
from linli.core import clock
from linli.core.models import AuditLog
from linli.domain import ledger as chain_rules
from linli.finance import demo, ledger, selectors, services
from linli.finance.models import (
    Account,
    Approval,
    Checkpoint,
    CostPlan,
    EmergencyConfirmation,
    Entry,
    EntryLine,
    Expense,
    Payment,
    Receipt,
    Share,
    Statement,
)
from linli.finance.tests.test_ledger_db import tampering
from linli.notices.models import Notice
from linli.registry.demo.accounts import ACCOUNTS_BY_KEY
from linli.registry.demo.load import demo_load
from linli.registry.models import Community, Unit

FUND, INCOME, PROJECT, RUNNING = demo.FUND, demo.INCOME, demo.PROJECT, demo.RUNNING
MODELS = (
    Account,
    Entry,
    EntryLine,
    Checkpoint,
    Expense,
    Receipt,
    Approval,
    EmergencyConfirmation,
    CostPlan,
    Share,
    Payment,
    Statement,
    Notice,
    AuditLog,
)


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The registry demo and the finance demo, loaded once for the class and rolled back."""
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        translation.override(settings.LANGUAGE_CODE),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        demo_load()
        community = Community.objects.get(code="shangyangshi")
        first = demo.load(community)
        yield community, first, str(media)
        transaction.set_rollback(True)


def _user(key: str) -> User:
    return User.objects.get(phone=ACCOUNTS_BY_KEY[key].phone)


def _account(name: str) -> Account:
    return Account.objects.get(name=name)


@pytest.mark.django_db
class TestDemoFinance:
    def test_first_load_opens_the_four_accounts_of_jinshiyuan(self, loaded):
        community, first, _media = loaded
        assert first == demo.DemoFinanceResult(loaded=True)
        accounts = Account.objects.filter(community=community).order_by("id")
        assert [(a.name, a.kind, a.estate.name, a.first_deposit) for a in accounts] == [
            (FUND, "maintenance_fund", "金狮苑", 190_000_000),
            (INCOME, "common_income", "金狮苑", 0),
            (PROJECT, "project_fund", "金狮苑", 0),
            (RUNNING, "committee_costs", "金狮苑", 0),
        ]

    def test_every_ledger_verifies_against_its_published_checkpoints(self, loaded):
        heads = {FUND: 7, INCOME: 34, PROJECT: 13, RUNNING: 4}
        points = {FUND: [3, 7], INCOME: [16, 34], PROJECT: [13], RUNNING: [4]}
        for name, head in heads.items():
            account = _account(name)
            result = ledger.verify_account(account)
            assert result.ok and result.checked == head == account.head_sequence, name
            assert result.confirmed is not None and result.confirmed.sequence == head
            published = Checkpoint.objects.filter(account=account).order_by("sequence")
            assert list(published.values_list("sequence", flat=True)) == points[name]

    @pytest.mark.parametrize("chunk", [1, 2, 7, 33, 34, 35, 2_000])
    def test_the_ledger_reads_back_in_order_whatever_the_chunk(self, loaded, chunk):
        account = _account(INCOME)
        stored = Entry.objects.filter(account=account).order_by("sequence")
        expected = [
            (account.ledger_key, *row)
            for row in stored.values_list(
                "sequence", "booked_at", "lines", "memo", "reverses", "previous_hash", "hash"
            )
        ]
        assert list(ledger.sealed_entries(account, chunk=chunk)) == expected

    @pytest.mark.parametrize("chunk", [2, 3, 5, 8, 2_000])
    def test_a_gap_longer_than_a_chunk_is_named_with_the_entry_found_there(self, loaded, chunk):
        account = _account(INCOME)
        with transaction.atomic():
            with tampering() as cursor:
                cursor.execute(
                    "DELETE FROM finance_entryline WHERE entry_id IN (SELECT id FROM "
                    "finance_entry WHERE account_id = %s AND sequence BETWEEN 10 AND 17)",
                    [account.pk],
                )
                cursor.execute(
                    "DELETE FROM finance_entry WHERE account_id = %s AND sequence BETWEEN 10 AND 17",
                    [account.pk],
                )
            result = chain_rules.verify(
                ledger.sealed_entries(account, chunk=chunk), ledger=account.ledger_key
            )
            transaction.set_rollback(True)
        assert (result.reason, result.sequence, result.found, result.checked) == (
            chain_rules.Reason.GAP_OR_REORDER,
            10,
            18,
            9,
        )
        assert ledger.verify_account(account).ok

    def test_balances_are_exact(self, loaded):
        ids = {name: _account(name).pk for name in (FUND, INCOME, PROJECT, RUNNING)}
        cash = selectors.balances(ids.values())
        assert {name: cash[pk] for name, pk in ids.items()} == {
            # 1,127,450.36 moved in + 4,029.80 interest + 50,000.00 top-up − 28,600.00 repair
            FUND: 115_288_016,
            # 235,420.00 parking + 24,000.00 ads + 4,800.00 venue + 6,000.00 lockers
            # − 109,350.00 of eight expenses
            INCOME: 16_087_000,
            # 323,060.56 of twelve payments − 18,000.00 design fee
            PROJECT: 30_506_056,
            # 10,000.00 from common income − 1,456.50 of three expenses
            RUNNING: 854_350,
        }
        fund = _account(FUND)
        assert selectors.fund_health(fund).percent == "60.6"
        assert not selectors.fund_health(fund).needs_top_up

    def test_the_funds_unit_sub_ledgers_add_up_to_its_cash(self, loaded):
        fund = _account(FUND)
        units = Unit.objects.filter(estate=fund.estate).values_list("pk", flat=True)
        assert len(units) == 937
        assert sum(selectors.unit_balances(fund, units).values()) == 115_288_016

    def test_entries_fall_in_the_twelve_months_before_this_one(self, loaded):
        today = clock.today()
        first, this_month = demo.demo_month(today, 1), demo.demo_month(today, 13)
        booked = Entry.objects.values_list("booked_on", flat=True)
        assert min(booked) == demo.demo_month(today, 1, 5)
        assert max(booked) == demo.demo_month(today, 12, 21)
        assert all(first <= day < this_month for day in booked)

    def test_expenses_were_approved_by_the_committee_chair_never_by_their_recorder(self, loaded):
        chair, manager, worker = _user("committee"), _user("property"), _user("worker")
        expenses = Expense.objects.order_by("id")
        assert expenses.count() == 14
        posted = expenses.filter(status="posted")
        assert posted.count() == 13
        assert set(posted.values_list("recorded_by", flat=True)) == {manager.pk, worker.pk}
        approvals = Approval.objects.all()
        assert approvals.count() == 13
        assert set(approvals.values_list("approver", "acting_as", "approved")) == {
            (chair.pk, "committee", True)
        }
        assert not approvals.filter(approver_id=F("expense__recorded_by_id")).exists()
        for expense in posted:
            entry = Entry.objects.get(expense=expense)
            assert entry.booked_on == expense.spent_on
            assert expense.receipts.filter(kind="receipt").exists()

    def test_receipts_are_small_pdfs_and_pngs(self, loaded, settings):
        # The project's conftest gives each test its own MEDIA_ROOT; the files are in the class's.
        settings.MEDIA_ROOT = loaded[2]
        receipts = Receipt.objects.all()
        assert receipts.count() == 15
        kinds = sorted(receipts.values_list("content_type", flat=True))
        assert kinds == ["application/pdf"] * 9 + ["image/png"] * 6
        magic = {"application/pdf": b"%PDF-1.4\n", "image/png": b"\x89PNG\r\n"}
        for receipt in receipts:
            with receipt.file.open("rb") as stored:
                data = stored.read()
            assert len(data) == receipt.size < 2_048
            assert data.startswith(magic[receipt.content_type]), receipt.name

    def test_emergency_roof_repair_has_both_art_73_confirmations(self, loaded):
        expense = Expense.objects.select_related("building").get(emergency="roof_or_wall_leak")
        assert (expense.amount, expense.status, expense.audit_waived) == (2_860_000, "posted", True)
        assert expense.building.number == "7" and expense.motion_id is None
        assert expense.recorded_by == _user("property")
        confirmations = EmergencyConfirmation.objects.filter(expense=expense).order_by("id")
        assert [(c.step, c.confirmed_by) for c in confirmations] == [
            ("committee_check", _user("committee")),
            ("street_office_confirmation", _user("worker")),
        ]
        assert expense.receipts.count() == 2
        assert (
            services.expense_requirements(expense, approvals=expense.approvals.all()).blockers == []
        )
        entry = Entry.objects.get(expense=expense)
        rows = EntryLine.objects.filter(entry=entry).exclude(category="cash")
        building_units = Unit.objects.filter(building=expense.building).count()
        assert rows.count() == building_units
        assert set(rows.values_list("unit__building__number", flat=True)) == {"7"}
        assert rows.aggregate(total=Sum("debit"))["total"] == 2_860_000

    def test_one_expense_awaits_the_committee(self, loaded):
        pending = Expense.objects.get(status="recorded")
        assert (pending.description, pending.amount) == ("地下车库照明灯具更换", 680_000)
        assert pending.spent_on == clock.today() - timedelta(days=3)
        assert [e.pk for e in selectors.pending_expenses(_user("committee"))] == [pending.pk]
        assert selectors.pending_expenses(_user("property")) == []
        assert not Entry.objects.filter(expense=pending).exists()

    def test_the_elevator_plan_is_issued_by_area_over_the_entrances_fourteen_flats(self, loaded):
        plan = CostPlan.objects.get(title=demo.PLAN_TITLE)
        assert (plan.scheme, plan.status, plan.gross, plan.subsidy, plan.net) == (
            "by_area",
            "issued",
            60_000_000,
            20_000_000,
            40_000_000,
        )
        shares = {s.unit.number: (s.amount, s.paid) for s in plan.shares.select_related("unit")}
        assert len(shares) == 14 and sum(amount for amount, _paid in shares.values()) == 40_000_000
        assert shares["601"] == (2_417_540, 2_417_540)
        assert shares["102"] == (3_300_186, 1_650_093)
        assert shares["101"] == (2_417_541, 0) and shares["201"][1] == 0
        payments = Payment.objects.filter(share__plan=plan)
        assert payments.count() == 12
        assert payments.aggregate(total=Sum("amount"))["total"] == 32_306_056
        assert sum(paid for _amount, paid in shares.values()) == 32_306_056

    def test_demo_owners_see_their_own_shares_payments_and_fund_balances(self, loaded):
        owner, multi = _user("owner"), _user("multi_owner")
        assert [(s.unit.label, s.amount, s.paid) for s in selectors.my_shares(owner)] == [
            ("金狮苑24幢1单元601", 2_417_540, 2_417_540)
        ]
        assert [p.amount for p in selectors.my_payments(owner)] == [2_417_540]
        assert [(s.unit.label, s.paid) for s in selectors.my_shares(multi)] == [
            ("金狮苑24幢1单元102", 1_650_093)
        ]
        assert [(u.label, balance) for u, _a, balance in selectors.my_fund_balances(owner)] == [
            ("金狮苑24幢1单元601", 111_575)
        ]
        assert sorted(
            (u.label, balance) for u, _a, balance in selectors.my_fund_balances(multi)
        ) == [("金狮苑24幢1单元102", 152_311), ("金狮苑24幢车位B-07", 26_471)]

    def test_last_months_statement_of_common_income_is_published(self, loaded, settings):
        settings.MEDIA_ROOT = loaded[2]
        today = clock.today()
        statement = Statement.objects.select_related("notice").get()
        assert (statement.account.name, statement.period) == (INCOME, "month")
        assert (statement.starts_on, statement.ends_on) == (
            demo.demo_month(today, 12),
            demo.demo_month(today, 13) - timedelta(days=1),
        )
        assert (statement.opening, statement.income, statement.expense, statement.closing) == (
            13_791_500,
            2_715_500,
            420_000,
            16_087_000,
        )
        assert statement.data == {
            "income": {"parking": 2_035_500, "advertising": 600_000, "venue": 80_000},
            "expense": {"cleaning": 420_000},
            "entries": 4,
        }
        assert statement.notice.kind == Notice.Kind.FINANCE_STATEMENT
        assert statement.notice.starts_on == today
        assert statement.pdf.size > 0 and statement.xlsx.size > 0

    def test_checkpoints_were_published_mid_year_and_today(self, loaded):
        notices = Notice.objects.filter(kind=Notice.Kind.LEDGER_CHECKPOINT).order_by("starts_on")
        today = clock.today()
        assert list(notices.values_list("starts_on", flat=True)) == [
            demo.demo_month(today, demo.CHECKPOINT_MONTH),
            today,
        ]

    def test_staff_are_tied_to_the_estates_committee_and_property_company(self, loaded):
        fund = _account(FUND)
        assert services.can_record(_user("property"), fund)
        assert services.can_approve(_user("committee"), fund)
        assert services.is_committee_for(_user("committee"), fund)
        assert not services.can_record(_user("committee"), fund)

    def test_a_second_load_writes_nothing(self, loaded):
        community, _first, _media = loaded
        counts = [model.objects.count() for model in MODELS]
        assert demo.load(community) == demo.DemoFinanceResult(loaded=False)
        out = StringIO()
        call_command("load_demo_finance", stdout=out)
        assert out.getvalue() == "Demo finance is already loaded; nothing to do.\n"
        assert [model.objects.count() for model in MODELS] == counts
