"""Background jobs of sunshine finance: the daily publication of every ledger's head, and the
documents of long statements."""

from __future__ import annotations

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from linli.finance import services


# 00:30 Beijing time (16:30 UTC the day before): yesterday's entries are all in.
@db_periodic_task(crontab(hour="16", minute="30"))
def publish_checkpoints() -> int:
    """Publish a checkpoint for every ledger that moved since its last one."""
    return services.checkpoints_publish()


@task()
def make_statement_documents(statement_id: int) -> bool:
    """The PDF and Excel file of a long statement, made after it was published."""
    return services.statement_documents_make(statement_id=statement_id)
