"""Forms of the staff console for owners' votes. They only parse input; the services decide
what is allowed (states, periods, who may do what) and say why not."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from linli.domain.masking import mask_name
from linli.registry.models import Building, Entrance, Estate
from linli.votes.models import Ballot, Motion, MotionOption, RollOwner

SCAN_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
ABSTAIN = "abstain"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class FractionField(forms.CharField):
    """A threshold typed as "2/3"; cleans to (numerator, denominator)."""

    default_error_messages = {"invalid": _("Write a fraction such as 2/3.")}

    def to_python(self, value: Any) -> tuple[int, int] | None:  # type: ignore[override]
        text = str(super().to_python(value) or "").replace(" ", "").replace("／", "/")
        if not text:
            return None
        numerator, sep, denominator = text.partition("/")
        if not (sep and numerator.isdigit() and denominator.isdigit()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(numerator), int(denominator)


class EstateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.community.name} · {obj.name}"


class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.estate.name} · {obj}"


class BuildingsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.estate.name} · {obj}"


class EntranceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.building.estate.name} · {obj.building} · {obj}"


CLAUSE_WARNING = _(
    "Legally contested: use it only when the community's adopted rules provide for it. "
    "Yes-or-no votes only; the result will say that it relies on this clause."
)


class MotionForm(forms.Form):
    """A new draft motion."""

    estate = EstateChoiceField(label=_("Estate"), queryset=Estate.objects.none())
    title = forms.CharField(label=_("Question"), max_length=200)
    body = forms.CharField(
        label=_("Explanation"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        required=False,
        help_text=_("Published with the announcement. No phone or ID numbers."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Motion.Kind.choices, initial="yes_no")
    matter = forms.ChoiceField(
        label=_("Matter"),
        choices=Motion.Matter.choices,
        help_text=_("The matter sets the rule: special matters need three quarters."),
    )
    meeting_kind = forms.ChoiceField(
        label=_("Meeting"), choices=Motion.MeetingKindChoices.choices, initial="regular"
    )
    scope = forms.ChoiceField(label=_("Who votes"), choices=Motion.Scope.choices, initial="estate")
    building = BuildingChoiceField(
        label=_("Building (when one building votes)"),
        queryset=Building.objects.none(),
        required=False,
    )
    buildings = BuildingsChoiceField(
        label=_("Buildings (when the owners of several buildings vote)"),
        queryset=Building.objects.none(),
        required=False,
    )
    entrance = EntranceChoiceField(
        label=_("Entrance (when one entrance votes)"),
        queryset=Entrance.objects.none(),
        required=False,
    )
    seats = forms.IntegerField(
        label=_("Seats (elections only)"), min_value=1, max_value=21, required=False
    )
    allow_revote = forms.BooleanField(
        label=_("Owners may change their vote until voting closes"), required=False
    )
    quorum = FractionField(
        label=_("Quorum (local rule only)"),
        required=False,
        max_length=9,
        help_text=_("Share of the area and of the owners that must take part, e.g. 2/3."),
    )
    approval = FractionField(
        label=_("Approval (local rule only)"),
        required=False,
        max_length=9,
        help_text=_("Share of the participating area and owners needed, e.g. 1/2."),
    )
    approval_inclusive = forms.BooleanField(
        label=_("Approval reached at exactly that share (“at least”)"), required=False
    )
    follow_majority_option = forms.BooleanField(
        label=_("Offer the answer “follow the majority” (随多数)"),
        required=False,
        help_text=CLAUSE_WARNING,
    )
    silent_owners_follow_majority = forms.BooleanField(
        label=_("Owners who do not vote follow the majority"),
        required=False,
        help_text=CLAUSE_WARNING,
    )
    options = forms.CharField(
        label=_("Options or candidates, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("For choose-one votes and elections; more can be added to the draft."),
    )

    def __init__(self, *args: Any, estates: QuerySet[Estate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("estate", estates.select_related("community").order_by("id"))
        self._set_queryset(
            "building",
            Building.objects.filter(estate__in=estates)
            .select_related("estate")
            .order_by("estate_id", "id"),
        )
        self._set_queryset(
            "buildings",
            Building.objects.filter(estate__in=estates)
            .select_related("estate")
            .order_by("estate_id", "id"),
        )
        self._set_queryset(
            "entrance",
            Entrance.objects.filter(building__estate__in=estates)
            .select_related("building__estate")
            .order_by("building__estate_id", "building_id", "id"),
        )

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField)
        field.queryset = queryset

    def clean_options(self) -> list[str]:
        text = self.cleaned_data.get("options") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("matter") == Motion.Matter.CUSTOM:
            for name in ("quorum", "approval"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("A local rule needs this threshold."))
        clauses = data.get("follow_majority_option") or data.get("silent_owners_follow_majority")
        if clauses and data.get("kind") != Motion.Kind.YES_NO:
            self.add_error(None, _("'Follow the majority' clauses apply only to yes-or-no votes."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `services.motion_create` from the cleaned data."""
        data = self.cleaned_data
        custom = None
        if data["matter"] == Motion.Matter.CUSTOM:
            custom = (*data["quorum"], *data["approval"], data["approval_inclusive"])
        building, entrance = data.get("building"), data.get("entrance")
        return {
            "estate_id": data["estate"].pk,
            "title": data["title"],
            "body": data["body"],
            "kind": data["kind"],
            "matter": data["matter"],
            "meeting_kind": data["meeting_kind"],
            "scope": data["scope"],
            "building_id": building.pk if building else None,
            "entrance_id": entrance.pk if entrance else None,
            "building_ids": [b.pk for b in data.get("buildings") or ()]
            if data["scope"] == Motion.Scope.UNITS
            else [],
            "seats": data.get("seats"),
            "allow_revote": data["allow_revote"],
            "custom": custom,
            "follow_majority_option": data["follow_majority_option"],
            "silent_owners_follow_majority": data["silent_owners_follow_majority"],
            "options": data["options"],
        }


class MotionUpdateForm(forms.Form):
    """The question and explanation of a draft."""

    title = forms.CharField(label=_("Question"), max_length=200)
    body = forms.CharField(
        label=_("Explanation"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        required=False,
    )
    allow_revote = forms.BooleanField(
        label=_("Owners may change their vote until voting closes"), required=False
    )


class OptionForm(forms.Form):
    label = forms.CharField(label=_("New option or candidate"), max_length=150)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class AnnounceForm(forms.Form):
    opens_on = forms.DateField(label=_("Voting opens (00:00)"), widget=DateInput())
    closes_on = forms.DateField(label=_("Voting closes (24:00)"), widget=DateInput())


class ExtendForm(forms.Form):
    closes_on = forms.DateField(label=_("New last day of voting"), widget=DateInput())


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)


class PaperBallotForm(forms.Form):
    """A paper ballot (or a proxy's) as written on the scanned sheet."""

    owner = forms.TypedChoiceField(label=_("Owner who signed"), coerce=int)
    scan = forms.FileField(
        label=_("Scan of the signed ballot (PDF, JPEG or PNG, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": SCAN_ACCEPT}),
        help_text=_("For a proxy, include the owner's written authorisation in the scan."),
    )
    proxy_name = forms.CharField(
        label=_("Proxy's name (only when someone voted for the owner)"),
        max_length=50,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        motion: Motion,
        owners: list[RollOwner],
        options: list[MotionOption],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.motion = motion
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.TypedChoiceField)
        # Co-owners pick one representative; say who it is only when there is a choice.
        shared = len(owners) > 1
        owner_field.choices = [
            (
                o.person_id,
                mask_name(o.person.name)
                + (str(_(" (representative)")) if shared and o.is_representative else ""),
            )
            for o in owners
        ]
        if len(owners) == 1:
            owner_field.initial = owners[0].person_id
        if motion.kind == Motion.Kind.YES_NO:
            choices = [
                (value, label)
                for value, label in Ballot.ChoiceValue.choices
                if value != Ballot.ChoiceValue.FOLLOW_MAJORITY or motion.follow_majority_option
            ]
            self.fields["choice"] = forms.ChoiceField(
                label=_("Answer on the ballot"), choices=choices, widget=forms.RadioSelect
            )
        elif motion.kind == Motion.Kind.CHOOSE_ONE:
            self.fields["choice"] = forms.ChoiceField(
                label=_("Answer on the ballot"),
                choices=[(str(o.position), str(o)) for o in options] + [(ABSTAIN, _("Abstain"))],
                widget=forms.RadioSelect,
            )
        else:
            self.fields["picked"] = forms.TypedMultipleChoiceField(
                label=_("Candidates marked on the ballot (none: abstain)"),
                choices=[(str(o.position), str(o)) for o in options],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("At most %(seats)d.") % {"seats": motion.seats or 1},
            )

    def answer(self) -> dict[str, Any]:
        """The `choice` / `options` arguments of `services.ballot_enter`."""
        data = self.cleaned_data
        if self.motion.kind == Motion.Kind.YES_NO:
            return {"choice": data["choice"]}
        if self.motion.kind == Motion.Kind.CHOOSE_ONE:
            return {"options": [] if data["choice"] == ABSTAIN else [int(data["choice"])]}
        return {"options": list(data["picked"])}


class CheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Matches the scan: accept")), ("reject", _("Reject"))],
    )
    note = forms.CharField(
        label=_("Note (required when rejecting)"), max_length=200, required=False
    )
