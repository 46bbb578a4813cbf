"""Fixtures for the notice tests: today's date in China, writers, and immediate tasks."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from linli.accounts.models import Role, RoleAssignment
from linli.notices.models import Notice
from linli.notices.selectors import local_today
from linli.notices.tests.helpers import DAY, posted
from linli.registry.models import Organisation
from tests import factories as f


@pytest.fixture
def today() -> datetime.date:
    return local_today()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def committee_a(world):
    """甲's committee member, seated on the owners' committee of 甲苑."""
    committee = f.OrganisationFactory(
        community=world.a.community,
        kind=Organisation.Kind.OWNERS_COMMITTEE,
        name="甲苑业主委员会",
        estate=world.a.estate,
    )
    user = world.a.users["committee"]
    RoleAssignment.objects.filter(
        user=user, community=world.a.community, role=Role.COMMITTEE
    ).update(organisation=committee)
    return user


def fresh(user):
    """The same account as a new request would see it (no per-request caches)."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def board_notices(world, today):
    a = world.a.community
    return {
        "current": posted(a, title="当前公示", starts_on=today - 3 * DAY, ends_on=today + 4 * DAY),
        "last_day": posted(a, title="今天结束", starts_on=today - 3 * DAY, ends_on=today),
        "ended": posted(a, title="已结束公示", starts_on=today - 30 * DAY, ends_on=today - DAY),
        "future": posted(a, title="尚未开始", starts_on=today + DAY, ends_on=today + 10 * DAY),
        "draft": posted(
            a,
            title="草稿公示",
            starts_on=today,
            ends_on=today + 10 * DAY,
            status=Notice.Status.DRAFT,
        ),
        "withdrawn": posted(
            a,
            title="已撤回公示",
            starts_on=today - DAY,
            ends_on=today + 10 * DAY,
            status=Notice.Status.WITHDRAWN,
            withdrawn_at=timezone.now(),
            withdraw_reason="内容有误",
        ),
        "other": posted(
            world.b.community, title="乙社区公示", starts_on=today, ends_on=today + 5 * DAY
        ),
    }
