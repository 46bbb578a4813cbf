"""Background jobs of owners' votes (run by huey's consumer, `manage.py run_huey`)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from linli.votes.services import motions_advance_due


@db_periodic_task(crontab(minute="*/15"))
def advance_due_motions() -> tuple[int, int]:
    """Every 15 minutes: open the votes whose first day has come, close those that ended."""
    return motions_advance_due()
