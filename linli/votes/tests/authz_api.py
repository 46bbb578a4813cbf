"""Authorization rows of the votes API (merged by authz_rows.py into tests/test_authz_matrix.py).

Residents (owners and tenants) see the motions of their estate once announced; only an owner on
the roll casts, and the side's owner gets 409 here because a paper ballot already stands for
their home. Management is the community's staff (the world's committee member sits on no
estate's committee). Published results and their rolls are public. Bodies go out as JSON.
"""

from __future__ import annotations

from datetime import timedelta

from linli.core import clock
from linli.votes.tests.authz_extra import votes
from tests.authz import EVERYONE, SIGNED_IN, STAFF, Row

RESIDENTS = STAFF | {"owner", "resident"}
MANAGE = "/api/v1/votes/manage/motions"


def _period() -> dict[str, str]:
    today = clock.today()
    return {
        "opens_on": (today + timedelta(days=15)).isoformat(),
        "closes_on": (today + timedelta(days=24)).isoformat(),
    }


API: dict[str, Row] = {
    "GET /api/v1/votes/": Row(SIGNED_IN, scoped=False),
    "GET /api/v1/votes/{public_id}": Row(
        RESIDENTS, kwargs=lambda s: {"public_id": votes(s).open.public_id}
    ),
    "POST /api/v1/votes/{public_id}/ballots": Row(
        frozenset({"owner"}),
        method="POST",
        kwargs=lambda s: {"public_id": votes(s).open.public_id},
        data=lambda s: {"voter_id": votes(s).voter.pk, "choice": "yes"},
    ),
    "GET /api/v1/votes/{public_id}/result": Row(
        EVERYONE, kwargs=lambda s: {"public_id": votes(s).published.public_id}, scoped=False
    ),
    "GET /api/v1/votes/{public_id}/roll": Row(
        EVERYONE, kwargs=lambda s: {"public_id": votes(s).published.public_id}, scoped=False
    ),
    f"POST {MANAGE}": Row(
        STAFF,
        method="POST",
        data=lambda s: {"estate_id": s.estate.pk, "title": "加装电梯", "matter": "rebuild"},
        note="the estate is the side's object",
    ),
    f"PATCH {MANAGE}/{{motion_id}}": Row(
        STAFF,
        method="PATCH",
        kwargs=lambda s: {"motion_id": votes(s).draft.pk},
        data=lambda s: {"title": "草稿表决（修改）"},
    ),
    f"POST {MANAGE}/{{motion_id}}/announce": Row(
        STAFF,
        method="POST",
        kwargs=lambda s: {"motion_id": votes(s).draft.pk},
        data=lambda s: _period(),
    ),
    # Allowed callers get 409 (too early to open or close; counted already): the gate is tested.
    f"POST {MANAGE}/{{motion_id}}/open": Row(
        STAFF, method="POST", kwargs=lambda s: {"motion_id": votes(s).announced.pk}
    ),
    f"POST {MANAGE}/{{motion_id}}/close": Row(
        STAFF, method="POST", kwargs=lambda s: {"motion_id": votes(s).open.pk}
    ),
    f"POST {MANAGE}/{{motion_id}}/tally": Row(
        STAFF, method="POST", kwargs=lambda s: {"motion_id": votes(s).tallied.pk}
    ),
    f"POST {MANAGE}/{{motion_id}}/publish": Row(
        STAFF, method="POST", kwargs=lambda s: {"motion_id": votes(s).tallied.pk}
    ),
    f"GET {MANAGE}/{{motion_id}}/turnout": Row(
        STAFF, kwargs=lambda s: {"motion_id": votes(s).open.pk}
    ),
}
