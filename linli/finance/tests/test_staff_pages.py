"""The staff console of sunshine finance through its pages: expenses recorded with receipts and
approved by someone else, income in yuan, cost plans from preview to payment, statements,
reversals, verification of the hash chain, receipt downloads, elder mode and query budgets.

Pages are read in English (the language cookie) so messages can be compared exactly.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from linli.accounts.models import Role
from linli.core import clock
from linli.finance import selectors, services
from linli.finance.forms import YuanField
from linli.finance.models import (
    Approval,
    Category,
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
from linli.finance.tests import builders
from linli.finance.tests.authz_extra import PDF, receipt_file
from linli.finance.tests.tamper import tampering
from linli.votes import services as vote_services
from linli.votes.models import Motion, RollVoter
from linli.votes.tests import builders as vote_builders
from tests import factories as f

pytestmark = pytest.mark.django_db

CAMERA = "Linli Test Camera"


def english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["linli_language"] = "en"
    return client


def text(response) -> str:
    return response.content.decode()


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def png_with_exif() -> SimpleUploadedFile:
    """A small real PNG photo of a receipt carrying EXIF (camera make and a GPS tag)."""
    image = Image.new("RGB", (40, 30), (200, 180, 90))
    exif = Image.Exif()
    exif[0x010F] = CAMERA
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="PNG", exif=exif.tobytes())
    return SimpleUploadedFile("发票.png", out.getvalue(), content_type="image/png")


def url(name: str, **kwargs) -> str:
    return reverse(f"finance:{name}", kwargs=kwargs)


@pytest.fixture
def fs(world):
    return builders.finance_side(world.a)


@pytest.fixture
def second_worker(world):
    user = f.UserFactory(name="第二社工")
    f.RoleFactory(user=user, community=world.a.community, role=Role.WORKER)
    return user


def expense_form(**fields) -> dict:
    data = {
        "category": Category.REPAIR,
        "description": "更换路灯",
        "counterparty": "杭州明亮电器有限公司",
        "amount": "8000.00",
    }
    data.update(fields)
    return data


# --- expenses: recorded with receipts, approved by someone else -------------------------------


def test_property_records_expense_with_receipt_and_committee_approval_posts_it(fs):
    builders.fund(fs.worker, fs.income, 2_000_000)
    recorder = english(fs.property)
    assert recorder.get(url("expense_new", pk=fs.income.pk)).status_code == 200

    response = recorder.post(
        url("expense_new", pk=fs.income.pk), expense_form(receipts=[png_with_exif()])
    )

    expense = Expense.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("expense", expense_id=expense.pk)
    assert (expense.amount, expense.status, expense.recorded_by) == (
        800_000,
        Expense.Status.RECORDED,
        fs.property,
    )
    receipt = expense.receipts.get()
    assert (receipt.name, receipt.content_type) == ("发票.png", "image/png")
    stored = receipt.file.read()
    assert CAMERA.encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {}
        assert image.size == (40, 30)

    page = recorder.get(url("expense", expense_id=expense.pk))
    assert page.status_code == 200
    assert "You recorded this expense: someone else must approve it." in text(page)
    assert "data-decide" not in text(page)
    assert url("receipt", receipt_id=receipt.pk) in text(page)

    refused = recorder.post(url("expense_decide", expense_id=expense.pk), {"decision": "approve"})
    assert refused.status_code == 403
    assert flashes(refused) == ["You recorded this expense, so someone else must approve it."]
    assert Approval.objects.count() == 0
    assert Expense.objects.get().status == Expense.Status.RECORDED

    approver = english(fs.committee)
    page = approver.get(url("expense", expense_id=expense.pk))
    assert "data-decide" in text(page)
    assert [(c.text, c.done) for c in page.context["checks"]] == [
        ("Approved by someone other than the person who recorded it", False),
        ("Approved by a member of the owners' committee", False),
    ]
    assert page.context["blockers"] == [
        "An owners' committee member must approve an expense of more than 5,000.00 yuan."
    ]

    response = approver.post(
        url("expense_decide", expense_id=expense.pk), {"decision": "approve"}, follow=True
    )
    assert flashes(response) == ["Approved: the expense is posted to the ledger."]
    expense.refresh_from_db()
    assert expense.status == Expense.Status.POSTED
    entry = Entry.objects.get(expense=expense)
    assert (entry.account_id, entry.sequence) == (fs.income.pk, 2)
    assert selectors.balances([fs.income.pk])[fs.income.pk] == 1_200_000
    assert Approval.objects.get().acting_as == Approval.As.COMMITTEE
    assert "entry 2" in text(response)


def test_worker_expense_is_approved_by_another_worker_and_a_large_one_waits_for_committee(
    fs, second_worker
):
    builders.fund(fs.worker, fs.income, 2_000_000)
    worker = english(fs.worker)
    worker.post(url("expense_new", pk=fs.income.pk), expense_form(amount="300"))
    small = Expense.objects.get()
    page = worker.get(url("expense", expense_id=small.pk))
    assert "You recorded this expense: someone else must approve it." in text(page)
    assert "data-decide" not in text(page)

    response = english(second_worker).post(
        url("expense_decide", expense_id=small.pk), {"decision": "approve"}, follow=True
    )
    assert flashes(response) == ["Approved: the expense is posted to the ledger."]
    assert Expense.objects.get(pk=small.pk).status == Expense.Status.POSTED

    english(fs.property).post(url("expense_new", pk=fs.income.pk), expense_form())
    large = Expense.objects.exclude(pk=small.pk).get()
    response = worker.post(
        url("expense_decide", expense_id=large.pk), {"decision": "approve"}, follow=True
    )
    assert flashes(response) == [
        "Your approval is recorded; a member of the owners' committee must still approve."
    ]
    assert Expense.objects.get(pk=large.pk).status == Expense.Status.RECORDED
    assert "You have decided on this expense." in text(response)
    twice = worker.post(url("expense_decide", expense_id=large.pk), {"decision": "approve"})
    assert twice.status_code == 409
    assert flashes(twice) == ["You have already decided on this expense."]

    english(fs.committee2).post(url("expense_decide", expense_id=large.pk), {"decision": "approve"})
    assert Expense.objects.get(pk=large.pk).status == Expense.Status.POSTED
    assert selectors.balances([fs.income.pk])[fs.income.pk] == 2_000_000 - 30_000 - 800_000


def test_a_rejection_needs_a_note_and_ends_the_expense(fs):
    english(fs.property).post(url("expense_new", pk=fs.income.pk), expense_form())
    expense = Expense.objects.get()
    approver = english(fs.committee)
    response = approver.post(url("expense_decide", expense_id=expense.pk), {"decision": "reject"})
    assert response.status_code == 400
    assert flashes(response) == ["The note is required."]
    assert Approval.objects.count() == 0
    response = approver.post(
        url("expense_decide", expense_id=expense.pk),
        {"decision": "reject", "note": "发票抬头不对"},
        follow=True,
    )
    assert flashes(response) == ["The expense is rejected."]
    assert Expense.objects.get().status == Expense.Status.REJECTED


def test_a_settlement_ten_percent_over_budget_cannot_be_approved(fs):
    builders.fund(fs.worker, fs.income, 2_000_000)
    english(fs.property).post(
        url("expense_new", pk=fs.income.pk), expense_form(amount="1100", budget="1,000")
    )
    expense = Expense.objects.get()
    assert (expense.amount, expense.budget) == (110_000, 100_000)
    worker = english(fs.worker)
    page = worker.get(url("expense", expense_id=expense.pk))
    assert [(c.text, c.done) for c in page.context["checks"]] == [
        ("Approved by someone other than the person who recorded it", False),
        ("Less than 10% over the budget of 1,000.00 yuan", False),
    ]
    (blocker,) = page.context["blockers"]
    assert blocker.startswith(
        "The settlement is 100.00 yuan (10% or more) over the budget of 1,000.00 yuan"
    )
    refused = worker.post(url("expense_decide", expense_id=expense.pk), {"decision": "approve"})
    assert refused.status_code == 409
    assert flashes(refused) == [blocker]
    assert Approval.objects.count() == 0
    assert Expense.objects.get().status == Expense.Status.RECORDED


def test_expense_form_refuses_a_bad_receipt_and_records_nothing(fs):
    fake = SimpleUploadedFile(
        "receipt.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = english(fs.property).post(
        url("expense_new", pk=fs.income.pk), expense_form(receipts=[fake])
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "A receipt must be a PDF, JPEG or PNG file."
    ]
    assert Expense.objects.count() == 0 and Receipt.objects.count() == 0


def test_street_staff_read_but_cannot_record(world, fs):
    street = english(world.a.users["street"])
    assert street.get(url("account", pk=fs.income.pk)).status_code == 200
    assert street.get(url("expense_new", pk=fs.income.pk)).status_code == 404
    assert street.get(url("income", pk=fs.income.pk)).status_code == 404
    owner = english(world.a.users["owner"])
    assert owner.get(url("manage")).status_code == 404
    assert owner.get(url("account", pk=fs.income.pk)).status_code == 404


def test_emergency_repair_with_confirmations_and_waived_audit(fs):
    builders.fund(fs.worker, fs.fund, 5_000_000)
    english(fs.property).post(
        url("expense_new", pk=fs.fund.pk),
        expense_form(
            category=Category.ELEVATOR,
            description="电梯主板更换",
            amount="12000",
            emergency="elevator_failure",
            receipts=[receipt_file()],
        ),
    )
    expense = Expense.objects.get()
    assert expense.emergency == "elevator_failure"
    committee = english(fs.committee)
    page = committee.get(url("expense", expense_id=expense.pk))
    assert "Serious elevator failure" in text(page)
    assert [c.done for c in page.context["checks"]] == [False, False, False, False, False]
    assert page.context["can_waive"] is True
    assert list(page.context["confirm_form"].fields["step"].choices) == [
        ("committee_check", "The owners' committee checked the repair plan")
    ]
    response = committee.post(
        url("emergency_confirm", expense_id=expense.pk),
        {"step": "committee_check", "document_ref": "业委会〔2026〕3号"},
        follow=True,
    )
    assert flashes(response) == ["Recorded: The owners' committee checked the repair plan."]
    too_early = committee.post(
        url("expense_decide", expense_id=expense.pk), {"decision": "approve"}
    )
    assert too_early.status_code == 409
    assert Approval.objects.count() == 0
    english(fs.worker).post(
        url("emergency_confirm", expense_id=expense.pk),
        {"step": "street_office_confirmation", "document_ref": "街道〔2026〕7号"},
    )
    assert EmergencyConfirmation.objects.filter(expense=expense).count() == 2

    response = committee.post(
        url("expense_decide", expense_id=expense.pk),
        {"decision": "approve", "waive_audit": "on", "note": "金额小"},
        follow=True,
    )
    assert flashes(response) == ["Approved: the expense is posted to the ledger."]
    expense.refresh_from_db()
    assert (expense.status, expense.audit_waived) == (Expense.Status.POSTED, True)
    assert "audit waived" in text(response)


def test_linking_a_passed_owners_vote_clears_the_vote_requirement(world, fs):
    worker = fs.worker
    neighbour = f.PersonFactory(community=world.a.community, name="王小明", user=f.UserFactory())
    f.OwnershipFactory(unit=world.a.other_unit, person=neighbour)
    motion = vote_builders.opened(
        worker, world.a.estate, title="使用维修资金更换水泵", matter=Motion.Matter.USE_FUND
    )
    for person in (world.a.owner_person, neighbour):
        voter = RollVoter.objects.get(motion=motion, owners__person=person)
        vote_services.ballot_cast(
            user=person.user, motion_id=motion.pk, voter_id=voter.pk, choice="yes"
        )
    vote_builders.closed(worker, motion)
    with vote_builders.after_close():
        vote_services.motion_tally(actor=worker, motion_id=motion.pk)
        vote_services.motion_publish(actor=worker, motion_id=motion.pk)
    english(fs.property).post(
        url("expense_new", pk=fs.fund.pk),
        expense_form(description="更换水泵", amount="20000"),
    )
    expense = Expense.objects.get()
    committee = english(fs.committee)
    page = committee.get(url("expense", expense_id=expense.pk))
    assert (
        "Link the owners' vote that approved this use of the maintenance fund."
        in (page.context["blockers"])
    )
    assert list(page.context["motion_form"].fields["motion"].queryset) == [motion]

    response = committee.post(
        url("expense_link_motion", expense_id=expense.pk), {"motion": motion.pk}, follow=True
    )
    assert flashes(response) == ["The owners' vote “使用维修资金更换水泵” is linked."]
    assert Expense.objects.get().motion == motion
    assert (
        "Link the owners' vote that approved this use of the maintenance fund."
        not in (response.context["blockers"])
    )
    bad = committee.post(url("expense_link_motion", expense_id=expense.pk), {"motion": "x"})
    assert bad.status_code == 400
    assert (
        english(fs.property)
        .post(url("expense_link_motion", expense_id=expense.pk), {"motion": motion.pk})
        .status_code
        == 404
    )


def test_documents_are_added_while_pending(fs):
    english(fs.property).post(url("expense_new", pk=fs.fund.pk), expense_form())
    expense = Expense.objects.get()
    response = english(fs.property2).post(
        url("receipt_add", expense_id=expense.pk),
        {"kind": "audit_report", "file": receipt_file("审计报告.pdf")},
        follow=True,
    )
    assert flashes(response) == ["“审计报告.pdf” is attached."]
    assert list(expense.receipts.values_list("kind", flat=True)) == ["audit_report"]
    check = [c for c in response.context["checks"] if c.text.startswith("The audit report")]
    assert [c.done for c in check] == [True]


# --- receipts are downloads -----------------------------------------------------------------


def test_receipt_download_is_an_attachment_for_staff_only(world, fs):
    english(fs.property).post(
        url("expense_new", pk=fs.income.pk), expense_form(receipts=[receipt_file()])
    )
    receipt = Receipt.objects.get()
    response = english(fs.committee).get(url("receipt", receipt_id=receipt.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="receipt.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    for user in (world.a.users["owner"], world.b.users["worker"]):
        assert english(user).get(url("receipt", receipt_id=receipt.pk)).status_code == 404


# --- income in yuan -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("1234.56", 123_456),
        ("1,234.5", 123_450),
        ("８００", 80_000),
        ("¥12", 1_200),
        ("0.01", 1),
        ("99元", 9_900),
        (".5", 50),
    ],
)
def test_yuan_field_converts_exactly_to_fen(typed, fen):
    assert YuanField().clean(typed) == fen


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.345", "Write at most two decimal places (fen)."),
        ("1.500", "Write at most two decimal places (fen)."),
        ("-5", "The amount cannot be negative."),
        ("abc", "Write an amount in yuan, such as 1234.56."),
        ("1e3", "Write an amount in yuan, such as 1234.56."),
        ("NaN", "Write an amount in yuan, such as 1234.56."),
        ("12.3.4", "Write an amount in yuan, such as 1234.56."),
        ("0", "The amount must be more than 0."),
        ("0.00", "The amount must be more than 0."),
    ],
)
def test_income_form_refuses_bad_amounts_and_records_nothing(fs, typed, message):
    response = english(fs.worker).post(
        url("income", pk=fs.income.pk),
        {"category": Category.PARKING, "amount": typed, "description": "停车费"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"amount": [message]}
    assert Entry.objects.count() == 0


def test_income_is_recorded_in_fen_and_on_a_units_sub_ledger(world, fs):
    client = english(fs.property)
    response = client.post(
        url("income", pk=fs.income.pk),
        {
            "category": Category.ADVERTISING,
            "amount": "1,234.56",
            "description": "电梯广告",
            "counterparty": "杭州某某传媒有限公司",
        },
        follow=True,
    )
    assert flashes(response) == ["Recorded as entry 1: 1,234.56 yuan received."]
    assert selectors.balances([fs.income.pk])[fs.income.pk] == 123_456
    # Staff see the counterparty in full.
    assert "杭州某某传媒有限公司" in text(response)

    page = client.get(url("income", pk=fs.fund.pk))
    assert world.a.unit.label in text(page)
    client.post(
        url("income", pk=fs.fund.pk),
        {
            "category": Category.DEPOSIT,
            "amount": "8950",
            "description": "首期维修资金",
            "unit": world.a.unit.pk,
        },
    )
    line = EntryLine.objects.get(account=fs.fund, category=Category.DEPOSIT)
    assert (line.unit_id, line.credit) == (world.a.unit.pk, 895_000)
    assert selectors.unit_balances(fs.fund, [world.a.unit.pk, world.a.other_unit.pk]) == {
        world.a.unit.pk: 895_000,
        world.a.other_unit.pk: 0,
    }


def test_income_above_the_service_limit_is_refused_with_its_message(fs):
    response = english(fs.worker).post(
        url("income", pk=fs.income.pk),
        {"category": Category.PARKING, "amount": "200000000", "description": "停车费"},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "The amount must be more than 0 and at most 100,000,000 yuan."
    ]
    assert Entry.objects.count() == 0


# --- cost plans: preview, create, issue, pay --------------------------------------------------


def plan_form(world, **fields) -> dict:
    data = {
        "group": f"e{world.a.entrance.pk}",
        "title": "24幢1单元加装电梯分摊",
        "scheme": "by_area",
        "purpose": "construction",
        "gross": "10000.00",
        "subsidy": "2000.00",
    }
    data.update(fields)
    return data


def test_plan_preview_create_issue_and_payment(world, fs):
    a = world.a
    worker = english(fs.worker)
    page = worker.get(url("plans", pk=fs.project.pk), {"group": f"e{a.entrance.pk}"})
    assert page.status_code == 200
    assert [u.pk for u in page.context["form"].units] == [a.unit.pk, a.other_unit.pk]

    # By area: 8,000 yuan × 89.50 / 164.70 and × 75.20 / 164.70, the odd fen to the larger
    # remainder.
    preview = worker.post(
        url("plan_preview", pk=fs.project.pk), plan_form(world), HTTP_HX_REQUEST="true"
    )
    assert preview.status_code == 200
    assert [(r.unit.pk, r.fen) for r in preview.context["preview"]["rows"]] == [
        (a.unit.pk, 434_730),
        (a.other_unit.pk, 365_270),
    ]
    assert 'data-total="800000"' in text(preview)
    assert "<html" not in text(preview)

    equal = worker.post(
        url("plan_preview", pk=fs.project.pk),
        plan_form(world, scheme="floor_percent", pct_1="100"),
    )
    assert [r.fen for r in equal.context["preview"]["rows"]] == [400_000, 400_000]

    opted = worker.post(
        url("plan_preview", pk=fs.project.pk), plan_form(world, opt_outs=[a.other_unit.pk])
    )
    assert [(r.fen, r.opted_out) for r in opted.context["preview"]["rows"]] == [
        (800_000, False),
        (0, True),
    ]

    wrong = worker.post(
        url("plan_preview", pk=fs.project.pk),
        plan_form(world, scheme="explicit", **{f"amount_{a.unit.pk}": "5000"}),
    )
    assert wrong.status_code == 400
    assert wrong.context["preview_errors"] == [
        "The agreed amounts must add up exactly to the net cost."
    ]
    garbage = worker.post(
        url("plan_preview", pk=fs.project.pk),
        plan_form(world, scheme="coefficient_area", k_1="seven"),
    )
    assert garbage.context["preview_errors"] == [
        "Write percentages and coefficients as exact numbers (e.g. 0.7 or 15)."
    ]
    no_js = worker.post(url("plans", pk=fs.project.pk), plan_form(world, action="preview"))
    assert no_js.status_code == 200 and "data-preview" in text(no_js)
    assert CostPlan.objects.count() == 0

    response = worker.post(url("plans", pk=fs.project.pk), plan_form(world, action="create"))
    plan = CostPlan.objects.get()
    assert response["Location"] == url("plan", plan_id=plan.pk)
    assert (plan.net, plan.roster, plan.status) == (
        800_000,
        [a.unit.pk, a.other_unit.pk],
        CostPlan.Status.DRAFT,
    )
    draft = worker.get(url("plan", plan_id=plan.pk))
    assert [(r.unit.pk, r.amount) for r in draft.context["rows"]] == [
        (a.unit.pk, 434_730),
        (a.other_unit.pk, 365_270),
    ]
    assert draft.context["can_issue"] is True

    issued = worker.post(url("plan_issue", plan_id=plan.pk), follow=True)
    assert flashes(issued) == ["The plan is issued: each unit now owes its share."]
    assert CostPlan.objects.get().status == CostPlan.Status.ISSUED
    again = worker.post(url("plan_issue", plan_id=plan.pk))
    assert again.status_code == 409
    assert flashes(again) == ["This cost plan has already been issued."]

    share = Share.objects.get(unit=a.unit)
    other = Share.objects.get(unit=a.other_unit)
    response = english(fs.property).post(
        url("payment_record", share_id=share.pk),
        {"amount": "1000.00", "channel": "bank", "reference": "转账0001"},
        follow=True,
    )
    assert flashes(response) == ["Payment of 1,000.00 yuan recorded as entry 1."]
    share.refresh_from_db()
    assert share.paid == 100_000
    assert Payment.objects.get().entry.account_id == fs.project.pk
    assert [(r.unit.pk, r.paid, r.outstanding) for r in response.context["rows"]] == [
        (a.unit.pk, 100_000, 334_730),
        (a.other_unit.pk, 0, 365_270),
    ]

    over = worker.post(
        url("payment_record", share_id=other.pk), {"amount": "5000", "channel": "cash"}
    )
    assert over.status_code == 409
    assert flashes(over) == ["Only 3,652.70 yuan of this share is still to pay."]
    assert Share.objects.get(pk=other.pk).paid == 0
    assert Payment.objects.count() == 1


def test_plans_of_other_accounts_cannot_be_created(world, fs):
    response = english(fs.worker).post(
        url("plans", pk=fs.income.pk), plan_form(world, action="create")
    )
    assert response.status_code == 404
    assert (
        english(fs.property)
        .post(url("plan_preview", pk=fs.project.pk), plan_form(world))
        .status_code
        == 404
    )


# --- statements, reversals, checkpoints -----------------------------------------------------


def test_statement_of_last_month_is_published_once(fs):
    first = clock.today().replace(day=1)
    last_month = (first - timedelta(days=1)).replace(day=1)
    builders.fund(fs.worker, fs.income, 500_000, received_on=last_month + timedelta(days=3))
    client = english(fs.committee)
    form = {"period": "month", "month": last_month.strftime("%Y-%m")}
    response = client.post(url("statement_publish", pk=fs.income.pk), form, follow=True)
    assert flashes(response) == ["The statement is published as a notice for at least 15 days."]
    statement = Statement.objects.get()
    assert (statement.starts_on, statement.income, statement.closing) == (
        last_month,
        500_000,
        500_000,
    )
    page = text(response)
    assert url("statement_pdf", public_id=statement.public_id) in page
    assert url("statement_xlsx", public_id=statement.public_id) in page
    again = client.post(url("statement_publish", pk=fs.income.pk), form)
    assert again.status_code == 409
    assert flashes(again) == ["This statement has already been published."]
    bad = client.post(
        url("statement_publish", pk=fs.income.pk), {"period": "month", "month": "2026-13"}
    )
    assert bad.status_code == 400
    assert flashes(bad) == ["First month: Pick a month, such as 2026-05."]
    assert Statement.objects.count() == 1


def test_worker_reverses_an_entry_and_both_are_marked(fs):
    builders.fund(fs.worker, fs.income, 300_000, description="停车费", counterparty="张三丰")
    worker = english(fs.worker)
    response = worker.post(
        url("entry_reverse", pk=fs.income.pk), {"sequence": 1, "reason": "重复入账"}, follow=True
    )
    assert flashes(response) == ["Entry 1 is reversed by entry 2."]
    rows = {row.sequence: row for row in response.context["rows"]}
    assert (rows[1].reversed_by, rows[2].reverses) == (2, 1)
    assert rows[1].counterparty == "张三丰"
    assert selectors.balances([fs.income.pk])[fs.income.pk] == 0
    twice = worker.post(url("entry_reverse", pk=fs.income.pk), {"sequence": 1, "reason": "再来"})
    assert twice.status_code == 409
    assert flashes(twice) == ["This entry has already been reversed."]
    assert (
        english(fs.committee)
        .post(url("entry_reverse", pk=fs.income.pk), {"sequence": 1, "reason": "x"})
        .status_code
        == 404
    )
    assert Entry.objects.filter(account=fs.income).count() == 2


def test_worker_publishes_checkpoints_now(world, fs):
    builders.fund(fs.worker, fs.income, 100_000)
    response = english(fs.worker).post(
        url("checkpoints_publish"), {"community": world.a.community.pk}, follow=True
    )
    assert flashes(response) == ["The head of 1 ledger is published as a notice."]
    assert Checkpoint.objects.get().account_id == fs.income.pk
    response = english(fs.worker).post(
        url("checkpoints_publish"), {"community": world.a.community.pk}, follow=True
    )
    assert flashes(response) == ["No ledger has moved since its last checkpoint."]
    for user in (fs.committee, world.b.users["worker"]):
        assert (
            english(user)
            .post(url("checkpoints_publish"), {"community": world.a.community.pk})
            .status_code
            == 404
        )


# --- verification -------------------------------------------------------------------------


def test_verify_page_says_ok_then_names_the_edited_entry(fs):
    for n in range(3):
        builders.fund(fs.worker, fs.income, 10_000 * (n + 1))
    client = english(fs.committee)
    page = client.get(url("verify", pk=fs.income.pk))
    assert page.status_code == 200
    head = Entry.objects.get(account=fs.income, sequence=3).hash
    assert page.context["verdict"] == f"3 entries checked, head 3 {head}."
    assert head in text(page)

    held = client.get(url("verify", pk=fs.income.pk), {"head": f"3:{head.upper()}"})
    assert held.context["verdict"] == f"3 entries checked, head 3 {head}."
    other = client.get(url("verify", pk=fs.income.pk), {"head": "3:" + "0" * 64})
    assert other.context["verdict"] == (
        "Entry 3 differs from its published checkpoint (the chain was rewritten). "
        "No earlier checkpoint matches. 2 entries before it are intact."
    )
    garbage = client.get(url("verify", pk=fs.income.pk), {"head": "latest"})
    assert garbage.status_code == 400
    assert "Paste a head as ENTRY:HASH" in text(garbage)

    with tampering() as cursor:
        cursor.execute(
            "UPDATE finance_entry SET memo = %s WHERE account_id = %s AND sequence = 2",
            ["入账（已改）", fs.income.pk],
        )
    page = client.get(url("verify", pk=fs.income.pk))
    assert page.context["verdict"] == (
        "The contents of entry 2 do not match its hash (it was edited). "
        "1 entry before it is intact."
    )
    assert 'data-verify="bad" data-sequence="2"' in text(page)


# --- the console, elder mode and query budgets ------------------------------------------------


def test_manage_lists_accounts_with_balances_warnings_and_my_pending_expenses(fs):
    builders.fund(fs.worker, fs.fund, 20_000_000)
    builders.fund(fs.worker, fs.income, 1_000_000)
    english(fs.property).post(url("expense_new", pk=fs.income.pk), expense_form(amount="100"))
    page = english(fs.committee).get(url("manage"))
    assert page.status_code == 200
    rows = [row for group in page.context["groups"] for row in group["rows"]]
    assert [(r["account"].name, r["balance"], r["waiting"]) for r in rows] == [
        ("专项维修资金", 20_000_000, 0),
        ("公共收益", 1_000_000, 1),
        ("24幢加装电梯", 0, 0),
        ("业委会工作经费", 0, 0),
    ]
    # 200,000.00 of a 1,000,000.00 first deposit is 20%: below 30%, a top-up is due (M1).
    assert rows[0]["health"].needs_top_up is True
    assert 'data-top-up="1"' in text(page)
    assert [e.description for e in page.context["pending"]] == ["更换路灯"]
    assert page.context["checkpoint_communities"] == []
    assert url("checkpoints_publish") not in text(page)
    worker_page = english(fs.worker).get(url("manage"))
    assert url("checkpoints_publish") in text(worker_page)


def test_elder_mode_renders_the_console_pages(fs):
    builders.fund(fs.worker, fs.income, 100_000)
    fs.worker.elder_mode = True
    fs.worker.save(update_fields=["elder_mode"])
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(fs.worker)
    for page_url in (
        url("manage"),
        url("account", pk=fs.income.pk),
        url("expense_new", pk=fs.income.pk),
        url("verify", pk=fs.income.pk),
    ):
        response = client.get(page_url)
        assert response.status_code == 200, page_url
        page = text(response)
        assert '<html lang="zh-hans" class="elder"' in page
        assert "/static/css/elder.css" in page and "/static/css/votes-console.css" in page
        assert " style=" not in page and "<style" not in page


@pytest.fixture
def busy(world, fs, second_worker):
    """60 entries on the common income, a funded maintenance fund, 10 expenses awaiting
    approval (each with a receipt), an issued plan and a draft."""
    for n in range(59):
        builders.fund(fs.worker, fs.income, 10_000 + n, counterparty=f"车主{n}")
    for n in range(10):
        services.expense_record(
            actor=fs.property,
            account_id=fs.income.pk,
            category=Category.CLEANING,
            description=f"保洁{n}",
            counterparty="杭州洁净公司",
            amount=1_000 + n,
            receipts=[receipt_file()],
        )
    posted = Expense.objects.order_by("id")[0]
    services.expense_decide(actor=fs.committee, expense_id=posted.pk, approve=True)
    builders.fund(fs.worker, fs.fund, 40_000_000)
    for n in range(8):
        f.UnitFactory(entrance=world.a.entrance, number=f"{n + 2}01", floor=n + 2, area=9000)
    plan = services.plan_create(
        actor=fs.worker,
        account_id=fs.project.pk,
        title="电梯分摊",
        scheme=CostPlan.Scheme.BY_AREA,
        gross=1_000_000,
        roster=list(world.a.entrance.units.values_list("pk", flat=True)),
    )
    services.plan_issue(actor=fs.worker, plan_id=plan.pk)
    draft = services.plan_create(
        actor=fs.worker,
        account_id=fs.project.pk,
        title="运维分摊",
        scheme=CostPlan.Scheme.BY_AREA,
        gross=100_000,
        roster=list(world.a.entrance.units.values_list("pk", flat=True)),
    )
    services.checkpoints_publish(community_id=world.a.community.pk)
    assert Entry.objects.filter(account=fs.income).count() == 60
    return {"expense": Expense.objects.order_by("id")[1], "plan": plan, "draft": draft}


@pytest.mark.parametrize("who", ["worker", "committee", "property"])
def test_query_budgets_of_every_page(world, fs, busy, who, django_assert_max_num_queries):
    user = getattr(fs, who)
    client = english(user)
    expense = busy["expense"]
    receipt = expense.receipts.get()
    # Property staff pay one query per account to find their company's estates
    # (services.property_estate_ids is not cached per request): 4 accounts here.
    pages = [
        (url("manage"), 17),
        (url("account", pk=fs.income.pk), 13),
        (url("account", pk=fs.income.pk) + "?before=20", 13),
        (url("account", pk=fs.fund.pk), 16),
        (url("expense", expense_id=expense.pk), 13),
        (url("receipt", receipt_id=receipt.pk), 6),
        (url("plans", pk=fs.project.pk) + f"?group=e{world.a.entrance.pk}", 11),
        (url("plan", plan_id=busy["plan"].pk), 9),
        (url("plan", plan_id=busy["draft"].pk), 9),
        (url("verify", pk=fs.income.pk), 12),
    ]
    if who != "committee":
        pages += [(url("income", pk=fs.fund.pk), 9), (url("expense_new", pk=fs.fund.pk), 9)]
    for page_url, budget in pages:
        with django_assert_max_num_queries(budget):
            response = client.get(page_url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200, page_url
    page = client.get(url("account", pk=fs.income.pk))
    assert len(page.context["rows"]) == 50
    assert page.context["older"] == 11
