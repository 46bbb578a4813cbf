"""Authorization rows of the owner's own money page (views_resident).

"My money" is about the user's own homes, not one community's object (scoped=False): anyone
signed in may open it and sees only what they own, an empty page if nothing
(linli/finance/tests/test_resident_pages.py); anonymous visitors are sent to log in.
"""

from __future__ import annotations

from tests.authz import SIGNED_IN, Row

PAGES: dict[str, Row] = {
    "finance:mine": Row(SIGNED_IN, scoped=False),
}
