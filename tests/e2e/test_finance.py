"""Sunshine finance in phone-sized browsers: an expense from its receipt to a resident's PDF.

甲苑's common-income account holds 10,000.00 yuan of parking income. The property company's
staff member records a 1,280.50 yuan repair with a photo of the receipt (taken with a phone:
it carries GPS data in its EXIF); they cannot approve it themselves. An owners' committee
member approves it on their phone, which posts it to the ledger. When the month is over
(`linli.core.clock.travel`; the live server runs in this process), the committee member
publishes the month's statement. A resident then finds it from their home page, reads the
figures on their phone and downloads the PDF.

Expected figures: opening 0.00; income 10,000.00 (parking); expense 1,280.50 (repairs);
closing 8,719.50. The ledger has two entries; the statement prints the second one's hash.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page

from linli.core import clock
from linli.finance import services
from linli.finance.models import Category, Entry, Expense, Receipt, Statement
from linli.finance.tests.builders import finance_side
from linli.notices.models import Notice
from tests.e2e.fixtures import TIMEOUT_MS
from tests.e2e.helpers import CSP_REPORTER, PageLog, leaked, login_as, shot, url

pytestmark = pytest.mark.browser

DESCRIPTION = "3幢楼道灯维修"
PAYEE = "杭州明亮电器有限公司"


def receipt_photo(path: Path) -> Path:
    """A JPEG like a phone's: with EXIF GPS coordinates (which must not be stored)."""
    image = Image.new("RGB", (640, 480), (240, 240, 230))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)}
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return path


def pdf_text(content: bytes) -> str:
    binary = shutil.which("pdftotext")
    assert binary is not None, "pdftotext is missing: apt-get install poppler-utils"
    return subprocess.run(
        [binary, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def click_to(page: Page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def accept_dialogs(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def phone(new_context, logs: list[PageLog]) -> Page:
    """A phone in a context of its own (its own cookies), watched for CSP violations."""
    page = new_context().new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(CSP_REPORTER)
    log = PageLog()
    log.watch(page)
    logs.append(log)
    return page


def next_month_start() -> timedelta:
    """How far the clock must move to stand on the 2nd of next month."""
    today = clock.today()
    first = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first - today + timedelta(days=1)


def test_an_expense_goes_from_receipt_to_a_residents_pdf(
    page, live_server, page_log, world, new_context, tmp_path
):
    fs = finance_side(world.a)
    services.income_record(
        actor=fs.worker,
        account_id=fs.income.pk,
        category=Category.PARKING,
        amount=1_000_000,
        description="停车费收入",
        counterparty="杭州某某停车管理有限公司",
    )
    month = clock.today().strftime("%Y-%m")
    logs = [page_log]

    # 1. Property staff: home → finance console → the account → record an expense.
    login_as(page, live_server, fs.property)
    click_to(page, page.locator(f"main a[href='{reverse('finance:manage')}']"))
    row = page.locator(f"li[data-account='{fs.income.pk}']")
    click_to(page, row.locator(f"a[href='{reverse('finance:expense_new', args=[fs.income.pk])}']"))
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("#id_category").select_option(Category.REPAIR.value)
    form.locator("#id_description").fill(DESCRIPTION)
    form.locator("#id_counterparty").fill(PAYEE)
    form.locator("#id_amount").fill("1,280.50")
    form.locator("#id_receipts").set_input_files(str(receipt_photo(tmp_path / "收据.jpg")))
    shot(page, "finance-property-expense")
    click_to(page, form.locator("button[type=submit]"))
    expense = Expense.objects.get(description=DESCRIPTION)
    assert page.url == url(live_server, "finance:expense", expense_id=expense.pk)
    assert (expense.amount, expense.status, expense.recorded_by_id) == (
        128_050,
        "recorded",
        fs.property.pk,
    )
    # The receipt is stored re-encoded, without the phone's EXIF.
    receipt = Receipt.objects.get(expense=expense)
    stored = Image.open(receipt.file.open("rb"))
    assert (stored.format, dict(stored.getexif())) == ("JPEG", {})
    # The recorder has no approve button.
    assert page.locator("form[data-decide]").count() == 0
    assert not Entry.objects.filter(expense=expense).exists()

    # 2. A committee member approves it on their phone.
    committee = phone(new_context, logs)
    login_as(committee, live_server, fs.committee)
    click_to(committee, committee.locator(f"main a[href='{reverse('finance:manage')}']"))
    click_to(committee, committee.locator(f"a[data-expense='{expense.pk}']"))
    decide = committee.locator("form[data-decide]")
    shot(committee, "finance-committee-approve")
    click_to(committee, decide.locator("button[value=approve]"))
    expense.refresh_from_db()
    assert expense.status == "posted"
    posted = Entry.objects.get(expense=expense)
    assert posted.sequence == 2
    assert services.cash_balance(fs.income.pk) == 871_950

    # 3. The month is over: the committee member publishes its statement.
    with clock.travel(next_month_start()):
        accept_dialogs(committee)
        committee.goto(url(live_server, "finance:account", pk=fs.income.pk))
        publish = committee.locator(
            f"form[action='{reverse('finance:statement_publish', args=[fs.income.pk])}']"
        )
        publish.locator("select[name=period]").select_option(Statement.Period.MONTH.value)
        publish.locator("input[name=month]").fill(month)
        click_to(committee, publish.locator("button[type=submit]"))
        statement = Statement.objects.get(account=fs.income)
        assert (statement.opening, statement.income, statement.expense, statement.closing) == (
            0,
            1_000_000,
            128_050,
            871_950,
        )
        assert statement.data["expense"] == {"repair": 128_050}
        assert (statement.head_sequence, statement.head_hash) == (2, posted.hash)
        notice = statement.notice
        assert notice.kind == Notice.Kind.FINANCE_STATEMENT
        assert (notice.ends_on - notice.starts_on).days + 1 >= 15

        # 4. A resident finds it from their home page and reads it on their phone.
        resident = phone(new_context, logs)
        login_as(resident, live_server, world.a.users["owner"])
        index = reverse("finance:public_index", args=[world.a.community.code])
        click_to(resident, resident.locator(f"main a[href='{index}']"))
        link = reverse("finance:statement", kwargs={"public_id": statement.public_id})
        click_to(resident, resident.locator(f"main a[href='{link}']").first)
        body = resident.locator("main").inner_text()
        for figure in ("10,000.00", "1,280.50", "8,719.50"):
            assert figure in body, figure
        assert posted.hash in body
        # Phone-sized: nothing wider than the screen.
        width = resident.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        assert leaked(resident, ["13812345678", "张三丰"]) == []
        shot(resident, "finance-resident-statement")

        with resident.expect_download() as download:
            resident.locator(
                f"a[href='{reverse('finance:statement_pdf', args=[statement.public_id])}']"
            ).click()
        content = Path(download.value.path()).read_bytes()
        assert content.startswith(b"%PDF")
        text = pdf_text(content)
        for figure in ("10,000.00", "1,280.50", "8,719.50", posted.hash):
            assert figure in text, figure

    for log in logs:
        assert not log.csp_violations, log.csp_violations
