"""Periodic jobs of sunshine finance: the daily publication of every ledger's head."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from linli.finance import services


# 00:30 Beijing time (16:30 UTC the day before): yesterday's entries are all in.
@db_periodic_task(crontab(hour="16", minute="30"))
def publish_checkpoints() -> int:
    """Publish a checkpoint for every ledger that moved since its last one."""
    return services.checkpoints_publish()
