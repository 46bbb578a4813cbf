"""Simultaneous writes to one vote: the database lets exactly one in, the rest get Conflict.

Runs on the real database of the run (a SQLite file with IMMEDIATE transactions, or
PostgreSQL), with real transactions; each thread has its own connection and closes it. All
threads are released together by a barrier. PostgreSQL's server accepts 100 connections (and
other runs share it), so there at most 40 casts are in flight at once; SQLite takes all 200.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from linli.core.errors import Conflict
from linli.core.models import AuditLog
from linli.votes import services
from linli.votes.models import Ballot, BallotCheck, Motion
from linli.votes.tests.test_services import second_worker, v12_building
from tests.world import build_side

CASTS = 200


def race(calls: list[Callable[[], Any]], in_flight: int) -> list[Any]:
    """Run every call in its own thread, released together; each result or exception."""
    start = threading.Barrier(len(calls))
    gate = threading.BoundedSemaphore(in_flight)
    outcomes: list[Any] = []
    lock = threading.Lock()

    def attempt(call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=30)
            with gate:
                try:
                    outcome = call()
                finally:
                    connection.close()
        except BaseException as exc:  # reported by the assertions of the test
            outcome = exc
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def in_flight() -> int:
    return CASTS if connection.vendor == "sqlite" else 40


def kinds(outcomes: list[Any]) -> Counter[str]:
    return Counter(
        f"Conflict:{o.code}" if isinstance(o, Conflict) else type(o).__name__ for o in outcomes
    )


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_casts_for_one_voter_leave_exactly_one_ballot():
    v12 = v12_building(build_side("并"))
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    voter = v12.voter(motion, "张")
    user = v12.users["张"]
    choices = ["yes", "no", "abstain"]

    def cast(n: int) -> Callable[[], Any]:
        return lambda: services.ballot_cast(
            user=user, motion_id=motion.id, voter_id=voter.id, choice=choices[n % 3]
        )

    began = time.monotonic()
    outcomes = race([cast(n) for n in range(CASTS)], in_flight())
    elapsed = time.monotonic() - began

    assert len(outcomes) == CASTS
    assert kinds(outcomes) == {"Ballot": 1, "Conflict:already_voted": CASTS - 1}, kinds(outcomes)
    winner = next(o for o in outcomes if isinstance(o, Ballot))
    stored = Ballot.objects.filter(motion=motion)
    assert list(stored.values_list("tracker", "revision", "choice")) == [
        (winner.tracker, 1, winner.choice)
    ]
    assert AuditLog.objects.filter(action="ballot.cast").count() == 1
    assert elapsed < 20, elapsed


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_workers_checking_one_paper_ballot_at_once_write_one_check():
    side = build_side("复")
    v12 = v12_building(side)
    motion = v12.motion(matter=Motion.Matter.COVENANT)
    ballot = v12.paper(motion, "赵", choice="no")
    checkers = [second_worker(side), second_worker(side)]

    def check(worker: Any, accepted: bool) -> Callable[[], Any]:
        note = "" if accepted else "签名不符"
        return lambda: services.ballot_check(
            actor=worker, ballot_id=ballot.id, accepted=accepted, note=note
        )

    outcomes = race([check(checkers[0], True), check(checkers[1], False)], 2)

    assert kinds(outcomes) == {"BallotCheck": 1, "Conflict:checked": 1}, kinds(outcomes)
    winner = next(o for o in outcomes if isinstance(o, BallotCheck))
    stored = BallotCheck.objects.filter(ballot=ballot)
    assert list(stored.values_list("id", "accepted", "checked_by_id")) == [
        (winner.id, winner.accepted, winner.checked_by_id)
    ]
    actions = AuditLog.objects.filter(action__in=["ballot.accept", "ballot.reject"])
    assert actions.count() == 1
