"""Published results anyone can check (公示): the totals and why, the public roll, its file, a PDF.

A published result is public by nature: these pages need no login and answer the same to
everyone, whatever their community. Every other status answers 404. Nothing here names a
person or a unit: the roll lists voters by their public number with their counted area,
answer and receipt codes, so an owner finds their own line by receipt code and anyone can
recompute A_T, N_T, A_P, N_P, A_Y, N_Y from the CSV, whose SHA-256 is the published digest.

What the pages say comes from the stored MotionResult (figures and reason codes); the tests of
each threshold are re-read from those figures with the rule's fractions, so a reader sees the
arithmetic the outcome rests on. A published result never changes, so the roll is cached.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from linli.core import clock
from linli.domain.tally import Threshold
from linli.domain.units import format_hundredths
from linli.votes import counting, selectors
from linli.votes.models import Ballot, Motion, MotionResult

# At most this many roll lines on one page (the brief allows up to 1,000).
ROLL_PAGE_SIZE = 500
# The printed 公示 lists the roll itself only when it fits on a few pages.
PDF_ROLL_LIMIT = 300
CACHE_SECONDS = 600
TRACKER_ALPHABET = "0-9A-HJKMNP-TV-Z"
TRACKER = re.compile(rf"^[{TRACKER_ALPHABET}]{{5}}-[{TRACKER_ALPHABET}]{{5}}$")
# Crockford base32 reads O as 0 and I, L as 1: what an owner copies from paper by mistake.
TRACKER_READINGS = str.maketrans("OIL", "011")


# --- reads -----------------------------------------------------------------------------------


def published_motion(public_id: uuid.UUID) -> Motion:
    """The motion with this public id and its result, in one query; 404 unless published."""
    motion = (
        Motion.objects.select_related(
            "community", "estate", "building", "entrance", "result", "result_notice"
        )
        .filter(public_id=public_id, status=Motion.StatusChoices.PUBLISHED)
        .first()
    )
    if motion is None or not hasattr(motion, "result"):
        raise Http404(_("This result has not been published."))
    return motion


def _cache_key(motion: Motion, what: str) -> str:
    return f"votes-public:{what}:{motion.public_id}:{motion.result.roll_digest[:16]}"


def public_roll(motion: Motion) -> list[counting.RollLine]:
    """The published roll of a motion (three queries the first time, then from the cache)."""
    key = _cache_key(motion, "roll")
    lines: list[counting.RollLine] | None = cache.get(key)
    if lines is None:
        lines = list(counting.public_roll(motion))
        cache.set(key, lines, CACHE_SECONDS)
    return lines


def public_roll_csv(motion: Motion) -> str:
    """The published roll file; its SHA-256 is MotionResult.roll_digest."""
    key = _cache_key(motion, "csv")
    text: str | None = cache.get(key)
    if text is None:
        text = counting.public_roll_csv(motion)
        cache.set(key, text, CACHE_SECONDS)
    return text


def result_public_url(motion: Motion) -> str:
    """The absolute address of the result page, printed as a QR code on the PDF."""
    return settings.LINLI_PUBLIC_URL.rstrip("/") + reverse(
        "votes:result", kwargs={"public_id": motion.public_id}
    )


# --- the result in words and figures ---------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One line of the totals: a headcount and an area (0.01 m²) with their shares of a whole.

    `symbol` names the figure on the page (data-figure="N_P", "A_P", …) so a reader, or a test,
    can take the shown value and compare it with the recomputation from the roll file.
    """

    symbol: str
    label: str
    headcount: int
    area: int
    headcount_share: str = ""
    area_share: str = ""


@dataclass(frozen=True)
class Check:
    """One test of the rule: what was needed, the share reached, and whether it held."""

    label: str
    needed: str
    share: str
    met: bool | None


@dataclass(frozen=True)
class OptionLine:
    """One option or candidate, in the engine's ranking."""

    rank: int
    position: int
    label: str
    headcount: int
    area: int
    headcount_share: str
    area_share: str
    passed: bool
    status: str
    status_code: str


@dataclass(frozen=True)
class Summary:
    """A published result as the public pages show it."""

    kind: str
    passed: bool
    headline: str
    reasons: list[str]
    relies_on: str
    rule: str
    checks_title: str
    figures: list[Figure] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    options: list[OptionLine] = field(default_factory=list)


def percent(part: int, whole: int) -> str:
    """part/whole as a percentage with two decimals, rounded half up, in integers: '66.67'."""
    if whole <= 0:
        return "0.00"
    hundredths = (part * 10000 * 2 + whole) // (whole * 2)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def _m2(value: int) -> str:
    return format_hundredths(value)


def _describe(threshold: Threshold) -> str:
    fraction = f"{threshold.numerator}/{threshold.denominator}"
    if threshold.inclusive:
        return _("at least %(fraction)s") % {"fraction": fraction}
    return _("more than %(fraction)s") % {"fraction": fraction}


def _joined(items: Sequence[str]) -> str:
    return pgettext("list separator", ", ").join(items)


def _numbered(options: Sequence[dict[str, Any]], positions: Sequence[int]) -> str:
    labels = {row["position"]: row["label"] for row in options}
    return _joined([f"{p}. {labels.get(p, '')}".strip() for p in positions])


@dataclass(frozen=True)
class _Rule:
    """The rule as stored with the result: fractions, the approval base, which measures."""

    quorum: Threshold | None
    approval: Threshold
    base: str
    by_area: bool

    @classmethod
    def of(cls, data: dict[str, Any]) -> _Rule:
        rule = data["rule"]
        quorum = Threshold(*rule["quorum"]) if rule["quorum"] else None
        # A non-legal poll is decided by headcount alone (linli.domain.tally SIMPLE_MAJORITY).
        by_area = rule["kind"] != "simple_majority"
        return cls(quorum, Threshold(*rule["approval"]), rule["base"], by_area)


def _quorum_checks(rule: _Rule, data: dict[str, Any]) -> list[Check]:
    if rule.quorum is None or not data["headcount_total"]:
        return []
    needed = _describe(rule.quorum)
    checks = [
        Check(
            _("Quorum by headcount (N_P of N_T)"),
            needed,
            percent(data["headcount_participating"], data["headcount_total"]),
            rule.quorum.met(data["headcount_participating"], data["headcount_total"]),
        )
    ]
    if rule.by_area:
        checks.insert(
            0,
            Check(
                _("Quorum by area (A_P of A_T)"),
                needed,
                percent(data["area_participating"], data["area_total"]),
                rule.quorum.met(data["area_participating"], data["area_total"]),
            ),
        )
    return checks


def _base(rule: _Rule, data: dict[str, Any]) -> tuple[int, int, str]:
    """The (area, headcount) the yes side is measured against, and how to name it."""
    if rule.base == "total":
        return data["area_total"], data["headcount_total"], _("all owners in the scope")
    if rule.base == "decided":
        return (
            data["area_yes"] + data["area_no"],
            data["headcount_yes"] + data["headcount_no"],
            _("the owners who voted yes or no"),
        )
    return data["area_participating"], data["headcount_participating"], _("the owners taking part")


def _scope_sentences(data: dict[str, Any]) -> list[str]:
    return [
        ngettext(
            "%(heads)d owner with %(area)s m² of exclusive area is in the scope of the vote.",
            "%(heads)d owners with %(area)s m² of exclusive area are in the scope of the vote.",
            data["headcount_total"],
        )
        % {"heads": data["headcount_total"], "area": _m2(data["area_total"])},
        ngettext(
            "%(heads)d owner (%(heads_share)s%% of them) with %(area)s m² "
            "(%(area_share)s%% of the area) took part, abstentions included.",
            "%(heads)d owners (%(heads_share)s%% of them) with %(area)s m² "
            "(%(area_share)s%% of the area) took part, abstentions included.",
            data["headcount_participating"],
        )
        % {
            "heads": data["headcount_participating"],
            "heads_share": percent(data["headcount_participating"], data["headcount_total"]),
            "area": _m2(data["area_participating"]),
            "area_share": percent(data["area_participating"], data["area_total"]),
        },
    ]


def _quorum_sentence(rule: _Rule, checks: list[Check]) -> str:
    assert rule.quorum is not None
    needed = _describe(rule.quorum)
    flags = [c.met for c in checks]
    if not rule.by_area:
        if flags[0]:
            return _("The quorum (%(needed)s of the owners) was met.") % {"needed": needed}
        return _("The quorum (%(needed)s of the owners) was not met.") % {"needed": needed}
    area_met, heads_met = flags
    if area_met and heads_met:
        text = _("The quorum (%(needed)s of the owners and of the area) was met.")
    elif area_met:
        text = _(
            "The quorum (%(needed)s of the owners and of the area) was met by area but not by "
            "headcount."
        )
    elif heads_met:
        text = _(
            "The quorum (%(needed)s of the owners and of the area) was met by headcount but not "
            "by area."
        )
    else:
        text = _(
            "The quorum (%(needed)s of the owners and of the area) was not met on either count."
        )
    return text % {"needed": needed}


def _reached(area_met: bool | None, heads_met: bool | None) -> str:
    if area_met is None:
        return _("That is enough.") if heads_met else _("That is not enough.")
    if area_met and heads_met:
        return _("Both counts reach it.")
    if area_met:
        return _("The area reaches it, the headcount does not.")
    if heads_met:
        return _("The headcount reaches it, the area does not.")
    return _("Neither count reaches it.")


def _rule_text(motion: Motion, rule: _Rule) -> str:
    parts = [str(motion.get_rule_kind_display())]
    if rule.quorum is not None:
        parts.append(
            _("quorum: %(needed)s of the owners and of the area")
            % {"needed": _describe(rule.quorum)}
        )
    parts.append(_("approval: %(needed)s") % {"needed": _describe(rule.approval)})
    return pgettext("list separator", ", ").join(parts)


def _yes_no(motion: Motion, data: dict[str, Any]) -> Summary:
    rule = _Rule.of(data)
    base_area, base_heads, base_words = _base(rule, data)
    a_p, n_p = data["area_participating"], data["headcount_participating"]
    figures = [
        Figure("T", _("In the scope"), data["headcount_total"], data["area_total"]),
        Figure(
            "P",
            _("Took part"),
            n_p,
            a_p,
            percent(n_p, data["headcount_total"]),
            percent(a_p, data["area_total"]),
        ),
        Figure(
            "Y",
            pgettext("ballot", "Yes"),
            data["headcount_yes"],
            data["area_yes"],
            percent(data["headcount_yes"], n_p),
            percent(data["area_yes"], a_p),
        ),
        Figure(
            "N",
            pgettext("ballot", "No"),
            data["headcount_no"],
            data["area_no"],
            percent(data["headcount_no"], n_p),
            percent(data["area_no"], a_p),
        ),
        Figure(
            "abstain",
            _("Abstain"),
            data["headcount_abstain"],
            data["area_abstain"],
            percent(data["headcount_abstain"], n_p),
            percent(data["area_abstain"], a_p),
        ),
    ]
    if data["rule"]["follow_majority_option"] or data["headcount_follow_majority"]:
        figures.append(
            Figure(
                "follow_majority",
                _("Follow the majority (随多数)"),
                data["headcount_follow_majority"],
                data["area_follow_majority"],
                percent(data["headcount_follow_majority"], n_p),
                percent(data["area_follow_majority"], a_p),
            )
        )
    apart = _apart(data)
    if data["headcount_conflict"]:
        figures.append(
            Figure(
                "conflict",
                _("Co-owners disagreed (not counted)"),
                data["headcount_conflict"],
                data["area_conflict"],
            )
        )

    quorum_checks = _quorum_checks(rule, data)
    checks = list(quorum_checks)
    quorum_met = all(c.met for c in quorum_checks)
    approval_area = approval_heads = None
    if data["headcount_total"] and quorum_met:
        approval_heads = rule.approval.met(data["headcount_yes"], base_heads)
        if rule.by_area:
            approval_area = rule.approval.met(data["area_yes"], base_area)
    needed = _describe(rule.approval)
    if rule.by_area:
        checks.append(
            Check(
                _("Approval by area (A_Y of %(base)s)") % {"base": base_words},
                needed,
                percent(data["area_yes"], base_area),
                approval_area,
            )
        )
    checks.append(
        Check(
            _("Approval by headcount (N_Y of %(base)s)") % {"base": base_words},
            needed,
            percent(data["headcount_yes"], base_heads),
            approval_heads,
        )
    )

    reasons: list[str] = []
    if not data["headcount_total"]:
        reasons.append(_("Nobody in the scope can vote, so nothing can pass."))
    else:
        reasons += _scope_sentences(data)
        if rule.quorum is not None:
            reasons.append(_quorum_sentence(rule, quorum_checks))
        if quorum_met:
            if rule.by_area:
                reasons.append(
                    ngettext(
                        "%(heads)d owner with %(area)s m² voted yes: %(heads_share)s%% of "
                        "%(base)s by headcount and %(area_share)s%% by area; %(needed)s of each "
                        "is needed.",
                        "%(heads)d owners with %(area)s m² voted yes: %(heads_share)s%% of "
                        "%(base)s by headcount and %(area_share)s%% by area; %(needed)s of each "
                        "is needed.",
                        data["headcount_yes"],
                    )
                    % {
                        "heads": data["headcount_yes"],
                        "area": _m2(data["area_yes"]),
                        "heads_share": percent(data["headcount_yes"], base_heads),
                        "area_share": percent(data["area_yes"], base_area),
                        "base": base_words,
                        "needed": needed,
                    }
                )
            else:
                reasons.append(
                    ngettext(
                        "%(heads)d owner voted yes: %(heads_share)s%% of %(base)s; %(needed)s "
                        "is needed.",
                        "%(heads)d owners voted yes: %(heads_share)s%% of %(base)s; %(needed)s "
                        "is needed.",
                        data["headcount_yes"],
                    )
                    % {
                        "heads": data["headcount_yes"],
                        "heads_share": percent(data["headcount_yes"], base_heads),
                        "base": base_words,
                        "needed": needed,
                    }
                )
            reasons.append(_reached(approval_area, approval_heads))
    relies_on = data.get("basis", "strict") if data["passed"] else "strict"
    if relies_on == "follow_majority":
        headline = _("Passed, relying on the “follow the majority” (随多数) clause")
        reasons.append(
            ngettext(
                "This pass relies on the “follow the majority” (随多数) clause of the "
                "community's rules: the %(heads)d owner with %(area)s m² who chose it was "
                "counted as voting yes, with the majority. Without that clause the motion "
                "would not have passed.",
                "This pass relies on the “follow the majority” (随多数) clause of the "
                "community's rules: the %(heads)d owners with %(area)s m² who chose it were "
                "counted as voting yes, with the majority. Without that clause the motion "
                "would not have passed.",
                data["headcount_follow_majority"],
            )
            % {
                "heads": data["headcount_follow_majority"],
                "area": _m2(data["area_follow_majority"]),
            }
        )
    elif relies_on == "silent_majority":
        headline = _("Passed, relying on the “silent owners follow the majority” clause")
        reasons.append(
            ngettext(
                "This pass relies on the clause of the community's rules that owners who did "
                "not vote follow the majority: the %(heads)d owner with %(area)s m² who did not "
                "vote was counted as voting yes. Without that clause the motion would not have "
                "passed.",
                "This pass relies on the clause of the community's rules that owners who did "
                "not vote follow the majority: the %(heads)d owners with %(area)s m² who did not "
                "vote were counted as voting yes. Without that clause the motion would not have "
                "passed.",
                data["headcount_total"] - n_p,
            )
            % {
                "heads": data["headcount_total"] - n_p,
                "area": _m2(data["area_total"] - a_p),
            }
        )
    elif data["passed"]:
        headline = _("Passed")
    else:
        headline = _("Not passed")
    return Summary(
        kind=motion.kind,
        passed=bool(data["passed"]),
        headline=headline,
        reasons=reasons + apart,
        relies_on="" if relies_on == "strict" else relies_on,
        rule=_rule_text(motion, rule),
        checks_title=_("The tests of the rule, on the strict count")
        if relies_on != "strict"
        else _("The tests of the rule"),
        figures=figures,
        checks=checks,
    )


def _apart(data: dict[str, Any]) -> list[str]:
    """Sentences about ballots that did not count: co-owner conflicts and spoiled ballots."""
    notes = []
    if data.get("conflicts"):
        notes.append(
            ngettext(
                "%(count)d home whose co-owners gave different answers was not counted "
                "(marked “conflict” on the roll).",
                "%(count)d homes whose co-owners gave different answers were not counted "
                "(marked “conflict” on the roll).",
                data["conflicts"],
            )
            % {"count": data["conflicts"]}
        )
    if data.get("spoiled"):
        notes.append(
            ngettext(
                "%(count)d ballot chose more options than allowed and counts for no option.",
                "%(count)d ballots chose more options than allowed and count for no option.",
                data["spoiled"],
            )
            % {"count": data["spoiled"]}
        )
    return notes


def _option_lines(data: dict[str, Any], statuses: dict[int, tuple[str, str]]) -> list[OptionLine]:
    a_p, n_p = data["area_participating"], data["headcount_participating"]
    return [
        OptionLine(
            rank=rank,
            position=row["position"],
            label=row["label"],
            headcount=row["headcount"],
            area=row["area"],
            headcount_share=percent(row["headcount"], n_p),
            area_share=percent(row["area"], a_p),
            passed=bool(row["passed"]),
            status=statuses[row["position"]][1],
            status_code=statuses[row["position"]][0],
        )
        for rank, row in enumerate(data["options"], start=1)
    ]


def _options(motion: Motion, data: dict[str, Any]) -> Summary:
    rule = _Rule.of(data)
    a_p, n_p = data["area_participating"], data["headcount_participating"]
    figures = [
        Figure("T", _("In the scope"), data["headcount_total"], data["area_total"]),
        Figure(
            "P",
            _("Took part"),
            n_p,
            a_p,
            percent(n_p, data["headcount_total"]),
            percent(a_p, data["area_total"]),
        ),
    ]
    checks = _quorum_checks(rule, data)
    needed = _describe(rule.approval)
    options = data["options"]
    reasons: list[str] = []
    if data["headcount_total"]:
        reasons += _scope_sentences(data)
        if rule.quorum is not None:
            reasons.append(_quorum_sentence(rule, checks))
    statuses: dict[int, tuple[str, str]] = {}
    if motion.kind == Motion.Kind.CHOOSE_ONE:
        winner, runoff = data.get("winner"), data.get("runoff") or []
        for row in options:
            p = row["position"]
            if p == winner:
                statuses[p] = ("winner", _("Chosen"))
            elif p in runoff:
                statuses[p] = ("runoff", _("In the run-off"))
            else:
                statuses[p] = ("not_chosen", _("Not chosen"))
        outcome = data["outcome"]
        if outcome == "winner":
            row = next(r for r in options if r["position"] == winner)
            headline = _("Option %(number)d is chosen") % {"number": winner}
            reasons.append(
                ngettext(
                    "Option %(number)d, “%(label)s”, is chosen by %(heads)d owner "
                    "(%(heads_share)s%% of those taking part) with %(area)s m² "
                    "(%(area_share)s%%); %(needed)s of each is needed.",
                    "Option %(number)d, “%(label)s”, is chosen by %(heads)d owners "
                    "(%(heads_share)s%% of those taking part) with %(area)s m² "
                    "(%(area_share)s%%); %(needed)s of each is needed.",
                    row["headcount"],
                )
                % {
                    "number": winner,
                    "label": row["label"],
                    "heads": row["headcount"],
                    "heads_share": percent(row["headcount"], n_p),
                    "area": _m2(row["area"]),
                    "area_share": percent(row["area"], a_p),
                    "needed": needed,
                }
            )
        elif outcome == "no_option_passed":
            headline = _("No option passed")
            reasons.append(
                _(
                    "No option was chosen by %(needed)s of the owners taking part on both "
                    "counts, so none passed."
                )
                % {"needed": needed}
            )
            if runoff:
                reasons.append(
                    _("A run-off between %(options)s is proposed.")
                    % {"options": _numbered(options, runoff)}
                )
        elif outcome == "tie":
            headline = _("Tie: no option chosen")
            reasons.append(
                _(
                    "Options %(options)s passed with exactly the same headcount and area, so "
                    "none is chosen; a run-off between them is needed."
                )
                % {"options": _numbered(options, runoff)}
            )
        elif outcome == "no_quorum":
            headline = _("Not decided: quorum not met")
            reasons.append(_("No option can be chosen because the quorum was not met."))
        else:
            headline = _("Not decided")
            reasons.append(_("Nobody in the scope can vote, so nothing can pass."))
    else:
        elected = data.get("elected") or []
        alternates = data.get("alternates") or []
        tied = data.get("tied") or []
        seat_words = {
            "elected": _("Elected"),
            "alternate": _("Alternate (候补)"),
            "tied": _("Tied for the last seat"),
            "not_elected": _("Not elected"),
        }
        for row in options:
            seat = row.get("seat", "not_elected")
            statuses[row["position"]] = (seat, seat_words.get(seat, seat))
        seats = data.get("seats") or motion.seats or 0
        headline = ngettext(
            "%(elected)d of %(seats)d seat filled", "%(elected)d of %(seats)d seats filled", seats
        ) % {
            "elected": len(elected),
            "seats": seats,
        }
        if not data["quorum_met"]:
            reasons.append(_("Nobody is elected because the quorum was not met."))
        else:
            reasons.append(
                _(
                    "Each candidate needed %(needed)s of the owners taking part on both counts; "
                    "candidates who passed take the seats in order of headcount, then area."
                )
                % {"needed": needed}
            )
            if elected:
                reasons.append(_("Elected: %(names)s.") % {"names": _numbered(options, elected)})
            if alternates:
                reasons.append(
                    _("Alternates (候补), in order: %(names)s.")
                    % {"names": _numbered(options, alternates)}
                )
            if tied:
                reasons.append(
                    _(
                        "%(names)s passed with exactly the same headcount and area for the last "
                        "seat: a run-off between them decides it."
                    )
                    % {"names": _numbered(options, tied)}
                )
            if not elected and not tied:
                reasons.append(_("No candidate passed."))
    apart = _apart(data)
    return Summary(
        kind=motion.kind,
        passed=bool(data["passed"]),
        headline=headline,
        reasons=reasons + apart,
        relies_on="",
        rule=_rule_text(motion, rule),
        checks_title=_("The tests of the rule"),
        figures=figures,
        checks=checks,
        options=_option_lines(data, statuses),
    )


def summarise(motion: Motion, result: MotionResult) -> Summary:
    """What a published result says, in words and figures, from its stored data."""
    if motion.kind == Motion.Kind.YES_NO:
        return _yes_no(motion, result.data)
    return _options(motion, result.data)


# --- the roll on the page --------------------------------------------------------------------


@dataclass(frozen=True)
class RollRow:
    """A roll line as shown: the answer in words, and whether the visitor looked it up."""

    number: int
    area: int
    answer: str
    answer_text: str
    trackers: tuple[str, ...]
    highlighted: bool


def answer_text(kind: str, answer: str) -> str:
    """The roll's answer code in words ('' → did not vote)."""
    if answer == "":
        return _("Did not vote")
    if answer == counting.CONFLICT:
        return _("Co-owners disagreed (not counted)")
    if answer == "abstain":
        return str(Ballot.ChoiceValue.ABSTAIN.label)
    if kind == Motion.Kind.YES_NO:
        try:
            return str(Ballot.ChoiceValue(answer).label)
        except ValueError:
            return answer
    return _joined(answer.split(";"))


def rows_of(
    kind: str, lines: Sequence[counting.RollLine], highlight: int | None = None
) -> list[RollRow]:
    return [
        RollRow(
            number=line.number,
            area=line.area,
            answer=line.answer,
            answer_text=answer_text(kind, line.answer),
            trackers=line.trackers,
            highlighted=line.number == highlight,
        )
        for line in lines
    ]


@dataclass(frozen=True)
class Lookup:
    """A visitor's receipt code and what the roll says about it."""

    code: str
    status: str  # found | replaced | not_found | invalid
    line: counting.RollLine | None = None
    index: int | None = None


def normalise_tracker(raw: str) -> str | None:
    """'7qk2m x9d4t', '7QK2MX9D4T' or '7QK2M-X9D4T' → '7QK2M-X9D4T'; None if not a code."""
    text = re.sub(r"[\s\-‐–—]", "", raw.upper()).translate(TRACKER_READINGS)
    code = f"{text[:5]}-{text[5:]}"
    return code if TRACKER.match(code) else None


def lookup_tracker(motion: Motion, lines: Sequence[counting.RollLine], raw: str) -> Lookup | None:
    """Where a receipt code stands on the roll (one query when it is not on it)."""
    raw = raw.strip()[:40]
    if not raw:
        return None
    code = normalise_tracker(raw)
    if code is None:
        return Lookup(raw, "invalid")
    for index, line in enumerate(lines):
        if code in line.trackers:
            return Lookup(code, "found", line, index)
    # A receipt of a ballot that was replaced by a re-vote, or of a paper ballot the check
    # refused, does not count; say so rather than "not found".
    if Ballot.objects.filter(motion=motion, tracker=code).exists():
        return Lookup(code, "replaced")
    return Lookup(code, "not_found")


# --- pages -----------------------------------------------------------------------------------


def _page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


@require_safe
def result(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The published result: totals, tests, outcome and reason, options, digest and the roll.

    Anyone may read it. The query count does not grow with the roll: the motion and its result
    in one query, the roll in three (then cached), one more for an unknown receipt code.
    """
    motion = published_motion(public_id)
    lines = public_roll(motion)
    lookup = lookup_tracker(motion, lines, request.GET.get("tracker", ""))
    number = _page_number(request)
    if lookup is not None and lookup.index is not None:
        number = lookup.index // ROLL_PAGE_SIZE + 1
    page = Paginator(lines, ROLL_PAGE_SIZE).get_page(number)
    highlight = lookup.line.number if lookup is not None and lookup.line is not None else None
    context = {
        "motion": motion,
        "result": motion.result,
        "summary": summarise(motion, motion.result),
        "scope": selectors.scope_text(motion),
        "lookup": lookup,
        "page": page,
        "rows": rows_of(motion.kind, list(page.object_list), highlight),
        "roll_size": len(lines),
        "page_size": ROLL_PAGE_SIZE,
    }
    return render(request, "votes/public/result.html", context)


@require_safe
def result_csv(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The public roll as CSV (UTF-8, no BOM): its SHA-256 is the published roll digest."""
    motion = published_motion(public_id)
    response = HttpResponse(public_roll_csv(motion), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roll-{motion.public_id}.csv"'
    return response


@require_safe
def result_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The result as a printable 公示 (A4 PDF) with a QR code to the result page."""
    # WeasyPrint and its fonts stay out of every worker until the first PDF is asked for.
    from linli.votes.pdf import render_result_pdf

    motion = published_motion(public_id)
    today = clock.today()
    key = f"{_cache_key(motion, 'pdf')}:{today.isoformat()}:{get_language()}"
    content: bytes | None = cache.get(key)
    if content is None:
        roll = None
        if (motion.headcount_total or 0) <= PDF_ROLL_LIMIT:
            roll = rows_of(motion.kind, public_roll(motion))
        content = render_result_pdf(
            motion,
            summary=summarise(motion, motion.result),
            scope=selectors.scope_text(motion),
            roll=roll,
            public_url=result_public_url(motion),
            printed_on=today,
        )
        cache.set(key, content, CACHE_SECONDS)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="result-{motion.public_id}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("<uuid:public_id>/result/", result, name="result"),
    path("<uuid:public_id>/result/roll.csv", result_csv, name="result_csv"),
    path("<uuid:public_id>/result.pdf", result_pdf, name="result_pdf"),
]
