"""Each award kind's certificate template: edited by a clerk of its granting level, with a live
preview."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from commendations import documents, services
from commendations.certificates import render_certificate_pdf, sample_certificate
from commendations.forms import (
    CertificateTemplateForm,
)
from commendations.models import CertificateTemplate
from movements import scoping as movements_scoping


def _error_text(error):
    return " ".join(error.messages)


def _template_kind(request, pk):
    kind = movements_scoping.get_award_kind_or_404(request.user, pk)
    if not request.user.has_perm("commendations.edit_certificate_template", kind):
        raise PermissionDenied
    return kind


@login_required
def certificate_template(request, pk):
    kind = _template_kind(request, pk)
    if request.method == "POST":
        form = CertificateTemplateForm(request.POST)
        if form.is_valid():
            try:
                services.update_certificate_template(
                    kind, actor=request.user, source=form.cleaned_data["source"]
                )
            except ValidationError as error:
                form.add_error("source", error)
            else:
                messages.success(
                    request,
                    _("The certificate template of %(award)s was saved.") % {"award": kind.name},
                )
                return redirect("commendations:certificate_template", pk=kind.pk)
    else:
        form = CertificateTemplateForm(
            initial={"source": documents.certificate_template_source(kind)}
        )
    return render(
        request,
        "commendations/certificate_template.html",
        {
            "form": form,
            "kind": kind,
            "is_default": not CertificateTemplate.objects.filter(award_kind=kind).exists(),
        },
    )


@login_required
@require_POST
@xframe_options_sameorigin
def certificate_template_preview(request, pk):
    """The posted template rendered with sample data: a PDF, or the error as plain text (400)."""
    kind = _template_kind(request, pk)
    form = CertificateTemplateForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_error_text(ValidationError(form.errors["source"])), status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    source = form.cleaned_data["source"] or documents.certificate_template_source_default(kind)
    try:
        pdf = render_certificate_pdf(
            source, sample_certificate(award_name=kind.name_vi, verification_url=_sample_url())
        )
    except ValidationError as error:
        return HttpResponse(
            _error_text(error), status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, "preview.pdf")
    return response


def _sample_url():
    return settings.SITE_URL + "/xac-minh/mau/"
