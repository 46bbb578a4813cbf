"""The daily huey job that publishes every moved ledger's head as a public checkpoint Notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from huey.contrib.djhuey import HUEY

from linli.core.models import AuditLog
from linli.finance.ledger import SHANGHAI
from linli.finance.models import Account, Checkpoint, Entry
from linli.finance.tasks import publish_checkpoints
from linli.finance.tests.builders import finance_side, fund
from linli.notices.models import Notice


def run_job() -> int:
    """The job's function itself: how many ledgers it published."""
    published: int = publish_checkpoints.call_local()
    return published


def heads(*accounts: Account) -> set[tuple[int, int, str]]:
    """(account, sequence, hash) of each account's last stored entry."""
    last = {}
    for account_id, sequence, digest in Entry.objects.filter(
        account__in=[a.pk for a in accounts]
    ).values_list("account_id", "sequence", "hash"):
        if sequence > last.get(account_id, (0, ""))[0]:
            last[account_id] = (sequence, digest)
    return {(pk, sequence, digest) for pk, (sequence, digest) in last.items()}


def checkpoints(notice: Notice) -> set[tuple[int, int, str]]:
    return set(
        Checkpoint.objects.filter(notice=notice).values_list("account_id", "sequence", "hash")
    )


def checkpoint_notices(community: Any) -> list[Notice]:
    return list(
        Notice.objects.filter(community=community, kind=Notice.Kind.LEDGER_CHECKPOINT).order_by(
            "id"
        )
    )


def test_job_publishes_one_notice_per_community_with_a_checkpoint_per_moved_ledger(world):
    a, b = finance_side(world.a), finance_side(world.b)
    fund(a.worker, a.project, 120_000)
    fund(a.worker, a.project, 80_000)
    fund(a.worker, a.fund, 1_645_000)
    fund(b.worker, b.income, 33_300)

    assert run_job() == 3

    (notice_a,) = checkpoint_notices(world.a.community)
    (notice_b,) = checkpoint_notices(world.b.community)
    assert checkpoints(notice_a) == heads(a.project, a.fund)
    assert checkpoints(notice_b) == heads(b.income)
    assert {sequence for _, sequence, _ in checkpoints(notice_a)} == {2, 1}
    for notice, accounts in ((notice_a, (a.project, a.fund)), (notice_b, (b.income,))):
        assert notice.status == Notice.Status.PUBLISHED
        for account in accounts:
            account.refresh_from_db()
            assert account.name in notice.body
            assert account.head_hash in notice.body
    # Ledgers without entries have nothing to publish.
    assert not Checkpoint.objects.filter(account__in=[a.income, a.running, b.fund]).exists()
    assert AuditLog.objects.filter(action="finance.checkpoints").count() == 2

    # Nothing new: nothing published.
    assert run_job() == 0
    assert Notice.objects.filter(kind=Notice.Kind.LEDGER_CHECKPOINT).count() == 2
    assert Checkpoint.objects.count() == 3

    # A new entry on one ledger: only that ledger gets a new checkpoint, in a new notice. This
    # run goes through the queue, as the consumer runs it (at once: HUEY.immediate in tests).
    fund(a.worker, a.fund, 5_000)
    publish_checkpoints()
    first, second = checkpoint_notices(world.a.community)
    assert first == notice_a
    assert checkpoints(second) == heads(a.fund)
    assert {sequence for _, sequence, _ in checkpoints(second)} == {2}
    assert checkpoint_notices(world.b.community) == [notice_b]
    assert list(
        Checkpoint.objects.filter(account=a.fund).order_by("sequence").values_list("sequence")
    ) == [(1,), (2,)]
    assert Checkpoint.objects.count() == 4


def test_job_is_periodic_at_16_30_utc_which_is_00_30_in_beijing():
    assert HUEY.utc
    day = datetime(2025, 3, 1)
    minutes = [day + timedelta(minutes=m) for m in range(24 * 60)]
    runs = [
        minute
        for minute in minutes
        if any(
            isinstance(task, publish_checkpoints.task_class) for task in HUEY.read_periodic(minute)
        )
    ]
    assert runs == [datetime(2025, 3, 1, 16, 30)]
    assert runs[0].replace(tzinfo=UTC).astimezone(SHANGHAI).isoformat() == (
        "2025-03-02T00:30:00+08:00"
    )
