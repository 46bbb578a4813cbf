"""Forms of the inbox pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    topic = forms.CharField(max_length=40, widget=forms.HiddenInput)
    sms = forms.BooleanField(label=_("SMS"), required=False)
    email = forms.BooleanField(label=_("Email"), required=False)
