"""Pages of the seed's two workflows: choosing a property company and electing an owners'
committee (linli.votes.workflows). Only those who manage the estate's decisions see them (staff
of the community, the estate's owners' committee); anything else answers 404. The views parse
input and call one service; refusals show the service's message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from linli.core import clock
from linli.core.errors import Forbidden, LinliError, NotFound
from linli.core.views import translate_errors
from linli.domain import committee
from linli.domain.units import AmountError, parse_hundredths
from linli.notices.selectors import notice_detail_path
from linli.registry.models import Building, Entrance, Estate
from linli.votes import workflows
from linli.votes.models import Election, Motion, Nomination, Procurement

# --- plumbing ---------------------------------------------------------------------------------------


def _int_or_none(raw: Any) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _ids(request: HttpRequest, name: str) -> list[int]:
    values = []
    for raw in request.POST.getlist(name):
        value = _int_or_none(raw)
        if value is None:
            raise LinliError(_("Choose from the list."), code="invalid")
        values.append(value)
    return values


def _run(form: forms.Form, call: Callable[[], Any]) -> tuple[Any, int]:
    """Call a service; a refusal becomes a form error. Returns (result or None, status)."""
    try:
        return call(), 200
    except (NotFound, Forbidden):
        raise
    except LinliError as exc:
        form.add_error(None, exc.message)
        return None, exc.status


def _estate_from_post(request: HttpRequest, estates: Any) -> None:
    """A posted estate the user does not manage is not theirs to see: 404, not a form error."""
    if request.method != "POST":
        return
    estate_id = _int_or_none(request.POST.get("estate"))
    if estate_id is None or not estates.filter(pk=estate_id).exists():
        raise Http404(_("This estate does not exist."))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class EstateField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _estate_form_field(estates: Any) -> EstateField:
    return EstateField(label=gettext_lazy("Estate"), queryset=estates, empty_label=None)


# --- forms ----------------------------------------------------------------------------------------


class ProcurementForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    shortlist_size = forms.IntegerField(
        label=gettext_lazy("Companies on the shortlist"),
        min_value=workflows.MIN_SHORTLIST,
        max_value=workflows.MAX_SHORTLIST,
        initial=5,
        help_text=gettext_lazy("The committee inspects each of them before the owners vote."),
    )

    def __init__(self, *args: Any, estates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"estate": _estate_form_field(estates), **self.fields}


class ReportForm(forms.Form):
    inspected_on = forms.DateField(label=gettext_lazy("Inspected on"), widget=DateInput())
    report = forms.CharField(
        label=gettext_lazy("Inspection report"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=workflows.REPORT_MAX,
        help_text=gettext_lazy(
            "What the committee saw at the estates this company serves: staff, cleaning, "
            "repairs, fees, residents' opinions."
        ),
    )
    report_file = forms.FileField(
        label=gettext_lazy("Signed report (PDF or photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class VotingPeriodForm(forms.Form):
    opens_on = forms.DateField(label=gettext_lazy("Voting opens"), widget=DateInput())
    closes_on = forms.DateField(label=gettext_lazy("Voting closes (last day)"), widget=DateInput())
    meeting_kind = forms.ChoiceField(
        label=gettext_lazy("Meeting"),
        choices=Motion.MeetingKindChoices.choices,
        initial=Motion.MeetingKindChoices.REGULAR,
    )


class ProcurementMotionForm(VotingPeriodForm):
    title = forms.CharField(label=gettext_lazy("Question"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Explanation"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Who votes"), choices=Motion.Scope.choices, initial="estate"
    )
    building = forms.TypedChoiceField(
        label=gettext_lazy("Building"), coerce=int, required=False, empty_value=None
    )
    entrance = forms.TypedChoiceField(
        label=gettext_lazy("Entrance"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, estate: Estate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        building = self.fields["building"]
        entrance = self.fields["entrance"]
        assert isinstance(building, forms.TypedChoiceField)
        assert isinstance(entrance, forms.TypedChoiceField)
        building.choices = [("", "—")] + [
            (b.pk, f"{b.number}幢") for b in Building.objects.filter(estate=estate)
        ]
        entrance.choices = [("", "—")] + [
            (e.pk, f"{e.building.number}幢{e.number}单元")
            for e in Entrance.objects.filter(building__estate=estate)
            .select_related("building")
            .order_by("building__sort_key", "number")
        ]


class MoneyField(forms.CharField):
    """Yuan with at most two decimals ("1.50"), cleaned to fen (150)."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = str(super().to_python(value) or "")
        if not text:
            return None
        try:
            return parse_hundredths(text)
        except AmountError:
            raise forms.ValidationError(
                _("Write an amount in yuan such as 1.50."), code="invalid"
            ) from None


class FilingForm(forms.Form):
    filed_on = forms.DateField(label=gettext_lazy("Filed on"), widget=DateInput())
    filed_with = forms.CharField(
        label=gettext_lazy("Filed with"),
        max_length=workflows.FILED_WITH_MAX,
        help_text=gettext_lazy("For example: the district housing authority."),
    )


class ContractForm(forms.Form):
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), widget=DateInput())
    starts_on = forms.DateField(label=gettext_lazy("Service starts on"), widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("Service ends on"), widget=DateInput())
    fee = MoneyField(
        label=gettext_lazy("Property fee (yuan per m² per month)"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    filed_on = forms.DateField(
        label=gettext_lazy("Filed on"),
        widget=DateInput(),
        required=False,
        help_text=gettext_lazy("Within 15 days of signing (HZ-PMR Art. 49); may be added later."),
    )
    filed_with = forms.CharField(
        label=gettext_lazy("Filed with"), max_length=workflows.FILED_WITH_MAX, required=False
    )


class ElectionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    specified_size = forms.IntegerField(
        label=gettext_lazy("Members the rules specify"),
        min_value=1,
        max_value=99,
        initial=7,
        help_text=gettext_lazy(
            "5 to 11, an odd number; 3 is allowed for 100 households or fewer (HZ-PMR Art. 27)."
        ),
    )
    households = forms.IntegerField(
        label=gettext_lazy("Households in the estate"), min_value=1, max_value=1_000_000
    )

    def __init__(self, *args: Any, estates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"estate": _estate_form_field(estates), **self.fields}


class NominationForm(forms.Form):
    person = forms.IntegerField(
        widget=forms.HiddenInput(),
        error_messages={"required": gettext_lazy("Find the owner to nominate first.")},
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Nominated by"),
        choices=Nomination.Method.choices,
        widget=forms.RadioSelect,
    )
    supporters = forms.IntegerField(
        label=gettext_lazy("Owners who signed (joint nomination)"),
        min_value=0,
        max_value=32_000,
        required=False,
    )
    statement = forms.CharField(
        label=gettext_lazy("Candidate's statement"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=workflows.STATEMENT_MAX,
        required=False,
    )


class CheckForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=gettext_lazy("Eligible to stand?"),
        choices=[("1", gettext_lazy("Eligible")), ("0", gettext_lazy("Not eligible"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Reason or note"),
        max_length=workflows.NOTE_MAX,
        required=False,
        help_text=gettext_lazy("Required when not eligible; the nominee may be told."),
    )


class CandidatesForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("Published from"), widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("Published until (last day)"), widget=DateInput())
    vote_opens_on = forms.DateField(
        label=gettext_lazy("Voting planned to open on"), widget=DateInput()
    )


# --- choosing a property company ---------------------------------------------------------------


def _requested_community(request: HttpRequest) -> int | None:
    return _int_or_none(request.GET.get("community") or request.POST.get("community"))


@login_required
@translate_errors
def procurements(request: HttpRequest) -> HttpResponse:
    """The community's property company selections, newest first."""
    community, communities = workflows.management_community(
        request.user, _requested_community(request)
    )
    context = {
        "community": community,
        "communities": communities,
        "rows": list(workflows.procurements_for(request.user, community)[:100]),
        "nav": "console",
    }
    return render(request, "votes/workflows/procurements.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def procurement_create(request: HttpRequest) -> HttpResponse:
    """Start a selection: estate, title and the size of the shortlist."""
    community, _communities = workflows.management_community(
        request.user, _requested_community(request)
    )
    estates = workflows.manageable_estates(request.user, community)
    _estate_from_post(request, estates)
    data = request.POST if request.method == "POST" else None
    form = ProcurementForm(data, estates=estates)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            procurement, status = _run(
                form,
                lambda: workflows.procurement_create(
                    actor=request.user,
                    estate_id=form.cleaned_data["estate"].pk,
                    title=form.cleaned_data["title"],
                    shortlist_size=form.cleaned_data["shortlist_size"],
                ),
            )
            if procurement is not None:
                messages.success(request, _("Now put companies from the directory on the list."))
                return redirect("votes:procurement_longlist", pk=procurement.pk)
    context = {"form": form, "community": community, "nav": "console"}
    return render(request, "votes/workflows/procurement_form.html", context, status=status)


@login_required
@translate_errors
def procurement(request: HttpRequest, pk: int) -> HttpResponse:
    """One selection: its steps, the longlist, the shortlist with reports, the vote, the contract."""
    found = workflows.access_procurement(request.user, pk)
    candidates = workflows.candidates_of(found)
    decision = workflows.procurement_decision(found)
    contract = workflows.contract_of(found)
    context = {
        "procurement": found,
        "listed_count": len(candidates),
        "longlist": [c for c in candidates if not c.shortlisted],
        "shortlist": [c for c in candidates if c.shortlisted],
        "decision": decision,
        "contract": contract,
        "contract_late": contract is not None and workflows.contract_filed_late(contract),
        "contract_due": workflows.contract_filing_due(contract) if contract else None,
        "today": clock.today(),
        "nav": "console",
    }
    return render(request, "votes/workflows/procurement.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def procurement_longlist(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick companies of the street's directory to put them on the longlist (or take one off)."""
    found = workflows.access_procurement(request.user, pk)
    form = forms.Form(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        remove = _int_or_none(request.POST.get("remove"))

        def call() -> Any:
            if remove is not None:
                workflows.procurement_longlist_remove(
                    actor=request.user, procurement_id=found.pk, candidate_id=remove
                )
                return True
            return workflows.procurement_longlist_add(
                actor=request.user, procurement_id=found.pk, company_ids=_ids(request, "company")
            )

        done, status = _run(form, call)
        if done is not None:
            messages.success(request, _("The longlist is saved."))
            return redirect("votes:procurement_longlist", pk=found.pk)
    listed = {c.company_id: c for c in workflows.candidates_of(found)}
    context = {
        "procurement": found,
        "form": form,
        "rows": [(c, listed.get(c.pk)) for c in workflows.directory_for(found)],
        "listed_count": len(listed),
        "editable": found.stage in (Procurement.Stage.LONGLIST, Procurement.Stage.SHORTLIST),
        "nav": "console",
    }
    return render(request, "votes/workflows/procurement_longlist.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def procurement_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose at most N companies of the longlist for the committee to inspect."""
    found = workflows.access_procurement(request.user, pk)
    form = forms.Form(request.POST if request.method == "POST" else None)
    status = 200
    chosen: set[int] | None = None
    if request.method == "POST":
        try:
            ids = _ids(request, "candidate")
        except LinliError as exc:
            form.add_error(None, exc.message)
            ids, status = [], 400
        chosen = set(ids)
        if status == 200:
            done, status = _run(
                form,
                lambda: workflows.procurement_shortlist(
                    actor=request.user, procurement_id=found.pk, candidate_ids=ids
                ),
            )
            if done is not None:
                messages.success(
                    request, _("The shortlist is saved. The committee can now inspect them.")
                )
                return redirect("votes:procurement", pk=found.pk)
    candidates = workflows.candidates_of(found)
    if chosen is None:
        chosen = {c.pk for c in candidates if c.shortlisted}
    context = {
        "procurement": found,
        "form": form,
        "candidates": candidates,
        "chosen": chosen,
        "editable": found.stage in (Procurement.Stage.LONGLIST, Procurement.Stage.SHORTLIST),
        "nav": "console",
    }
    return render(request, "votes/workflows/procurement_shortlist.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def procurement_report(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    """The owners' committee's inspection report of one shortlisted company."""
    found = workflows.access_procurement(request.user, pk)
    candidate = next((c for c in workflows.candidates_of(found) if c.pk == candidate_id), None)
    if candidate is None:
        raise Http404(_("This company is not on the list."))
    initial = {"inspected_on": candidate.inspected_on or clock.today(), "report": candidate.report}
    data = request.POST if request.method == "POST" else None
    form = ReportForm(data, request.FILES if data is not None else None, initial=initial)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            saved, status = _run(
                form,
                lambda: workflows.procurement_report(
                    actor=request.user,
                    procurement_id=found.pk,
                    candidate_id=candidate.pk,
                    report=form.cleaned_data["report"],
                    inspected_on=form.cleaned_data["inspected_on"],
                    report_file=form.cleaned_data.get("report_file") or None,
                ),
            )
            if saved is not None:
                messages.success(request, _("The inspection report is saved."))
                return redirect("votes:procurement", pk=found.pk)
    context = {
        "procurement": found,
        "candidate": candidate,
        "form": form,
        "editable": found.stage == Procurement.Stage.SHORTLIST and candidate.shortlisted,
        "nav": "console",
    }
    return render(request, "votes/workflows/procurement_report.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def procurement_motion(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the shortlist to the owners: check the options and set the voting period."""
    found = workflows.access_procurement(request.user, pk)
    if found.motion is not None:
        return redirect("votes:procurement", pk=found.pk)
    today = clock.today()
    initial = {
        "title": found.title,
        "opens_on": today + timedelta(days=15),
        "closes_on": today + timedelta(days=29),
    }
    data = request.POST if request.method == "POST" else None
    form = ProcurementMotionForm(data, initial=initial, estate=found.estate)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            motion, status = _run(
                form,
                lambda: workflows.procurement_motion_create(
                    actor=request.user,
                    procurement_id=found.pk,
                    title=d["title"],
                    body=d["body"],
                    opens_on=d["opens_on"],
                    closes_on=d["closes_on"],
                    meeting_kind=d["meeting_kind"],
                    scope=d["scope"],
                    building_id=d["building"],
                    entrance_id=d["entrance"],
                ),
            )
            if motion is not None:
                messages.success(request, _("The vote is announced to the owners."))
                return redirect("votes:procurement", pk=found.pk)
    shortlist = [c for c in workflows.candidates_of(found) if c.shortlisted]
    context = {
        "procurement": found,
        "form": form,
        "shortlist": shortlist,
        "ready": found.stage == Procurement.Stage.SHORTLIST
        and len(shortlist) >= workflows.MIN_SHORTLIST
        and all(c.report for c in shortlist),
        "nav": "console",
    }
    return render(request, "votes/workflows/procurement_motion.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def procurement_contract(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the contract with the chosen company, then (or at once) its filing."""
    found = workflows.access_procurement(request.user, pk)
    contract = workflows.contract_of(found)
    decision = workflows.procurement_decision(found)
    data = request.POST if request.method == "POST" else None
    form: forms.Form = (
        FilingForm(data, initial={"filed_on": clock.today()})
        if contract is not None
        else ContractForm(data)
    )
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            if contract is not None:

                def call() -> Any:
                    return workflows.procurement_contract_file(
                        actor=request.user,
                        procurement_id=found.pk,
                        filed_on=d["filed_on"],
                        filed_with=d["filed_with"],
                    )
            else:

                def call() -> Any:
                    return workflows.procurement_contract_create(
                        actor=request.user,
                        procurement_id=found.pk,
                        signed_on=d["signed_on"],
                        starts_on=d["starts_on"],
                        ends_on=d["ends_on"],
                        fee_fen_per_m2_month=d["fee"] or 0,
                        filed_on=d["filed_on"],
                        filed_with=d["filed_with"],
                    )

            saved, status = _run(form, call)
            if saved is not None:
                if workflows.contract_filed_late(saved):
                    messages.warning(
                        request,
                        _(
                            "Saved. The contract was filed more than %(days)d days after "
                            "signing (HZ-PMR Art. 49 asks for %(days)d)."
                        )
                        % {"days": workflows.CONTRACT_FILING_DAYS},
                    )
                else:
                    messages.success(request, _("The contract record is saved."))
                return redirect("votes:procurement", pk=found.pk)
    context = {
        "procurement": found,
        "contract": contract,
        "decision": decision,
        "form": form,
        "due": workflows.contract_filing_due(contract) if contract else None,
        "nav": "console",
    }
    return render(request, "votes/workflows/procurement_contract.html", context, status=status)


# --- electing an owners' committee -----------------------------------------------------------------


@login_required
@translate_errors
def elections(request: HttpRequest) -> HttpResponse:
    """The community's owners' committee elections, newest first."""
    community, communities = workflows.management_community(
        request.user, _requested_community(request)
    )
    context = {
        "community": community,
        "communities": communities,
        "rows": list(workflows.elections_for(request.user, community)[:100]),
        "nav": "console",
    }
    return render(request, "votes/workflows/elections.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def election_create(request: HttpRequest) -> HttpResponse:
    """Start an election: estate, title, the specified size and the households."""
    community, _communities = workflows.management_community(
        request.user, _requested_community(request)
    )
    estates = workflows.manageable_estates(request.user, community)
    _estate_from_post(request, estates)
    data = request.POST if request.method == "POST" else None
    form = ElectionForm(data, estates=estates)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            election, status = _run(
                form,
                lambda: workflows.election_create(
                    actor=request.user,
                    estate_id=d["estate"].pk,
                    title=d["title"],
                    specified_size=d["specified_size"],
                    households=d["households"],
                ),
            )
            if election is not None:
                messages.success(request, _("Election started: record the nominations."))
                return redirect("votes:election", pk=election.pk)
    context = {"form": form, "community": community, "nav": "console"}
    return render(request, "votes/workflows/election_form.html", context, status=status)


@login_required
@translate_errors
def election(request: HttpRequest, pk: int) -> HttpResponse:
    """One election: nominations and checks, the candidate list, the vote, the committee."""
    found = workflows.access_election(request.user, pk)
    nominations = workflows.nominations_of(found)
    result = workflows.result_of(found.motion)
    outcome = workflows.election_outcome(found, result)
    notice = found.candidate_notice
    context = {
        "election": found,
        "nominations": nominations,
        "pending": sum(1 for n in nominations if n.eligibility == Nomination.Eligibility.PENDING),
        "eligible": sum(1 for n in nominations if n.eligibility == Nomination.Eligibility.ELIGIBLE),
        "needed": workflows.candidates_needed(found),
        "legal_minimum": committee.legal_minimum(found.households),
        "notice_url": notice_detail_path(notice) if notice else "",
        "outcome": outcome,
        "filing_due": workflows.election_filing_due(found),
        "filed_late": workflows.election_filed_late(found),
        "nav": "console",
    }
    return render(request, "votes/workflows/election.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    """Find an owner of the estate and record how they were nominated."""
    found = workflows.access_election(request.user, pk)
    query = request.GET.get("q", "")
    data = request.POST if request.method == "POST" else None
    form = NominationForm(data, initial={"person": _int_or_none(request.GET.get("person"))})
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            nomination, status = _run(
                form,
                lambda: workflows.nomination_create(
                    actor=request.user,
                    election_id=found.pk,
                    person_id=d["person"],
                    method=d["method"],
                    supporters=d["supporters"] or 0,
                    statement=d["statement"],
                ),
            )
            if nomination is not None:
                messages.success(
                    request,
                    _("%(name)s is nominated; check their eligibility next.")
                    % {"name": nomination.person.name},
                )
                return redirect("votes:election", pk=found.pk)
    person_id = _int_or_none(request.POST.get("person") or request.GET.get("person"))
    chosen = workflows.owner_by_id(found, person_id) if person_id else None
    context = {
        "election": found,
        "form": form,
        "query": query,
        "found": workflows.nominee_search(found, query) if query and not chosen else [],
        "chosen": chosen,
        "open": found.stage == Election.Stage.NOMINATING,
        "nav": "console",
    }
    return render(request, "votes/workflows/nominate.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def nomination_check(request: HttpRequest, pk: int, nomination_id: int) -> HttpResponse:
    """Record whether a nominee may stand (HZ-PMR Art. 25)."""
    found = workflows.access_election(request.user, pk)
    nomination = next((n for n in workflows.nominations_of(found) if n.pk == nomination_id), None)
    if nomination is None:
        raise Http404(_("This nomination does not exist."))
    initial: dict[str, Any] = {"note": nomination.check_note}
    if nomination.eligibility != Nomination.Eligibility.PENDING:
        initial["eligible"] = "1" if nomination.eligibility == "eligible" else "0"
    data = request.POST if request.method == "POST" else None
    form = CheckForm(data, initial=initial)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            saved, status = _run(
                form,
                lambda: workflows.nomination_check(
                    actor=request.user,
                    nomination_id=nomination.pk,
                    eligible=form.cleaned_data["eligible"],
                    note=form.cleaned_data["note"],
                ),
            )
            if saved is not None:
                messages.success(request, _("The check is recorded."))
                return redirect("votes:election", pk=found.pk)
    context = {
        "election": found,
        "nomination": nomination,
        "owner": workflows.owns_home_in(nomination.person_id, found.estate_id),
        "form": form,
        "open": found.stage == Election.Stage.NOMINATING,
        "nav": "console",
    }
    return render(request, "votes/workflows/nomination_check.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def election_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the candidate list: at least 7 days, ending at least 15 days before voting."""
    found = workflows.access_election(request.user, pk)
    today = clock.today()
    days = committee.CANDIDATE_PUBLICITY_DAYS
    lead = committee.CANDIDATE_PUBLICITY_LEAD_DAYS
    initial = {
        "starts_on": today,
        "ends_on": today + timedelta(days=days - 1),
        "vote_opens_on": today + timedelta(days=days - 1 + lead),
    }
    data = request.POST if request.method == "POST" else None
    form = CandidatesForm(data, initial=initial)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            saved, status = _run(
                form,
                lambda: workflows.election_candidates_publish(
                    actor=request.user,
                    election_id=found.pk,
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    vote_opens_on=d["vote_opens_on"],
                ),
            )
            if saved is not None:
                messages.success(request, _("The candidate list is published."))
                return redirect("votes:election", pk=found.pk)
    nominations = workflows.nominations_of(found)
    context = {
        "election": found,
        "form": form,
        "candidates": [n for n in nominations if n.eligibility == Nomination.Eligibility.ELIGIBLE],
        "pending": sum(1 for n in nominations if n.eligibility == Nomination.Eligibility.PENDING),
        "open": found.stage == Election.Stage.NOMINATING,
        "days": days,
        "lead": lead,
        "nav": "console",
    }
    return render(request, "votes/workflows/election_candidates.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def election_motion(request: HttpRequest, pk: int) -> HttpResponse:
    """Announce the election: one option per eligible candidate, seats = the specified size."""
    found = workflows.access_election(request.user, pk)
    if found.motion is not None:
        return redirect("votes:election", pk=found.pk)
    notice = found.candidate_notice
    today = clock.today()
    earliest = today + timedelta(days=15)
    if notice is not None:
        earliest = max(
            earliest, notice.ends_on + timedelta(days=committee.CANDIDATE_PUBLICITY_LEAD_DAYS)
        )
    initial = {"opens_on": earliest, "closes_on": earliest + timedelta(days=14)}
    data = request.POST if request.method == "POST" else None
    form = VotingPeriodForm(data, initial=initial)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            motion, status = _run(
                form,
                lambda: workflows.election_motion_create(
                    actor=request.user,
                    election_id=found.pk,
                    opens_on=d["opens_on"],
                    closes_on=d["closes_on"],
                    meeting_kind=d["meeting_kind"],
                ),
            )
            if motion is not None:
                messages.success(request, _("The election is announced to the owners."))
                return redirect("votes:election", pk=found.pk)
    context = {
        "election": found,
        "form": form,
        "candidates": [
            n
            for n in workflows.nominations_of(found)
            if n.eligibility == Nomination.Eligibility.ELIGIBLE
        ],
        "ready": found.stage == Election.Stage.PUBLICISED,
        "earliest": earliest,
        "nav": "console",
    }
    return render(request, "votes/workflows/election_motion.html", context, status=status)


@login_required
@require_POST
@translate_errors
def election_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    """Record from the counted result whether the committee is formed."""
    found = workflows.access_election(request.user, pk)
    try:
        concluded = workflows.election_conclude(actor=request.user, election_id=found.pk)
    except (NotFound, Forbidden):
        raise
    except LinliError as exc:
        messages.error(request, exc.message)
        return redirect("votes:election", pk=found.pk)
    if concluded.stage == Election.Stage.FORMED:
        messages.success(request, _("The committee is formed. Record its filing within 30 days."))
    else:
        messages.warning(request, _("The committee is not formed: a new election is needed."))
    return redirect("votes:election", pk=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
@translate_errors
def election_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the committee's filing with the housing authority and the street office."""
    found = workflows.access_election(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = FilingForm(data, initial={"filed_on": clock.today()})
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            saved, status = _run(
                form,
                lambda: workflows.election_file(
                    actor=request.user,
                    election_id=found.pk,
                    filed_on=form.cleaned_data["filed_on"],
                    filed_with=form.cleaned_data["filed_with"],
                ),
            )
            if saved is not None:
                if workflows.election_filed_late(saved):
                    messages.warning(
                        request,
                        _("Saved. The filing came more than %(days)d days after the election.")
                        % {"days": workflows.COMMITTEE_FILING_DAYS},
                    )
                else:
                    messages.success(request, _("The filing is recorded."))
                return redirect("votes:election", pk=found.pk)
    context = {
        "election": found,
        "form": form,
        "due": workflows.election_filing_due(found),
        "open": found.stage == Election.Stage.FORMED and found.filed_on is None,
        "nav": "console",
    }
    return render(request, "votes/workflows/election_file.html", context, status=status)


REPORT_TYPES = {b"%PDF": ("application/pdf", ".pdf"), b"\x89PNG": ("image/png", ".png")}


@login_required
@require_http_methods(["GET"])
@translate_errors
def procurement_report_file(request: HttpRequest, pk: int, candidate_id: int) -> FileResponse:
    """The file attached to an inspection report, as a download, for the procurement's managers."""
    found = workflows.access_procurement(request.user, pk)
    candidate = next((c for c in workflows.candidates_of(found) if c.pk == candidate_id), None)
    if candidate is None or not candidate.report_file:
        raise Http404(_("This file does not exist."))
    try:
        handle = candidate.report_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("This file does not exist.")) from exc
    head = handle.read(8)
    handle.seek(0)
    content_type, extension = next(
        (kind for magic, kind in REPORT_TYPES.items() if head.startswith(magic)),
        ("image/jpeg", ".jpg"),
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"inspection-{candidate.pk}{extension}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("procurements/", procurements, name="procurements"),
    path("procurements/new/", procurement_create, name="procurement_create"),
    path("procurements/<int:pk>/", procurement, name="procurement"),
    path("procurements/<int:pk>/longlist/", procurement_longlist, name="procurement_longlist"),
    path("procurements/<int:pk>/shortlist/", procurement_shortlist, name="procurement_shortlist"),
    path(
        "procurements/<int:pk>/companies/<int:candidate_id>/report/",
        procurement_report,
        name="procurement_report",
    ),
    path(
        "procurements/<int:pk>/companies/<int:candidate_id>/report/file/",
        procurement_report_file,
        name="procurement_report_file",
    ),
    path("procurements/<int:pk>/vote/", procurement_motion, name="procurement_motion"),
    path("procurements/<int:pk>/contract/", procurement_contract, name="procurement_contract"),
    path("elections/", elections, name="elections"),
    path("elections/new/", election_create, name="election_create"),
    path("elections/<int:pk>/", election, name="election"),
    path("elections/<int:pk>/nominate/", nominate, name="nominate"),
    path(
        "elections/<int:pk>/nominations/<int:nomination_id>/check/",
        nomination_check,
        name="nomination_check",
    ),
    path("elections/<int:pk>/candidates/", election_candidates, name="election_candidates"),
    path("elections/<int:pk>/vote/", election_motion, name="election_motion"),
    path("elections/<int:pk>/conclude/", election_conclude, name="election_conclude"),
    path("elections/<int:pk>/filing/", election_file, name="election_file"),
]
