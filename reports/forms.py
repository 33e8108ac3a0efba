"""The filters of the dashboards and of the public honour roll."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from movements.models import Round
from unions.forms import BootstrapFormMixin, plain_choices
from unions.models import Unit


class DashboardFilterForm(BootstrapFormMixin, forms.Form):
    movement = forms.ModelChoiceField(
        label=gettext_lazy("Movement"), queryset=None, empty_label=None
    )
    round = forms.ModelChoiceField(
        label=gettext_lazy("Round"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("All rounds"),
    )

    def __init__(self, *args, movements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["movement"].queryset = movements
        self.fields["movement"].label_from_instance = lambda m: f"{m.code} · {m.title}"
        self.fields["round"].queryset = Round.objects.filter(movement__in=movements).select_related(
            "movement"
        )
        self.fields["round"].label_from_instance = lambda r: f"{r.movement.code} · {r.name}"
        for name in ("movement", "round"):
            self.fields[name].choices = plain_choices(self.fields[name])

    def clean(self):
        data = super().clean()
        chosen = data.get("round")
        if (
            chosen is not None
            and data.get("movement")
            and chosen.movement_id != data["movement"].pk
        ):
            data["round"] = None  # the round of another movement: the movement's whole data
        return data


class HonourRollFilterForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Province / unit"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("All units"),
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, movement, years, **kwargs):
        super().__init__(*args, **kwargs)
        if movement is None:  # the quick commendations' roll: granted anywhere, by year only
            del self.fields["unit"]
        else:
            # The units directly below the launching unit: the provinces of a national movement.
            self.fields["unit"].queryset = Unit.objects.get_children(
                movement.launching_unit
            ).order_by("path")
        self.fields["year"].choices = [("", _("All years")), *[(y, str(y)) for y in years]]
