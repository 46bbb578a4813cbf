"""Forms of the staff console of sunshine finance. They only parse input (amounts typed in yuan
become whole fen, a month becomes its first day); the services decide what is allowed and say
why not."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.domain.fund_rules import Confirmation, EmergencyKind
from linli.finance.models import (
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    Account,
    Category,
    CostPlan,
    Payment,
    Receipt,
    Statement,
)
from linli.registry.models import Building, Unit
from linli.votes.models import Motion

RECEIPT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
# Plain digits with an optional decimal part, once separators and currency signs are gone.
AMOUNT_CHARS = 20
AMOUNT_PATTERN = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
MONTH_PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})")

# The emergencies of HZ-PMR Art. 73 in which the fund may be used without an owners' vote.
EMERGENCY_LABELS = {
    EmergencyKind.ELEVATOR_FAILURE: _("Serious elevator failure"),
    EmergencyKind.FIRE_FACILITY_DAMAGE: _("Serious damage to fire-fighting facilities"),
    EmergencyKind.FACADE_FALLING: _("Parts of the façade in danger of falling"),
    EmergencyKind.WALL_OR_ROAD_COLLAPSE: _("Collapse of a wall or road"),
    EmergencyKind.ROOF_OR_WALL_LEAK: _("Leaking roof or external wall"),
    EmergencyKind.DRAIN_BLOCKAGE: _("Serious blockage of drains or sewers"),
}
CONFIRMATION_LABELS = {
    Confirmation.COMMITTEE_CHECK: _("The owners' committee checked the repair plan"),
    Confirmation.STREET_OFFICE_CONFIRMATION: _(
        "The street office (or the residents' committee for it) confirmed the repair plan"
    ),
}


def _categories(allowed: frozenset[str]) -> list[tuple[str, Any]]:
    """The categories in `allowed`, in the order Category lists them."""
    return [(value, label) for value, label in Category.choices if value in allowed]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class YuanField(forms.CharField):
    """An amount typed in yuan ("1234.56", "1,234.5", "¥800", full-width digits too); cleans
    to whole fen exactly, through Decimal. More than two decimals, a sign, or anything but a
    number is refused with a message saying what to write."""

    default_error_messages = {
        "invalid": _("Write an amount in yuan, such as 1234.56."),
        "negative": _("The amount cannot be negative."),
        "precision": _("Write at most two decimal places (fen)."),
        "zero": _("The amount must be more than 0."),
    }

    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        # The length is checked on the text: a max_length validator would see the cleaned int.
        attrs = {"inputmode": "decimal", "autocomplete": "off", "maxlength": str(AMOUNT_CHARS)}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = unicodedata.normalize("NFKC", str(super().to_python(value) or ""))
        text = text.replace(",", "").replace(" ", "").removeprefix("¥").removesuffix("元")
        if not text:
            return None
        if text.startswith("-"):
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if len(text) > AMOUNT_CHARS or not AMOUNT_PATTERN.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(text.partition(".")[2]) > 2:
            raise forms.ValidationError(self.error_messages["precision"], code="precision")
        fen = int(Decimal(text) * 100)
        if fen == 0 and not self.allow_zero:
            raise forms.ValidationError(self.error_messages["zero"], code="zero")
        return fen


class MonthField(forms.CharField):
    """A month picked as "2026-05"; cleans to its first day."""

    default_error_messages = {"invalid": _("Pick a month, such as 2026-05.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month", "maxlength": "7"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = str(super().to_python(value) or "")
        if not text:
            return None
        match = MONTH_PATTERN.fullmatch(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(match.group(1)), int(match.group(2)), 1)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": RECEIPT_ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        single = super().clean
        return [single(item, initial) for item in files]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class IncomeForm(forms.Form):
    """Money received into an account; on the maintenance fund, for one unit or by area."""

    category = forms.ChoiceField(label=_("Category"), choices=_categories(INCOME_CATEGORIES))
    amount = YuanField(label=_("Amount (yuan)"))
    description = forms.CharField(label=_("Description"), max_length=200)
    counterparty = forms.CharField(label=_("Received from"), max_length=100, required=False)
    received_on = forms.DateField(
        label=_("Date received"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty for today."),
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Every unit of the estate, by exclusive area"),
        help_text=_("A deposit or top-up paid for one unit goes to that unit's sub-ledger."),
    )

    def __init__(self, *args: Any, account: Account, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if account.kind == Account.Kind.MAINTENANCE_FUND:
            field = self.fields["unit"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units
        else:
            del self.fields["unit"]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        unit = data.get("unit")
        return {
            "category": data["category"],
            "amount": data["amount"],
            "description": data["description"],
            "counterparty": data["counterparty"],
            "received_on": data["received_on"],
            "unit_id": unit.pk if unit else None,
        }


class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ExpenseForm(forms.Form):
    """An expense with its receipts; it waits for someone else's approval."""

    category = forms.ChoiceField(label=_("Category"), choices=_categories(EXPENSE_CATEGORIES))
    description = forms.CharField(label=_("Description"), max_length=200)
    counterparty = forms.CharField(label=_("Paid to"), max_length=100)
    amount = YuanField(label=_("Amount (yuan)"))
    spent_on = forms.DateField(
        label=_("Date"), widget=DateInput(), required=False, help_text=_("Leave empty for today.")
    )
    budget = YuanField(
        label=_("Approved budget (yuan, if any)"),
        required=False,
        help_text=_("A settlement over its budget by a tenth or more must be applied for again."),
    )
    building = BuildingChoiceField(
        label=_("Charged to building"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=_("The whole estate"),
        help_text=_("Works on one building are charged to its owners' accounts only."),
    )
    emergency = forms.ChoiceField(
        label=_("Emergency repair (Hangzhou Property Management Regulations, Art. 73)"),
        choices=[("", _("Not an emergency")), *EMERGENCY_LABELS.items()],
        required=False,
        help_text=_(
            "Only for these emergencies may the fund be used without an owners' vote, once "
            "the owners' committee has checked and the street office has confirmed the plan."
        ),
    )
    receipts = MultipleFileField(
        label=_("Receipts and invoices (PDF, JPEG or PNG, at most 10 MB each)"),
        required=False,
        help_text=_("Photos are re-encoded without their location and camera data."),
    )

    def __init__(
        self, *args: Any, account: Account, buildings: QuerySet[Building], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if account.kind == Account.Kind.MAINTENANCE_FUND:
            field = self.fields["building"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = buildings
        else:
            del self.fields["building"]
            del self.fields["emergency"]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        building = data.get("building")
        return {
            "category": data["category"],
            "description": data["description"],
            "counterparty": data["counterparty"],
            "amount": data["amount"],
            "spent_on": data["spent_on"],
            "budget": data["budget"],
            "building_id": building.pk if building else None,
            "emergency": data.get("emergency", ""),
            "receipts": data["receipts"],
        }


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    note = forms.CharField(
        label=_("Note (required when rejecting)"), max_length=180, required=False
    )
    waive_audit = forms.BooleanField(
        label=_("Skip the audit of this settlement (30,000 yuan or less)"), required=False
    )


class MotionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class LinkMotionForm(forms.Form):
    motion = MotionChoiceField(
        label=_("Owners' vote that approved this expense"), queryset=Motion.objects.none()
    )

    def __init__(self, *args: Any, motions: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["motion"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = motions


class ConfirmForm(forms.Form):
    step = forms.ChoiceField(label=_("Confirmation"), choices=list(CONFIRMATION_LABELS.items()))
    document_ref = forms.CharField(
        label=_("Document reference"),
        max_length=100,
        help_text=_("The number or title of the signed document, e.g. 金狮苑业委会〔2026〕3号."),
    )

    def __init__(self, *args: Any, steps: Sequence[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if steps is not None:
            field = self.fields["step"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(s, label) for s, label in CONFIRMATION_LABELS.items() if s in steps]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Receipt.Kind.choices)
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": RECEIPT_ACCEPT}),
    )


class StatementForm(forms.Form):
    period = forms.ChoiceField(
        label=pgettext_lazy("statement", "Period"), choices=Statement.Period.choices
    )
    month = MonthField(
        label=_("First month"),
        help_text=_("Half-years start in January or July, years in January."),
    )


class ReverseForm(forms.Form):
    sequence = forms.IntegerField(label=_("Entry number"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=150)


class PaymentForm(forms.Form):
    amount = YuanField(label=_("Amount paid (yuan)"))
    channel = forms.ChoiceField(label=_("Paid by"), choices=Payment.Channel.choices)
    reference = forms.CharField(label=_("Reference"), max_length=64, required=False)
    paid_on = forms.DateField(
        label=_("Date paid"), widget=DateInput(), required=False, help_text=_("Empty: today.")
    )


class PlanForm(forms.Form):
    """A cost plan over the units of one building or entrance, in roster order.

    The scheme's table comes as one text input per floor (percentages, coefficients) or per
    unit (agreed amounts in yuan); only the chosen scheme's table is used. Blank floors are
    left out of the table: the plan rules then say what is missing."""

    title = forms.CharField(label=_("Title"), max_length=150)
    scheme = forms.ChoiceField(label=_("Scheme"), choices=CostPlan.Scheme.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=CostPlan.Purpose.choices)
    gross = YuanField(label=_("Gross cost (yuan)"))
    subsidy = YuanField(
        label=_("Construction subsidy (yuan)"),
        allow_zero=True,
        required=False,
        help_text=_("Deducted from construction costs only."),
    )
    split = forms.ChoiceField(
        label=_("Within a floor, split"),
        choices=[("equal", _("equally between flats")), ("area", _("by exclusive area"))],
        required=False,
    )
    opt_outs = forms.TypedMultipleChoiceField(
        label=_("Units that opted out"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = list(units)
        self.floors = sorted({unit.floor for unit in self.units})
        for floor in self.floors:
            self.fields[f"pct_{floor}"] = forms.CharField(
                label=_("Floor %(floor)d (%%)") % {"floor": floor}, max_length=12, required=False
            )
            self.fields[f"k_{floor}"] = forms.CharField(
                label=_("Floor %(floor)d coefficient") % {"floor": floor},
                max_length=12,
                required=False,
            )
        for unit in self.units:
            self.fields[f"amount_{unit.pk}"] = YuanField(
                label=unit.label, allow_zero=True, required=False
            )
        opt_outs = self.fields["opt_outs"]
        assert isinstance(opt_outs, forms.TypedMultipleChoiceField)
        opt_outs.choices = [(unit.pk, unit.label) for unit in self.units]

    def percent_fields(self) -> list[forms.BoundField]:
        return [self[f"pct_{floor}"] for floor in self.floors]

    def coefficient_fields(self) -> list[forms.BoundField]:
        return [self[f"k_{floor}"] for floor in self.floors]

    def amount_fields(self) -> list[forms.BoundField]:
        return [self[f"amount_{unit.pk}"] for unit in self.units]

    def parameters(self) -> dict[str, Any]:
        """The chosen scheme's table, as `services.plan_create` stores it."""
        data = self.cleaned_data
        scheme = data["scheme"]
        if scheme == CostPlan.Scheme.FLOOR_PERCENT:
            table = {str(f): data[f"pct_{f}"] for f in self.floors if data[f"pct_{f}"]}
            return {"pct": table, "split": data.get("split") or "equal"}
        if scheme == CostPlan.Scheme.COEFFICIENT_AREA:
            return {"k": {str(f): data[f"k_{f}"] for f in self.floors if data[f"k_{f}"]}}
        if scheme == CostPlan.Scheme.EXPLICIT:
            return {
                "amounts": {
                    str(unit.pk): data[f"amount_{unit.pk}"]
                    for unit in self.units
                    if data[f"amount_{unit.pk}"] is not None
                }
            }
        return {}

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "scheme": data["scheme"],
            "purpose": data["purpose"],
            "gross": data["gross"],
            "subsidy": data["subsidy"] or 0,
            "roster": [unit.pk for unit in self.units],
            "parameters": self.parameters(),
            "opt_outs": list(data["opt_outs"]),
        }
