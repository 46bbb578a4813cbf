"""The public ledger (阳光财务公示): a community's open accounts, one account's entries with its
published checkpoints and statements, the ledger file, and a statement with its PDF and Excel.

How funds are raised and used must be published (Civil Code Art. 281; HZ-PMR Art. 30), so these
pages need no login and answer the same to everyone, whatever their community. Nothing here
names a person or a unit: counterparties are masked (selectors.mask_counterparty), mobile and
ID numbers typed into a description are masked too, and a maintenance fund's per-unit
sub-ledgers are shown combined (each owner sees their own units' balances on "My money").

The ledger file lists every entry with its previous hash and hash, so anyone can follow the
chain from entry 1 and compare its hashes with the published checkpoints. The payer's name is
inside each hash and is masked in the file, so recomputing the hashes themselves is the staff
verify page's and `manage.py verify_ledger`'s work, against the same checkpoints.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from linli.core.errors import NotFound
from linli.core.views import translate_errors
from linli.domain.ledger import lines_json
from linli.finance import documents, selectors
from linli.finance.ledger import parse_code, split_memo
from linli.finance.models import Account, Checkpoint, Entry, Statement
from linli.notices.selectors import community_by_code, is_public
from linli.notices.text import mask_personal_numbers

# Entries on one page of the public ledger.
PAGE_SIZE = 50
# The newest checkpoints listed on an account's page (one is published per day it moves).
CHECKPOINTS_SHOWN = 30
# The newest statements listed on a community's page.
LATEST_STATEMENTS = 10
# Entries read per query while the ledger file streams.
CSV_CHUNK = 2_000
# The largest `before` worth asking for (well inside a 64-bit integer on every database).
BEFORE_MAX = 2**53
CSV_HEADER = (
    "sequence",
    "booked_at",
    "lines",
    "description",
    "counterparty",
    "reverses",
    "previous_hash",
    "hash",
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- reads -----------------------------------------------------------------------------------


def latest_checkpoints(account_ids: list[int]) -> dict[int, Checkpoint]:
    """The newest published checkpoint of each account, in one query."""
    newest = (
        Checkpoint.objects.filter(account=OuterRef("account"))
        .order_by("-sequence")
        .values("sequence")[:1]
    )
    found = Checkpoint.objects.filter(account_id__in=account_ids, sequence=Subquery(newest))
    return {checkpoint.account_id: checkpoint for checkpoint in found}


def published_statement(public_id: uuid.UUID) -> Statement:
    """A statement by its public id, with its account and notice; NotFound otherwise."""
    statement = (
        Statement.objects.select_related("account__community", "account__estate", "notice")
        .filter(public_id=public_id)
        .first()
    )
    if statement is None:
        raise NotFound(_("This statement does not exist."), code="not_found")
    return statement


@dataclass(frozen=True)
class AccountRow:
    """One open account on a community's page."""

    account: Account
    balance: int
    checkpoint: Checkpoint | None


@dataclass(frozen=True)
class StatementRow:
    statement: Statement
    title: str


@dataclass(frozen=True)
class FigureRow:
    label: str
    amount: int


def statement_rows(statements: list[Statement]) -> list[StatementRow]:
    return [StatementRow(s, documents.statement_title(s)) for s in statements]


def figure_rows(amounts: dict[str, int]) -> list[FigureRow]:
    """A statement's amounts by category (in the stored order), with their labels."""
    return [FigureRow(selectors.category_label(code), fen) for code, fen in amounts.items()]


def public_lines(text: str) -> str:
    """An entry's lines with the per-unit sub-ledger lines summed per category and side
    (``deposit/u12`` and ``deposit/u13`` become one ``deposit`` line): the file shows what
    went in and out, not what each home holds."""
    merged: dict[tuple[str, bool], int] = {}
    for code, debit, credit in json.loads(text):
        category, _unit = parse_code(code)
        key = (category, bool(debit))
        merged[key] = merged.get(key, 0) + (debit or credit)
    return lines_json(
        (category, amount, 0) if is_debit else (category, 0, amount)
        for (category, is_debit), amount in merged.items()
    )


def public_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """One row of the ledger file from (sequence, booked_at, lines, memo, reverses,
    previous_hash, hash): counterparty masked, personal numbers in the description masked."""
    sequence, booked_at, lines, memo, reverses, previous_hash, digest = row
    description, counterparty = split_memo(memo)
    return (
        sequence,
        booked_at,
        public_lines(lines),
        mask_personal_numbers(description),
        selectors.mask_counterparty(counterparty),
        "" if reverses is None else reverses,
        previous_hash,
        digest,
    )


class _Echo:
    """A file-like object whose write returns the text, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def ledger_csv(account: Account) -> Iterator[str]:
    """The ledger file, line by line: a BOM (so spreadsheet programs read it as UTF-8), the
    header, then every entry in sequence order, read CSV_CHUNK entries per query."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    last = 0
    while True:
        chunk = list(
            Entry.objects.filter(account=account, sequence__gt=last)
            .order_by("sequence")
            .values_list(
                "sequence", "booked_at", "lines", "memo", "reverses", "previous_hash", "hash"
            )[:CSV_CHUNK]
        )
        for row in chunk:
            yield writer.writerow(public_row(row))
        if len(chunk) < CSV_CHUNK:
            return
        last = chunk[-1][0]


def _before(request: HttpRequest) -> tuple[int | None, str]:
    """The keyset cursor `?before=<sequence>` and, if it is not an entry number, why."""
    raw = request.GET.get("before", "").strip()
    if not raw:
        return None, ""
    if raw.isascii() and raw.isdigit() and len(raw) <= 16 and 1 <= int(raw) <= BEFORE_MAX:
        return int(raw), ""
    return None, _("“before” must be an entry number. Here are the newest entries.")


# --- pages -----------------------------------------------------------------------------------


@require_safe
@translate_errors
def public_index(request: HttpRequest, community_code: str) -> HttpResponse:
    """A community's open accounts with their balances and last published checkpoints, and its
    latest statements. Five queries, whatever the number of entries."""
    community = community_by_code(community_code)
    accounts = selectors.public_accounts(community.pk)
    ids = [account.pk for account in accounts]
    balances = selectors.balances(ids)
    heads = latest_checkpoints(ids)
    statements = list(
        Statement.objects.filter(account_id__in=ids)
        .select_related("account__community", "account__estate")
        .order_by("-ends_on", "-created_at", "-id")[:LATEST_STATEMENTS]
    )
    context = {
        "community": community,
        "rows": [AccountRow(a, balances[a.pk], heads.get(a.pk)) for a in accounts],
        "statements": statement_rows(statements),
        "nav": "notices",
    }
    return render(request, "finance/public/index.html", context)


@require_safe
@translate_errors
def public_account(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One account: balance, entries newest first (PAGE_SIZE a page, `?before=<sequence>` for
    older ones), published checkpoints, statements and how to check the chain. The query
    count does not grow with the ledger."""
    account = selectors.public_account(public_id)
    before, error = _before(request)
    entries = selectors.entries_page(account, before=before, size=PAGE_SIZE)
    balance = selectors.balances([account.pk])[account.pk]
    checkpoints = list(
        Checkpoint.objects.filter(account=account)
        .select_related("notice")
        .order_by("-sequence")[:CHECKPOINTS_SHOWN]
    )
    statements = list(selectors.published_statements(account))
    for statement in statements:
        statement.account = account
    older = newer = None
    if len(entries) == PAGE_SIZE and entries[-1].sequence > 1:
        older = entries[-1].sequence
    # Sequences have no gaps: the next newer page ends PAGE_SIZE entries above this one's
    # top; once that reaches the head it is the newest page, linked without a cursor.
    if before is not None and entries and entries[0].sequence + PAGE_SIZE < account.head_sequence:
        newer = entries[0].sequence + PAGE_SIZE + 1
    context = {
        "account": account,
        "balance": balance,
        "health": selectors.fund_health(account, balance),
        "entries": selectors.public_entries(entries),
        "before": before,
        "older": older,
        "newer": newer,
        "error": error,
        "checkpoints": [
            (c, c.notice if c.notice and is_public(c.notice) else None) for c in checkpoints
        ],
        "statements": statement_rows(statements),
        "page_size": PAGE_SIZE,
        "nav": "notices",
    }
    return render(request, "finance/public/account.html", context, status=400 if error else 200)


@require_safe
@translate_errors
def public_entries_csv(request: HttpRequest, public_id: uuid.UUID) -> StreamingHttpResponse:
    """Every entry of an account as CSV, streamed: sequence, booking time (UTC), lines,
    description, masked counterparty, reversed entry, previous hash and hash."""
    account = selectors.public_account(public_id)
    response = StreamingHttpResponse(ledger_csv(account), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ledger-{account.public_id}.csv"'
    return response


@require_safe
@translate_errors
def statement(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A published statement: opening and closing balance, income and expense by category,
    the ledger head it was drawn up at, its notice and its files. One query."""
    found = published_statement(public_id)
    context = {
        "statement": found,
        "account": found.account,
        "title": documents.statement_title(found),
        "income": figure_rows(found.data.get("income", {})),
        "expense": figure_rows(found.data.get("expense", {})),
        "entry_count": found.data.get("entries", 0),
        "notice": found.notice if found.notice and is_public(found.notice) else None,
        "nav": "notices",
    }
    return render(request, "finance/public/statement.html", context)


def _download(file: FieldFile, filename: str, content_type: str) -> FileResponse:
    """A stored file as an attachment; 404 if it was never written or has gone."""
    if not file:
        raise Http404(_("This file does not exist."))
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("This file does not exist.")) from exc
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def _filename(statement: Statement, suffix: str) -> str:
    return f"statement-{statement.starts_on.isoformat()}-{statement.period}.{suffix}"


@require_safe
@translate_errors
def statement_pdf(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The statement's PDF, as stored when it was published."""
    found = published_statement(public_id)
    return _download(found.pdf, _filename(found, "pdf"), "application/pdf")


@require_safe
@translate_errors
def statement_xlsx(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The statement's Excel workbook, as stored when it was published."""
    found = published_statement(public_id)
    return _download(found.xlsx, _filename(found, "xlsx"), XLSX_TYPE)


urlpatterns: list[URLPattern] = [
    path("public/<str:community_code>/", public_index, name="public_index"),
    path("accounts/<uuid:public_id>/", public_account, name="public_account"),
    path("accounts/<uuid:public_id>/ledger.csv", public_entries_csv, name="public_entries_csv"),
    path("statements/<uuid:public_id>/", statement, name="statement"),
    path("statements/<uuid:public_id>/statement.pdf", statement_pdf, name="statement_pdf"),
    path("statements/<uuid:public_id>/statement.xlsx", statement_xlsx, name="statement_xlsx"),
]
