"""The staff console of owners' votes: motions through their lifecycle, the frozen roll, paper
and proxy ballots with their second check, live turnout and publication.

Managers (`services.can_manage`: staff of the community, or members of the estate's owners'
committee) draft, announce, open, close, count and publish motions. The roll, paper entry,
checks and scans are staff work (worker or administrator). Every write goes through
linli.votes.services; a refused action comes back as a message on the console. Anything
outside what the user may manage answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.selectors import (
    community_ids_for,
    is_staff_in,
    staff_community_ids,
)
from linli.core import clock
from linli.core.errors import Forbidden, LinliError, NotFound
from linli.core.views import translate_errors
from linli.domain import motion_schedule as schedule
from linli.domain.tally import Base
from linli.registry.models import Estate
from linli.votes import counting, selectors, services
from linli.votes.forms import (
    AnnounceForm,
    CancelForm,
    CheckForm,
    ExtendForm,
    MotionForm,
    MotionUpdateForm,
    OptionForm,
    PaperBallotForm,
)
from linli.votes.models import Ballot, Motion, MotionOption, RollOwner, RollVoter

ROLL_PAGE_SIZE = 50
FINISHED_SHOWN = 30
ACTIVE_STATUSES = ("open", "closed", "tallied", "announced", "draft")
FINISHED_STATUSES = ("published", "cancelled")
# Voting runs 10 days unless the worker picks other dates.
DEFAULT_VOTING_DAYS = 10
SCAN_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


# --- reads of the console ----------------------------------------------------------------------


def _managed(user: Any) -> tuple[frozenset[int], frozenset[int]]:
    """What a user manages: (their staff communities, their committees' estates)."""
    scope = selectors.managing(user)
    if not scope.community_ids and not scope.estate_ids:
        raise NotFound(_("This page does not exist."), code="not_found")
    return scope.community_ids, scope.estate_ids


def managed_motions(user: Any) -> QuerySet[Motion]:
    """Every motion the user may manage; NotFound when they manage nothing."""
    staff, estates = _managed(user)
    return Motion.objects.filter(Q(community_id__in=staff) | Q(estate_id__in=estates))


def managed_estates(user: Any) -> QuerySet[Estate]:
    """Estates in which the user may put motions to the owners."""
    staff, estates = _managed(user)
    return Estate.objects.filter(Q(community_id__in=staff) | Q(pk__in=estates))


def managed_motion(user: Any, pk: int) -> Motion:
    """A motion the user may manage, or NotFound (another community's or estate's included)."""
    motion = (
        Motion.objects.select_related(
            "community",
            "estate",
            "building",
            "entrance",
            "result",
            "announce_notice",
            "result_notice",
        )
        .filter(pk=pk, community_id__in=community_ids_for(user))
        .first()
    )
    if motion is None or not services.can_manage(user, motion.community_id, motion.estate_id):
        raise NotFound(_("This vote does not exist."), code="not_found")
    return motion


def staff_motion(user: Any, pk: int) -> Motion:
    """A motion of a community where the user is staff (roll, paper ballots, checks)."""
    motion = (
        Motion.objects.select_related("community", "estate")
        .filter(pk=pk, community_id__in=staff_community_ids(user))
        .first()
    )
    if motion is None:
        raise NotFound(_("This vote does not exist."), code="not_found")
    return motion


def turnouts(motions: list[Motion]) -> dict[int, counting.Turnout]:
    """`counting.turnout` of several open motions in two queries, whatever their number."""
    ids = [m.pk for m in motions]
    if not ids:
        return {}
    voted = Ballot.objects.filter(voter=OuterRef("pk")).filter(counting.VALID)
    totals: dict[int, tuple[int, int]] = {
        motion_id: (area, heads)
        for motion_id, area, heads in RollVoter.objects.filter(motion_id__in=ids)
        .order_by()
        .values("motion_id")
        .annotate(
            area_voted=Sum("area", filter=Q(Exists(voted)), default=0),
            headcount_voted=Count("id", filter=Q(Exists(voted))),
        )
        .values_list("motion_id", "area_voted", "headcount_voted")
    }
    pending = dict(
        Ballot.objects.filter(motion_id__in=ids, review__isnull=True)
        .exclude(channel=Ballot.Channel.ONLINE)
        .order_by()
        .values("motion_id")
        .annotate(n=Count("id"))
        .values_list("motion_id", "n")
    )
    return {
        m.pk: counting.Turnout(
            area_total=m.area_total or 0,
            headcount_total=m.headcount_total or 0,
            area_voted=totals.get(m.pk, (0, 0))[0],
            headcount_voted=totals.get(m.pk, (0, 0))[1],
            pending_checks=pending.get(m.pk, 0),
        )
        for m in motions
    }


def _share(threshold: Any) -> str:
    fraction = f"{threshold.numerator}/{threshold.denominator}"
    if threshold.inclusive:
        return _("at least %(fraction)s") % {"fraction": fraction}
    return _("more than %(fraction)s") % {"fraction": fraction}


def rule_summary(motion: Motion) -> list[str]:
    """The motion's rule in plain words, one line per test or clause."""
    rule = counting.rule_of(motion)
    lines = [f"{motion.get_rule_kind_display()} · {motion.get_matter_display()}"]
    if rule.quorum is not None:
        lines.append(
            _("Quorum: %(share)s of the area and of the owners take part.")
            % {"share": _share(rule.quorum)}
        )
    if rule.base == Base.DECIDED:
        lines.append(
            _("Approval: %(share)s of the owners who answered yes or no.")
            % {"share": _share(rule.approval)}
        )
    elif rule.base == Base.TOTAL:
        lines.append(
            _("Approval: %(share)s of all the area and of all the owners.")
            % {"share": _share(rule.approval)}
        )
    else:
        lines.append(
            _("Approval: %(share)s of the participating area and of the participating owners.")
            % {"share": _share(rule.approval)}
        )
    lines.append(
        _("Parking areas %(parking)s; shop areas %(shops)s.")
        % {
            "parking": _("count") if motion.count_parking_area else _("do not count"),
            "shops": _("count") if motion.count_shop_area else _("do not count"),
        }
    )
    lines.append(
        _("Owners may change their vote until voting closes.")
        if motion.allow_revote
        else _("Each home votes once.")
    )
    return lines


def clause_warnings(motion: Motion) -> list[str]:
    """The legally contested clauses the motion uses, each as a warning line."""
    warnings = []
    if motion.follow_majority_option:
        warnings.append(
            _(
                "Owners may answer “follow the majority” (随多数). This clause is "
                "legally contested; a result that relies on it will be labelled so."
            )
        )
    if motion.silent_owners_follow_majority:
        warnings.append(
            _(
                "Owners who do not vote are counted with the majority. This clause is legally "
                "contested; a result that relies on it will be labelled so."
            )
        )
    return warnings


# Module level: translated lazily, in the language of each request.
REASONS = {
    "passed": gettext_lazy("Every test held."),
    "no_electorate": gettext_lazy("Nobody is on the roll."),
    "quorum_not_met": gettext_lazy("Too few owners took part, by area and by headcount."),
    "quorum_area_not_met": gettext_lazy("Too little of the area took part."),
    "quorum_headcount_not_met": gettext_lazy("Too few owners took part."),
    "approval_not_met": gettext_lazy("Not enough approval, by area and by headcount."),
    "approval_area_not_met": gettext_lazy("Not enough approval by area."),
    "approval_headcount_not_met": gettext_lazy("Not enough approval by headcount."),
    "winner": gettext_lazy("One option reached the threshold."),
    "no_quorum": gettext_lazy("Too few owners took part."),
    "no_option_passed": gettext_lazy("No option reached the threshold; a run-off may be held."),
    "tie": gettext_lazy("A tie between options."),
    "counted": gettext_lazy("Counted."),
}


def result_summary(motion: Motion) -> dict[str, Any] | None:
    """The stored result of a counted motion, with its reason in words."""
    result = getattr(motion, "result", None)
    if result is None:
        return None
    data = result.data
    return {
        "result": result,
        "data": data,
        "reason": str(REASONS.get(str(data.get("reason")), data.get("reason"))),
        "relies_on_clause": data.get("basis") not in (None, "strict"),
        "runoff": data.get("runoff") or [],
    }


# --- the list and a new motion -----------------------------------------------------------------


@login_required
@require_GET
@translate_errors
def manage(request: HttpRequest) -> HttpResponse:
    """The motions of what the user manages, by status, with turnout of the open ones."""
    base = managed_motions(request.user).select_related("estate", "community")
    active = list(base.filter(status__in=ACTIVE_STATUSES).order_by("-created_at", "-id"))
    finished = list(
        base.filter(status__in=FINISHED_STATUSES).order_by("-created_at", "-id")[:FINISHED_SHOWN]
    )
    live = turnouts([m for m in active if m.status == Motion.StatusChoices.OPEN])
    labels = dict(Motion.StatusChoices.choices)
    groups = []
    for status in (*ACTIVE_STATUSES, *FINISHED_STATUSES):
        rows = [m for m in (active + finished) if m.status == status]
        if rows:
            groups.append(
                {
                    "status": status,
                    "label": labels[status],
                    "rows": [{"motion": m, "turnout": live.get(m.pk)} for m in rows],
                }
            )
    communities = {m.community_id for m in active + finished}
    context = {
        "groups": groups,
        "many_communities": len(communities) > 1,
        "finished_shown": FINISHED_SHOWN,
        "nav": "console",
    }
    return render(request, "votes/staff/manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def create(request: HttpRequest) -> HttpResponse:
    """Draft a new motion: the question, its matter (hence its rule), scope and options."""
    estates = managed_estates(request.user)
    data = request.POST if request.method == "POST" else None
    form = MotionForm(data, estates=estates)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                motion = services.motion_create(actor=request.user, **form.service_arguments())
            except (NotFound, Forbidden):
                raise
            except LinliError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request, _("Draft saved. Check the options, then announce the vote.")
                )
                return redirect("votes:edit", pk=motion.pk)
    return render(request, "votes/staff/form.html", {"form": form, "nav": "console"}, status=status)


# --- the motion console ------------------------------------------------------------------------


def _console_context(request: HttpRequest, motion: Motion) -> dict[str, Any]:
    today = clock.today()
    earliest = schedule.earliest_opening(today, schedule.MeetingKind(motion.meeting_kind))
    summary = result_summary(motion)
    has_runoff = bool(summary and summary["runoff"]) and motion.runoffs.exists()
    is_staff = is_staff_in(request.user, motion.community_id)
    return {
        "motion": motion,
        "options": list(motion.options.all()),
        "scope_text": selectors.scope_text(motion),
        "rule_lines": rule_summary(motion),
        "clause_warnings": clause_warnings(motion),
        "turnout": counting.turnout(motion) if motion.opened_at else None,
        "summary": summary,
        "can_runoff": bool(summary and summary["runoff"]) and not has_runoff,
        "is_staff": is_staff,
        "today": today,
        "earliest_opening": earliest,
        "update_form": MotionUpdateForm(
            initial={
                "title": motion.title,
                "body": motion.body,
                "allow_revote": motion.allow_revote,
            }
        ),
        "option_form": OptionForm(),
        "announce_form": AnnounceForm(
            initial={
                "opens_on": earliest,
                "closes_on": earliest + timedelta(days=DEFAULT_VOTING_DAYS - 1),
            }
        ),
        "extend_form": ExtendForm(
            initial={"closes_on": (motion.closes_on or today) + timedelta(days=7)}
        ),
        "cancel_form": CancelForm(),
        "public_result_url": _result_url(motion),
        "nav": "console",
    }


def _result_url(motion: Motion) -> str:
    try:
        return reverse("votes:result", kwargs={"public_id": motion.public_id})
    except NoReverseMatch:
        # The public pages are another module's; this is the path notifications link to.
        return f"/votes/{motion.public_id}/result/"


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The console of one motion: state, rule, options, schedule, turnout, result and actions.

    POST changes a draft's question and explanation.
    """
    motion = managed_motion(request.user, pk)
    if request.method == "POST":
        form = MotionUpdateForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
        else:
            _attempt(
                request,
                lambda: services.motion_update(
                    actor=request.user, motion_id=motion.pk, **form.cleaned_data
                ),
                _("Draft saved."),
            )
        return redirect("votes:edit", pk=motion.pk)
    return render(request, "votes/staff/edit.html", _console_context(request, motion))


@login_required
@require_GET
@translate_errors
def turnout(request: HttpRequest, pk: int) -> HttpResponse:
    """The live turnout block of the console, refreshed by htmx every 30 seconds."""
    motion = managed_motion(request.user, pk)
    context = {
        "motion": motion,
        "turnout": counting.turnout(motion) if motion.opened_at else None,
        "is_staff": is_staff_in(request.user, motion.community_id),
    }
    return render(request, "votes/staff/edit.html#turnout", context)


def _form_errors(request: HttpRequest, form: Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _attempt(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    """Run one service call; its refusal becomes an error message. Returns its result."""
    try:
        result = call()
    except (NotFound, Forbidden):
        raise
    except LinliError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result


def _action(
    form_class: type[Form] | None,
    call: Callable[[Any, Motion, dict[str, Any]], Any],
    success: Callable[[Any], str],
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A console button: POST, a managed motion, one service call, back to the console."""

    @login_required
    @require_POST
    @translate_errors
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        motion = managed_motion(request.user, pk)
        data: dict[str, Any] = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                _form_errors(request, form)
                return redirect("votes:edit", pk=motion.pk)
            data = form.cleaned_data
        try:
            result = call(request.user, motion, data)
        except (NotFound, Forbidden):
            raise
        except LinliError as exc:
            messages.error(request, exc.message)
            return redirect("votes:edit", pk=motion.pk)
        messages.success(request, success(result))
        if isinstance(result, Motion) and result.pk != motion.pk:
            return redirect("votes:edit", pk=result.pk)
        return redirect("votes:edit", pk=motion.pk)

    return view


option_add = _action(
    OptionForm,
    lambda user, m, d: services.option_add(actor=user, motion_id=m.pk, **d),
    lambda option: _("Option %(number)d added.") % {"number": option.position},
)
announce = _action(
    AnnounceForm,
    lambda user, m, d: services.motion_announce(actor=user, motion_id=m.pk, **d),
    lambda m: (
        _("Announced: the notice is published and voting opens on %(date)s.")
        % {"date": m.opens_on.isoformat()}
    ),
)
open_voting = _action(
    None,
    lambda user, m, d: services.motion_open(actor=user, motion_id=m.pk),
    lambda m: (
        _("Voting is open. The roll is frozen: %(heads)d owners.") % {"heads": m.headcount_total}
    ),
)
extend = _action(
    ExtendForm,
    lambda user, m, d: services.motion_extend(actor=user, motion_id=m.pk, **d),
    lambda m: _("Voting now closes on %(date)s 24:00.") % {"date": m.closes_on.isoformat()},
)
close = _action(
    None,
    lambda user, m, d: services.motion_close(actor=user, motion_id=m.pk),
    lambda m: _("Voting is closed."),
)
cancel = _action(
    CancelForm,
    lambda user, m, d: services.motion_cancel(actor=user, motion_id=m.pk, **d),
    lambda m: _("The vote is cancelled."),
)
tally = _action(
    None,
    lambda user, m, d: services.motion_tally(actor=user, motion_id=m.pk),
    lambda result: _("Counted. Check the result, then publish it."),
)
publish = _action(
    None,
    lambda user, m, d: services.motion_publish(actor=user, motion_id=m.pk),
    lambda m: _("The result is published for at least 15 days."),
)
runoff = _action(
    None,
    lambda user, m, d: services.runoff_create(actor=user, motion_id=m.pk),
    lambda m: _("A run-off draft is ready. Announce it like any vote."),
)
remind = _action(
    None,
    lambda user, m, d: services.remind_non_voters(actor=user, motion_id=m.pk),
    lambda sent: (
        ngettext(
            "A reminder was sent to %(count)d owner.",
            "Reminders were sent to %(count)d owners.",
            sent,
        )
        % {"count": sent}
    ),
)


@login_required
@require_POST
@translate_errors
def option_remove(request: HttpRequest, pk: int, option_id: int) -> HttpResponse:
    """Remove one option from a draft."""
    motion = managed_motion(request.user, pk)
    _attempt(
        request,
        lambda: services.option_remove(
            actor=request.user, motion_id=motion.pk, option_id=option_id
        ),
        _("Option removed."),
    )
    return redirect("votes:edit", pk=motion.pk)


# --- the roll, paper ballots and checks (staff) --------------------------------------------------


ROLL_FILTERS = ("", "not_voted")


@dataclass(frozen=True)
class RollRow:
    voter: RollVoter
    owners: list[RollOwner]
    state: str
    can_enter: bool


def _standing() -> Q:
    """Ballots that stand for their voter: online, accepted, or waiting for a check."""
    return Q(channel=Ballot.Channel.ONLINE) | Q(review__isnull=True) | Q(review__accepted=True)


def ballot_states(voter_ids: list[int]) -> dict[int, str]:
    """Each voter's ballot state in one query: online, pending, accepted, rejected or none."""
    latest: dict[int, str] = {}
    rejected: set[int] = set()
    rows = (
        Ballot.objects.filter(voter_id__in=voter_ids)
        .order_by("id")
        .values_list("voter_id", "channel", "review__accepted")
    )
    for voter_id, channel, accepted in rows:
        if channel == Ballot.Channel.ONLINE:
            latest[voter_id] = "online"
        elif accepted is None:
            latest[voter_id] = "pending"
        elif accepted:
            latest[voter_id] = "accepted"
        else:
            rejected.add(voter_id)
    return {
        voter_id: latest.get(voter_id) or ("rejected" if voter_id in rejected else "none")
        for voter_id in voter_ids
    }


def _page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


@login_required
@require_GET
@translate_errors
def roll(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen roll: each voter's number, homes, area, masked owners and ballot state."""
    motion = staff_motion(request.user, pk)
    query = request.GET.get("q", "").strip()[:50]
    shown = request.GET.get("show", "")
    shown = shown if shown in ROLL_FILTERS else ""
    voters = RollVoter.objects.filter(motion=motion)
    if query:
        voters = voters.filter(label__icontains=query)
    if shown == "not_voted":
        standing = Ballot.objects.filter(voter=OuterRef("pk")).filter(_standing())
        voters = voters.filter(~Exists(standing))
    page = Paginator(
        voters.order_by("number").prefetch_related(
            Prefetch(
                "owners",
                # Names only: the roll never needs the owners' phone or ID numbers.
                queryset=RollOwner.objects.select_related("person")
                .only("voter_id", "person_id", "is_representative", "person__name")
                .order_by("-is_representative", "person_id"),
            )
        ),
        ROLL_PAGE_SIZE,
    ).get_page(_page_number(request))
    page_voters = list(page.object_list)
    states = ballot_states([v.pk for v in page_voters])
    is_open = motion.status == Motion.StatusChoices.OPEN
    rows = [
        RollRow(
            voter=v,
            owners=list(v.owners.all()),
            state=states[v.pk],
            can_enter=is_open and (states[v.pk] in ("none", "rejected") or motion.allow_revote),
        )
        for v in page_voters
    ]
    context = {
        "motion": motion,
        "page": page,
        "rows": rows,
        "query": query,
        "shown": shown,
        "nav": "console",
    }
    return render(request, "votes/staff/roll.html", context)


def _voter_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("voter") or request.GET.get("voter")
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter one voter's paper or proxy ballot with its scan; a second worker checks it."""
    motion = staff_motion(request.user, pk)
    voter_id = _voter_id(request)
    if voter_id is None:
        return redirect(f"{_roll_url(motion)}?show=not_voted")
    voter = RollVoter.objects.filter(pk=voter_id, motion=motion).first()
    if voter is None:
        raise NotFound(_("This voter is not on the roll."), code="not_found")
    owners = list(
        RollOwner.objects.filter(voter=voter)
        .select_related("person")
        .order_by("-is_representative", "person_id")
    )
    options: list[MotionOption] = (
        [] if motion.kind == Motion.Kind.YES_NO else list(motion.options.all())
    )
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = PaperBallotForm(*data, motion=motion, owners=owners, options=options)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ballot = services.ballot_enter(
                    actor=request.user,
                    motion_id=motion.pk,
                    voter_id=voter.pk,
                    owner_id=form.cleaned_data["owner"],
                    document=form.cleaned_data["scan"],
                    proxy_name=form.cleaned_data["proxy_name"],
                    **form.answer(),
                )
            except (NotFound, Forbidden):
                raise
            except LinliError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    _(
                        "Ballot of voter %(number)d entered (receipt %(tracker)s). It counts "
                        "once a second worker has checked it against the scan."
                    )
                    % {"number": voter.number, "tracker": ballot.tracker},
                )
                return redirect(f"{_roll_url(motion)}?show=not_voted")
    context = {
        "motion": motion,
        "voter": voter,
        "form": form,
        "is_open": motion.status == Motion.StatusChoices.OPEN,
        "nav": "console",
    }
    return render(request, "votes/staff/paper.html", context, status=status)


def _roll_url(motion: Motion) -> str:
    return reverse("votes:roll", kwargs={"pk": motion.pk})


def answer_text(motion: Motion, ballot: Ballot, labels: dict[int, str]) -> str:
    """What a ballot says, in words."""
    if motion.kind == Motion.Kind.YES_NO:
        return str(ballot.get_choice_display())
    picked = ballot.options or []
    if not picked:
        return _("Abstain")
    return "、".join(f"{p}. {labels.get(p, '?')}" for p in picked)


@login_required
@require_GET
@translate_errors
def checks(request: HttpRequest, pk: int) -> HttpResponse:
    """Paper and proxy ballots waiting for a second worker, oldest first."""
    motion = staff_motion(request.user, pk)
    labels = dict(motion.options.values_list("position", "label"))
    pending = list(
        counting.pending_checks(motion).select_related("voter", "owner", "cast_by").order_by("id")
    )
    rows = [
        {
            "ballot": b,
            "answer": answer_text(motion, b, labels),
            "own": b.cast_by_id == request.user.pk,
        }
        for b in pending
    ]
    context = {"motion": motion, "rows": rows, "nav": "console"}
    return render(request, "votes/staff/checks.html", context)


def _staff_ballot(user: Any, ballot_id: int) -> Ballot:
    ballot = (
        Ballot.objects.select_related("motion")
        .filter(pk=ballot_id, community_id__in=staff_community_ids(user))
        .first()
    )
    if ballot is None:
        raise NotFound(_("This ballot does not exist."), code="not_found")
    return ballot


@login_required
@require_POST
@translate_errors
def check(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """A second worker accepts or rejects a paper or proxy ballot."""
    ballot = _staff_ballot(request.user, ballot_id)
    form = CheckForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        accepted = form.cleaned_data["decision"] == "accept"
        try:
            services.ballot_check(
                actor=request.user,
                ballot_id=ballot.pk,
                accepted=accepted,
                note=form.cleaned_data["note"],
            )
        except NotFound:
            raise
        except LinliError as exc:
            # Forbidden included: the worker who entered a ballot is told, not turned away.
            messages.error(request, exc.message)
        else:
            text = (
                _("Ballot %(tracker)s accepted: it now counts.")
                if accepted
                else _("Ballot %(tracker)s rejected: the owner may vote again.")
            )
            messages.success(request, text % {"tracker": ballot.tracker})
    return redirect("votes:checks", pk=ballot.motion_id)


@login_required
@require_GET
@translate_errors
def scan(request: HttpRequest, ballot_id: int) -> FileResponse:
    """The scan of a paper ballot, as a download: staff of its community only."""
    ballot = _staff_ballot(request.user, ballot_id)
    if not ballot.document:
        raise NotFound(_("This file does not exist."), code="not_found")
    try:
        handle = ballot.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("This file does not exist.")) from exc
    # A scan shows a name and a signature: who opened it is on the record, like a reveal.
    services.scan_opened(actor=request.user, ballot_id=ballot.id)
    extension = SCAN_EXTENSIONS.get(ballot.document_type, "")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"ballot-{ballot.tracker}{extension}",
        content_type=ballot.document_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("manage/", manage, name="manage"),
    path("manage/new/", create, name="create"),
    path("manage/<int:pk>/", edit, name="edit"),
    path("manage/<int:pk>/turnout/", turnout, name="turnout"),
    path("manage/<int:pk>/options/add/", option_add, name="option_add"),
    path("manage/<int:pk>/options/<int:option_id>/remove/", option_remove, name="option_remove"),
    path("manage/<int:pk>/announce/", announce, name="announce"),
    path("manage/<int:pk>/open/", open_voting, name="open"),
    path("manage/<int:pk>/extend/", extend, name="extend"),
    path("manage/<int:pk>/close/", close, name="close"),
    path("manage/<int:pk>/cancel/", cancel, name="cancel"),
    path("manage/<int:pk>/tally/", tally, name="tally"),
    path("manage/<int:pk>/publish/", publish, name="publish"),
    path("manage/<int:pk>/runoff/", runoff, name="runoff"),
    path("manage/<int:pk>/remind/", remind, name="remind"),
    path("manage/<int:pk>/roll/", roll, name="roll"),
    path("manage/<int:pk>/paper/", paper, name="paper"),
    path("manage/<int:pk>/checks/", checks, name="checks"),
    path("manage/ballots/<int:ballot_id>/check/", check, name="check"),
    path("manage/ballots/<int:ballot_id>/scan/", scan, name="scan"),
]
