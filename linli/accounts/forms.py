"""Forms of the accounts pages. They only parse input; the services decide and explain."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import Consent


class TelInput(forms.TextInput):
    input_type = "tel"


def phone_field() -> forms.CharField:
    return forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        widget=TelInput(
            attrs={"inputmode": "numeric", "autocomplete": "tel", "placeholder": "138 1234 5678"}
        ),
    )


class PasswordLoginForm(forms.Form):
    phone = phone_field()
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SmsLoginForm(forms.Form):
    phone = phone_field()
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "maxlength": "6",
                "pattern": "[0-9]*",
            }
        ),
    )


class SmsSendForm(forms.Form):
    phone = phone_field()


class ElderModeForm(forms.Form):
    elder = forms.ChoiceField(choices=[("0", "0"), ("1", "1")])


class PaperConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Consent to"), choices=Consent.Purpose.choices)
    paper_reference = forms.CharField(
        label=_("Reference on the paper form"),
        max_length=100,
        help_text=_("The number written on the signed form, so that it can be found in the files."),
    )
    given_on = forms.DateField(
        label=_("Signed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate()


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new token"),
        max_length=100,
        help_text=_("For example the program that will use it."),
    )
