"""Fixtures of the API contract suite: a small world with something behind every endpoint, and
the three kinds of caller (browser session, bearer token, nobody) as plain headers and cookies.

Schemathesis calls the WSGI application in-process, in the test's own thread, so the requests
see the test transaction of pytest-django's `db` fixture, provided Django does not close that
connection at the end of each request (see `wsgi_keeps_test_connection`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from linli.accounts.services import api_token_create
from linli.core import clock
from linli.finance import services as finance_services
from linli.finance.models import Account, Category, CostPlan, Share, Statement
from linli.finance.tests.builders import finance_side, fund
from linli.notices import services as notice_services
from linli.notifications import services as notification_services
from linli.votes import services as vote_services
from linli.votes.models import RollVoter
from linli.votes.tests import builders
from tests import factories as f
from tests.world import Side, World

DAY = datetime.timedelta(days=1)


@dataclass
class Caller:
    """What a client sends to be somebody: headers and cookies (both empty for nobody)."""

    name: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)


@dataclass
class ApiWorld:
    world: World
    notice: Any
    draft: Any
    notification: Any
    votes: VotesWorld
    finance: FinanceWorld
    callers: dict[str, Caller]


@dataclass
class VotesWorld:
    """Motions of 甲苑 at each step, dated so that the next step is due today."""

    draft: Any
    due: Any  # announced; voting opens today
    open: Any  # the worker owns a flat on its roll and has not voted
    voter_id: int
    ended: Any  # open; its last day was yesterday
    closed: Any
    tallied: Any
    published: Any


def votes_world(side: Side) -> VotesWorld:
    worker = side.users["worker"]
    flat = f.UnitFactory(entrance=side.entrance, number="301", floor=3, area=9000)
    f.OwnershipFactory(unit=flat, person=f.PersonFactory(community=side.community, user=worker))
    # Announced 15 days ago, voting opens today; announced 25 days ago, voting ended yesterday.
    with clock.travel(-datetime.timedelta(days=builders.OPEN_AFTER)):
        due = builders.announced(worker, side.estate, title="今天开始投票")
        opened = builders.opened(worker, side.estate, title="投票中")
    past = clock.travel(-datetime.timedelta(days=builders.OPEN_AFTER + builders.VOTING_DAYS))
    with past:
        ended = builders.opened(worker, side.estate, title="昨天截止")
        closed, tallied, published = (
            builders.closed(worker, builders.opened(worker, side.estate, title=title))
            for title in ("已截止", "已计票", "已公布")
        )
    for motion in (tallied, published):
        vote_services.motion_tally(actor=worker, motion_id=motion.pk)
    vote_services.motion_publish(actor=worker, motion_id=published.pk)
    voter = RollVoter.objects.get(motion=opened, owners__person__user=worker)
    return VotesWorld(
        draft=builders.draft(worker, side.estate, title="草稿表决"),
        due=due,
        open=opened,
        voter_id=voter.pk,
        ended=ended,
        closed=closed,
        tallied=tallied,
        published=published,
    )


@dataclass
class FinanceWorld:
    """甲苑's books with something behind every finance endpoint; expenses are recorded by
    property staff, so the worker may decide them."""

    income: Account
    project: Account
    running: Account
    pending: Any  # on common income, within the committee threshold: a worker's approval posts it
    emergency: Any  # on the maintenance fund, an Art. 73 emergency awaiting confirmations
    motion: Any  # a published, passed use-of-fund vote of 甲苑
    draft_plan: CostPlan
    plan: CostPlan
    share: Share
    statement: Statement


def finance_world(side: Side) -> FinanceWorld:
    books = finance_side(side)
    worker, owner = books.worker, side.users["owner"]
    last_month = (clock.today().replace(day=1) - DAY).replace(day=1)
    fund(worker, books.income, 1_200_000, counterparty="张三丰", received_on=last_month)
    fund(worker, books.fund, 5_000_000)
    record = {"actor": books.property, "description": "更换路灯", "counterparty": "杭州明亮电器"}
    pending = finance_services.expense_record(
        account_id=books.income.pk, category=Category.REPAIR, amount=80_000, **record
    )
    emergency = finance_services.expense_record(
        account_id=books.fund.pk,
        category=Category.ELEVATOR,
        amount=2_000_000,
        emergency="elevator_failure",
        **record,
    )
    # Both owners of 甲苑 (the world's owner and, since votes_world, the worker) vote yes.
    motion = builders.opened(worker, side.estate, title="动用维修资金", matter="use_fund")
    with clock.travel(datetime.timedelta(days=builders.OPEN_AFTER)):
        for user in (owner, worker):
            voter = RollVoter.objects.get(motion=motion, owners__person__user=user)
            vote_services.ballot_cast(
                user=user, motion_id=motion.pk, voter_id=voter.pk, choice="yes"
            )
    builders.closed(worker, motion)
    with builders.after_close():
        vote_services.motion_tally(actor=worker, motion_id=motion.pk)
        vote_services.motion_publish(actor=worker, motion_id=motion.pk)
    plan_fields = {
        "actor": worker,
        "account_id": books.project.pk,
        "scheme": CostPlan.Scheme.BY_AREA,
        "roster": [side.unit.pk, side.other_unit.pk],
    }
    plan = finance_services.plan_create(title="加装电梯分摊", gross=1_000_000, **plan_fields)
    finance_services.plan_issue(actor=worker, plan_id=plan.pk)
    draft_plan = finance_services.plan_create(title="运行维护费", gross=150_000, **plan_fields)
    statement = finance_services.statement_publish(
        actor=worker, account_id=books.income.pk, period="month", starts_on=last_month
    )
    return FinanceWorld(
        income=books.income,
        project=books.project,
        running=books.running,
        pending=pending,
        emergency=emergency,
        motion=motion,
        draft_plan=draft_plan,
        plan=plan,
        share=Share.objects.get(plan=plan, unit=side.unit),
        statement=statement,
    )


@pytest.fixture
def wsgi_keeps_test_connection() -> Iterator[None]:
    """Stop Django closing the test's connection after each in-process WSGI request.

    A WSGI request ends with `close_old_connections`, which drops any connection left outside
    autocommit, as the test transaction is; the data under test would vanish mid-test. Django's
    own test client disconnects the same receivers for the same reason.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def session_caller(user: Any) -> Caller:
    """A logged-in browser: its session cookie, and a CSRF cookie with the matching header."""
    client = Client()
    client.force_login(user)
    csrf = get_random_string(32)
    return Caller(
        name="session",
        headers={"X-CSRFToken": csrf},
        cookies={"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
    )


def token_caller(user: Any) -> Caller:
    _token, secret = api_token_create(user=user, name="contract tests")
    return Caller(name="token", headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def api_world(world: World, wsgi_keeps_test_connection: None) -> ApiWorld:
    """The two-community world, with a published notice, a draft, an unread notification,
    motions and books in 甲; callers are the community worker of 甲 (by session and by
    token) and nobody."""
    a = world.a
    worker = a.users["worker"]
    today = timezone.localdate()
    fields = {
        "actor": worker,
        "community": a.community,
        "kind": "general",
        "body": "经业主大会表决通过，现予公示。",
        "starts_on": today,
        "ends_on": today + 14 * DAY,
        "issuer": "甲社区居委会",
    }
    notice = notice_services.notice_create(title="关于电梯加装的公示", **fields)
    notice = notice_services.notice_publish(actor=worker, notice_id=notice.pk)
    draft = notice_services.notice_create(title="绿化改造方案（草稿）", **fields)
    (notification,) = notification_services.notify(
        community=a.community,
        recipients=[worker],
        topic="notices",
        title="新公示：关于电梯加装的公示",
        url=f"/notices/n/{notice.public_id}/",
    )
    votes = votes_world(a)
    finance = finance_world(a)
    callers = {
        "session": session_caller(worker),
        "token": token_caller(worker),
        "anonymous": Caller(name="anonymous"),
    }
    return ApiWorld(
        world=world,
        notice=notice,
        draft=draft,
        notification=notification,
        votes=votes,
        finance=finance,
        callers=callers,
    )
