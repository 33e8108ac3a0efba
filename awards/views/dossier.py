"""The proposing level's dossier: its bình xét (assessment meeting) and the tờ trình a level
sends with what it forwards. Thin: scoping, permissions and services do the work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from awards import scoping, services
from awards.forms import AssessmentForm, PriorAwardUploadForm
from awards.models import EDITABLE_STATES, Nomination
from awards.views.refusals import guard
from unions import scoping as unions_scoping


@login_required
def assessment_create(request, pk):
    """From a nomination the proposer may still edit: the meeting of its proposing unit, with a
    ballot row for each nomination of that unit in the round that it may still edit."""
    nomination = scoping.get_nomination_or_404(request.user, pk)
    if (response := guard(request, nomination, "edit_nomination")) is not None:
        return response
    if nomination.quick:
        messages.error(
            request, _("A quick commendation has no bình xét: it goes straight to its review.")
        )
        return redirect(nomination)
    nominations = (
        scoping.nominations_visible_to(request.user)
        .filter(
            proposing_unit=nomination.proposing_unit_id,
            round=nomination.round_id,
            state__in=EDITABLE_STATES,
        )
        .select_related("award_kind", "nominee_member", "nominee_unit")
        .order_by("pk")
    )
    form = AssessmentForm(request.POST or None, request.FILES or None, nominations=nominations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_assessment(
                actor=request.user,
                unit=nomination.proposing_unit,
                round=nomination.round,
                meeting_date=data["meeting_date"],
                members_total=data["members_total"],
                members_present=data["members_present"],
                minutes=data["minutes"],
                ballots=form.ballots(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The bình xét was recorded."))
            return redirect(nomination)
    return render(request, "awards/assessment_form.html", {"nomination": nomination, "form": form})


@login_required
def assessment_minutes(request, pk, assessment_pk):
    assessment = scoping.get_assessment_or_404(request.user, pk, assessment_pk)
    return _pdf(assessment.minutes, assessment.minutes_name)


@login_required
def submission_letter(request, pk):
    """The tờ trình as a PDF, for the units that sent or received it (and those above)."""
    letter = scoping.get_submission_letter_or_404(request.user, pk)
    if not letter.file:
        letter = services.render_submission_letter(letter)
    return _pdf(letter.file, f"to-trinh-{letter.pk}.pdf")


def _pdf(field, name):
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf", filename=name)
    response["Content-Security-Policy"] = "sandbox"
    return response


def letters_for(user, nomination: Nomination):
    """The tờ trình that carried the nomination, those the user may read."""
    return scoping.submission_letters_visible_to(user).filter(nominations=nomination)


# --- Awards from before the app ----------------------------------------------------------------


@login_required
def prior_award_upload(request, pk):
    """Step 1: the officer uploads the spreadsheet; it is checked, nothing is written."""
    unit = unions_scoping.get_unit_or_404(request.user, pk)
    if not request.user.has_perm("awards.propose_for_unit", unit):
        raise PermissionDenied
    form = PriorAwardUploadForm(request.POST or None, request.FILES or None)
    rows = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            prior_import = services.create_prior_award_import(
                unit=unit,
                actor=request.user,
                file_name=upload.name,
                data=upload.read(10 * 1024 * 1024 + 1),
            )
        except services.PriorAwardsInvalid as error:
            rows = error.rows
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect(prior_import)
    return render(
        request, "awards/prior_award_upload.html", {"unit": unit, "form": form, "rows": rows}
    )


@login_required
def prior_award_import(request, pk):
    """Step 2: the checked rows; the officer confirms (all are written) or cancels."""
    prior_import = scoping.get_prior_award_import_or_404(request.user, pk)
    if not request.user.has_perm("awards.propose_for_unit", prior_import.unit):
        raise PermissionDenied
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        service = {
            "confirm": services.confirm_prior_award_import,
            "cancel": services.cancel_prior_award_import,
        }.get(action)
        if service is None:
            return redirect(prior_import)
        try:
            service(prior_import, actor=request.user)
        except services.PriorAwardsInvalid as error:
            errors = error.rows
            messages.error(request, " ".join(error.messages))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if action == "confirm":
                messages.success(request, _("The prior awards were recorded."))
            return redirect(prior_import)
        prior_import.refresh_from_db()
    return render(
        request, "awards/prior_award_import.html", {"import": prior_import, "errors": errors}
    )
