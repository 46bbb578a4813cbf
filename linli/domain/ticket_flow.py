"""The closed loop of a ticket (工单) as an explicit transition table (DOMAIN-RULES §6).

submitted → accepted → dispatched (to the community, the owners' committee, the property
company, a partner or an outside body) → in progress → resolved → confirmed by the reporter
(or automatically after some days, marked as such) → return visit (回访) with a satisfaction of
1–5, which closes the loop. Besides: transfer (re-dispatch to another party while it is being
handled), reopen (the reporter or the return visit finds it not done: back to the handler),
merge into another ticket (a duplicate), withdrawal by the reporter before it is dispatched,
and refusal at acceptance (not a matter for the platform, with a reason).

The table says only what may follow what; who may act, deadlines and escalation are the
service's concern. An illegal pair raises IllegalTransition, so two handlers acting on one
ticket at once cannot both succeed once the service re-checks the status under a lock.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CONFIRMED = "confirmed"
    VISITED = "visited"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"


class Action(StrEnum):
    ACCEPT = "accept"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    DISPATCH = "dispatch"
    TRANSFER = "transfer"
    START = "start"
    RESOLVE = "resolve"
    CONFIRM = "confirm"
    AUTO_CONFIRM = "auto_confirm"
    VISIT = "visit"
    REOPEN = "reopen"
    MERGE = "merge"


class IllegalTransition(ValueError):
    def __init__(self, status: Status, action: Action) -> None:
        super().__init__(f"{action} is not allowed when a ticket is {status}")
        self.status = status
        self.action = action


# Merging is possible until the ticket is resolved: a duplicate is found while it is open.
_MERGEABLE = {Action.MERGE: Status.MERGED}

TRANSITIONS: dict[Status, dict[Action, Status]] = {
    Status.SUBMITTED: {
        Action.ACCEPT: Status.ACCEPTED,
        Action.REFUSE: Status.REFUSED,
        Action.WITHDRAW: Status.WITHDRAWN,
        **_MERGEABLE,
    },
    Status.ACCEPTED: {
        Action.DISPATCH: Status.DISPATCHED,
        Action.WITHDRAW: Status.WITHDRAWN,
        **_MERGEABLE,
    },
    Status.DISPATCHED: {
        Action.START: Status.IN_PROGRESS,
        Action.TRANSFER: Status.DISPATCHED,
        **_MERGEABLE,
    },
    Status.IN_PROGRESS: {
        Action.RESOLVE: Status.RESOLVED,
        Action.TRANSFER: Status.DISPATCHED,
        **_MERGEABLE,
    },
    Status.RESOLVED: {
        Action.CONFIRM: Status.CONFIRMED,
        Action.AUTO_CONFIRM: Status.CONFIRMED,
        Action.REOPEN: Status.DISPATCHED,
    },
    Status.CONFIRMED: {
        Action.VISIT: Status.VISITED,
        Action.REOPEN: Status.DISPATCHED,
    },
    # An unsatisfied return visit may send it back to the handler.
    Status.VISITED: {Action.REOPEN: Status.DISPATCHED},
    Status.MERGED: {},
    Status.WITHDRAWN: {},
    Status.REFUSED: {},
}

# Open: someone still has to act. The loop is closed by the return visit.
OPEN = frozenset(
    {
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.DISPATCHED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
        Status.CONFIRMED,
    }
)
# Still being handled: the responsible party's deadline runs (overdue sweeps look at these).
HANDLING = frozenset({Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS})

SATISFACTION = range(1, 6)


def next_status(status: Status, action: Action) -> Status:
    """The status after `action`; IllegalTransition if the table does not allow it."""
    try:
        return TRANSITIONS[status][action]
    except KeyError:
        raise IllegalTransition(status, action) from None


def actions_from(status: Status) -> tuple[Action, ...]:
    """What may be done next, in the table's order (for the buttons of a page)."""
    return tuple(TRANSITIONS[status])


def check_satisfaction(score: int) -> int:
    """A return visit's satisfaction: an integer from 1 (very unsatisfied) to 5."""
    if isinstance(score, bool) or not isinstance(score, int) or score not in SATISFACTION:
        raise ValueError(f"satisfaction must be an integer from 1 to 5, not {score!r}")
    return score
