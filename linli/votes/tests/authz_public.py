"""Authorization rows of the public result pages: a published result is public (公示).

Anyone may read it, signed in or not, from any community (scoped=False); a motion in any other
status answers 404 to everyone (linli/votes/tests/test_public_result.py).
"""

from __future__ import annotations

from linli.votes.tests.authz_extra import votes
from tests.authz import EVERYONE, Row


def _published(side: object) -> dict[str, object]:
    return {"public_id": votes(side).published.public_id}


PAGES: dict[str, Row] = {
    "votes:result": Row(EVERYONE, kwargs=_published, scoped=False),
    "votes:result_csv": Row(EVERYONE, kwargs=_published, scoped=False),
    "votes:result_pdf": Row(EVERYONE, kwargs=_published, scoped=False),
}
