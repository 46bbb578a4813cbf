"""Forms of the notice pages. They only parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from linli.notices.models import Notice
from linli.notices.services import MAX_ATTACHMENTS
from linli.registry.models import Estate


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Notice.Kind.choices)
    estate = forms.ModelChoiceField(
        label=_("Estate"),
        queryset=Estate.objects.none(),
        required=False,
        empty_label=_("Whole community"),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=50_000,
        help_text=_("Do not write full phone or ID numbers: they are masked on the public board."),
    )
    starts_on = forms.DateField(label=_("Published from"), widget=DateInput())
    ends_on = forms.DateField(label=_("Published until (last day)"), widget=DateInput())
    issuer = forms.CharField(
        label=_("Issued by"),
        max_length=100,
        required=False,
        help_text=_("For example: the owners' committee of the estate, or the community office."),
    )

    def __init__(
        self, *args: Any, estates: QuerySet[Any], estate_required: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["estate"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = estates
        field.required = estate_required
        if estate_required:
            field.empty_label = None

    @classmethod
    def initial_from(cls, notice: Notice) -> dict[str, Any]:
        return {
            "kind": notice.kind,
            "estate": notice.estate_id,
            "title": notice.title,
            "body": notice.body,
            "starts_on": notice.starts_on,
            "ends_on": notice.ends_on,
            "issuer": notice.issuer,
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Attach a file"),
        # Formatted lazily, so the text follows the language of each request.
        help_text=format_lazy(
            _("PDF, JPG, PNG, XLSX or DOCX; at most {n} files per notice."), n=MAX_ATTACHMENTS
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.xlsx,.docx"}),
    )


class PublishForm(forms.Form):
    notify_residents = forms.BooleanField(
        label=_("Also send it to the inbox of every owner and resident it concerns"), required=False
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        max_length=200,
        help_text=_("Shown publicly next to the notice, which stays on the board."),
    )
