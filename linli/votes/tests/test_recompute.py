"""The published ballot list recomputes to the published result (issue 3, acceptance).

One realistic estate — two buildings of 金狮苑, fourteen voting owners — votes three times: on a
yes/no motion, on a choice of property company and in an owners' committee election. The roll
holds a multi-unit owner with a parking space whose area does not count, an owner of a parking
space only (in the headcount, with no area), two co-owners who disagree (one online, one on an
accepted paper ballot), the developer's two unsold flats as one voter, a proxy, an abstention,
a re-vote and a rejected paper ballot. Each result is published; the roll file is downloaded
through the public view and counted again here by a small function that does not touch the
engine, and the figures must equal MotionResult.data and what the result page shows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from linli.accounts.models import Role
from linli.registry.models import Ownership, Person, Unit
from linli.votes import counting, services
from linli.votes.models import Ballot, Motion, MotionResult, RollVoter
from linli.votes.tests import builders
from linli.votes.tests.authz_extra import scan
from tests import factories as f

pytestmark = pytest.mark.django_db


# --- an independent count of the roll file ---------------------------------------------------


def centi(text: str) -> int:
    """'164.70' → 16470, without the project's parser."""
    whole, frac = text.split(".")
    assert len(frac) == 2
    return int(whole) * 100 + int(frac)


def recount(csv_text: str, *, allowed: int = 1) -> dict[str, Any]:
    """A_T, N_T, A_P, N_P and each answer's area and headcount, from the CSV alone."""
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert rows and list(rows[0]) == ["number", "area_m2", "answer", "trackers"]

    def heads_area(selected: list[dict[str, str]]) -> tuple[int, int]:
        return len(selected), sum(centi(r["area_m2"]) for r in selected)

    took_part = [r for r in rows if r["answer"] not in ("", "conflict")]
    counts: dict[str, Any] = {}
    counts["headcount_total"], counts["area_total"] = heads_area(rows)
    counts["headcount_participating"], counts["area_participating"] = heads_area(took_part)
    counts["headcount_conflict"], counts["area_conflict"] = heads_area(
        [r for r in rows if r["answer"] == "conflict"]
    )
    for answer in ("yes", "no", "abstain", "follow_majority"):
        chosen = [r for r in took_part if r["answer"] == answer]
        counts[f"headcount_{answer}"], counts[f"area_{answer}"] = heads_area(chosen)
    per_option: dict[int, list[int]] = {}
    for row in took_part:
        if row["answer"] in ("yes", "no", "abstain", "follow_majority"):
            continue
        picks = [int(p) for p in row["answer"].split(";")]
        if len(picks) > allowed:
            continue
        for pick in picks:
            entry = per_option.setdefault(pick, [0, 0])
            entry[0] += 1
            entry[1] += centi(row["area_m2"])
    counts["options"] = {k: tuple(v) for k, v in per_option.items()}
    return counts


def shown(html: str, symbol: str) -> str:
    """The value the result page shows for one figure (data-figure="A_P" …)."""
    found = re.findall(rf'data-figure="{symbol}">([^<]*)<', html)
    assert len(found) == 1, (symbol, found)
    return found[0]


def shown_options(html: str) -> dict[int, tuple[int, int]]:
    rows = re.findall(
        r'<tr data-option="(\d+)">.*?data-figure="headcount">(\d+)<.*?data-figure="area">([\d.]+)<',
        html,
        flags=re.DOTALL,
    )
    return {int(p): (int(h), centi(a)) for p, h, a in rows}


# --- the estate ------------------------------------------------------------------------------


@dataclass
class Estate:
    """金狮苑 buildings 7–8: the owners by nickname, the staff, and the flats' labels."""

    worker: Any
    checker: Any
    estate: Any
    people: dict[str, Any] = field(default_factory=dict)


def build_estate(world: Any) -> Estate:
    side = world.a
    community = side.community
    checker = f.UserFactory(name="复核社工")
    f.RoleFactory(user=checker, community=community, role=Role.WORKER)
    estate: Any = f.EstateFactory(community=community, name="金狮苑")
    entrances = {}
    for number in ("7", "8"):
        building = f.BuildingFactory(estate=estate, community=community, number=number)
        entrances[number] = f.EntranceFactory(building=building, community=community, number="1")
    out = Estate(worker=side.users["worker"], checker=checker, estate=estate)

    def flat(building: str, number: str, area: int) -> Any:
        return f.UnitFactory(
            entrance=entrances[building], number=number, floor=int(number[0]), area=area
        )

    def parking(number: str) -> Unit:
        return Unit.objects.create(
            community=community,
            estate=estate,
            kind=Unit.Kind.PARKING,
            number=number,
            floor=-1,
            area=1250,
        )

    def owner(nick: str, name: str, *units: Unit, online: bool = True, **ownership: Any) -> None:
        person = f.PersonFactory(
            community=community, name=name, user=f.UserFactory(name=name) if online else None
        )
        for unit in units:
            f.OwnershipFactory(unit=unit, person=person, **ownership)
        out.people[nick] = person

    owner("P1", "周明华", flat("7", "101", 8950))
    owner("P2", "吴建平", flat("7", "102", 7520), flat("7", "201", 8950), parking("B-01"))
    co_flat = flat("7", "202", 9100)
    owner("C1", "郑丽娟", co_flat)
    owner("C2", "郑国强", co_flat, online=False, is_representative=False)
    owner("P4", "孙桂兰", flat("7", "301", 8800))
    owner("P5", "钱志刚", flat("7", "302", 7600))
    owner("P11", "冯淑珍", flat("7", "401", 9500))
    owner("P13", "陈德胜", flat("7", "402", 9200))
    owner(
        "DEV",
        "金狮置业有限公司",
        flat("8", "101", 8950),
        flat("8", "102", 7520),
        online=False,
        developer_status=Ownership.DeveloperStatus.UNSOLD,
    )
    owner("P6", "褚玉梅", flat("8", "201", 9000), online=False)
    owner("P7", "卫长青", flat("8", "202", 9050), online=False)
    owner("P8", "蒋红霞", flat("8", "301", 8700), online=False)
    owner("P9", "沈立新", flat("8", "302", 8600))
    owner("P12", "韩秀云", flat("8", "401", 9400))
    owner("P10", "杨振华", parking("B-02"))
    Person.objects.filter(pk=out.people["DEV"].pk).update(
        kind=Person.Kind.ORGANISATION, is_developer=True
    )
    return out


# Hand-counted from the areas above (0.01 m²): P2 = 7520 + 8950 (parking not counted), the
# developer = 8950 + 7520, P10 = 0 (parking only); 14 voting owners in all.
A_T, N_T = 130840, 14
# Took part: everyone but C (conflict), P8 (rejected paper ballot), P9 and P13 (silent).
A_P, N_P = 95240, 10
AREA = {
    "P1": 8950,
    "P2": 16470,
    "C1": 9100,
    "P4": 8800,
    "P5": 7600,
    "P11": 9500,
    "P13": 9200,
    "DEV": 16470,
    "P6": 9000,
    "P7": 9050,
    "P8": 8700,
    "P9": 8600,
    "P12": 9400,
    "P10": 0,
}


# What each owner does: (nick, channel, answer, accepted); channel online/paper/proxy.
# An answer is a yes/no choice or a list of option positions.
YES_NO_PLAN = [
    ("P1", "online", "yes", True),
    ("P2", "online", "yes", True),
    ("C1", "online", "yes", True),
    ("C2", "paper", "no", True),
    ("P4", "online", "abstain", True),
    ("P5", "online", "yes", True),
    ("P5", "online", "no", True),
    ("DEV", "paper", "yes", True),
    ("P6", "paper", "no", True),
    ("P7", "proxy", "yes", True),
    ("P8", "paper", "yes", False),
    ("P10", "online", "yes", True),
    ("P11", "online", "no", True),
    ("P12", "online", "yes", True),
]
CHOOSE_PLAN = [
    ("P1", "online", [1], True),
    ("P2", "online", [1], True),
    ("C1", "online", [1], True),
    ("C2", "paper", [2], True),
    ("P4", "online", [], True),
    ("P5", "online", [2], True),
    ("P5", "online", [1], True),
    ("DEV", "paper", [3], True),
    ("P6", "paper", [2], True),
    ("P7", "proxy", [1], True),
    ("P8", "paper", [1], False),
    ("P10", "online", [1], True),
    ("P11", "online", [2], True),
    ("P12", "online", [1], True),
]
# Three groups of three each leave out one candidate, so candidates 1, 2 and 4 all pass with
# 6 of 10 owners; by area 1 and 4 take the two seats and 2 is the alternate.
ELECT_PLAN = [
    ("P1", "online", [1, 2], True),
    ("P2", "online", [1, 4], True),
    ("C1", "online", [1, 2], True),
    ("C2", "paper", [3], True),
    ("P4", "online", [], True),
    ("P5", "online", [3], True),
    ("P5", "online", [1, 4], True),
    ("DEV", "paper", [2, 4], True),
    ("P6", "paper", [2, 4], True),
    ("P7", "proxy", [1, 2], True),
    ("P8", "paper", [3], False),
    ("P10", "online", [2, 4], True),
    ("P11", "online", [1, 4], True),
    ("P12", "online", [1, 2], True),
]


def run_vote(e: Estate, plan: list[tuple[str, str, Any, bool]], **fields: Any) -> Motion:
    """Open a motion on the estate, cast the plan, then close, count and publish it."""
    motion = builders.opened(e.worker, e.estate, allow_revote=True, **fields)
    voters = {
        nick: RollVoter.objects.get(motion=motion, owners__person=person)
        for nick, person in e.people.items()
    }
    for nick, channel, answer, accepted in plan:
        person = e.people[nick]
        kwargs: dict[str, Any] = (
            {"choice": answer} if isinstance(answer, str) else {"options": answer}
        )
        if channel == "online":
            services.ballot_cast(
                user=person.user, motion_id=motion.id, voter_id=voters[nick].id, **kwargs
            )
            continue
        ballot = services.ballot_enter(
            actor=e.worker,
            motion_id=motion.id,
            voter_id=voters[nick].id,
            owner_id=person.id,
            document=scan(),
            proxy_name="卫小青" if channel == "proxy" else "",
            **kwargs,
        )
        services.ballot_check(
            actor=e.checker,
            ballot_id=ballot.id,
            accepted=accepted,
            note="" if accepted else "签名与底册不符",
        )
    builders.closed(e.worker, motion)
    with builders.after_close():
        services.motion_tally(actor=e.worker, motion_id=motion.id)
        services.motion_publish(actor=e.worker, motion_id=motion.id)
    motion.refresh_from_db()
    assert motion.status == Motion.StatusChoices.PUBLISHED
    return motion


def download(client: Any, motion: Motion) -> str:
    response = client.get(reverse("votes:result_csv", args=[motion.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # The file anyone downloads is the file whose digest was published.
    assert hashlib.sha256(response.content).hexdigest() == motion.result.roll_digest
    assert not response.content.startswith(b"\xef\xbb\xbf")
    return response.content.decode("utf-8")


def page(client: Any, motion: Motion) -> str:
    response = client.get(reverse("votes:result", args=[motion.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def assert_common(counted: dict[str, Any], data: dict[str, Any], html: str) -> None:
    for key in ("area_total", "headcount_total", "area_participating", "headcount_participating"):
        assert counted[key] == data[key], key
    assert (counted["headcount_total"], counted["area_total"]) == (N_T, A_T)
    assert (counted["headcount_participating"], counted["area_participating"]) == (N_P, A_P)
    assert shown(html, "N_T") == str(N_T)
    assert shown(html, "A_T") == "1308.40"
    assert shown(html, "N_P") == str(N_P)
    assert shown(html, "A_P") == "952.40"


def assert_no_names(e: Estate, motion: Motion, html: str, csv_text: str) -> None:
    labels = list(RollVoter.objects.filter(motion=motion).values_list("label", flat=True))
    assert "7幢1单元101" in labels
    for text in (html, csv_text):
        for person in e.people.values():
            assert person.name not in text
        for label in labels:
            assert label not in text


def test_yes_no_result_recomputes_from_the_published_roll(client, world):
    e = build_estate(world)
    motion = run_vote(e, YES_NO_PLAN)
    data = MotionResult.objects.get(motion=motion).data
    # The stored result is aggregated in SQL; counting ballot by ballot gives the same.
    assert data == counting.result_data_by_ballot(motion)
    csv_text = download(client, motion)
    html = page(client, motion)

    counted = recount(csv_text)

    assert_common(counted, data, html)
    for answer in ("yes", "no", "abstain", "follow_majority", "conflict"):
        for measure in ("area", "headcount"):
            key = f"{measure}_{answer}"
            assert counted[key] == data[key], key
    yes = ("P1", "P2", "DEV", "P7", "P10", "P12")
    no = ("P5", "P6", "P11")
    assert (data["headcount_yes"], data["area_yes"]) == (6, sum(AREA[n] for n in yes))
    assert (data["headcount_no"], data["area_no"]) == (3, sum(AREA[n] for n in no))
    assert (data["headcount_abstain"], data["area_abstain"]) == (1, AREA["P4"])
    assert (data["headcount_conflict"], data["area_conflict"]) == (1, AREA["C1"])
    assert data["conflicts"] == 1
    for symbol, key in (("Y", "yes"), ("N", "no"), ("abstain", "abstain")):
        assert shown(html, f"N_{symbol}") == str(data[f"headcount_{key}"])
        assert centi(shown(html, f"A_{symbol}")) == data[f"area_{key}"]
    assert centi(shown(html, "A_conflict")) == AREA["C1"]
    # 10 of 14 owners and 72.8% of the area took part; 6 of 10 and 63.4% voted yes.
    assert data["quorum_met"] is True and data["passed"] is True
    assert data["reason"] == "passed" and data["basis"] == "strict"
    assert 'data-outcome="passed"' in html
    assert_no_names(e, motion, html, csv_text)


def test_choose_one_result_recomputes_from_the_published_roll(client, world):
    e = build_estate(world)
    motion = run_vote(
        e,
        CHOOSE_PLAN,
        title="选聘物业服务企业",
        kind=Motion.Kind.CHOOSE_ONE,
        options=["绿城物业", "滨江物业", "南都物业"],
    )
    data = MotionResult.objects.get(motion=motion).data
    # The stored result is aggregated in SQL; counting ballot by ballot gives the same.
    assert data == counting.result_data_by_ballot(motion)
    csv_text = download(client, motion)
    html = page(client, motion)

    counted = recount(csv_text, allowed=1)

    assert_common(counted, data, html)
    published = {row["position"]: (row["headcount"], row["area"]) for row in data["options"]}
    recounted = {p: counted["options"].get(p, (0, 0)) for p in published}
    assert recounted == published
    assert published == {
        1: (6, sum(AREA[n] for n in ("P1", "P2", "P5", "P7", "P10", "P12"))),
        2: (2, AREA["P6"] + AREA["P11"]),
        3: (1, AREA["DEV"]),
    }
    assert shown_options(html) == published
    assert data["winner"] == 1 and data["outcome"] == "winner"
    assert data["conflicts"] == 1
    assert_no_names(e, motion, html, csv_text)


def test_election_result_recomputes_from_the_published_roll(client, world):
    e = build_estate(world)
    motion = run_vote(
        e,
        ELECT_PLAN,
        title="第三届业主委员会选举",
        kind=Motion.Kind.ELECT,
        matter=Motion.Matter.COMMITTEE,
        seats=2,
        options=["候选人甲", "候选人乙", "候选人丙", "候选人丁"],
    )
    data = MotionResult.objects.get(motion=motion).data
    # The stored result is aggregated in SQL; counting ballot by ballot gives the same.
    assert data == counting.result_data_by_ballot(motion)
    csv_text = download(client, motion)
    html = page(client, motion)

    counted = recount(csv_text, allowed=2)

    assert_common(counted, data, html)
    published = {row["position"]: (row["headcount"], row["area"]) for row in data["options"]}
    recounted = {p: counted["options"].get(p, (0, 0)) for p in published}
    assert recounted == published
    assert published == {
        1: (6, A_P - AREA["P4"] - AREA["DEV"] - AREA["P6"] - AREA["P10"]),
        2: (6, A_P - AREA["P4"] - AREA["P2"] - AREA["P5"] - AREA["P11"]),
        3: (0, 0),
        4: (6, A_P - AREA["P4"] - AREA["P1"] - AREA["P7"] - AREA["P12"]),
    }
    assert shown_options(html) == published
    assert (data["elected"], data["alternates"], data["tied"]) == ([1, 4], [2], [])
    assert_no_names(e, motion, html, csv_text)


def test_roll_lines_of_the_special_voters(client, world):
    """The roll shows what counted for each kind of voter, and only the counted receipts."""
    e = build_estate(world)
    motion = run_vote(e, YES_NO_PLAN)
    rows = {int(r["number"]): r for r in csv.DictReader(io.StringIO(download(client, motion)))}
    voters = {
        nick: RollVoter.objects.get(motion=motion, owners__person=person)
        for nick, person in e.people.items()
    }

    def line(nick: str) -> dict[str, str]:
        return rows[voters[nick].number]

    def trackers(nick: str) -> list[str]:
        return sorted(
            Ballot.objects.filter(motion=motion, owner=e.people[nick]).values_list(
                "tracker", flat=True
            )
        )

    assert (line("P2")["area_m2"], line("P2")["answer"]) == ("164.70", "yes")
    assert (line("P10")["area_m2"], line("P10")["answer"]) == ("0.00", "yes")
    assert (line("DEV")["area_m2"], line("DEV")["answer"]) == ("164.70", "yes")
    assert line("C1")["answer"] == "conflict"
    assert line("C1")["trackers"].split() == sorted(trackers("C1") + trackers("C2"))
    assert (line("P8")["answer"], line("P8")["trackers"]) == ("", "")
    assert (line("P9")["answer"], line("P13")["answer"]) == ("", "")
    # The re-vote counts; the first receipt is no longer on the roll.
    first, second = Ballot.objects.filter(motion=motion, owner=e.people["P5"]).order_by("revision")
    assert (line("P5")["answer"], line("P5")["trackers"]) == ("no", second.tracker)

    url = reverse("votes:result", args=[motion.public_id])
    found = client.get(url, {"tracker": second.tracker.lower().replace("-", " ")})
    assert found.context["lookup"].status == "found"
    assert found.context["lookup"].line.number == voters["P5"].number
    assert [r.number for r in found.context["rows"] if r.highlighted] == [voters["P5"].number]
    replaced = client.get(url, {"tracker": first.tracker})
    assert replaced.context["lookup"].status == "replaced"
    (rejected,) = Ballot.objects.filter(motion=motion, owner=e.people["P8"])
    assert client.get(url, {"tracker": rejected.tracker}).context["lookup"].status == "replaced"
