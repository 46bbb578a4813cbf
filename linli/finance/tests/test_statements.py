"""Statements: the figures of a month or half-year, the public Notice, the PDF and the Excel
file (services.statement_publish, linli.finance.documents).

The clock stands at 20 November 2026 (Beijing). The common-income account of estate 甲苑 has
two September entries, seven October entries (one of them a mistaken advertising income and its
reversal) and two November entries; the figures below are added up by hand from those inputs.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from linli.core import clock
from linli.core.errors import Conflict, LinliError, NotFound
from linli.core.models import AuditLog
from linli.domain.notice_periods import period_days
from linli.finance import documents, selectors, services
from linli.finance.ledger import NewEntry, append_bulk, split_memo
from linli.finance.models import Category, Entry, Statement
from linli.finance.tests.builders import FinanceSide, finance_side
from linli.notices.models import Notice

TODAY = date(2026, 11, 20)
OCTOBER = date(2026, 10, 1)

PARKING_COMPANY = "杭州某某停车管理有限公司"
MEDIA_COMPANY = "杭州分众传媒有限公司"
RENTER = "张三丰"
REPAIRER = "杭州安居维修有限公司"
GARDENER = "杭州绿源园艺有限公司"
CLEANER = "杭州洁净保洁服务有限公司"

# October, added up by hand.
OPENING = 1_200_000 - 150_000  # September: parking in, cleaning out
INCOME = {"parking": 345_678, "advertising": 200_000 + 99_999 - 99_999, "venue": 50_050}
EXPENSE = {"repair": 123_456, "greening": 40_000}
INCOME_TOTAL = 345_678 + 200_000 + 50_050
EXPENSE_TOTAL = 123_456 + 40_000
CLOSING = OPENING + INCOME_TOTAL - EXPENSE_TOTAL


@contextmanager
def on(day: date) -> Iterator[None]:
    """The platform's clock at 15:00 Beijing time on `day`."""
    target = datetime(day.year, day.month, day.day, 15, tzinfo=clock.SHANGHAI)
    with clock.travel(target - clock.now()):
        yield


@pytest.fixture
def fin(world: Any) -> Iterator[FinanceSide]:
    with on(TODAY):
        yield finance_side(world.a)


def income(fin: FinanceSide, category: str, amount: int, day: date, text: str, payer: str) -> Entry:
    return services.income_record(
        actor=fin.worker,
        account_id=fin.income.pk,
        category=category,
        amount=amount,
        description=text,
        counterparty=payer,
        received_on=day,
    )


def expense(
    fin: FinanceSide, category: str, amount: int, day: date, text: str, payee: str
) -> Entry:
    """Property staff record it, a worker approves it (below the committee threshold): posted."""
    recorded = services.expense_record(
        actor=fin.property,
        account_id=fin.income.pk,
        category=category,
        description=text,
        counterparty=payee,
        amount=amount,
        spent_on=day,
    )
    services.expense_decide(actor=fin.worker, expense_id=recorded.pk, approve=True)
    return Entry.objects.get(expense=recorded)


def book_autumn(fin: FinanceSide) -> dict[str, Entry]:
    """September, October and November on the common-income account, in date order."""
    entries = {
        "sep_parking": income(
            fin, "parking", 1_200_000, date(2026, 9, 5), "9月停车费", PARKING_COMPANY
        ),
        "sep_cleaning": expense(fin, "cleaning", 150_000, date(2026, 9, 18), "9月保洁", CLEANER),
        "parking": income(
            fin, "parking", 345_678, date(2026, 10, 3), "10月停车费", PARKING_COMPANY
        ),
        "advertising": income(
            fin, "advertising", 200_000, date(2026, 10, 10), "电梯广告", MEDIA_COMPANY
        ),
        "venue": income(fin, "venue", 50_050, date(2026, 10, 12), "活动室租金", RENTER),
        "repair": expense(fin, "repair", 123_456, date(2026, 10, 20), "单元门禁维修", REPAIRER),
        "greening": expense(fin, "greening", 40_000, date(2026, 10, 25), "补种绿植", GARDENER),
    }
    with on(date(2026, 10, 29)):
        entries["mistake"] = income(
            fin, "advertising", 99_999, date(2026, 10, 28), "道闸广告", MEDIA_COMPANY
        )
        entries["reversal"] = services.entry_reverse(
            actor=fin.worker,
            account_id=fin.income.pk,
            sequence=entries["mistake"].sequence,
            reason="金额录错",
        )
    entries["nov_parking"] = income(
        fin, "parking", 70_000, date(2026, 11, 2), "11月停车费", PARKING_COMPANY
    )
    entries["nov_repair"] = expense(fin, "repair", 10_000, date(2026, 11, 5), "路灯维修", REPAIRER)
    return entries


def publish_october(fin: FinanceSide, actor: Any = None) -> Statement:
    return services.statement_publish(
        actor=actor or fin.committee, account_id=fin.income.pk, period="month", starts_on=OCTOBER
    )


def pdf_text(content: bytes) -> str:
    binary = shutil.which("pdftotext")
    assert binary is not None, "pdftotext is missing: apt-get install poppler-utils"
    return subprocess.run(
        [binary, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def workbook(statement: Statement) -> Any:
    with statement.xlsx.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


# --- figures -------------------------------------------------------------------------------


def test_monthly_statement_has_exact_figures_by_category(fin):
    entries = book_autumn(fin)
    statement = publish_october(fin)

    statement.refresh_from_db()
    assert (statement.period, statement.starts_on, statement.ends_on) == (
        "month",
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    assert statement.opening == OPENING == 1_050_000
    assert (
        statement.data["income"]
        == INCOME
        == {
            "parking": 345_678,
            "advertising": 200_000,
            "venue": 50_050,
        }
    )
    assert statement.data["expense"] == EXPENSE
    assert (statement.income, statement.expense) == (INCOME_TOTAL, EXPENSE_TOTAL)
    assert statement.closing == CLOSING == 1_482_272
    assert statement.opening + statement.income - statement.expense == statement.closing
    # The seven October entries only: September's and November's are outside.
    assert statement.data["entries"] == 7
    # The head is the ledger's when the statement was made (November's entries included):
    # every entry counted, back-dated ones too, lies at or before it.
    head = Entry.objects.filter(account=fin.income).latest("sequence")
    assert (statement.head_sequence, statement.head_hash) == (head.sequence, head.hash)
    assert head.sequence == 11 and entries["reversal"].sequence == 9
    assert statement.created_by == fin.committee


def test_a_reversal_nets_out_in_its_category(fin):
    entries = book_autumn(fin)
    assert entries["reversal"].booked_on == date(2026, 10, 29)
    figures = selectors.statement_figures(fin.income, date(2026, 10, 1), date(2026, 10, 31))
    # 200,000.00 of real advertising income; the 999.99 booked by mistake is gone.
    assert figures.income[Category.ADVERTISING] == 200_000
    # November's statement opens where October's closed.
    november = selectors.statement_figures(fin.income, date(2026, 11, 1), date(2026, 11, 30))
    assert november.opening == CLOSING
    assert november.income == {"parking": 70_000}
    assert november.expense == {"repair": 10_000}


def test_an_empty_month_carries_the_balance_and_says_so(fin):
    services.income_record(
        actor=fin.worker,
        account_id=fin.income.pk,
        category="parking",
        amount=10_000,
        description="7月停车费",
        received_on=date(2026, 7, 31),
    )
    with translation.override("en"):
        statement = services.statement_publish(
            actor=fin.worker, account_id=fin.income.pk, period="month", starts_on=date(2026, 8, 1)
        )
    assert (statement.opening, statement.income, statement.expense, statement.closing) == (
        10_000,
        0,
        0,
        10_000,
    )
    assert statement.data == {"income": {}, "expense": {}, "entries": 0}
    assert statement.head_sequence == 1
    assert "No income in this period." in statement.notice.body
    assert "No expense in this period." in statement.notice.body
    assert "No entries in this period." in pdf_text(statement.pdf.open("rb").read())


# --- the notice ----------------------------------------------------------------------------


def test_statement_is_published_as_a_notice_for_at_least_15_days(fin):
    book_autumn(fin)
    statement = publish_october(fin)

    notice = Notice.objects.get(pk=statement.notice_id)
    assert notice.kind == Notice.Kind.FINANCE_STATEMENT
    assert notice.status == Notice.Status.PUBLISHED
    assert notice.community_id == fin.income.community_id
    assert notice.estate_id == fin.income.estate_id
    assert notice.starts_on == TODAY
    assert period_days(notice.starts_on, notice.ends_on) >= 15
    # Published in Chinese by default: the month as Django writes it in zh-Hans.
    assert "2026年10月" in notice.title
    assert notice.title.startswith("公共收益")
    for figure in ("10,500.00", "3,456.78", "2,000.00", "500.50", "5,957.28"):
        assert figure in notice.body
    for figure in ("1,234.56", "400.00", "1,634.56", "14,822.72"):
        assert figure in notice.body
    assert Entry.objects.filter(account=fin.income).latest("sequence").hash in notice.body
    # Where to download the files, and where to check the ledger.
    assert documents.statement_url(statement) in notice.body
    assert documents.ledger_url(fin.income) in notice.body
    # The November figures are not part of it.
    assert "700.00" not in notice.body


def test_notice_text_in_english_names_every_line(fin):
    book_autumn(fin)
    with translation.override("en"):
        statement = publish_october(fin)
    lines = statement.notice.body.splitlines()
    assert "Opening balance: 10,500.00 yuan" in lines
    assert "  Parking income: 3,456.78 yuan" in lines
    assert "  Advertising income: 2,000.00 yuan" in lines
    assert "  Venue rent: 500.50 yuan" in lines
    assert "Total income: 5,957.28 yuan" in lines
    assert "  Repairs: 1,234.56 yuan" in lines
    assert "  Greening: 400.00 yuan" in lines
    assert "Total expense: 1,634.56 yuan" in lines
    assert "Closing balance: 14,822.72 yuan" in lines
    head = Entry.objects.filter(account=fin.income).latest("sequence")
    sequence, digest = head.sequence, head.hash
    assert f"Ledger head when this statement was made: entry {sequence}, hash {digest}." in lines
    assert statement.notice.title == "公共收益: statement for October 2026"
    # The stored row gives the same text again, categories in list order (jsonb on
    # PostgreSQL keeps no key order).
    stored = Statement.objects.get(pk=statement.pk)
    with translation.override("en"):
        assert documents.statement_text(stored) == statement.notice.body
    body = statement.notice.body
    assert body.index("Parking income") < body.index("Advertising income") < body.index("Venue")
    assert body.index("Repairs") < body.index("Greening")


# --- the PDF -------------------------------------------------------------------------------


def test_pdf_carries_account_figures_and_ledger_head(fin):
    book_autumn(fin)
    statement = publish_october(fin)

    content = statement.pdf.open("rb").read()
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "公共收益" in text
    assert "甲社区" in text and "甲苑" in text
    assert "14,822.72" in text
    assert "10,500.00" in text
    assert "3,456.78" in text and "1,234.56" in text
    assert Entry.objects.filter(account=fin.income).latest("sequence").hash in text
    # The entries of the period, counterparties masked; other months left out.
    assert "单元门禁维修" in text
    assert "9月停车费" not in text and "11月停车费" not in text
    assert selectors.mask_counterparty(RENTER) in text
    for name in (RENTER, MEDIA_COMPANY, REPAIRER):
        assert name not in text


def test_pdf_lists_entries_up_to_its_limit_and_points_to_the_excel_file(fin, monkeypatch):
    book_autumn(fin)
    monkeypatch.setattr(documents, "PDF_ENTRY_LIMIT", 3)
    with translation.override("en"):
        statement = publish_october(fin)
    text = " ".join(pdf_text(statement.pdf.open("rb").read()).split())
    assert "10月停车费" in text and "活动室租金" in text
    assert "单元门禁维修" not in text and "补种绿植" not in text
    assert "4 more entries of this period are not printed here" in text
    assert "the Excel file lists every entry" in text


# --- the Excel file ------------------------------------------------------------------------


def test_excel_summary_has_exact_cells(fin):
    book_autumn(fin)
    with translation.override("en"):
        statement = publish_october(fin)
    head = Entry.objects.filter(account=fin.income).latest("sequence")

    book = workbook(statement)
    assert book.sheetnames == ["Summary", "Entries"]
    summary = book["Summary"]
    assert [list(row) for row in summary.iter_rows(values_only=True)] == [
        ["公共收益: statement for October 2026", None],
        ["Community", "甲社区 · 甲苑"],
        ["Account", "公共收益"],
        ["Period", "2026-10-01 – 2026-10-31"],
        [None, None],
        ["Item", "Amount (yuan)"],
        ["Opening balance", 10500.00],
        ["Income", None],
        ["Parking income", 3456.78],
        ["Advertising income", 2000.00],
        ["Venue rent", 500.50],
        ["Total income", 5957.28],
        ["Expense", None],
        ["Repairs", 1234.56],
        ["Greening", 400.00],
        ["Total expense", 1634.56],
        ["Closing balance", 14822.72],
        [None, None],
        ["Ledger head: entry number", head.sequence],
        ["Ledger head: hash", head.hash],
    ]
    for row in (7, 9, 10, 11, 12, 14, 15, 16, 17):
        assert summary.cell(row=row, column=2).number_format == "#,##0.00"


def test_excel_entries_list_every_entry_of_the_period_masked(fin):
    entries = book_autumn(fin)
    with translation.override("en"):
        statement = publish_october(fin)

    sheet = workbook(statement)["Entries"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "No.",
        "Date",
        "Description",
        "Counterparty (masked)",
        "Categories",
        "In (yuan)",
        "Out (yuan)",
        "Hash",
    ]
    mask = selectors.mask_counterparty

    def row(key: str, day: int, text: str, who: str, label: str, cash_in: Any, cash_out: Any):
        entry = entries[key]
        return [
            entry.sequence,
            datetime(2026, 10, day),
            text,
            who,
            label,
            cash_in,
            cash_out,
            entry.hash,
        ]

    reversal_text = split_memo(entries["reversal"].memo)[0]
    assert rows[1:] == [
        row("parking", 3, "10月停车费", mask(PARKING_COMPANY), "Parking income", 3456.78, None),
        row("advertising", 10, "电梯广告", mask(MEDIA_COMPANY), "Advertising income", 2000.0, None),
        row("venue", 12, "活动室租金", mask(RENTER), "Venue rent", 500.5, None),
        row("repair", 20, "单元门禁维修", mask(REPAIRER), "Repairs", None, 1234.56),
        row("greening", 25, "补种绿植", mask(GARDENER), "Greening", None, 400.0),
        row("mistake", 28, "道闸广告", mask(MEDIA_COMPANY), "Advertising income", 999.99, None),
        row("reversal", 29, reversal_text, None, "Advertising income", None, 999.99),
    ]
    assert [entry[0] for entry in rows[1:]] == [3, 4, 5, 6, 7, 8, 9]
    assert mask(RENTER) == "张*丰"
    # Only masked names in this public file.
    cells = {str(value) for line in rows for value in line if value is not None}
    for name in (RENTER, PARKING_COMPANY, MEDIA_COMPANY, REPAIRER, GARDENER):
        assert name not in " ".join(cells)
    assert sheet["F2"].number_format == "#,##0.00"
    assert sheet["B2"].number_format == "yyyy-mm-dd"


def test_excel_never_turns_a_description_into_a_formula(fin):
    formula = '=HYPERLINK("http://evil.example/","点此查看")'
    services.income_record(
        actor=fin.worker,
        account_id=fin.income.pk,
        category="venue",
        amount=1_000,
        description=formula,
        counterparty="=1+1",
        received_on=date(2026, 10, 8),
    )
    statement = publish_october(fin)
    # The default language names the sheets in Chinese.
    assert workbook(statement).sheetnames == ["汇总", "记账条目"]
    sheet = workbook(statement)["记账条目"]
    assert sheet["C2"].value == formula
    assert sheet["C2"].data_type == "s"
    assert sheet["D2"].data_type == "s"


# --- refusals ------------------------------------------------------------------------------


def counts() -> tuple[int, int]:
    return Statement.objects.count(), Notice.objects.filter(kind="finance_statement").count()


def test_a_period_that_has_not_ended_is_refused(fin):
    book_autumn(fin)
    with pytest.raises(Conflict) as error:
        services.statement_publish(
            actor=fin.committee,
            account_id=fin.income.pk,
            period="month",
            starts_on=date(2026, 11, 1),
        )
    assert error.value.code == "not_ended"
    with pytest.raises(Conflict):
        services.statement_publish(
            actor=fin.committee,
            account_id=fin.income.pk,
            period="half_year",
            starts_on=date(2026, 7, 1),
        )
    assert counts() == (0, 0)


def test_a_statement_is_published_once(fin):
    book_autumn(fin)
    first = publish_october(fin)
    with pytest.raises(Conflict) as error:
        publish_october(fin, actor=fin.worker)
    assert error.value.code == "already_published"
    assert counts() == (1, 1)
    assert Statement.objects.get().pk == first.pk


def test_money_cannot_be_booked_into_a_published_period(fin):
    book_autumn(fin)
    statement = publish_october(fin)
    entries_before = Entry.objects.filter(account=fin.income).count()
    with pytest.raises(Conflict) as error:
        income(fin, "parking", 10_000, date(2026, 10, 15), "补录10月停车费", PARKING_COMPANY)
    assert error.value.code == "period_published"
    assert Entry.objects.filter(account=fin.income).count() == entries_before

    # An expense dated in October but approved now is booked on the day of approval, so the
    # published statement stays true.
    late = expense(fin, "repair", 20_000, date(2026, 10, 20), "10月维修补报", REPAIRER)
    assert late.booked_on == TODAY
    again = selectors.statement_figures(fin.income, statement.starts_on, statement.ends_on)
    assert again.closing == statement.closing


@pytest.mark.parametrize(
    ("period", "starts_on"),
    [
        ("month", date(2026, 10, 2)),
        ("half_year", date(2026, 4, 1)),
        ("year", date(2025, 7, 1)),
        ("week", date(2026, 10, 1)),
    ],
)
def test_a_period_must_start_where_periods_start(fin, period, starts_on):
    with pytest.raises(LinliError) as error:
        services.statement_publish(
            actor=fin.committee, account_id=fin.income.pk, period=period, starts_on=starts_on
        )
    assert type(error.value) is LinliError
    assert error.value.code == "invalid_period"
    assert counts() == (0, 0)


def test_another_communitys_account_is_not_found(fin, world):
    other = finance_side(world.b)
    services.income_record(
        actor=other.worker,
        account_id=other.income.pk,
        category="parking",
        amount=5_000,
        description="乙苑停车费",
        received_on=date(2026, 10, 9),
    )
    for actor in (fin.committee, fin.worker):
        with pytest.raises(NotFound):
            services.statement_publish(
                actor=actor, account_id=other.income.pk, period="month", starts_on=OCTOBER
            )
    assert counts() == (0, 0)


def test_property_staff_may_not_publish(fin):
    book_autumn(fin)
    with pytest.raises(NotFound):
        publish_october(fin, actor=fin.property)
    assert counts() == (0, 0)


# --- half-yearly common income (HZ-PMR Art. 30) --------------------------------------------


def test_half_yearly_statement_of_common_income(fin):
    def book(category: str, amount: int, day: date, text: str) -> Entry:
        if category in {"parking", "venue"}:
            return income(fin, category, amount, day, text, PARKING_COMPANY)
        return expense(fin, category, amount, day, text, "杭州保安服务有限公司")

    book("parking", 500_000, date(2025, 12, 20), "2025年12月停车费")
    book("parking", 300_000, date(2026, 2, 10), "2月停车费")
    book("security", 100_000, date(2026, 4, 1), "门岗加班")
    book("venue", 20_000, date(2026, 6, 30), "活动室租金")
    last = book("parking", 40_000, date(2026, 7, 1), "7月停车费")

    with translation.override("en"):
        statement = services.statement_publish(
            actor=fin.worker,
            account_id=fin.income.pk,
            period="half_year",
            starts_on=date(2026, 1, 1),
        )
    assert (statement.starts_on, statement.ends_on) == (date(2026, 1, 1), date(2026, 6, 30))
    assert statement.opening == 500_000
    assert statement.data["income"] == {"parking": 300_000, "venue": 20_000}
    assert statement.data["expense"] == {"security": 100_000}
    assert statement.closing == 500_000 + 320_000 - 100_000 == 720_000
    assert (statement.head_sequence, statement.head_hash) == (last.sequence, last.hash)
    assert statement.notice.title == "公共收益: statement for first half of 2026"
    assert statement.notice.issuer == "Community"
    assert period_days(statement.notice.starts_on, statement.notice.ends_on) >= 15
    assert "Closing balance: 7,200.00 yuan" in statement.notice.body.splitlines()
    assert "7,200.00" in pdf_text(statement.pdf.open("rb").read())


def test_period_words_in_both_languages(fin):
    statement = Statement(account=fin.income, period="half_year", starts_on=date(2026, 7, 1))
    with translation.override("en"):
        assert documents.period_words(statement) == "second half of 2026"
        statement.period, statement.starts_on = "year", date(2025, 1, 1)
        assert documents.period_words(statement) == "the year 2025"
        statement.period, statement.starts_on = "month", date(2026, 3, 1)
        assert documents.period_words(statement) == "March 2026"
    with translation.override("zh-hans"):
        assert documents.period_words(statement) == "2026年3月"


# --- query budgets -------------------------------------------------------------------------


def bulk_october(fin: FinanceSide, count: int) -> None:
    """`count` parking incomes through the bulk path, spread over October."""
    append_bulk(
        fin.income.pk,
        (
            NewEntry(
                lines=[("cash", 100 + n, 0), ("parking", 0, 100 + n)],
                memo=f"临停收费 {n}\n车主{n}",
                booked_at=datetime(2026, 10, 1 + n % 31, 9, tzinfo=clock.SHANGHAI),
            )
            for n in range(count)
        ),
    )


def test_statement_figures_use_a_bounded_number_of_queries(fin, django_assert_max_num_queries):
    bulk_october(fin, 3)
    with django_assert_max_num_queries(4):
        few = selectors.statement_figures(fin.income, OCTOBER, date(2026, 10, 31))
    bulk_october(fin, 400)
    with django_assert_max_num_queries(4):
        many = selectors.statement_figures(fin.income, OCTOBER, date(2026, 10, 31))
    assert few.entries == 3 and many.entries == 403
    assert few.income == {"parking": 100 + 101 + 102}
    assert many.income == {"parking": 303 + sum(100 + n for n in range(400))}


def test_documents_read_the_entries_in_a_bounded_number_of_queries(
    fin, django_assert_max_num_queries, monkeypatch
):
    bulk_october(fin, 40)
    monkeypatch.setattr(documents, "PDF_ENTRY_LIMIT", 25)
    with translation.override("en"):
        statement = publish_october(fin)
    statement = Statement.objects.select_related(
        "account__community", "account__estate", "notice"
    ).get(pk=statement.pk)
    with django_assert_max_num_queries(1), translation.override("en"):
        workbook_bytes = documents.statement_xlsx(statement)
    with django_assert_max_num_queries(2), translation.override("en"):
        pdf = documents.statement_pdf(statement)
    assert len(load_workbook(io.BytesIO(workbook_bytes))["Entries"]["A"]) == 1 + 40
    assert "15 more entries of this period" in " ".join(pdf_text(pdf).split())


def test_a_long_statement_is_published_at_once_and_its_files_follow(
    fin, monkeypatch, django_capture_on_commit_callbacks
):
    book_autumn(fin)
    monkeypatch.setattr(services, "DOCUMENTS_AT_ONCE_MAX_ENTRIES", 6)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        statement = publish_october(fin)
    # Seven October entries: more than six, so the notice is out and the files are queued.
    assert statement.notice.status == "published"
    assert not statement.pdf and not statement.xlsx
    assert len(callbacks) == 1  # the documents (the residents have no SMS channel here)
    # The task is queued on commit too (django.tasks); huey runs it at once in tests.
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    statement.refresh_from_db()
    assert statement.pdf.open("rb").read().startswith(b"%PDF")
    assert "14,822.72" in pdf_text(statement.pdf.open("rb").read())
    assert workbook(statement).sheetnames == ["汇总", "记账条目"]
    # Made once: running the job again changes nothing.
    assert services.statement_documents_make(statement_id=statement.pk) is False
    assert AuditLog.objects.filter(action="finance.statement_documents").count() == 1
