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
    """The two-community world, with a published notice, a draft, an unread notification and
    motions in 甲; callers are the community worker of 甲 (by session and by token) and nobody."""
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
        callers=callers,
    )
