"""Test builders for votes: a motion walked through its lifecycle with the clock moved on.

Announcing on day 0 lets voting open on day 15 (regular meeting) and close on day 24; `opened`
moves the clock to day 15 to open, `closed` to day 25 to close. The clock is restored after each
step, and casting checks only that the motion is open and its last day has not passed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from linli.core import clock
from linli.votes import services
from linli.votes.models import Motion

OPEN_AFTER = 15
VOTING_DAYS = 10


def draft(actor: Any, estate: Any, **fields: Any) -> Motion:
    fields.setdefault("title", "是否续聘现物业公司")
    fields.setdefault("matter", Motion.Matter.PROPERTY_COMPANY)
    return services.motion_create(actor=actor, estate_id=estate.id, **fields)


def announced(actor: Any, estate: Any, **fields: Any) -> Motion:
    motion = draft(actor, estate, **fields)
    today = clock.today()
    return services.motion_announce(
        actor=actor,
        motion_id=motion.id,
        opens_on=today + timedelta(days=OPEN_AFTER),
        closes_on=today + timedelta(days=OPEN_AFTER + VOTING_DAYS - 1),
    )


def opened(actor: Any, estate: Any, **fields: Any) -> Motion:
    motion = announced(actor, estate, **fields)
    with clock.travel(timedelta(days=OPEN_AFTER)):
        return services.motion_open(actor=actor, motion_id=motion.id)


def closed(actor: Any, motion: Motion) -> Motion:
    with clock.travel(timedelta(days=OPEN_AFTER + VOTING_DAYS)):
        return services.motion_close(actor=actor, motion_id=motion.id)


def after_close() -> Any:
    """The clock on the day after voting closed (to tally and publish)."""
    return clock.travel(timedelta(days=OPEN_AFTER + VOTING_DAYS))
