from django import forms
from django.utils.translation import gettext_lazy as _

from commendations.certificates.templating import MAX_SOURCE_LENGTH
from commendations.models import Decision
from commendations.services import HEADER_FIELDS
from movements.models import AwardKind
from unions.forms import BootstrapFormMixin, DateInput, ModelIdsField, plausible_date


class DecisionForm(BootstrapFormMixin, forms.ModelForm):
    """The header of a decision. On creation, also its issuing unit and award kind."""

    class Meta:
        model = Decision
        fields = list(HEADER_FIELDS)
        widgets = {
            "date": DateInput(),
            "signer_title": forms.Textarea(attrs={"rows": 2}),
            "legal_bases": forms.Textarea(attrs={"rows": 5}),
            "achievement": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, units=None, award_kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].validators.append(plausible_date)
        if units is not None:
            self.fields = {
                "issuing_unit": forms.ModelChoiceField(
                    queryset=units, label=_("Issuing unit"), empty_label=None
                ),
                "award_kind": forms.ModelChoiceField(
                    queryset=award_kinds, label=_("Award"), empty_label=None
                ),
                **self.fields,
            }
            for name in ("issuing_unit", "award_kind"):
                self.fields[name].widget.attrs["class"] = "form-select"

    def _post_clean(self):
        # The service validates the whole decision (and the number's uniqueness) itself.
        pass


class AwardeesForm(forms.Form):
    nominations = ModelIdsField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = choices


class RevokeForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(
        label=_("Number of the revoking decision"),
        max_length=64,
        help_text=_("e.g. 52/QĐ-CĐVC"),
    )
    date = forms.DateField(
        label=_("Date of the revoking decision"), widget=DateInput(), validators=[plausible_date]
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. false achievement, forged dossier, irregular procedure."),
    )


class CertificateTemplateForm(forms.Form):
    source = forms.CharField(
        label=_("Template (HTML and CSS)"),
        required=False,
        max_length=MAX_SOURCE_LENGTH,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 28, "class": "form-control font-monospace small", "spellcheck": "false"}
        ),
        help_text=_(
            "The markup of one certificate with its <style>. Fields: certificate.awardee_name, "
            "award_name, issuing_body, parent_body, achievement, unit_name, position, "
            "decision_number, decision_date, register_number, place, signer_title, signer_name, "
            "signed_on; qr_code is the QR code image. Empty: the default template."
        ),
    )


class RegisterFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]


def award_kinds_for(units):
    """Award kinds the union grants at the level of any of `units` (an outside authority's
    award is proposed and recorded, never decided by a union decision)."""
    return (
        AwardKind.objects.granted_at({u.level for u in units})
        .granted_by_the_union()
        .in_level_order()
    )
