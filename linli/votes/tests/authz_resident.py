"""Authorization rows of the resident voting pages (views_resident).

The open motion of each side (authz_extra) has the side's owner on its roll, with a paper ballot
waiting for its check: the owner may see the vote and the receipt, and a POST of an answer is
refused with 409 (already voted), never a 5xx. The tenant lives in the estate and may read the
vote but has no voter on the roll; staff see it as managers; everyone else gets 404.
"""

from __future__ import annotations

from linli.votes.tests.authz_extra import votes
from tests.authz import SIGNED_IN, Row

READERS = frozenset({"owner", "resident", "worker", "admin"})
OWNER = frozenset({"owner"})


def _answer(side):  # type: ignore[no-untyped-def]
    return {"voter": votes(side).voter.id, "choice": "yes"}


PAGES: dict[str, Row] = {
    "votes:mine": Row(SIGNED_IN, scoped=False),
    "votes:detail": Row(READERS, kwargs=lambda s: {"public_id": votes(s).open.public_id}),
    "votes:confirm": Row(
        OWNER,
        method="POST",
        kwargs=lambda s: {"public_id": votes(s).open.public_id},
        data=_answer,
    ),
    "votes:cast": Row(
        OWNER,
        method="POST",
        kwargs=lambda s: {"public_id": votes(s).open.public_id},
        data=_answer,
    ),
    "votes:receipt": Row(
        OWNER,
        kwargs=lambda s: {
            "public_id": votes(s).open.public_id,
            "tracker": votes(s).paper.tracker,
        },
    ),
}
