"""The ticket loop's transition table (linli.domain.ticket_flow): every status × action pair."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.domain.ticket_flow import (
    HANDLING,
    OPEN,
    TRANSITIONS,
    Action,
    IllegalTransition,
    Status,
    actions_from,
    check_satisfaction,
    next_status,
)

S, A = Status, Action
# The whole table, written out: (status, action) → next status; every other pair is illegal.
ALLOWED = {
    (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, A.REFUSE): S.REFUSED,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, A.MERGE): S.MERGED,
    (S.ACCEPTED, A.DISPATCH): S.DISPATCHED,
    (S.ACCEPTED, A.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, A.MERGE): S.MERGED,
    (S.DISPATCHED, A.START): S.IN_PROGRESS,
    (S.DISPATCHED, A.TRANSFER): S.DISPATCHED,
    (S.DISPATCHED, A.MERGE): S.MERGED,
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.IN_PROGRESS, A.TRANSFER): S.DISPATCHED,
    (S.IN_PROGRESS, A.MERGE): S.MERGED,
    (S.RESOLVED, A.CONFIRM): S.CONFIRMED,
    (S.RESOLVED, A.AUTO_CONFIRM): S.CONFIRMED,
    (S.RESOLVED, A.REOPEN): S.DISPATCHED,
    (S.CONFIRMED, A.VISIT): S.VISITED,
    (S.CONFIRMED, A.REOPEN): S.DISPATCHED,
    (S.VISITED, A.REOPEN): S.DISPATCHED,
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_pair_of_the_table(status, action):
    expected = ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(IllegalTransition) as error:
            next_status(status, action)
        assert (error.value.status, error.value.action) == (status, action)
    else:
        assert next_status(status, action) is expected


def test_the_whole_loop_with_a_reopen():
    path = [
        A.ACCEPT,
        A.DISPATCH,
        A.START,
        A.RESOLVE,
        A.REOPEN,  # the reporter says it is not fixed
        A.START,
        A.TRANSFER,  # the property company hands it to the water company
        A.START,
        A.RESOLVE,
        A.AUTO_CONFIRM,
        A.VISIT,
    ]
    status = S.SUBMITTED
    for action in path:
        status = next_status(status, action)
    assert status is S.VISITED
    assert status not in OPEN


def test_terminal_statuses_allow_nothing_and_open_ones_something():
    for status in Status:
        assert (status in OPEN or status is S.VISITED) == bool(actions_from(status))
    assert actions_from(S.RESOLVED) == (A.CONFIRM, A.AUTO_CONFIRM, A.REOPEN)
    assert {S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS} == HANDLING
    assert set(TRANSITIONS) == set(Status)


@pytest.mark.parametrize("score", [1, 3, 5])
def test_satisfaction_from_1_to_5(score):
    assert check_satisfaction(score) == score


@pytest.mark.parametrize("score", [0, 6, -1, True, 4.0, "5", None])
def test_other_satisfaction_scores_are_refused(score):
    with pytest.raises(ValueError, match="from 1 to 5"):
        check_satisfaction(score)


@given(st.lists(st.sampled_from(list(Action)), max_size=30))
def test_any_sequence_of_actions_stays_in_the_table(actions):
    status = S.SUBMITTED
    for action in actions:
        try:
            status = next_status(status, action)
        except IllegalTransition:
            assert action not in actions_from(status)
        else:
            assert status in TRANSITIONS
