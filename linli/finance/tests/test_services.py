"""Sunshine finance services and selectors, rule by rule, with exact values.

Community A of the test world with `builders.finance_side`: a worker, two committee members
tied to the estate's owners' committee, two property staff of its company and four accounts.
The estate has flats 101 (89.50 m², owned by 张三丰) and 102 (75.20 m²). Hangzhou vectors
M1–M3 of DOMAIN-RULES §9.4 and the Art. 73 emergency path run through the services.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.accounts.models import Role, RoleAssignment
from linli.core import clock
from linli.core.errors import Conflict, LinliError, NotFound
from linli.core.models import AuditLog
from linli.domain.fund_rules import Confirmation
from linli.finance import ledger, selectors, services
from linli.finance.models import (
    Account,
    Approval,
    Category,
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
from linli.votes import services as votes
from linli.votes.models import Motion, RollVoter
from linli.votes.tests import builders as motions
from tests import factories as f

pytestmark = pytest.mark.django_db

COUNTED = (
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
    AuditLog,
)


@pytest.fixture
def fs(world: Any) -> FinanceSide:
    return finance_side(world.a)


def counts() -> dict[str, int]:
    """Rows of every finance table and of the audit log."""
    return {model.__name__: model.objects.count() for model in COUNTED}


def refused(call: Callable[[], Any], exc: type[LinliError], code: str) -> LinliError:
    """`call` raises `exc` with `code` and writes nothing anywhere."""
    before = counts()
    with pytest.raises(exc) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert counts() == before
    return caught.value


def record(
    fs: FinanceSide,
    *,
    actor: Any = None,
    account: Account | None = None,
    amount: int = 100_000,
    **fields: Any,
) -> Expense:
    """An expense recorded by property staff (default) on the common income account."""
    fields.setdefault("category", "repair")
    fields.setdefault("description", "更换楼道灯")
    fields.setdefault("counterparty", "杭州某电器维修部")
    return services.expense_record(
        actor=actor or fs.property,
        account_id=(account or fs.income).pk,
        amount=amount,
        **fields,
    )


def approve(actor: Any, expense: Expense, **fields: Any) -> Expense:
    return services.expense_decide(actor=actor, expense_id=expense.pk, approve=True, **fields)


def balance(account: Account) -> int:
    return selectors.balances([account.pk])[account.pk]


def status(expense: Expense) -> str:
    return Expense.objects.values_list("status", flat=True).get(pk=expense.pk)


def passed_motion(
    side: Any,
    *,
    estate: Any = None,
    choice: str = "yes",
    publish: bool = True,
    matter: str = Motion.Matter.USE_FUND,
    owner: Any = None,
    unit: Any = None,
) -> Motion:
    """A yes/no motion over one flat, voted on by its owner, counted and (by default)
    published: passed with a yes, failed with a no."""
    estate = estate or side.estate
    worker = side.users["worker"]
    motion = motions.opened(
        worker,
        estate,
        title="使用维修资金更换电梯",
        matter=matter,
        scope=Motion.Scope.UNITS,
        unit_ids=[(unit or side.unit).pk],
    )
    voter = RollVoter.objects.get(motion=motion)
    votes.ballot_cast(
        user=owner or side.users["owner"], motion_id=motion.pk, voter_id=voter.pk, choice=choice
    )
    motions.closed(worker, motion)
    with motions.after_close():
        votes.motion_tally(actor=worker, motion_id=motion.pk)
        if publish:
            votes.motion_publish(actor=worker, motion_id=motion.pk)
    motion.refresh_from_db()
    return motion


def link(actor: Any, expense: Expense, motion: Motion) -> Expense:
    return services.expense_link_motion(actor=actor, expense_id=expense.pk, motion_id=motion.pk)


def pdf(name: str = "审计报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", "application/pdf")


def lines_of(entry: Entry) -> list[list[Any]]:
    return json.loads(entry.lines)


def other_estate(side: Any) -> tuple[Any, Any, Any]:
    """A second estate of the same community: (estate, its flat, the flat owner's account)."""
    estate = f.EstateFactory(community=side.community, name="乙区")
    building = f.BuildingFactory(estate=estate, community=side.community, number="3")
    entrance = f.EntranceFactory(building=building, community=side.community, number="1")
    unit = f.UnitFactory(entrance=entrance, number="101", floor=1, area=9000)
    user = f.UserFactory(name="乙区业主")
    person = f.PersonFactory(community=side.community, name="王五", user=user)
    f.OwnershipFactory(unit=unit, person=person)
    return estate, unit, user


FUND_MOTION = _("Link the owners' vote that approved this use of the maintenance fund.")
AUDIT_REPORT = _(
    "Attach the audit report of the settlement: only 30,000 yuan or less may "
    "skip the audit, and only with the owners' committee's approval "
    "(Hangzhou Property Management Regulations, Art. 72)."
)


def committee_needed(limit: str) -> str:
    return _("An owners' committee member must approve an expense of more than %(limit)s yuan.") % {
        "limit": limit
    }


def motion_needed(limit: str) -> str:
    return _("An expense of more than %(limit)s yuan needs a passed owners' vote: link it.") % {
        "limit": limit
    }


# --- nobody records and approves the same expense ------------------------------------------


def test_a_worker_can_neither_approve_nor_reject_what_they_recorded(fs):
    fund(fs.worker, fs.income, 1_000_000)
    expense = record(fs, actor=fs.worker)

    error = refused(lambda: approve(fs.worker, expense), LinliError, "own_expense")
    assert error.status == 403
    assert error.message == _("You recorded this expense, so someone else must approve it.")
    refused(
        lambda: services.expense_decide(
            actor=fs.worker, expense_id=expense.pk, approve=False, note="金额不对"
        ),
        LinliError,
        "own_expense",
    )
    assert status(expense) == "recorded"
    assert expense not in selectors.pending_expenses(fs.worker)


def test_property_staff_record_but_never_approve(fs):
    fund(fs.worker, fs.income, 1_000_000)
    expense = record(fs)

    refused(lambda: approve(fs.property, expense), LinliError, "own_expense")
    error = refused(lambda: approve(fs.property2, expense), LinliError, "not_approver")
    assert error.status == 403
    assert status(expense) == "recorded"
    assert selectors.pending_expenses(fs.property2) == []

    approve(fs.committee, expense)
    assert status(expense) == "posted"
    assert balance(fs.income) == 900_000


@pytest.mark.parametrize("role", ["committee", "street", "owner", "resident", "partner"])
def test_only_workers_and_property_staff_record(fs, role):
    actor = fs.side.users[role]
    refused(lambda: record(fs, actor=actor), NotFound, "not_found")
    refused(
        lambda: services.income_record(
            actor=actor,
            account_id=fs.income.pk,
            category="parking",
            amount=100,
            description="停车费",
        ),
        NotFound,
        "not_found",
    )


def test_a_second_committee_member_cannot_record_either(fs):
    refused(lambda: record(fs, actor=fs.committee2, account=fs.fund), NotFound, "not_found")


def test_a_worker_who_also_sits_on_the_committee_cannot_approve_their_own_expense(fs):
    committee_org = (
        RoleAssignment.objects.filter(user=fs.committee, role=Role.COMMITTEE).get().organisation
    )
    both = f.UserFactory(name="兼任委员的社工")
    f.RoleFactory(user=both, community=fs.side.community, role=Role.WORKER)
    f.RoleFactory(
        user=both, community=fs.side.community, role=Role.COMMITTEE, organisation=committee_org
    )
    fund(fs.worker, fs.income, 1_000_000)
    expense = record(fs, actor=both, amount=600_000)

    refused(lambda: approve(both, expense), LinliError, "own_expense")
    refused(lambda: approve(both, expense, waive_audit=True), LinliError, "own_expense")
    assert status(expense) == "recorded"


def test_the_database_refuses_an_approval_by_the_recorder(fs):
    expense = record(fs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Approval.objects.create(
            community_id=expense.community_id,
            expense=expense,
            approver=fs.property,
            recorded_by=fs.property,
            acting_as=Approval.As.WORKER,
            approved=True,
            decided_at=clock.now(),
        )
    # Nor one that names someone else as the recorder to get past that check.
    with pytest.raises(IntegrityError), transaction.atomic():
        Approval.objects.create(
            community_id=expense.community_id,
            expense=expense,
            approver=fs.property,
            recorded_by=fs.worker,
            acting_as=Approval.As.WORKER,
            approved=True,
            decided_at=clock.now(),
        )
    assert not Approval.objects.exists()


def test_the_recorder_cannot_confirm_their_own_emergency(fs):
    expense = record(
        fs, actor=fs.worker, account=fs.fund, category="elevator", emergency="elevator_failure"
    )
    error = refused(
        lambda: services.emergency_confirm(
            actor=fs.worker,
            expense_id=expense.pk,
            step="street_office_confirmation",
            document_ref="街道确认函",
        ),
        LinliError,
        "not_allowed",
    )
    assert error.status == 403


# --- committee and vote thresholds ---------------------------------------------------------


@pytest.mark.parametrize(("amount", "posted"), [(500_000, True), (500_001, False)])
def test_a_workers_approval_posts_up_to_the_committee_threshold(fs, amount, posted):
    fund(fs.worker, fs.income, 1_000_000)
    expense = record(fs, amount=amount)

    approve(fs.worker, expense)

    assert status(expense) == ("posted" if posted else "recorded")
    assert Entry.objects.filter(expense=expense).count() == (1 if posted else 0)
    assert balance(fs.income) == (1_000_000 - amount if posted else 1_000_000)
    assert list(Approval.objects.filter(expense=expense).values_list("acting_as", "approved")) == [
        ("worker", True)
    ]


def test_above_the_committee_threshold_a_worker_approves_then_the_committee_posts(fs):
    fund(fs.worker, fs.income, 1_000_000)
    expense = record(fs, amount=500_001)
    needs = services.expense_requirements(expense)
    assert (needs.needs_committee, needs.needs_motion) == (True, False)
    assert needs.blockers == [committee_needed("5,000.00")]

    approve(fs.worker, expense)
    other_worker = f.UserFactory(name="另一位社工")
    f.RoleFactory(user=other_worker, community=fs.side.community, role=Role.WORKER)
    approve(other_worker, expense)
    assert status(expense) == "recorded"
    assert not Entry.objects.filter(expense=expense).exists()
    assert [e.pk for e in selectors.pending_expenses(fs.committee)] == [expense.pk]
    refused(lambda: approve(fs.worker, expense), Conflict, "already_decided")

    approve(fs.committee, expense)

    assert status(expense) == "posted"
    entry = Entry.objects.get(expense=expense)
    assert lines_of(entry) == [["repair", 500_001, 0], ["cash", 0, 500_001]]
    assert entry.recorded_by == fs.committee
    assert balance(fs.income) == 499_999
    assert list(
        Approval.objects.filter(expense=expense).order_by("id").values_list("acting_as", flat=True)
    ) == ["worker", "worker", "committee"]
    refused(lambda: approve(fs.committee2, expense), Conflict, "not_pending")


def test_a_committee_members_approval_alone_posts_above_the_committee_threshold(fs):
    fund(fs.worker, fs.income, 1_000_000)
    expense = record(fs, amount=900_000)
    approve(fs.committee2, expense)
    assert status(expense) == "posted"
    assert balance(fs.income) == 100_000


def test_a_rejection_ends_the_expense_and_needs_a_reason(fs):
    fund(fs.worker, fs.income, 1_000_000)
    expense = record(fs, amount=600_000)
    refused(
        lambda: services.expense_decide(actor=fs.committee, expense_id=expense.pk, approve=False),
        LinliError,
        "required",
    )
    services.expense_decide(
        actor=fs.committee, expense_id=expense.pk, approve=False, note="报价偏高"
    )
    assert status(expense) == "rejected"
    assert not Entry.objects.filter(expense=expense).exists()
    refused(lambda: approve(fs.worker, expense), Conflict, "not_pending")


def test_above_the_vote_threshold_a_passed_vote_must_be_linked(fs):
    fund(fs.worker, fs.income, 6_000_000)
    expense = record(fs, amount=5_000_001, category="construction")

    error = refused(lambda: approve(fs.committee, expense), Conflict, "requirements")
    assert error.details == [motion_needed("50,000.00")]
    error = refused(lambda: approve(fs.worker, expense), Conflict, "requirements")
    assert error.details == [motion_needed("50,000.00")]

    link(fs.worker, expense, passed_motion(fs.side, matter=Motion.Matter.COMMON_INCOME))
    approve(fs.committee, expense)

    assert status(expense) == "posted"
    assert balance(fs.income) == 999_999


def test_exactly_the_vote_threshold_needs_no_vote(fs):
    fund(fs.worker, fs.income, 5_000_000)
    expense = record(fs, amount=5_000_000)
    assert services.expense_requirements(expense).needs_motion is False
    approve(fs.committee, expense)
    assert status(expense) == "posted"


def test_every_use_of_the_maintenance_fund_needs_the_committee_a_vote_and_the_audit(fs):
    fund(fs.worker, fs.fund, 100_000)
    expense = record(fs, account=fs.fund, amount=100)
    needs = services.expense_requirements(expense)
    assert (needs.needs_committee, needs.needs_motion, needs.audit_required) == (True, True, True)
    assert needs.blockers == [
        _("An owners' committee member must approve any use of the maintenance fund."),
        FUND_MOTION,
        AUDIT_REPORT,
    ]

    error = refused(lambda: approve(fs.worker, expense), Conflict, "requirements")
    assert error.details == [FUND_MOTION, AUDIT_REPORT]
    error = refused(lambda: approve(fs.committee, expense), Conflict, "requirements")
    assert error.details == [FUND_MOTION, AUDIT_REPORT]

    link(fs.worker, expense, passed_motion(fs.side))
    approve(fs.committee, expense, waive_audit=True)
    assert status(expense) == "posted"
    assert balance(fs.fund) == 99_900


def test_a_vote_of_another_estate_or_community_cannot_be_linked(fs, world):
    expense = record(fs, account=fs.fund, amount=100)
    estate, unit, owner = other_estate(fs.side)
    elsewhere = passed_motion(fs.side, estate=estate, unit=unit, owner=owner)
    assert elsewhere.result.passed is True
    refused(lambda: link(fs.worker, expense, elsewhere), NotFound, "not_found")
    foreign = passed_motion(world.b)
    refused(lambda: link(fs.worker, expense, foreign), NotFound, "not_found")
    assert Expense.objects.get(pk=expense.pk).motion_id is None


def test_a_vote_that_failed_or_is_unpublished_cannot_be_linked(fs):
    expense = record(fs, account=fs.fund, amount=100)
    failed = passed_motion(fs.side, choice="no")
    assert (failed.status, failed.result.passed) == ("published", False)
    error = refused(lambda: link(fs.worker, expense, failed), Conflict, "motion_not_passed")
    assert error.message == _("Only a vote whose result was published as passed can be linked.")
    unpublished = passed_motion(fs.side, publish=False)
    assert (unpublished.status, unpublished.result.passed) == ("tallied", True)
    refused(lambda: link(fs.worker, expense, unpublished), Conflict, "motion_not_passed")
    passed = passed_motion(fs.side)
    refused(lambda: link(fs.property, expense, passed), NotFound, "not_found")


def test_an_opinion_poll_cannot_authorise_an_expense(fs):
    """Regression (found in review, fixed): a POLL ("not a legal decision", simple majority) is accepted as the owners' vote
    that authorises spending. Linking it must be refused."""
    fund(fs.worker, fs.income, 6_000_000)
    expense = record(fs, amount=5_000_001, category="construction")
    poll = passed_motion(fs.side, matter=Motion.Matter.POLL)
    assert (poll.status, poll.result.passed) == ("published", True)
    refused(lambda: link(fs.worker, expense, poll), Conflict, "motion_wrong_matter")
    assert Expense.objects.get(pk=expense.pk).motion_id is None


def test_a_vote_on_another_matter_cannot_authorise_a_maintenance_fund_use(fs):
    """Regression (found in review, fixed): any passed vote of the estate (here: hiring the property company) is accepted as
    the Art. 278 item 5 decision to use the maintenance fund."""
    expense = record(fs, account=fs.fund, amount=100)
    other_matter = passed_motion(fs.side, matter=Motion.Matter.PROPERTY_COMPANY)
    assert other_matter.result.passed is True
    refused(lambda: link(fs.worker, expense, other_matter), Conflict, "motion_wrong_matter")


def test_a_decided_expense_takes_no_more_documents_votes_or_confirmations(fs):
    fund(fs.worker, fs.income, 1_000_000)
    expense = record(fs)
    refused(
        lambda: services.receipt_add(
            actor=fs.property, expense_id=expense.pk, uploaded_file=pdf(), kind="photo"
        ),
        LinliError,
        "invalid_kind",
    )
    refused(
        lambda: services.receipt_add(
            actor=fs.committee, expense_id=expense.pk, uploaded_file=pdf()
        ),
        NotFound,
        "not_found",
    )
    approve(fs.worker, expense)
    refused(
        lambda: services.receipt_add(actor=fs.property, expense_id=expense.pk, uploaded_file=pdf()),
        Conflict,
        "not_pending",
    )
    passed = passed_motion(fs.side, matter=Motion.Matter.COMMON_INCOME)
    refused(lambda: link(fs.worker, expense, passed), Conflict, "not_pending")
    emergency = record(fs, account=fs.fund, category="elevator", emergency="elevator_failure")
    services.expense_decide(
        actor=fs.committee, expense_id=emergency.pk, approve=False, note="不属于紧急情况"
    )
    refused(
        lambda: services.emergency_confirm(
            actor=fs.committee2, expense_id=emergency.pk, step="committee_check", document_ref="2号"
        ),
        Conflict,
        "not_pending",
    )


# --- Hangzhou checks (DOMAIN-RULES §9.4) ---------------------------------------------------


def test_m2_the_committee_waives_the_audit_of_30000_00_and_it_posts(fs):
    fund(fs.worker, fs.fund, 5_000_000)
    expense = record(fs, account=fs.fund, amount=3_000_000)
    link(fs.worker, expense, passed_motion(fs.side))
    assert services.expense_requirements(expense).audit_waivable is True
    refused(lambda: approve(fs.worker, expense, waive_audit=True), LinliError, "not_committee")

    approve(fs.committee, expense, waive_audit=True, note="金额较小")

    expense.refresh_from_db()
    assert (expense.status, expense.audit_waived) == ("posted", True)
    approval = Approval.objects.get(expense=expense)
    assert (approval.note, approval.waives_audit) == ("金额较小", True)
    assert balance(fs.fund) == 2_000_000


def test_m2_30000_01_cannot_skip_the_audit_and_posts_with_the_report(fs):
    fund(fs.worker, fs.fund, 5_000_000)
    expense = record(fs, account=fs.fund, amount=3_000_001)
    link(fs.worker, expense, passed_motion(fs.side))
    assert services.expense_requirements(expense).audit_waivable is False

    error = refused(
        lambda: approve(fs.committee, expense, waive_audit=True), LinliError, "audit_not_waivable"
    )
    assert error.message == _("Only a settlement of 30,000 yuan or less may skip the audit.")
    error = refused(lambda: approve(fs.committee, expense), Conflict, "requirements")
    assert error.details == [AUDIT_REPORT]

    report = services.receipt_add(
        actor=fs.property, expense_id=expense.pk, uploaded_file=pdf(), kind="audit_report"
    )
    assert (report.kind, report.content_type) == ("audit_report", "application/pdf")
    approve(fs.committee, expense)

    expense.refresh_from_db()
    assert (expense.status, expense.audit_waived) == ("posted", False)
    assert balance(fs.fund) == 1_999_999


def test_a_note_that_mentions_waive_audit_does_not_waive_the_audit(fs):
    """Regression (found in review, fixed): expense_requirements treats the text "waive-audit" inside a committee member's
    free-text note as a waiver, although waive_audit was not asked for (and the expense's
    audit_waived stays False, so the record does not show the waiver)."""
    fund(fs.worker, fs.fund, 5_000_000)
    expense = record(fs, account=fs.fund, amount=2_000_000)
    link(fs.worker, expense, passed_motion(fs.side))
    error = refused(
        lambda: approve(fs.committee, expense, note="不同意 waive-audit，请先审计"),
        Conflict,
        "requirements",
    )
    assert error.details == [AUDIT_REPORT]


@pytest.mark.parametrize(("settlement", "overrun"), [(11_000_000, 1_000_000), (10_999_999, 0)])
def test_m3_an_overrun_of_10_percent_must_be_applied_for_again(fs, settlement, overrun):
    fund(fs.worker, fs.income, 12_000_000)
    expense = record(fs, amount=settlement, budget=10_000_000, category="construction")
    link(fs.worker, expense, passed_motion(fs.side, matter=Motion.Matter.COMMON_INCOME))
    assert services.expense_requirements(expense).overrun == overrun

    if overrun:
        error = refused(lambda: approve(fs.committee, expense), Conflict, "requirements")
        (message,) = error.details
        assert "10,000.00" in message and "100,000.00" in message
        assert status(expense) == "recorded"
    else:
        approve(fs.committee, expense)
        assert status(expense) == "posted"
        assert balance(fs.income) == 12_000_000 - settlement


@pytest.mark.parametrize(
    ("deposit", "top_up", "percent"), [(30_000_000, False, "30.0"), (29_999_999, True, "29.9")]
)
def test_m1_fund_health_asks_for_a_top_up_below_30_percent(fs, deposit, top_up, percent):
    assert fs.fund.first_deposit == 100_000_000
    fund(fs.worker, fs.fund, deposit)
    health = selectors.fund_health(fs.fund)
    assert health == selectors.FundHealth(
        balance=deposit, first_deposit=100_000_000, needs_top_up=top_up
    )
    assert health.percent == percent


def test_fund_health_only_for_a_maintenance_fund_with_a_first_deposit(fs):
    assert selectors.fund_health(fs.income) is None
    estate, _unit, _owner = other_estate(fs.side)
    bare = services.account_open(
        actor=fs.worker,
        community=fs.side.community,
        kind=Account.Kind.MAINTENANCE_FUND,
        name="乙区维修资金",
        estate=estate,
    )
    assert selectors.fund_health(bare) is None


def test_art73_emergency_needs_both_confirmations_then_posts_without_a_vote(fs):
    fund(fs.worker, fs.fund, 5_000_000)
    expense = record(
        fs, account=fs.fund, amount=2_000_000, category="elevator", emergency="elevator_failure"
    )
    committee_check = services.CONFIRMATION_MISSING[Confirmation.COMMITTEE_CHECK]()
    street_office = services.CONFIRMATION_MISSING[Confirmation.STREET_OFFICE_CONFIRMATION]()
    error = refused(
        lambda: approve(fs.committee2, expense, waive_audit=True), Conflict, "requirements"
    )
    assert error.details == [committee_check, street_office]

    def confirm(actor: Any, step: str) -> Any:
        return services.emergency_confirm(
            actor=actor, expense_id=expense.pk, step=step, document_ref="业委会〔2025〕3号"
        )

    refused(lambda: confirm(fs.worker, "committee_check"), LinliError, "not_allowed")
    refused(lambda: confirm(fs.property2, "committee_check"), LinliError, "not_allowed")
    confirmation = confirm(fs.committee, "committee_check")
    assert (confirmation.step, confirmation.confirmed_by) == ("committee_check", fs.committee)
    refused(lambda: confirm(fs.committee2, "committee_check"), Conflict, "already_confirmed")
    error = refused(
        lambda: approve(fs.committee2, expense, waive_audit=True), Conflict, "requirements"
    )
    assert error.details == [street_office]

    refused(lambda: confirm(fs.committee, "street_office_confirmation"), LinliError, "not_allowed")
    confirm(fs.worker, "street_office_confirmation")
    refused(
        lambda: confirm(fs.side.users["street"], "street_office_confirmation"),
        Conflict,
        "already_confirmed",
    )
    refused(lambda: confirm(fs.worker, "council_vote"), LinliError, "invalid_step")

    approve(fs.committee2, expense, waive_audit=True)

    expense.refresh_from_db()
    assert (expense.status, expense.motion_id) == ("posted", None)
    assert balance(fs.fund) == 3_000_000


def test_the_emergency_path_is_for_the_maintenance_fund_and_its_listed_emergencies(fs):
    refused(
        lambda: record(fs, emergency="elevator_failure", category="elevator"),
        LinliError,
        "not_fund",
    )
    refused(
        lambda: record(fs, account=fs.fund, emergency="broken_window"),
        LinliError,
        "invalid_emergency",
    )
    plain = record(fs, account=fs.fund)
    refused(
        lambda: services.emergency_confirm(
            actor=fs.committee, expense_id=plain.pk, step="committee_check", document_ref="x"
        ),
        Conflict,
        "not_emergency",
    )


# --- posting -------------------------------------------------------------------------------


def test_insufficient_funds_refuse_the_approval_and_post_nothing(fs):
    fund(fs.worker, fs.income, 100_000)
    expense = record(fs, amount=100_001)

    error = refused(lambda: approve(fs.worker, expense), Conflict, "insufficient_funds")
    assert "1,000.00" in error.message and "1,000.01" in error.message
    assert status(expense) == "recorded"
    assert balance(fs.income) == 100_000

    fund(fs.worker, fs.income, 1)
    approve(fs.worker, expense)
    assert (status(expense), balance(fs.income)) == ("posted", 0)


def test_a_fund_expense_on_one_building_is_charged_to_its_units_by_area(fs):
    """C9 on the ledger: 30,000.00 over areas 60, 60, 90, 90 of building 25."""
    side = fs.side
    building = f.BuildingFactory(estate=side.estate, community=side.community, number="25")
    entrance = f.EntranceFactory(building=building, community=side.community, number="1")
    flats = [
        f.UnitFactory(entrance=entrance, number=number, floor=int(number[0]), area=area)
        for number, area in (("101", 6000), ("102", 6000), ("201", 9000), ("202", 9000))
    ]
    everyone = [side.unit, side.other_unit, *flats]
    for unit in everyone:
        services.income_record(
            actor=fs.worker,
            account_id=fs.fund.pk,
            category="deposit",
            amount=1_000_000,
            description="首期维修资金",
            unit_id=unit.pk,
        )
    expense = record(
        fs, account=fs.fund, amount=3_000_000, description="25幢屋面防水", building_id=building.pk
    )
    link(fs.worker, expense, passed_motion(side))

    approve(fs.committee, expense, waive_audit=True)

    entry = Entry.objects.get(expense=expense)
    assert lines_of(entry) == [
        [f"repair/u{flats[0].pk}", 600_000, 0],
        [f"repair/u{flats[1].pk}", 600_000, 0],
        [f"repair/u{flats[2].pk}", 900_000, 0],
        [f"repair/u{flats[3].pk}", 900_000, 0],
        ["cash", 0, 3_000_000],
    ]
    assert selectors.unit_balances(fs.fund, [u.pk for u in everyone]) == {
        side.unit.pk: 1_000_000,
        side.other_unit.pk: 1_000_000,
        flats[0].pk: 400_000,
        flats[1].pk: 400_000,
        flats[2].pk: 100_000,
        flats[3].pk: 100_000,
    }
    assert balance(fs.fund) == 3_000_000


def test_a_building_charge_needs_a_building_of_the_estate_and_the_fund(fs, world):
    refused(
        lambda: record(fs, account=fs.fund, building_id=world.b.building.pk),
        NotFound,
        "not_found",
    )
    refused(lambda: record(fs, building_id=fs.side.building.pk), LinliError, "building_not_allowed")


# --- income --------------------------------------------------------------------------------


def test_a_deposit_goes_to_one_units_sub_ledger(fs):
    entry = services.income_record(
        actor=fs.property,
        account_id=fs.fund.pk,
        category="deposit",
        amount=1_234_567,
        description="首期维修资金",
        counterparty="张三丰",
        unit_id=fs.side.unit.pk,
    )
    assert lines_of(entry) == [
        ["cash", 1_234_567, 0],
        [f"deposit/u{fs.side.unit.pk}", 0, 1_234_567],
    ]
    assert entry.memo == "首期维修资金\n张三丰"
    assert (entry.sequence, entry.recorded_by) == (1, fs.property)
    assert selectors.unit_balances(fs.fund, [fs.side.unit.pk, fs.side.other_unit.pk]) == {
        fs.side.unit.pk: 1_234_567,
        fs.side.other_unit.pk: 0,
    }
    assert balance(fs.fund) == 1_234_567


@pytest.mark.parametrize(
    ("amount", "shares"), [(100, (54, 46)), (1_000_000, (543_412, 456_588)), (1, (1, 0))]
)
def test_income_without_a_unit_is_spread_over_the_estate_by_area(fs, amount, shares):
    """101 is 89.50 m², 102 is 75.20 m²: largest remainder, the sum exact."""
    entry = services.income_record(
        actor=fs.worker,
        account_id=fs.fund.pk,
        category="interest",
        amount=amount,
        description="利息",
    )
    unit, other = fs.side.unit.pk, fs.side.other_unit.pk
    assert selectors.unit_balances(fs.fund, [unit, other]) == {unit: shares[0], other: shares[1]}
    assert sum(line[2] for line in lines_of(entry)) == amount
    assert balance(fs.fund) == amount


def test_only_the_maintenance_fund_keeps_money_per_unit(fs, world):
    refused(
        lambda: fund(fs.worker, fs.income, 100, unit_id=fs.side.unit.pk),
        LinliError,
        "unit_not_allowed",
    )
    refused(lambda: fund(fs.worker, fs.fund, 100, unit_id=world.b.unit.pk), NotFound, "not_found")


def test_income_dated_in_the_past_is_booked_on_that_beijing_day(fs):
    day = clock.today() - timedelta(days=3)
    entry = fund(fs.worker, fs.income, 500, received_on=day)
    assert entry.booked_on == day
    assert entry.booked_at.endswith("T04:00:00.000000Z")


# --- reversals -----------------------------------------------------------------------------


def test_reversing_an_expense_restores_the_balance_and_nets_its_category(fs):
    fund(fs.worker, fs.income, 1_000_000)
    expense = record(fs, amount=250_000)
    approve(fs.worker, expense)
    original = Entry.objects.get(expense=expense)
    assert balance(fs.income) == 750_000

    reversal = services.entry_reverse(
        actor=fs.worker, account_id=fs.income.pk, sequence=original.sequence, reason="重复入账"
    )

    assert (reversal.sequence, reversal.reverses) == (3, 2)
    assert lines_of(reversal) == [["repair", 0, 250_000], ["cash", 250_000, 0]]
    assert balance(fs.income) == 1_000_000
    today = clock.today()
    figures = selectors.statement_figures(fs.income, today, today)
    assert (figures.income, figures.expense) == ({"parking": 1_000_000}, {"repair": 0})
    assert (figures.opening, figures.closing, figures.entries) == (0, 1_000_000, 3)
    assert ledger.verify_account(fs.income).ok

    def reverse(sequence: int, actor: Any = fs.worker) -> Any:
        return services.entry_reverse(
            actor=actor, account_id=fs.income.pk, sequence=sequence, reason="更正"
        )

    refused(lambda: reverse(2), Conflict, "already_reversed")
    refused(lambda: reverse(3), Conflict, "is_reversal")
    refused(lambda: reverse(99), NotFound, "not_found")
    refused(lambda: reverse(1, fs.committee), NotFound, "not_found")
    refused(lambda: reverse(1, fs.property), NotFound, "not_found")


def test_reversing_a_payment_lowers_what_the_share_has_paid(fs):
    unit, other = fs.side.unit, fs.side.other_unit
    plan = services.plan_create(
        actor=fs.worker,
        account_id=fs.project.pk,
        title="24幢加装电梯",
        scheme=CostPlan.Scheme.EXPLICIT,
        gross=1_000_000,
        roster=[unit.pk, other.pk],
        parameters={"amounts": {str(unit.pk): 600_000, str(other.pk): 400_000}},
    )
    services.plan_issue(actor=fs.worker, plan_id=plan.pk)
    share = Share.objects.get(plan=plan, unit=unit)
    payment = services.payment_record(
        actor=fs.worker, share_id=share.pk, amount=250_000, channel="wechat"
    )
    share.refresh_from_db()
    assert share.paid == 250_000
    assert lines_of(payment.entry) == [
        ["cash", 250_000, 0],
        [f"contribution/u{unit.pk}", 0, 250_000],
    ]

    services.entry_reverse(
        actor=fs.worker, account_id=fs.project.pk, sequence=payment.entry.sequence, reason="退款"
    )

    share.refresh_from_db()
    assert (share.amount, share.paid) == (600_000, 0)
    assert balance(fs.project) == 0
    assert selectors.unit_balances(fs.project, [unit.pk]) == {unit.pk: 0}


# --- bad input -----------------------------------------------------------------------------

BAD_AMOUNTS = [-1, 0, services.AMOUNT_MAX + 1, True, 1.5, "100", None]


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_bad_amounts_are_refused_everywhere(fs, amount):
    refused(lambda: record(fs, amount=amount), LinliError, "invalid_amount")
    if amount is not None:  # no budget is a valid budget
        refused(lambda: record(fs, budget=amount), LinliError, "invalid_amount")
    refused(lambda: fund(fs.worker, fs.income, amount), LinliError, "invalid_amount")


def test_the_largest_amount_is_accepted(fs):
    expense = record(fs, amount=services.AMOUNT_MAX)
    assert expense.amount == 10_000_000_000


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"category": "parking"}, "invalid_category"),
        ({"category": "bribe"}, "invalid_category"),
        ({"description": "长" * 201}, "too_long"),
        ({"description": "   "}, "required"),
        ({"counterparty": "长" * 101}, "too_long"),
        ({"counterparty": ""}, "required"),
        ({"emergency": "flood"}, "invalid_emergency"),
    ],
)
def test_bad_expense_fields_are_refused(fs, fields, code):
    refused(lambda: record(fs, **fields), LinliError, code)


def test_an_expense_cannot_be_dated_in_the_future(fs):
    tomorrow = clock.today() + timedelta(days=1)
    refused(lambda: record(fs, spent_on=tomorrow), LinliError, "future_date")
    refused(
        lambda: fund(fs.worker, fs.income, 100, received_on=tomorrow), LinliError, "future_date"
    )


def test_bad_income_fields_are_refused(fs):
    refused(
        lambda: services.income_record(
            actor=fs.worker, account_id=fs.income.pk, category="repair", amount=1, description="x"
        ),
        LinliError,
        "invalid_category",
    )
    refused(lambda: fund(fs.worker, fs.income, 1, description="长" * 201), LinliError, "too_long")
    refused(lambda: fund(fs.worker, fs.income, 1, counterparty="长" * 101), LinliError, "too_long")


def test_texts_at_their_limits_are_kept_with_whitespace_collapsed(fs):
    expense = record(fs, description="长" * 200, counterparty="  杭州\n某某   公司 ")
    assert (len(expense.description), expense.counterparty) == (200, "杭州 某某 公司")


def test_another_communitys_account_does_not_exist(fs, world):
    foreign = services.account_open(
        actor=world.b.users["worker"],
        community=world.b.community,
        kind=Account.Kind.COMMON_INCOME,
        name="乙社区公共收益",
        estate=world.b.estate,
    )
    refused(lambda: record(fs, actor=fs.worker, account=foreign), NotFound, "not_found")
    refused(lambda: fund(fs.worker, foreign, 100), NotFound, "not_found")
    foreign_expense = record(fs, actor=world.b.users["worker"], account=foreign)
    refused(lambda: approve(fs.worker, foreign_expense), NotFound, "not_found")
    refused(
        lambda: services.entry_reverse(
            actor=fs.worker, account_id=foreign.pk, sequence=1, reason="x"
        ),
        NotFound,
        "not_found",
    )
    with pytest.raises(NotFound):
        selectors.access_expense_by_id(fs.worker, foreign_expense.pk)
    with pytest.raises(NotFound):
        selectors.access_account_by_id(fs.worker, foreign.pk)


def test_a_closed_account_takes_no_more_entries(fs):
    Account.objects.filter(pk=fs.income.pk).update(closed_at=clock.now())
    refused(lambda: fund(fs.worker, fs.income, 100), Conflict, "account_closed")
    refused(lambda: record(fs), Conflict, "account_closed")


# --- the audit trail -----------------------------------------------------------------------


def audited(call: Callable[[], Any]) -> tuple[Any, list[tuple[str, str]]]:
    """The call's result and the audit rows it wrote: (action, object type)."""
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result = call()
    rows = AuditLog.objects.filter(id__gt=last).order_by("id")
    return result, list(rows.values_list("action", "object_type"))


def test_every_write_leaves_exactly_one_audit_row(fs):
    w, c = fs.worker, fs.committee
    _r, rows = audited(
        lambda: services.policy_set(
            actor=w,
            community_id=fs.side.community.pk,
            committee_threshold=500_000,
            motion_threshold=5_000_000,
        )
    )
    assert rows == [("finance.policy_set", "finance.financepolicy")]
    _r, rows = audited(
        lambda: services.account_open(
            actor=w, community=fs.side.community, kind="committee_costs", name="备用金"
        )
    )
    assert rows == [("finance.account_open", "finance.account")]
    entry, rows = audited(lambda: fund(w, fs.fund, 10_000_000))
    assert rows == [("finance.income", "finance.entry")]
    expense, rows = audited(lambda: record(fs, account=fs.fund, amount=100, receipts=[pdf()]))
    assert rows == [("finance.expense_record", "finance.expense")]
    _r, rows = audited(
        lambda: services.receipt_add(actor=fs.property, expense_id=expense.pk, uploaded_file=pdf())
    )
    assert rows == [("finance.receipt_add", "finance.receipt")]
    motion = passed_motion(fs.side)
    _r, rows = audited(lambda: link(w, expense, motion))
    assert rows == [("finance.expense_link_motion", "finance.expense")]
    _r, rows = audited(lambda: approve(c, expense, waive_audit=True))
    assert rows == [("finance.expense_approve", "finance.expense")]
    waiting = record(fs, amount=600_000)
    fund(w, fs.income, 1_000_000)
    _r, rows = audited(lambda: approve(w, waiting))
    assert rows == [("finance.expense_approve", "finance.expense")]
    _r, rows = audited(
        lambda: services.expense_decide(actor=c, expense_id=waiting.pk, approve=False, note="否")
    )
    assert rows == [("finance.expense_reject", "finance.expense")]
    emergency = record(fs, account=fs.fund, emergency="drain_blockage", category="repair")
    _r, rows = audited(
        lambda: services.emergency_confirm(
            actor=c, expense_id=emergency.pk, step="committee_check", document_ref="1号"
        )
    )
    assert rows == [("finance.emergency_confirm", "finance.expense")]
    _r, rows = audited(
        lambda: services.entry_reverse(
            actor=w, account_id=fs.fund.pk, sequence=entry.sequence, reason="错账"
        )
    )
    assert rows == [("finance.entry_reverse", "finance.entry")]
    plan, rows = audited(
        lambda: services.plan_create(
            actor=c,
            account_id=fs.project.pk,
            title="屋面维修",
            scheme="by_area",
            gross=10_000,
            roster=[fs.side.unit.pk],
        )
    )
    assert rows == [("finance.plan_create", "finance.costplan")]
    _r, rows = audited(lambda: services.plan_issue(actor=c, plan_id=plan.pk))
    assert rows == [("finance.plan_issue", "finance.costplan")]
    share = Share.objects.get(plan=plan)
    _r, rows = audited(
        lambda: services.payment_record(actor=w, share_id=share.pk, amount=10_000, channel="cash")
    )
    assert rows == [("finance.payment", "finance.payment")]
    # Publishing also publishes a notice, which audits itself.
    count, rows = audited(lambda: services.checkpoints_publish(actor=w))
    assert count == 3
    assert rows == [
        ("notice.publish_system", "notices.notice"),
        ("finance.checkpoints", "notices.notice"),
    ]
    last_month = (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    _r, rows = audited(
        lambda: services.statement_publish(
            actor=w, account_id=fs.income.pk, period="month", starts_on=last_month
        )
    )
    # ... and tells the residents, which audits itself too.
    assert rows == [
        ("notification.notify", "notifications.notification"),
        ("notice.publish_system", "notices.notice"),
        ("finance.statement_publish", "finance.statement"),
    ]


# --- thresholds ----------------------------------------------------------------------------


def test_policy_set_keeps_the_thresholds_in_order(fs):
    community = fs.side.community.pk

    def set_(committee: Any, motion: Any, actor: Any = fs.worker) -> FinancePolicy:
        return services.policy_set(
            actor=actor,
            community_id=community,
            committee_threshold=committee,
            motion_threshold=motion,
        )

    error = refused(lambda: set_(200_001, 200_000), LinliError, "thresholds_order")
    assert error.message == _("The owners' vote threshold cannot be below the committee threshold.")
    refused(lambda: set_(-1, 200_000), LinliError, "invalid_amount")
    refused(lambda: set_(0, 0), LinliError, "invalid_amount")
    refused(lambda: set_(1.5, 200_000), LinliError, "invalid_amount")
    refused(lambda: set_(100_000, 200_000, fs.committee), NotFound, "not_found")
    refused(lambda: set_(100_000, 200_000, fs.side.users["street"]), NotFound, "not_found")

    set_(0, 0 + 1)
    policy = set_(100_000, 100_000)
    assert FinancePolicy.objects.filter(community_id=community).count() == 1
    assert (policy.committee_threshold, policy.motion_threshold) == (100_000, 100_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        FinancePolicy.objects.filter(pk=policy.pk).update(motion_threshold=99_999)


def test_the_communitys_thresholds_decide_who_must_approve(fs):
    services.policy_set(
        actor=fs.worker,
        community_id=fs.side.community.pk,
        committee_threshold=100_000,
        motion_threshold=200_000,
    )
    fund(fs.worker, fs.income, 1_000_000)
    small, middle, large = (record(fs, amount=a) for a in (100_000, 100_001, 200_001))
    assert services.expense_requirements(small).blockers == []
    assert services.expense_requirements(middle).blockers == [committee_needed("1,000.00")]
    assert services.expense_requirements(large).blockers == [
        committee_needed("1,000.00"),
        motion_needed("2,000.00"),
    ]
    approve(fs.worker, small)
    approve(fs.worker, middle)
    assert (status(small), status(middle)) == ("posted", "recorded")


def test_a_community_wide_account_is_not_left_waiting_for_a_committee_it_does_not_have(fs):
    """Regression (found in review, fixed): an account without an estate has no owners' committee (is_committee_for is always
    False), yet expense_requirements still asks for a committee member's approval above the
    threshold, so such an expense can never be posted."""
    community_wide = services.account_open(
        actor=fs.worker, community=fs.side.community, kind="common_income", name="社区公共收益"
    )
    fund(fs.worker, community_wide, 1_000_000)
    expense = services.expense_record(
        actor=fs.worker,
        account_id=community_wide.pk,
        category="greening",
        description="社区绿化补种",
        counterparty="杭州某园林公司",
        amount=600_000,
    )
    second = f.UserFactory(name="复核社工")
    f.RoleFactory(user=second, community=fs.side.community, role=Role.WORKER)
    refused(lambda: approve(fs.committee, expense), NotFound, "not_found")

    assert services.expense_requirements(expense).needs_committee is False
    approve(second, expense)
    assert status(expense) == "posted"


def test_a_published_statement_stays_true_after_later_entries(fs):
    """Nothing is booked into a month whose statement is published: income dated in it is
    refused, and an expense spent in it is booked on the day it is approved."""
    first = clock.today().replace(day=1)
    month = (first - timedelta(days=1)).replace(day=1)
    fund(fs.worker, fs.income, 1_000_000, received_on=month)
    late = record(fs, amount=200_000, spent_on=month + timedelta(days=1))
    statement = services.statement_publish(
        actor=fs.worker, account_id=fs.income.pk, period="month", starts_on=month
    )
    assert (statement.opening, statement.income, statement.expense, statement.closing) == (
        0,
        1_000_000,
        0,
        1_000_000,
    )

    refused(
        lambda: fund(fs.worker, fs.income, 300_000, received_on=month + timedelta(days=2)),
        Conflict,
        "period_published",
    )
    approve(fs.worker, late)

    assert Entry.objects.get(expense=late).booked_on == clock.today()
    figures = selectors.statement_figures(fs.income, statement.starts_on, statement.ends_on)
    assert (figures.opening, figures.income_total, figures.expense_total, figures.closing) == (
        statement.opening,
        statement.income,
        statement.expense,
        statement.closing,
    )
    assert balance(fs.income) == 800_000


# --- selectors -----------------------------------------------------------------------------


def test_balances_list_every_account_asked_for(fs):
    fund(fs.worker, fs.income, 12_345)
    assert selectors.balances([fs.income.pk, fs.fund.pk]) == {fs.income.pk: 12_345, fs.fund.pk: 0}


def test_balances_accept_any_iterable_of_ids(fs):
    """Regression (found in review, fixed): balances() and unit_balances() consume a generator in the query and then build
    the zero defaults from the exhausted generator, so accounts without entries go missing."""
    fund(fs.worker, fs.income, 12_345)
    ids = (account.pk for account in (fs.income, fs.fund))
    assert selectors.balances(ids) == {fs.income.pk: 12_345, fs.fund.pk: 0}
    units = (unit.pk for unit in (fs.side.unit, fs.side.other_unit))
    assert selectors.unit_balances(fs.fund, units) == {
        fs.side.unit.pk: 0,
        fs.side.other_unit.pk: 0,
    }


@pytest.mark.parametrize(
    ("period", "starts_on", "window"),
    [
        ("month", date(2025, 2, 1), (date(2025, 2, 1), date(2025, 2, 28))),
        ("month", date(2024, 2, 1), (date(2024, 2, 1), date(2024, 2, 29))),
        ("month", date(2025, 12, 1), (date(2025, 12, 1), date(2025, 12, 31))),
        ("half_year", date(2025, 1, 1), (date(2025, 1, 1), date(2025, 6, 30))),
        ("half_year", date(2025, 7, 1), (date(2025, 7, 1), date(2025, 12, 31))),
        ("year", date(2025, 1, 1), (date(2025, 1, 1), date(2025, 12, 31))),
    ],
)
def test_period_window(period, starts_on, window):
    assert selectors.period_window(period, starts_on) == window


@pytest.mark.parametrize(
    ("period", "starts_on"),
    [("month", date(2025, 2, 2)), ("half_year", date(2025, 3, 1)), ("year", date(2025, 7, 1))],
)
def test_period_window_refuses_a_start_that_is_not_a_period_start(period, starts_on):
    with pytest.raises(ValueError):
        selectors.period_window(period, starts_on)


def test_statement_figures_split_a_period_from_what_came_before(fs):
    today = clock.today()
    fund(fs.worker, fs.income, 700_000, received_on=today - timedelta(days=40))
    fund(fs.worker, fs.income, 50_000, received_on=today - timedelta(days=1))
    services.income_record(
        actor=fs.worker,
        account_id=fs.income.pk,
        category="advertising",
        amount=30_000,
        description="电梯广告",
    )
    expense = record(fs, amount=120_000, category="cleaning")
    approve(fs.worker, expense)

    figures = selectors.statement_figures(fs.income, today - timedelta(days=7), today)

    assert figures.opening == 700_000
    assert figures.income == {"parking": 50_000, "advertising": 30_000}
    assert figures.expense == {"cleaning": 120_000}
    assert (figures.income_total, figures.expense_total, figures.closing) == (
        80_000,
        120_000,
        660_000,
    )
    head = Entry.objects.get(account=fs.income, sequence=4)
    assert (figures.head_sequence, figures.head_hash, figures.entries) == (4, head.hash, 3)
    assert figures.as_data() == {
        "income": {"parking": 50_000, "advertising": 30_000},
        "expense": {"cleaning": 120_000},
        "entries": 3,
    }


def test_the_public_ledger_masks_people(fs):
    fund(fs.worker, fs.income, 500, counterparty="张三丰")
    (public,) = selectors.public_entries(Entry.objects.filter(account=fs.income))
    assert (public.description, public.counterparty) == ("入账", "张*丰")
    assert (public.amount_in, public.amount_out, public.categories) == (
        500,
        0,
        (str(Category.PARKING.label),),
    )
    assert selectors.mask_counterparty("杭州绿城物业服务有限公司") == "杭州绿城******公司"
    assert selectors.mask_counterparty("  ") == ""


def test_the_public_ledger_never_shows_a_flats_number(fs):
    """Regression (found in review, fixed): a payment's counterparty is the flat's label (甲苑24幢1单元101); mask_counterparty
    keeps its last two characters (…01), and the share's amount tells the floor, so the public
    ledger identifies the household. An address shown publicly stops at the entrance."""
    unit = fs.side.unit
    plan = services.plan_create(
        actor=fs.worker,
        account_id=fs.project.pk,
        title="24幢加装电梯",
        scheme=CostPlan.Scheme.BY_AREA,
        gross=10_000,
        roster=[unit.pk],
    )
    services.plan_issue(actor=fs.worker, plan_id=plan.pk)
    share = Share.objects.get(plan=plan)
    payment = services.payment_record(
        actor=fs.worker, share_id=share.pk, amount=10_000, channel="bank"
    )
    (public,) = selectors.public_entries([payment.entry])
    assert public.amount_in == 10_000
    assert public.counterparty.endswith("*"), public.counterparty


def test_the_gates_answer_not_found_outside_the_users_reach(fs, world):
    assert selectors.public_account(fs.fund.public_id) == fs.fund
    with pytest.raises(NotFound):
        selectors.public_account("not-a-uuid")
    street = fs.side.users["street"]
    assert selectors.access_account_by_id(street, fs.fund.pk) == fs.fund
    for user in (fs.side.users["owner"], fs.side.users["partner"], world.b.users["worker"]):
        with pytest.raises(NotFound):
            selectors.access_account_by_id(user, fs.fund.pk)
    expense = record(fs, receipts=[pdf("发票.pdf")])
    receipt = Receipt.objects.get(expense=expense)
    assert selectors.access_receipt_by_id(fs.committee, receipt.pk) == receipt
    with pytest.raises(NotFound):
        selectors.access_receipt_by_id(fs.side.users["owner"], receipt.pk)
    with pytest.raises(NotFound):
        selectors.access_expense_by_id(world.b.users["worker"], expense.pk)
    names = [a.name for a in selectors.staff_accounts(fs.property)]
    assert names == [a.name for a in selectors.staff_accounts(fs.worker)]
    assert len(names) == 4
    assert selectors.staff_accounts(fs.side.users["owner"]) == []


def test_an_owner_sees_their_own_shares_payments_and_fund_balance(fs):
    owner, unit, other = fs.side.users["owner"], fs.side.unit, fs.side.other_unit
    fund(fs.worker, fs.fund, 164_700)
    plan = services.plan_create(
        actor=fs.worker,
        account_id=fs.project.pk,
        title="24幢加装电梯",
        scheme=CostPlan.Scheme.BY_AREA,
        gross=164_700,
        roster=[unit.pk, other.pk],
    )
    assert list(selectors.my_shares(owner)) == []
    services.plan_issue(actor=fs.worker, plan_id=plan.pk)
    (mine,) = selectors.my_shares(owner)
    assert (mine.unit_id, mine.amount) == (unit.pk, 89_500)
    services.payment_record(actor=fs.property, share_id=mine.pk, amount=500, channel="alipay")
    assert [(p.amount, p.share_id) for p in selectors.my_payments(owner)] == [(500, mine.pk)]
    assert selectors.my_fund_balances(owner) == [(unit, fs.fund, 89_500)]
    assert selectors.my_unit_ids(fs.side.users["resident"]) == []
    assert selectors.my_fund_balances(fs.side.users["resident"]) == []


def test_entries_page_walks_back_by_sequence(fs):
    for amount in range(1, 6):
        fund(fs.worker, fs.income, amount)
    assert [e.sequence for e in selectors.entries_page(fs.income, size=2)] == [5, 4]
    assert [e.sequence for e in selectors.entries_page(fs.income, before=4, size=2)] == [3, 2]
    assert [e.sequence for e in selectors.entries_page(fs.income, before=2)] == [1]
