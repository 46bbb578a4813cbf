"""The platform's clock: now, and today's date in China (Asia/Shanghai).

Services that depend on dates (voting periods, notice windows) read the time here, so tests can
move the whole platform through time with `travel`, including a live server in the same process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
_offset = timedelta(0)


def now() -> datetime:
    """The current time (aware, UTC)."""
    return timezone.now() + _offset


def today() -> date:
    """Today's date in China, whatever the server's time zone."""
    return now().astimezone(SHANGHAI).date()


def local(moment: datetime) -> datetime:
    """A moment in China's time zone."""
    return moment.astimezone(SHANGHAI)


@contextmanager
def travel(delta: timedelta) -> Iterator[None]:
    """Tests only: shift the platform's clock by `delta` inside the block."""
    global _offset
    before = _offset
    _offset = before + delta
    try:
        yield
    finally:
        _offset = before
