from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("Email me"),
        choices=Delivery.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
