"""The public ledger: a community's accounts, an account's entries and checkpoints, the ledger
file, statements and their downloads. Public by design, masked, with bounded queries."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core import clock
from linli.domain.ledger import GENESIS
from linli.finance import documents, selectors, services, views_public
from linli.finance.ledger import SHANGHAI, NewEntry, append_bulk
from linli.finance.models import Account, Category, CostPlan, Payment, Share, Statement
from linli.finance.tests.authz_extra import receipt_file
from linli.finance.tests.builders import FinanceSide, finance_side, fund

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def fin(world: Any) -> FinanceSide:
    return finance_side(world.a)


def last_month() -> Any:
    return (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)


def client(*, language: str = "en", user: Any = None) -> Client:
    result = Client(headers={"accept-language": language})
    if user is not None:
        result.force_login(user)
    return result


def get(url: str, **params: Any) -> Any:
    return client().get(url, params)


def text(response: Any) -> str:
    return response.content.decode()


def account_url(account: Account, name: str = "public_account") -> str:
    return reverse(f"finance:{name}", kwargs={"public_id": account.public_id})


def statement_url(statement: Statement, name: str = "statement") -> str:
    return reverse(f"finance:{name}", kwargs={"public_id": statement.public_id})


def csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def bulk(account: Account, count: int) -> None:
    """`count` parking receipts of 1.00, 2.00, … yuan, booked in the past (the bulk path)."""
    start = datetime(2025, 1, 1, 9, tzinfo=SHANGHAI)
    append_bulk(
        account.pk,
        [
            NewEntry(
                lines=[("cash", 100 * n, 0), ("parking", 0, 100 * n)],
                memo=f"停车费{n}\n杭州停车管理有限公司",
                booked_at=start + timedelta(hours=n),
            )
            for n in range(1, count + 1)
        ],
    )
    account.refresh_from_db()


@pytest.fixture
def month(fin: FinanceSide) -> Statement:
    """Last month on the common-income account: 12,000.00 parking paid by 张三丰 (with a phone
    number in the description), 800.00 of repairs, then checkpoints and the statement."""
    start = last_month()
    services.income_record(
        actor=fin.worker,
        account_id=fin.income.pk,
        category=Category.PARKING,
        amount=1_200_000,
        description=f"停车费 联系电话{PHONE}",
        counterparty="张三丰",
        received_on=start + timedelta(days=2),
    )
    expense = services.expense_record(
        actor=fin.property,
        account_id=fin.income.pk,
        category=Category.REPAIR,
        description="更换路灯",
        counterparty="杭州明亮电器有限公司",
        amount=80_000,
        spent_on=start + timedelta(days=5),
        receipts=[receipt_file()],
    )
    services.expense_decide(actor=fin.committee, expense_id=expense.pk, approve=True)
    services.checkpoints_publish(community_id=fin.side.community.pk)
    return services.statement_publish(
        actor=fin.worker,
        account_id=fin.income.pk,
        period=Statement.Period.MONTH,
        starts_on=start,
    )


# --- the community's page -----------------------------------------------------------------------


def test_community_page_lists_open_accounts_balances_checkpoints_and_statements(world, fin, month):
    fund(fin.worker, fin.running, 50_005, description="工作经费拨付")
    Account.objects.filter(pk=fin.project.pk).update(closed_at=timezone.now())
    response = get(reverse("finance:public_index", args=[world.a.community.code]))
    assert response.status_code == 200
    page = text(response)
    assert page.count('data-account="') == 3
    assert str(fin.project.public_id) not in page
    assert f'data-account="{fin.income.public_id}"' in page
    assert 'data-balance="1120000">11,200.00 yuan<' in page
    assert 'data-balance="50005">500.05 yuan<' in page
    assert 'data-balance="0">0.00 yuan<' in page
    published = clock.today().isoformat()
    assert f"Checkpoint: entry 2, published on {published}" in page
    # The running-costs entry came after the day's checkpoints.
    assert page.count("No checkpoint published yet") == 2
    assert documents.statement_title(month) in page
    assert statement_url(month) in page
    assert account_url(fin.income) in page


def test_community_page_of_an_unknown_code_is_404(world):
    assert get(reverse("finance:public_index", args=["no-such-place"])).status_code == 404


def test_community_page_without_accounts_says_so(world):
    page = text(get(reverse("finance:public_index", args=[world.b.community.code])))
    assert "This community has no open account yet." in page
    assert "No statement has been published yet." in page


def test_community_page_query_budget(world, fin, month, django_assert_max_num_queries):
    bulk(fin.running, 120)
    url = reverse("finance:public_index", args=[world.a.community.code])
    # Community, accounts, balances, last checkpoints, statements.
    with django_assert_max_num_queries(5):
        assert client().get(url).status_code == 200


# --- one account ------------------------------------------------------------------------------


def test_account_page_shows_balance_entries_checkpoints_and_statements(fin, month):
    response = get(account_url(fin.income))
    assert response.status_code == 200
    page = text(response)
    assert 'data-balance="1120000">11,200.00<' in page
    assert 'data-entries="2">2<' in page
    # Newest first: the repair, then the parking income.
    assert page.index('data-sequence="2"') < page.index('data-sequence="1"')
    assert 'data-in="1200000">+12,000.00<' in page
    assert 'data-out="80000">−800.00<' in page
    assert "Parking income" in page and "Repairs" in page
    checkpoint = fin.income.checkpoints.get()
    assert checkpoint.sequence == 2
    assert f'<span class="secret small">{checkpoint.hash}</span>' in page
    assert reverse("notices:detail", args=[checkpoint.notice.public_id]) in page
    assert statement_url(month) in page
    assert "Each entry carries the previous entry's hash" in page
    assert "manage.py verify_ledger" in page
    assert account_url(fin.income, "public_entries_csv") in page


def test_public_pages_and_file_mask_people_and_phone_numbers(world, fin, month):
    """张三丰 paid; his name and a phone number typed into the description never leave whole."""
    plan = services.plan_create(
        actor=fin.worker,
        account_id=fin.project.pk,
        title="24幢加装电梯分摊",
        scheme=CostPlan.Scheme.BY_AREA,
        gross=1_647_000,
        roster=[world.a.unit.pk, world.a.other_unit.pk],
    )
    services.plan_issue(actor=fin.worker, plan_id=plan.pk)
    share = Share.objects.select_related("unit__estate", "unit__building", "unit__entrance").get(
        plan=plan, unit=world.a.unit
    )
    services.payment_record(
        actor=fin.worker, share_id=share.pk, amount=100_000, channel=Payment.Channel.BANK
    )
    unit_label = share.unit.label
    masked_unit = selectors.mask_counterparty(unit_label)
    assert masked_unit != unit_label
    bodies = [
        text(get(reverse("finance:public_index", args=[world.a.community.code]))),
        text(get(account_url(fin.income))),
        text(get(account_url(fin.project))),
        text(get(statement_url(month))),
        b"".join(get(account_url(fin.income, "public_entries_csv")).streaming_content).decode(),
        b"".join(get(account_url(fin.project, "public_entries_csv")).streaming_content).decode(),
    ]
    for body in bodies:
        assert "张三丰" not in body
        assert PHONE not in body
        assert unit_label not in body
    assert "张*丰" in bodies[1] and "138****5678" in bodies[1]
    assert "张*丰" in bodies[4] and "138****5678" in bodies[4]
    assert masked_unit in bodies[2] and masked_unit in bodies[5]


def test_account_page_pages_through_120_entries_by_sequence(fin):
    bulk(fin.income, 120)
    first = text(get(account_url(fin.income)))
    assert first.count('data-sequence="') == 50
    assert 'data-sequence="120"' in first and 'data-sequence="71"' in first
    assert 'data-sequence="70"' not in first
    assert 'href="?before=71#entries-title"' in first
    assert 'data-in="12000">+120.00<' in first

    second = text(get(account_url(fin.income), before=71))
    assert second.count('data-sequence="') == 50
    assert 'data-sequence="70"' in second and 'data-sequence="21"' in second
    assert 'href="?before=21#entries-title"' in second
    assert 'href="?before=121#entries-title"' not in second
    assert "Entries before entry 71" in second

    last = text(get(account_url(fin.income), before=21))
    assert last.count('data-sequence="') == 20
    assert 'data-sequence="1"' in last
    assert "?before=1#" not in last
    assert 'href="?before=71#entries-title"' in last

    assert "There is no earlier entry." in text(get(account_url(fin.income), before=1))


@pytest.mark.parametrize("before", ["abc", "0", "-3", "1e3", "99999999999999999999", "٣"])
def test_account_page_with_a_bad_cursor_says_so_and_shows_the_newest(fin, before):
    bulk(fin.income, 3)
    response = get(account_url(fin.income), before=before)
    assert response.status_code == 400
    page = text(response)
    assert "“before” must be an entry number. Here are the newest entries." in page
    assert page.count('data-sequence="') == 3


def test_account_page_query_budget_does_not_grow_with_entries(
    fin, month, django_assert_max_num_queries
):
    bulk(fin.income, 120)
    services.checkpoints_publish(community_id=fin.side.community.pk)
    url = account_url(fin.income)
    # Account, entries, balance, checkpoints with notices, statements.
    for params in ({}, {"before": 60}):
        with django_assert_max_num_queries(5):
            response = client().get(url, params)
        assert response.status_code == 200
        assert text(response).count('data-sequence="') == 50


def test_account_page_of_a_maintenance_fund_shows_no_home_and_warns_below_30_percent(world, fin):
    services.income_record(
        actor=fin.worker,
        account_id=fin.fund.pk,
        category=Category.DEPOSIT,
        amount=29_999_999,
        description="首期维修资金",
        counterparty="张三丰",
        unit_id=world.a.unit.pk,
    )
    page = text(get(account_url(fin.fund)))
    assert 'data-balance="29999999">299,999.99<' in page
    assert 'data-fund-percent="29.9"' in page
    assert "It is below 30%" in page
    assert "deposit/u" not in page
    assert "Each owner sees their own homes' balances" in page


def test_unknown_and_garbage_ids_answer_404(fin, month):
    unknown = uuid.uuid4()
    for name in ("public_account", "public_entries_csv"):
        assert get(reverse(f"finance:{name}", args=[unknown])).status_code == 404
    for name in ("statement", "statement_pdf", "statement_xlsx"):
        assert get(reverse(f"finance:{name}", args=[unknown])).status_code == 404
    # A statement's id is not an account's, and the other way round.
    assert get(reverse("finance:public_account", args=[month.public_id])).status_code == 404
    assert get(reverse("finance:statement", args=[fin.income.public_id])).status_code == 404
    for path in (
        "/finance/accounts/not-a-uuid/",
        "/finance/accounts/12345/ledger.csv",
        "/finance/statements/zzzz/",
        "/finance/statements/%27%3B--/statement.pdf",
    ):
        assert get(path).status_code == 404


def test_public_pages_answer_only_reads(fin, month):
    for url in (account_url(fin.income), statement_url(month)):
        assert client().post(url).status_code == 405


def test_another_communitys_ledger_is_public_to_everyone(world, fin, month):
    """Public by design: community A's owner, an outsider and anonymous visitors all read it."""
    other = world.b.users["owner"]
    for visitor in (client(), client(user=other), client(user=world.outsider)):
        assert visitor.get(account_url(fin.income)).status_code == 200
        assert visitor.get(statement_url(month)).status_code == 200


# --- the ledger file --------------------------------------------------------------------------


def test_ledger_file_links_every_entry_to_the_one_before_and_the_checkpoint(world, fin, month):
    response = get(account_url(fin.income, "public_entries_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ledger-{fin.income.public_id}.csv"'
    )
    header, *rows = csv_rows(response)
    assert header == list(views_public.CSV_HEADER)
    assert [row[0] for row in rows] == ["1", "2"]
    assert rows[0][6] == GENESIS
    assert rows[1][6] == rows[0][7]
    checkpoint = fin.income.checkpoints.get()
    assert (rows[-1][0], rows[-1][7]) == (str(checkpoint.sequence), checkpoint.hash)
    assert json.loads(rows[0][2]) == [["cash", 1_200_000, 0], ["parking", 0, 1_200_000]]
    assert json.loads(rows[1][2]) == [["repair", 80_000, 0], ["cash", 0, 80_000]]
    assert rows[0][3] == "停车费 联系电话138****5678"
    assert rows[0][4] == "张*丰"
    assert rows[1][3:6] == ["更换路灯", selectors.mask_counterparty("杭州明亮电器有限公司"), ""]
    assert rows[0][1].endswith("Z") and rows[0][1].startswith(
        (last_month() + timedelta(days=2)).isoformat()
    )


def test_ledger_file_sums_a_funds_home_lines_per_category(world, fin):
    """A deposit spread over both flats by area is one ``deposit`` line in the file."""
    services.income_record(
        actor=fin.worker,
        account_id=fin.fund.pk,
        category=Category.DEPOSIT,
        amount=1_647_000,
        description="首期维修资金",
    )
    _header, row = csv_rows(get(account_url(fin.fund, "public_entries_csv")))
    assert json.loads(row[2]) == [["cash", 1_647_000, 0], ["deposit", 0, 1_647_000]]
    stored = json.loads(fin.fund.entries.get().lines)
    assert sorted(stored[1:]) == sorted(
        [
            [f"deposit/u{world.a.unit.pk}", 0, 895_000],
            [f"deposit/u{world.a.other_unit.pk}", 0, 752_000],
        ]
    )


def test_ledger_file_streams_in_chunks_with_bounded_queries(
    fin, monkeypatch, django_assert_max_num_queries
):
    bulk(fin.income, 120)
    monkeypatch.setattr(views_public, "CSV_CHUNK", 50)
    # The account, then entries 1–50, 51–100 and 101–120.
    with django_assert_max_num_queries(4):
        rows = csv_rows(client().get(account_url(fin.income, "public_entries_csv")))
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, 121)]
    assert all(rows[n][6] == rows[n - 1][7] for n in range(2, 121))
    fin.income.refresh_from_db()
    assert rows[-1][7] == fin.income.head_hash


# --- statements -------------------------------------------------------------------------------


def test_statement_page_shows_the_figures_head_and_notice(fin, month):
    response = get(statement_url(month))
    assert response.status_code == 200
    page = text(response)
    start = last_month()
    assert documents.statement_title(month) in page
    assert 'data-figure="opening">0.00<' in page
    assert 'data-figure="income">+12,000.00<' in page
    assert 'data-figure="expense">−800.00<' in page
    assert 'data-figure="closing"><strong>11,200.00<' in page
    assert '<th scope="row">Parking income</th><td data-income="1200000">12,000.00<' in page
    assert '<th scope="row">Repairs</th><td data-expense="80000">800.00<' in page
    assert f"Opening balance on {start.isoformat()}" in page
    assert f"Closing balance on {month.ends_on.isoformat()}" in page
    assert "2 entries in this period." in page
    assert f'data-head="2">{month.head_hash}<' in page
    fin.income.refresh_from_db()
    assert month.head_hash == fin.income.head_hash
    assert reverse("notices:detail", args=[month.notice.public_id]) in page
    assert statement_url(month, "statement_pdf") in page
    assert statement_url(month, "statement_xlsx") in page
    assert f"{account_url(fin.income)}?before=3#entry-2" in page


def test_statement_of_a_month_without_entries_says_so(fin, month):
    """The month before: no income or expense; the head is the ledger's when it was made."""
    earlier = services.statement_publish(
        actor=fin.worker,
        account_id=fin.income.pk,
        period=Statement.Period.MONTH,
        starts_on=(last_month() - timedelta(days=1)).replace(day=1),
    )
    page = text(get(statement_url(earlier)))
    assert 'data-figure="opening">0.00<' in page
    assert 'data-figure="closing"><strong>0.00<' in page
    assert "No income in this period." in page and "No expense in this period." in page
    assert "0 entries in this period." in page
    assert f'data-head="2">{month.head_hash}<' in page


def test_statement_of_an_empty_ledger_has_no_head(fin):
    empty = services.statement_publish(
        actor=fin.worker,
        account_id=fin.running.pk,
        period=Statement.Period.MONTH,
        starts_on=last_month(),
    )
    page = text(get(statement_url(empty)))
    assert "Nothing had been entered in this ledger when this statement was drawn up." in page
    assert "data-head=" not in page


@pytest.mark.parametrize(
    ("name", "field", "content_type", "suffix"),
    [
        ("statement_pdf", "pdf", "application/pdf", "pdf"),
        (
            "statement_xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    ],
)
def test_statement_downloads_are_the_stored_files_as_attachments(
    month, name, field, content_type, suffix, django_assert_max_num_queries
):
    stored = getattr(month, field)
    with stored.open("rb") as handle:
        expected = handle.read()
    assert expected
    with django_assert_max_num_queries(1):
        response = client().get(statement_url(month, name))
        body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    filename = f"statement-{month.starts_on.isoformat()}-month.{suffix}"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert body == expected


def test_statement_download_of_a_missing_file_is_404(month):
    month.pdf.storage.delete(month.pdf.name)
    Statement.objects.filter(pk=month.pk).update(xlsx="")
    assert get(statement_url(month, "statement_pdf")).status_code == 404
    assert get(statement_url(month, "statement_xlsx")).status_code == 404
    page = text(get(statement_url(month)))
    assert statement_url(month, "statement_xlsx") not in page


def test_statement_page_query_budget(month, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert client().get(statement_url(month)).status_code == 200


# --- elder mode -------------------------------------------------------------------------------


def test_public_pages_render_in_elder_mode(world, fin, month):
    owner = world.a.users["owner"]
    owner.elder_mode = True
    owner.save(update_fields=["elder_mode"])
    anonymous = Client(headers={"accept-language": "zh-hans"})
    anonymous.cookies["linli_elder"] = "1"
    signed_in = client(language="zh-hans", user=owner)
    for visitor in (anonymous, signed_in):
        for url in (
            reverse("finance:public_index", args=[world.a.community.code]),
            account_url(fin.income),
            statement_url(month),
        ):
            response = visitor.get(url)
            assert response.status_code == 200
            page = text(response)
            assert '<html lang="zh-hans" class="elder"' in page
            assert "/static/css/elder.css" in page
            assert " style=" not in page and "<style" not in page


def test_a_statement_whose_files_are_still_being_made_says_so(client, world):
    from linli.finance.models import Statement
    from linli.finance.tests.builders import finance_side, fund

    books = finance_side(world.a)
    fund(books.worker, books.income, 10_000)
    statement = Statement.objects.create(
        community=world.a.community,
        account=books.income,
        period=Statement.Period.MONTH,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 1, 31),
        opening=0,
        income=0,
        expense=0,
        closing=0,
    )
    page = client.get(reverse("finance:statement", args=[statement.public_id]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-documents="pending"' in body
    assert reverse("finance:statement_pdf", args=[statement.public_id]) not in body
    assert (
        client.get(reverse("finance:statement_pdf", args=[statement.public_id])).status_code == 404
    )
