"""Authorization rows of the staff console of owners' votes (linli/votes/views_staff.py).

Managers are staff of the community or members of the estate's owners' committee; the world's
committee user sits on no estate's committee, so every console page is staff work here (the
committee case is tested in test_staff_pages.py). The open motion's paper ballot was entered by
the side's second worker, so the side's own worker and administrator may check it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from linli.core import clock
from linli.votes.tests.authz_extra import votes
from tests.authz import STAFF, Row


def _pk(name: str) -> Any:
    return lambda s: {"pk": getattr(votes(s), name).id}


def _announce_dates(side: Any) -> dict[str, str]:
    opens_on = clock.today() + timedelta(days=15)
    return {
        "opens_on": opens_on.isoformat(),
        "closes_on": (opens_on + timedelta(days=9)).isoformat(),
    }


def _extension(side: Any) -> dict[str, str]:
    closes_on = votes(side).open.closes_on
    assert closes_on is not None
    return {"closes_on": (closes_on + timedelta(days=5)).isoformat()}


def _option(side: Any) -> dict[str, int]:
    draft = votes(side).choice_draft
    return {"pk": draft.id, "option_id": draft.options.earliest("position").id}


PAGES: dict[str, Row] = {
    # Lists and creation are about "what I manage": staff of another community see their own.
    "votes:manage": Row(STAFF, scoped=False),
    "votes:create": Row(STAFF, scoped=False),
    "votes:edit": Row(STAFF, kwargs=_pk("draft")),
    "votes:turnout": Row(STAFF, kwargs=_pk("open")),
    "votes:option_add": Row(
        STAFF, method="POST", kwargs=_pk("choice_draft"), data=lambda s: {"label": "方案三"}
    ),
    "votes:option_remove": Row(STAFF, method="POST", kwargs=_option),
    "votes:announce": Row(STAFF, method="POST", kwargs=_pk("draft"), data=_announce_dates),
    "votes:open": Row(STAFF, method="POST", kwargs=_pk("announced")),
    "votes:extend": Row(STAFF, method="POST", kwargs=_pk("open"), data=_extension),
    "votes:close": Row(STAFF, method="POST", kwargs=_pk("open")),
    "votes:cancel": Row(
        STAFF, method="POST", kwargs=_pk("announced"), data=lambda s: {"reason": "议题有误"}
    ),
    "votes:tally": Row(STAFF, method="POST", kwargs=_pk("tallied")),
    "votes:publish": Row(STAFF, method="POST", kwargs=_pk("tallied")),
    "votes:runoff": Row(STAFF, method="POST", kwargs=_pk("tallied")),
    "votes:remind": Row(STAFF, method="POST", kwargs=_pk("open")),
    "votes:roll": Row(STAFF, kwargs=_pk("open")),
    "votes:paper": Row(STAFF, kwargs=_pk("open"), data=lambda s: {"voter": votes(s).voter.id}),
    "votes:checks": Row(STAFF, kwargs=_pk("open")),
    "votes:check": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"ballot_id": votes(s).paper.id},
        data=lambda s: {"decision": "accept"},
    ),
    "votes:scan": Row(STAFF, kwargs=lambda s: {"ballot_id": votes(s).paper.id}),
}
