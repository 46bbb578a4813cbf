"""Background jobs of the accounts app (run by huey's consumer, `manage.py run_huey`)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from linli.accounts.services import login_data_purge


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_login_data() -> None:
    """Nightly: drop SMS codes older than a day and login throttles quiet for a day."""
    login_data_purge()
