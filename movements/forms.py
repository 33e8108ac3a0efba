from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from movements import services
from movements.models import (
    Criterion,
    CriterionTarget,
    Movement,
    Registration,
    Round,
    TaskClassification,
)
from unions.forms import BootstrapFormMixin, DateInput, ModelIdsField
from unions.models import UnitLevel

# Every level that may send submissions up, from the bottom of the tree upwards (the order in
# which the deadlines fall). The confederation sends nothing up.
DEADLINE_LEVELS = [
    UnitLevel.GROUP,
    UnitLevel.GRASSROOTS,
    UnitLevel.UPPER_GRASSROOTS,
    UnitLevel.PROVINCIAL,
    UnitLevel.NATIONAL,
]


def award_kinds():
    """The award kind model, reached through the registration so that movements does not
    import the awards app (awards builds on movements, not the other way round)."""
    return Registration._meta.get_field("target_award").related_model


def award_kinds_for(target):
    """Award kinds valid today whose beneficiary is `target` (individual or collective)."""
    return award_kinds().objects.valid_on(timezone.localdate()).filter(beneficiary=target)


class DateTimeInput(forms.DateTimeInput):
    def __init__(self, **kwargs):
        super().__init__(
            attrs={"placeholder": _("dd/mm/yyyy hh:mm"), "autocomplete": "off"}, **kwargs
        )


class MovementForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Movement
        fields = [
            "launching_unit",
            "code",
            "title_vi",
            "title_en",
            "kind",
            "legal_basis",
            "description",
            "starts_on",
            "ends_on",
            "requires_registration",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, launching_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if launching_units is None:
            # The launching unit is fixed once the movement exists: its subtree takes part.
            del self.fields["launching_unit"]
        else:
            field = self.fields["launching_unit"]
            field.queryset = launching_units.order_by("path")
            field.label_from_instance = lambda unit: unit.name
            if len(field.queryset) == 1:
                field.initial = field.queryset[0].pk

    def movement_fields(self):
        """The cleaned movement fields the services take (the launching unit aside)."""
        return {
            name: value for name, value in self.cleaned_data.items() if name != "launching_unit"
        }


def _deadline_field(level):
    return forms.DateTimeField(label=UnitLevel(level).label, required=False, widget=DateTimeInput())


class RoundForm(BootstrapFormMixin, forms.ModelForm):
    """A round, with one deadline per submitting level (empty: that level has no deadline)."""

    deadline_group = _deadline_field(UnitLevel.GROUP)
    deadline_grassroots = _deadline_field(UnitLevel.GRASSROOTS)
    deadline_upper_grassroots = _deadline_field(UnitLevel.UPPER_GRASSROOTS)
    deadline_provincial = _deadline_field(UnitLevel.PROVINCIAL)
    deadline_national = _deadline_field(UnitLevel.NATIONAL)

    class Meta:
        model = Round
        fields = ["name", "year", "opens_on", "registration_deadline"]
        widgets = {"opens_on": DateInput(), "registration_deadline": DateTimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for deadline in self.instance.deadlines.all():
                self.initial[f"deadline_{deadline.level}"] = deadline.deadline

    def deadline_fields(self):
        return [self[f"deadline_{level}"] for level in DEADLINE_LEVELS]

    def deadlines(self):
        return {level: self.cleaned_data.get(f"deadline_{level}") for level in DEADLINE_LEVELS}

    def to_spec(self):
        spec = {name: self.cleaned_data[name] for name in services.ROUND_FIELDS}
        return {"id": self.instance.pk, **spec, "deadlines": self.deadlines()}


class CriterionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["position", "group", "text", "max_points", "target", "kind", "required"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def to_spec(self):
        spec = {name: self.cleaned_data[name] for name in services.CRITERION_FIELDS}
        return {"id": self.instance.pk, **spec}


# A movement's rounds and criteria lines are counted in tens at most. The bounds also cap what a
# posted TOTAL_FORMS makes the page build: Django's default would build and show 2,000 forms.
MAX_ROUNDS, MAX_CRITERIA = 30, 200
RoundFormSet = inlineformset_factory(
    Movement, Round, form=RoundForm, extra=1, can_delete=True, min_num=0,
    max_num=MAX_ROUNDS, absolute_max=MAX_ROUNDS, validate_max=True,
)  # fmt: skip
CriterionFormSet = inlineformset_factory(
    Movement, Criterion, form=CriterionForm, extra=2, can_delete=True, min_num=0,
    max_num=MAX_CRITERIA, absolute_max=MAX_CRITERIA, validate_max=True,
)  # fmt: skip


def formset_specs(formset):
    """The changes a bound, valid formset asks for, as the services take them."""
    specs = []
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            if form.instance.pk:
                specs.append({"id": form.instance.pk, "delete": True})
            continue
        if form.has_changed():
            specs.append(form.to_spec())
    return specs


class RegistrationForm(BootstrapFormMixin, forms.Form):
    """The title a unit (collective) or its members (individual) aim for, and a note."""

    target_award = forms.ModelChoiceField(label=_("Title aimed for"), queryset=None)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["target_award"]
        field.queryset = award_kinds_for(target).order_by("name_vi")
        field.label_from_instance = lambda kind: kind.name


class MemberRegistrationForm(RegistrationForm):
    members = ModelIdsField(label=_("Members"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, target=CriterionTarget.INDIVIDUAL, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].error_messages["required"] = _(
            "Select at least one member to register."
        )


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what the unit must correct or complete."),
        error_messages={"required": _("Give the reason for returning the registration.")},
    )


# --- Annual rounds --------------------------------------------------------------------------


def _title_choices(kinds):
    return [("", _("— not registered —")), *((str(kind.pk), kind.name) for kind in kinds)]


class AnnualRegistrationForm(BootstrapFormMixin, forms.Form):
    """A unit's one registration for an annual round: its collective title and, in one list,
    the title each member aims for (a select per member; ticked members and card numbers take
    the title chosen for them all)."""

    collective_award = forms.ModelChoiceField(label=_("Title the unit aims for"), queryset=None)
    default_award = forms.ChoiceField(
        label=_("Title for the ticked members and the card numbers"), required=False
    )
    card_numbers = forms.CharField(
        label=_("Add by card number"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: one union card number a line, e.g. pasted from a spreadsheet."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, unit, members, individual_kinds, collective_kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit, self.members = unit, list(members)
        self.kinds = {str(kind.pk): kind for kind in individual_kinds}
        self.fields["collective_award"].queryset = collective_kinds
        self.fields["collective_award"].label_from_instance = lambda kind: kind.name
        choices = _title_choices(self.kinds.values())
        self.fields["default_award"].choices = [("", "—"), *choices[1:]]
        for member in self.members:
            self.fields[f"title_{member.pk}"] = forms.ChoiceField(
                label=member.full_name, choices=choices, required=False
            )

    def rows(self):
        """(member, its title field) in the list's order, for the template."""
        picked = set(self.data.getlist("members")) if self.is_bound else set()
        return [
            (member, self[f"title_{member.pk}"], str(member.pk) in picked)
            for member in self.members
        ]

    def clean(self):
        data = super().clean()
        default = self.kinds.get(data.get("default_award") or "")
        by_pk = {str(member.pk): member for member in self.members}
        picked = self.data.getlist("members") if self.is_bound else []
        strangers = [pk for pk in picked if pk not in by_pk]
        if strangers:
            raise forms.ValidationError(
                _("A ticked member is not an active member of %(unit)s.") % {"unit": self.unit.name}
            )
        entries, needs_default = [], False
        for member in self.members:
            chosen = data.get(f"title_{member.pk}")
            if chosen:
                entries.append((member, self.kinds[chosen]))
            elif str(member.pk) in picked:
                needs_default = True
                entries.append((member, default))
        by_card = {m.card_number.casefold(): m for m in self.members if m.card_number}
        unknown = []
        for line in (data.get("card_numbers") or "").splitlines():
            card = line.strip()
            if not card:
                continue
            member = by_card.get(card.casefold())
            if member is None:
                unknown.append(card)
            else:
                needs_default = True
                entries.append((member, default))
        if unknown:
            self.add_error(
                "card_numbers",
                _("No active member of %(unit)s has the card number(s): %(cards)s.")
                % {"unit": self.unit.name, "cards": ", ".join(unknown[:20])},
            )
        if needs_default and default is None:
            self.add_error(
                "default_award", _("Choose the title for the ticked members and card numbers.")
            )
        if not entries:
            raise forms.ValidationError(_("List at least one member with the title they aim for."))
        data["entries"] = entries
        return data


class ClassificationForm(BootstrapFormMixin, forms.Form):
    """The year's task classification of each member on the unit's approved list: one select
    each, and one to set every member left empty at once."""

    collective = forms.ChoiceField(label=_("Classification of the unit"), required=False)
    set_all = forms.ChoiceField(
        label=_("Set every member left empty to"),
        required=False,
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        choices = [("", "—"), *TaskClassification.choices]
        self.fields["collective"].choices = choices
        self.fields["set_all"].choices = choices
        for line in self.lines:
            self.fields[f"grade_{line.member_id}"] = forms.ChoiceField(
                label=line.member.full_name,
                choices=choices,
                required=False,
                initial=line.classification,
            )

    def rows(self):
        return [(line, self[f"grade_{line.member_id}"]) for line in self.lines]

    def grades(self):
        """{member pk: classification} of what the form says, the bulk value filling the
        members left empty."""
        bulk = self.cleaned_data.get("set_all")
        grades = {}
        for line in self.lines:
            grade = self.cleaned_data.get(f"grade_{line.member_id}") or bulk
            if grade:
                grades[line.member_id] = grade
        return grades
