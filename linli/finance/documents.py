"""Statement documents: the title and text of a statement's Notice, its printed A4 PDF and its
Excel workbook.

All of it is public. The figures come from the Statement row, fixed when it was published; the
entries of the period come from the ledger, with counterparties masked
(selectors.mask_counterparty) in both files. The PDF is rendered by
WeasyPrint with the notices' safeguards (no network, no disk outside static/); WeasyPrint is
imported only when a PDF is made.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from linli.core import clock
from linli.finance.models import Account, Category, Entry, Statement
from linli.finance.selectors import category_label, public_entries
from linli.finance.services import yuan

# The PDF lists at most this many entries of the period; the Excel file always has them all.
PDF_ENTRY_LIMIT = 500
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


# --- words ---------------------------------------------------------------------------------


def period_words(statement: Statement) -> str:
    """The period in words: "October 2026" (2026年10月), "first half of 2026", "the year
    2026"."""
    start = statement.starts_on
    if statement.period == Statement.Period.MONTH:
        return date_format(start, "YEAR_MONTH_FORMAT")
    if statement.period == Statement.Period.HALF_YEAR:
        if start.month == 1:
            return _("first half of %(year)d") % {"year": start.year}
        return _("second half of %(year)d") % {"year": start.year}
    return _("the year %(year)d") % {"year": start.year}


def money(fen: int) -> str:
    """Fen as "12,345.67 yuan" (元 in Chinese)."""
    return _("%(amount)s yuan") % {"amount": yuan(fen)}


def _dates(statement: Statement) -> str:
    return f"{statement.starts_on.isoformat()} – {statement.ends_on.isoformat()}"


def _place(account: Account) -> str:
    """The community, and the estate for an estate's account."""
    if account.estate is None:
        return account.community.name
    return f"{account.community.name} · {account.estate.name}"


def _categories(amounts: dict[str, int]) -> list[tuple[str, int]]:
    """(label, fen) per category in the order of the Category list (PostgreSQL's jsonb does
    not keep the order in which the figures were stored)."""
    order = {code: index for index, code in enumerate(Category.values)}
    codes = sorted(amounts, key=lambda code: (order.get(code, len(order)), code))
    return [(category_label(code), amounts[code]) for code in codes]


def statement_title(statement: Statement) -> str:
    """ "公共收益：2026年10月收支情况公示" — the account and the period in words."""
    return _("%(account)s: statement for %(period)s") % {
        "account": statement.account.name,
        "period": period_words(statement),
    }


# --- addresses -----------------------------------------------------------------------------


def _absolute(name: str, public_id: uuid.UUID, fallback: str) -> str:
    try:
        path = reverse(name, kwargs={"public_id": public_id})
    except NoReverseMatch:
        path = fallback
    return settings.LINLI_PUBLIC_URL.rstrip("/") + path


def statement_url(statement: Statement) -> str:
    """The statement's public page (figures, PDF and Excel downloads), absolute."""
    return _absolute(
        "finance:statement", statement.public_id, f"/finance/statements/{statement.public_id}/"
    )


def ledger_url(account: Account) -> str:
    """The account's public ledger page, where anyone can read every entry, absolute."""
    return _absolute("finance:ledger", account.public_id, f"/finance/ledger/{account.public_id}/")


# --- the notice ----------------------------------------------------------------------------


def statement_text(statement: Statement) -> str:
    """The Notice body: opening balance, income and expense by category with their totals,
    the closing balance, the ledger head when the statement was made, and where to download the
    files and check the ledger."""

    def line(label: str, fen: int) -> str:
        return pgettext("statement line", "%(label)s: %(amount)s") % {
            "label": label,
            "amount": money(fen),
        }

    income = statement.data.get("income", {})
    expense = statement.data.get("expense", {})
    lines = [
        _("Income and expense of %(account)s (%(place)s) from %(start)s to %(end)s.")
        % {
            "account": statement.account.name,
            "place": _place(statement.account),
            "start": statement.starts_on.isoformat(),
            "end": statement.ends_on.isoformat(),
        },
        "",
        line(_("Opening balance"), statement.opening),
        "",
        _("Income by category:"),
        *(f"  {line(label, fen)}" for label, fen in _categories(income)),
        *([] if income else ["  " + _("No income in this period.")]),
        line(_("Total income"), statement.income),
        "",
        _("Expense by category:"),
        *(f"  {line(label, fen)}" for label, fen in _categories(expense)),
        *([] if expense else ["  " + _("No expense in this period.")]),
        line(_("Total expense"), statement.expense),
        "",
        line(_("Closing balance"), statement.closing),
        "",
        _head_sentence(statement),
        "",
        _(
            "Download this statement as PDF, or as Excel with every entry of the period, on "
            "its page: %(url)s"
        )
        % {"url": statement_url(statement)},
        _(
            "Check the ledger yourself: every entry is on the public ledger page with its hash, "
            "and the chain of hashes must lead to the one above. %(url)s"
        )
        % {"url": ledger_url(statement.account)},
    ]
    return "\n".join(lines)


def _head_sentence(statement: Statement) -> str:
    if not statement.head_sequence:
        return _("The ledger had no entries when this statement was made.")
    return _("Ledger head when this statement was made: entry %(sequence)d, hash %(hash)s.") % {
        "sequence": statement.head_sequence,
        "hash": statement.head_hash,
    }


# --- entries of the period -----------------------------------------------------------------


def _period_entries(statement: Statement) -> QuerySet[Entry]:
    """The account's entries booked in the period, in ledger order, only the public fields."""
    return (
        Entry.objects.filter(
            account_id=statement.account_id,
            booked_on__range=(statement.starts_on, statement.ends_on),
        )
        .order_by("sequence")
        .only("sequence", "booked_on", "memo", "lines", "reverses", "hash")
    )


# --- the PDF -------------------------------------------------------------------------------


def statement_pdf(statement: Statement) -> bytes:
    """The statement on A4 pages: place, account, period, the summary, income and expense by
    category, the ledger head, a QR code to the statement's page, and the entries of the
    period up to PDF_ENTRY_LIMIT (the rest are in the Excel file). Two queries for the
    entries, whatever their number."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from linli.notices.pdf import LocalOnlyFetcher, qr_data_uri

    entries = public_entries(_period_entries(statement)[: PDF_ENTRY_LIMIT + 1])
    more = 0
    if len(entries) > PDF_ENTRY_LIMIT:
        more = _period_entries(statement).count() - PDF_ENTRY_LIMIT
        entries = entries[:PDF_ENTRY_LIMIT]
    public_url = statement_url(statement)
    html = render_to_string(
        "finance/pdf/statement.html",
        {
            "statement": statement,
            "account": statement.account,
            "place": _place(statement.account),
            "title": statement_title(statement),
            "period": period_words(statement),
            "income_rows": _categories(statement.data.get("income", {})),
            "expense_rows": _categories(statement.data.get("expense", {})),
            "entries": entries,
            "more": more,
            "public_url": public_url,
            "ledger_url": ledger_url(statement.account),
            "qr_uri": qr_data_uri(public_url),
            "printed_on": clock.today(),
        },
    )
    fetcher = LocalOnlyFetcher()
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=settings.LINLI_PUBLIC_URL, url_fetcher=fetcher)
    return bytes(document.render(font_config=fonts).write_pdf())


# --- the Excel workbook --------------------------------------------------------------------


def _yuan_number(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


class _Rows:
    """Cells of a write-only sheet. Text is always stored as text, so a description such as
    "=HYPERLINK(…)" is never a formula in this public file."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet

    def text(self, value: str, *, bold: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)
        return cell

    def money(self, fen: int, *, bold: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=_yuan_number(fen))
        cell.number_format = MONEY_FORMAT
        if bold:
            cell.font = Font(bold=True)
        return cell

    def day(self, value: date) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    def append(self, cells: Iterable[Any]) -> None:
        self.sheet.append(list(cells))


def statement_xlsx(statement: Statement) -> bytes:
    """The statement as a workbook: "Summary" (opening, income and expense by category,
    totals, closing, ledger head; amounts in yuan with two decimals) and "Entries" (every
    entry of the period: number, date, description, masked counterparty, categories, in, out,
    hash). One query for the entries, read in chunks."""
    book = Workbook(write_only=True)
    _summary_sheet(book, statement)
    _entries_sheet(book, statement)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary_sheet(book: Workbook, statement: Statement) -> None:
    sheet = book.create_sheet(pgettext("workbook sheet", "Summary"))
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 68
    rows = _Rows(sheet)
    rows.append([rows.text(statement_title(statement), bold=True)])
    rows.append([rows.text(_("Community")), rows.text(_place(statement.account))])
    rows.append([rows.text(_("Account")), rows.text(statement.account.name)])
    rows.append([rows.text(pgettext("statement", "Period")), rows.text(_dates(statement))])
    rows.append([])
    rows.append([rows.text(_("Item"), bold=True), rows.text(_("Amount (yuan)"), bold=True)])
    rows.append([rows.text(_("Opening balance")), rows.money(statement.opening)])
    rows.append([rows.text(_("Income"), bold=True)])
    for label, fen in _categories(statement.data.get("income", {})):
        rows.append([rows.text(label), rows.money(fen)])
    rows.append([rows.text(_("Total income")), rows.money(statement.income)])
    rows.append([rows.text(_("Expense"), bold=True)])
    for label, fen in _categories(statement.data.get("expense", {})):
        rows.append([rows.text(label), rows.money(fen)])
    rows.append([rows.text(_("Total expense")), rows.money(statement.expense)])
    rows.append(
        [rows.text(_("Closing balance"), bold=True), rows.money(statement.closing, bold=True)]
    )
    rows.append([])
    rows.append([rows.text(_("Ledger head: entry number")), statement.head_sequence])
    rows.append([rows.text(_("Ledger head: hash")), rows.text(statement.head_hash)])


def _entries_sheet(book: Workbook, statement: Statement) -> None:
    sheet = book.create_sheet(_("Entries"))
    for column, width in zip("ABCDEFGH", (8, 12, 40, 24, 24, 14, 14, 68), strict=True):
        sheet.column_dimensions[column].width = width
    rows = _Rows(sheet)
    rows.append(
        rows.text(heading, bold=True)
        for heading in (
            _("No."),
            _("Date"),
            _("Description"),
            _("Counterparty (masked)"),
            _("Categories"),
            _("In (yuan)"),
            _("Out (yuan)"),
            _("Hash"),
        )
    )
    separator = pgettext("list separator", ", ")
    for entry in public_entries(_period_entries(statement).iterator(chunk_size=2_000)):
        rows.append(
            [
                entry.sequence,
                rows.day(entry.booked_on),
                rows.text(entry.description),
                rows.text(entry.counterparty),
                rows.text(separator.join(entry.categories)),
                rows.money(entry.amount_in) if entry.amount_in else None,
                rows.money(entry.amount_out) if entry.amount_out else None,
                rows.text(entry.hash),
            ]
        )
