"""The whole lifecycle of a yes/no motion through the services, on the two-community world."""

from __future__ import annotations

import csv
import io

import pytest

from linli.notices.models import Notice
from linli.votes import counting, services
from linli.votes.models import Ballot, Motion, RollVoter
from linli.votes.tests import builders
from tests import factories as f


@pytest.mark.django_db
def test_yes_no_motion_from_draft_to_published_result(world):
    a = world.a
    worker = a.users["worker"]
    neighbour = f.PersonFactory(community=a.community, user=f.UserFactory())
    f.OwnershipFactory(unit=a.other_unit, person=neighbour)
    motion = builders.opened(worker, a.estate)
    assert motion.status == "open"
    assert (motion.area_total, motion.headcount_total) == (8950 + 7520, 2)
    me = RollVoter.objects.get(motion=motion, owners__person=a.owner_person)
    ballot = services.ballot_cast(
        user=a.users["owner"], motion_id=motion.id, voter_id=me.id, choice="yes"
    )
    assert ballot.channel == "online" and len(ballot.tracker) == 11
    builders.closed(worker, motion)
    with builders.after_close():
        result = services.motion_tally(actor=worker, motion_id=motion.id)
        services.motion_publish(actor=worker, motion_id=motion.id)
    # 1 of 2 owners took part: 50% < 2/3, the quorum fails.
    assert result.data["headcount_participating"] == 1
    assert result.data["area_participating"] == 8950
    assert result.data["reason"] == "quorum_not_met"
    assert result.passed is False
    motion.refresh_from_db()
    assert motion.status == "published"
    assert motion.result_notice.kind == Notice.Kind.VOTE_RESULT
    rows = list(csv.DictReader(io.StringIO(counting.public_roll_csv(motion))))
    assert [(r["area_m2"], r["answer"]) for r in rows] == [
        ("89.50", "yes") if r["trackers"] else ("75.20", "") for r in rows
    ]
    assert Ballot.objects.filter(motion=motion).count() == 1
    assert Motion.objects.get(pk=motion.pk).headcount_total == 2


@pytest.mark.django_db
def test_the_platform_opens_and_closes_due_motions_on_its_own(world):
    from datetime import timedelta

    from linli.core import clock
    from linli.core.models import AuditLog
    from linli.votes.tasks import advance_due_motions

    worker = world.a.users["worker"]
    motion = builders.announced(worker, world.a.estate)
    early = builders.announced(worker, world.a.estate, title="下个月的表决")
    Motion.objects.filter(pk=early.pk).update(
        opens_on=early.opens_on + timedelta(days=3), closes_on=early.closes_on + timedelta(days=3)
    )
    assert services.motions_advance_due() == (0, 0)
    with clock.travel(timedelta(days=builders.OPEN_AFTER)):
        assert advance_due_motions.call_local() == (1, 0)
        assert services.motions_advance_due() == (0, 0)
    motion.refresh_from_db()
    # The owner's flat and the rented flat whose owner is unknown (one part, one person).
    assert (motion.status, motion.headcount_total) == ("open", 2)
    assert Motion.objects.get(pk=early.pk).status == "announced"
    opened = AuditLog.objects.get(action="motion.open", object_id=str(motion.pk))
    assert opened.actor_id is None
    with clock.travel(timedelta(days=builders.OPEN_AFTER + builders.VOTING_DAYS)):
        # The early one opened three days late and is still running; the first one closes.
        assert services.motions_advance_due() == (1, 1)
    motion.refresh_from_db()
    assert motion.status == "closed" and motion.closed_at is not None
    assert Motion.objects.get(pk=early.pk).status == "open"
