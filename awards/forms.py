from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat, floatformat
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from awards import evidence as evidence_checks
from awards.models import NominationState
from movements.models import CriterionKind
from unions.forms import (
    BootstrapFormMixin,
    DateInput,
    ModelIdsField,
    SearchSelect,
    plain_choices,
    plausible_date,
)
from unions.models import Unit
from unions.text import normalize_text


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ScoreRow(NamedTuple):
    """One criterion of a scoring form: its points and comment fields, and the proposer's own
    score (a SelfScore, on the reviewer's form) shown beside them."""

    criterion: object
    points: object
    comment: object
    own: object = None


class ScoreFieldsMixin:
    """A points field and a comment field per criterion, named score_<pk> and comment_<pk>."""

    def add_score_fields(self, criteria, initial=None, own_scores=None):
        self.criteria = list(criteria)
        self.own_scores = own_scores or {}
        initial = initial or {}
        for criterion in self.criteria:
            points, comment = initial.get(criterion.pk, (None, ""))
            limit = floatformat(criterion.max_points, "-2")
            if criterion.kind == CriterionKind.PENALTY:
                out_of_range = _("Enter the points deducted, from 0 to %(max)s.")
            else:
                out_of_range = _("Enter a number of points from 0 to %(max)s.")
            out_of_range = out_of_range % {"max": limit}
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=criterion.text,
                required=False,
                min_value=0,
                max_value=criterion.max_points,
                max_digits=6,
                decimal_places=2,
                initial=points,
                widget=forms.NumberInput(
                    attrs={"step": "0.25", "inputmode": "decimal", "class": "form-control"}
                ),
                error_messages={
                    "invalid": _("Enter a number, for example 7.5."),
                    "min_value": out_of_range,
                    "max_value": out_of_range,
                    "max_digits": out_of_range,
                    "max_whole_digits": out_of_range,
                    "max_decimal_places": _("Use at most two decimals, for example 7.25."),
                },
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=2000,
                initial=comment,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def score_rows(self):
        """[ScoreRow] for the template's scoring list, one criterion a row."""
        return [
            ScoreRow(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"], self.own_scores.get(c.pk))
            for c in getattr(self, "criteria", [])
        ]

    def scores(self):
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}"))
            for c in self.criteria
        }


class NominationSetupForm(BootstrapFormMixin, forms.Form):
    """Which unit proposes, and in which round (GET: it decides the criteria of the form)."""

    unit = forms.ModelChoiceField(label=_("Proposing unit"), queryset=None, empty_label=None)
    round = forms.ModelChoiceField(label=_("Movement and round"), queryset=None)

    def __init__(self, *args, units, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        # A province's committee has its 1,500 grassroots unions below it: searched, not listed.
        self.fields["unit"].widget = SearchSelect(
            reverse_lazy("awards:review_queue_units"), attrs={"class": "form-select"}
        )
        self.fields["unit"].queryset = units  # after the widget: it gives the widget its choices
        self.fields["round"].queryset = rounds
        self.fields["round"].label_from_instance = lambda r: f"{r.movement.title} · {r.name}"


class NominationForm(ScoreFieldsMixin, BootstrapFormMixin, forms.Form):
    award_kind = forms.ModelChoiceField(label=_("Proposed award"), queryset=None)
    granting_unit = forms.ModelChoiceField(
        label=_("Granted by"),
        queryset=None,
        required=False,
        empty_label=_("The nearest unit above that grants it"),
        help_text=_(
            "Where several units above grant the award (a city federation and a national "
            "sectoral union both grant a Bằng khen), choose whose."
        ),
    )
    achievement = forms.CharField(
        label=_("Achievement report"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("The nominee's achievements in the movement, as the dossier states them."),
    )
    public_citation = forms.CharField(
        label=_("Public citation"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A short text for the honour roll, if the award may be published."),
    )
    publishable = forms.BooleanField(label=_("May be published on the honour roll"), required=False)
    evidence = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, JPEG or PNG; at most %(size)s each; you may choose several."),
    )

    def __init__(
        self, *args, award_kinds, criteria, score_initial=None, granting_units=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["award_kind"].queryset = award_kinds
        self.fields["granting_unit"].queryset = (
            granting_units if granting_units is not None else Unit.objects.none()
        )
        self.fields["evidence"].help_text = self.fields["evidence"].help_text % {
            "size": filesizeformat(evidence_checks.max_bytes())
        }
        self.add_score_fields(criteria, score_initial)

    def clean_evidence(self):
        files = self.cleaned_data["evidence"]
        errors = []
        for upload in files:
            try:
                evidence_checks.inspect(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files


class CommentForm(BootstrapFormMixin, forms.Form):
    """The comment (or, to return or reject, the required reasons) of an action on a nomination."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["comment"].required = True
            self.fields["comment"].label = _("Reasons")


class ForwardForm(CommentForm):
    """Forwarding sends a tờ trình signed by the unit's chair (empty: the forwarding user)."""

    signer_name = forms.CharField(
        label=_("Submission letter signed by"),
        required=False,
        max_length=150,
        help_text=_("The chair of the unit (empty: your own name)."),
    )
    signer_title = forms.CharField(
        label=_("Signer's title"),
        required=False,
        max_length=150,
        help_text=_("e.g. CHỦ TỊCH, or PHÓ CHỦ TỊCH signing for the chair."),
    )


class ReviewScoreForm(ScoreFieldsMixin, BootstrapFormMixin, forms.Form):
    def __init__(self, *args, criteria, initial_scores=None, own_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_score_fields(criteria, initial_scores, own_scores)


class VoteForm(BootstrapFormMixin, forms.Form):
    meeting_date = forms.DateField(
        label=_("Meeting date"), widget=DateInput(), validators=[plausible_date]
    )
    members_total = forms.IntegerField(label=_("Council members"), min_value=1, max_value=1000)
    present = forms.IntegerField(label=_("Members present"), min_value=0, max_value=1000)
    votes_for = forms.IntegerField(label=pgettext_lazy("vote", "For"), min_value=0, max_value=1000)
    votes_against = forms.IntegerField(
        label=pgettext_lazy("vote", "Against"), min_value=0, max_value=1000
    )
    abstain = forms.IntegerField(
        label=pgettext_lazy("vote", "Abstain"), min_value=0, max_value=1000
    )

    def clean_meeting_date(self):
        day = self.cleaned_data["meeting_date"]
        if day > timezone.localdate():
            raise ValidationError(_("The meeting date cannot be in the future."))
        return day


SORTS = {
    "-score": (_("Self-assessed score, highest first"), ["-self_score_total", "pk"]),
    "score": (_("Self-assessed score, lowest first"), ["self_score_total", "pk"]),
    "-review": (_("Reviewers' score, highest first"), ["-review_score", "pk"]),
    "-submitted": (_("Most recently submitted"), ["-submitted_at", "-pk"]),
    "submitted": (_("Submitted first"), ["submitted_at", "pk"]),
}
AWAITING = "awaiting"
# Which path a nomination took: a movement's round, or a quick commendation (khen thưởng đột
# xuất). A filter of the review queue and the nomination list.
QUICK = "quick"
PATH_CHOICES = [
    ("", _("Rounds and quick commendations")),
    ("round", _("In a movement round")),
    (QUICK, _("Quick commendations")),
]


class QueueFilterForm(BootstrapFormMixin, forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    movement = forms.ModelChoiceField(label=_("Movement"), queryset=None, required=False)
    round = forms.ModelChoiceField(label=_("Round"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=_("Unit below"), queryset=None, required=False)
    award_kind = forms.ModelChoiceField(label=_("Award"), queryset=None, required=False)
    path = forms.ChoiceField(label=_("Path"), required=False, choices=PATH_CHOICES)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(k, v[0]) for k, v in SORTS.items()]
    )

    def __init__(self, *args, movements, rounds, units, award_kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            (AWAITING, _("Awaiting our decision")),
            ("", _("All states")),
            *[(value, label) for value, label in NominationState.choices if value != "draft"],
        ]
        self.fields["movement"].queryset = movements
        self.fields["round"].queryset = rounds
        self.fields["round"].label_from_instance = lambda r: f"{r.movement.code} · {r.name}"
        # A province's committee has its 1,500 grassroots unions below it: searched, not listed.
        self.fields["unit"].widget = SearchSelect(
            reverse_lazy("awards:review_queue_units"), attrs={"class": "form-select"}
        )
        self.fields["unit"].queryset = units  # after the widget: it gives the widget its choices
        self.fields["award_kind"].queryset = award_kinds
        # Read only when rendered: the export filters with the same form.
        for name in ("movement", "round", "award_kind"):
            self.fields[name].choices = plain_choices(self.fields[name])


class NominationFilterForm(BootstrapFormMixin, forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    movement = forms.ModelChoiceField(label=_("Movement"), queryset=None, required=False)
    path = forms.ChoiceField(label=_("Path"), required=False, choices=PATH_CHOICES)

    def __init__(self, *args, movements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *NominationState.choices]
        self.fields["movement"].queryset = movements


BULK_ACTIONS = {
    "approve": _("Approve"),
    "return": _("Return for completion"),
    "forward": _("Forward to the level above"),
}


class BulkActionForm(BootstrapFormMixin, forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=list(BULK_ACTIONS.items()))
    ids = ModelIdsField(queryset=None, widget=forms.MultipleHiddenInput)
    comment = forms.CharField(
        label=_("Comment (one for all)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = nominations
        self.fields["ids"].error_messages["required"] = _("Select at least one nomination.")
        self.fields["ids"].error_messages["invalid_choice"] = _(
            "A selected nomination no longer awaits your decision."
        )

    def clean(self):
        data = super().clean()
        if data.get("action") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Give the reasons for returning the nominations."))
        return data


class AssessmentForm(BootstrapFormMixin, forms.Form):
    """The proposing unit's bình xét: the meeting, its minutes, and a ballot result per nominee
    (the nominees' rows are added per nomination: for_<pk>, against_<pk>, abstain_<pk>)."""

    meeting_date = forms.DateField(
        label=_("Meeting date"), widget=DateInput(), validators=[plausible_date]
    )
    members_total = forms.IntegerField(label=_("Members called"), min_value=1, max_value=10000)
    members_present = forms.IntegerField(label=_("Members present"), min_value=0, max_value=10000)
    minutes = forms.FileField(label=_("Minutes of the meeting (PDF)"))

    BALLOT = (
        ("for", pgettext_lazy("vote", "For")),
        ("against", pgettext_lazy("vote", "Against")),
        ("abstain", pgettext_lazy("secret ballot", "No opinion")),
    )

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.nominations = list(nominations)
        for nomination in self.nominations:
            for key, label in self.BALLOT:
                self.fields[f"{key}_{nomination.pk}"] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=10000,
                    required=False,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
                )

    def rows(self):
        return [
            (nomination, [self[f"{key}_{nomination.pk}"] for key, _label in self.BALLOT])
            for nomination in self.nominations
        ]

    def clean_meeting_date(self):
        day = self.cleaned_data["meeting_date"]
        if day > timezone.localdate():
            raise ValidationError(_("The meeting date cannot be in the future."))
        return day

    def ballots(self):
        """{nomination: (for, against, no opinion)} of the nominees whose row was filled."""
        result = {}
        for nomination in self.nominations:
            values = [self.cleaned_data.get(f"{key}_{nomination.pk}") for key, _l in self.BALLOT]
            if all(value is None for value in values):
                continue
            result[nomination] = tuple(value or 0 for value in values)
        return result


class PriorAwardUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        help_text=_(
            "Columns: Số thẻ đoàn viên, Danh hiệu (code or name of the award kind), Năm, "
            "Số quyết định, Cơ quan ban hành."
        ),
    )


# --- Công khai --------------------------------------------------------------------------------


class PublishNoticeForm(BootstrapFormMixin, forms.Form):
    nominations = ModelIdsField(
        label=_("Nominations to post"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the nominations to post.")},
    )
    opens_on = forms.DateField(
        label=_("Posted from"), widget=DateInput(), validators=[plausible_date]
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = candidates
        self.fields["nominations"].widget.attrs["class"] = "form-check-input"
        self.fields["nominations"].label_from_instance = lambda n: (
            f"{n.nominee_name} · {n.proposing_unit.display_name}"
        )


class ObjectionForm(BootstrapFormMixin, forms.Form):
    nomination = forms.ModelChoiceField(label=_("Nominee"), queryset=None)
    received_on = forms.DateField(
        label=_("Received on"), widget=DateInput(), validators=[plausible_date]
    )
    sender = forms.CharField(
        label=_("From"),
        required=False,
        max_length=255,
        help_text=_("Name and address of whoever sent it; empty if it came without a name."),
    )
    text = forms.CharField(
        label=_("Objection"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["nomination"]
        field.queryset = notice.nominations.select_related("nominee_member", "nominee_unit")
        field.label_from_instance = lambda n: n.nominee_name

    def clean_sender(self):
        return normalize_text(self.cleaned_data["sender"])


class AnswerForm(BootstrapFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutsideProposalForm(BootstrapFormMixin, forms.Form):
    authority = forms.CharField(
        label=_("Proposed to"),
        max_length=255,
        help_text=_("The authority that decides, e.g. Giám đốc Sở Tư pháp thành phố Hà Nội."),
    )
    letter_date = forms.DateField(
        label=_("Date of the proposal letter"), widget=DateInput(), validators=[plausible_date]
    )
    nominations = ModelIdsField(
        label=_("Proposed"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    # The letter is numbered from the unit's register of tờ trình and generated as a PDF.
    signer_name = ForwardForm.base_fields["signer_name"]
    signer_title = ForwardForm.base_fields["signer_title"]

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].queryset = choices


class OutsideDecisionForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(
        label=_("Decision number"), max_length=64, help_text=_("e.g. 112/QĐ-STP")
    )
    date = forms.DateField(
        label=_("Decision date"), widget=DateInput(), validators=[plausible_date]
    )
    issuer = forms.CharField(label=_("Issuer of the decision"), max_length=255)
    upload = forms.FileField(
        label=_("Scanned decision"), help_text=_("PDF, JPEG or PNG, checked by its content.")
    )
    granted = ModelIdsField(label=_("Granted"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["granted"].queryset = choices


class QuickNominationForm(BootstrapFormMixin, forms.Form):
    """A quick commendation (khen thưởng đột xuất): the proposing unit, the award and who grants
    it, the deed and its date, the report and the evidence. No round, no scores."""

    unit = forms.ModelChoiceField(label=_("Proposing unit"), queryset=None)
    award_kind = forms.ModelChoiceField(label=_("Proposed award"), queryset=None)
    granting_unit = forms.ModelChoiceField(
        label=_("Granted by"),
        queryset=None,
        required=False,
        empty_label=_("The nearest unit above that grants it"),
        help_text=_(
            "The proposal goes straight to this unit's committee, which reviews it once; its "
            "clerk issues the decision."
        ),
    )
    deed = forms.CharField(
        label=_("The deed"),
        max_length=300,
        help_text=_(
            "What happened, as the certificate will name it after “Đã có thành tích xuất sắc "
            "đột xuất”, e.g. trong việc cứu người bị đuối nước tại hồ Tây."
        ),
    )
    deed_date = forms.DateField(
        label=_("Date of the deed"), widget=DateInput(), validators=[plausible_date]
    )
    achievement = forms.CharField(
        label=_("Achievement report"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("What the nominee did, when and where, and what it achieved."),
    )
    public_citation = forms.CharField(
        label=_("Public citation"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A short text for the honour roll, if the award may be published."),
    )
    publishable = forms.BooleanField(label=_("May be published on the honour roll"), required=False)
    evidence = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, JPEG or PNG; at most %(size)s each; you may choose several."),
    )

    def __init__(self, *args, units, award_kinds, granting_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["award_kind"].queryset = award_kinds
        self.fields["granting_unit"].queryset = granting_units
        self.fields["evidence"].help_text = self.fields["evidence"].help_text % {
            "size": filesizeformat(evidence_checks.max_bytes())
        }

    def clean_deed(self):
        return normalize_text(self.cleaned_data["deed"])

    clean_evidence = NominationForm.clean_evidence
