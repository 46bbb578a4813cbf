"""My money: an owner's fund balances per home, shares and payments; nobody else's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from linli.core import clock
from linli.finance import services
from linli.finance.models import Category, CostPlan, Payment, Share
from linli.finance.tests.builders import FinanceSide, finance_side
from tests import factories as f

pytestmark = pytest.mark.django_db

MINE = "/finance/mine/"


def client_for(user: Any, *, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def page_of(user: Any) -> str:
    response = client_for(user).get(reverse("finance:mine"))
    assert response.status_code == 200
    return response.content.decode()


def money(fin: FinanceSide, *, plan_title: str = "24幢加装电梯分摊") -> Share:
    """On one side: a deposit of 3,000.00 for the owner's flat and 16,470.00 spread over both
    flats by area (8,950.00 and 7,520.00); a cost plan of 18,470.00 less a 2,000.00 subsidy
    shared by area (8,950.00 and 7,520.00); 3,000.00 paid on the owner's share. Returns it."""
    side = fin.side
    services.income_record(
        actor=fin.worker,
        account_id=fin.fund.pk,
        category=Category.DEPOSIT,
        amount=300_000,
        description="首期维修资金",
        counterparty="张三丰",
        unit_id=side.unit.pk,
    )
    services.income_record(
        actor=fin.worker,
        account_id=fin.fund.pk,
        category=Category.DEPOSIT,
        amount=1_647_000,
        description="开发商移交维修资金",
    )
    plan = services.plan_create(
        actor=fin.worker,
        account_id=fin.project.pk,
        title=plan_title,
        scheme=CostPlan.Scheme.BY_AREA,
        gross=1_847_000,
        subsidy=200_000,
        roster=[side.unit.pk, side.other_unit.pk],
    )
    services.plan_issue(actor=fin.worker, plan_id=plan.pk)
    share = Share.objects.get(plan=plan, unit=side.unit)
    services.payment_record(
        actor=fin.worker, share_id=share.pk, amount=300_000, channel=Payment.Channel.WECHAT
    )
    share.refresh_from_db()
    return share


@pytest.fixture
def fin(world: Any) -> FinanceSide:
    return finance_side(world.a)


def test_owner_sees_fund_balance_share_and_payment_of_their_home(world, fin):
    share = money(fin)
    assert (share.amount, share.paid) == (895_000, 300_000)
    page = page_of(world.a.users["owner"])
    unit = world.a.unit
    # Maintenance fund: 3,000.00 for the flat itself plus 8,950.00 of the estate's deposit.
    assert f'data-fund-unit="{unit.pk}"' in page
    assert 'data-balance="1195000">11,950.00 yuan<' in page
    assert reverse("finance:public_account", args=[fin.fund.public_id]) in page
    assert "24幢加装电梯分摊" in page
    assert 'data-amount="895000">Share: 8,950.00 yuan<' in page
    assert 'data-paid="300000">Paid: 3,000.00 yuan<' in page
    assert 'data-outstanding="595000">Still to pay: 5,950.00 yuan<' in page
    payment = Payment.objects.get(share=share)
    sequence = payment.entry.sequence
    assert f'data-payment="{payment.pk}"' in page
    assert 'data-payment-amount="300000">3,000.00 yuan<' in page
    assert "WeChat Pay" in page
    assert clock.today().isoformat() in page
    assert f"Ledger entry no. {sequence}" in page
    project = reverse("finance:public_account", args=[fin.project.public_id])
    assert f"{project}?before={sequence + 1}#entry-{sequence}" in page
    # Only the owner's own flat: not the neighbour's share or balance.
    assert f'data-fund-unit="{world.a.other_unit.pk}"' not in page
    assert "752000" not in page and "7,520.00" not in page
    assert page.count("data-share=") == 1


def test_a_share_paid_in_full_says_so(world, fin):
    share = money(fin)
    services.payment_record(
        actor=fin.worker, share_id=share.pk, amount=595_000, channel=Payment.Channel.BANK
    )
    page = page_of(world.a.users["owner"])
    assert '<span class="tag" data-outstanding="0">Paid in full</span>' in page
    assert page.count("data-payment=") == 2


def test_draft_plans_are_not_shares_yet(world, fin):
    services.plan_create(
        actor=fin.worker,
        account_id=fin.project.pk,
        title="尚未发布的分摊",
        scheme=CostPlan.Scheme.BY_AREA,
        gross=100_000,
        roster=[world.a.unit.pk],
    )
    page = page_of(world.a.users["owner"])
    assert "尚未发布的分摊" not in page
    assert "No cost has been shared out to your homes." in page
    assert "No payment has been recorded for your homes." in page
    assert 'data-balance="0">0.00 yuan<' in page


def test_a_tenant_sees_the_empty_state_and_none_of_the_owners_money(world, fin):
    money(fin)
    for user in (world.a.users["resident"], world.outsider, world.a.users["worker"]):
        page = page_of(user)
        assert "No home you own is linked to your account" in page
        assert "data-share=" not in page and "data-payment=" not in page
        assert "data-fund-unit=" not in page and "24幢加装电梯分摊" not in page


def test_an_owner_never_sees_another_communitys_money(world, fin):
    money(fin)
    money(finance_side(world.b), plan_title="乙苑电梯分摊")
    page = page_of(world.a.users["owner"])
    assert "乙苑电梯分摊" not in page
    assert page.count("data-share=") == 1 and page.count("data-fund-unit=") == 1
    other = page_of(world.b.users["owner"])
    assert "乙苑电梯分摊" in other and "24幢加装电梯分摊" not in other


def test_a_former_owner_sees_nothing_of_the_home_they_sold(world, fin):
    money(fin)
    world.a.unit.ownerships.update(until=clock.today())
    page = page_of(world.a.users["owner"])
    assert "No home you own is linked to your account" in page


def test_an_owner_of_two_homes_sees_both(world, fin):
    f.OwnershipFactory(unit=world.a.other_unit, person=world.a.owner_person)
    money(fin)
    page = page_of(world.a.users["owner"])
    assert 'data-balance="1195000">11,950.00 yuan<' in page
    assert 'data-balance="752000">7,520.00 yuan<' in page
    assert page.count("data-share=") == 2


def test_my_money_needs_a_login(world):
    response = Client().get(reverse("finance:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login")
    assert reverse("finance:mine") == MINE


def test_my_money_answers_only_reads(world):
    assert client_for(world.a.users["owner"]).post(MINE).status_code == 405


def test_my_money_query_budget_does_not_grow_with_payments(
    world, fin, django_assert_max_num_queries
):
    share = money(fin)
    client = client_for(world.a.users["owner"])
    # Session, user, the tab bar's roles, communities and unread count; my units (asked here
    # and by each of the three reads), their fund accounts and balances, shares and payments.
    with django_assert_max_num_queries(14):
        assert client.get(MINE).status_code == 200
    for _ in range(10):
        services.payment_record(
            actor=fin.worker, share_id=share.pk, amount=100, channel=Payment.Channel.CASH
        )
    with django_assert_max_num_queries(14):
        response = client.get(MINE)
    assert response.content.decode().count("data-payment=") == 11


def test_my_money_renders_in_elder_mode(world, fin):
    money(fin)
    for user in (world.a.users["owner"], world.a.users["resident"]):
        user.elder_mode = True
        user.save(update_fields=["elder_mode"])
        response = client_for(user, language="zh-hans").get(MINE)
        assert response.status_code == 200
        page = response.content.decode()
        assert '<html lang="zh-hans" class="elder"' in page
        assert " style=" not in page and "<style" not in page
