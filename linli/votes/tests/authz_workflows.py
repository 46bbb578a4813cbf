"""Authorization rows of the workflow pages (choosing a property company, electing a committee).

Only those who manage the estate's decisions may use them: staff of the community, or members of
the estate's owners' committee (the world's committee user holds the role without a seat on
this estate's committee, so it is denied like any other resident). Form pages are checked with
GET; the one POST-only action with POST. Creation pages are POSTed with the home estate, which
another community's staff must not reach.
"""

from __future__ import annotations

from linli.votes.tests.authz_extra import votes
from tests.authz import STAFF, Row


def _procurement(side):  # type: ignore[no-untyped-def]
    return {"pk": votes(side).procurement.id}


def _election(side):  # type: ignore[no-untyped-def]
    return {"pk": votes(side).election.id}


PAGES: dict[str, Row] = {
    "votes:procurements": Row(STAFF, scoped=False),
    "votes:procurement_create": Row(
        STAFF,
        method="POST",
        data=lambda s: {"estate": s.estate.id, "title": "选聘物业服务企业", "shortlist_size": 5},
    ),
    "votes:procurement": Row(STAFF, kwargs=_procurement),
    "votes:procurement_longlist": Row(STAFF, kwargs=_procurement),
    "votes:procurement_shortlist": Row(STAFF, kwargs=_procurement),
    "votes:procurement_report": Row(
        STAFF,
        kwargs=lambda s: {
            "pk": votes(s).procurement.id,
            "candidate_id": votes(s).candidate.id,
        },
    ),
    "votes:procurement_report_file": Row(
        STAFF,
        kwargs=lambda s: {
            "pk": votes(s).procurement.id,
            "candidate_id": votes(s).candidate.id,
        },
    ),
    "votes:procurement_motion": Row(STAFF, kwargs=_procurement),
    "votes:procurement_contract": Row(STAFF, kwargs=_procurement),
    "votes:elections": Row(STAFF, scoped=False),
    "votes:election_create": Row(
        STAFF,
        method="POST",
        data=lambda s: {
            "estate": s.estate.id,
            "title": "第三届业委会选举",
            "specified_size": 3,
            "households": 2,
        },
    ),
    "votes:election": Row(STAFF, kwargs=_election),
    "votes:nominate": Row(STAFF, kwargs=_election),
    "votes:nomination_check": Row(
        STAFF,
        kwargs=lambda s: {"pk": votes(s).election.id, "nomination_id": votes(s).nomination.id},
    ),
    "votes:election_candidates": Row(STAFF, kwargs=_election),
    "votes:election_motion": Row(STAFF, kwargs=_election),
    "votes:election_conclude": Row(STAFF, method="POST", kwargs=_election),
    "votes:election_file": Row(STAFF, kwargs=_election),
}
