"""Two workers import the same roster at the same moment: the database lets exactly one in.

Runs on the real database of the run (a SQLite file with IMMEDIATE transactions, or
PostgreSQL), with real transactions and two threads released together.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from linli.core.errors import LinliError
from linli.core.models import AuditLog
from linli.registry import roster
from linli.registry.models import Ownership, Person, Unit
from linli.registry.tests.roster_files import flats, workbook
from tests import factories as f


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_imports_of_one_roster_write_it_once():
    community = f.CommunityFactory(name="并发社区", code="c-race")
    workers = [f.RoleFactory(community=community).user for _ in range(2)]
    data = workbook(flats(60))
    start = threading.Barrier(2)
    outcomes: list[Any] = []

    def attempt(worker: Any) -> None:
        try:
            start.wait(timeout=10)
            outcomes.append(roster.roster_import(actor=worker, community=community, file=data))
        except LinliError as exc:
            outcomes.append(exc)
        except BaseException as exc:  # reported by the assertions below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    successes = [o for o in outcomes if isinstance(o, roster.ImportReport) and o.ok]
    refusals = [
        o
        for o in outcomes
        if (isinstance(o, roster.ImportReport) and not o.ok) or isinstance(o, LinliError)
    ]
    assert len(outcomes) == 2
    assert len(successes) == 1, outcomes
    assert len(refusals) == 1, outcomes
    assert Unit.objects.filter(community=community).count() == 60
    assert Ownership.objects.filter(community=community).count() == 60
    assert Person.objects.filter(community=community).count() == 60
    assert AuditLog.objects.filter(community=community, action="roster.import").count() == 1
