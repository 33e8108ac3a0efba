import functools
from datetime import date

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unions.models import Member, Role, Unit, UnitLevel
from unions.scoping import is_id
from unions.text import fold


class DateInput(forms.DateInput):
    """A text date field in the interface's format (dd/mm/yyyy in Vietnamese)."""

    def __init__(self, **kwargs):
        super().__init__(attrs={"placeholder": _("dd/mm/yyyy"), "autocomplete": "off"}, **kwargs)


class SearchSelect(forms.Select):
    """A choice among many units (a province's 1,500 grassroots unions): the page carries only
    the chosen option, and static/js/app.js adds a search box that asks `search_url`
    (?q=<text>, a JSON list of {"id", "text"}) as the user types. The field still validates the
    chosen id against its whole queryset."""

    def __init__(self, search_url, attrs=None):
        super().__init__(
            attrs={
                "data-search-url": search_url,
                "data-search-placeholder": _("Type part of the name or code…"),
                **(attrs or {}),
            }
        )

    def optgroups(self, name, value, attrs=None):
        chosen = {str(v) for v in value if v not in (None, "")}
        choices = self.choices
        if isinstance(choices, forms.models.ModelChoiceIterator):
            # Read only the chosen row, not the whole queryset.
            ids = [v for v in chosen if is_id(v)]
            field = choices.field
            choices = [("", field.empty_label)] if field.empty_label is not None else []
            choices += [self.choices.choice(obj) for obj in field.queryset.filter(pk__in=ids)]
        groups = []
        for index, (option_value, option_label) in enumerate(choices):
            option_value = "" if option_value is None else option_value
            key = str(getattr(option_value, "value", option_value))
            if key == "" or key in chosen:
                selected = key in chosen
                groups.append(
                    (
                        None,
                        [
                            self.create_option(
                                name, option_value, option_label, selected, index, attrs=attrs
                            )
                        ],
                        index,
                    )
                )
        return groups


def unit_search_results(units, text, limit=20):
    """[{"id", "text"}] of the units in `units` whose name (accent-insensitive) or code holds
    `text`: what a SearchSelect asks for. At most `limit`, by path."""

    folded = fold(text or "")
    if not folded:
        return []
    query = Q(code__icontains=text.strip())
    words = folded.split()
    name = Q()
    for word in words:
        name &= Q(name_folded__contains=word)
    found = units.filter(query | name).order_by("path")[:limit]
    return [{"id": unit.pk, "text": f"{unit.code} · {unit.name}"} for unit in found]


# The dates a person enters for a birth, a council meeting or a decision. Anything outside is a
# typing slip (0024 for 2024) or a hostile value, and would print as nonsense or overflow a
# computation on the date.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)


def plain_choices(field):
    """The choices of a ModelChoiceField as plain (value, label) pairs, read once and only when
    the form is rendered: a callable to set as the field's choices.

    Rendered, a ModelChoiceField reads its queryset through queryset.iterator(), on PostgreSQL a
    server-side cursor (DECLARE, FETCH, CLOSE), and its select reads it twice: once to know
    whether its first option is empty, once to list them. For the few dozen movements, rounds or
    awards of a filter, one plain query. The chosen value is still validated against the field's
    queryset."""

    @functools.cache
    def choices():
        empty = [] if field.empty_label is None else [("", field.empty_label)]
        return [*empty, *((obj.pk, field.label_from_instance(obj)) for obj in field.queryset)]

    return choices


def plausible_date(value):
    """A field validator: the date lies between 1900 and 2100."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(_("Enter a date between 1900 and 2100."), code="date_out_of_range")


class BootstrapFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        # Every error reaches the form through here (Django's own cleaning, a service's
        # ValidationError naming a field): the field it names is outlined in red and tells
        # assistive technology where its message is (includes/form.html gives it that id).
        super().add_error(field, error)
        for name in self._errors or {}:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            if "is-invalid" not in attrs.get("class", "").split():
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{self[name].auto_id}-error"


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id (checkboxes, hidden ids). A value that cannot be an id (an
    over-long integer, a word) is an invalid choice, as one no longer offered is, instead of
    reaching the database: SQLite cannot bind an integer past 64 bits."""

    def _check_values(self, value):
        for pk in value:
            if not is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class MemberForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "full_name",
            "gender",
            "date_of_birth",
            "position",
            "card_number",
            "joined_on",
            "status",
        ]
        widgets = {"date_of_birth": DateInput(), "joined_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date_of_birth", "joined_on"):
            self.fields[name].validators.append(plausible_date)


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class MoveMemberForm(BootstrapFormMixin, forms.Form):
    to_unit = forms.ModelChoiceField(label=_("Move to unit"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units.filter(
            level__in=[UnitLevel.GRASSROOTS, UnitLevel.GROUP], is_active=True
        ).order_by("name")


class InvitationForm(BootstrapFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email


class ActivityFilterForm(BootstrapFormMixin, forms.Form):
    AREAS = [
        ("", _("Everything")),
        ("member", _("Members")),
        ("members", _("Member imports")),
        ("role", _("Roles and accounts")),
        ("movement", _("Movements")),
        ("registration", _("Registrations")),
        ("nomination", _("Nominations and reviews")),
        ("decision", _("Decisions")),
    ]
    area = forms.ChoiceField(label=_("Area"), choices=AREAS, required=False)
    actor = forms.CharField(label=_("User"), max_length=150, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def filter(self, activities):
        data = self.cleaned_data
        if data.get("area"):
            activities = activities.filter(action__startswith=f"{data['area']}.")
        if data.get("actor"):
            activities = activities.filter(actor__username__iexact=data["actor"].strip())
        if data.get("date_from"):
            activities = activities.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            activities = activities.filter(created_at__date__lte=data["date_to"])
        return activities


class LoginForm(BootstrapFormMixin, AllauthLoginForm):
    """allauth's sign-in form in the site's form styling (settings.ACCOUNT_FORMS)."""
