"""Owners voting on a phone, in three screens: the question and answer form (1), "please
confirm your choice" (2) and the receipt with its tracker code (3); plus "My votes".

Screens 1 → 2 → 3 are GET detail, POST confirm, POST cast → redirect to the receipt. The answer
travels from screen 1 to 2 as the form and from 2 to 3 as hidden fields; both steps check it with
`AnswerForm`, and `services.ballot_cast` checks it again before it writes. Bad input re-renders
screen 1 with a translated message (400, or 409 when the state forbids it); a voter that is not
the user's answers 404, like a motion they may not see.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from linli.core import clock
from linli.core.errors import Forbidden, LinliError, NotFound
from linli.core.views import translate_errors
from linli.votes import selectors, services
from linli.votes.models import Ballot, Motion, MotionOption
from linli.votes.selectors import MyVoter

ABSTAIN = "abstain"


# --- the answer -------------------------------------------------------------------------------


class PositionsField(forms.Field):
    """A list of option numbers from repeated `options` fields (the ticked candidates)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return [int(v) for v in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(
                _("This option does not exist."), code="invalid_choice"
            ) from None


class AnswerForm(forms.Form):
    """One voter's answer: `choice` for yes/no (and choose-one, as the option's number or
    "abstain"); `options` the ticked candidates of an election (or `choice` "abstain").

    `cleaned_data["answer"]` is (choice, options) as `services.ballot_cast` takes them.
    """

    voter = forms.IntegerField(min_value=1)
    choice = forms.CharField(required=False, max_length=20)
    options = PositionsField(required=False)

    def __init__(self, data: Any, *, motion: Motion, options: list[MotionOption]) -> None:
        super().__init__(data)
        self.motion = motion
        self.positions = [o.position for o in options]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        choice, picked = data.get("choice") or "", data.get("options") or []
        if self.motion.kind == Motion.Kind.YES_NO:
            data["answer"] = self._yes_no(choice, picked)
        elif self.motion.kind == Motion.Kind.CHOOSE_ONE:
            data["answer"] = self._choose_one(choice, picked)
        else:
            data["answer"] = self._elect(choice, picked)
        return data

    def _yes_no(self, choice: str, picked: list[int]) -> tuple[str | None, list[int]]:
        allowed = {"yes", "no", ABSTAIN}
        if self.motion.follow_majority_option:
            allowed.add("follow_majority")
        if choice not in allowed or picked:
            raise forms.ValidationError(_("Choose yes, no or abstain."), code="invalid_choice")
        return choice, []

    def _choose_one(self, choice: str, picked: list[int]) -> tuple[str | None, list[int]]:
        if choice == ABSTAIN and not picked:
            return None, []
        try:
            position = int(choice)
        except ValueError:
            raise forms.ValidationError(
                _("Choose one option, or abstain."), code="invalid_choice"
            ) from None
        if position not in self.positions or picked:
            raise forms.ValidationError(_("This option does not exist."), code="invalid_choice")
        return None, [position]

    def _elect(self, choice: str, picked: list[int]) -> tuple[str | None, list[int]]:
        seats = self.motion.seats or 1
        if not picked and choice != ABSTAIN:
            raise forms.ValidationError(
                ngettext(
                    "Tick up to %(seats)d candidate, or abstain.",
                    "Tick up to %(seats)d candidates, or abstain.",
                    seats,
                )
                % {"seats": seats},
                code="invalid_choice",
            )
        if picked and choice:
            raise forms.ValidationError(
                _("Either tick candidates or abstain, not both."), code="invalid_choice"
            )
        if len(set(picked)) != len(picked) or not set(picked) <= set(self.positions):
            raise forms.ValidationError(_("This option does not exist."), code="invalid_choice")
        if len(picked) > seats:
            raise forms.ValidationError(
                _("Choose at most %(count)d.") % {"count": seats}, code="too_many_choices"
            )
        return None, sorted(picked)

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return _("Please check your answer.")


@dataclass(frozen=True)
class Checked:
    """A POSTed answer that passed every check: the user's voter, and the answer as
    `services.ballot_cast` takes it."""

    item: MyVoter
    choice: str | None
    options: list[int]


def _hidden_fields(motion: Motion, checked: Checked) -> dict[str, Any]:
    """The POST fields that carry a checked answer to the next screen."""
    voter, choice, options = checked.item.voter.pk, checked.choice, checked.options
    if motion.kind == Motion.Kind.YES_NO:
        return {"voter": voter, "choice": choice or "", "options": []}
    if motion.kind == Motion.Kind.CHOOSE_ONE:
        return {"voter": voter, "choice": str(options[0]) if options else ABSTAIN, "options": []}
    return {"voter": voter, "choice": "" if options else ABSTAIN, "options": options}


# --- screen 1: the question -------------------------------------------------------------------


def _labels(options: list[MotionOption]) -> dict[int, str]:
    return {o.position: o.label for o in options}


def _receipt_link(motion: Motion, ballot: Ballot) -> str:
    return reverse(
        "votes:receipt", kwargs={"public_id": motion.public_id, "tracker": ballot.tracker}
    )


def _detail_context(
    request: HttpRequest,
    motion: Motion,
    *,
    voters: list[MyVoter] | None = None,
    options: list[MotionOption] | None = None,
    error: str = "",
    error_voter: int | None = None,
    initial: dict[str, Any] | None = None,
) -> dict[str, Any]:
    user = request.user
    options = selectors.options_of(motion) if options is None else options
    voters = selectors.my_roll_voters(user, motion) if voters is None else voters
    labels = _labels(options)
    today = clock.today()
    is_open = selectors.voting_is_open(motion, today)
    rows = []
    for item in voters:
        ballot = item.ballot
        rows.append(
            {
                "item": item,
                "answer": selectors.answer_of(motion, ballot.choice, ballot.options, labels)
                if ballot
                else None,
                "receipt_url": _receipt_link(motion, ballot) if ballot else "",
                "error": error if error_voter == item.voter.pk else "",
                "initial": (initial or {}) if error_voter in (None, item.voter.pk) else {},
            }
        )
    return {
        "motion": motion,
        "options": options,
        "rows": rows,
        "error": error if error_voter is None else "",
        "is_open": is_open,
        "days_left": selectors.days_left(motion, today) if is_open else 0,
        "is_manager": services.can_manage(user, motion.community_id, motion.estate_id),
        "rule_text": selectors.rule_text(motion),
        "kind_text": selectors.kind_text(motion),
        "scope_text": selectors.scope_text(motion),
        "result_url": selectors.result_url(motion)
        if motion.status == Motion.StatusChoices.PUBLISHED
        else "",
        "ended": motion.status
        in (
            Motion.StatusChoices.CLOSED,
            Motion.StatusChoices.TALLIED,
            Motion.StatusChoices.PUBLISHED,
        )
        or (motion.status == Motion.StatusChoices.OPEN and not is_open),
        "nav": "home",
    }


def _initial_from(query: Any) -> dict[str, Any]:
    """The answer to pre-select on screen 1 ("back to change"); only ever used to tick boxes."""
    choice = str(query.get("choice", ""))[:20]
    picked = []
    for raw in query.getlist("options")[:30]:
        try:
            picked.append(int(raw))
        except ValueError:
            continue
    return {"choice": choice, "options": picked}


def _voter_from(query: Any) -> int | None:
    try:
        return int(query.get("voter", ""))
    except ValueError:
        return None


@login_required
@require_GET
@translate_errors
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Screen 1: the question, the rule in plain words, the period, and an answer form for
    each home of the user on the roll (or why they cannot vote)."""
    motion = selectors.motion_for_resident(request.user, public_id)
    context = _detail_context(
        request,
        motion,
        error_voter=_voter_from(request.GET),
        initial=_initial_from(request.GET),
    )
    return render(request, "votes/resident/detail.html", context)


# --- screen 2: confirm, and screen 3's POST ---------------------------------------------------


class Refused(Exception):
    """The POSTed answer cannot go on; screen 1 shows why."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _check_answer(
    request: HttpRequest, motion: Motion, voters: list[MyVoter], options: list[MotionOption]
) -> Checked:
    """The user's voter (NotFound if not theirs) and the cleaned answer, or Refused."""
    item = _voter_of(voters, _voter_from(request.POST))
    if not selectors.voting_is_open(motion):
        raise Refused(_("Voting is not open."), status=409)
    if not item.can_vote:
        raise Refused(_("A ballot has already been cast for this home."), status=409)
    form = AnswerForm(request.POST, motion=motion, options=options)
    if not form.is_valid():
        raise Refused(form.first_error(), status=400)
    choice, picked = form.cleaned_data["answer"]
    return Checked(item=item, choice=choice, options=picked)


def _voter_of(voters: list[MyVoter], voter_id: int | None) -> MyVoter:
    for item in voters:
        if item.voter.pk == voter_id:
            return item
    raise NotFound(_("This voter is not on the roll."), code="not_found")


def _refuse(
    request: HttpRequest,
    motion: Motion,
    options: list[MotionOption],
    refused: Refused,
    *,
    voters: list[MyVoter] | None = None,
) -> HttpResponse:
    """Screen 1 again, with the message next to the voter's form and the answer kept."""
    context = _detail_context(
        request,
        motion,
        voters=voters,
        options=options,
        error=refused.message,
        error_voter=_voter_from(request.POST),
        initial=_initial_from(request.POST),
    )
    return render(request, "votes/resident/detail.html", context, status=refused.status)


def _back_query(motion: Motion, checked: Checked) -> str:
    fields = _hidden_fields(motion, checked)
    pairs: list[tuple[str, Any]] = [("voter", fields["voter"]), ("choice", fields["choice"])]
    pairs += [("options", p) for p in fields["options"]]
    return urlencode(pairs)


@login_required
@require_POST
@translate_errors
def confirm(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Screen 2: "please confirm your choice", the answer spelled out, and one button."""
    motion = selectors.motion_for_resident(request.user, public_id)
    options = selectors.options_of(motion)
    voters = selectors.my_roll_voters(request.user, motion)
    try:
        checked = _check_answer(request, motion, voters, options)
    except Refused as refused:
        return _refuse(request, motion, options, refused, voters=voters)
    context = {
        "motion": motion,
        "item": checked.item,
        "answer": selectors.answer_of(
            motion, checked.choice or "", checked.options, _labels(options)
        ),
        "hidden": _hidden_fields(motion, checked),
        "back_query": _back_query(motion, checked),
        "nav": "home",
    }
    return render(request, "votes/resident/confirm.html", context)


@login_required
@require_POST
@translate_errors
def cast(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Casts the confirmed ballot, then shows its receipt (screen 3)."""
    motion = selectors.motion_for_resident(request.user, public_id)
    options = selectors.options_of(motion)
    voters = selectors.my_roll_voters(request.user, motion)
    try:
        checked = _check_answer(request, motion, voters, options)
        ballot = services.ballot_cast(
            user=request.user,
            motion_id=motion.pk,
            voter_id=checked.item.voter.pk,
            choice=checked.choice,
            options=checked.options,
        )
    except Refused as refused:
        return _refuse(request, motion, options, refused, voters=voters)
    except (NotFound, Forbidden):
        raise
    except LinliError as exc:
        # E.g. a co-owner's ballot arrived first: screen 1 shows it, with its receipt link.
        status = 409 if exc.status == 409 else 400
        return _refuse(request, motion, options, Refused(exc.message, status=status))
    return redirect("votes:receipt", public_id=motion.public_id, tracker=ballot.tracker)


# --- screen 3: the receipt --------------------------------------------------------------------


@login_required
@require_GET
@translate_errors
def receipt(request: HttpRequest, public_id: uuid.UUID, tracker: str) -> HttpResponse:
    """Screen 3: the tracker code in large type, the time and the answer; owners of the voter
    only."""
    motion = selectors.motion_for_resident(request.user, public_id)
    ballot = selectors.ballot_for_receipt(request.user, motion, tracker)
    options = selectors.options_of(motion)
    context = {
        "motion": motion,
        "ballot": ballot,
        "cast_at": clock.local(ballot.cast_at),
        "answer": selectors.answer_of(motion, ballot.choice, ballot.options, _labels(options)),
        "result_url": selectors.result_url(motion)
        if motion.status == Motion.StatusChoices.PUBLISHED
        else "",
        "nav": "home",
    }
    return render(request, "votes/resident/receipt.html", context)


# --- My votes ---------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The votes of my estates: open ones first with days left and whether each of my homes has
    voted, then announced ones, those being counted, and recently published results."""
    found = selectors.motions_for_user(request.user)
    results = [(m, selectors.result_url(m)) for m in found.results]
    context = {"found": found, "results": results, "nav": "home"}
    return render(request, "votes/resident/mine.html", context)


urlpatterns = [
    path("", mine, name="mine"),
    path("<uuid:public_id>/", detail, name="detail"),
    path("<uuid:public_id>/confirm/", confirm, name="confirm"),
    path("<uuid:public_id>/cast/", cast, name="cast"),
    path("<uuid:public_id>/receipt/<str:tracker>/", receipt, name="receipt"),
]
