"""Counting a motion: its frozen roll and current ballots as plain values, through the engine.

Everything here reads; it never writes. The tally loads the roll and the ballots with one query
each as tuples (no model objects), keeps each (voter, owner)'s current valid ballot — the highest
revision among online ballots and checked-and-accepted paper or proxy ballots — and hands plain
values to linli.domain. The public roll lists every voter by number with their area, their
counted answer and their receipt codes, so anyone can recompute the published totals.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.domain import choices as multi
from linli.domain import tally as yesno
from linli.domain.electorate import Electorate, Voter
from linli.domain.tally import Base, Rule, Threshold
from linli.domain.units import format_hundredths
from linli.votes.models import Ballot, Motion, MotionResult, RollOwner, RollVoter

VALID = Q(channel=Ballot.Channel.ONLINE) | Q(review__accepted=True)
CONFLICT = "conflict"


def rule_of(motion: Motion) -> Rule:
    """The engine rule of a motion."""
    clauses = {
        "follow_majority_option": motion.follow_majority_option,
        "silent_owners_follow_majority": motion.silent_owners_follow_majority,
    }
    if motion.rule_kind == Motion.RuleKind.SPECIAL:
        return Rule.special(**clauses)
    if motion.rule_kind == Motion.RuleKind.SIMPLE_MAJORITY:
        return Rule.simple_majority()
    if motion.rule_kind == Motion.RuleKind.CUSTOM:
        return Rule.custom(
            quorum=Threshold(motion.quorum_numerator, motion.quorum_denominator, inclusive=True),
            approval=Threshold(
                motion.approval_numerator,
                motion.approval_denominator,
                inclusive=motion.approval_inclusive,
            ),
            base=Base.PARTICIPATING,
            **clauses,
        )
    return Rule.ordinary(**clauses)


def pending_checks(motion: Motion) -> QuerySet[Ballot]:
    """Paper and proxy ballots still waiting for a second worker."""
    return Ballot.objects.filter(motion=motion, review__isnull=True).exclude(
        channel=Ballot.Channel.ONLINE
    )


def electorate_of(motion: Motion) -> tuple[Electorate, dict[str, tuple[int, int]]]:
    """The frozen roll as an engine electorate, and each key's (roll number, area)."""
    owners: dict[int, list[tuple[int, bool]]] = {}
    for voter_id, person_id, rep in RollOwner.objects.filter(motion=motion).values_list(
        "voter_id", "person_id", "is_representative"
    ):
        owners.setdefault(voter_id, []).append((person_id, rep))
    voters = []
    numbers: dict[str, tuple[int, int]] = {}
    rows = RollVoter.objects.filter(motion=motion).values_list(
        "id", "key", "area", "is_developer", "number"
    )
    # Sorted here, not by the database: the engine wants Python's order of keys, whatever the
    # database's collation.
    for voter_id, key, area, dev, number in sorted(rows, key=lambda row: row[1]):
        persons = owners.get(voter_id, [])
        voters.append(
            Voter(
                key=key,
                unit_ids=(),
                area=area,
                owner_ids=tuple(sorted(p for p, _rep in persons)),
                representative_id=next((p for p, rep in persons if rep), None),
                is_developer=dev,
            )
        )
        numbers[key] = (number, area)
    return Electorate(voters=tuple(voters)), numbers


@dataclass(frozen=True)
class Current:
    """The current valid ballot of one (voter, owner)."""

    key: str
    owner_id: int
    choice: str
    options: tuple[int, ...]
    tracker: str


def current_ballots(motion: Motion) -> list[Current]:
    """Each (voter, owner)'s highest valid revision, as plain values, in one query."""
    latest: dict[tuple[str, int], Current] = {}
    rows = (
        Ballot.objects.filter(motion=motion)
        .filter(VALID)
        .order_by("voter_id", "owner_id", "revision")
        .values_list("voter__key", "owner_id", "choice", "options", "tracker")
    )
    for key, owner_id, choice, options, tracker in rows.iterator(chunk_size=5000):
        latest[(key, owner_id)] = Current(key, owner_id, choice, tuple(options or ()), tracker)
    return list(latest.values())


def engine_result(motion: Motion) -> Any:
    """The engine's result for the motion's current ballots (TallyResult or a choices result)."""
    electorate, _numbers = electorate_of(motion)
    return _engine(motion, electorate, current_ballots(motion))


def _engine(motion: Motion, electorate: Electorate, ballots: list[Current]) -> Any:
    rule = rule_of(motion)
    if motion.kind == Motion.Kind.YES_NO:
        return yesno.tally(
            electorate,
            [yesno.Ballot(b.key, b.owner_id, yesno.Choice(b.choice)) for b in ballots],
            rule,
        )
    option_ballots = [multi.OptionBallot(b.key, b.owner_id, b.options) for b in ballots]
    positions = list(motion.options.values_list("position", flat=True))
    if motion.kind == Motion.Kind.CHOOSE_ONE:
        return multi.tally_choose_one(electorate, option_ballots, positions, rule)
    return multi.tally_elect(electorate, option_ballots, positions, rule, motion.seats or 1)


# One query: each (voter, owner)'s latest valid ballot, each voter's answer (a conflict when its
# owners disagree), then headcount and area per answer. The engine decides from those figures.
ANSWERS_SQL = """
WITH latest AS (
    SELECT b.voter_id, {answer} AS answer,
           ROW_NUMBER() OVER (
               PARTITION BY b.voter_id, b.owner_id ORDER BY b.revision DESC
           ) AS position
    FROM votes_ballot b
    LEFT JOIN votes_ballotcheck c ON c.ballot_id = b.id
    WHERE b.motion_id = %s AND (b.channel = %s OR c.accepted = %s)
),
per_voter AS (
    SELECT voter_id, MIN(answer) AS answer, COUNT(DISTINCT answer) AS answers
    FROM latest WHERE position = 1 GROUP BY voter_id
)
SELECT CASE WHEN p.answers > 1 THEN NULL ELSE p.answer END AS answer,
       COUNT(*), SUM(r.area)
FROM per_voter p JOIN votes_rollvoter r ON r.id = p.voter_id
GROUP BY CASE WHEN p.answers > 1 THEN NULL ELSE p.answer END
"""


def answer_totals(motion: Motion) -> dict[str | None, tuple[int, int]]:
    """Headcount and area per voter answer, aggregated in SQL; None stands for a conflict.

    Answers are the choice (yes/no/abstain/follow_majority) of a yes-or-no motion, else the
    JSON text of the chosen positions, which the service always stores sorted.
    """
    if motion.kind == Motion.Kind.YES_NO:
        answer = "b.choice"
    elif connection.vendor == "postgresql":
        answer = "b.options::text"
    else:
        answer = "b.options"
    with connection.cursor() as cursor:
        cursor.execute(
            ANSWERS_SQL.format(answer=answer), [motion.pk, Ballot.Channel.ONLINE.value, True]
        )
        return {row[0]: (int(row[1]), int(row[2] or 0)) for row in cursor.fetchall()}


def _aggregated_result(motion: Motion) -> Any:
    """The engine's result from the SQL aggregate (the same figures as counting ballot by ballot)."""
    totals = answer_totals(motion)
    area_total, headcount_total = motion.area_total or 0, motion.headcount_total or 0
    rule = rule_of(motion)
    conflict_heads, conflict_area = totals.pop(None, (0, 0))
    if motion.kind == Motion.Kind.YES_NO:
        fields: dict[str, int] = {
            "headcount_conflict": conflict_heads,
            "area_conflict": conflict_area,
        }
        for choice, (heads, area) in totals.items():
            name = yesno.Choice(choice or "").value
            fields[f"headcount_{name}"], fields[f"area_{name}"] = heads, area
        return yesno.decide(area_total, headcount_total, yesno.Breakdown(**fields), rule)
    by_answer: dict[tuple[int, ...], tuple[int, int]] = {}
    for text, (heads, area) in totals.items():
        picked = tuple(sorted(json.loads(text or "[]")))
        old_heads, old_area = by_answer.get(picked, (0, 0))
        by_answer[picked] = (old_heads + heads, old_area + area)
    answers = multi.Answers(by_answer, conflict_heads, conflict_area)
    positions = list(motion.options.values_list("position", flat=True))
    if motion.kind == Motion.Kind.CHOOSE_ONE:
        return multi.choose_one_from_answers(area_total, headcount_total, answers, positions, rule)
    return multi.elect_from_answers(
        area_total, headcount_total, answers, positions, rule, motion.seats or 1
    )


def result_data(motion: Motion) -> dict[str, Any]:
    """Every total and the outcome of a motion, as JSON-ready values (stored in MotionResult).

    Aggregated in SQL (two queries whatever the size of the roll); `result_data_by_ballot`
    counts the same ballots one by one through the engine and must agree (tested).
    """
    return _result_data(motion, _aggregated_result(motion))


def result_data_by_ballot(motion: Motion) -> dict[str, Any]:
    """`result_data` computed ballot by ballot from the frozen roll: the reference count."""
    electorate, _numbers = electorate_of(motion)
    return _result_data(motion, _engine(motion, electorate, current_ballots(motion)))


def _result_data(motion: Motion, result: Any) -> dict[str, Any]:
    area_total, headcount_total = motion.area_total or 0, motion.headcount_total or 0
    labels = dict(motion.options.values_list("position", "label"))
    rule = rule_of(motion)
    data: dict[str, Any] = {
        "kind": motion.kind,
        "rule": {
            "kind": rule.kind.value,
            "quorum": [rule.quorum.numerator, rule.quorum.denominator, rule.quorum.inclusive]
            if rule.quorum
            else None,
            "approval": [
                rule.approval.numerator,
                rule.approval.denominator,
                rule.approval.inclusive,
            ],
            "base": rule.base.value,
            "follow_majority_option": rule.follow_majority_option,
            "silent_owners_follow_majority": rule.silent_owners_follow_majority,
        },
        "area_total": area_total,
        "headcount_total": headcount_total,
    }
    if motion.kind == Motion.Kind.YES_NO:
        b, counts = result.breakdown, result.counts
        data.update(
            area_participating=counts.area_participating,
            headcount_participating=counts.headcount_participating,
            area_yes=b.area_yes,
            headcount_yes=b.headcount_yes,
            area_no=b.area_no,
            headcount_no=b.headcount_no,
            area_abstain=b.area_abstain,
            headcount_abstain=b.headcount_abstain,
            area_follow_majority=b.area_follow_majority,
            headcount_follow_majority=b.headcount_follow_majority,
            area_conflict=b.area_conflict,
            headcount_conflict=b.headcount_conflict,
            quorum_met=result.quorum_met,
            passed=result.passed,
            outcome="passed" if result.passed else "failed",
            reason=result.reason.value,
            basis=result.basis.value,
            explanation=result.explanation,
            conflicts=b.headcount_conflict,
            invalid=len(result.invalid_ballots),
        )
        return data
    rows = result.options if motion.kind == Motion.Kind.CHOOSE_ONE else result.candidates
    data.update(
        area_participating=result.area_participating,
        headcount_participating=result.headcount_participating,
        quorum_met=result.quorum_met,
        conflicts=result.headcount_conflict,
        spoiled=result.headcount_spoiled,
        invalid=len(result.invalid_ballots),
        options=[_option_row(r, labels) for r in rows],
    )
    if motion.kind == Motion.Kind.CHOOSE_ONE:
        data.update(
            passed=result.winner is not None,
            outcome=result.outcome.value,
            reason=result.outcome.value,
            winner=result.winner,
            area_abstain=result.area_abstain,
            headcount_abstain=result.headcount_abstain,
            runoff=list(result.runoff),
        )
    else:
        for row in data["options"]:
            row["seat"] = result.seat_of(row["position"]).value
        data.update(
            passed=bool(result.elected),
            outcome="elected" if result.elected else "none_elected",
            reason="quorum_not_met" if not result.quorum_met else "counted",
            elected=list(result.elected),
            alternates=list(result.alternates),
            tied=list(result.tied),
            seats=result.seats,
        )
    return data


def _option_row(row: Any, labels: dict[int, str]) -> dict[str, Any]:
    position = row.option if hasattr(row, "option") else row.candidate
    return {
        "position": position,
        "label": labels.get(position, ""),
        "area": row.area,
        "headcount": row.headcount,
        "passed": row.passed,
        "approval_area_met": row.decision.approval_area_met,
        "approval_headcount_met": row.decision.approval_headcount_met,
    }


# --- the public roll ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RollLine:
    """One voter on the public roll: number, area (0.01 m²), counted answer, receipt codes."""

    number: int
    area: int
    answer: str
    trackers: tuple[str, ...]


def _answer(motion: Motion, ballots: list[Current]) -> str:
    answers = {b.choice if motion.kind == Motion.Kind.YES_NO else _options(b) for b in ballots}
    if len(answers) > 1:
        return CONFLICT
    return answers.pop()


def _options(ballot: Current) -> str:
    return ";".join(str(o) for o in ballot.options) or "abstain"


def public_roll(motion: Motion) -> Iterator[RollLine]:
    """Every voter of the frozen roll with their counted answer ('' when they did not vote)."""
    _electorate, numbers = electorate_of(motion)
    by_key: dict[str, list[Current]] = {}
    for ballot in current_ballots(motion):
        by_key.setdefault(ballot.key, []).append(ballot)
    lines = []
    for key, (number, area) in numbers.items():
        ballots = by_key.get(key, [])
        lines.append(
            RollLine(
                number=number,
                area=area,
                answer=_answer(motion, ballots) if ballots else "",
                trackers=tuple(sorted(b.tracker for b in ballots)),
            )
        )
    return iter(sorted(lines, key=lambda line: line.number))


ROLL_HEADER = ("number", "area_m2", "answer", "trackers")


def public_roll_csv(motion: Motion) -> str:
    """The public roll as CSV (UTF-8, areas in m² with two decimals); its SHA-256 is published."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROLL_HEADER)
    for line in public_roll(motion):
        writer.writerow(
            (line.number, format_hundredths(line.area), line.answer, " ".join(line.trackers))
        )
    return out.getvalue()


# --- staff views of a running vote -------------------------------------------------------------


@dataclass(frozen=True)
class Turnout:
    area_total: int
    headcount_total: int
    area_voted: int
    headcount_voted: int
    pending_checks: int

    @property
    def area_percent(self) -> str:
        return _percent(self.area_voted, self.area_total)

    @property
    def headcount_percent(self) -> str:
        return _percent(self.headcount_voted, self.headcount_total)


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "0.0"
    tenths = (part * 1000 + whole // 2) // whole
    return f"{tenths // 10}.{tenths % 10}"


def turnout(motion: Motion) -> Turnout:
    """Area and headcount of voters with a valid ballot so far, aggregated in SQL (two queries)."""
    voted = Ballot.objects.filter(voter=OuterRef("pk")).filter(VALID)
    totals = RollVoter.objects.filter(motion=motion).aggregate(
        area_voted=Sum("area", filter=Q(Exists(voted)), default=0),
        headcount_voted=Count("id", filter=Q(Exists(voted))),
    )
    return Turnout(
        area_total=motion.area_total or 0,
        headcount_total=motion.headcount_total or 0,
        area_voted=totals["area_voted"],
        headcount_voted=totals["headcount_voted"],
        pending_checks=pending_checks(motion).count(),
    )


def non_voting_users(motion: Motion) -> QuerySet[User]:
    """Active users linked to an owner on the roll whose home has no standing ballot."""
    standing = Ballot.objects.filter(voter=OuterRef("voter_id")).filter(
        Q(channel=Ballot.Channel.ONLINE) | ~Q(review__accepted=False)
    )
    person_ids = RollOwner.objects.filter(motion=motion).filter(~Exists(standing))
    return User.objects.filter(
        is_active=True, persons__id__in=person_ids.values("person_id")
    ).distinct()


def result_text(motion: Motion, result: MotionResult) -> str:
    """The body of the result notice (公示): totals, outcome and how to check them."""
    d = result.data
    lines = [
        motion.title,
        "",
        _("Owners in the scope: %(heads)d, exclusive area %(area)s m².")
        % {"heads": d["headcount_total"], "area": format_hundredths(d["area_total"])},
        _("Took part: %(heads)d owners, %(area)s m².")
        % {
            "heads": d["headcount_participating"],
            "area": format_hundredths(d["area_participating"]),
        },
    ]
    if motion.kind == Motion.Kind.YES_NO:
        lines.append(
            _("Yes: %(heads)d owners, %(area)s m². No: %(nheads)d owners, %(narea)s m².")
            % {
                "heads": d["headcount_yes"],
                "area": format_hundredths(d["area_yes"]),
                "nheads": d["headcount_no"],
                "narea": format_hundredths(d["area_no"]),
            }
        )
    else:
        for row in d["options"]:
            lines.append(
                _("%(label)s: %(heads)d owners, %(area)s m².")
                % {
                    "label": row["label"],
                    "heads": row["headcount"],
                    "area": format_hundredths(row["area"]),
                }
            )
    lines += [
        "",
        _("Result: passed.") if result.passed else _("Result: not passed."),
        "",
        _(
            "Every owner's receipt code, answer and area are on the public result page "
            "/votes/%(id)s/result/ (no names); the roll file's SHA-256 is %(digest)s."
        )
        % {"id": motion.public_id, "digest": result.roll_digest},
    ]
    return "\n".join(lines)
